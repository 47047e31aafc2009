"""Shared helpers for the API tests: URLs under the tenant prefix and authenticated clients."""

from rest_framework.test import APIClient

from organizations.services import api_token_create

# The one 404 body: a missing object, another tenant's object, another tenant itself.
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def api_url(org_or_slug, path=""):
    slug = getattr(org_or_slug, "slug", org_or_slug)
    return f"/api/v1/o/{slug}/{path}"


def token_for(user, organization, name="script"):
    """(token row, raw key) for a new personal token of `user` in `organization`."""
    return api_token_create(organization=organization, user=user, name=name)


def bearer_client(raw_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def token_client(user, organization):
    """A script's client: a fresh personal token of `user` in `organization`, sent as Bearer."""
    return bearer_client(token_for(user, organization)[1])


def session_client(user):
    """A browser's client: signed in with a session (CSRF is not enforced by this client)."""
    client = APIClient()
    client.force_login(user)
    return client


def error_of(response):
    """The error body every API failure carries: {"code", "message", "fields"}."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]
