"""Reads of the program manager's mentorship pages: every pair of a program with its health and
its figures, and one pair as the manager may see it.

What a manager sees is deliberately less than what the pair sees: meetings as dates, held or
not, length and format (never shared notes, never anyone's private notes); goals as counts and
status (never their text); check-ins as scores and help flags (never the comments). The queries
here read only those columns, so nothing else can reach a page by accident. Each read is a fixed
number of queries, however many pairs the program has.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import (
    CheckIn,
    Goal,
    GoalStatus,
    Intervention,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Mentorship,
    MentorshipMember,
    PairHealth,
)
from .goals import OPEN_STATUSES

OPEN_GOALS = OPEN_STATUSES
NOT_ASSESSED = "none"  # the health filter's value for pairs without a health (paused, ended)
# The worst first: the list reads like a to-do list.
HEALTH_RANK = Case(
    When(health=PairHealth.AT_RISK, then=Value(0)),
    When(health=PairHealth.NEEDS_ATTENTION, then=Value(1)),
    When(health=PairHealth.ON_TRACK, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
PAIR_MEETINGS_SHOWN = 50
PAIR_CHECKINS_SHOWN = 60


def _count(queryset):
    """A correlated COUNT(*) of `queryset` (already filtered on mentorship=OuterRef("pk")), 0 when none."""
    counted = queryset.order_by().values("mentorship").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def members_prefetch():
    return Prefetch("members", queryset=MentorshipMember.objects.select_related("person").order_by("role", "pk"))


def with_pair_figures(pairs, organization, *, today: date | None = None, now=None):
    """`pairs` (a Mentorship queryset) with the figures the program team reads of each pair, as
    correlated subqueries (no join fan-out, one query however many pairs): numbers, never content.

    held_meetings, meetings_not_held, meetings_upcoming (scheduled from `now` on), held_minutes,
    last_held_at; goals_total, goals_<status> for every GoalStatus, goals_open, goals_overdue
    (open past their target date on `today`). The manager pages and the mentorships API both read
    these, so they always agree."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    pair = OuterRef("pk")
    meetings = Meeting.objects.for_org(organization).filter(mentorship=pair)
    held = meetings.filter(status=MeetingStatus.HELD)
    held_minutes = held.order_by().values("mentorship").annotate(total=Sum("actual_minutes")).values("total")
    goals = Goal.objects.for_org(organization).filter(mentorship=pair)
    return pairs.annotate(
        held_meetings=_count(held),
        meetings_not_held=_count(meetings.filter(status=MeetingStatus.NOT_HELD)),
        meetings_upcoming=_count(meetings.filter(status=MeetingStatus.SCHEDULED, starts_at__gte=now)),
        held_minutes=Coalesce(Subquery(held_minutes, output_field=IntegerField()), 0),
        last_held_at=Subquery(held.order_by("-starts_at").values("starts_at")[:1]),
        goals_total=_count(goals),
        **{f"goals_{status}": _count(goals.filter(status=status)) for status in GoalStatus.values},
        goals_open=_count(goals.filter(status__in=OPEN_GOALS)),
        goals_overdue=_count(goals.filter(status__in=OPEN_GOALS, target_date__lt=today)),
    )


def program_pairs(program, *, health="", query="", today: date | None = None):
    """The program's mentorships, the worst health first, each with its members, the figures of
    with_pair_figures and last_intervention_at. `health` narrows to one PairHealth value (or
    NOT_ASSESSED); `query` to pairs with a member whose name contains it."""
    organization_id = program.organization_id
    pairs = Mentorship.objects.for_org(organization_id).filter(program=program)
    if health == NOT_ASSESSED:
        pairs = pairs.filter(health="")
    elif health:
        pairs = pairs.filter(health=health)
    if query:
        named = MentorshipMember.objects.for_org(organization_id).filter(person__name__icontains=query)
        pairs = pairs.filter(pk__in=named.values("mentorship_id"))
    interventions = Intervention.objects.for_org(organization_id).filter(mentorship=OuterRef("pk"))
    return (
        with_pair_figures(pairs, organization_id, today=today)
        .annotate(
            last_intervention_at=Subquery(interventions.order_by("-created_at").values("created_at")[:1]),
            health_rank=HEALTH_RANK,
        )
        .prefetch_related(members_prefetch())
        .order_by("health_rank", "started_on", "pk")
    )


