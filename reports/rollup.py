"""Weekly KPIs from plain tables: the pandas/numpy core of the rollup. No Django.

`reports/loaders.py` reads one organization's tables into `Frames`; `compute_kpis` turns them
into one row per program and week plus one per week for the organization as a whole (program
None); `reports/services/rollups.py` writes the rows as KpiSnapshot. Everything here is
vectorized over meetings, goals, check-ins and answers; the only Python loops run per week
(and, for pair health, per active pair and week, because `mentorships.health.assess` judges one
pair at a time: one rule set for the live pages and the history).

Conventions of the frames
- Days are whole numbers (`day_number`: days since 1970-01-01) counted in the organization's
  time zone; a missing day (not ended, not achieved, not decided) is NEVER, later than any day.
- Instants that are only compared with each other (a help request against the program
  manager's last action) are int64 microseconds since the epoch.
- Statuses are the models' TextChoices values (mirrored below; a service test checks that).

What the figures mean (counts as of the end of the week, Sunday, or today for the week in
progress: the "as-of day"; the KpiSnapshot help texts say the same in short)
- invited: program invitations sent by then; applied: enrollments created by then, whatever
  became of them; enrolled_*: enrollments approved by then (decided_at, or created_at when
  never decided), by role, still approved today.
- matched: approved participants in a mentorship that had started by then; completed: those in
  a mentorship completed by then; active: those in a pair active on the as-of day.
- match_rate: matched mentees and peers / enrolled mentees and peers. Mentors are left out: a
  mentor without a mentee is spare capacity, not someone waiting.
- A pair is active on a day from its start until it ends (ended_on; a completed or ended pair
  without the date never counts). Paused pairs never count: no pause history is stored, and
  counting a pair paused today as active in past weeks would be a guess.
- meetings_held / mentoring_hours: meetings logged as held that started in the week; hours from
  the logged minutes, else the planned duration.
- meetings_per_pair_month: held meetings of the pairs active on the as-of day in the four weeks
  up to it, per such pair, scaled from 28 days to an average month (30.44 days).
- cadence_share: active pairs whose last held meeting (or start, before the first) is within
  their program's cadence plus the grace days of the health rules.
- goals_set: goals created by then (dropped ones too: they were set); goals_completed: goals
  achieved by then (achieved_on, else the day they were created).
- checkin_average / checkin_count: check-ins submitted in the four weeks up to the as-of day.
- health_*: `mentorships.health.assess` of every pair active on the as-of day, with the facts
  as they stood then: the last held meeting, a meeting booked (created by then, starting that
  day or later, not cancelled), the members' check-ins of the last two periods submitted by
  then, help asked and not answered by an intervention by then, goals set and overdue then.
  Goals dropped today are left out of every week, like a pause (no history).
- survey_responses / satisfaction / nps: answers to the questions keyed "satisfaction" (1–5)
  and "nps" (0–10) of the survey waves that closed in the 13 weeks up to the as-of day. A wave
  counts for a question only when at least k people answered that question in it, the rule the
  survey results pages apply; whole waves, never part of one, so two weeks' figures cannot be
  subtracted to reveal fewer than k answers. None when fewer than k answers remain.
  survey_responses counts the responses behind the figures.
- training_completion: approved people (by then) who had passed every training module of their
  role by then / approved people whose role has modules; None without modules.
- The organization's row pools every program's data and recomputes each rate from the pooled
  counts (a program with 10 pairs weighs less than one with 1,000); people in two programs
  count once per program, as two participations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

import numpy as np
import pandas as pd

from mentorships.health import AT_RISK, GRACE_DAYS, NEEDS_ATTENTION, ON_TRACK, MemberCheckins, PairFacts, assess
from surveys.aggregation import mean_ci, nps

EPOCH = date(1970, 1, 1)
NEVER = int(np.iinfo(np.int32).max)
RECENT_DAYS = 28  # "the last four weeks"
SURVEY_DAYS = 13 * 7
MONTH_DAYS = 365.25 / 12
DECIMALS = 6  # floats are rounded so that re-running gives byte-identical rows

# The models' TextChoices values (programs, mentorships, surveys), mirrored so this module needs
# no Django; tests/reports/test_rollup_services.py checks that they still match.
APPROVED = "approved"
MENTOR, MENTEE, PEER = "mentor", "mentee", "peer"
ACTIVE, PAUSED, COMPLETED, ENDED_EARLY = "active", "paused", "completed", "ended_early"
HELD, CANCELLED = "held", "cancelled"
ACHIEVED, DROPPED = "achieved", "dropped"
SATISFACTION, NPS = "satisfaction", "nps"

HEALTH_LEVELS = (ON_TRACK, NEEDS_ATTENTION, AT_RISK)

COLUMNS = {
    "programs": ("program_id", "cadence_weeks", "checkin_weeks"),
    "invitations": ("program_id", "day"),
    "enrollments": ("enrollment_id", "program_id", "role", "status", "created_day", "decided_day"),
    "mentorships": ("mentorship_id", "program_id", "status", "started_on", "ended_on"),
    "members": ("member_id", "mentorship_id", "enrollment_id"),
    "meetings": ("mentorship_id", "status", "day", "booked_day", "minutes"),
    "goals": ("mentorship_id", "status", "created_day", "target_day", "achieved_day"),
    "checkins": ("checkin_id", "mentorship_id", "member_id", "period_start", "score", "wants_help", "day", "instant"),
    "interventions": ("mentorship_id", "day", "instant"),
    "training_modules": ("module_id", "program_id", "role"),
    "training_completions": ("module_id", "enrollment_id", "day"),
    "survey_waves": ("wave_id", "program_id", "closed_day"),
    "survey_answers": ("wave_id", "response_id", "question", "value"),
}

# The KpiSnapshot columns compute_kpis fills, in the model's order.
COUNT_FIELDS = (
    "invited",
    "applied",
    "enrolled_mentors",
    "enrolled_mentees",
    "enrolled_peers",
    "matched",
    "active_participants",
    "completed_participants",
    "active_pairs",
    "meetings_held",
    "goals_set",
    "goals_completed",
    "checkin_count",
    "health_on_track",
    "health_needs_attention",
    "health_at_risk",
    "survey_responses",
)
RATE_FIELDS = (
    "match_rate",
    "mentoring_hours",
    "meetings_per_pair_month",
    "cadence_share",
    "checkin_average",
    "satisfaction",
    "nps",
    "training_completion",
)
OUTPUT_COLUMNS = (
    "program_id",
    "week_start",
    "invited",
    "applied",
    "enrolled_mentors",
    "enrolled_mentees",
    "enrolled_peers",
    "matched",
    "active_participants",
    "completed_participants",
    "match_rate",
    "active_pairs",
    "meetings_held",
    "mentoring_hours",
    "meetings_per_pair_month",
    "cadence_share",
    "goals_set",
    "goals_completed",
    "checkin_average",
    "checkin_count",
    "health_on_track",
    "health_needs_attention",
    "health_at_risk",
    "survey_responses",
    "satisfaction",
    "nps",
    "training_completion",
)


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series([], dtype="int64") for column in COLUMNS[name]})


def _table(name):
    return field(default_factory=lambda: _empty(name))


@dataclass(frozen=True)
class Frames:
    """One organization's tables, columns as in COLUMNS; any left out is empty."""

    programs: pd.DataFrame = _table("programs")
    invitations: pd.DataFrame = _table("invitations")
    enrollments: pd.DataFrame = _table("enrollments")
    mentorships: pd.DataFrame = _table("mentorships")
    members: pd.DataFrame = _table("members")
    meetings: pd.DataFrame = _table("meetings")
    goals: pd.DataFrame = _table("goals")
    checkins: pd.DataFrame = _table("checkins")
    interventions: pd.DataFrame = _table("interventions")
    training_modules: pd.DataFrame = _table("training_modules")
    training_completions: pd.DataFrame = _table("training_completions")
    survey_waves: pd.DataFrame = _table("survey_waves")
    survey_answers: pd.DataFrame = _table("survey_answers")

    def sizes(self) -> dict[str, int]:
        return {f.name: len(getattr(self, f.name)) for f in fields(self)}


