"""Invitations grant exactly their own organization and role, once, to the invited address."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from organizations.models import Membership, Role
from organizations.services import invitation_create, invitation_from_token, invitation_token

from ..factories import InvitationFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def accept_url(invitation):
    return f"/invitations/{invitation_token(invitation)}/"


def test_inviting_sends_an_email_with_a_working_link(org, owner, client_for, django_capture_on_commit_callbacks):
    membership = owner.memberships.get(organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(organization=org, actor=membership, email="New.Person@Example.com")
    assert invitation.email == "new.person@example.com"
    assert len(mail.outbox) == 1
    assert accept_url(invitation) in mail.outbox[0].body
    assert org.name in mail.outbox[0].subject


def test_the_invited_user_joins_with_exactly_the_invited_role(org, client_for):
    invitation = InvitationFactory(organization=org, email="ada@example.com", role=Role.LEADER)
    user = UserFactory(email="ada@example.com")
    response = client_for(user).post(accept_url(invitation))
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role) == (org, Role.LEADER)


def test_an_invitation_is_single_use(org, client_for):
    invitation = InvitationFactory(organization=org, email="ada@example.com")
    user = UserFactory(email="ada@example.com")
    client_for(user).post(accept_url(invitation))
    token_url = accept_url(invitation)
    assert client_for(user).get(token_url).status_code == 404
    assert Membership.objects.filter(user=user).count() == 1


def test_accepting_while_signed_in_as_another_email_is_refused(org, client_for):
    invitation = InvitationFactory(organization=org, email="ada@example.com", role=Role.ADMIN)
    intruder = UserFactory(email="mallory@example.com")
    response = client_for(intruder).post(accept_url(invitation))
    assert response.status_code == 403
    assert b"ada@example.com" in response.content
    assert not Membership.objects.filter(user=intruder).exists()
    assert invitation_from_token(invitation_token(invitation)) is not None  # still usable by Ada


def test_an_unverified_matching_email_is_not_enough(org, client_for):
    invitation = InvitationFactory(organization=org, email="ada@example.com")
    user = UserFactory(email="ada@example.com", verified=False)
    response = client_for(user).post(accept_url(invitation))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda inv: setattr(inv, "expires_at", timezone.now() - timedelta(minutes=1)),
        lambda inv: setattr(inv, "revoked_at", timezone.now()),
        lambda inv: setattr(inv, "nonce", "rotated"),
    ],
    ids=["expired", "revoked", "nonce-rotated"],
)
def test_expired_revoked_or_stale_links_grant_nothing(org, client_for, spoil):
    invitation = InvitationFactory(organization=org, email="ada@example.com")
    url = accept_url(invitation)
    spoil(invitation)
    invitation.save()
    user = UserFactory(email="ada@example.com")
    assert client_for(user).post(url).status_code == 404
    assert not Membership.objects.filter(user=user).exists()


def test_a_tampered_token_cannot_point_at_another_organization(client_for):
    mine = InvitationFactory(email="ada@example.com", role=Role.MEMBER)
    other = InvitationFactory(organization=OrganizationFactory(), email="ada@example.com", role=Role.OWNER)
    # Graft the other invitation's payload onto this one's signature.
    token, other_token = invitation_token(mine), invitation_token(other)
    forged = other_token.split(":", 1)[0] + ":" + token.split(":", 1)[1]
    user = UserFactory(email="ada@example.com")
    assert client_for(user).post(f"/invitations/{forged}/").status_code == 404
    assert not Membership.objects.filter(user=user).exists()


def test_signed_out_visitors_see_the_invitation_and_are_asked_to_sign_in(org, client):
    invitation = InvitationFactory(organization=org, email="ada@example.com")
    response = client.get(accept_url(invitation))
    assert response.status_code == 200
    assert org.name.encode() in response.content
    assert not Membership.objects.exists()
