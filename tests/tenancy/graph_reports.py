"""Isolation-audit graph builder for reports. Registered by importing this module (last: reports
reads everything).

What a night's rollup and impact refresh leave behind, written directly (the rollup itself is
tested in tests/reports): a finished rollup run, KPI snapshot rows of the last weeks for the
organization and for the workspace's active program, an organization-level impact snapshot, and
the organization's ROI assumptions as an admin saved them. The organization is too small for
impact figures, so its snapshot holds the hidden groups an impact refresh stores then.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from organizations.models import Role
from reports.models import ImpactSnapshot, KpiSnapshot, RoiAssumptions, RollupRun, RollupStatus
from reports.services.impact import COMPARISON, FOLLOWS_PARTICIPANTS, PARTICIPANTS, hidden, too_small

from .graph import graph_builder

WEEKS = 3


@graph_builder
def reports_graph(org, users, objects):
    now = timezone.now()
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=back) for back in reversed(range(WEEKS))]
    run = RollupRun.objects.create(
        organization=org,
        status=RollupStatus.SUCCEEDED,
        first_week=mondays[0],
        last_week=mondays[-1],
        progress=100,
        step="Done",
        requested_by=users[Role.ADMIN],
        started_at=now,
        finished_at=now,
    )
    program = objects["program"]
    snapshots = [
        KpiSnapshot.objects.create(
            organization=org,
            program=scope,
            week_start=monday,
            min_group_size=org.survey_min_responses,
            invited=12,
            applied=10,
            enrolled_mentors=4,
            enrolled_mentees=5,
            matched=8,
            active_participants=8,
            match_rate=0.8,
            active_pairs=4,
            meetings_held=3,
            mentoring_hours=2.5,
            computed_at=now,
        )
        for scope in (None, program)
        for monday in mondays
    ]
    k = org.survey_min_responses
    impact = ImpactSnapshot.objects.create(
        organization=org,
        computed_on=today,
        computed_at=now,
        figures={
            "k": k,
            "counts": {"participants": 2, "pool": 40},
            PARTICIPANTS: hidden(too_small(k)),
            COMPARISON: hidden(FOLLOWS_PARTICIPANTS),
            "logrank": hidden(f"Both groups need at least {k} people."),
        },
    )
    assumptions = RoiAssumptions.objects.create(
        organization=org, average_salary=Decimal("55000"), platform_cost=Decimal("12000"), updated_by=users[Role.ADMIN]
    )
    return {
        "rollup_run": run,
        "kpi_snapshot": snapshots[-1],
        "impact_snapshot": impact,
        "roi_assumptions": assumptions,
    }
