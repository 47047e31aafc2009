"""A running one-on-one program and its people, for the survey service and task tests.

- Mo (mentor) and Ann (mentee): an active pair;
- Ben (mentor) and Cy (mentee): a paused pair;
- Dee: an approved mentee not matched yet;
- Eve: an applicant not decided yet (outside every audience);
- Fay: an approved mentee without a login (cannot be invited);
- Gus: an approved mentor who left the organization yesterday.
Everyone lives in UTC unless a test moves them.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from mentorships.models import MentorshipStatus
from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus
from surveys import services
from surveys.models import Survey

from ..factories import MembershipFactory, MentorshipFactory, PersonFactory, UserFactory

TODAY = timezone.now().date()

SURVEY_QUESTIONS = {
    "title": "Pulse",
    "kind": "survey",
    "questions": [
        {
            "key": "satisfaction",
            "text": "How satisfied are you?",
            "type": "scale",
            "min": 1,
            "max": 5,
            "required": True,
        },
        {"key": "nps", "text": "Recommend?", "type": "scale", "min": 0, "max": 10},
        {"key": "highlight", "text": "Best part?", "type": "long_text"},
    ],
}
GOOD_ANSWERS = {"satisfaction": 4, "nps": 9, "highlight": "The first meeting"}


def at_utc(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


@dataclass
class World:
    org: object
    program: Program
    people: dict  # name -> Person
    enrollments: dict  # name -> Enrollment

    def __getitem__(self, name):
        return self.people[name]


def person(org, name, *, login=True, time_zone="UTC", **fields):
    user = None
    if login:
        user = UserFactory(email=f"{name.lower()}@{org.slug}.example.com")
        MembershipFactory(organization=org, user=user, role=Role.MEMBER)
    return PersonFactory(
        organization=org,
        user=user,
        name=name,
        email=f"{name.lower()}@{org.slug}.example.com",
        time_zone=time_zone,
        **fields,
    )


def build_world(org, *, start=None, end=None) -> World:
    program = Program.objects.create(
        organization=org,
        name="Grow 2026",
        status=ProgramStatus.ACTIVE,
        start_date=start or TODAY - timedelta(days=60),
        end_date=end or TODAY + timedelta(days=60),
    )
    people, enrollments = {}, {}
    cast = [
        ("Mo", "mentor", EnrollmentStatus.APPROVED, {}),
        ("Ann", "mentee", EnrollmentStatus.APPROVED, {"department": "Sales", "level": 2}),
        ("Ben", "mentor", EnrollmentStatus.APPROVED, {}),
        ("Cy", "mentee", EnrollmentStatus.APPROVED, {}),
        ("Dee", "mentee", EnrollmentStatus.APPROVED, {}),
        ("Eve", "mentee", EnrollmentStatus.APPLIED, {}),
        ("Fay", "mentee", EnrollmentStatus.APPROVED, {"login": False}),
        ("Gus", "mentor", EnrollmentStatus.APPROVED, {"exit_date": TODAY - timedelta(days=1)}),
    ]
    for name, role, status, fields in cast:
        people[name] = person(org, name, **fields)
        enrollments[name] = Enrollment.objects.create(
            organization=org, program=program, person=people[name], role=role, status=status
        )
    MentorshipFactory(program=program, members=[enrollments["Mo"], enrollments["Ann"]])
    MentorshipFactory(program=program, members=[enrollments["Ben"], enrollments["Cy"]], status=MentorshipStatus.PAUSED)
    return World(org=org, program=program, people=people, enrollments=enrollments)


INVITABLE = {"Mo", "Ann", "Ben", "Cy", "Dee"}  # approved, with a login, still here


@pytest.fixture(name="world")
def world_fixture(org):
    return build_world(org)


def make_survey(world, **fields) -> Survey:
    questionnaire = services.questionnaire_create_from_spec(organization=world.org, spec=SURVEY_QUESTIONS)
    fields = {"title": "How is it going?", "schedule": "date", "opens_on": TODAY, "reminder_days": [3], **fields}
    return services.survey_create(organization=world.org, program=world.program, questionnaire=questionnaire, **fields)


def launched(world, today=TODAY, **fields) -> Survey:
    survey = make_survey(world, **fields)
    return services.survey_launch(organization=world.org, survey=survey, today=today)


def invited_names(wave) -> set[str]:
    return set(wave.invitations.values_list("person__name", flat=True))
