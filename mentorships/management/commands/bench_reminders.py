"""python manage.py bench_reminders --pairs 20000 [--seed 0] [--keep]: the reminder scan at scale.

Builds, in a throwaway organization, ten active programs holding `--pairs` live mentor–mentee
pairs with months of history, written in bulk: each member has an account and a time zone
(mostly London and Berlin, some New York and Bangalore); pairs started 1–240 days ago and meet
regularly, now and then, or fizzled after the first meeting; a third have a meeting scheduled
in the next three weeks and some an unlogged one from the last days; goals (none for fizzled
pairs) in every state with milestones; check-ins answered more often by regular pairs; a few
pairs at risk, two managers per program and a handful of new applications.

The clock is set to Monday 08:00 UTC, the busiest hour: most members are in their morning
window and the managers get their digest. Yesterday's run is replayed into the send log first
(so the figures are a normal day's, not the first day's). Then it times, with mail going to the
in-memory backend:
- the scan (`due_reminders`): seconds and queries, which must not depend on the pair count;
- the sending of what is new today through notify(): seconds, queries and emails;
- the next hour's run, when everything due has been sent: seconds and queries.
It prints one JSON object on stdout (progress on stderr). The organization and its accounts are
deleted at the end unless --keep.
"""

import json
import random
import secrets
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from mentorships.models import (
    CheckIn,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipMember,
    Milestone,
    PairHealth,
)
from mentorships.reminders import due_reminders, send_reminders
from organizations.management.commands.bench_import import FIRST, LAST
from organizations.models import Membership, NotificationChannel, Organization, Person, Role, SentNotification
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramManager, ProgramStatus

BATCH = 2000
PROGRAMS = 10
ZONES = ["Europe/London"] * 5 + ["Europe/Berlin"] * 3 + ["America/New_York", "Asia/Kolkata"]
# How a pair keeps its rhythm: (share of pairs, chance of meeting in each cadence, chance of
# answering each check-in).
HABITS = {"regular": (0.6, 0.9, 0.8), "sporadic": (0.25, 0.4, 0.5), "fizzled": (0.15, 0.0, 0.2)}


