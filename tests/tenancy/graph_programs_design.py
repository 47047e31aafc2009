"""Isolation-audit graph builder for programs: design. Registered by importing this module.

A recruiting program (intake questionnaires from the surveys builder) with an objective, a
program manager, and the status change that opened it; plus a draft, which non-managers of the
same organization must not see either.
"""

from datetime import date, timedelta

from organizations.models import Role
from programs.models import Objective, Program, ProgramManager, ProgramStatus, ProgramStatusChange

from .graph import graph_builder


@graph_builder
def programs_design_graph(org, users, objects):
    start = date.today() + timedelta(days=30)
    questionnaire = objects.get("questionnaire")
    program = Program.objects.create(
        organization=org,
        name=f"{org.name} mentoring",
        status=ProgramStatus.RECRUITING,
        start_date=start,
        end_date=start + timedelta(weeks=24),
        requires_training=True,
        mentor_questionnaire=questionnaire,
        mentee_questionnaire=questionnaire,
        executive_sponsor=objects.get("manager_person"),
        created_by=users[Role.ADMIN],
    )
    manager_user = users[Role.LEADER]
    program_manager = ProgramManager.objects.create(organization=org, program=program, user=manager_user)
    change = ProgramStatusChange.objects.create(
        organization=org,
        program=program,
        from_status=ProgramStatus.DRAFT,
        to_status=ProgramStatus.RECRUITING,
        changed_by=users[Role.ADMIN],
        note="Open for applications",
    )
    objective = Objective.objects.create(
        organization=org,
        program=program,
        metric=Objective.Metric.RETENTION,
        target=90,
        deadline=start + timedelta(weeks=52),
        rationale="People who stay.",
    )
    draft = Program.objects.create(organization=org, name=f"{org.name} draft", created_by=users[Role.ADMIN])
    return {
        "program": program,
        "program_draft": draft,
        "objective": objective,
        "program_manager": program_manager,
        "program_manager_user": manager_user,
        "program_status_change": change,
    }
