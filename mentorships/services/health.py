"""Refreshing the stored pair health (Mentorship.health, health_reasons, health_checked_at).

The rules are in `mentorships/health.py` (pure); this module loads their facts for many pairs in
a fixed number of queries (one aggregate per kind of fact, never one query per pair) and writes
the verdicts back in bulk. The write services of the workspace (meeting logs, check-ins, goals,
interventions) call it for their pair inside their own transaction; a nightly task calls it for
every organization, so the days passing (a cadence missed, a goal going overdue) show up too.

Only active mentorships have a health: a paused, completed or ended one has its health cleared.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from ..health import MemberCheckins, PairFacts, assess, checkin_period_start
from ..models import (
    CheckIn,
    Goal,
    GoalStatus,
    Intervention,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
)
from ..timezones import zone

BATCH = 500
OPEN_GOAL_STATUSES = (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)


def organization_today(organization, now=None):
    """Today's date where the organization is: the day a pair's cadence and periods count in."""
    return timezone.localtime(now or timezone.now(), zone(organization.time_zone)).date()


def _scope(organization, program, mentorship_ids):
    pairs = Mentorship.objects.for_org(organization)
    if program is not None:
        pairs = pairs.filter(program_id=program.pk)
    if mentorship_ids is not None:
        pairs = pairs.filter(pk__in=list(mentorship_ids))
    return pairs


def _last_held_on(organization, scope, tz) -> dict[int, object]:
    held = (
        Meeting.objects.for_org(organization)
        .filter(mentorship__in=scope, status=MeetingStatus.HELD)
        .values("mentorship_id")
        .annotate(last=Max("starts_at"))
        .values_list("mentorship_id", "last")
    )
    return {pk: timezone.localtime(last, tz).date() for pk, last in held}


def _with_upcoming(organization, scope, now) -> set[int]:
    return set(
        Meeting.objects.for_org(organization)
        .filter(mentorship__in=scope, status=MeetingStatus.SCHEDULED, starts_at__gte=now)
        .values_list("mentorship_id", flat=True)
        .distinct()
    )


def _recent_checkins(organization, scope, rows, today) -> dict[int, tuple[MemberCheckins, ...]]:
    """Each pair's members' scores in its last two check-in periods (the current and the one
    before), oldest first. One query: everything since the earliest such period of any pair."""
    window = {}
    for pk, started_on, _, checkin_weeks in rows:
        current = checkin_period_start(started_on, checkin_weeks, today)
        if current is not None:
            window[pk] = current - timedelta(weeks=checkin_weeks)
    if not window:
        return {}
    found = (
        CheckIn.objects.for_org(organization)
        .filter(mentorship__in=scope, period_start__gte=min(window.values()))
        .order_by("period_start", "pk")
        .values_list("mentorship_id", "member_id", "member__person__name", "period_start", "score")
    )
    scores = defaultdict(dict)  # pair -> {member: (name, [scores])}
    for pair, member, name, period_start, score in found:
        if pair in window and period_start >= window[pair]:
            scores[pair].setdefault(member, (name, []))[1].append(score)
    return {
        pair: tuple(MemberCheckins(name, tuple(values)) for name, values in members.values())
        for pair, members in scores.items()
    }


def _open_help(organization, scope) -> dict[int, tuple[str, ...]]:
    """Who asked for help after the program manager last acted on the pair (or never acted)."""
    acted = dict(
        Intervention.objects.for_org(organization)
        .filter(mentorship__in=scope)
        .values("mentorship_id")
        .annotate(last=Max("created_at"))
        .values_list("mentorship_id", "last")
    )
    asked = (
        CheckIn.objects.for_org(organization)
        .filter(mentorship__in=scope, wants_help=True)
        .values("mentorship_id", "member_id", "member__person__name")
        .annotate(last=Max("submitted_at"))
        .order_by("mentorship_id", "member_id")
        .values_list("mentorship_id", "member__person__name", "last")
    )
    waiting = defaultdict(list)
    for pair, name, last in asked:
        if pair not in acted or last > acted[pair]:
            waiting[pair].append(name)
    return {pair: tuple(names) for pair, names in waiting.items()}


def _goal_counts(organization, scope, today) -> dict[int, tuple[int, int]]:
    counts = (
        Goal.objects.for_org(organization)
        .filter(mentorship__in=scope)
        .exclude(status=GoalStatus.DROPPED)
        .values("mentorship_id")
        .annotate(
            total=Count("pk"), overdue=Count("pk", filter=Q(status__in=OPEN_GOAL_STATUSES, target_date__lt=today))
        )
        .values_list("mentorship_id", "total", "overdue")
    )
    return {pair: (total, overdue) for pair, total, overdue in counts}


def pair_facts(organization, pairs, *, today, now) -> dict[int, PairFacts]:
    """{mentorship id: PairFacts} for the mentorships of `pairs` (a queryset), in six queries
    whatever their number."""
    rows = list(pairs.values_list("pk", "started_on", "program__cadence_weeks", "program__checkin_weeks"))
    if not rows:
        return {}
    scope = pairs.values("pk")
    tz = zone(organization.time_zone)
    last_held = _last_held_on(organization, scope, tz)
    upcoming = _with_upcoming(organization, scope, now)
    checkins = _recent_checkins(organization, scope, rows, today)
    help_asked = _open_help(organization, scope)
    goals = _goal_counts(organization, scope, today)
    return {
        pk: PairFacts(
            started_on=started_on,
            cadence_weeks=cadence_weeks,
            last_held_on=last_held.get(pk),
            scheduled_upcoming=pk in upcoming,
            checkins=checkins.get(pk, ()),
            open_help=help_asked.get(pk, ()),
            goals=goals.get(pk, (0, 0))[0],
            overdue_goals=goals.get(pk, (0, 0))[1],
        )
        for pk, started_on, cadence_weeks, _ in rows
    }


def health_refresh(*, organization, program=None, mentorship_ids=None, today=None) -> int:
    """Assess the active mentorships of the organization (or of one program, or the given ids)
    and store their health; clear it on the others in scope. Returns how many were assessed."""
    now = timezone.now()
    today = today or organization_today(organization, now)
    scope = _scope(organization, program, mentorship_ids)
    scope.exclude(status=MentorshipStatus.ACTIVE).exclude(health="").update(
        health="", health_reasons=[], health_checked_at=now
    )
    facts = pair_facts(organization, scope.filter(status=MentorshipStatus.ACTIVE), today=today, now=now)
    assessed = []
    for pk, pair in facts.items():
        status, reasons = assess(pair, today)
        assessed.append(Mentorship(pk=pk, health=status, health_reasons=list(reasons), health_checked_at=now))
    Mentorship.objects.bulk_update(assessed, ["health", "health_reasons", "health_checked_at"], batch_size=BATCH)
    return len(assessed)
