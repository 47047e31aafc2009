"""Isolation-audit graph builder for programs: recruitment. Registered by importing this module.

Uses the design builder's program when there is one, else makes its own (returned under the
same key). The member's own directory record applies with an intake response, is notified of a
decision, has a direct report nominated by them, and the directory's "person" is invited.
"""

from django.utils import timezone

from organizations.models import Person, Role
from programs.models import (
    Enrollment,
    EnrollmentNotification,
    EnrollmentStatus,
    Nomination,
    ParticipantRole,
    Program,
    ProgramInvitation,
    ProgramStatus,
)
from surveys.services import response_submit

from ..factories import PersonFactory
from .graph import graph_builder
from .graph_surveys import AUDIT_ANSWERS


@graph_builder
def programs_recruitment_graph(org, users, objects):
    built = {}
    program = objects.get("program")
    if program is None:
        program = built["program"] = Program.objects.create(
            organization=org, name=f"{org.name} mentoring", status=ProgramStatus.RECRUITING
        )
    member = users[Role.MEMBER]
    me = Person.objects.for_org(org).filter(user=member).first() or PersonFactory(
        organization=org, user=member, email=member.email, name=f"{org.name} Member"
    )
    role = ParticipantRole.MENTEE if ParticipantRole.MENTEE in program.roles else program.roles[0]
    response = response_submit(
        organization=org, questionnaire=objects["questionnaire"], respondent=me, answers=AUDIT_ANSWERS
    )
    enrollment = Enrollment.objects.create(
        organization=org,
        program=program,
        person=me,
        role=role,
        status=EnrollmentStatus.APPROVED,
        response=response,
        intake_submitted_at=timezone.now(),
        decided_by=users[Role.ADMIN],
        decided_at=timezone.now(),
    )
    EnrollmentNotification.objects.create(
        organization=org, enrollment=enrollment, status=EnrollmentStatus.APPROVED, sent_at=timezone.now()
    )
    invited = objects["person"]
    invitation = ProgramInvitation.objects.create(
        organization=org,
        program=program,
        person=invited,
        email=invited.email,
        invited_by=users[Role.ADMIN],
        sent_at=timezone.now(),
    )
    nominee = PersonFactory(organization=org, manager=me, name=f"{org.name} Report")
    nomination = Nomination.objects.create(
        organization=org, program=program, nominee=nominee, nominated_by=member, note="A natural teacher."
    )
    return {
        **built,
        "enrollment": enrollment,
        "program_invitation": invitation,
        "nomination": nomination,
        "nominee": nominee,
    }