@dataclass
class PairForManager:
    mentorship: Mentorship
    members: list  # MentorshipMember with person
    meetings: list[dict]  # starts_at, status (label), minutes, format (label)
    meetings_held: int
    held_minutes: int
    goal_counts: list[tuple[str, int]]  # (status label, count), every status
    goals_overdue: int
    checkins: list[dict]  # who, role, period_start, score, wants_help, submitted_at
    interventions: list  # Intervention with `by`

    @property
    def open_help_flags(self) -> list[dict]:
        """Requests for help nobody has answered yet: a nudge or a note after them answers them."""
        answered = self.interventions[0].created_at if self.interventions else None
        return [
            row for row in self.checkins if row["wants_help"] and (answered is None or row["submitted_at"] > answered)
        ]


def _meeting_rows(mentorship) -> list[dict]:
    rows = (
        Meeting.objects.for_org(mentorship.organization_id)
        .filter(mentorship=mentorship)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at", "-pk")
        .values("pk", "starts_at", "status", "duration_minutes", "actual_minutes", "format")[:PAIR_MEETINGS_SHOWN]
    )
    return [
        {
            "starts_at": row["starts_at"],
            "status": row["status"],
            "status_label": MeetingStatus(row["status"]).label,
            # A held meeting counts its logged length; a scheduled one its planned length.
            "minutes": row["actual_minutes"] if row["status"] == MeetingStatus.HELD else row["duration_minutes"],
            "format": MeetingFormat(row["format"]).label if row["format"] in MeetingFormat.values else "",
        }
        for row in rows
    ]


def pair_for_manager(mentorship, *, today: date | None = None) -> PairForManager:
    """One pair for its program manager (see the module's note on what is left out)."""
    organization_id = mentorship.organization_id
    members = list(
        MentorshipMember.objects.for_org(organization_id)
        .filter(mentorship=mentorship)
        .select_related("person")
        .order_by("role", "pk")
    )
    # The same figures as the program's list of pairs, so the two pages never disagree.
    this_pair = Mentorship.objects.for_org(organization_id).filter(pk=mentorship.pk)
    figures = (
        with_pair_figures(this_pair, organization_id, today=today)
        .values("held_meetings", "held_minutes", "goals_overdue", *(f"goals_{value}" for value in GoalStatus.values))
        .get()
    )
    checkins = (
        CheckIn.objects.for_org(organization_id)
        .filter(mentorship=mentorship)
        .order_by("-period_start", "member__role", "pk")
        .values("member__person__name", "member__role", "period_start", "score", "wants_help", "submitted_at")[
            :PAIR_CHECKINS_SHOWN
        ]
    )
    interventions = Intervention.objects.for_org(organization_id).filter(mentorship=mentorship).select_related("by")
    return PairForManager(
        mentorship=mentorship,
        members=members,
        meetings=_meeting_rows(mentorship),
        meetings_held=figures["held_meetings"],
        held_minutes=figures["held_minutes"],
        goal_counts=[(label, figures[f"goals_{value}"]) for value, label in GoalStatus.choices],
        goals_overdue=figures["goals_overdue"],
        checkins=[
            {
                "who": row["member__person__name"],
                "role": row["member__role"],
                "period_start": row["period_start"],
                "score": row["score"],
                "wants_help": row["wants_help"],
                "submitted_at": row["submitted_at"],
            }
            for row in checkins
        ],
        interventions=list(interventions),
    )
