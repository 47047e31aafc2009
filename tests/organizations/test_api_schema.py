"""The OpenAPI schema generates cleanly and its docs pages work offline."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/organizations/": {"get"},
    "/api/v1/o/{org_slug}/organization/": {"get"},
    "/api/v1/o/{org_slug}/members/": {"get"},
    "/api/v1/o/{org_slug}/members/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/o/{org_slug}/invitations/": {"get", "post"},
    "/api/v1/o/{org_slug}/invitations/{id}/": {"get", "delete"},
    "/api/v1/o/{org_slug}/people/": {"get", "post"},
    "/api/v1/o/{org_slug}/people/{id}/": {"get", "put", "patch"},
}


@pytest.fixture(scope="module")
def schema(django_db_blocker, tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    with django_db_blocker.unblock():
        # --fail-on-warn: any warning (an unresolvable field, an unknown authenticator) fails.
        call_command("spectacular", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_the_schema_generates_without_warnings_and_lists_every_endpoint(schema):
    for path, methods in ENDPOINTS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path


def test_the_schema_documents_bearer_tokens_and_sessions(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "http"
    assert schemes["tokenAuth"]["scheme"] == "bearer"
    assert "cookieAuth" in schemes
    people = schema["paths"]["/api/v1/o/{org_slug}/people/"]["get"]
    assert {"tokenAuth": []} in people["security"]


def test_the_people_list_documents_pagination_filters_and_search(schema):
    params = {p["name"] for p in schema["paths"]["/api/v1/o/{org_slug}/people/"]["get"]["parameters"]}
    assert {"org_slug", "page", "page_size", "department", "search", "ordering"} <= params


@pytest.fixture
def signed_in(db):
    from ..factories import UserFactory

    client = APIClient()
    client.force_login(UserFactory())
    return client


def test_the_schema_is_served(signed_in):
    response = signed_in.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/o/{org_slug}/people/" in response.json()["paths"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_docs_pages_load_their_assets_locally(signed_in, url):
    response = signed_in.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert not re.search(r"https?://", html), "the docs must work offline: no CDN"
    for asset in re.findall(r"/static/(drf_spectacular_sidecar/[^\"']+)", html):
        assert finders.find(asset), asset


def test_swagger_does_not_send_the_schema_to_an_online_validator(signed_in):
    html = signed_in.get("/api/docs/").content.decode()
    assert '"validatorUrl": null' in html
