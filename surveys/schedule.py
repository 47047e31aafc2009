"""When a survey's waves open and close. Pure: dates in, dates out, no Django import.

A wave is open from `opens` to `closes`, both days included, in the organization's days.
Schedules:
- "date": the first (only) wave opens on the date the manager chose;
- "midpoint": halfway between the program's start and end;
- "end": a week before the program's end (never before its start), so people answer while
  the program is still fresh and before they have moved on;
- "pulse": opens on the chosen date (else the program's start) and again every `pulse_weeks`
  weeks while the program runs.
A wave stays open `open_days` days, cut short at the program's end: a survey about a program
should not run on after it, unless the wave itself starts after the end (an "at a date" survey
a manager deliberately set for later), when the cut would leave nothing.
"""

from datetime import date, timedelta

AT_DATE = "date"
MIDPOINT = "midpoint"
END = "end"
PULSE = "pulse"
SCHEDULES = (AT_DATE, MIDPOINT, END, PULSE)

END_LEAD_DAYS = 7  # an end-of-program wave opens this many days before the end


class ScheduleError(ValueError):
    """A wave cannot be placed; `field` names what to fix (`opens_on`, `schedule`, ...)."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)
        self.field = field
        self.message = message


def closing_day(opens: date, open_days: int, program_end: date | None) -> date:
    closes = opens + timedelta(days=open_days - 1)
    if program_end is not None and opens <= program_end < closes:
        closes = program_end
    return closes


def first_wave(
    *, schedule: str, opens_on: date | None, program_start: date | None, program_end: date | None, open_days: int
) -> tuple[date, date]:
    """(opens, closes) of a survey's first wave; ScheduleError when the dates it needs are missing."""
    if open_days < 1:
        raise ScheduleError("open_days", "A wave stays open at least one day.")
    if schedule == AT_DATE:
        if opens_on is None:
            raise ScheduleError("opens_on", "Choose the date the survey opens.")
        opens = opens_on
    elif schedule in (MIDPOINT, END):
        if program_start is None or program_end is None:
            raise ScheduleError(
                "schedule",
                "This schedule needs the program's start and end dates: set them on the program, or choose a date.",
            )
        if program_end < program_start:
            raise ScheduleError("schedule", "The program ends before it starts: fix its dates first.")
        if schedule == MIDPOINT:
            opens = program_start + (program_end - program_start) // 2
        else:
            opens = max(program_end - timedelta(days=END_LEAD_DAYS), program_start)
    elif schedule == PULSE:
        opens = opens_on or program_start
        if opens is None:
            raise ScheduleError("opens_on", "Choose the date of the first pulse (the program has no start date).")
    else:
        raise ScheduleError("schedule", f"Choose one of: {', '.join(SCHEDULES)}.")
    return opens, closing_day(opens, open_days, program_end)


def next_pulse_wave(
    *, last_opens_on: date, pulse_weeks: int, open_days: int, program_end: date | None
) -> tuple[date, date] | None:
    """(opens, closes) of the pulse wave after the one that opened on `last_opens_on`; None once
    it would open after the program's end."""
    if pulse_weeks < 1:
        raise ScheduleError("pulse_weeks", "A pulse repeats at least every week.")
    opens = last_opens_on + timedelta(weeks=pulse_weeks)
    if program_end is not None and opens > program_end:
        return None
    return opens, closing_day(opens, open_days, program_end)
