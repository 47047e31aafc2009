"""Who may call the API: Bearer tokens for scripts, sessions (with CSRF) for the browser."""

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from organizations.api import PersonViewSet
from organizations.models import ApiToken, Membership, Role
from organizations.services import api_token_revoke, membership_remove

from ..factories import MembershipFactory, OrganizationFactory, PersonFactory
from .api_helpers import NOT_FOUND, api_url, bearer_client, error_of, session_client, token_client, token_for

pytestmark = pytest.mark.django_db


# --- Bearer tokens ------------------------------------------------------------------------


def test_a_bearer_token_reads_its_organization(org, member_of):
    user = member_of(org, Role.LEADER)
    response = token_client(user, org).get(api_url(org, "organization/"))
    assert response.status_code == 200
    assert response.json() == {
        "id": org.pk,
        "name": "Acme",
        "slug": "acme",
        "time_zone": org.time_zone,
        "locale": org.locale,
        "brand_colour": org.brand_colour,
        "survey_min_responses": 5,
        "survey_min_text_responses": 10,
        "created_at": response.json()["created_at"],
        "role": "leader",
    }


def test_the_token_keyword_is_also_accepted(org, member_of):
    _, raw_key = token_for(member_of(org), org)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw_key}")
    assert client.get(api_url(org, "organization/")).status_code == 200


def test_using_a_token_records_when_it_was_last_used(org, member_of):
    token, raw_key = token_for(member_of(org), org)
    assert token.last_used_at is None
    bearer_client(raw_key).get(api_url(org, "organization/"))
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["", "Bearer tdm_not-a-real-key", "Bearer", "Bearer two words"],
    ids=["no header", "unknown key", "no key", "malformed"],
)
def test_no_or_a_bad_token_answers_401_with_the_error_body(org, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(api_url(org, "organization/"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    error = error_of(response)
    assert error["code"] in {"not_authenticated", "authentication_failed"}
    assert error["fields"] == {}


def test_a_revoked_token_answers_401(org, member_of):
    token, raw_key = token_for(member_of(org), org)
    api_token_revoke(organization=org, token=token)
    response = bearer_client(raw_key).get(api_url(org, "organization/"))
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_a_deactivated_users_token_answers_401(org, member_of):
    user = member_of(org)
    client = token_client(user, org)
    user.is_active = False
    user.save()
    assert client.get(api_url(org, "organization/")).status_code == 401


def test_a_token_works_only_in_its_own_organization(org, member_of):
    """Even where its user is a member, another organization answers like one that does not exist."""
    user = member_of(org, Role.OWNER)
    other = OrganizationFactory(slug="other")
    MembershipFactory(organization=other, user=user, role=Role.OWNER)
    PersonFactory(organization=other)
    client = token_client(user, org)

    for path in ("organization/", "people/", "members/"):
        foreign = client.get(api_url(other, path))
        missing = client.get(api_url("no-such-org", path))
        assert foreign.status_code == missing.status_code == 404
        assert foreign.json() == missing.json() == NOT_FOUND
    # The same user, signed in with a session, does see the other organization.
    assert session_client(user).get(api_url(other, "organization/")).status_code == 200


def test_a_token_whose_user_left_the_organization_answers_404(org, member_of):
    user = member_of(org)
    client = token_client(user, org)
    Membership.objects.filter(user=user, organization=org).delete()
    response = client.get(api_url(org, "organization/"))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_removing_a_member_revokes_their_tokens_in_that_organization(org, member_of, owner):
    user = member_of(org)
    token, raw_key = token_for(user, org)
    membership_remove(
        organization=org,
        actor=owner.memberships.get(organization=org),
        membership=user.memberships.get(organization=org),
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert bearer_client(raw_key).get(api_url(org, "organization/")).status_code == 401


def test_a_token_acts_with_the_users_current_role(org, member_of):
    user = member_of(org, Role.MEMBER)
    client = token_client(user, org)
    response = client.get(api_url(org, "people/"))
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"

    Membership.objects.filter(user=user).update(role=Role.ADMIN)
    assert client.get(api_url(org, "people/")).status_code == 200
    assert client.post(api_url(org, "people/"), {"name": "Ada"}, format="json").status_code == 201

    Membership.objects.filter(user=user).update(role=Role.LEADER)
    assert client.get(api_url(org, "people/")).status_code == 200
    assert client.post(api_url(org, "people/"), {"name": "Bob"}, format="json").status_code == 403


# --- Sessions (the browser) -------------------------------------------------------------------


def test_a_signed_in_browser_reads_with_its_session(org, member_of):
    user = member_of(org, Role.ADMIN)
    response = session_client(user).get(api_url(org, "members/"))
    assert response.status_code == 200


def test_unsafe_methods_with_a_session_need_the_csrf_token(org, member_of):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member_of(org, Role.ADMIN))

    refused = client.post(api_url(org, "people/"), {"name": "Ada"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in error_of(refused)["message"]

    client.get("/o/acme/tokens/")  # any page sets the CSRF cookie, as a browser would have it
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(api_url(org, "people/"), {"name": "Ada"}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201


def test_a_bearer_token_needs_no_csrf_token(org, member_of):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(member_of(org, Role.ADMIN), org)[1]}")
    assert client.post(api_url(org, "people/"), {"name": "Ada"}, format="json").status_code == 201


# --- The caller's organizations ---------------------------------------------------------------


def test_my_organizations_lists_each_with_my_role(org, member_of):
    user = member_of(org, Role.ADMIN)
    other = OrganizationFactory(name="Beta", slug="beta")
    MembershipFactory(organization=other, user=user, role=Role.MEMBER)
    OrganizationFactory(name="Not mine", slug="not-mine")

    response = session_client(user).get("/api/v1/organizations/")

    assert response.status_code == 200
    assert [(o["slug"], o["role"]) for o in response.json()["results"]] == [("acme", "admin"), ("beta", "member")]


def test_my_organizations_with_a_token_shows_only_the_tokens_organization(org, member_of):
    user = member_of(org)
    MembershipFactory(organization=OrganizationFactory(slug="beta"), user=user)
    response = token_client(user, org).get("/api/v1/organizations/")
    assert [o["slug"] for o in response.json()["results"]] == ["acme"]


def test_my_organizations_needs_authentication(db):
    assert APIClient().get("/api/v1/organizations/").status_code == 401


# --- Throttling ------------------------------------------------------------------------------


def test_throttling_is_on_for_every_endpoint():
    assert AnonRateThrottle in api_settings.DEFAULT_THROTTLE_CLASSES
    assert UserRateThrottle in api_settings.DEFAULT_THROTTLE_CLASSES
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["anon"] and rates["user"]
    throttles = {type(t) for t in PersonViewSet().get_throttles()}
    assert {AnonRateThrottle, UserRateThrottle} <= throttles


def test_a_caller_over_the_rate_gets_429_with_the_error_body(org, member_of, monkeypatch):
    """Without hammering: a tiny rate shows the answer a script gets when it is throttled."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "2/min", "anon": "2/min"})
    client = token_client(member_of(org), org)
    statuses = [client.get(api_url(org, "organization/")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get(api_url(org, "organization/"))
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_last_used_is_not_rewritten_on_every_request(org, member_of, django_assert_max_num_queries):
    token, raw_key = token_for(member_of(org), org)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    client = bearer_client(raw_key)
    client.get(api_url(org, "organization/"))
    # token lookup + membership: no UPDATE within the minute
    with django_assert_max_num_queries(2):
        client.get(api_url(org, "organization/"))
