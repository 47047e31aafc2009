"""When survey waves open and close: each schedule, the program-end cut, pulses, missing dates."""

from datetime import date, timedelta

import pytest

from surveys.schedule import ScheduleError, first_wave, next_pulse_wave

START = date(2026, 1, 5)
END = date(2026, 6, 26)


def wave(schedule, opens_on=None, start=START, end=END, open_days=14):
    return first_wave(schedule=schedule, opens_on=opens_on, program_start=start, program_end=end, open_days=open_days)


def test_a_dated_survey_opens_on_its_date_and_stays_open_its_days_inclusive():
    assert wave("date", date(2026, 3, 2)) == (date(2026, 3, 2), date(2026, 3, 15))


def test_one_open_day_opens_and_closes_the_same_day():
    assert wave("date", date(2026, 3, 2), open_days=1) == (date(2026, 3, 2), date(2026, 3, 2))


def test_the_midpoint_is_halfway_rounded_down():
    # 172 days from start to end: the midpoint is 86 days in.
    assert wave("midpoint")[0] == START + timedelta(days=86)
    # An odd span rounds down: 5 -> 2 days in.
    assert wave("midpoint", start=date(2026, 1, 1), end=date(2026, 1, 6), open_days=1)[0] == date(2026, 1, 3)


def test_the_end_wave_opens_a_week_before_the_end_and_is_cut_at_the_end():
    assert wave("end") == (END - timedelta(days=7), END)


def test_the_end_wave_never_opens_before_a_short_program_starts():
    start, end = date(2026, 1, 1), date(2026, 1, 4)
    assert wave("end", start=start, end=end, open_days=2) == (start, date(2026, 1, 2))


def test_a_one_day_program_has_its_midpoint_and_end_on_that_day():
    day = date(2026, 2, 2)
    assert wave("midpoint", start=day, end=day) == (day, day)
    assert wave("end", start=day, end=day) == (day, day)


def test_a_wave_is_cut_short_at_the_programs_end():
    assert wave("date", END - timedelta(days=3)) == (END - timedelta(days=3), END)


def test_a_wave_after_the_programs_end_keeps_its_full_length():
    later = END + timedelta(days=30)
    assert wave("date", later) == (later, later + timedelta(days=13))


def test_a_program_without_an_end_never_cuts():
    assert wave("date", date(2026, 3, 2), end=None) == (date(2026, 3, 2), date(2026, 3, 15))


def test_a_pulse_starts_on_its_date_or_else_the_program_start():
    assert wave("pulse", date(2026, 2, 2), open_days=7) == (date(2026, 2, 2), date(2026, 2, 8))
    assert wave("pulse", None, open_days=7) == (START, START + timedelta(days=6))


@pytest.mark.parametrize(
    ("schedule", "opens_on", "start", "end", "field"),
    [
        ("date", None, START, END, "opens_on"),
        ("midpoint", None, None, END, "schedule"),
        ("midpoint", None, START, None, "schedule"),
        ("end", None, None, None, "schedule"),
        ("end", None, END, START, "schedule"),  # ends before it starts
        ("pulse", None, None, END, "opens_on"),
        ("weekly", None, START, END, "schedule"),
    ],
)
def test_missing_or_impossible_dates_name_the_field_to_fix(schedule, opens_on, start, end, field):
    with pytest.raises(ScheduleError) as caught:
        wave(schedule, opens_on, start=start, end=end)
    assert caught.value.field == field
    assert caught.value.message
    assert isinstance(caught.value, ValueError)
    assert caught.value.args == (field, caught.value.message)


def test_zero_open_days_is_refused():
    with pytest.raises(ScheduleError) as caught:
        wave("date", date(2026, 3, 2), open_days=0)
    assert caught.value.field == "open_days"


def test_the_next_pulse_comes_pulse_weeks_later():
    assert next_pulse_wave(last_opens_on=date(2026, 2, 2), pulse_weeks=4, open_days=7, program_end=END) == (
        date(2026, 3, 2),
        date(2026, 3, 8),
    )


def test_the_next_pulse_is_cut_at_the_end_and_none_comes_after_it():
    last = END - timedelta(weeks=2, days=3)  # the next one opens 3 days before the end
    assert next_pulse_wave(last_opens_on=last, pulse_weeks=2, open_days=7, program_end=END) == (
        END - timedelta(days=3),
        END,
    )
    assert next_pulse_wave(last_opens_on=END - timedelta(days=3), pulse_weeks=1, open_days=7, program_end=END) is None


def test_a_pulse_on_the_last_day_still_runs_that_day():
    assert next_pulse_wave(last_opens_on=END - timedelta(weeks=1), pulse_weeks=1, open_days=7, program_end=END) == (
        END,
        END,
    )


def test_a_pulse_without_a_program_end_goes_on():
    assert next_pulse_wave(last_opens_on=date(2030, 1, 1), pulse_weeks=26, open_days=3, program_end=None) == (
        date(2030, 7, 2),
        date(2030, 7, 4),
    )


def test_a_pulse_needs_at_least_a_week():
    with pytest.raises(ScheduleError) as caught:
        next_pulse_wave(last_opens_on=START, pulse_weeks=0, open_days=7, program_end=END)
    assert caught.value.field == "pulse_weeks"
