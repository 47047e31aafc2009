"""Reads of pair health for the program manager: the at-risk queue and the counts per status.

Health is stored on the mentorship by services.health (derived, never typed), so these read one
column; the queue adds who is in each pair, when they last met and what the program team last
did, in a fixed number of queries however long it is.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Prefetch, Subquery, Value, When

from ..models import Intervention, Meeting, MeetingStatus, Mentorship, MentorshipMember, MentorshipStatus, PairHealth

QUEUE_HEALTH = (PairHealth.AT_RISK, PairHealth.NEEDS_ATTENTION)
INTERVENTIONS_SHOWN = 3


@dataclass
class QueueRow:
    mentorship: Mentorship
    members: list  # MentorshipMember with person, in role order (as the pair pages list them)
    last_held_at: datetime | None
    interventions: list = field(default_factory=list)  # the latest few, newest first

    @property
    def health(self) -> str:
        return self.mentorship.health

    @property
    def reasons(self) -> list[str]:
        return self.mentorship.health_reasons

    @property
    def names(self) -> str:
        return " and ".join(member.person.name for member in self.members)


def at_risk_queue(program, *, limit=None) -> list[QueueRow]:
    """The program's active pairs at risk, then those needing attention; within each, the pairs
    nobody has acted on yet first, then those acted on longest ago. Four queries."""
    organization_id = program.organization_id
    interventions = Intervention.objects.for_org(organization_id)
    pairs = (
        Mentorship.objects.for_org(organization_id)
        .filter(program_id=program.pk, status=MentorshipStatus.ACTIVE, health__in=QUEUE_HEALTH)
        .annotate(
            rank=Case(When(health=PairHealth.AT_RISK, then=Value(0)), default=Value(1), output_field=IntegerField()),
            last_intervention_at=Subquery(
                interventions.filter(mentorship=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
            ),
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=MentorshipMember.objects.select_related("person").order_by("role", "pk"),
                to_attr="members_list",
            )
        )
        .order_by("rank", F("last_intervention_at").asc(nulls_first=True), "started_on", "pk")
    )
    pairs = list(pairs[:limit] if limit else pairs)
    ids = [pair.pk for pair in pairs]
    last_held = dict(
        Meeting.objects.for_org(organization_id)
        .filter(mentorship_id__in=ids, status=MeetingStatus.HELD)
        .values("mentorship_id")
        .annotate(last=Max("starts_at"))
        .values_list("mentorship_id", "last")
    )
    recent = defaultdict(list)
    for intervention in interventions.filter(mentorship_id__in=ids).select_related("by").order_by("-created_at", "-pk"):
        if len(recent[intervention.mentorship_id]) < INTERVENTIONS_SHOWN:
            recent[intervention.mentorship_id].append(intervention)
    return [
        QueueRow(
            mentorship=pair,
            members=pair.members_list,
            last_held_at=last_held.get(pair.pk),
            interventions=recent[pair.pk],
        )
        for pair in pairs
    ]


def program_health_counts(program) -> dict[str, int]:
    """{PairHealth value: number of the program's active pairs} (every value, 0 when none). One query."""
    rows = (
        Mentorship.objects.for_org(program.organization_id)
        .filter(program_id=program.pk, status=MentorshipStatus.ACTIVE)
        .order_by()
        .values_list("health")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(PairHealth.values, 0)
    for health, n in rows:
        if health in counts:
            counts[health] += n
    return counts
