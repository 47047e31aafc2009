"""The reminder scan: what each member and program manager of one organization should be told
this hour, found with a fixed number of queries however many pairs there are.

Reminders (kinds in notification_kinds.py):
- meeting coming up: a scheduled meeting starts within the next 24 hours;
- time to meet: an active pair has neither held a meeting within the program's cadence nor
  scheduled one within the next cadence, again every cadence while that lasts;
- log your last meeting: a scheduled meeting (of the last two weeks) has ended and nobody has
  logged it;
- goal due soon: an open goal's target date is within 7 days (to its owner, or every member
  of a shared goal);
- check-in due: the current check-in period (every `checkin_weeks` from the start, counted in
  the organization's days as check-ins are) is not the first, and the member has not answered;
- weekly digest: on Mondays, each manager of a running program gets the new applications, the
  pairs at risk and the milestones due in the next 14 days (when there is any of that).

Each goes out only while the recipient's own clock (Person.time_zone, else the organization's;
a manager without a Person in the organization counts in UTC) shows 08:00–10:59, so the
hourly beat has three chances a day. The send-log key names the news, its date or period and
the recipient, so whichever run comes first sends it and every later one skips it.
"""

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import dateformat, timezone

from organizations.models import Person
from organizations.notify import notify, sent_keys
from programs.models import Enrollment, ProgramManager, ProgramStatus

from . import notification_kinds as kinds
from .health import checkin_period_start
from .models import (
    LIVE_STATUSES,
    CheckIn,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    PairHealth,
)
from .timezones import zone

WINDOW_HOURS = range(8, 11)  # 08:00–10:59 on the recipient's clock
UPCOMING = timedelta(hours=24)
LOG_LOOKBACK = timedelta(days=14)  # an older unlogged meeting is history, not a to-do
GOAL_DUE_DAYS = 7
DIGEST_WEEKDAY = 0  # Monday
DIGEST_MILESTONE_DAYS = 14
OPEN_GOAL_STATUSES = (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)
RUNNING_PROGRAM_STATUSES = (ProgramStatus.RECRUITING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE)
TEMPLATE = "mentorships/emails/reminder_{kind}"
# Read only when set: the real-worker test slows each send down so it can kill the worker
# mid-batch. Production never sets it.
SEND_DELAY_ENV = "TANDEM_REMINDER_SEND_DELAY"


@dataclass(frozen=True)
class Reminder:
    kind: str
    key: str
    user_id: int
    title: str
    body: str
    url: str
    context: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Pair:
    id: int
    program_id: int
    program_name: str
    status: str
    started_on: date
    cadence_weeks: int
    checkin_weeks: int


@dataclass(frozen=True)
class Recipient:
    """A member who can be told something: their Person has a user."""

    member_id: int
    pair_id: int
    user_id: int
    name: str
    local: datetime  # now, on their clock

    @property
    def today(self) -> date:
        return self.local.date()


def in_window(local: datetime) -> bool:
    return local.hour in WINDOW_HOURS


def _path(name, **kwargs) -> str:
    return reverse(f"mentorships:{name}", kwargs=kwargs)


class _Clocks:
    """`now` on each zone's clock, each zone looked up once per scan rather than once per person."""

    def __init__(self, now, fallback):
        self.now, self.fallback, self._cache = now, fallback, {}

    def local(self, name) -> datetime:
        name = name or self.fallback
        if name not in self._cache:
            self._cache[name] = self.now.astimezone(zone(name, self.fallback))
        return self._cache[name]


# --- the scan ---------------------------------------------------------------------------------


def due_reminders(*, organization, now=None) -> list[Reminder]:
    """Every reminder due in `organization` at `now` (sent or not: the send log decides)."""
    now = now or timezone.now()
    clocks = _Clocks(now, organization.time_zone or "UTC")
    reminders = _manager_digests(organization, now)
    pairs = _live_pairs(organization)
    recipients, names = _members(organization, now, clocks)
    awake = defaultdict(list)  # pair id -> its members now in their morning window
    for recipient in recipients:
        if in_window(recipient.local):
            awake[recipient.pair_id].append(recipient)
    if not awake:
        return reminders
    slug = organization.slug
    reminders += _meeting_reminders(organization, now, pairs, awake, names, slug)
    reminders += _overdue_reminders(organization, now, pairs, awake, slug)
    reminders += _goal_reminders(organization, now, pairs, awake, slug)
    reminders += _checkin_reminders(organization, now, clocks, pairs, awake, slug)
    return reminders


