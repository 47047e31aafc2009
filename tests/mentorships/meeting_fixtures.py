"""A live mentor–mentee pair whose members sit in different time zones, plus an outsider and a
pair in another organization: the world the meeting tests act in."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus

from ..factories import MembershipFactory, MentorshipFactory, OrganizationFactory, PersonFactory, UserFactory

MENTOR_ZONE = "Europe/Berlin"
MENTEE_ZONE = "America/New_York"


@dataclass
class Pair:
    org: object
    program: Program
    mentorship: object
    mentor: object  # Person
    mentee: object  # Person


def linked_person(org, name, time_zone=""):
    """A member of `org` whose directory record is linked to their account."""
    user = UserFactory()
    MembershipFactory(organization=org, user=user, role=Role.MEMBER)
    return PersonFactory(organization=org, user=user, email=user.email, name=name, time_zone=time_zone)


def make_pair(org, *, names=("Mo", "Ann"), zones=(MENTOR_ZONE, MENTEE_ZONE), started_days_ago=30, program=None):
    """A live pair of `program` (a new active one by default): mentor names[0], mentee names[1]."""
    program = program or Program.objects.create(organization=org, name="Grow 2026", status=ProgramStatus.ACTIVE)
    mentor, mentee = (linked_person(org, name, zone) for name, zone in zip(names, zones, strict=True))
    enrollments = [
        Enrollment.objects.create(
            organization=org, program=program, person=person, role=role, status=EnrollmentStatus.APPROVED
        )
        for person, role in ((mentor, "mentor"), (mentee, "mentee"))
    ]
    mentorship = MentorshipFactory(
        program=program,
        members=enrollments,
        started_on=timezone.localdate() - timedelta(days=started_days_ago),
    )
    return Pair(org=org, program=program, mentorship=mentorship, mentor=mentor, mentee=mentee)


def at(days_ahead, hour=14, minute=0):
    """A UTC instant `days_ahead` days from today at hour:minute."""
    day = timezone.now().date() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


# Named *_fixture so test modules can import them without shadowing the names they use.
@pytest.fixture(name="pair")
def pair_fixture(org):
    return make_pair(org)


@pytest.fixture(name="outsider")
def outsider_fixture(org):
    """A member of the same organization who is not in the pair."""
    return linked_person(org, "Olly")


@pytest.fixture(name="foreign_pair")
def foreign_pair_fixture(db):
    return make_pair(OrganizationFactory(name="Globex", slug="globex"))
