"""One organization's tables as the DataFrames the rollup core reads (reports/rollup.py).

A fixed number of queries whatever the organization's size (fourteen), each read with
`values_list` through a chunked iterator (a server-side cursor on PostgreSQL) and turned into
compact numpy columns chunk by chunk, so half a million meetings never sit in memory as Python
tuples. The database does the time-zone work: every instant arrives as the number of the day it
fell on in the organization's zone, which is how the core counts weeks.

Given the first week to compute (`since`), the three large tables are read only as far back as
that week's figures can reach, so the memory a rollup needs follows the weeks computed, not the
years of history: meetings from four weeks before it (the "last four weeks" figures) plus each
pair's last held meeting before that (its health and cadence need no more), check-ins of the two
check-in periods before it or submitted in the four weeks before it, plus every call for help
(open until the program manager answers, however old), and the survey answers of waves that
closed in the 13 weeks before it. The small cumulative tables (enrollments, goals, …) are read
whole.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
from django.db.models import Case, F, Func, IntegerField, Max, Q, When
from django.db.models.functions import Coalesce, TruncDate

from mentorships.models import CheckIn, Goal, Intervention, Meeting, MeetingStatus, Mentorship, MentorshipMember
from mentorships.timezones import zone
from programs.models import Enrollment, Program, ProgramInvitation, TrainingCompletion, TrainingModule
from surveys.models import Answer, Question, SurveyWave

from . import rollup
from .rollup import NEVER, RECENT_DAYS, SURVEY_DAYS, Frames

CHUNK = 20_000


class _DayNumber(Func):
    """A date as days since 1970-01-01, computed by the database: half a million small integers
    are read several times faster than as many dates."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - DATE '1970-01-01')", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(julianday({sql}) - 2440587.5 AS INTEGER)", params


# --- column converters: a list of Python values -> a numpy column ---------------------------


def _id(values) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _small(values) -> np.ndarray:
    """Scores, minutes, weeks: small whole numbers (None -> 0)."""
    return np.nan_to_num(np.array(values, dtype=np.float64), nan=0).astype(np.int32)


def _day(values) -> np.ndarray:
    """Day numbers (read as `_DayNumber`), NEVER for none."""
    numbers = np.array(values, dtype=np.float64)
    return np.where(np.isnan(numbers), NEVER, numbers).astype(np.int32)


def _micros(values) -> np.ndarray:
    """Instants as microseconds since the epoch, for ordering one against another (0 for none)."""
    return np.array([int(v.timestamp() * 1_000_000) if isinstance(v, datetime) else 0 for v in values], dtype=np.int64)


def _flag(values) -> np.ndarray:
    return np.array(values, dtype=bool)


def _number(values) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def _label(values) -> np.ndarray:
    return np.array(values, dtype=object)


def _frame(queryset, columns) -> pd.DataFrame:
    """Read `queryset` chunk by chunk; `columns` is [(value to read, column, converter)]."""
    parts = [[] for _ in columns]
    chunk = []

    def flush():
        if chunk:
            for part, (_, _, convert), values in zip(parts, columns, zip(*chunk, strict=True), strict=True):
                part.append(convert(values))
            chunk.clear()

    for row in queryset.values_list(*(source for source, _, _ in columns)).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            flush()
    flush()
    data = {}
    for part, (_, name, convert) in zip(parts, columns, strict=True):
        values = np.concatenate(part) if part else convert(())
        # Statuses, roles and question keys: a handful of values over many rows.
        data[name] = pd.Categorical(values) if convert is _label else values
    return pd.DataFrame(data)


# --- the tables ---------------------------------------------------------------------------------


