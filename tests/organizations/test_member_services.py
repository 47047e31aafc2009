"""Membership and invitation rules that hold whichever page or endpoint asks."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from organizations.models import Invitation, Membership, Role
from organizations.services import (
    invitation_accept,
    invitation_create,
    membership_change_role,
    organization_create,
)

from ..factories import InvitationFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_existing_member_invited_to_a_higher_role_gets_it(org, member_of):
    user = member_of(org, Role.MEMBER, email="ada@example.com")
    invitation = InvitationFactory(organization=org, email="ada@example.com", role=Role.ADMIN)
    invitation_accept(invitation=invitation, user=user)
    assert Membership.objects.get(organization=org, user=user).role == Role.ADMIN


def test_an_invitation_never_lowers_a_role(org, member_of):
    user = member_of(org, Role.ADMIN, email="ada@example.com")
    invitation = InvitationFactory(organization=org, email="ada@example.com", role=Role.MEMBER)
    invitation_accept(invitation=invitation, user=user)
    assert Membership.objects.get(organization=org, user=user).role == Role.ADMIN


def test_members_and_pending_invitees_cannot_be_invited_again(org, owner, member_of):
    actor = owner.memberships.get(organization=org)
    member = member_of(org, Role.MEMBER)
    with pytest.raises(ValidationError) as already_member:
        invitation_create(organization=org, actor=actor, email=member.email.upper())
    invitation_create(organization=org, actor=actor, email="ada@example.com")
    with pytest.raises(ValidationError) as already_invited:
        invitation_create(organization=org, actor=actor, email="Ada@Example.com")
    assert "already a member" in already_member.value.message_dict["email"][0]
    assert "pending invitation" in already_invited.value.message_dict["email"][0]


def test_an_organization_can_send_only_so_many_invitations_a_day(org, owner, settings):
    settings.INVITATIONS_PER_DAY = 3
    actor = owner.memberships.get(organization=org)
    for n in range(3):
        invitation_create(organization=org, actor=actor, email=f"person{n}@example.com")
    with pytest.raises(ValidationError) as capped:
        invitation_create(organization=org, actor=actor, email="one-too-many@example.com")
    assert "3 invitations today" in capped.value.message_dict["email"][0]
    assert Invitation.objects.for_org(org).count() == 3


def test_organization_names_with_control_characters_are_refused():
    with pytest.raises(ValidationError):
        organization_create(name="Acme\nBcc: victim@example.com", created_by=UserFactory())


def test_a_taken_web_address_gets_a_random_suffix_not_a_counter():
    first = organization_create(name="Acme", created_by=UserFactory())
    second = organization_create(name="Acme", created_by=UserFactory())
    assert first.slug == "acme"
    assert second.slug.startswith("acme-") and second.slug != "acme-2"


def test_the_api_refuses_a_second_pending_invitation_naming_the_email_field(org, owner):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(owner)
    url = f"/api/v1/o/{org.slug}/invitations/"
    assert client.post(url, {"email": "ada@example.com", "role": "member"}, format="json").status_code == 201
    again = client.post(url, {"email": "ada@example.com", "role": "member"}, format="json")
    assert again.status_code == 400
    assert "email" in again.json()["error"]["fields"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
def test_two_owners_demoting_each_other_at_once_leave_one_owner():
    org = OrganizationFactory()
    owners = [UserFactory() for _ in range(2)]
    memberships = [Membership.objects.create(organization=org, user=u, role=Role.OWNER) for u in owners]
    barrier = threading.Barrier(2)
    outcomes = []

    def demote(actor, target):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            membership_change_role(organization=org, actor=actor, membership=target, role=Role.ADMIN)
            outcomes.append("demoted")
        except (ValidationError, PermissionDenied):
            # Whoever runs second sees the first's result: either no other owner is left, or
            # they are no longer an owner themselves (their role is re-read under the lock).
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=demote, args=(memberships[0], memberships[1])),
        threading.Thread(target=demote, args=(memberships[1], memberships[0])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["demoted", "refused"]
    assert Membership.objects.for_org(org).filter(role=Role.OWNER).count() == 1
