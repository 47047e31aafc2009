"""A large organization for the rollup benchmark (`manage.py bench_rollup`), written fast.

Three years of history in an organization of `people` directory entries: four programs (three
one-on-one, one peer coaching) with `participants` approved participants who joined over time
(more lately), a few thousand other applications and program invitations; each mentee or peer
goes through successive mentorships of five to ten months (most completed, some ended early,
the current one active or now and then paused) with a mentor or peer of the same program;
`meetings` meetings spread over those mentorships by the pair's habit (regular, sporadic,
fizzled) and their program's cadence, most held, some cancelled or not held, the coming ones
scheduled; goals in every state; check-ins every four weeks answered more often by regular
pairs, a few asking for help and most of those answered by an intervention; training modules
most people passed; a pulse survey per program every eight weeks holding `answers` answers
(satisfaction and NPS, two per response).

Rows are generated with numpy and written with PostgreSQL's COPY (batches of executemany
elsewhere), with ids reserved from the tables' sequences up front so children can point at
their parents without reading anything back: the full-size organization takes about a minute
and a half on two cores. `delete_organization` removes it the same way, one DELETE per tenant
table.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from mentorships.models import CheckIn, Goal, Intervention, Meeting, Mentorship, MentorshipMember
from organizations.management.commands.bench_import import DEPARTMENTS, FIRST, LAST
from organizations.models import Organization, Person
from organizations.tenancy import TenantModel
from programs.models import (
    Enrollment,
    MentoringModel,
    Program,
    ProgramInvitation,
    ProgramStatus,
    TrainingCompletion,
    TrainingModule,
)
from surveys.models import Answer, Question, Questionnaire, Response, Survey, SurveyResponse, SurveyWave

SLUG = "bench-rollup"
TIME_ZONE = "Europe/Berlin"
HISTORY_DAYS = 3 * 365
BATCH = 50_000
# (name, model, cadence weeks, share of the participants, share of them who mentor)
PROGRAMS = [
    ("Leadership mentoring", MentoringModel.ONE_ON_ONE, 2, 0.3, 0.35),
    ("New joiners", MentoringModel.ONE_ON_ONE, 1, 0.3, 0.4),
    ("Women in tech", MentoringModel.ONE_ON_ONE, 2, 0.2, 0.35),
    ("Peer coaching", MentoringModel.PEER_COACHING, 2, 0.2, 0.0),
]
# habit: (share of pairs, meetings relative to the cadence, chance of answering a check-in)
HABITS = {"regular": (0.6, 1.0, 0.8), "sporadic": (0.28, 0.45, 0.5), "fizzled": (0.12, 0.08, 0.2)}
PULSE_WEEKS = 8
SURVEY_OPEN_DAYS = 14


# --- writing rows in bulk -----------------------------------------------------------------------


def _text(values, kind) -> list:
    """A column as COPY text (None for NULL): ints (nullable ones negative for NULL), dates,
    instants (datetime64, UTC), flags, or strings already."""
    if kind == "int":
        return np.asarray(values).astype(np.int64).astype(str).tolist()
    if kind == "nullable_int":  # negative stands for NULL
        numbers = np.asarray(values, dtype=np.int64)
        out = numbers.astype(str).astype(object)
        out[numbers < 0] = None
        return out.tolist()
    if kind == "date":
        out = np.datetime_as_string(np.asarray(values, dtype="datetime64[D]")).astype(object)
    elif kind == "instant":
        out = np.datetime_as_string(np.asarray(values, dtype="datetime64[s]")).astype(object)
        out = out + ("+00" if connection.vendor == "postgresql" else "")
        if connection.vendor != "postgresql":
            out = np.char.replace(out.astype(str), "T", " ").astype(object)
    elif kind == "flag":
        truth = ("t", "f") if connection.vendor == "postgresql" else ("1", "0")
        out = np.where(np.asarray(values, dtype=bool), *truth).astype(object)
    else:
        return list(values)
    out[np.char.startswith(out.astype(str), "NaT")] = None
    return out.tolist()


def _default_text(field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        value = field.get_default()
        if isinstance(field, models.JSONField):
            return json.dumps(value)
        if isinstance(field, models.BooleanField):
            return ("t" if value else "f") if connection.vendor == "postgresql" else ("1" if value else "0")
        return None if value is None else str(value)
    if field.null:
        return None
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value")


def reserve_ids(model, count) -> np.ndarray:
    """`count` fresh primary keys of `model`'s table, taken from its sequence (PostgreSQL) or
    after its largest id (elsewhere: a benchmark is the only writer)."""
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
    return np.arange(start, start + count, dtype=np.int64)


def insert(model, count, columns: dict, kinds: dict) -> int:
    """Write `count` rows of `model`: `columns` maps attnames to arrays (or one value for all
    rows), `kinds` their kind for `_text`; every other column takes its default."""
    if count == 0:
        return 0
    now = timezone.now().strftime("%Y-%m-%d %H:%M:%S") + ("+00" if connection.vendor == "postgresql" else "")
    names, data = [], []
    for field in model._meta.concrete_fields:
        names.append(field.column)
        if field.attname in columns:
            value = columns[field.attname]
            if np.ndim(value) == 0 and not isinstance(value, list):
                data.append(("one", _text([value], kinds.get(field.attname, "text"))[0]))
            else:
                data.append(("many", value))
        elif field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            names.pop()
        else:
            data.append(("one", _default_text(field, now)))
    table = model._meta.db_table
    attnames = [f.attname for f in model._meta.concrete_fields if f.column in names]
    for start in range(0, count, BATCH):
        stop = min(start + BATCH, count)
        cols = []
        for attname, (how, value) in zip(attnames, data, strict=True):
            if how == "one":
                cols.append([value] * (stop - start))
            else:
                cols.append(_text(value[start:stop], kinds.get(attname, "text")))
        rows = list(zip(*cols, strict=True))
        _write(table, names, rows)
    return count


def _write(table, names, rows):
    quoted = ", ".join(f'"{name}"' for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)


def delete_organization(organization) -> None:
    """Every tenant table's rows of `organization`, then the organization: one DELETE per
    table in one transaction (foreign keys are checked at commit), instead of Django's
    collector walking a million rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model in apps.get_models():
            if issubclass(model, TenantModel):
                cursor.execute(
                    f'DELETE FROM "{model._meta.db_table}" WHERE "organization_id" = %s',
                    [organization.pk],
                )
        Organization.objects.filter(pk=organization.pk).delete()