def _live_pairs(organization) -> dict[int, Pair]:
    rows = (
        Mentorship.objects.for_org(organization)
        .filter(status__in=LIVE_STATUSES)
        .values_list(
            "id",
            "program_id",
            "program__name",
            "status",
            "started_on",
            "program__cadence_weeks",
            "program__checkin_weeks",
        )
    )
    return {row[0]: Pair(*row) for row in rows}


def _members(organization, now, clocks):
    """(recipients, names): the members who can be told something (their Person has a user and
    has not left), and every member's name by pair for "you meet Ana and Ben"."""
    rows = (
        MentorshipMember.objects.for_org(organization)
        .filter(mentorship__status__in=LIVE_STATUSES)
        .values_list("id", "mentorship_id", "person__user_id", "person__name", "person__time_zone", "person__exit_date")
    )
    today = now.date()
    recipients, names = [], defaultdict(list)
    for member_id, pair_id, user_id, name, tz, exit_date in rows:
        names[pair_id].append((member_id, name))
        if user_id is not None and (exit_date is None or exit_date > today):
            recipients.append(Recipient(member_id, pair_id, user_id, name, clocks.local(tz)))
    return recipients, names


def _others(names, pair_id, member_id) -> str:
    return ", ".join(name for mid, name in names[pair_id] if mid != member_id) or "your group"


def _meeting_reminders(organization, now, pairs, awake, names, slug) -> list[Reminder]:
    """Coming up (starts within 24 h) and log-it (ended, not logged) from one query."""
    rows = (
        Meeting.objects.for_org(organization)
        .filter(
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=now - LOG_LOOKBACK,
            starts_at__lte=now + UPCOMING,
            mentorship__status__in=LIVE_STATUSES,
        )
        .values_list("id", "mentorship_id", "starts_at", "duration_minutes", "location", "video_url")
    )
    reminders = []
    for meeting_id, pair_id, starts_at, minutes, location, video_url in rows:
        pair = pairs.get(pair_id)
        if pair is None:
            continue
        ended = starts_at + timedelta(minutes=minutes) <= now
        for recipient in awake.get(pair_id, ()):
            starts_local = starts_at.astimezone(recipient.local.tzinfo)
            when = dateformat.format(starts_local, "l j F, H:i")
            context = {
                "name": recipient.name,
                "program_name": pair.program_name,
                "others": _others(names, pair_id, recipient.member_id),
                "when": when,
                "zone_name": str(recipient.local.tzinfo),
                "minutes": minutes,
                "location": location,
                "video_url": video_url,
            }
            if ended:
                reminders.append(
                    Reminder(
                        kinds.MEETING_LOG,
                        f"meeting_log:{meeting_id}:{recipient.user_id}",
                        recipient.user_id,
                        f"How did your meeting go? {pair.program_name}, {when}",
                        f"Log your meeting with {context['others']}: whether it happened, how long, what you "
                        "talked about. It takes two minutes and keeps your mentoring hours right.",
                        _path("meeting_log", org_slug=slug, pk=meeting_id),
                        context,
                    )
                )
            elif starts_at > now:
                reminders.append(
                    Reminder(
                        kinds.MEETING_UPCOMING,
                        f"meeting_upcoming:{meeting_id}:{starts_at:%Y%m%dT%H%M}:{recipient.user_id}",
                        recipient.user_id,
                        f"Meeting coming up: {when} ({context['zone_name']})",
                        f"You meet {context['others']} for {minutes} minutes"
                        f"{f' at {location}' if location else ''}{' by video' if video_url else ''}.",
                        _path("workspace", org_slug=slug, pk=pair_id),
                        context,
                    )
                )
    return reminders


