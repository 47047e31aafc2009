"""Isolation-audit graph builder for the pair's workspace. Registered by importing this module.

Built through the mentorships services, as a pair and its program team would: an active program
whose live mentorship has the organization's member as mentee; a meeting scheduled ahead and one
logged as held (with the mentee's private note); a goal with a milestone and the mentor's
comment; the mentee's check-in asking for help; the admin's note on the pair; a resource of the
program in the hub. (The notification and the preference come from graph_notifications.)
"""

from datetime import timedelta

from django.utils import timezone

from mentorships.services.checkins import checkin_submit
from mentorships.services.goals import goal_comment_add, goal_create, milestone_add
from mentorships.services.interventions import intervention_note
from mentorships.services.meetings import meeting_log, meeting_schedule
from mentorships.services.resources import resource_create
from organizations.models import Person, Role
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus

from ..factories import MentorshipFactory, PersonFactory
from .graph import graph_builder


def _live_pair(org, program, mentee):
    mentor = PersonFactory(organization=org, name=f"{org.name} Workspace Mentor", time_zone="Europe/Berlin")
    enrollments = [
        Enrollment.objects.create(
            organization=org, program=program, person=person, role=role, status=EnrollmentStatus.APPROVED
        )
        for person, role in ((mentor, "mentor"), (mentee, "mentee"))
    ]
    mentorship = MentorshipFactory(
        program=program, members=enrollments, started_on=timezone.localdate() - timedelta(days=40)
    )
    return mentorship, mentor


@graph_builder
def mentorships_graph(org, users, objects):
    member, admin = users[Role.MEMBER], users[Role.ADMIN]
    mentee = Person.objects.for_org(org).filter(user=member).first() or PersonFactory(
        organization=org, user=member, email=member.email, name=f"{org.name} Member"
    )
    program = Program.objects.create(
        organization=org, name=f"{org.name} workspace", status=ProgramStatus.ACTIVE, created_by=admin
    )
    mentorship, mentor = _live_pair(org, program, mentee)
    now = timezone.now()
    scheduled = meeting_schedule(
        organization=org,
        mentorship=mentorship,
        person=mentee,
        starts_at=now + timedelta(days=5),
        duration_minutes=45,
        agenda="Audit agenda",
    )
    logged = meeting_log(
        organization=org,
        mentorship=mentorship,
        person=mentee,
        held=True,
        starts_at=now - timedelta(days=3),
        actual_minutes=40,
        shared_notes="Audit shared notes",
        private_note="Audit private note",
    )
    goal = goal_create(
        organization=org,
        mentorship=mentorship,
        person=mentee,
        statement="Audit goal",
        measure="Audit measure",
        target_date=timezone.localdate() + timedelta(days=30),
    )
    return {
        "pair": mentorship,
        "pair_program": program,
        "pair_member": mentorship.members.get(person=mentee),
        "meeting": scheduled,
        "logged_meeting": logged,
        "goal": goal,
        "milestone": milestone_add(organization=org, goal=goal, person=mentee, title="Audit milestone"),
        "goal_comment": goal_comment_add(organization=org, goal=goal, person=mentor, text="Audit comment"),
        "checkin": checkin_submit(organization=org, mentorship=mentorship, person=mentee, score=2, wants_help=True),
        "intervention": intervention_note(organization=org, mentorship=mentorship, user=admin, note="Audit note"),
        "resource": resource_create(
            organization=org, user=admin, program=program, title="Audit guide", kind="guide", body="# Audit"
        ),
    }
