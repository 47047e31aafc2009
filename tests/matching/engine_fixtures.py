"""Programs in the matching stage for the engine's tests, built through the real services:
recruitment (apply with typed intake answers, approve), the status transition, and criteria.

    world = build(org, mentees={"Ana": {"wants": ["sql"]}}, mentors={"Bo": ({"offers": ["sql"]}, 1)})
    world.criterion("wants", "offers")       # an overlap on the intake questions
    run = run_match(world)                   # the fixture: start, then execute on commit
"""

from dataclasses import dataclass, field

import pytest

from matching.models import MatchRun
from matching.services.criteria import criterion_create, matching_settings_update
from matching.services.runs import match_run_start
from organizations.models import Role
from programs.models import (
    PEER_MODELS,
    EnrollmentStatus,
    MentoringModel,
    ParticipantRole,
    Program,
    ProgramStatus,
)
from programs.services.design import program_transition
from programs.services.recruitment import enrollment_apply, enrollment_decide
from surveys.models import Question
from surveys.services import questionnaire_create_from_spec

from ..factories import MembershipFactory, PersonFactory, UserFactory

SKILLS = [["sql", "SQL"], ["python", "Python"], ["leadership", "Leadership"], ["speaking", "Public speaking"]]
ZONES = [["emea", "Europe"], ["amer", "Americas"], ["apac", "Asia-Pacific"]]
COMMON = [
    {"key": "zone", "text": "Where do you work?", "type": "single", "choices": ZONES},
    {"key": "year", "text": "Year of study", "type": "number", "min": 0, "max": 10},
    {"key": "city", "text": "Your city", "type": "short_text"},
    {"key": "about", "text": "Anything else?", "type": "long_text"},
]
WANTS = {"key": "wants", "text": "What do you want to learn?", "type": "multiple", "choices": SKILLS}
OFFERS = {"key": "offers", "text": "What can you help with?", "type": "multiple", "choices": SKILLS}
SPECS = {
    ParticipantRole.MENTEE: {"title": "Mentee intake", "questions": [WANTS, *COMMON]},
    ParticipantRole.MENTOR: {"title": "Mentor intake", "questions": [OFFERS, *COMMON]},
    ParticipantRole.PEER: {"title": "Peer intake", "questions": [WANTS, OFFERS, *COMMON]},
}


@dataclass
class World:
    org: object
    program: Program
    manager: object
    people: dict = field(default_factory=dict)  # name -> Person
    enrollments: dict = field(default_factory=dict)  # name -> Enrollment

    def __getitem__(self, name):
        return self.enrollments[name]

    def question(self, role, key):
        questionnaire = self.program.questionnaire_for(role)
        return Question.objects.get(questionnaire=questionnaire, key=key)

    def criterion(self, mentee_key=None, mentor_key=None, *, kind="overlap", weight=1.0, label=None, **fields):
        """A criterion on the intake questions (peers: the peer questionnaire on both sides),
        or on a directory field with attribute=…."""
        if mentee_key is not None:
            peer = self.program.model in PEER_MODELS
            fields["mentee_question"] = self.question("peer" if peer else "mentee", mentee_key)
            fields["mentor_question"] = self.question("peer" if peer else "mentor", mentor_key or mentee_key)
        return criterion_create(
            organization=self.org,
            program=self.program,
            user=self.manager,
            kind=kind,
            weight=weight,
            label=label or f"{kind} {mentee_key or fields.get('attribute')}",
            **fields,
        )

    def settings(self, **fields):
        return matching_settings_update(organization=self.org, program=self.program, user=self.manager, **fields)

    def name_of(self, enrollment_id):
        return next(name for name, e in self.enrollments.items() if e.pk == enrollment_id)


def make_person(org, name, **fields):
    return PersonFactory(organization=org, name=name, **fields)


def build(
    org,
    *,
    mentees=None,
    mentors=None,
    peers=None,
    model=MentoringModel.ONE_ON_ONE,
    status=ProgramStatus.MATCHING,
    people=None,
    **program_fields,
) -> World:
    """A program of `org` with approved participants and typed intake answers.

    mentees / peers: {name: answers}; mentors: {name: (answers, capacity)}; people: {name:
    Person fields} (department, manager, level, time_zone, languages, email, ...).
    """
    manager = UserFactory()
    MembershipFactory(organization=org, user=manager, role=Role.ADMIN)
    roles = [ParticipantRole.PEER] if model in PEER_MODELS else [ParticipantRole.MENTEE, ParticipantRole.MENTOR]
    questionnaires = {
        f"{role}_questionnaire": questionnaire_create_from_spec(organization=org, spec=SPECS[role]) for role in roles
    }
    program = Program.objects.create(
        organization=org,
        name=program_fields.pop("name", "Mentoring 2026"),
        status=ProgramStatus.RECRUITING,
        model=model,
        mentor_default_capacity=program_fields.pop("mentor_default_capacity", 1),
        **questionnaires,
        **program_fields,
    )
    world = World(org=org, program=program, manager=manager)
    people = people or {}
    entries = [(name, ParticipantRole.MENTEE, answers, None) for name, answers in (mentees or {}).items()]
    entries += [(name, ParticipantRole.MENTOR, a, capacity) for name, (a, capacity) in (mentors or {}).items()]
    entries += [(name, ParticipantRole.PEER, answers, None) for name, answers in (peers or {}).items()]
    for name, role, answers, capacity in entries:
        person = people.get(name)
        if not hasattr(person, "pk"):
            person = make_person(org, name, **(person or {}))
        world.people[name] = person
        world.enrollments[name] = enrollment_apply(
            organization=org,
            program=program,
            person=person,
            role=role,
            answers=answers,
            motivation="Glad to help." if role == ParticipantRole.MENTOR else "",
            capacity=capacity,
        )
    if world.enrollments:
        enrollment_decide(
            organization=org,
            program=program,
            enrollments=list(world.enrollments.values()),
            decision=EnrollmentStatus.APPROVED,
            actor=manager,
        )
    if status != ProgramStatus.RECRUITING:
        program_transition(organization=org, program=program, to_status=ProgramStatus.MATCHING, actor=manager)
    if status == ProgramStatus.ACTIVE:
        program_transition(organization=org, program=program, to_status=ProgramStatus.ACTIVE, actor=manager)
    for enrollment in world.enrollments.values():
        enrollment.refresh_from_db()
    return world


@pytest.fixture(name="run_match")
def run_match_fixture(django_capture_on_commit_callbacks):
    """run_match(world, **options) -> the run, started and executed: the task is enqueued on
    commit and Celery runs it eagerly, as in production with a worker."""

    def start(world, **options) -> MatchRun:
        with django_capture_on_commit_callbacks(execute=True):
            run = match_run_start(organization=world.org, program=world.program, user=world.manager, **options)
        run.refresh_from_db()
        return run

    return start


def pairs_of(run) -> set[tuple[str, ...]]:
    """The run's proposals as tuples of names (mentee first, then mentor; peers sorted)."""
    from matching.selectors import proposals_table

    return {
        tuple(sorted(m["name"] for m in row.mentees)) + tuple(m["name"] for m in row.mentors)
        for row in proposals_table(run)
    }
