"""The rollup core (reports/rollup.py) on small hand-made tables: each KPI's definition checked
by hand, pair health against mentorships.health.assess called directly, the organization's row
pooling the programs, and the same input (in any row order) giving the same output."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from mentorships.health import MemberCheckins, PairFacts, assess
from reports.rollup import (
    COLUMNS,
    MONTH_DAYS,
    NEVER,
    OUTPUT_COLUMNS,
    Frames,
    compute_kpis,
    day_number,
    records,
    weeks_between,
)
from surveys.aggregation import mean_ci, nps

TODAY = date(2026, 3, 4)  # a Wednesday
MONTH = MONTH_DAYS / 28
DATE_COLUMNS = {
    "day",
    "booked_day",
    "created_day",
    "decided_day",
    "started_on",
    "ended_on",
    "target_day",
    "achieved_day",
    "period_start",
    "closed_day",
}
DEFAULTS = {
    "decided_day": NEVER,
    "ended_on": NEVER,
    "achieved_day": NEVER,
    "status": "approved",
    "wants_help": False,
    "instant": 0,
    "minutes": 60,
    "cadence_weeks": 2,
    "checkin_weeks": 4,
    "role": "",
}


def d(text):
    return day_number(date.fromisoformat(text))


def table(name, *rows):
    """A frame of COLUMNS[name] from dicts; dates may be ISO strings, unnamed columns take DEFAULTS
    (ids count up)."""
    columns = COLUMNS[name]
    data = {column: [] for column in columns}
    for number, row in enumerate(rows):
        for column in columns:
            if column in row:
                value = row[column]
            elif column in DEFAULTS:
                value = DEFAULTS[column]
            elif column.endswith("_id") and column == columns[0]:
                value = 1000 + number
            else:
                raise KeyError(f"{name} row {row} needs {column}")
            if column in DATE_COLUMNS and isinstance(value, str):
                value = d(value)
            data[column].append(value)
    return pd.DataFrame(data)


def programs(*ids, **settings):
    return table("programs", *({"program_id": pk, **settings} for pk in ids))


def kpis(frames, first="2026-01-05", last="2026-02-23", k=3, today=TODAY):
    weeks = weeks_between(date.fromisoformat(first), date.fromisoformat(last))
    return compute_kpis(frames, weeks, k=k, today=today)


def figure(result, name, week, program=1):
    """The value of one figure for a program (None: the organization) in the week starting `week`."""
    rows = result[(result.week_start == date.fromisoformat(week))]
    rows = rows[rows.program_id.isna()] if program is None else rows[rows.program_id == program]
    assert len(rows) == 1
    value = rows.iloc[0][name]
    if isinstance(value, float) and np.isnan(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def series(result, name, program=1):
    rows = result[result.program_id.isna()] if program is None else result[result.program_id == program]
    return [None if isinstance(v, float) and np.isnan(v) else v for v in rows.sort_values("week_start")[name].tolist()]


# --- weeks ----------------------------------------------------------------------------------------


def test_weeks_between_gives_the_mondays_of_every_week_touched():
    assert weeks_between(date(2026, 1, 7), date(2026, 1, 19)) == [
        date(2026, 1, 5),
        date(2026, 1, 12),
        date(2026, 1, 19),
    ]
    assert weeks_between(date(2026, 1, 5), date(2026, 1, 5)) == [date(2026, 1, 5)]
    assert weeks_between(date(2026, 1, 19), date(2026, 1, 5)) == []


def test_the_output_has_every_snapshot_column_one_row_per_program_and_week_and_the_organization_first():
    result = kpis(Frames(programs=programs(2, 1)), first="2026-01-05", last="2026-01-12")
    assert tuple(result.columns) == OUTPUT_COLUMNS
    assert [(p, w.isoformat()) for p, w in zip(result.program_id, result.week_start, strict=True)] == [
        (None, "2026-01-05"),
        (None, "2026-01-12"),
        (1, "2026-01-05"),
        (1, "2026-01-12"),
        (2, "2026-01-05"),
        (2, "2026-01-12"),
    ]
    empty = compute_kpis(Frames(), [], k=3, today=TODAY)
    assert empty.empty and tuple(empty.columns) == OUTPUT_COLUMNS


# --- participation --------------------------------------------------------------------------------


def participation_frames():
    return Frames(
        programs=programs(1),
        invitations=table(
            "invitations", *({"program_id": 1, "day": day} for day in ("2026-01-01", "2026-01-07", "2026-01-15"))
        ),
        enrollments=table(
            "enrollments",
            # the mentor, decided on the 6th
            {
                "enrollment_id": 1,
                "program_id": 1,
                "role": "mentor",
                "created_day": "2026-01-01",
                "decided_day": "2026-01-06",
            },
            # never decided by anyone (added by hand): approved from the day it was created
            {"enrollment_id": 2, "program_id": 1, "role": "mentee", "created_day": "2026-01-08"},
            {"enrollment_id": 3, "program_id": 1, "role": "mentee", "status": "applied", "created_day": "2026-01-09"},
            {
                "enrollment_id": 4,
                "program_id": 1,
                "role": "mentee",
                "created_day": "2026-01-16",
                "decided_day": "2026-01-20",
            },
            {"enrollment_id": 5, "program_id": 1, "role": "mentee", "status": "withdrawn", "created_day": "2026-01-02"},
        ),
        mentorships=table(
            "mentorships",
            {"mentorship_id": 10, "program_id": 1, "status": "active", "started_on": "2026-01-14"},
            {
                "mentorship_id": 11,
                "program_id": 1,
                "status": "completed",
                "started_on": "2026-01-21",
                "ended_on": "2026-02-04",
            },
        ),
        members=table(
            "members",
            {"mentorship_id": 10, "enrollment_id": 1},
            {"mentorship_id": 10, "enrollment_id": 2},
            {"mentorship_id": 11, "enrollment_id": 1},
            {"mentorship_id": 11, "enrollment_id": 4},
        ),
    )


def test_participation_counts_as_of_each_sunday():
    result = kpis(participation_frames(), last="2026-02-02")
    # weeks of Jan 5, 12, 19, 26 and Feb 2: as of the 11th, 18th, 25th, Feb 1st and 8th
    assert series(result, "invited") == [2, 3, 3, 3, 3]
    assert series(result, "applied") == [4, 5, 5, 5, 5]  # whatever became of them
    assert series(result, "enrolled_mentors") == [1, 1, 1, 1, 1]
    assert series(result, "enrolled_mentees") == [1, 1, 2, 2, 2]  # approved, on the day decided
    assert series(result, "enrolled_peers") == [0, 0, 0, 0, 0]
    assert series(result, "matched") == [0, 2, 3, 3, 3]  # in a mentorship started by then
    # The mentor in two pairs at once counts once; the completed pair ends on Feb 4th.
    assert series(result, "active_participants") == [0, 2, 3, 3, 2]
    assert series(result, "completed_participants") == [0, 0, 0, 0, 2]
    assert series(result, "active_pairs") == [0, 1, 2, 2, 1]


def test_the_match_rate_is_of_mentees_and_peers_only():
    result = kpis(participation_frames(), last="2026-01-19")
    # week of Jan 5: one mentee approved, not matched yet; the spare mentor does not lower it
    assert series(result, "match_rate") == [0.0, 1.0, 1.0]
    alone = Frames(
        programs=programs(1),
        enrollments=table("enrollments", {"program_id": 1, "role": "mentor", "created_day": "2026-01-01"}),
    )
    assert series(kpis(alone, last="2026-01-05"), "match_rate") == [None]  # nobody waiting: not measured


def test_paused_pairs_and_pairs_ended_without_a_date_are_never_active():
    frames = Frames(
        programs=programs(1),
        mentorships=table(
            "mentorships",
            {"program_id": 1, "status": "paused", "started_on": "2026-01-01"},
            {"program_id": 1, "status": "ended_early", "started_on": "2026-01-01"},
            {"program_id": 1, "status": "active", "started_on": "2026-01-01"},
        ),
    )
    assert series(kpis(frames, last="2026-01-12"), "active_pairs") == [1, 1]


# --- meetings -------------------------------------------------------------------------------------


def one_pair(**pair):
    return table("mentorships", {"mentorship_id": 10, "program_id": 1, "status": "active", **pair})


def test_meetings_held_and_hours_count_held_meetings_that_started_in_the_week():
    frames = Frames(
        programs=programs(1),
        mentorships=one_pair(started_on="2026-01-01"),
        meetings=table(
            "meetings",
            {"mentorship_id": 10, "status": "held", "day": "2026-01-12", "booked_day": "2026-01-05", "minutes": 60},
            {"mentorship_id": 10, "status": "held", "day": "2026-01-18", "booked_day": "2026-01-05", "minutes": 30},
            {"mentorship_id": 10, "status": "not_held", "day": "2026-01-14", "booked_day": "2026-01-05"},
            {"mentorship_id": 10, "status": "cancelled", "day": "2026-01-15", "booked_day": "2026-01-05"},
            {"mentorship_id": 10, "status": "held", "day": "2026-01-19", "booked_day": "2026-01-19", "minutes": 45},
        ),
    )
    result = kpis(frames, last="2026-01-26")
    assert series(result, "meetings_held") == [0, 2, 1, 0]
    assert series(result, "mentoring_hours") == [0.0, 1.5, 0.75, 0.0]


def test_meetings_per_pair_month_counts_the_last_four_weeks_of_the_active_pairs():
    frames = Frames(
        programs=programs(1),
        mentorships=table(
            "mentorships",
            {"mentorship_id": 10, "program_id": 1, "status": "active", "started_on": "2025-12-01"},
            {"mentorship_id": 11, "program_id": 1, "status": "active", "started_on": "2025-12-01"},
            # ended on Feb 2nd: its meetings no longer count from that week on
            {
                "mentorship_id": 12,
                "program_id": 1,
                "status": "completed",
                "started_on": "2025-12-01",
                "ended_on": "2026-02-02",
            },
        ),
        meetings=table(
            "meetings",
            *(
                {"mentorship_id": pair, "status": "held", "day": day, "booked_day": "2025-12-01"}
                for pair, day in ((10, "2026-01-05"), (10, "2026-01-20"), (11, "2025-12-31"), (12, "2026-01-30"))
            ),
        ),
    )
    result = kpis(frames, first="2026-01-26", last="2026-02-02")
    # as of Feb 1st, 28 days back to Jan 5th: pair 10 twice, 11 not (Dec 31st), 12 once
    assert figure(result, "meetings_per_pair_month", "2026-01-26") == round(3 / 3 * MONTH, 6)
    # as of Feb 8th (back to Jan 12th): pair 10 once; pair 12 has ended
    assert figure(result, "meetings_per_pair_month", "2026-02-02") == round(1 / 2 * MONTH, 6)


def test_the_cadence_share_uses_the_programs_cadence_and_the_grace_days():
    frames = Frames(
        programs=programs(1, cadence_weeks=2),
        mentorships=table(
            "mentorships",
            {"mentorship_id": 10, "program_id": 1, "status": "active", "started_on": "2025-12-01"},
            {"mentorship_id": 11, "program_id": 1, "status": "active", "started_on": "2026-01-20"},  # never met
        ),
        meetings=table(
            "meetings", {"mentorship_id": 10, "status": "held", "day": "2026-01-15", "booked_day": "2026-01-01"}
        ),
    )
    result = kpis(frames, first="2026-01-26", last="2026-02-02")
    # Feb 1st: 17 days since the meeting (14 + 3 grace: at cadence); 12 since the other's start
    assert figure(result, "cadence_share", "2026-01-26") == 1.0
    # Feb 8th: 24 and 19 days: both behind
    assert figure(result, "cadence_share", "2026-02-02") == 0.0


# --- goals and check-ins --------------------------------------------------------------------------


def test_goals_set_count_every_goal_created_and_completed_the_achieved_ones_by_then():
    frames = Frames(
        programs=programs(1),
        mentorships=one_pair(started_on="2026-01-01"),
        goals=table(
            "goals",
            {
                "mentorship_id": 10,
                "status": "achieved",
                "created_day": "2026-01-06",
                "target_day": "2026-03-01",
                "achieved_day": "2026-01-20",
            },
            # achieved without the day stamped: counted from the day it was set
            {"mentorship_id": 10, "status": "achieved", "created_day": "2026-01-13", "target_day": "2026-03-01"},
            {"mentorship_id": 10, "status": "dropped", "created_day": "2026-01-07", "target_day": "2026-03-01"},
            {"mentorship_id": 10, "status": "in_progress", "created_day": "2026-01-21", "target_day": "2026-03-01"},
        ),
    )
    result = kpis(frames, last="2026-01-19")
    assert series(result, "goals_set") == [2, 3, 4]
    assert series(result, "goals_completed") == [0, 1, 2]


def test_the_checkin_average_is_of_the_last_four_weeks_submissions():
    checkin = {"mentorship_id": 10, "member_id": 1, "period_start": "2025-12-01"}
    frames = Frames(
        programs=programs(1),
        mentorships=one_pair(started_on="2025-12-01"),
        checkins=table(
            "checkins",
            {**checkin, "score": 5, "day": "2026-01-04"},  # 28 days before Feb 1st: out
            {**checkin, "score": 4, "day": "2026-01-05", "member_id": 2},
            {**checkin, "score": 2, "day": "2026-01-31", "period_start": "2025-12-29"},
        ),
    )
    result = kpis(frames, first="2026-01-26", last="2026-02-02")
    assert figure(result, "checkin_count", "2026-01-26") == 2
    assert figure(result, "checkin_average", "2026-01-26") == 3.0
    assert figure(result, "checkin_count", "2026-02-02") == 1
    assert figure(result, "checkin_average", "2026-02-02") == 2.0
    assert figure(kpis(frames, first="2025-11-24", last="2025-11-24"), "checkin_average", "2025-11-24") is None


# --- pair health ----------------------------------------------------------------------------------


def health_frames():
    """Three pairs of a program meeting every two weeks (plus 3 days' grace), started Dec 1st,
    check-in periods of four weeks (Dec 1st, Dec 29th, Jan 26th, Feb 23rd):
    - 10 meets every Monday; a second goal, due Feb 1st, is achieved on Feb 10th;
    - 11 met on Dec 29th and Jan 12th; on Jan 20th it booked a meeting for Feb 10th;
    - 12 meets every Monday; its mentee (120) asked for help in a check-in on Jan 14th, answered
      by the program manager on Jan 27th; its mentor (121) rated 5 on Jan 2nd, then 3 on Jan
      30th. Every pair has a goal."""
    pairs = table(
        "mentorships",
        *(
            {"mentorship_id": pk, "program_id": 1, "status": "active", "started_on": "2025-12-01"}
            for pk in (10, 11, 12)
        ),
    )
    mondays = [(date(2025, 12, 1) + timedelta(weeks=n)).isoformat() for n in range(14)]
    meetings = [
        *(
            {"mentorship_id": pk, "status": "held", "day": day, "booked_day": "2025-12-01"}
            for pk in (10, 12)
            for day in mondays
        ),
        {"mentorship_id": 11, "status": "held", "day": "2025-12-29", "booked_day": "2025-12-20"},
        {"mentorship_id": 11, "status": "held", "day": "2026-01-12", "booked_day": "2026-01-01"},
        {"mentorship_id": 11, "status": "scheduled", "day": "2026-02-10", "booked_day": "2026-01-20"},
    ]
    goals = [
        *(
            {"mentorship_id": pk, "status": "in_progress", "created_day": "2025-12-05", "target_day": "2026-06-01"}
            for pk in (10, 11, 12)
        ),
        {
            "mentorship_id": 10,
            "status": "achieved",
            "created_day": "2026-01-03",
            "target_day": "2026-02-01",
            "achieved_day": "2026-02-10",
        },
    ]
    checkins = [
        {
            "checkin_id": 1,
            "member_id": 120,
            "period_start": "2025-12-29",
            "score": 4,
            "wants_help": True,
            "day": "2026-01-14",
            "instant": 10,
        },
        {
            "checkin_id": 2,
            "member_id": 121,
            "period_start": "2025-12-29",
            "score": 5,
            "day": "2026-01-02",
            "instant": 5,
        },
        {
            "checkin_id": 3,
            "member_id": 121,
            "period_start": "2026-01-26",
            "score": 3,
            "day": "2026-01-30",
            "instant": 30,
        },
    ]
    return Frames(
        programs=programs(1, cadence_weeks=2, checkin_weeks=4),
        mentorships=pairs,
        meetings=table("meetings", *meetings),
        goals=table("goals", *goals),
        checkins=table("checkins", *({"mentorship_id": 12, **row} for row in checkins)),
        interventions=table("interventions", {"mentorship_id": 12, "day": "2026-01-27", "instant": 20}),
    )


def by_hand(today):
    """The three pairs' facts as they stood on `today`, assessed directly."""
    started = date(2025, 12, 1)
    monday = max(started + timedelta(weeks=n) for n in range(14) if started + timedelta(weeks=n) <= today)
    met_11 = max(day for day in (date(2025, 12, 29), date(2026, 1, 12)) if day <= today)
    second_goal = today >= date(2026, 1, 3)
    overdue = date(2026, 2, 1) < today < date(2026, 2, 10)
    # check-ins submitted by then, of the current period or the one before
    in_window = {date(2025, 12, 29): today <= date(2026, 2, 22), date(2026, 1, 26): True}
    mentee = [4] if date(2026, 1, 14) <= today and in_window[date(2025, 12, 29)] else []
    rated = ((date(2025, 12, 29), 5, date(2026, 1, 2)), (date(2026, 1, 26), 3, date(2026, 1, 30)))
    mentor = [score for period, score, on in rated if on <= today and in_window[period]]
    checkins = tuple(MemberCheckins(who, tuple(scores)) for who, scores in (("120", mentee), ("121", mentor)) if scores)
    facts = [
        PairFacts(
            started_on=started, cadence_weeks=2, last_held_on=monday, goals=1 + second_goal, overdue_goals=overdue
        ),
        PairFacts(
            started_on=started,
            cadence_weeks=2,
            last_held_on=met_11,
            scheduled_upcoming=date(2026, 1, 20) <= today <= date(2026, 2, 10),
            goals=1,
        ),
        PairFacts(
            started_on=started,
            cadence_weeks=2,
            last_held_on=monday,
            goals=1,
            checkins=checkins,
            open_help=("120",) if date(2026, 1, 14) <= today < date(2026, 1, 27) else (),
        ),
    ]
    return [assess(f, today).status for f in facts]


WEEKS = [
    "2026-01-05",
    "2026-01-12",
    "2026-01-19",
    "2026-01-26",
    "2026-02-02",
    "2026-02-09",
    "2026-02-16",
    "2026-02-23",
    "2026-03-02",
]


@pytest.mark.parametrize("week", WEEKS)
def test_health_counts_are_assess_of_the_facts_as_they_stood_on_each_sunday(week):
    monday = date.fromisoformat(week)
    expected = by_hand(min(monday + timedelta(days=6), TODAY))
    result = kpis(health_frames(), first=week, last=week)
    counted = [figure(result, f"health_{level}", week) for level in ("on_track", "needs_attention", "at_risk")]
    assert counted == [expected.count(level) for level in ("on_track", "needs_attention", "at_risk")]


def test_the_health_facts_move_as_the_weeks_pass():
    result = kpis(health_frames(), first=WEEKS[0], last=WEEKS[-1])
    # 10: its second goal is overdue from Feb 2nd until achieved on the 10th (as of Feb 8th).
    # 11: last met Jan 12th; late from Feb 1st but booked for Feb 10th; at risk from Feb 15th.
    # 12: help open Jan 14th-26th (at risk); then the mentor's fall from 5 to 3 (needs
    #     attention) until the 5 is two periods old (Feb 23rd).
    assert series(result, "health_on_track") == [3, 2, 2, 2, 1, 1, 1, 2, 2]
    assert series(result, "health_needs_attention") == [0, 0, 0, 1, 2, 1, 1, 0, 0]
    assert series(result, "health_at_risk") == [0, 1, 1, 0, 0, 1, 1, 1, 1]


def test_the_week_in_progress_is_judged_as_of_today():
    frames = Frames(
        programs=programs(1, cadence_weeks=1),
        mentorships=one_pair(started_on="2026-01-01"),
        goals=table("goals", {"mentorship_id": 10, "created_day": "2026-01-02", "target_day": "2026-06-01"}),
        meetings=table(
            "meetings", {"mentorship_id": 10, "status": "held", "day": "2026-02-16", "booked_day": "2026-02-10"}
        ),
    )
    # As of Wednesday Mar 4th, 16 days since the meeting: one cadence missed. By Sunday the 8th
    # it would be 20 days: two missed, at risk. The week in progress stops at today.
    facts = PairFacts(started_on=date(2026, 1, 1), cadence_weeks=1, last_held_on=date(2026, 2, 16), goals=1)
    assert assess(facts, TODAY).status == "needs_attention"
    assert assess(facts, date(2026, 3, 8)).status == "at_risk"
    result = kpis(frames, first="2026-03-02", last="2026-03-02")
    assert figure(result, "health_needs_attention", "2026-03-02") == 1
    assert figure(result, "health_at_risk", "2026-03-02") == 0


# --- surveys --------------------------------------------------------------------------------------


def survey_frames():
    """k = 3. Program 1: wave 1 closed Jan 10th (satisfaction 5, 4, 3; NPS from only two of
    them: under k, so NPS of that wave does not count); wave 2 closed Jan 24th with two answers
    (under k: nothing counts); wave 3 still open. Program 2: wave 4 closed Jan 17th
    (satisfaction 1, 2, 3; NPS 10, 6, 8)."""
    waves = table(
        "survey_waves",
        {"wave_id": 1, "program_id": 1, "closed_day": "2026-01-10"},
        {"wave_id": 2, "program_id": 1, "closed_day": "2026-01-24"},
        {"wave_id": 3, "program_id": 1, "closed_day": "2026-03-10"},
        {"wave_id": 4, "program_id": 2, "closed_day": "2026-01-17"},
    )
    answers = []

    def answer(wave, response, question, value):
        answers.append({"wave_id": wave, "response_id": response, "question": question, "value": value})

    for response, value in zip((1, 2, 3), (5, 4, 3), strict=True):
        answer(1, response, "satisfaction", value)
    answer(1, 1, "nps", 10)
    answer(1, 2, "nps", 9)
    answer(2, 4, "satisfaction", 5)
    answer(2, 5, "satisfaction", 5)
    for response in (6, 7, 8):
        answer(3, response, "satisfaction", 1)
    for response, score, rating in zip((9, 10, 11), (1, 2, 3), (10, 6, 8), strict=True):
        answer(4, response, "satisfaction", score)
        answer(4, response, "nps", rating)
    return Frames(programs=programs(1, 2), survey_waves=waves, survey_answers=table("survey_answers", *answers))


def test_satisfaction_and_nps_count_whole_waves_of_at_least_k_answers():
    result = kpis(survey_frames(), first="2026-01-05", last="2026-01-19")
    # Jan 11th: wave 1's satisfaction only
    assert figure(result, "satisfaction", "2026-01-05") == 4.0
    assert figure(result, "nps", "2026-01-05") is None
    assert figure(result, "survey_responses", "2026-01-05") == 3
    assert figure(result, "satisfaction", "2026-01-05", program=2) is None
    # Jan 18th: wave 4 has closed
    assert figure(result, "satisfaction", "2026-01-12", program=2) == mean_ci([1, 2, 3]).value == 2.0
    assert figure(result, "nps", "2026-01-12", program=2) == nps([10, 6, 8]).value == 0.0
    # The organization pools the answers, not the programs' means.
    assert figure(result, "satisfaction", "2026-01-12", program=None) == 3.0
    assert figure(result, "nps", "2026-01-12", program=None) == 0.0
    assert figure(result, "survey_responses", "2026-01-12", program=None) == 6
    # Jan 25th: wave 2 has closed, but with two answers it adds nothing
    assert figure(result, "satisfaction", "2026-01-19") == 4.0
    assert figure(result, "survey_responses", "2026-01-19") == 3


def test_survey_figures_look_back_thirteen_weeks_and_hide_under_k():
    result = kpis(survey_frames(), first="2026-04-06", last="2026-04-13", today=date(2026, 5, 1))
    # Apr 12th: 91 days back is Jan 11th, after wave 1 closed; wave 3 (closed Mar 10th) has three
    assert figure(result, "satisfaction", "2026-04-06") == 1.0
    assert figure(result, "survey_responses", "2026-04-06") == 3
    assert figure(result, "satisfaction", "2026-04-06", program=2) == 2.0  # Jan 17th: still in
    assert figure(result, "satisfaction", "2026-04-13", program=2) is None  # Apr 19th: gone
    higher_k = kpis(survey_frames(), first="2026-01-12", last="2026-01-12", k=4)
    assert figure(higher_k, "satisfaction", "2026-01-12", program=None) is None
    assert figure(higher_k, "survey_responses", "2026-01-12", program=None) == 0


# --- training -------------------------------------------------------------------------------------


def test_training_completion_is_the_share_of_approved_people_who_passed_their_roles_modules():
    frames = Frames(
        programs=programs(1, 2),
        enrollments=table(
            "enrollments",
            {"enrollment_id": 1, "program_id": 1, "role": "mentor", "created_day": "2026-01-01"},
            {"enrollment_id": 2, "program_id": 1, "role": "mentee", "created_day": "2026-01-01"},
            {"enrollment_id": 3, "program_id": 1, "role": "mentee", "created_day": "2026-01-14"},
            {"enrollment_id": 4, "program_id": 1, "role": "mentee", "status": "applied", "created_day": "2026-01-01"},
            {"enrollment_id": 5, "program_id": 2, "role": "mentee", "created_day": "2026-01-01"},  # no modules
        ),
        training_modules=table(
            "training_modules",
            {"module_id": 1, "program_id": 1, "role": ""},
            {"module_id": 2, "program_id": 1, "role": "mentor"},
        ),
        training_completions=table(
            "training_completions",
            {"module_id": 1, "enrollment_id": 1, "day": "2026-01-06"},
            {"module_id": 2, "enrollment_id": 1, "day": "2026-01-13"},  # the mentor's second module
            {"module_id": 1, "enrollment_id": 2, "day": "2026-01-20"},
            {"module_id": 1, "enrollment_id": 4, "day": "2026-01-06"},  # not approved: not counted
        ),
    )
    result = kpis(frames, last="2026-01-19")
    assert series(result, "training_completion") == [0.0, 0.333333, 0.666667]
    assert series(result, "training_completion", program=2) == [None, None, None]
    assert series(result, "training_completion", program=None) == [0.0, 0.333333, 0.666667]


# --- the organization's row -----------------------------------------------------------------------


def test_the_organization_pools_the_programs_and_recomputes_each_rate():
    frames = Frames(
        programs=programs(1, 2, cadence_weeks=2),
        mentorships=table(
            "mentorships",
            {"mentorship_id": 10, "program_id": 1, "status": "active", "started_on": "2026-01-01"},
            *(
                {"mentorship_id": pk, "program_id": 2, "status": "active", "started_on": "2025-11-01"}
                for pk in (20, 21, 22)
            ),
        ),
        meetings=table(
            "meetings",
            {"mentorship_id": 10, "status": "held", "day": "2026-01-30", "booked_day": "2026-01-20"},
            {"mentorship_id": 20, "status": "held", "day": "2026-01-10", "booked_day": "2026-01-01"},
        ),
    )
    result = kpis(frames, first="2026-01-26", last="2026-01-26")
    assert figure(result, "cadence_share", "2026-01-26", program=1) == 1.0
    assert figure(result, "cadence_share", "2026-01-26", program=2) == 0.0
    assert figure(result, "cadence_share", "2026-01-26", program=None) == 0.25  # 1 of 4, not (1 + 0) / 2
    assert figure(result, "meetings_per_pair_month", "2026-01-26", program=None) == round(2 / 4 * MONTH, 6)
    assert figure(result, "active_pairs", "2026-01-26", program=None) == 4
    for name in ("meetings_held", "active_pairs", "health_at_risk", "health_on_track", "health_needs_attention"):
        rows = result.set_index("program_id", drop=False)
        assert result[result.program_id.isna()][name].sum() == result[result.program_id.notna()][name].sum(), rows


# --- robustness -----------------------------------------------------------------------------------


def test_rows_of_unknown_programs_and_pairs_are_ignored():
    frames = Frames(
        programs=programs(1),
        enrollments=table("enrollments", {"program_id": 99, "role": "mentee", "created_day": "2026-01-01"}),
        mentorships=table(
            "mentorships", {"mentorship_id": 10, "program_id": 99, "status": "active", "started_on": "2026-01-01"}
        ),
        meetings=table(
            "meetings", {"mentorship_id": 77, "status": "held", "day": "2026-01-06", "booked_day": "2026-01-01"}
        ),
    )
    result = kpis(frames, last="2026-01-05")
    assert figure(result, "applied", "2026-01-05", program=None) == 0
    assert figure(result, "meetings_held", "2026-01-05", program=None) == 0
    assert figure(result, "active_pairs", "2026-01-05", program=None) == 0


def shifted(frames, by):
    """The same tables with every id moved up by `by`, so that several worlds can be merged."""
    moved = {}
    for name in COLUMNS:
        frame = getattr(frames, name).copy()
        for column in frame.columns:
            if column.endswith("_id"):
                frame[column] = frame[column] + by
        moved[name] = frame
    return moved


def everything():
    """The participation, health and survey worlds in one organization."""
    worlds = [
        shifted(frames, 1000 * n) for n, frames in enumerate((participation_frames(), health_frames(), survey_frames()))
    ]
    return Frames(**{name: pd.concat([world[name] for world in worlds], ignore_index=True) for name in COLUMNS})


def test_the_same_input_in_any_row_order_gives_the_same_rows():
    frames = everything()
    first = kpis(frames, first="2025-12-01", last="2026-03-02")
    rng = np.random.default_rng(7)
    shuffled = Frames(
        **{
            name: getattr(frames, name).sample(frac=1, random_state=rng.integers(1 << 30)).reset_index(drop=True)
            for name in COLUMNS
        }
    )
    again = kpis(shuffled, first="2025-12-01", last="2026-03-02")
    pd.testing.assert_frame_equal(first, again)
    assert records(first) == records(again)


def test_records_are_plain_python_with_none_for_what_is_not_measured():
    rows = records(kpis(everything(), first="2026-01-12", last="2026-01-12"))
    assert [row["program_id"] for row in rows] == [None, 1, 1001, 2001, 2002]
    organization = rows[0]
    assert organization["program_id"] is None and organization["week_start"] == date(2026, 1, 12)
    assert type(organization["applied"]) is int
    assert type(organization["satisfaction"]) is float
    assert rows[1]["nps"] is None
