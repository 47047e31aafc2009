"""A self-match program with signed-in mentees and mentors, built through the real services:
recruitment (apply, approve), matching criteria and settings, and suggestions_refresh.

Shared by the participant page tests and the self-match browser test.
"""

from dataclasses import dataclass, field

from matching.services.criteria import criterion_create, matching_settings_update
from matching.services.self_match import mentor_request_send, suggestions_refresh
from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus
from programs.services.recruitment import enrollment_apply, enrollment_decide
from surveys.models import Question

from ..factories import MembershipFactory, PersonFactory, UserFactory
from ..programs.recruitment_fixtures import make_program


@dataclass
class SelfMatch:
    org: object
    program: Program
    manager: object
    mentees: dict = field(default_factory=dict)  # name -> (user, enrollment)
    mentors: dict = field(default_factory=dict)

    def user(self, name):
        return (self.mentees.get(name) or self.mentors[name])[0]

    def enrollment(self, name):
        return (self.mentees.get(name) or self.mentors[name])[1]


def join(org, program, *, name, role, answers, capacity=None, title="", department="Engineering"):
    """(user, approved enrollment) of a member linked to their directory record."""
    user = UserFactory()
    MembershipFactory(organization=org, user=user, role=Role.MEMBER)
    person = PersonFactory(organization=org, user=user, email=user.email, name=name, title=title, department=department)
    enrollment = enrollment_apply(
        organization=org,
        program=program,
        person=person,
        role=role,
        answers=answers,
        motivation="I like helping people grow." if role == "mentor" else "",
        capacity=capacity,
    )
    return user, enrollment


def self_match_program(org, *, mentees, mentors, mode="self_match", max_pending=3, refresh=True):
    """A one-on-one program in the matching stage, one overlap criterion (what the mentee wants
    to get better at ↔ what the mentor can teach), everyone approved, suggestions made.

    mentees: {name: [goals]}; mentors: {name: ([skills], capacity)}.
    """
    manager = UserFactory()
    MembershipFactory(organization=org, user=manager, role=Role.ADMIN)
    program = make_program(org, name="Grow 2026")
    world = SelfMatch(org=org, program=program, manager=manager)
    for name, goals in mentees.items():
        world.mentees[name] = join(
            org, program, name=name, role="mentee", answers={"goals": goals, "hours": 4}, title="Analyst"
        )
    for name, (skills, capacity) in mentors.items():
        world.mentors[name] = join(
            org,
            program,
            name=name,
            role="mentor",
            answers={"skills": skills},
            capacity=capacity,
            title="Engineering manager",
            department="Platform",
        )
    enrollments = [e for _, e in [*world.mentees.values(), *world.mentors.values()]]
    enrollment_decide(
        organization=org, program=program, enrollments=enrollments, decision=EnrollmentStatus.APPROVED, actor=manager
    )
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.MATCHING)
    program.refresh_from_db()
    criterion_create(
        organization=org,
        program=program,
        user=manager,
        label="What you want to learn ↔ what they teach",
        kind="overlap",
        weight=3,
        mentee_question=Question.objects.get(questionnaire=program.mentee_questionnaire, key="goals"),
        mentor_question=Question.objects.get(questionnaire=program.mentor_questionnaire, key="skills"),
    )
    matching_settings_update(
        organization=org, program=program, user=manager, mode=mode, max_pending_requests=max_pending
    )
    for name, (user, enrollment) in [*world.mentees.items(), *world.mentors.items()]:
        enrollment = Enrollment.objects.select_related("program", "person").get(pk=enrollment.pk)
        (world.mentees if name in world.mentees else world.mentors)[name] = (user, enrollment)
    if refresh and mode == "self_match":
        suggestions_refresh(organization=org, program=program)
    return world


def send(world, mentee, mentor, message=""):
    """`mentee` asks `mentor` (both by name), signed in as the mentee."""
    return mentor_request_send(
        organization=world.org,
        mentee=world.enrollment(mentee),
        mentor=world.enrollment(mentor),
        message=message,
        user=world.user(mentee),
    )
