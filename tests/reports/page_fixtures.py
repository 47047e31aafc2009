"""Data for the report pages' tests: weekly KPI snapshots written straight to the table (the
pages only read them), and impact figures computed by the real service on the generated
directory of impact_fixtures (a known retention effect, so the ROI range is printed)."""

import math
from datetime import timedelta

from django.utils import timezone

from programs.models import Objective
from reports.models import KpiSnapshot
from reports.services.impact import impact_refresh
from surveys.selectors.surveys import organization_today

from .impact_fixtures import build_world


def monday(day):
    return day - timedelta(days=day.weekday())


def kpi_weeks(organization, program=None, *, weeks=26, today=None, scale=1):
    """`weeks` weekly snapshots up to this week: growing engagement, satisfaction around 4.2."""
    today = today or organization_today(organization)
    last = monday(today)
    now = timezone.now()
    rows = []
    for index in range(weeks):
        week = last - timedelta(weeks=weeks - 1 - index)
        growth = (index + 1) / weeks
        pairs = round(40 * scale * growth) + 2
        rows.append(
            KpiSnapshot(
                organization=organization,
                program=program,
                week_start=week,
                min_group_size=organization.survey_min_responses,
                invited=round(200 * scale),
                applied=round(150 * scale),
                enrolled_mentors=round(60 * scale),
                enrolled_mentees=round(80 * scale),
                enrolled_peers=0,
                matched=round(110 * scale),
                active_participants=2 * pairs,
                completed_participants=round(20 * scale * growth),
                match_rate=0.79,
                active_pairs=pairs,
                meetings_held=round(pairs * 0.55),
                mentoring_hours=round(pairs * 0.55, 1),
                meetings_per_pair_month=2.1,
                cadence_share=0.55 + 0.2 * growth,
                goals_set=round(90 * scale * growth),
                goals_completed=round(30 * scale * growth),
                checkin_average=3.9,
                checkin_count=25,
                health_on_track=pairs - 3,
                health_needs_attention=2,
                health_at_risk=1,
                survey_responses=0 if index < 4 else 30,
                satisfaction=None if index < 4 else 4.0 + 0.3 * math.sin(index / 3),
                nps=None if index < 4 else 20 + 15 * growth,
                training_completion=0.8,
                computed_at=now,
            )
        )
    return KpiSnapshot.objects.bulk_create(rows)


def reports_world(organization, *, people=400, participants=100, today=None):
    """A program with a real retention effect, its weekly snapshots (and the organization's),
    two objectives and the impact figures: everything the dashboard draws."""
    today = today or organization_today(organization)
    world = build_world(organization, today=today, people=people, participants=participants, program_name="Grow")
    kpi_weeks(organization, world.program, today=today)
    kpi_weeks(organization, None, today=today, scale=1.5)
    Objective.objects.create(
        organization=organization,
        program=world.program,
        metric=Objective.Metric.RETENTION,
        baseline=75,
        target=90,
        deadline=today + timedelta(days=200),
    )
    Objective.objects.create(
        organization=organization,
        program=world.program,
        metric=Objective.Metric.SATISFACTION,
        target=4.5,
        deadline=today + timedelta(days=100),
    )
    impact_refresh(organization=organization, today=today)
    return world