class CountingQueries:
    """Counts the queries run inside it; unlike CaptureQueriesContext it keeps no log, so it
    does not stop counting at 9,000."""

    def __enter__(self):
        self.count = 0
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    def _count(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def monday_eight():
    today = timezone.now().date()
    monday = today - timedelta(days=today.weekday())
    return datetime(monday.year, monday.month, monday.day, 8, 0, tzinfo=UTC)


class Command(BaseCommand):
    help = "Time the hourly reminder scan for one organization with many active pairs."

    def add_arguments(self, parser):
        parser.add_argument("--pairs", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--keep", action="store_true", help="keep the organization to look at it afterwards")

    def handle(self, *args, pairs, seed, keep, **options):
        if pairs < PROGRAMS:
            raise CommandError(f"Give at least {PROGRAMS} pairs.")
        email = "django.core.mail.backends.locmem.EmailBackend"
        # DEBUG would keep every query in memory; the timed mail goes nowhere.
        with override_settings(DEBUG=False, EMAIL_BACKEND=email):
            report = self._bench(pairs, random.Random(seed), keep)
        self.stdout.write(json.dumps(report))

    def _note(self, message):
        self.stderr.write(message)

    def _bench(self, pairs, rng, keep):
        slug = f"bench-reminders-{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        organization = Organization.objects.create(
            name="Reminders benchmark (throwaway)", slug=slug, time_zone="Europe/London"
        )
        now = monday_eight()
        report = {"database": connection.vendor, "pairs": pairs, "organization": slug, "now": now.isoformat()}
        self._note(f"Database: {connection.vendor}; building {pairs} pairs")
        try:
            started = time.perf_counter()
            report.update(self._build(organization, pairs, now, rng))
            report["setup_seconds"] = round(time.perf_counter() - started, 1)
            self._note(f"Built in {report['setup_seconds']} s; replaying yesterday's run into the send log")
            report["logged_yesterday"] = self._replay(organization, now - timedelta(days=1))
            self._note("Timing the scan and the sending")
            report.update(self._time_run(organization, now))
            self._note("Timing the next hour's run")
            report.update(self._time_run(organization, now + timedelta(hours=1), prefix="next_hour_"))
        finally:
            report["kept"] = keep
            if not keep:
                started = time.perf_counter()
                organization.delete()
                get_user_model().objects.filter(username__startswith=slug).delete()
                self._note(f"(throwaway organization deleted in {time.perf_counter() - started:.1f} s)")
        return report

    # --- measuring ----------------------------------------------------------------------------

    def _replay(self, organization, yesterday):
        rows = [
            SentNotification(
                organization=organization,
                key=reminder.key,
                kind=reminder.kind,
                user_id=reminder.user_id,
                channel=NotificationChannel.EMAIL,
            )
            for reminder in due_reminders(organization=organization, now=yesterday)
        ]
        SentNotification.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        return len(rows)

    def _time_run(self, organization, now, prefix=""):
        mail.outbox = []
        with CountingQueries() as scan_queries:
            started = time.perf_counter()
            reminders = due_reminders(organization=organization, now=now)
            scan_seconds = time.perf_counter() - started
        with CountingQueries() as send_queries:
            started = time.perf_counter()
            sent = send_reminders(organization=organization, reminders=reminders)
            send_seconds = time.perf_counter() - started
        return {
            f"{prefix}scan_seconds": round(scan_seconds, 2),
            f"{prefix}queries": scan_queries.count,
            f"{prefix}reminders_due": len(reminders),
            f"{prefix}due_by_kind": dict(Counter(reminder.kind for reminder in reminders)),
            f"{prefix}send_seconds": round(send_seconds, 2),
            f"{prefix}send_queries": send_queries.count,
            f"{prefix}reminders_sent": sent,
            f"{prefix}emails": len(mail.outbox),
        }

    # --- the organization ---------------------------------------------------------------------

    @transaction.atomic
    def _build(self, organization, pairs, now, rng):
        people = self._people(organization, 2 * pairs + 2 * PROGRAMS, rng)
        managers, people = people[: 2 * PROGRAMS], people[2 * PROGRAMS :]
        programs = Program.objects.bulk_create(
            Program(
                organization=organization,
                name=f"Mentoring cohort {n + 1}",
                status=ProgramStatus.ACTIVE,
                cadence_weeks=rng.choice([2, 2, 3, 4]),
                checkin_weeks=4,
            )
            for n in range(PROGRAMS)
        )
        ProgramManager.objects.bulk_create(
            ProgramManager(organization=organization, program=programs[n // 2], user_id=person.user_id)
            for n, person in enumerate(managers)
        )
        today = now.date()
        habits = rng.choices(list(HABITS), weights=[share for share, _, _ in HABITS.values()], k=pairs)
        program_of = [programs[n % PROGRAMS] for n in range(pairs)]
        enrollments = Enrollment.objects.bulk_create(
            (
                Enrollment(
                    organization=organization,
                    program=program_of[n // 2],
                    person=person,
                    role="mentor" if n % 2 == 0 else "mentee",
                    status=EnrollmentStatus.APPROVED,
                )
                for n, person in enumerate(people)
            ),
            batch_size=BATCH,
        )
        Enrollment.objects.for_org(organization).update(created_at=now - timedelta(days=300))
        self._new_applications(organization, programs, people, rng)
        mentorships = Mentorship.objects.bulk_create(
            (
                Mentorship(
                    organization=organization,
                    program=program_of[n],
                    started_on=today - timedelta(days=rng.randint(1, 240)),
                    health=PairHealth.AT_RISK if habits[n] == "fizzled" and rng.random() < 0.5 else PairHealth.ON_TRACK,
                )
                for n in range(pairs)
            ),
            batch_size=BATCH,
        )
        members = MentorshipMember.objects.bulk_create(
            (
                MentorshipMember(
                    organization=organization,
                    mentorship=mentorships[n // 2],
                    enrollment=enrollment,
                    person_id=enrollment.person_id,
                    role=enrollment.role,
                )
                for n, enrollment in enumerate(enrollments)
            ),
            batch_size=BATCH,
        )
        counts = {"members": len(members)}
        counts["meetings"] = self._meetings(organization, mentorships, habits, now, rng)
        counts["goals"], counts["milestones"] = self._goals(organization, mentorships, members, habits, today, rng)
        counts["checkins"] = self._checkins(organization, mentorships, members, habits, today, rng)
        return counts

    def _people(self, organization, count, rng):
        prefix = organization.slug
        users = get_user_model().objects.bulk_create(
            (
                get_user_model()(username=f"{prefix}-{n}", email=f"p{n}@{prefix}.example", password="!")
                for n in range(count)
            ),
            batch_size=BATCH,
        )
        Membership.objects.bulk_create(
            (Membership(organization=organization, user=user, role=Role.MEMBER) for user in users), batch_size=BATCH
        )
        return Person.objects.bulk_create(
            (
                Person(
                    organization=organization,
                    external_id=f"E{n:06d}",
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    email=user.email,
                    time_zone=rng.choice(ZONES),
                    user=user,
                )
                for n, user in enumerate(users)
            ),
            batch_size=BATCH,
        )

    def _new_applications(self, organization, programs, people, rng):
        """A few dozen people applied this week to another program than their own."""
        applicants = rng.sample(people, min(len(people), 60))
        Enrollment.objects.bulk_create(
            (
                Enrollment(organization=organization, program=rng.choice(programs), person=person, role="mentee")
                for person in applicants
            ),
            ignore_conflicts=True,
        )

    def _meetings(self, organization, mentorships, habits, now, rng):
        rows = []
        for mentorship, habit in zip(mentorships, habits, strict=True):
            cadence = timedelta(weeks=mentorship.program.cadence_weeks)
            chance = HABITS[habit][1]
            day = datetime(*mentorship.started_on.timetuple()[:3], 13, 0, tzinfo=UTC) + timedelta(days=3)
            first = True
            while day < now - timedelta(days=1):
                if first or rng.random() < chance:
                    rows.append(self._meeting(organization, mentorship, day, MeetingStatus.HELD, rng))
                first = False
                day += cadence
            if habit != "fizzled" and rng.random() < 0.35:
                ahead = now + timedelta(hours=rng.randint(2, 21 * 24))
                rows.append(self._meeting(organization, mentorship, ahead, MeetingStatus.SCHEDULED, rng))
            if habit != "fizzled" and rng.random() < 0.08:
                behind = now - timedelta(hours=rng.randint(3, 10 * 24))
                rows.append(self._meeting(organization, mentorship, behind, MeetingStatus.SCHEDULED, rng))
        Meeting.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def _meeting(self, organization, mentorship, starts_at, status, rng):
        held = status == MeetingStatus.HELD
        return Meeting(
            organization=organization,
            mentorship=mentorship,
            status=status,
            starts_at=starts_at,
            duration_minutes=rng.choice([30, 45, 60, 60, 90]),
            uid=f"{secrets.token_hex(12)}@bench",
            logged_at=starts_at + timedelta(days=1) if held else None,
            actual_minutes=rng.choice([25, 45, 60, 75]) if held else None,
        )

    def _goals(self, organization, mentorships, members, habits, today, rng):
        mentee_of = {member.mentorship_id: member for member in members if member.role == "mentee"}
        goals = []
        for mentorship, habit in zip(mentorships, habits, strict=True):
            if habit == "fizzled":
                continue
            for _ in range(rng.randint(0, 3)):
                target = mentorship.started_on + timedelta(days=rng.randint(30, 240))
                if target < today:
                    status = rng.choices(list(GoalStatus), weights=[1, 3, 5, 1])[0]
                else:
                    status = rng.choice([GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS, GoalStatus.IN_PROGRESS])
                goals.append(
                    Goal(
                        organization=organization,
                        mentorship=mentorship,
                        owner=mentee_of[mentorship.pk] if rng.random() < 0.85 else None,
                        statement=rng.choice(
                            ["Lead a project retrospective", "Present at the all-hands", "Learn SQL window functions"]
                        ),
                        measure="Done and reviewed with my mentor",
                        target_date=target,
                        status=status,
                    )
                )
        goals = Goal.objects.bulk_create(goals, batch_size=BATCH)
        milestones = []
        for goal in goals:
            for n in range(rng.randint(0, 3)):
                due = goal.target_date - timedelta(days=rng.randint(1, 60))
                done = due < today and rng.random() < 0.7
                milestones.append(
                    Milestone(
                        organization=organization,
                        goal=goal,
                        title=f"Step {n + 1}",
                        due_date=due,
                        done_on=due if done else None,
                        order=n,
                    )
                )
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        return len(goals), len(milestones)

    def _checkins(self, organization, mentorships, members, habits, today, rng):
        by_pair = {mentorship.pk: (mentorship, habit) for mentorship, habit in zip(mentorships, habits, strict=True)}
        rows = []
        for member in members:
            mentorship, habit = by_pair[member.mentorship_id]
            length = timedelta(weeks=mentorship.program.checkin_weeks)
            period = mentorship.started_on + length
            while period <= today:
                if rng.random() < HABITS[habit][2]:
                    rows.append(
                        CheckIn(
                            organization=organization,
                            mentorship=mentorship,
                            member=member,
                            period_start=period,
                            score=rng.choice([2, 3, 4, 4, 5, 5]) if habit != "fizzled" else rng.choice([1, 2, 3]),
                        )
                    )
                period += length
        CheckIn.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)
