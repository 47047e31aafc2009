"""The pair-health rules (pure): each rule alone, the grace, and how rules combine."""

from dataclasses import replace
from datetime import date, timedelta

from mentorships.health import (
    AT_RISK,
    NEEDS_ATTENTION,
    ON_TRACK,
    MemberCheckins,
    PairFacts,
    assess,
    checkin_period_start,
)

TODAY = date(2026, 3, 2)


def pair(**changes):
    """A healthy fortnightly pair two months in: met 5 days ago, one goal, good check-ins."""
    facts = PairFacts(
        started_on=TODAY - timedelta(days=60),
        cadence_weeks=2,
        last_held_on=TODAY - timedelta(days=5),
        checkins=(MemberCheckins("Ana", (4, 4)), MemberCheckins("Ben", (5,))),
        goals=1,
    )
    return replace(facts, **changes)


def test_a_pair_that_meets_sets_goals_and_feels_fine_is_on_track():
    assert assess(pair(), TODAY) == (ON_TRACK, ())


def test_a_meeting_a_few_days_late_is_not_yet_missed():
    assert assess(pair(last_held_on=TODAY - timedelta(days=14 + 3)), TODAY).status == ON_TRACK


def test_one_missed_cadence_needs_attention():
    status, reasons = assess(pair(last_held_on=TODAY - timedelta(days=18)), TODAY)
    assert status == NEEDS_ATTENTION
    assert reasons == ("No meeting logged for 2 weeks (the program asks for one every 2 weeks).",)


def test_one_missed_cadence_with_the_next_meeting_booked_is_fine():
    assert assess(pair(last_held_on=TODAY - timedelta(days=18), scheduled_upcoming=True), TODAY).status == ON_TRACK


def test_two_missed_cadences_with_nothing_scheduled_is_at_risk():
    status, reasons = assess(pair(last_held_on=TODAY - timedelta(days=35)), TODAY)
    assert status == AT_RISK
    assert reasons == ("No meeting logged for 5 weeks (the program asks for one every 2 weeks) and none is scheduled.",)


def test_two_missed_cadences_with_a_meeting_scheduled_only_needs_attention():
    status, reasons = assess(pair(last_held_on=TODAY - timedelta(days=35), scheduled_upcoming=True), TODAY)
    assert status == NEEDS_ATTENTION
    assert reasons[0].endswith("; the next one is scheduled.")


def test_a_pair_that_never_met_counts_from_its_start():
    fresh = pair(started_on=TODAY - timedelta(days=10), last_held_on=None, goals=0)
    assert assess(fresh, TODAY).status == ON_TRACK
    status, reasons = assess(replace(fresh, started_on=TODAY - timedelta(days=35)), TODAY)
    assert status == AT_RISK
    assert reasons[0] == "No meeting yet in 5 weeks (the program asks for one every 2 weeks) and none is scheduled."


def test_a_help_flag_puts_the_pair_at_risk_and_names_who_asked():
    assert assess(pair(open_help=("Ana",)), TODAY) == (AT_RISK, ("Ana asked the program manager for help.",))


def test_a_latest_check_in_of_two_or_less_is_at_risk():
    low = pair(checkins=(MemberCheckins("Ana", (4, 2)), MemberCheckins("Ben", (3,))))
    assert assess(low, TODAY) == (AT_RISK, ("Ana rated their latest check-in 2 out of 5.",))
    assert assess(pair(checkins=(MemberCheckins("Ben", (3,)),)), TODAY).status == ON_TRACK


def test_a_check_in_falling_by_two_points_needs_attention_a_one_point_dip_does_not():
    falling = pair(checkins=(MemberCheckins("Ana", (5, 3)),))
    assert assess(falling, TODAY) == (NEEDS_ATTENTION, ("Ana's check-in fell from 5 to 3.",))
    assert assess(pair(checkins=(MemberCheckins("Ana", (5, 4)),)), TODAY).status == ON_TRACK
    # A recovery is good news, not a fall.
    assert assess(pair(checkins=(MemberCheckins("Ana", (3, 5)),)), TODAY).status == ON_TRACK


def test_overdue_goals_need_attention():
    assert assess(pair(overdue_goals=1), TODAY) == (NEEDS_ATTENTION, ("1 goal is past the target date.",))
    assert assess(pair(overdue_goals=2), TODAY).reasons == ("2 goals are past the target date.",)


def test_no_goals_after_the_first_month_needs_attention_but_not_before():
    assert assess(pair(goals=0), TODAY) == (NEEDS_ATTENTION, ("No goals set after the first month.",))
    assert assess(pair(goals=0, started_on=TODAY - timedelta(days=30)), TODAY).status == ON_TRACK


def test_rules_combine_the_worst_status_wins_and_every_reason_is_listed_most_serious_first():
    troubled = pair(
        last_held_on=TODAY - timedelta(days=18),
        checkins=(MemberCheckins("Ana", (5, 3)), MemberCheckins("Ben", (2,))),
        open_help=("Ben",),
        overdue_goals=1,
    )
    status, reasons = assess(troubled, TODAY)
    assert status == AT_RISK
    assert reasons == (
        "Ben asked the program manager for help.",
        "Ben rated their latest check-in 2 out of 5.",
        "No meeting logged for 2 weeks (the program asks for one every 2 weeks).",
        "Ana's check-in fell from 5 to 3.",
        "1 goal is past the target date.",
    )


def test_several_needs_attention_rules_stay_needs_attention():
    status, reasons = assess(pair(overdue_goals=1, checkins=(MemberCheckins("Ana", (5, 3)),)), TODAY)
    assert status == NEEDS_ATTENTION and len(reasons) == 2


def test_check_in_periods_start_every_n_weeks_from_the_start():
    start = date(2026, 1, 5)
    assert checkin_period_start(start, 4, start) == start
    assert checkin_period_start(start, 4, start + timedelta(days=27)) == start
    assert checkin_period_start(start, 4, start + timedelta(days=28)) == start + timedelta(days=28)
    assert checkin_period_start(start, 2, start + timedelta(days=30)) == start + timedelta(days=28)
    assert checkin_period_start(start, 4, start - timedelta(days=1)) is None
