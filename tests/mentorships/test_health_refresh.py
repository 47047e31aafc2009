"""health_refresh: the facts of many pairs in a fixed number of queries, the verdict stored on
each mentorship, only active pairs assessed, one organization at a time."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorships.models import GoalStatus, MentorshipStatus, PairHealth
from mentorships.services.health import health_refresh
from mentorships.tasks import refresh_pair_health_task
from programs.models import Program, ProgramStatus

from ..factories import CheckInFactory, GoalFactory, HeldMeetingFactory, InterventionFactory, OrganizationFactory
from .meeting_fixtures import make_pair

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def healthy(pair):
    """Met three days ago, one goal: on track whatever its age."""
    HeldMeetingFactory(mentorship=pair.mentorship, starts_at=days_ago(3))
    GoalFactory(mentorship=pair.mentorship)
    return pair


def health_of(pair):
    pair.mentorship.refresh_from_db()
    return pair.mentorship.health, pair.mentorship.health_reasons


def member(pair, person):
    return pair.mentorship.members.get(person=person)


def test_the_verdicts_are_stored_with_their_reasons_and_the_time(org):
    fine = healthy(make_pair(org, names=("Mo", "Ann"), started_days_ago=60))
    silent = make_pair(org, names=("Max", "Bea"), started_days_ago=60, program=fine.program)
    HeldMeetingFactory(mentorship=silent.mentorship, starts_at=days_ago(40))
    GoalFactory(mentorship=silent.mentorship)
    assert health_refresh(organization=org) == 2
    assert health_of(fine) == (PairHealth.ON_TRACK, [])
    assert health_of(silent) == (
        PairHealth.AT_RISK,
        ["No meeting logged for 5 weeks (the program asks for one every 2 weeks) and none is scheduled."],
    )
    assert silent.mentorship.health_checked_at is not None


def test_a_scheduled_meeting_counts_a_cancelled_or_past_one_does_not(org):
    pair = make_pair(org, started_days_ago=60)
    GoalFactory(mentorship=pair.mentorship)
    HeldMeetingFactory(mentorship=pair.mentorship, starts_at=days_ago(20))
    HeldMeetingFactory(mentorship=pair.mentorship, status="cancelled", starts_at=timezone.now() + timedelta(days=2))
    HeldMeetingFactory(mentorship=pair.mentorship, status="not_held", starts_at=days_ago(5))
    health_refresh(organization=org)
    assert health_of(pair)[0] == PairHealth.NEEDS_ATTENTION
    HeldMeetingFactory(mentorship=pair.mentorship, status="scheduled", starts_at=timezone.now() + timedelta(days=2))
    health_refresh(organization=org)
    assert health_of(pair) == (PairHealth.ON_TRACK, [])


def test_only_the_last_two_check_in_periods_count(org):
    pair = healthy(make_pair(org, started_days_ago=60))  # periods: 60, 32 and 4 days ago
    mentee = member(pair, pair.mentee)
    start = pair.mentorship.started_on
    CheckInFactory(member=mentee, period_start=start, score=1)
    CheckInFactory(member=mentee, period_start=start + timedelta(weeks=4), score=5)
    CheckInFactory(member=mentee, period_start=start + timedelta(weeks=8), score=3)
    health_refresh(organization=org)
    assert health_of(pair) == (PairHealth.NEEDS_ATTENTION, [f"{pair.mentee.name}'s check-in fell from 5 to 3."])


def test_a_help_flag_stays_open_until_the_program_manager_acts(org):
    pair = healthy(make_pair(org, started_days_ago=60))
    CheckInFactory(member=member(pair, pair.mentor), period_start=pair.mentorship.started_on, wants_help=True)
    health_refresh(organization=org)
    assert health_of(pair) == (PairHealth.AT_RISK, [f"{pair.mentor.name} asked the program manager for help."])
    InterventionFactory(mentorship=pair.mentorship)
    health_refresh(organization=org)
    assert health_of(pair) == (PairHealth.ON_TRACK, [])


def test_overdue_and_missing_goals(org):
    pair = make_pair(org, started_days_ago=45)
    HeldMeetingFactory(mentorship=pair.mentorship, starts_at=days_ago(2))
    health_refresh(organization=org)
    assert health_of(pair) == (PairHealth.NEEDS_ATTENTION, ["No goals set after the first month."])
    GoalFactory(mentorship=pair.mentorship, target_date=TODAY - timedelta(days=1))
    GoalFactory(mentorship=pair.mentorship, target_date=TODAY - timedelta(days=1), status=GoalStatus.ACHIEVED)
    health_refresh(organization=org)
    assert health_of(pair) == (PairHealth.NEEDS_ATTENTION, ["1 goal is past the target date."])


def test_paused_and_ended_pairs_have_no_health(org):
    pair = make_pair(org)
    pair.mentorship.health, pair.mentorship.health_reasons = PairHealth.AT_RISK, ["Old news."]
    pair.mentorship.status = MentorshipStatus.PAUSED
    pair.mentorship.save()
    assert health_refresh(organization=org) == 0
    assert health_of(pair) == ("", [])


def test_the_scope_one_program_some_pairs_one_organization(org):
    first = make_pair(org, names=("Mo", "Ann"))
    second = make_pair(org, names=("Max", "Bea"))  # another program
    third = make_pair(org, names=("Sol", "Tia"), program=first.program)
    foreign = make_pair(OrganizationFactory())
    assert health_refresh(organization=org, program=first.program) == 2
    assert health_of(second) == ("", [])
    assert health_refresh(organization=org, mentorship_ids=[third.mentorship.pk, foreign.mentorship.pk]) == 1
    assert health_of(foreign) == ("", [])
    assert health_refresh(organization=org) == 3


def _pairs(org, count):
    program = Program.objects.create(organization=org, name="Scale", status=ProgramStatus.ACTIVE)
    for n in range(count):
        pair = make_pair(org, names=(f"Mentor {n}", f"Mentee {n}"), started_days_ago=40, program=program)
        HeldMeetingFactory(mentorship=pair.mentorship, starts_at=days_ago(n % 30))
        HeldMeetingFactory(mentorship=pair.mentorship, status="scheduled", starts_at=timezone.now() + timedelta(days=n))
        goal = GoalFactory(mentorship=pair.mentorship, target_date=TODAY - timedelta(days=n % 2))
        CheckInFactory(member=member(pair, pair.mentee), period_start=pair.mentorship.started_on, score=1 + n % 5)
        CheckInFactory(member=member(pair, pair.mentor), period_start=pair.mentorship.started_on, wants_help=n % 7 == 0)
        InterventionFactory(mentorship=goal.mentorship)
    return program


def _queries(org):
    with CaptureQueriesContext(connection) as captured:
        health_refresh(organization=org)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_pairs():
    small, large = OrganizationFactory(), OrganizationFactory()
    _pairs(small, 3)
    _pairs(large, 30)
    assert _queries(small) == _queries(large) <= 9


def test_the_nightly_task_refreshes_every_organization(org):
    pair = make_pair(org, started_days_ago=60)
    other = make_pair(OrganizationFactory(), started_days_ago=60)
    refresh_pair_health_task()
    assert health_of(pair)[0] == health_of(other)[0] == PairHealth.AT_RISK
