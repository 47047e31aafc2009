"""A directory record belongs to an account exactly while its email is that member's verified address."""

import pytest
from allauth.account.models import EmailAddress

from organizations.models import PersonChange, Role
from organizations.services import membership_remove, people_relink, person_create, person_update

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grace(org, member_of):
    return member_of(org, Role.MEMBER, email="grace@example.com")


def test_a_new_record_with_a_members_verified_email_is_linked(org, grace):
    person = person_create(
        organization=org, data={"name": "Grace", "email": "Grace@example.com"}, source=PersonChange.Source.MANUAL
    )
    assert person.user == grace


def test_changing_the_email_moves_the_link(org, grace):
    person = PersonFactory(organization=org, email="grace@example.com", user=grace)
    person = person_update(
        organization=org, person=person, data={"email": "someone.else@example.com"}, source=PersonChange.Source.MANUAL
    )
    assert person.user is None


def test_a_removed_member_loses_the_link(org, owner, grace):
    person = PersonFactory(organization=org, email="grace@example.com", user=grace)
    membership_remove(
        organization=org,
        actor=owner.memberships.get(organization=org),
        membership=grace.memberships.get(organization=org),
    )
    person.refresh_from_db()
    assert person.user is None


def test_an_address_no_longer_verified_unlinks(org, grace):
    person = PersonFactory(organization=org, email="grace@example.com", user=grace)
    EmailAddress.objects.filter(user=grace).update(verified=False)
    assert people_relink(organization=org) == 1
    person.refresh_from_db()
    assert person.user is None


def test_an_import_links_new_records_to_members(org, grace, admin_user):
    from organizations.services import people_import_apply, people_import_create

    people_import = people_import_create(
        organization=org,
        uploaded_by=admin_user,
        file_name="people.csv",
        content=b"employee id,name,email\nE1,Grace Hopper,grace@example.com\n",
        defer=False,
    )
    people_import_apply(organization=org, people_import=people_import)
    assert org and grace.people.get().name == "Grace Hopper"