# --- days and weeks ---------------------------------------------------------------------------


def day_number(day: date | None) -> int:
    return NEVER if day is None else (day - EPOCH).days


def day_date(number: int) -> date:
    return EPOCH + timedelta(days=int(number))


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_between(first: date, last: date) -> list[date]:
    """The Mondays of the weeks from the one holding `first` to the one holding `last`."""
    start, stop = monday(first), monday(last)
    return [start + timedelta(weeks=n) for n in range((stop - start).days // 7 + 1)] if stop >= start else []


# --- vector helpers ---------------------------------------------------------------------------


def _ints(series) -> np.ndarray:
    return np.asarray(series, dtype=np.int64)


def _is(series, value) -> np.ndarray:
    return np.asarray(series == value, dtype=bool)


def _cumulative(group, day, points, groups, weights=None) -> np.ndarray:
    """[groups, weeks]: per group, how many rows (or their summed weights) have day <= points[w].
    `points` never decrease, so each row lands in the first week it counts for and a running
    sum does the rest: O(rows), whatever the number of weeks."""
    weeks = len(points)
    group, day = _ints(group), _ints(day)
    bucket = np.searchsorted(points, day, side="left")
    keep = (group >= 0) & (bucket < weeks)
    weights = None if weights is None else np.asarray(weights, dtype=float)[keep]
    flat = np.bincount(group[keep] * weeks + bucket[keep], weights=weights, minlength=groups * weeks)
    return flat.reshape(groups, weeks).cumsum(axis=1)


def _open_on(group, first, stop, points, groups) -> np.ndarray:
    """[groups, weeks]: rows with first <= points[w] < stop (an interval of days)."""
    first = _ints(first)
    stop = np.maximum(_ints(stop), first)
    return _cumulative(group, first, points, groups) - _cumulative(group, stop, points, groups)


def _per_group(group, matrix, groups) -> np.ndarray:
    """Sum the rows of `matrix` ([items, weeks]) by the items' group."""
    out = np.zeros((groups, matrix.shape[1]), dtype=np.int64)
    np.add.at(out, group, matrix.astype(np.int64))
    return out


class _Grid:
    """The weeks computed and the programs they are computed for."""

    def __init__(self, weeks, today, program_ids):
        self.weeks = weeks
        self.start = np.array([day_number(week) for week in weeks], dtype=np.int64)
        self.end = self.start + 6
        self.as_of = np.minimum(self.end, day_number(today))
        self.size = len(weeks)
        self.program_ids = np.sort(np.unique(_ints(program_ids)))
        self._programs = pd.Index(self.program_ids)
        self.programs = len(self.program_ids)

    def program_index(self, ids) -> np.ndarray:
        return self._programs.get_indexer(_ints(ids))

    def cumulative(self, group, day, weights=None, points=None, groups=None):
        points = self.as_of if points is None else points
        return _cumulative(group, day, points, self.programs if groups is None else groups, weights)

    def within(self, group, day, days, weights=None, groups=None):
        """Rows whose day is in the `days` days up to the as-of day."""
        return self.cumulative(group, day, weights, groups=groups) - self.cumulative(
            group, day, weights, points=self.as_of - days, groups=groups
        )

    def in_week(self, group, day, weights=None):
        return self.cumulative(group, day, weights, points=self.end) - self.cumulative(
            group, day, weights, points=self.start - 1
        )


# --- the pairs ----------------------------------------------------------------------------------


@dataclass
class _Pairs:
    ids: pd.Index
    program: np.ndarray  # program index
    start: np.ndarray
    end: np.ndarray  # first day no longer active (NEVER while running)
    status: np.ndarray
    cadence: np.ndarray  # weeks
    checkin_weeks: np.ndarray
    active: np.ndarray  # [pairs, weeks] active on the as-of day

    def index(self, ids) -> np.ndarray:
        return self.ids.get_indexer(_ints(ids))

    def __len__(self):
        return len(self.ids)


def _pairs(frames, grid) -> _Pairs:
    table = frames.mentorships
    program = grid.program_index(table.program_id)
    table = table[program >= 0]
    program = program[program >= 0]
    status = np.asarray(table.status, dtype=object)
    start = _ints(table.started_on)
    ended = _ints(table.ended_on)
    finished = (status == COMPLETED) | (status == ENDED_EARLY)
    # Ended without a date: it never counts as active rather than forever.
    end = np.where(ended != NEVER, np.maximum(ended, start), np.where(finished, start, NEVER))
    settings = frames.programs.set_index("program_id")
    settings = settings.loc[grid.program_ids]
    cadence = _ints(settings.cadence_weeks)[program]
    checkin_weeks = _ints(settings.checkin_weeks)[program]
    as_of = grid.as_of[None, :]
    active = (start[:, None] <= as_of) & (as_of < end[:, None]) & (status != PAUSED)[:, None]
    return _Pairs(
        ids=pd.Index(_ints(table.mentorship_id)),
        program=program,
        start=start,
        end=end,
        status=status,
        cadence=cadence,
        checkin_weeks=checkin_weeks,
        active=active,
    )


# --- participation ----------------------------------------------------------------------------


def _participation(frames, grid, pairs) -> dict[str, np.ndarray]:
    out = {"invited": grid.cumulative(grid.program_index(frames.invitations.program_id), frames.invitations.day)}
    table = frames.enrollments
    program = grid.program_index(table.program_id)
    table, program = table[program >= 0], program[program >= 0]
    out["applied"] = grid.cumulative(program, table.created_day)

    created, decided = _ints(table.created_day), _ints(table.decided_day)
    approved = _is(table.status, APPROVED)
    approved_on = np.where(approved, np.where(decided == NEVER, created, np.maximum(decided, created)), NEVER)
    role = np.asarray(table.role, dtype=object)
    for name, value in (("enrolled_mentors", MENTOR), ("enrolled_mentees", MENTEE), ("enrolled_peers", PEER)):
        chosen = approved & (role == value)
        out[name] = grid.cumulative(program[chosen], approved_on[chosen])
    seekers = approved & ((role == MENTEE) | (role == PEER))
    out["seekers"] = grid.cumulative(program[seekers], approved_on[seekers])

    members = frames.members
    enrollment = pd.Index(_ints(table.enrollment_id)).get_indexer(_ints(members.enrollment_id))
    pair = pairs.index(members.mentorship_id)
    keep = (enrollment >= 0) & (pair >= 0)
    enrollment, pair = enrollment[keep], pair[keep]

    first_start = np.full(len(table), NEVER, dtype=np.int64)
    np.minimum.at(first_start, enrollment, pairs.start[pair])
    matched_on = np.maximum(approved_on, first_start)
    out["matched"] = grid.cumulative(program, matched_on)
    out["matched_seekers"] = grid.cumulative(program[seekers], matched_on[seekers])

    done = pairs.status[pair] == COMPLETED
    first_done = np.full(len(table), NEVER, dtype=np.int64)
    np.minimum.at(first_done, enrollment[done], pairs.end[pair[done]])
    out["completed_participants"] = grid.cumulative(program, np.maximum(approved_on, first_done))

    # Distinct people: a mentor with two mentees sits in two active pairs.
    active = np.zeros((grid.programs, grid.size), dtype=np.int64)
    for w in range(grid.size):
        live = pairs.active[pair, w] & (approved_on[enrollment] <= grid.as_of[w])
        people = np.unique(enrollment[live])
        active[:, w] = np.bincount(program[people], minlength=grid.programs)
    out["active_participants"] = active
    return out


# --- meetings ---------------------------------------------------------------------------------

_SHIFT = np.int64(1) << 32
_OFFSET = np.int64(1) << 31


class _PairDays:
    """Sorted (pair, day) keys: per pair, how many days fall on or before a day, and the last."""

    def __init__(self, pair, day):
        self.keys = np.sort(_ints(pair) * _SHIFT + _ints(day) + _OFFSET)

    def upto(self, pairs, days):
        return np.searchsorted(self.keys, pairs * _SHIFT + days + _OFFSET, side="right")

    def last(self, pairs, days):
        """The last day on or before `days` of each pair, NEVER when none."""
        upto = self.upto(pairs, days)
        first = np.searchsorted(self.keys, pairs * _SHIFT, side="left")
        found = upto > first
        if not len(self.keys):
            return np.full(np.broadcast(pairs, days).shape, NEVER, dtype=np.int64)
        value = self.keys[np.maximum(upto - 1, 0)] - pairs * _SHIFT - _OFFSET
        return np.where(found, value, NEVER)


def _meetings(frames, grid, pairs):
    table = frames.meetings
    pair = pairs.index(table.mentorship_id)
    table, pair = table[pair >= 0], pair[pair >= 0]
    status = np.asarray(table.status, dtype=object)
    day = _ints(table.day)
    held = status == HELD
    program = pairs.program[pair]
    minutes = np.asarray(table.minutes, dtype=float)
    out = {
        "meetings_held": grid.in_week(program[held], day[held]),
        "mentoring_minutes": grid.in_week(program[held], day[held], weights=minutes[held]),
    }

    every = np.arange(len(pairs), dtype=np.int64)[:, None]
    as_of = grid.as_of[None, :]
    held_days = _PairDays(pair[held], day[held])
    recent = held_days.upto(every, as_of) - held_days.upto(every, as_of - RECENT_DAYS)
    last_held = held_days.last(every, as_of)  # [pairs, weeks]

    # Booked on a day: created by then, starting that day or later, not cancelled (a meeting
    # logged after the fact was never booked: its range below is empty).
    booked = status != CANCELLED
    first = np.searchsorted(grid.as_of, _ints(table.booked_day)[booked], side="left")
    stop = np.searchsorted(grid.as_of, day[booked], side="right")
    ok = first < stop
    width = grid.size + 1
    rows = pair[booked][ok] * width
    size = len(pairs) * width
    diff = np.bincount(rows + first[ok], minlength=size) - np.bincount(rows + stop[ok], minlength=size)
    upcoming = diff.reshape(len(pairs), width).cumsum(axis=1)[:, : grid.size] > 0

    since = np.where(last_held != NEVER, last_held, pairs.start[:, None])
    at_cadence = (as_of - since) <= pairs.cadence[:, None] * 7 + GRACE_DAYS
    out["recent_meetings"] = _per_group(pairs.program, np.where(pairs.active, recent, 0), grid.programs)
    out["at_cadence"] = _per_group(pairs.program, pairs.active & at_cadence, grid.programs)
    out["active_pairs"] = _per_group(pairs.program, pairs.active, grid.programs)
    return out, last_held, upcoming


# --- goals --------------------------------------------------------------------------------------


def _goals(frames, grid, pairs):
    table = frames.goals
    pair = pairs.index(table.mentorship_id)
    table, pair = table[pair >= 0], pair[pair >= 0]
    status = np.asarray(table.status, dtype=object)
    created = _ints(table.created_day)
    achieved = status == ACHIEVED
    achieved_day = _ints(table.achieved_day)
    achieved_on = np.where(achieved, np.maximum(np.where(achieved_day == NEVER, created, achieved_day), created), NEVER)
    program = pairs.program[pair]
    out = {
        "goals_set": grid.cumulative(program, created),
        "goals_completed": grid.cumulative(program[achieved], achieved_on[achieved]),
    }
    kept = status != DROPPED
    count = len(pairs)
    goals = grid.cumulative(pair[kept], created[kept], groups=count)
    overdue_from = np.maximum(created, _ints(table.target_day) + 1)[kept]
    overdue = _open_on(pair[kept], overdue_from, achieved_on[kept], grid.as_of, count)
    return out, goals, overdue


# --- check-ins and help -------------------------------------------------------------------------


def _checkins(frames, grid, pairs):
    table = frames.checkins
    pair = pairs.index(table.mentorship_id)
    table, pair = table[pair >= 0], pair[pair >= 0]
    program = pairs.program[pair]
    day = _ints(table.day)
    score = np.asarray(table.score, dtype=float)
    out = {
        "checkin_count": grid.within(program, day, RECENT_DAYS),
        "checkin_scores": grid.within(program, day, RECENT_DAYS, weights=score),
    }

    # Each week's scores of each member in the pair's last two check-in periods (the current
    # one and the one before, as mentorships.health.checkin_period_start counts them), oldest
    # first: assess reads the latest and the one before it. A member's scores stay the same for
    # weeks on end, so their MemberCheckins are made once and shared.
    member = _ints(table.member_id)
    period = _ints(table.period_start)
    order = np.lexsort((_ints(table.checkin_id), period, member))
    pair, member, period, day, score = pair[order], member[order], period[order], day[order], score[order]
    length = pairs.checkin_weeks[pair] * 7
    start = pairs.start[pair]
    made = {}
    by_week = []
    for t in grid.as_of:
        current = start + (t - start) // length * length
        seen = np.flatnonzero((t >= start) & (day <= t) & (period >= current - length))
        who = member[seen]
        last = np.flatnonzero(np.r_[who[1:] != who[:-1], True]) if len(who) else np.zeros(0, dtype=np.int64)
        rows = seen[last]
        has_before = np.r_[False, who[1:] == who[:-1]][last]
        before = np.where(has_before, score[seen[np.maximum(last - 1, 0)]], -1)
        found = {}
        for p, name, previous, latest in zip(
            pair[rows].tolist(),
            member[rows].tolist(),
            before.astype(int).tolist(),
            score[rows].astype(int).tolist(),
            strict=True,
        ):
            key = (name, previous, latest)
            checkin = made.get(key)
            if checkin is None:
                scores = (previous, latest) if previous >= 0 else (latest,)
                checkin = made[key] = MemberCheckins(str(name), scores)
            found.setdefault(p, []).append(checkin)
        by_week.append({p: tuple(members) for p, members in found.items()})
    return out, by_week


def _open_help(frames, grid, pairs) -> list[dict[int, tuple[str, ...]]]:
    """Per week: {pair: members who asked for help after the program manager last acted}."""
    asks = frames.checkins[np.asarray(frames.checkins.wants_help, dtype=bool)]
    pair = pairs.index(asks.mentorship_id)
    asks, pair = asks[pair >= 0], pair[pair >= 0]
    acts = frames.interventions
    acted_pair = pairs.index(acts.mentorship_id)
    acts, acted_pair = acts[acted_pair >= 0], acted_pair[acted_pair >= 0]
    member, at, day = _ints(asks.member_id), _ints(asks.instant), _ints(asks.day)
    acted_at, acted_day = _ints(acts.instant), _ints(acts.day)
    order = np.lexsort((at, member, pair))
    pair, member, at, day = pair[order], member[order], at[order], day[order]
    by_week = []
    for t in grid.as_of:
        last_act = np.full(len(pairs), np.iinfo(np.int64).min, dtype=np.int64)
        done = acted_day <= t
        np.maximum.at(last_act, acted_pair[done], acted_at[done])
        seen = day <= t
        p, m, a = pair[seen], member[seen], at[seen]
        final = np.r_[(p[1:] != p[:-1]) | (m[1:] != m[:-1]), True] if len(p) else np.zeros(0, dtype=bool)
        waiting = final & (a > last_act[p])
        found = {}
        for q, name in zip(p[waiting].tolist(), m[waiting].tolist(), strict=True):
            found.setdefault(q, []).append(str(name))
        by_week.append({q: tuple(names) for q, names in found.items()})
    return by_week


# --- pair health --------------------------------------------------------------------------------


def _health(grid, pairs, last_held, upcoming, goals, overdue, checkins, help_asked, progress) -> dict:
    counts = {level: np.zeros((grid.programs, grid.size), dtype=np.int64) for level in HEALTH_LEVELS}
    dates = {}

    def as_date(number):
        found = dates.get(number)
        if found is None:
            found = dates[number] = day_date(number)
        return found

    starts = [as_date(n) for n in pairs.start.tolist()]
    cadence = pairs.cadence.tolist()
    programs = pairs.program.tolist()
    for w in range(grid.size):
        today = as_date(int(grid.as_of[w]))
        rows = np.flatnonzero(pairs.active[:, w])
        level_rows = {level: [] for level in HEALTH_LEVELS}
        held, booked = last_held[rows, w].tolist(), upcoming[rows, w].tolist()
        goal_counts, overdue_counts = goals[rows, w].tolist(), overdue[rows, w].tolist()
        scores, helped = checkins[w], help_asked[w]
        for p, last, soon, set_goals, late in zip(
            rows.tolist(), held, booked, goal_counts, overdue_counts, strict=True
        ):
            facts = PairFacts(
                started_on=starts[p],
                cadence_weeks=cadence[p],
                last_held_on=None if last == NEVER else as_date(last),
                scheduled_upcoming=soon,
                checkins=scores.get(p, ()),
                open_help=helped.get(p, ()),
                overdue_goals=late,
                goals=set_goals,
            )
            level_rows[assess(facts, today).status].append(programs[p])
        for level, found in level_rows.items():
            counts[level][:, w] = np.bincount(np.asarray(found, dtype=np.int64), minlength=grid.programs)
        if progress:
            progress((w + 1) / grid.size)
    return counts


# --- training -----------------------------------------------------------------------------------


def _training(frames, grid):
    enrollments = frames.enrollments
    program = grid.program_index(enrollments.program_id)
    enrollments, program = enrollments[program >= 0], program[program >= 0]
    approved = _is(enrollments.status, APPROVED)
    created, decided = _ints(enrollments.created_day), _ints(enrollments.decided_day)
    approved_on = np.where(approved, np.where(decided == NEVER, created, np.maximum(decided, created)), NEVER)
    role = np.asarray(enrollments.role, dtype=object)

    modules = frames.training_modules
    module_program = grid.program_index(modules.program_id)
    module_role = np.asarray(modules.role, dtype=object)
    for_all = np.bincount(module_program[(module_program >= 0) & (module_role == "")], minlength=grid.programs)
    required = for_all[program].copy()
    for value in (MENTOR, MENTEE, PEER):
        mine = np.bincount(module_program[(module_program >= 0) & (module_role == value)], minlength=grid.programs)
        required += np.where(role == value, mine[program], 0)

    done = frames.training_completions
    who = pd.Index(_ints(enrollments.enrollment_id)).get_indexer(_ints(done.enrollment_id))
    which = pd.Index(_ints(modules.module_id)).get_indexer(_ints(done.module_id))
    fits = (who >= 0) & (which >= 0)
    fits[fits] = (module_program[which[fits]] == program[who[fits]]) & (
        (module_role[which[fits]] == "") | (module_role[which[fits]] == role[who[fits]])
    )
    passed = grid.cumulative(who[fits], _ints(done.day)[fits], groups=len(enrollments))
    counted = (required > 0)[:, None] & (approved_on[:, None] <= grid.as_of[None, :])
    trained = counted & (passed >= required[:, None])
    return {
        "trainees": _per_group(program, counted, grid.programs),
        "trained": _per_group(program, trained, grid.programs),
    }


# --- surveys ------------------------------------------------------------------------------------


def _surveys(frames, grid, k):
    """Per week, for each program and then the organization: (responses, satisfaction, nps)."""
    waves = frames.survey_waves
    wave_program = grid.program_index(waves.program_id)
    answers = frames.survey_answers
    wave = pd.Index(_ints(waves.wave_id)).get_indexer(_ints(answers.wave_id))
    keep = wave >= 0
    wave, question = wave[keep], np.asarray(answers.question, dtype=object)[keep]
    value, response = np.asarray(answers.value, dtype=float)[keep], _ints(answers.response_id)[keep]
    # Each wave's answers to each question, kept only when at least k people answered it there.
    values = {}
    counted = np.zeros(len(wave), dtype=bool)
    for name in (SATISFACTION, NPS):
        mine = question == name
        answered = np.bincount(wave[mine], minlength=len(waves))
        counted |= mine & (answered[wave] >= k)
        order = np.argsort(wave[mine], kind="stable")
        cuts = np.cumsum(answered)[:-1]
        values[name] = np.split(value[mine][order], cuts) if len(waves) else []
        values[name] = [part if len(part) >= k else part[:0] for part in values[name]]
    # The responses behind a wave's figures (a response belongs to one wave).
    pairs = np.unique(np.stack([wave[counted], response[counted]]), axis=1) if counted.any() else np.zeros((2, 0), int)
    responded = np.bincount(pairs[0], minlength=len(waves))
    closed = _ints(waves.closed_day)

    shape = (grid.programs + 1, grid.size)
    responses = np.zeros(shape, dtype=np.int64)
    figures = {SATISFACTION: np.full(shape, np.nan), NPS: np.full(shape, np.nan)}
    measure = {SATISFACTION: lambda x: mean_ci(x).value, NPS: lambda x: nps(x).value}
    known = {}  # (question, waves) -> figure: the same waves stay in the window for weeks
    for w, t in enumerate(grid.as_of):
        recent = (closed > t - SURVEY_DAYS) & (closed <= t) & (wave_program >= 0)
        cells = [recent & (wave_program == row) for row in range(grid.programs)] + [recent]
        for row, chosen in enumerate(cells):
            chosen = np.flatnonzero(chosen)
            responses[row, w] = responded[chosen].sum()
            for name, compute in measure.items():
                key = (name, tuple(chosen.tolist()))
                if key not in known:
                    pooled = np.concatenate([values[name][i] for i in chosen]) if len(chosen) else np.zeros(0)
                    known[key] = compute(pooled) if len(pooled) >= k else np.nan
                figures[name][row, w] = known[key]
    return responses, figures[SATISFACTION], figures[NPS]


# --- all together -------------------------------------------------------------------------------


def _with_total(matrix) -> np.ndarray:
    """Append the organization's row: the sum over programs."""
    return np.vstack([matrix, matrix.sum(axis=0, keepdims=True)])


def _ratio(numerator, denominator, scale=1.0) -> np.ndarray:
    numerator, denominator = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1) * scale, np.nan)


