"""Reads of goals: everything for the pair (goals_for), counts and status only for the program
manager (goals_summary). Both are a fixed number of queries, however many goals there are."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from programs.models import ParticipantRole

from ..models import Goal, GoalComment, GoalStatus, Mentorship, MentorshipMember, MentorshipStatus

OPEN_STATUSES = (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)
KEPT_STATUSES = (*OPEN_STATUSES, GoalStatus.ACHIEVED)  # all but dropped


def progress_of(goal, milestones) -> int:
    """0–100: 100 once achieved; else the typed progress; else the share of milestones done."""
    if goal.status == GoalStatus.ACHIEVED:
        return 100
    if goal.progress is not None:
        return goal.progress
    if not milestones:
        return 0
    return round(100 * sum(1 for m in milestones if m.done_on) / len(milestones))


def goals_for(mentorship, *, today=None) -> list[Goal]:
    """The pair's goals (soonest target first), each with `milestones_list`, `milestones_done`,
    `percent` (progress_of), `is_overdue`, and `comments_list` whose comments carry
    `from_mentor`. Four queries."""
    organization_id = mentorship.organization_id
    today = today or timezone.localdate()
    mentors = set(
        MentorshipMember.objects.for_org(organization_id)
        .filter(mentorship_id=mentorship.pk, role=ParticipantRole.MENTOR)
        .values_list("person_id", flat=True)
    )
    goals = list(
        Goal.objects.for_org(organization_id)
        .filter(mentorship_id=mentorship.pk)
        .select_related("owner__person")
        .prefetch_related(
            "milestones",
            Prefetch("comments", queryset=GoalComment.objects.select_related("author").order_by("created_at", "pk")),
        )
        .order_by("target_date", "pk")
    )
    for goal in goals:
        goal.milestones_list = list(goal.milestones.all())
        goal.milestones_done = sum(1 for m in goal.milestones_list if m.done_on)
        goal.percent = progress_of(goal, goal.milestones_list)
        goal.is_overdue = goal.status in OPEN_STATUSES and goal.target_date < today
        goal.comments_list = list(goal.comments.all())
        for comment in goal.comments_list:
            comment.from_mentor = comment.author_id in mentors
    return goals


@dataclass(frozen=True)
class GoalsSummary:
    """What a program manager sees of a program's goals: numbers, never their text."""

    total: int
    by_status: tuple[tuple[str, str, int], ...]  # (status, label, count) for every status
    overdue: int
    active_pairs: int
    active_pairs_with_goals: int

    @property
    def active_pairs_without_goals(self) -> int:
        return self.active_pairs - self.active_pairs_with_goals


def goals_summary(program, *, today=None) -> GoalsSummary:
    """Counts and status of the program's goals, and how many active pairs have one (dropped
    goals do not count there). Two queries."""
    organization_id = program.organization_id
    today = today or timezone.localdate()
    counts = (
        Goal.objects.for_org(organization_id)
        .filter(mentorship__program_id=program.pk)
        .aggregate(
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, target_date__lt=today)),
            **{value: Count("pk", filter=Q(status=value)) for value in GoalStatus.values},
        )
    )
    pairs = (
        Mentorship.objects.for_org(organization_id)
        .filter(program_id=program.pk, status=MentorshipStatus.ACTIVE)
        .aggregate(
            active=Count("pk", distinct=True),
            with_goals=Count("pk", distinct=True, filter=Q(goals__status__in=KEPT_STATUSES)),
        )
    )
    by_status = tuple((value, label, counts[value]) for value, label in GoalStatus.choices)
    return GoalsSummary(
        total=sum(count for _, _, count in by_status),
        by_status=by_status,
        overdue=counts["overdue"],
        active_pairs=pairs["active"],
        active_pairs_with_goals=pairs["with_goals"],
    )
