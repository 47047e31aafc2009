"""Builders shared by the recruitment tests: a recruiting program with intake questionnaires,
members linked to their directory records."""

import pytest

from organizations.models import Role
from programs.models import MentoringModel, Program, ProgramManager, ProgramStatus
from surveys.services import questionnaire_create_from_spec

from ..factories import MembershipFactory, PersonFactory, UserFactory

MENTEE_SPEC = {
    "title": "Mentee intake",
    "questions": [
        {
            "key": "goals",
            "text": "What do you want to get better at?",
            "type": "multiple",
            "required": True,
            "choices": [["public_speaking", "Public speaking"], ["leadership", "Leadership"], ["sql", "SQL"]],
        },
        {"key": "hours", "text": "Hours a month you can give", "type": "number", "required": True, "min": 1, "max": 20},
        {"key": "confidence", "text": "How confident are you?", "type": "scale", "min": 1, "max": 5},
        {"key": "about", "text": "Anything else?", "type": "long_text"},
    ],
}
MENTOR_SPEC = {
    "title": "Mentor intake",
    "questions": [
        {
            "key": "skills",
            "text": "What can you teach?",
            "type": "multiple",
            "required": True,
            "choices": [["public_speaking", "Public speaking"], ["leadership", "Leadership"], ["sql", "SQL"]],
        },
    ],
}
GOOD_MENTEE_ANSWERS = {"goals": ["leadership"], "hours": 4, "confidence": 3}
GOOD_MENTOR_ANSWERS = {"skills": ["sql", "leadership"]}


def make_program(org, **kwargs):
    """A recruiting one-on-one program with mentor and mentee intakes."""
    defaults = {
        "name": "Mentoring 2025",
        "status": ProgramStatus.RECRUITING,
        "model": MentoringModel.ONE_ON_ONE,
        "mentor_default_capacity": 2,
        "mentee_questionnaire": questionnaire_create_from_spec(organization=org, spec=MENTEE_SPEC),
        "mentor_questionnaire": questionnaire_create_from_spec(organization=org, spec=MENTOR_SPEC),
    }
    return Program.objects.create(organization=org, **{**defaults, **kwargs})


def linked_member(org, role=Role.MEMBER, **person_kwargs):
    """(user, person): a member of org whose directory record is linked to their account."""
    user = UserFactory()
    MembershipFactory(organization=org, user=user, role=role)
    person = PersonFactory(organization=org, user=user, email=user.email, **person_kwargs)
    return user, person


def program_manager(org, program):
    """A plain member who manages `program` (the per-program manager role)."""
    user, _ = linked_member(org)
    ProgramManager.objects.create(organization=org, program=program, user=user)
    return user


@pytest.fixture(name="program")
def program_fixture(org):
    """A recruiting program of `org`; test modules import it (its function name differs from
    the fixture's, so tests taking `program` do not shadow the import)."""
    return make_program(org)
