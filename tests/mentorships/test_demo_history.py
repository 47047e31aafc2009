"""seed_demo gives Northwind's active program two months of history a program manager would
recognise: pairs meeting with varied regularity, goals in every state, check-ins, a handful of
pairs at risk, and every row within the bounds the services enforce."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count, Max
from django.utils import timezone

from matching.models import MatchRun, MatchRunStatus
from mentorships.models import (
    CheckIn,
    Goal,
    GoalComment,
    GoalStatus,
    Intervention,
    Meeting,
    MeetingStatus,
    Mentorship,
    Milestone,
    PairHealth,
)
from mentorships.services.health import health_refresh
from organizations import demo
from programs.models import Program, ProgramStatus

pytestmark = pytest.mark.django_db


def test_the_active_program_has_months_of_realistic_history_and_a_second_seed_adds_nothing():
    context = demo.seed_demo()
    northwind, today = context.organizations["northwind"], context.today
    program = Program.objects.for_org(northwind).get(template_key="onboarding_buddy", status=ProgramStatus.ACTIVE)

    # The pairs come from a published match and started with the program.
    run = MatchRun.objects.for_org(northwind).get(program=program)
    assert run.status == MatchRunStatus.PUBLISHED
    pairs = Mentorship.objects.for_org(northwind).filter(program=program)
    assert pairs.count() >= 20
    assert set(pairs.values_list("started_on", "planned_end_on")) == {(program.start_date, program.end_date)}

    # Meetings: most pairs meet often, some rarely, a few never; the next one is booked for many.
    meetings = Meeting.objects.for_org(northwind).filter(mentorship__program=program)
    held = Counter(meetings.filter(status=MeetingStatus.HELD).values_list("mentorship_id", flat=True))
    weeks = (today - program.start_date).days // 7
    assert sum(1 for n in held.values() if n >= weeks * 0.7) >= pairs.count() // 2
    assert any(0 < n <= 2 for n in held.values())
    assert pairs.count() - len(held) >= 1
    assert meetings.filter(status=MeetingStatus.NOT_HELD).exists()
    assert meetings.filter(status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()).count() >= pairs.count() // 3
    for meeting in meetings.exclude(status=MeetingStatus.SCHEDULED):
        meeting.full_clean()
        assert meeting.logged_at >= meeting.starts_at and meeting.logged_by_id
        assert meeting.starts_at.date() >= program.start_date - timedelta(days=1)
        if meeting.status == MeetingStatus.HELD:
            assert meeting.actual_minutes and meeting.format and meeting.topics and meeting.shared_notes

    # Goals in every state, within the program's dates, with milestones and comments.
    goals = Goal.objects.for_org(northwind).filter(mentorship__program=program)
    assert set(goals.values_list("status", flat=True)) == set(GoalStatus.values)
    for goal in goals:
        goal.full_clean()
        assert program.start_date <= goal.target_date <= program.end_date
        assert (goal.achieved_on is not None) == (goal.status == GoalStatus.ACHIEVED)
        assert goal.created_at.date() <= goal.target_date
    assert goals.filter(status__in=(GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS), target_date__lt=today).exists()
    assert Milestone.objects.for_org(northwind).filter(goal__in=goals, done_on__isnull=False).exists()
    assert not Milestone.objects.for_org(northwind).filter(goal__status=GoalStatus.ACHIEVED, done_on=None).exists()
    assert GoalComment.objects.for_org(northwind).filter(goal__in=goals).exists()

    # Check-ins: on the program's periods, at most one per member per period, scores 1–5.
    checkins = CheckIn.objects.for_org(northwind).filter(mentorship__program=program)
    assert checkins.count() >= pairs.count()
    for checkin in checkins:
        checkin.full_clean()
        assert (checkin.period_start - program.start_date).days % (7 * program.checkin_weeks) == 0
    assert checkins.values("member", "period_start").annotate(n=Count("pk")).aggregate(most=Max("n"))["most"] == 1

    # Health: a handful at risk (some asking for help), some needing attention, most on track;
    # the stored verdicts are what a refresh finds.
    health = Counter(pairs.values_list("health", flat=True))
    assert 3 <= health[PairHealth.AT_RISK] <= 8
    assert health[PairHealth.NEEDS_ATTENTION] >= 3
    assert health[PairHealth.ON_TRACK] > pairs.count() / 2
    reasons = [reason for pair in pairs for reason in pair.health_reasons]
    assert any("asked the program manager for help" in reason for reason in reasons)
    assert Intervention.objects.for_org(northwind).filter(mentorship__program=program, kind="nudge").exists()
    stored = dict(pairs.values_list("pk", "health"))
    health_refresh(organization=northwind, program=program, today=today)
    assert dict(pairs.values_list("pk", "health")) == stored

    demo.seed_demo()
    assert Mentorship.objects.for_org(northwind).filter(program=program).count() == len(stored)
    assert Meeting.objects.for_org(northwind).filter(mentorship__program=program).count() == meetings.count()