# --- the organization ---------------------------------------------------------------------------


def _days(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("datetime64[D]")


def _instants(days, seconds) -> np.ndarray:
    """UTC instants from day numbers and seconds into the (UTC) day."""
    return _days(days).astype("datetime64[s]") + np.asarray(seconds, dtype=np.int64).astype("timedelta64[s]")


@dataclass
class Built:
    organization: Organization
    counts: dict


class _Builder:
    def __init__(self, organization, *, people, participants, meetings, answers, seed, today):
        self.org = organization
        self.rng = np.random.default_rng(seed)
        self.today = (today - date(1970, 1, 1)).days
        self.first = self.today - HISTORY_DAYS
        self.sizes = {"people": people, "participants": participants, "meetings": meetings, "answers": answers}
        self.counts = {}

    def tenant(self):
        return {"organization_id": self.org.pk}

    # people ----------------------------------------------------------------------------------

    def people(self):
        n, rng = self.sizes["people"], self.rng
        ids = reserve_ids(Person, n)
        first = np.array(FIRST, dtype=object)[rng.integers(0, len(FIRST), n)]
        last = np.array(LAST, dtype=object)[rng.integers(0, len(LAST), n)]
        hired = self.today - rng.integers(30, 20 * 365, n)
        leaves = rng.random(n) < 0.12
        exit_day = np.where(leaves, np.minimum(hired + rng.integers(200, 3000, n), self.today + 30), 0)
        number = np.arange(n)
        insert(
            Person,
            n,
            {
                "id": ids,
                **self.tenant(),
                "external_id": [f"B{i:06d}" for i in number],
                "name": (first + " " + last).tolist(),
                "email": [f"p{i}@{SLUG}.example" for i in number],
                "department": np.array(DEPARTMENTS, dtype=object)[rng.integers(0, len(DEPARTMENTS), n)].tolist(),
                "level": rng.integers(1, 8, n),
                "hire_date": hired,
                "exit_date": np.where(leaves, exit_day, np.iinfo(np.int64).min).astype("datetime64[D]"),
                "exit_reason": np.where(leaves, np.where(rng.random(n) < 0.8, "voluntary", "involuntary"), "").tolist(),
                "time_zone": TIME_ZONE,
            },
            {"id": "int", "level": "int", "hire_date": "date", "exit_date": "date"},
        )
        self.person_ids = ids
        self.counts["people"] = n

    # programs and enrollments ------------------------------------------------------------------

    def programs(self):
        start = date(1970, 1, 1) + timedelta(days=int(self.first))
        self.program_rows = [
            Program.objects.create(
                organization=self.org,
                name=name,
                model=model,
                status=ProgramStatus.ACTIVE,
                start_date=start,
                cadence_weeks=cadence,
                checkin_weeks=4,
                mentor_default_capacity=3,
            )
            for name, model, cadence, _, _ in PROGRAMS
        ]
        self.counts["programs"] = len(self.program_rows)

    def enrollments(self):
        rng, n = self.rng, self.sizes["participants"]
        extra = n // 5
        shares = np.array([share for *_, share, _ in PROGRAMS])
        program = rng.choice(len(PROGRAMS), n + extra, p=shares / shares.sum())
        program.sort(kind="stable")
        mentor_share = np.array([share for *_, share in PROGRAMS])[program]
        peer = np.array([m == MentoringModel.PEER_COACHING for _, m, *_ in PROGRAMS])[program]
        role = np.where(peer, "peer", np.where(rng.random(n + extra) < mentor_share, "mentor", "mentee"))
        approved = np.zeros(n + extra, dtype=bool)
        approved[rng.choice(n + extra, n, replace=False)] = True
        status = np.where(
            approved, "approved", rng.choice(["applied", "waitlisted", "declined", "withdrawn"], n + extra)
        )
        # More people join lately: the square root bunches the days towards today.
        joined = self.first + (np.sqrt(rng.random(n + extra)) * (HISTORY_DAYS - 45)).astype(np.int64)
        decided = np.where(status == "applied", -1, joined + rng.integers(1, 10, n + extra))
        person = rng.choice(self.person_ids, n + extra, replace=False)
        ids = reserve_ids(Enrollment, n + extra)
        program_ids = np.array([p.pk for p in self.program_rows])[program]
        insert(
            Enrollment,
            n + extra,
            {
                "id": ids,
                **self.tenant(),
                "program_id": program_ids,
                "person_id": person,
                "role": role.tolist(),
                "status": status.tolist(),
                "decided_at": np.where(decided >= 0, _instants(decided, 10 * 3600), np.datetime64("NaT")),
                "intake_submitted_at": _instants(joined, 9 * 3600),
                "created_at": _instants(joined, 9 * 3600),
                "updated_at": _instants(joined, 9 * 3600),
            },
            {
                "id": "int",
                "program_id": "int",
                "person_id": "int",
                "decided_at": "instant",
                "intake_submitted_at": "instant",
                "created_at": "instant",
                "updated_at": "instant",
            },
        )
        self.enrollment = {
            "id": ids[approved],
            "program": program[approved],
            "role": role[approved],
            "person": person[approved],
            "approved_on": decided[approved],
        }
        self.counts["enrollments"] = n + extra

    def invitations(self):
        rng, rows = self.rng, []
        for index, program in enumerate(self.program_rows):
            count = int(self.sizes["participants"] * 1.5 * PROGRAMS[index][3])
            people = rng.choice(self.person_ids, count, replace=False)
            rows.append((np.full(count, program.pk), people))
        program_ids = np.concatenate([r[0] for r in rows])
        people = np.concatenate([r[1] for r in rows])
        count = len(people)
        days = self.first + (np.sqrt(rng.random(count)) * (HISTORY_DAYS - 60)).astype(np.int64)
        insert(
            ProgramInvitation,
            count,
            {
                **self.tenant(),
                "program_id": program_ids,
                "person_id": people,
                "email": [f"p{i}@{SLUG}.example" for i in range(count)],
                "created_at": _instants(days, 8 * 3600),
                "sent_at": _instants(days, 9 * 3600),
            },
            {"program_id": "int", "person_id": "int", "created_at": "instant", "sent_at": "instant"},
        )
        self.counts["invitations"] = count

    # mentorships ------------------------------------------------------------------------------

    def mentorships(self):
        rng, e = self.rng, self.enrollment
        seeker = np.flatnonzero(e["role"] != "mentor")
        start = e["approved_on"][seeker] + rng.integers(14, 60, len(seeker))
        pairs = []  # (seeker index, start, end, status)
        alive = start < self.today
        while alive.any():
            who = seeker[alive]
            begin = start[alive]
            length = rng.integers(150, 300, len(who))
            early = rng.random(len(who)) < 0.15
            end = begin + np.where(early, rng.integers(20, 150, len(who)), length)
            finished = end < self.today
            status = np.where(
                finished,
                np.where(early, "ended_early", "completed"),
                np.where(rng.random(len(who)) < 0.03, "paused", "active"),
            )
            pairs.append((who, begin, np.where(finished, end, -1), status))
            start[alive] = end + rng.integers(0, 60, len(who))
            alive = start < self.today
        who = np.concatenate([p[0] for p in pairs])
        begin = np.concatenate([p[1] for p in pairs])
        ended = np.concatenate([p[2] for p in pairs])
        status = np.concatenate([p[3] for p in pairs])
        count = len(who)
        program = e["program"][who]
        # Their partner: a mentor of the program, or another peer (none in a tiny organization
        # whose program drew no mentor or a single peer: no mentorship then).
        partner = np.full(count, -1, dtype=np.int64)
        for index, (_, model, *_) in enumerate(PROGRAMS):
            mine = program == index
            role = "peer" if model == MentoringModel.PEER_COACHING else "mentor"
            pool = np.flatnonzero((e["program"] == index) & (e["role"] == role))
            if len(pool) < (2 if role == "peer" else 1):
                continue
            chosen = pool[rng.integers(0, len(pool), mine.sum())]
            if role == "peer":
                same = chosen == who[mine]
                chosen[same] = pool[(np.searchsorted(pool, chosen[same]) + 1) % len(pool)]
            partner[mine] = chosen
        keep = partner >= 0
        who, begin, ended, status, program, partner = (a[keep] for a in (who, begin, ended, status, program, partner))
        count = len(who)
        ids = reserve_ids(Mentorship, count)
        program_ids = np.array([p.pk for p in self.program_rows])[program]
        insert(
            Mentorship,
            count,
            {
                "id": ids,
                **self.tenant(),
                "program_id": program_ids,
                "status": status.tolist(),
                "started_on": begin,
                "ended_on": np.where(ended >= 0, ended, np.iinfo(np.int64).min).astype("datetime64[D]"),
                "created_at": _instants(begin, 7 * 3600),
                "updated_at": _instants(begin, 7 * 3600),
            },
            {
                "id": "int",
                "program_id": "int",
                "started_on": "date",
                "ended_on": "date",
                "created_at": "instant",
                "updated_at": "instant",
            },
        )
        members = np.concatenate([who, partner])
        pair_of = np.concatenate([np.arange(count), np.arange(count)])
        member_ids = reserve_ids(MentorshipMember, len(members))
        insert(
            MentorshipMember,
            len(members),
            {
                "id": member_ids,
                **self.tenant(),
                "mentorship_id": ids[pair_of],
                "enrollment_id": e["id"][members],
                "person_id": e["person"][members],
                "role": e["role"][members].tolist(),
                "joined_at": _instants(begin[pair_of], 7 * 3600),
            },
            {"id": "int", "mentorship_id": "int", "enrollment_id": "int", "person_id": "int", "joined_at": "instant"},
        )
        habits = list(HABITS)
        habit = rng.choice(len(habits), count, p=[share for share, _, _ in HABITS.values()])
        cadence = np.array([c for _, _, c, _, _ in PROGRAMS])[program]
        self.pair = {
            "id": ids,
            "program": program,
            "start": begin,
            # the last day the pair meets: its end, or three weeks ahead while it runs
            "stop": np.where(ended >= 0, ended, self.today + 21),
            "live": ended < 0,
            "habit": habit,
            "cadence": cadence,
        }
        self.member = {"id": member_ids, "pair": pair_of}
        self.counts["mentorships"] = count
        self.counts["members"] = len(members)

    # meetings ---------------------------------------------------------------------------------

    def meetings(self):
        rng, p, total = self.rng, self.pair, self.sizes["meetings"]
        rhythm = np.array([rate for _, rate, _ in HABITS.values()])[p["habit"]]
        span = np.maximum(p["stop"] - p["start"], 1)
        expected = rhythm * span / (p["cadence"] * 7)
        share = expected * total / expected.sum()
        count = np.floor(share).astype(np.int64)
        rest = total - count.sum()
        count[np.argsort(-(share - count), kind="stable")[:rest]] += 1
        pair = np.repeat(np.arange(len(count)), count)
        day = p["start"][pair] + (rng.random(total) * span[pair]).astype(np.int64)
        past = day < self.today
        roll = rng.random(total)
        status = np.where(
            past, np.where(roll < 0.85, "held", np.where(roll < 0.9, "not_held", "cancelled")), "scheduled"
        )
        # Most are booked one to three weeks ahead; some only logged afterwards.
        booked = np.where(rng.random(total) < 0.8, day - rng.integers(1, 21, total), day + rng.integers(0, 3, total))
        booked = np.minimum(booked, self.today)
        hour = rng.integers(7, 16, total) * 3600  # UTC: 08:00-17:00 in Berlin
        held = status == "held"
        ids = reserve_ids(Meeting, total)
        insert(
            Meeting,
            total,
            {
                "id": ids,
                **self.tenant(),
                "mentorship_id": p["id"][pair],
                "status": status.tolist(),
                "starts_at": _instants(day, hour),
                "duration_minutes": rng.choice([30, 45, 60, 90], total),
                "uid": [f"{i}@bench-rollup" for i in ids.tolist()],
                "logged_at": np.where(held, _instants(day + 1, hour), np.datetime64("NaT")),
                "actual_minutes": np.where(held, rng.choice([25, 45, 60, 75, 90], total), -1),
                "created_at": _instants(booked, hour),
                "updated_at": _instants(np.maximum(booked, np.minimum(day + 1, self.today)), hour),
            },
            {
                "id": "int",
                "mentorship_id": "int",
                "starts_at": "instant",
                "duration_minutes": "int",
                "logged_at": "instant",
                "actual_minutes": "nullable_int",
                "created_at": "instant",
                "updated_at": "instant",
            },
        )
        self.counts["meetings"] = total

    # goals, check-ins, interventions -----------------------------------------------------------

    def goals(self):
        rng, p = self.rng, self.pair
        wanted = rng.poisson(2.2, len(p["id"])) * (p["habit"] != 2)
        pair = np.repeat(np.arange(len(wanted)), wanted)
        created = p["start"][pair] + rng.integers(3, 60, len(pair))
        keep = created <= self.today
        pair, created = pair[keep], created[keep]
        count = len(pair)
        target = created + rng.integers(30, 200, count)
        roll = rng.random(count)
        due = target < self.today
        status = np.where(
            due,
            np.where(
                roll < 0.5,
                "achieved",
                np.where(roll < 0.6, "dropped", np.where(roll < 0.85, "in_progress", "not_started")),
            ),
            np.where(roll < 0.2, "achieved", np.where(roll < 0.7, "in_progress", "not_started")),
        )
        achieved = np.minimum(created + ((target - created) * (0.4 + rng.random(count))).astype(np.int64), self.today)
        insert(
            Goal,
            count,
            {
                **self.tenant(),
                "mentorship_id": p["id"][pair],
                "statement": "Lead a project retrospective",
                "measure": "Done and reviewed with my mentor",
                "target_date": target,
                "status": status.tolist(),
                "achieved_on": np.where(status == "achieved", achieved, np.iinfo(np.int64).min).astype("datetime64[D]"),
                "created_at": _instants(created, 10 * 3600),
                "updated_at": _instants(created, 10 * 3600),
            },
            {
                "mentorship_id": "int",
                "target_date": "date",
                "achieved_on": "date",
                "created_at": "instant",
                "updated_at": "instant",
            },
        )
        self.counts["goals"] = count

    def checkins(self):
        rng, p, m = self.rng, self.pair, self.member
        pair = m["pair"]
        last = np.minimum(p["stop"][pair], self.today)
        periods = np.maximum((last - p["start"][pair]) // 28, 0)
        member = np.repeat(np.arange(len(pair)), periods)
        number = np.arange(len(member)) - np.repeat(np.cumsum(periods) - periods, periods)
        pair = pair[member]
        period = p["start"][pair] + number * 28
        answer = np.array([chance for _, _, chance in HABITS.values()])[p["habit"][pair]]
        submitted = period + rng.integers(14, 28, len(member))
        keep = (rng.random(len(member)) < answer) & (submitted <= self.today)
        member, pair, period, submitted = member[keep], pair[keep], period[keep], submitted[keep]
        count = len(member)
        habit = p["habit"][pair]
        score = np.where(
            habit == 0,
            rng.choice([3, 4, 4, 5, 5], count),
            np.where(habit == 1, rng.choice([2, 3, 3, 4, 4, 5], count), rng.choice([1, 2, 2, 3], count)),
        )
        help_wanted = rng.random(count) < np.where(habit == 2, 0.15, 0.03)
        second = rng.integers(8 * 3600, 18 * 3600, count)
        insert(
            CheckIn,
            count,
            {
                **self.tenant(),
                "mentorship_id": p["id"][pair],
                "member_id": m["id"][member],
                "period_start": period,
                "score": score,
                "wants_help": help_wanted,
                "submitted_at": _instants(submitted, second),
            },
            {
                "mentorship_id": "int",
                "member_id": "int",
                "period_start": "date",
                "score": "int",
                "wants_help": "flag",
                "submitted_at": "instant",
            },
        )
        self.counts["checkins"] = count
        # Most calls for help are answered within days.
        answered = help_wanted & (rng.random(count) < 0.6)
        acted = np.minimum(submitted[answered] + rng.integers(1, 6, answered.sum()), self.today)
        insert(
            Intervention,
            int(answered.sum()),
            {
                **self.tenant(),
                "mentorship_id": p["id"][pair[answered]],
                "kind": "note",
                "note": "Spoke with both; they are booking their next meeting.",
                "created_at": _instants(acted, second[answered] + 3600),
            },
            {"mentorship_id": "int", "created_at": "instant"},
        )
        self.counts["interventions"] = int(answered.sum())

    # training ---------------------------------------------------------------------------------

    def training(self):
        rng, e = self.rng, self.enrollment
        modules = {}
        for index, program in enumerate(self.program_rows):
            roles = [""] if PROGRAMS[index][1] == MentoringModel.PEER_COACHING else ["", "mentor"]
            modules[index] = [
                TrainingModule.objects.create(
                    organization=self.org,
                    program=program,
                    role=role,
                    title="Mentor training" if role else "Orientation",
                    content="Confidentiality, boundaries and how to run a first meeting.",
                    order=order,
                )
                for order, role in enumerate(roles)
            ]
        module_ids, enrollment_ids, days = [], [], []
        trained = rng.random(len(e["id"])) < 0.85
        for index, rows in modules.items():
            for module in rows:
                fits = trained & (e["program"] == index) & ((e["role"] == module.role) | (module.role == ""))
                done = e["approved_on"][fits] + rng.integers(1, 30, fits.sum())
                keep = done <= self.today
                module_ids.append(np.full(keep.sum(), module.pk))
                enrollment_ids.append(e["id"][fits][keep])
                days.append(done[keep])
        days = np.concatenate(days)
        count = len(days)
        insert(
            TrainingCompletion,
            count,
            {
                **self.tenant(),
                "module_id": np.concatenate(module_ids),
                "enrollment_id": np.concatenate(enrollment_ids),
                "passed": np.ones(count, dtype=bool),
                "score": 100,
                "acknowledged_at": _instants(days, 12 * 3600),
                "completed_at": _instants(days, 12 * 3600),
                "attempts": 1,
            },
            {
                "module_id": "int",
                "enrollment_id": "int",
                "passed": "flag",
                "acknowledged_at": "instant",
                "completed_at": "instant",
            },
        )
        self.counts["training_completions"] = count

    # surveys ----------------------------------------------------------------------------------

    def surveys(self):
        rng = self.rng
        waves, questions = [], []  # questions: (questionnaire, satisfaction, NPS) of each wave
        for program in self.program_rows:
            questionnaire = Questionnaire.objects.create(
                organization=self.org, title=f"{program.name} pulse", kind=Questionnaire.Kind.SURVEY
            )
            satisfaction = Question.objects.create(
                organization=self.org,
                questionnaire=questionnaire,
                key="satisfaction",
                text="Overall, how satisfied are you?",
                type=Question.Type.SCALE,
                min_value=1,
                max_value=5,
                required=True,
                order=0,
            )
            promoter = Question.objects.create(
                organization=self.org,
                questionnaire=questionnaire,
                key="nps",
                text="Would you recommend it?",
                type=Question.Type.SCALE,
                min_value=0,
                max_value=10,
                required=True,
                order=1,
            )
            survey = Survey.objects.create(
                organization=self.org,
                program=program,
                questionnaire=questionnaire,
                title=f"{program.name} pulse",
                schedule="pulse",
                pulse_weeks=PULSE_WEEKS,
                open_days=SURVEY_OPEN_DAYS,
                opens_on=program.start_date,
                status="live",
            )
            opens = self.first
            number = 1
            while opens <= self.today:
                closes = opens + SURVEY_OPEN_DAYS - 1
                waves.append(
                    SurveyWave(
                        organization=self.org,
                        survey=survey,
                        number=number,
                        opens_on=date(1970, 1, 1) + timedelta(days=int(opens)),
                        closes_on=date(1970, 1, 1) + timedelta(days=int(closes)),
                        opened_at=datetime(1970, 1, 1, 8, tzinfo=UTC) + timedelta(days=int(opens)),
                        closed_at=datetime(1970, 1, 1, 0, tzinfo=UTC) + timedelta(days=int(closes) + 1)
                        if closes < self.today
                        else None,
                    )
                )
                questions.append((questionnaire.pk, satisfaction.pk, promoter.pk))
                opens += PULSE_WEEKS * 7
                number += 1
        waves = SurveyWave.objects.bulk_create(waves)
        # Later waves reach more people (the programs grew): responses in proportion.
        opens = np.array([(w.opens_on - date(1970, 1, 1)).days for w in waves])
        weight = np.sqrt(np.maximum(opens - self.first, 1) + 60.0)
        responses = self.sizes["answers"] // 2
        wave = rng.choice(len(waves), responses, p=weight / weight.sum())
        day = np.minimum(opens[wave] + rng.integers(0, SURVEY_OPEN_DAYS, responses), self.today)
        questionnaire, satisfaction, promoter = (np.array(column)[wave] for column in zip(*questions, strict=True))
        ids = reserve_ids(Response, responses)
        at = _instants(day, 0)  # anonymous: the start of the day, like survey_answer_submit
        insert(
            Response,
            responses,
            {"id": ids, **self.tenant(), "questionnaire_id": questionnaire, "submitted_at": at, "updated_at": at},
            {"id": "int", "questionnaire_id": "int", "submitted_at": "instant", "updated_at": "instant"},
        )
        wave_ids = np.array([w.pk for w in waves])[wave]
        insert(
            SurveyResponse,
            responses,
            {
                "response_id": ids,
                **self.tenant(),
                "wave_id": wave_ids,
                "submitted_on": day,
                "role": rng.choice(["mentor", "mentee", "peer"], responses).tolist(),
                "department": np.array(DEPARTMENTS, dtype=object)[
                    rng.integers(0, len(DEPARTMENTS), responses)
                ].tolist(),
            },
            {"response_id": "int", "wave_id": "int", "submitted_on": "date"},
        )
        scores = rng.choice([1, 2, 3, 4, 5], responses, p=[0.04, 0.08, 0.2, 0.4, 0.28])
        ratings = rng.choice(11, responses, p=np.array([1, 1, 1, 2, 2, 4, 6, 10, 18, 25, 30]) / 100)
        insert(
            Answer,
            2 * responses,
            {
                **self.tenant(),
                "response_id": np.concatenate([ids, ids]),
                "question_id": np.concatenate([satisfaction, promoter]),
                "number_value": np.concatenate([scores, ratings]),
            },
            {"response_id": "int", "question_id": "int", "number_value": "int"},
        )
        self.counts["survey_waves"] = len(waves)
        self.counts["survey_responses"] = responses
        self.counts["survey_answers"] = 2 * responses


def build(*, people=50_000, participants=10_000, meetings=500_000, answers=100_000, seed=0, today=None, note=print):
    """Create the benchmark organization (slug SLUG) and fill it; returns Built(organization,
    counts). Refuses when it already exists."""
    if Organization.objects.filter(slug=SLUG).exists():
        raise ValueError(f"The benchmark organization {SLUG!r} already exists: reuse it or delete it first.")
    today = today or timezone.localdate()
    with transaction.atomic():
        organization = Organization.objects.create(
            name="Rollup benchmark (throwaway)", slug=SLUG, time_zone=TIME_ZONE, survey_min_responses=5
        )
        builder = _Builder(
            organization,
            people=people,
            participants=participants,
            meetings=meetings,
            answers=answers,
            seed=seed,
            today=today,
        )
        for step in (
            "people",
            "programs",
            "enrollments",
            "invitations",
            "mentorships",
            "meetings",
            "goals",
            "checkins",
            "training",
            "surveys",
        ):
            note(f"  {step}…")
            getattr(builder, step)()
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would have by the time a real organization got this big.
        with connection.cursor() as cursor:
            for model in (
                Person,
                Enrollment,
                Mentorship,
                MentorshipMember,
                Meeting,
                Goal,
                CheckIn,
                Answer,
                Response,
                SurveyResponse,
            ):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return Built(organization=organization, counts=builder.counts)