def _overdue_reminders(organization, now, pairs, awake, slug) -> list[Reminder]:
    """Active pairs with no meeting held in the last cadence and none scheduled in the next."""
    rows = (
        Meeting.objects.for_org(organization)
        .filter(mentorship__status=MentorshipStatus.ACTIVE)
        .values("mentorship_id")
        .annotate(
            last_held=Max("starts_at", filter=Q(status=MeetingStatus.HELD)),
            next_at=Min("starts_at", filter=Q(status=MeetingStatus.SCHEDULED, starts_at__gt=now)),
        )
        .values_list("mentorship_id", "last_held", "next_at")
    )
    meetings = {pair_id: (last_held, next_at) for pair_id, last_held, next_at in rows}
    reminders = []
    for pair_id, members in awake.items():
        pair = pairs.get(pair_id)
        if pair is None or pair.status != MentorshipStatus.ACTIVE:
            continue
        cadence = timedelta(weeks=pair.cadence_weeks)
        last_held, next_at = meetings.get(pair_id, (None, None))
        if next_at is not None and next_at <= now + cadence:
            continue
        for recipient in members:
            since = pair.started_on
            if last_held is not None:
                since = max(since, last_held.astimezone(recipient.local.tzinfo).date())
            periods = (recipient.today - since).days // cadence.days
            if periods < 1:
                continue
            weeks = (recipient.today - since).days // 7
            reminders.append(
                Reminder(
                    kinds.MEETING_OVERDUE,
                    f"meeting_overdue:{pair_id}:{since}:{periods}:{recipient.user_id}",
                    recipient.user_id,
                    f"Time to meet: {pair.program_name}",
                    (
                        f"Your last meeting was {_count(weeks, 'week')} ago"
                        if last_held
                        else f"You started {_count(weeks, 'week')} ago and have not logged a meeting yet"
                    )
                    + f"; the program suggests meeting every {_count(pair.cadence_weeks, 'week')}. "
                    "Pick a time that suits you both.",
                    _path("meeting_new", org_slug=slug, pk=pair_id),
                    {
                        "name": recipient.name,
                        "program_name": pair.program_name,
                        "weeks": weeks,
                        "met_before": last_held is not None,
                        "cadence_weeks": pair.cadence_weeks,
                    },
                )
            )
    return reminders


def _goal_reminders(organization, now, pairs, awake, slug) -> list[Reminder]:
    today = now.date()  # recipients' own dates lie within a day of it either way
    rows = (
        Goal.objects.for_org(organization)
        .filter(
            status__in=OPEN_GOAL_STATUSES,
            target_date__gte=today - timedelta(days=1),
            target_date__lte=today + timedelta(days=GOAL_DUE_DAYS + 1),
            mentorship__status=MentorshipStatus.ACTIVE,
        )
        .values_list("id", "mentorship_id", "owner_id", "statement", "target_date")
    )
    reminders = []
    for goal_id, pair_id, owner_id, statement, target in rows:
        pair = pairs.get(pair_id)
        for recipient in awake.get(pair_id, ()):
            if owner_id is not None and owner_id != recipient.member_id:
                continue
            days = (target - recipient.today).days
            if not 0 <= days <= GOAL_DUE_DAYS:
                continue
            due = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
            reminders.append(
                Reminder(
                    kinds.GOAL_DUE,
                    f"goal_due:{goal_id}:{target}:{recipient.user_id}",
                    recipient.user_id,
                    f"Goal due {due}: {statement[:120]}",
                    f"Your goal “{statement}” is due on {dateformat.format(target, 'l j F')}. Update its progress, "
                    "or talk with your mentoring partner about a new date.",
                    _path("goal_detail", org_slug=slug, pk=goal_id),
                    {
                        "name": recipient.name,
                        "program_name": pair.program_name if pair else "",
                        "statement": statement,
                        "target": target,
                        "due": due,
                    },
                )
            )
    return reminders


def _checkin_reminders(organization, now, clocks, pairs, awake, slug) -> list[Reminder]:
    """Members who have not answered the current period's check-in; periods count in the
    organization's days, as checkin_submit counts them, so the reminder and the form agree."""
    org_today = clocks.local(organization.time_zone).date()
    periods = {}
    for pair_id in awake:
        pair = pairs.get(pair_id)
        if pair is None or pair.status != MentorshipStatus.ACTIVE:
            continue
        period = checkin_period_start(pair.started_on, pair.checkin_weeks, org_today)
        # The first period starts with the pair itself: nothing to say about it yet.
        if period is not None and period > pair.started_on:
            periods[pair_id] = period
    if not periods:
        return []
    answered = set(
        CheckIn.objects.for_org(organization)
        .filter(period_start__gte=min(periods.values()), mentorship__status=MentorshipStatus.ACTIVE)
        .values_list("member_id", "period_start")
    )
    reminders = []
    for pair_id, period in periods.items():
        pair = pairs[pair_id]
        for recipient in awake[pair_id]:
            if (recipient.member_id, period) in answered:
                continue
            reminders.append(
                Reminder(
                    kinds.CHECKIN_DUE,
                    f"checkin_due:{recipient.member_id}:{period}:{recipient.user_id}",
                    recipient.user_id,
                    f"How is your mentorship going? {pair.program_name}",
                    "A new check-in is open: one score from 1 to 5 and, if you like, a comment or a request for "
                    "help from the program manager. It takes a minute.",
                    _path("checkin", org_slug=slug, pk=pair_id),
                    {"name": recipient.name, "program_name": pair.program_name, "period": period},
                )
            )
    return reminders


# --- the program managers' weekly digest ------------------------------------------------------