def compute_kpis(
    frames: Frames,
    weeks: list[date],
    *,
    k: int,
    today: date,
    progress: Callable[[float, str], None] | None = None,
) -> pd.DataFrame:
    """One row per (program, week) and per week for the organization (program_id None), with
    the KpiSnapshot field names as columns (floats NaN when not measured; see `records`).
    `progress(fraction, words)` is called as the work advances."""

    def step(fraction, words):
        if progress:
            progress(fraction, words)

    weeks = sorted(set(weeks))
    grid = _Grid(weeks, today, frames.programs.program_id)
    if not weeks:
        return pd.DataFrame(columns=list(OUTPUT_COLUMNS))
    step(0.0, "Counting participants")
    pairs = _pairs(frames, grid)
    parts = _participation(frames, grid, pairs)
    step(0.1, "Counting meetings")
    meetings, last_held, upcoming = _meetings(frames, grid, pairs)
    goals, live_goals, overdue = _goals(frames, grid, pairs)
    step(0.2, "Weighing check-ins and calls for help")
    checkins, scores = _checkins(frames, grid, pairs)
    help_asked = _open_help(frames, grid, pairs)
    step(0.3, "Judging pair health week by week")
    health = _health(
        grid,
        pairs,
        last_held,
        upcoming,
        live_goals,
        overdue,
        scores,
        help_asked,
        lambda done: step(0.3 + 0.55 * done, "Judging pair health week by week"),
    )
    step(0.85, "Summarizing surveys and training")
    training = _training(frames, grid)
    responses, satisfaction, promoters = _surveys(frames, grid, k)

    counts = {name: _with_total(parts[name]) for name in parts}
    counts.update({name: _with_total(matrix) for name, matrix in {**meetings, **goals, **checkins}.items()})
    counts.update({f"health_{level}": _with_total(matrix) for level, matrix in health.items()})
    counts.update({name: _with_total(matrix) for name, matrix in training.items()})
    active_pairs = counts["active_pairs"]
    columns = {name: counts[name] for name in COUNT_FIELDS if name in counts}
    columns["survey_responses"] = responses
    columns["match_rate"] = _ratio(counts["matched_seekers"], counts["seekers"])
    columns["mentoring_hours"] = counts["mentoring_minutes"] / 60.0
    columns["meetings_per_pair_month"] = _ratio(counts["recent_meetings"], active_pairs, MONTH_DAYS / RECENT_DAYS)
    columns["cadence_share"] = _ratio(counts["at_cadence"], active_pairs)
    columns["checkin_average"] = _ratio(counts["checkin_scores"], counts["checkin_count"])
    columns["satisfaction"] = satisfaction
    columns["nps"] = promoters
    columns["training_completion"] = _ratio(counts["trained"], counts["trainees"])

    # Rows: the organization first, then the programs by id; weeks in order within each.
    order = [grid.programs, *range(grid.programs)]
    program_ids = [None, *grid.program_ids.tolist()]
    data = {
        "program_id": pd.Series(np.repeat(program_ids, grid.size), dtype=object),
        "week_start": list(weeks) * len(order),
    }
    for name in OUTPUT_COLUMNS[2:]:
        matrix = columns[name][order].reshape(-1)
        if name in RATE_FIELDS:
            data[name] = np.round(matrix.astype(float), DECIMALS)
        else:
            data[name] = matrix.astype(np.int64)
    step(1.0, "Done")
    return pd.DataFrame(data, columns=list(OUTPUT_COLUMNS))


def records(table: pd.DataFrame) -> list[dict]:
    """The rows as plain dicts: Python numbers, None where a figure is not measured."""
    rows = []
    for row in table.to_dict("records"):
        clean = {}
        for name, value in row.items():
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and np.isnan(value):
                value = None
            clean[name] = value
        rows.append(clean)
    return rows
