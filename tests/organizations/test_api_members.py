"""Members and invitations over the API, with the same rules as the pages (services decide)."""

import pytest
from django.core import mail
from django.utils import timezone

from organizations.models import ApiToken, Invitation, Membership, Role
from organizations.services import invitation_from_token, invitation_token

from ..factories import InvitationFactory, MembershipFactory, OrganizationFactory, UserFactory
from .api_helpers import api_url, error_of, token_client, token_for

pytestmark = pytest.mark.django_db


def membership(user, org):
    return Membership.objects.get(user=user, organization=org)


@pytest.fixture
def as_role(org, member_of):
    """as_role(role) -> a token client of a new user holding `role` in Acme."""

    def make(role):
        return token_client(member_of(org, role), org)

    return make


# --- members ---------------------------------------------------------------------------------


def test_leaders_see_the_member_list_members_do_not(org, owner, as_role):
    response = as_role(Role.LEADER).get(api_url(org, "members/"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {m["email"] for m in body["results"]} >= {owner.email}
    assert set(body["results"][0]) == {"id", "user", "email", "role", "created_at"}
    assert as_role(Role.MEMBER).get(api_url(org, "members/")).status_code == 403


def test_members_filter_by_role_and_search_by_email(org, owner, member_of, as_role):
    member_of(org, Role.LEADER, email="lena@example.com")
    client = as_role(Role.ADMIN)
    by_role = client.get(api_url(org, "members/"), {"role": "owner"}).json()
    assert [m["email"] for m in by_role["results"]] == [owner.email]
    found = client.get(api_url(org, "members/"), {"search": "lena@"}).json()
    assert [m["email"] for m in found["results"]] == ["lena@example.com"]


def test_member_list_queries_are_bounded(org, member_of, as_role, django_assert_max_num_queries):
    for _ in range(60):
        member_of(org)
    client = as_role(Role.ADMIN)
    with django_assert_max_num_queries(6):
        response = client.get(api_url(org, "members/"), {"page_size": 100})
    assert len(response.json()["results"]) == 61


def test_retrieve_a_member(org, owner, as_role):
    target = membership(owner, org)
    response = as_role(Role.LEADER).get(api_url(org, f"members/{target.pk}/"))
    assert response.status_code == 200
    assert response.json()["email"] == owner.email


def test_another_organizations_member_answers_like_a_missing_one(org, as_role):
    foreign = MembershipFactory(organization=OrganizationFactory())
    client = as_role(Role.OWNER)
    for method in ("get", "patch", "delete"):
        a = getattr(client, method)(api_url(org, f"members/{foreign.pk}/"), {"role": "member"}, format="json")
        b = getattr(client, method)(api_url(org, "members/999999/"), {"role": "member"}, format="json")
        assert a.status_code == b.status_code == 404, method
        assert a.json() == b.json()
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_an_admin_changes_a_members_role(org, member_of, as_role):
    target = membership(member_of(org), org)
    response = as_role(Role.ADMIN).patch(api_url(org, f"members/{target.pk}/"), {"role": "leader"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "leader"
    target.refresh_from_db()
    assert target.role == Role.LEADER


def test_an_unknown_role_is_an_error_on_the_role_field(org, member_of, as_role):
    target = membership(member_of(org), org)
    response = as_role(Role.ADMIN).patch(api_url(org, f"members/{target.pk}/"), {"role": "king"}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["role"]


def test_leaders_cannot_change_roles(org, member_of, as_role):
    target = membership(member_of(org), org)
    response = as_role(Role.LEADER).patch(api_url(org, f"members/{target.pk}/"), {"role": "admin"}, format="json")
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.MEMBER


def test_an_admin_cannot_touch_owners_nor_make_one(org, owner, member_of, as_role):
    client = as_role(Role.ADMIN)
    owner_membership = membership(owner, org)
    demote = client.patch(api_url(org, f"members/{owner_membership.pk}/"), {"role": "member"}, format="json")
    assert demote.status_code == 403
    assert error_of(demote)["code"] == "permission_denied"
    assert client.delete(api_url(org, f"members/{owner_membership.pk}/")).status_code == 403

    target = membership(member_of(org), org)
    promote = client.patch(api_url(org, f"members/{target.pk}/"), {"role": "owner"}, format="json")
    assert promote.status_code == 403

    owner_membership.refresh_from_db()
    target.refresh_from_db()
    assert (owner_membership.role, target.role) == (Role.OWNER, Role.MEMBER)


def test_an_owner_makes_another_owner(org, owner, member_of):
    target = membership(member_of(org, Role.ADMIN), org)
    response = token_client(owner, org).patch(api_url(org, f"members/{target.pk}/"), {"role": "owner"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "owner"


def test_the_last_owner_cannot_step_down_and_the_error_names_the_role(org, owner):
    client = token_client(owner, org)
    own = membership(owner, org)
    response = client.patch(api_url(org, f"members/{own.pk}/"), {"role": "admin"}, format="json")
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"role": ["An organization needs at least one owner."]}
    removal = client.delete(api_url(org, f"members/{own.pk}/"))
    assert removal.status_code == 400
    assert list(error_of(removal)["fields"]) == ["role"]
    own.refresh_from_db()
    assert own.role == Role.OWNER


def test_removing_a_member_drops_the_membership_and_revokes_their_tokens(org, member_of, as_role):
    leaver = member_of(org)
    token, _ = token_for(leaver, org)
    target = membership(leaver, org)
    response = as_role(Role.ADMIN).delete(api_url(org, f"members/{target.pk}/"))
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=target.pk).exists()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


# --- invitations -----------------------------------------------------------------------------


def test_an_admin_invites_by_email_and_the_email_is_sent(org, as_role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_role(Role.ADMIN).post(
            api_url(org, "invitations/"), {"email": "New.Person@Example.com", "role": "leader"}, format="json"
        )
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["status"]) == ("new.person@example.com", "leader", "pending")
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.organization == org
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert invitation_token(invitation) in mail.outbox[0].body


def test_inviting_needs_a_valid_email_and_role(org, as_role):
    client = as_role(Role.ADMIN)
    response = client.post(api_url(org, "invitations/"), {"email": "not-an-email", "role": "chief"}, format="json")
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"email", "role"}
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_an_error_on_email(org, owner, as_role):
    response = as_role(Role.ADMIN).post(api_url(org, "invitations/"), {"email": owner.email.upper()}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["email"]


def test_an_admin_cannot_invite_an_owner(org, as_role):
    response = as_role(Role.ADMIN).post(
        api_url(org, "invitations/"), {"email": "boss@example.com", "role": "owner"}, format="json"
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_leaders_see_invitations_but_cannot_invite(org, as_role):
    InvitationFactory(organization=org)
    client = as_role(Role.LEADER)
    assert client.get(api_url(org, "invitations/")).json()["count"] == 1
    assert client.post(api_url(org, "invitations/"), {"email": "x@example.com"}, format="json").status_code == 403


def test_invitation_list_queries_are_bounded(org, owner, as_role, django_assert_max_num_queries):
    for _ in range(60):
        InvitationFactory(organization=org, invited_by=owner)
    client = as_role(Role.ADMIN)
    with django_assert_max_num_queries(6):
        response = client.get(api_url(org, "invitations/"), {"page_size": 100})
    results = response.json()["results"]
    assert len(results) == 60
    assert results[0]["invited_by"] == owner.email


def test_delete_revokes_a_pending_invitation_and_kills_its_link(org, as_role):
    invitation = InvitationFactory(organization=org)
    client = as_role(Role.ADMIN)
    assert client.delete(api_url(org, f"invitations/{invitation.pk}/")).status_code == 204
    assert client.get(api_url(org, f"invitations/{invitation.pk}/")).json()["status"] == "revoked"
    assert invitation_from_token(invitation_token(invitation)) is None


def test_an_accepted_invitation_cannot_be_revoked(org, as_role):
    invitation = InvitationFactory(organization=org, accepted_at=timezone.now(), accepted_by=UserFactory())
    response = as_role(Role.ADMIN).delete(api_url(org, f"invitations/{invitation.pk}/"))
    assert response.status_code == 400
    assert error_of(response)["fields"]["non_field_errors"]
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_another_organizations_invitation_answers_like_a_missing_one(org, as_role):
    foreign = InvitationFactory(organization=OrganizationFactory())
    client = as_role(Role.OWNER)
    for method in ("get", "delete"):
        a = getattr(client, method)(api_url(org, f"invitations/{foreign.pk}/"))
        b = getattr(client, method)(api_url(org, "invitations/999999/"))
        assert a.status_code == b.status_code == 404
        assert a.json() == b.json()
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