def _manager_digests(organization, now) -> list[Reminder]:
    managers = list(
        ProgramManager.objects.for_org(organization)
        .filter(program__status__in=RUNNING_PROGRAM_STATUSES)
        .values_list("program_id", "program__name", "user_id")
    )
    if not managers:
        return []
    zones = dict(
        Person.objects.for_org(organization)
        .filter(user_id__in={user_id for _, _, user_id in managers})
        .exclude(time_zone="")
        .values_list("user_id", "time_zone")
    )
    clocks = _Clocks(now, "UTC")
    due = []
    for program_id, program_name, user_id in managers:
        local = clocks.local(zones.get(user_id, "UTC"))
        if local.weekday() == DIGEST_WEEKDAY and in_window(local):
            due.append((program_id, program_name, user_id, local.date()))
    if not due:
        return []
    program_ids = {program_id for program_id, *_ in due}
    facts = _digest_facts(organization, now, program_ids)
    reminders = []
    for program_id, program_name, user_id, local_date in due:
        applications, at_risk, milestones = (facts[name].get(program_id, 0) for name in DIGEST_FACTS)
        if not (applications or at_risk or milestones):
            continue  # a quiet week needs no email
        year, week, _ = local_date.isocalendar()
        reminders.append(
            Reminder(
                kinds.MANAGER_DIGEST,
                f"manager_digest:{program_id}:{year}-W{week:02d}:{user_id}",
                user_id,
                f"Your week in {program_name}",
                f"{_count(applications, 'new application')} in the last week, {_count(at_risk, 'pair')} at risk, "
                f"{_count(milestones, 'milestone')} due in the next {DIGEST_MILESTONE_DAYS} days.",
                _path("program", org_slug=organization.slug, program_pk=program_id),
                {
                    "program_name": program_name,
                    "applications": applications,
                    "at_risk": at_risk,
                    "milestones": milestones,
                    "milestone_days": DIGEST_MILESTONE_DAYS,
                },
            )
        )
    return reminders


DIGEST_FACTS = ("applications", "at_risk", "milestones")


def _digest_facts(organization, now, program_ids) -> dict[str, dict[int, int]]:
    """Per program: applications of the last 7 days, live pairs at risk, open milestones due
    within 14 days; three grouped queries."""
    today = now.date()
    applications = (
        Enrollment.objects.for_org(organization)
        .filter(program_id__in=program_ids, created_at__gte=now - timedelta(days=7))
        .values("program_id")
        .annotate(n=Count("id"))
        .values_list("program_id", "n")
    )
    at_risk = (
        Mentorship.objects.for_org(organization)
        .filter(program_id__in=program_ids, status__in=LIVE_STATUSES, health=PairHealth.AT_RISK)
        .values("program_id")
        .annotate(n=Count("id"))
        .values_list("program_id", "n")
    )
    milestones = (
        Milestone.objects.for_org(organization)
        .filter(
            goal__mentorship__program_id__in=program_ids,
            goal__mentorship__status__in=LIVE_STATUSES,
            goal__status__in=OPEN_GOAL_STATUSES,
            done_on__isnull=True,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=DIGEST_MILESTONE_DAYS),
        )
        .values("goal__mentorship__program_id")
        .annotate(n=Count("id"))
        .values_list("goal__mentorship__program_id", "n")
    )
    return {"applications": dict(applications), "at_risk": dict(at_risk), "milestones": dict(milestones)}


def _count(n, noun) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


# --- sending ----------------------------------------------------------------------------------


def send_reminders(*, organization, reminders) -> int:
    """Send each reminder not in the send log yet, through notify(); returns how many went out.

    The already-sent ones are dropped with one query first, so the second and third hourly run
    of a morning cost nothing per reminder."""
    already = sent_keys(organization=organization, keys=[reminder.key for reminder in reminders])
    pending = [reminder for reminder in reminders if reminder.key not in already]
    users = get_user_model().objects.in_bulk({reminder.user_id for reminder in pending})
    delay = float(os.environ.get(SEND_DELAY_ENV) or 0)
    sent = 0
    for reminder in pending:
        if delay:
            time.sleep(delay)
        sent += notify(
            organization=organization,
            user=users[reminder.user_id],
            kind=reminder.kind,
            key=reminder.key,
            title=reminder.title,
            body=reminder.body,
            url=reminder.url,
            email_template=TEMPLATE.format(kind=reminder.kind),
            email_context=reminder.context,
        )
    return sent


def reminders_run(*, organization, now=None) -> int:
    """Scan `organization` and send what is due; the hourly task calls this once per organization."""
    return send_reminders(organization=organization, reminders=due_reminders(organization=organization, now=now))
