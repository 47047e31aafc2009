"""Builders shared by the training tests: a program, enrollments and modules with a quiz."""

from django.utils import timezone

from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, MentoringModel, Program, ProgramStatus, TrainingModule

from ..factories import MembershipFactory, PersonFactory, UserFactory

QUIZ = [
    {"question": "What does a mentor mostly do?", "choices": ["Talk", "Listen", "Decide"], "answer": 1},
    {"question": "Who owns the relationship?", "choices": ["The mentee", "The mentor"], "answer": 0},
    {"question": "Is what you hear confidential?", "choices": ["Yes", "No"], "answer": 0},
    {"question": "How often do you meet?", "choices": ["As agreed", "Never"], "answer": 0},
]
RIGHT = [1, 0, 0, 0]


def make_program(org, **kwargs):
    defaults = {"name": "Mentoring 2025", "status": ProgramStatus.RECRUITING, "model": MentoringModel.ONE_ON_ONE}
    return Program.objects.create(organization=org, **{**defaults, **kwargs})


def make_enrollment(program, *, person=None, role="mentee", status=EnrollmentStatus.APPROVED, user=None, **kwargs):
    """An enrollment; with `user`, the person is that user's own directory record."""
    org = program.organization
    if person is None:
        person = PersonFactory(organization=org, user=user)
    kwargs.setdefault("intake_submitted_at", timezone.now())  # applied through the join form
    return Enrollment.objects.create(
        organization=org, program=program, person=person, role=role, status=status, **kwargs
    )


def make_module(program, *, role="", quiz=None, order=0, **kwargs):
    defaults = {"title": "Active listening", "content": "# Listen\n\nMore than you talk.", "pass_mark": 75}
    return TrainingModule.objects.create(
        organization=program.organization,
        program=program,
        role=role,
        quiz=QUIZ if quiz is None else quiz,
        order=order,
        **{**defaults, **kwargs},
    )


def participant(org, program, *, role="mentee", status=EnrollmentStatus.APPROVED):
    """(user, enrollment): a plain member of org enrolled in program as their own Person."""
    user = UserFactory()
    MembershipFactory(organization=org, user=user, role=Role.MEMBER)
    return user, make_enrollment(program, user=user, role=role, status=status)
