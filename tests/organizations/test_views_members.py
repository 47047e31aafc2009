"""Members and invitations pages: role rules, the last owner, messages, htmx rows, bounded queries."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from organizations.models import Invitation, Membership, Role

from ..factories import InvitationFactory, MembershipFactory, OrganizationFactory
from .pages import field_error, text

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"org:{name}", args=[org.slug, *args])


def membership(user, org):
    return Membership.objects.get(user=user, organization=org)


# --- the list ---------------------------------------------------------------------------


def test_members_see_no_member_list_but_leaders_do_read_only(org, owner, member_of, client_for):
    assert client_for(member_of(org, Role.MEMBER)).get(url("members", org)).status_code == 403
    response = client_for(member_of(org, Role.LEADER)).get(url("members", org))
    assert response.status_code == 200
    assert owner.email in text(response)
    assert "<select" not in response.content.decode()
    assert "Invite members" not in text(response)


def test_an_admin_can_change_members_but_not_owners(org, owner, admin_user, member_of, client_for):
    member = member_of(org, Role.MEMBER)
    response = client_for(admin_user).get(url("members", org))
    rows = {row["membership"].user.email: row for row in response.context["rows"]}
    assert rows[member.email]["editable"] and not rows[owner.email]["editable"]
    offered = [value for value, _ in rows[member.email]["form"].fields["role"].choices]
    assert offered == [Role.ADMIN, Role.LEADER, Role.MEMBER]
    assert url("member-remove", org, membership(owner, org).pk) not in response.content.decode()


def test_the_member_list_runs_a_fixed_number_of_queries(
    org, owner, client_for, member_of, django_assert_max_num_queries
):
    for _ in range(60):
        member_of(org, Role.MEMBER)
    client = client_for(owner)
    with django_assert_max_num_queries(12):
        response = client.get(url("members", org))
    assert response.context["page"].paginator.count == 61
    assert len(response.context["rows"]) == 50


def test_searching_members_by_email(org, owner, member_of, client_for):
    member_of(org, Role.MEMBER, email="ada@example.com")
    member_of(org, Role.MEMBER, email="charles@example.com")
    page = text(client_for(owner).get(url("members", org), {"q": "ada"}))
    assert "ada@example.com" in page and "charles@example.com" not in page


# --- changing roles -----------------------------------------------------------------------


def test_an_owner_changes_a_role_and_is_told(org, owner, member_of, client_for):
    member = member_of(org, Role.MEMBER)
    client = client_for(owner)
    response = client.post(url("member-role", org, membership(member, org).pk), {"role": Role.ADMIN}, follow=True)
    assert membership(member, org).role == Role.ADMIN
    assert f"{member.email} is now admin." in text(response)


def test_an_admin_cannot_demote_an_owner(org, owner, admin_user, client_for):
    response = client_for(admin_user).post(url("member-role", org, membership(owner, org).pk), {"role": Role.MEMBER})
    assert response.status_code == 403
    assert membership(owner, org).role == Role.OWNER


def test_an_admin_cannot_make_an_owner(org, admin_user, member_of, client_for):
    member = member_of(org, Role.MEMBER)
    response = client_for(admin_user).post(
        url("member-role", org, membership(member, org).pk), {"role": Role.OWNER}, follow=True
    )
    assert membership(member, org).role == Role.MEMBER
    assert "Choose one of the roles offered." in text(response)


def test_the_last_owner_cannot_step_down(org, owner, client_for):
    response = client_for(owner).post(
        url("member-role", org, membership(owner, org).pk), {"role": Role.ADMIN}, follow=True
    )
    assert membership(owner, org).role == Role.OWNER
    assert "An organization needs at least one owner." in text(response)


def test_an_owner_who_steps_down_lands_on_a_page_they_can_still_open(org, owner, member_of, client_for):
    member_of(org, Role.OWNER)
    response = client_for(owner).post(url("member-role", org, membership(owner, org).pk), {"role": Role.MEMBER})
    assert membership(owner, org).role == Role.MEMBER
    assert response["Location"] == url("home", org)


def test_role_changes_are_post_only(org, owner, member_of, client_for):
    target = membership(member_of(org, Role.MEMBER), org)
    client = client_for(owner)
    assert client.get(url("member-role", org, target.pk)).status_code == 405
    assert client.get(url("member-remove", org, target.pk)).status_code == 405


def test_another_organizations_membership_is_not_found(org, owner, client_for):
    stranger = MembershipFactory(organization=OrganizationFactory())
    client = client_for(owner)
    assert client.post(url("member-role", org, stranger.pk), {"role": Role.ADMIN}).status_code == 404
    assert client.post(url("member-remove", org, stranger.pk)).status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == Role.MEMBER


def test_htmx_role_change_answers_with_the_row_and_the_message(org, owner, member_of, client_for):
    member = member_of(org, Role.MEMBER)
    target = membership(member, org)
    response = client_for(owner).post(
        url("member-role", org, target.pk), {"role": Role.LEADER}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="member-{target.pk}">')
    assert 'hx-swap-oob="true"' in html and "is now leader" in html


# --- removing ---------------------------------------------------------------------------------


def test_removing_a_member(org, owner, member_of, client_for):
    member = member_of(org, Role.MEMBER)
    response = client_for(owner).post(url("member-remove", org, membership(member, org).pk), follow=True)
    assert not Membership.objects.filter(user=member, organization=org).exists()
    assert f"{member.email} was removed" in text(response)


def test_the_last_owner_cannot_be_removed(org, owner, client_for):
    response = client_for(owner).post(url("member-remove", org, membership(owner, org).pk), follow=True)
    assert membership(owner, org).role == Role.OWNER
    assert "An organization needs at least one owner." in text(response)


def test_an_admin_cannot_remove_an_owner(org, owner, admin_user, member_of, client_for):
    member_of(org, Role.OWNER)
    response = client_for(admin_user).post(url("member-remove", org, membership(owner, org).pk))
    assert response.status_code == 403
    assert Membership.objects.filter(user=owner, organization=org).exists()


def test_leaving_sends_you_home(org, owner, admin_user, client_for):
    response = client_for(admin_user).post(url("member-remove", org, membership(admin_user, org).pk))
    assert response["Location"] == reverse("home")
    assert not Membership.objects.filter(user=admin_user, organization=org).exists()


def test_htmx_remove_empties_the_row(org, owner, member_of, client_for):
    target = membership(member_of(org, Role.MEMBER), org)
    response = client_for(owner).post(url("member-remove", org, target.pk), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<tr" not in html
    assert "was removed" in html


# --- invitations -----------------------------------------------------------------------------


def test_leaders_cannot_invite(org, member_of, client_for):
    client = client_for(member_of(org, Role.LEADER))
    assert client.get(url("invitations", org)).status_code == 403
    assert client.post(url("invitations", org), {"email": "x@example.com", "role": Role.MEMBER}).status_code == 403


def test_roles_offered_follow_the_inviters_role(org, owner, admin_user, client_for):
    def offered(user):
        form = client_for(user).get(url("invitations", org)).context["form"]
        return [value for value, _ in form.fields["role"].choices]

    assert Role.OWNER not in offered(admin_user)
    assert Role.OWNER in offered(owner)


def test_inviting_someone_sends_the_email_and_says_so(org, admin_user, client_for, django_capture_on_commit_callbacks):
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("invitations", org), {"email": "New@Example.com", "role": Role.LEADER}, follow=True)
    invitation = Invitation.objects.for_org(org).get()
    assert (invitation.email, invitation.role) == ("new@example.com", Role.LEADER)
    assert "Invitation sent to new@example.com as leader." in text(response)
    assert len(mail.outbox) == 1 and org.name in mail.outbox[0].subject
    assert "/invitations/" in mail.outbox[0].alternatives[0][0]


def test_an_admin_cannot_invite_an_owner(org, admin_user, client_for):
    response = client_for(admin_user).post(url("invitations", org), {"email": "x@example.com", "role": Role.OWNER})
    assert "valid choice" in field_error(response, "role")
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["member", "invited"])
def test_inviting_a_member_or_someone_already_invited_is_explained_beside_the_email(
    org, owner, member_of, client_for, who
):
    email = member_of(org, Role.MEMBER).email if who == "member" else "ada@example.com"
    InvitationFactory(organization=org, email="ada@example.com")
    response = client_for(owner).post(url("invitations", org), {"email": email.upper(), "role": Role.MEMBER})
    assert ("already a member" if who == "member" else "pending invitation") in field_error(response, "email")


def test_resending_a_pending_invitation(org, owner, client_for, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(organization=org, email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(url("invitation-resend", org, invitation.pk), follow=True)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.com"]
    assert "sent again to ada@example.com" in text(response)


def test_resending_again_at_once_is_refused_so_no_one_is_spammed(
    org, owner, client_for, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(organization=org, email="ada@example.com")
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("invitation-resend", org, invitation.pk))
        response = client.post(url("invitation-resend", org, invitation.pk), follow=True)
    assert len(mail.outbox) == 1
    assert "sent a few minutes ago" in text(response)


def test_a_revoked_invitation_is_not_resent(org, owner, client_for):
    invitation = InvitationFactory(organization=org, revoked_at=timezone.now())
    response = client_for(owner).post(url("invitation-resend", org, invitation.pk), follow=True)
    assert mail.outbox == []
    assert "this one is revoked" in text(response)


def test_revoking_an_invitation(org, owner, client_for):
    invitation = InvitationFactory(organization=org)
    client = client_for(owner)
    assert client.get(url("invitation-revoke", org, invitation.pk)).status_code == 405
    response = client.post(url("invitation-revoke", org, invitation.pk), follow=True)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert "was revoked" in text(response)


def test_another_organizations_invitation_is_not_found(org, owner, client_for):
    stranger = InvitationFactory(organization=OrganizationFactory())
    client = client_for(owner)
    assert client.post(url("invitation-revoke", org, stranger.pk)).status_code == 404
    assert client.post(url("invitation-resend", org, stranger.pk)).status_code == 404
    assert mail.outbox == []


def test_the_invitation_list_runs_a_fixed_number_of_queries(org, owner, client_for, django_assert_max_num_queries):
    InvitationFactory.create_batch(60, organization=org, invited_by=owner)
    client = client_for(owner)
    with django_assert_max_num_queries(12):
        response = client.get(url("invitations", org))
    assert len(response.context["page"].object_list) == 50
