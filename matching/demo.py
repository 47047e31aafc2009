"""Demo matching for `seed_demo`: criteria from the template's hints on Northwind's recruiting
reverse mentoring program and one trial match run over its approved pool, so the demo opens on
proposals to review (publishing waits until the manager closes recruitment). Registered as a
seed_demo step by matching/apps.py; it runs after the programs step (apps register in
INSTALLED_APPS order).

Idempotent: a program that already has a match run is left alone.
"""

from organizations.models import Membership, Role
from programs.models import Program, ProgramStatus

from .models import MatchingCriterion, MatchRun
from .services.criteria import criteria_from_hints
from .services.runs import match_run_execute, match_run_start

ORG_SLUG = "northwind"
TEMPLATE_KEY = "reverse_mentoring"


def matching_step(context):
    organization = context.organizations.get(ORG_SLUG)
    if organization is None:
        return
    program = (
        Program.objects.for_org(organization)
        .filter(template_key=TEMPLATE_KEY, status__in=(ProgramStatus.RECRUITING, ProgramStatus.MATCHING))
        .order_by("-created_at", "-pk")
        .first()
    )
    if program is None or MatchRun.objects.for_org(organization).filter(program=program).exists():
        return
    admin = Membership.objects.for_org(organization).filter(role=Role.ADMIN).select_related("user").first().user
    if not MatchingCriterion.objects.for_org(organization).filter(program=program).exists():
        criteria_from_hints(organization=organization, program=program, user=admin)
    run = match_run_start(organization=organization, program=program, user=admin)
    # Run it now, in-process, so the demo is ready when the command ends; the task queued for
    # after commit then finds the run done and does nothing.
    match_run_execute(organization=organization, run_id=run.pk)
