"""Pair health: on track, needs attention or at risk, with the reasons a program manager reads.

Pure (no Django): `services/health.py` loads the facts for many pairs at once, this module
judges them. The rules, checked on `today`:

At risk
  - No meeting logged for two cadences: more than `2 × cadence_weeks` weeks (plus a few days of
    grace) since the last held meeting, or since the start when the pair has never met, and no
    meeting is scheduled. With a meeting scheduled it only needs attention: they are on it.
  - An open help flag: a member ticked "I'd like help from the program manager" in a check-in
    and the program manager has not acted on the pair since (a nudge or a note closes it).
  - A low check-in: a member's latest check-in scored 2 or less out of 5. Only the last two
    check-in periods count (the loader passes those): an old score says little about today.

Needs attention
  - One missed cadence: more than `cadence_weeks` weeks (plus the grace) without a held
    meeting, and none scheduled.
  - A falling check-in: a member's latest score is 2 or more below their previous one.
  - Overdue goals: open goals (not achieved, not dropped) past their target date.
  - No goals after the first month: the pair has run for more than `FIRST_MONTH_DAYS` days and
    set no goal (dropped goals do not count).

On track otherwise. The status is the worst rule that applies; the reasons list every rule
that applies, the most serious first.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

ON_TRACK = "on_track"
NEEDS_ATTENTION = "needs_attention"
AT_RISK = "at_risk"

# A meeting a few days late is not yet a missed one: people move meetings by a day or two.
GRACE_DAYS = 3
FIRST_MONTH_DAYS = 30
LOW_SCORE = 2  # and below
FALL = 2  # points between a member's previous and latest check-in


@dataclass(frozen=True)
class MemberCheckins:
    who: str  # how the reasons name the member: their name
    scores: tuple[int, ...]  # their check-ins in the last two periods, oldest first


@dataclass(frozen=True)
class PairFacts:
    started_on: date
    cadence_weeks: int  # the program's meeting cadence
    last_held_on: date | None = None  # the latest meeting logged as held
    scheduled_upcoming: bool = False  # a meeting is scheduled from now on
    checkins: tuple[MemberCheckins, ...] = field(default_factory=tuple)
    open_help: tuple[str, ...] = ()  # who asked for help and was not answered yet
    overdue_goals: int = 0
    goals: int = 0  # not dropped


class Assessment(NamedTuple):
    status: str
    reasons: tuple[str, ...]


def _weeks(days: int) -> str:
    weeks = days // 7
    if weeks < 2:
        return f"{days} days"
    return f"{weeks} weeks"


def _every(cadence_weeks: int) -> str:
    return "every week" if cadence_weeks == 1 else f"every {cadence_weeks} weeks"


def _meeting_rule(facts: PairFacts, today: date) -> tuple[str, str] | None:
    since = facts.last_held_on or facts.started_on
    gap = (today - since).days
    cadence = facts.cadence_weeks * 7
    if gap <= cadence + GRACE_DAYS:
        return None
    what = f"No meeting logged for {_weeks(gap)}" if facts.last_held_on else f"No meeting yet in {_weeks(gap)}"
    what += f" (the program asks for one {_every(facts.cadence_weeks)})"
    if facts.scheduled_upcoming:
        if gap <= 2 * cadence + GRACE_DAYS:
            return None  # late, but the next one is booked
        return NEEDS_ATTENTION, what + "; the next one is scheduled."
    if gap > 2 * cadence + GRACE_DAYS:
        return AT_RISK, what + " and none is scheduled."
    return NEEDS_ATTENTION, what + "."


def _checkin_rules(facts: PairFacts) -> list[tuple[str, str]]:
    found = []
    for member in facts.checkins:
        if not member.scores:
            continue
        latest = member.scores[-1]
        if latest <= LOW_SCORE:
            found.append((AT_RISK, f"{member.who} rated their latest check-in {latest} out of 5."))
        elif len(member.scores) > 1 and member.scores[-2] - latest >= FALL:
            found.append((NEEDS_ATTENTION, f"{member.who}'s check-in fell from {member.scores[-2]} to {latest}."))
    return found


def assess(facts: PairFacts, today: date) -> Assessment:
    """The pair's health on `today` and every reason for it, the most serious first."""
    found = [(AT_RISK, f"{who} asked the program manager for help.") for who in facts.open_help]
    meeting = _meeting_rule(facts, today)
    if meeting:
        found.append(meeting)
    found += _checkin_rules(facts)
    if facts.overdue_goals:
        count = facts.overdue_goals
        found.append((NEEDS_ATTENTION, f"{count} goal{'s are' if count > 1 else ' is'} past the target date."))
    if not facts.goals and (today - facts.started_on).days > FIRST_MONTH_DAYS:
        found.append((NEEDS_ATTENTION, "No goals set after the first month."))
    if not found:
        return Assessment(ON_TRACK, ())
    # Stable: within one level the reasons keep the order above (help, meetings, check-ins, goals).
    found.sort(key=lambda item: item[0] != AT_RISK)
    status = AT_RISK if found[0][0] == AT_RISK else NEEDS_ATTENTION
    return Assessment(status, tuple(reason for _, reason in found))


def checkin_period_start(started_on: date, checkin_weeks: int, day: date) -> date | None:
    """The first day of the check-in period holding `day`: periods start every `checkin_weeks`
    weeks from the mentorship's start. None before the mentorship starts."""
    if day < started_on:
        return None
    length = 7 * checkin_weeks
    return started_on + timedelta(days=(day - started_on).days // length * length)