def _local_midnight(day: date, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _specs(organization, since: date | None, checkin_weeks: int) -> dict[str, tuple]:
    """{frame name: (queryset, [(value to read, column, converter)])}, the large tables cut to
    what the weeks from `since` on can use (everything without `since`)."""
    tz = zone(organization.time_zone)
    org = organization

    def day_of(name):
        """The day an instant fell on in the organization's zone, as a day number."""
        return _DayNumber(TruncDate(name, tzinfo=tz))

    def day(name):
        return _DayNumber(F(name))

    meetings = Meeting.objects.for_org(org).exclude(status=MeetingStatus.CANCELLED)  # they count for nothing
    earlier = Meeting.objects.none()
    checkins = CheckIn.objects.for_org(org)
    answers = Answer.objects.for_org(org).filter(
        Q(question__key=rollup.SATISFACTION, question__min_value=1, question__max_value=5)
        | Q(question__key=rollup.NPS, question__min_value=0, question__max_value=10),
        question__type=Question.Type.SCALE,
        number_value__isnull=False,
        response__survey_envelope__isnull=False,
    )
    if since is not None:
        recent = _local_midnight(since - timedelta(days=RECENT_DAYS), tz)
        earlier = Meeting.objects.for_org(org).filter(status=MeetingStatus.HELD, starts_at__lt=recent)
        meetings = meetings.filter(starts_at__gte=recent)
        checkins = checkins.filter(
            Q(period_start__gte=since - timedelta(weeks=2 * checkin_weeks))
            | Q(submitted_at__gte=recent)
            | Q(wants_help=True)
        )
        answers = answers.filter(response__survey_envelope__wave__closes_on__gte=since - timedelta(days=SURVEY_DAYS))
    return {
        "invitations": (
            ProgramInvitation.objects.for_org(org).annotate(day=day_of("created_at")),
            [("program_id", "program_id", _id), ("day", "day", _day)],
        ),
        "enrollments": (
            Enrollment.objects.for_org(org).annotate(
                created_day=day_of("created_at"), decided_day=day_of("decided_at")
            ),
            [
                ("pk", "enrollment_id", _id),
                ("program_id", "program_id", _id),
                ("role", "role", _label),
                ("status", "status", _label),
                ("created_day", "created_day", _day),
                ("decided_day", "decided_day", _day),
            ],
        ),
        "mentorships": (
            Mentorship.objects.for_org(org).annotate(start_day=day("started_on"), end_day=day("ended_on")),
            [
                ("pk", "mentorship_id", _id),
                ("program_id", "program_id", _id),
                ("status", "status", _label),
                ("start_day", "started_on", _day),
                ("end_day", "ended_on", _day),
            ],
        ),
        "members": (
            MentorshipMember.objects.for_org(org),
            [
                ("pk", "member_id", _id),
                ("mentorship_id", "mentorship_id", _id),
                ("enrollment_id", "enrollment_id", _id),
            ],
        ),
        "meetings": (
            meetings.annotate(
                day=day_of("starts_at"),
                booked_day=day_of("created_at"),
                minutes=Coalesce("actual_minutes", "duration_minutes"),
            ),
            [
                ("mentorship_id", "mentorship_id", _id),
                ("status", "status", _label),
                ("day", "day", _day),
                ("booked_day", "booked_day", _day),
                ("minutes", "minutes", _small),
            ],
        ),
        # Each pair's last held meeting before the meetings read above, as one more held meeting
        # (before every week computed, so it counts in none of their totals).
        "earlier_meetings": (
            earlier.values("mentorship_id").annotate(day=_DayNumber(TruncDate(Max("starts_at"), tzinfo=tz))),
            [("mentorship_id", "mentorship_id", _id), ("day", "day", _day)],
        ),
        "goals": (
            Goal.objects.for_org(org).annotate(
                created_day=day_of("created_at"), target_day=day("target_date"), achieved_day=day("achieved_on")
            ),
            [
                ("mentorship_id", "mentorship_id", _id),
                ("status", "status", _label),
                ("created_day", "created_day", _day),
                ("target_day", "target_day", _day),
                ("achieved_day", "achieved_day", _day),
            ],
        ),
        "checkins": (
            checkins.annotate(
                day=day_of("submitted_at"),
                period_day=day("period_start"),
                # The instant only matters against the program manager's actions, for calls for help.
                asked_at=Case(When(wants_help=True, then="submitted_at")),
            ),
            [
                ("pk", "checkin_id", _id),
                ("mentorship_id", "mentorship_id", _id),
                ("member_id", "member_id", _id),
                ("period_day", "period_start", _day),
                ("score", "score", _small),
                ("wants_help", "wants_help", _flag),
                ("day", "day", _day),
                ("asked_at", "instant", _micros),
            ],
        ),
        "interventions": (
            Intervention.objects.for_org(org).annotate(day=day_of("created_at")),
            [("mentorship_id", "mentorship_id", _id), ("day", "day", _day), ("created_at", "instant", _micros)],
        ),
        "training_modules": (
            TrainingModule.objects.for_org(org),
            [("pk", "module_id", _id), ("program_id", "program_id", _id), ("role", "role", _label)],
        ),
        "training_completions": (
            TrainingCompletion.objects.for_org(org)
            .filter(passed=True, completed_at__isnull=False)
            .annotate(day=day_of("completed_at")),
            [("module_id", "module_id", _id), ("enrollment_id", "enrollment_id", _id), ("day", "day", _day)],
        ),
        "survey_waves": (
            SurveyWave.objects.for_org(org).annotate(closes_day=day("closes_on"), closed_day=day_of("closed_at")),
            [
                ("pk", "wave_id", _id),
                ("survey__program_id", "program_id", _id),
                ("closes_day", "closes_on", _day),
                ("closed_day", "closed_day", _day),
            ],
        ),
        "survey_answers": (
            answers,
            [
                ("response__survey_envelope__wave_id", "wave_id", _id),
                ("response_id", "response_id", _id),
                ("question__key", "question", _label),
                ("number_value", "value", _number),
            ],
        ),
    }


LABELS = {
    "invitations": "the invitations",
    "enrollments": "the enrollments",
    "mentorships": "the mentorships",
    "members": "who is in each mentorship",
    "meetings": "the meetings",
    "earlier_meetings": "each pair's last meeting before that",
    "goals": "the goals",
    "checkins": "the check-ins",
    "interventions": "the program managers' interventions",
    "training_modules": "the training modules",
    "training_completions": "who has been trained",
    "survey_waves": "the survey waves",
    "survey_answers": "the survey answers",
}
PROGRAMS = [
    ("pk", "program_id", _id),
    ("cadence_weeks", "cadence_weeks", _small),
    ("checkin_weeks", "checkin_weeks", _small),
]


def load_frames(
    organization, *, since: date | None = None, progress: Callable[[float, str], None] | None = None
) -> Frames:
    """The tables the rollup reads, for `organization` and the weeks from `since` on (every row
    without it): fourteen queries. Rows come in no particular order (sorting half a million
    meetings would cost the database for nothing): the core's results do not depend on it."""
    frames = {"programs": _frame(Program.objects.for_org(organization).order_by(), PROGRAMS)}
    longest = int(frames["programs"]["checkin_weeks"].max()) if len(frames["programs"]) else 1
    specs = _specs(organization, since, longest)
    for number, (name, (queryset, columns)) in enumerate(specs.items()):
        if progress:
            progress(number / len(specs), f"Reading {LABELS[name]}")
        frames[name] = _frame(queryset.order_by(), columns)
    earlier = frames.pop("earlier_meetings")
    if len(earlier):
        earlier = earlier.assign(
            status=rollup.HELD, booked_day=earlier["day"], minutes=np.zeros(len(earlier), dtype=np.int32)
        )
        meetings = pd.concat([frames["meetings"].astype({"status": object}), earlier], ignore_index=True)
        frames["meetings"] = meetings.astype({"status": "category"})
    # A wave ended early closed the day it was ended; otherwise on its closing day.
    waves = frames["survey_waves"]
    waves["closed_day"] = np.minimum(waves["closes_on"].to_numpy(), waves["closed_day"].to_numpy())
    frames["survey_waves"] = waves.drop(columns="closes_on")
    return Frames(**frames)
