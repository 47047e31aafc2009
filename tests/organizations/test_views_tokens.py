"""The personal API tokens page: your own tokens only, the raw key shown once, revocable."""

import pytest

from organizations.models import ApiToken, Role

from ..factories import MembershipFactory, OrganizationFactory
from .api_helpers import api_url, bearer_client, token_for

pytestmark = pytest.mark.django_db

PAGE = "/o/acme/tokens/"


def revoke_url(token, slug="acme"):
    return f"/o/{slug}/tokens/{token.pk}/revoke/"


def test_every_role_can_reach_the_page(org, member_of, client_for):
    for role in Role.values:
        response = client_for(member_of(org, role)).get(PAGE)
        assert response.status_code == 200, role
        assert b"Create token" in response.content


def test_an_outsider_gets_404(org, member_of, client_for):
    outsider = member_of(OrganizationFactory())
    assert client_for(outsider).get(PAGE).status_code == 404


def test_the_page_lists_only_my_tokens_in_this_organization(org, member_of, client_for):
    me, colleague = member_of(org), member_of(org)
    elsewhere = OrganizationFactory()
    member_of(elsewhere)
    MembershipFactory(organization=elsewhere, user=me)
    token_for(me, org, name="my sync script")
    token_for(colleague, org, name="colleague's script")
    token_for(me, elsewhere, name="my other org script")

    content = client_for(me).get(PAGE).content.decode()

    assert "my sync script" in content
    assert "colleague&#x27;s script" not in content and "colleague's script" not in content
    assert "my other org script" not in content


def test_creating_a_token_shows_the_raw_key_once_and_stores_only_its_hash(org, member_of, client_for):
    me = member_of(org)
    client = client_for(me)

    response = client.post(PAGE, {"name": "HRIS sync"})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=me)
    raw_key = response.context["raw_key"]
    assert raw_key.startswith("tdm_")
    assert raw_key in response.content.decode()
    assert token.name == "HRIS sync"
    assert token.key_hash == ApiToken.hash_key(raw_key)
    assert raw_key not in {token.key_hash, token.key_prefix, token.name}
    assert "no-store" in response["Cache-Control"]
    # Never again: the next render of the page shows the prefix, not the key.
    again = client.get(PAGE).content.decode()
    assert raw_key not in again
    assert token.key_prefix in again


def test_the_new_key_works_against_the_api(org, member_of, client_for):
    me = member_of(org, Role.LEADER)
    raw_key = client_for(me).post(PAGE, {"name": "reports"}).context["raw_key"]
    response = bearer_client(raw_key).get(api_url(org, "organization/"))
    assert response.status_code == 200
    assert response.json()["role"] == Role.LEADER


def test_a_token_needs_a_name_and_the_error_is_beside_the_field(org, member_of, client_for):
    response = client_for(member_of(org)).post(PAGE, {"name": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert 'class="errorlist"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_my_token_stops_it_at_once(org, member_of, client_for):
    me = member_of(org)
    token, raw_key = token_for(me, org)

    response = client_for(me).post(revoke_url(token))

    assert response.status_code == 302
    assert response["Location"] == PAGE
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer_client(raw_key).get(api_url(org, "organization/")).status_code == 401
    page = client_for(me).get(PAGE).content.decode()
    assert "Revoked" in page


def test_i_cannot_revoke_a_colleagues_token(org, member_of, client_for):
    me, colleague = member_of(org, Role.OWNER), member_of(org)
    token, _ = token_for(colleague, org)
    assert client_for(me).post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_my_token_from_another_organization_answers_like_a_missing_one(org, member_of, client_for):
    me = member_of(org)
    elsewhere = OrganizationFactory()
    MembershipFactory(organization=elsewhere, user=me)
    token, _ = token_for(me, elsewhere)
    client = client_for(me)
    foreign = client.post(revoke_url(token))
    missing = client.post(f"/o/acme/tokens/{token.pk + 1000}/revoke/")
    assert foreign.status_code == missing.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_post(org, member_of, client_for):
    me = member_of(org)
    token, _ = token_for(me, org)
    assert client_for(me).get(revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_list_runs_a_bounded_number_of_queries(org, member_of, client_for, django_assert_max_num_queries):
    me = member_of(org)
    for n in range(60):
        token_for(me, org, name=f"script {n}")
    client = client_for(me)
    with django_assert_max_num_queries(10):
        response = client.get(PAGE)
    assert response.content.decode().count("<tr>") == 61
