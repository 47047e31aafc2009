"""Matching reads that are more than one filter: what pages, the API and the services show.

Each function takes the tenant from its argument's `organization_id` and runs a fixed number
of queries, however long the lists are.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from mentorships.models import LIVE_STATUSES, MentorshipMember
from organizations.models import Person
from programs.models import Enrollment, ParticipantRole
from programs.selectors.matching import matching_pool

from .models import (
    MatchPreference,
    MatchProposal,
    MentorRequest,
    MentorSuggestion,
    PairExclusion,
    ProposalMember,
    RequestStatus,
)

# --- self-match: places, suggestions, requests, a participant's own lists -------------------


def mentor_places_taken(organization, mentor_ids) -> dict[int, int]:
    """{mentor enrollment id: mentees in their live mentorships}; mentors with none are absent.

    A place is a mentee, not a mentorship, so a group mentor's one group of four takes four.
    """
    rows = (
        MentorshipMember.objects.for_org(organization)
        .exclude(role=ParticipantRole.MENTOR)
        .filter(
            mentorship__status__in=LIVE_STATUSES,
            # One join: the mentor is a member of the same mentorship, as its mentor.
            mentorship__members__enrollment_id__in=list(mentor_ids),
            mentorship__members__role=ParticipantRole.MENTOR,
        )
        .values_list("mentorship__members__enrollment_id")
        .annotate(taken=Count("pk"))
    )
    return dict(rows)


def mentor_places_left(program, mentor_ids) -> dict[int, int]:
    """{mentor enrollment id: free places}; a mentor no longer in the pool (left, withdrawn) has 0."""
    mentor_ids = list(mentor_ids)
    capacity = dict(matching_pool(program).filter(pk__in=mentor_ids).values_list("pk", "effective_capacity"))
    taken = mentor_places_taken(program.organization_id, mentor_ids)
    return {pk: max(0, capacity.get(pk, 0) - taken.get(pk, 0)) for pk in mentor_ids}


def suggestions_for(enrollment) -> list[MentorSuggestion]:
    """A mentee's suggested mentors, best first, each with `mentor_name`, `capacity_left` (0 =
    full for now), `pending_request` (the mentee's waiting request to them, or None) and
    `request_pending`. Four queries."""
    suggestions = list(
        MentorSuggestion.objects.for_org(enrollment.organization_id)
        .filter(mentee=enrollment)
        .select_related("mentor__person", "program")
        .order_by("rank", "pk")
    )
    if not suggestions:
        return suggestions
    mentor_ids = [s.mentor_id for s in suggestions]
    places = mentor_places_left(suggestions[0].program, mentor_ids)
    pending = {
        request.mentor_id: request
        for request in MentorRequest.objects.for_org(enrollment.organization_id).filter(
            mentee=enrollment, mentor_id__in=mentor_ids, status=RequestStatus.PENDING
        )
    }
    for suggestion in suggestions:
        suggestion.mentor_name = suggestion.mentor.person.name
        suggestion.capacity_left = places[suggestion.mentor_id]
        suggestion.pending_request = pending.get(suggestion.mentor_id)
        suggestion.request_pending = suggestion.pending_request is not None
    return suggestions


@dataclass
class RequestLists:
    sent: QuerySet[MentorRequest]  # as a mentee, newest first
    received: QuerySet[MentorRequest]  # as a mentor, newest first


def requests_for(enrollment) -> RequestLists:
    """The mentor requests an enrollment sent and received (one of the two is empty, by role)."""
    requests = MentorRequest.objects.for_org(enrollment.organization_id).select_related(
        "mentee__person", "mentor__person", "program"
    )
    return RequestLists(
        sent=requests.filter(mentee=enrollment).order_by("-created_at", "-pk"),
        received=requests.filter(mentor=enrollment).order_by("-created_at", "-pk"),
    )


@dataclass
class MatchingLists:
    exclusions: QuerySet[PairExclusion]  # "please not this person"; private to the participant
    preferences: QuerySet[MatchPreference]  # "I would like this person"


def my_matching_lists(enrollment) -> MatchingLists:
    org_id = enrollment.organization_id
    return MatchingLists(
        exclusions=PairExclusion.objects.for_org(org_id)
        .filter(enrollment=enrollment)
        .select_related("excluded_person")
        .order_by("excluded_person__name", "pk"),
        preferences=MatchPreference.objects.for_org(org_id)
        .filter(enrollment=enrollment)
        .select_related("preferred_person")
        .order_by("preferred_person__name", "pk"),
    )


# --- managed matching: the pool, a run's proposals, comparing runs ---------------------------


@dataclass
class PoolSummary:
    """Who is ready to match in a program, and what the manager should know before a run."""

    kind: str  # MatchRunKind the program's model runs
    mentors: int  # ready mentors (peer programs: 0)
    mentees: int  # ready mentees (peer programs: 0)
    peers: int  # ready peers (mentor-mentee programs: 0)
    capacity: int  # mentor places in all
    places_left: int  # mentor places not held by a live mentorship
    free_mentees: int  # mentees not in a live mentorship
    free_peers: int  # peers not in a live mentorship
    live_mentorships: int
    warnings: list[str]


def pool_summary(program) -> PoolSummary:
    """Counts of the ready pool (programs.selectors.matching.matching_pool) and the warnings a
    run would carry; two queries."""
    from .cohort import live_places, pool_warnings, run_kind_for

    rows = list(matching_pool(program).values_list("pk", "role", "effective_capacity"))
    live = live_places(program)
    mentors = [(pk, capacity) for pk, role, capacity in rows if role == ParticipantRole.MENTOR]
    mentees = [pk for pk, role, _ in rows if role == ParticipantRole.MENTEE]
    peers = [pk for pk, role, _ in rows if role == ParticipantRole.PEER]
    places_left = sum(max(capacity - live.load.get(pk, 0), 0) for pk, capacity in mentors)
    free_mentees = sum(1 for pk in mentees if pk not in live.taken)
    kind = run_kind_for(program)
    # A rotation round pairs everyone again (publishing it completes the previous round).
    free_peers = len(peers) if kind == "rotation" else sum(1 for pk in peers if pk not in live.taken)
    return PoolSummary(
        kind=kind,
        mentors=len(mentors),
        mentees=len(mentees),
        peers=len(peers),
        capacity=sum(capacity for _, capacity in mentors),
        places_left=places_left,
        free_mentees=free_mentees,
        free_peers=free_peers,
        live_mentorships=live.mentorships,
        warnings=pool_warnings(
            kind,
            mentees=free_mentees if kind == "pairs" else free_peers,
            mentors=len(mentors),
            places=places_left,
        ),
    )


@dataclass
class ProposalRow:
    proposal: MatchProposal
    number: int
    score: float
    mentees: list[dict]  # {"enrollment", "person", "name"}; peers of a circle or rotation pair too
    mentors: list[dict]
    top_reasons: list[dict]
    flags: list[str]
    locked: bool
    origin: str

    @property
    def names(self) -> str:
        return " · ".join(m["name"] for m in [*self.mentees, *self.mentors])


def run_proposals(run) -> QuerySet[MatchProposal]:
    """A run's proposals with their members and people, in two queries."""
    members = ProposalMember.objects.for_org(run.organization_id).select_related("enrollment__person")
    return (
        MatchProposal.objects.for_org(run.organization_id)
        .filter(run_id=run.pk)
        .prefetch_related(Prefetch("members", queryset=members.order_by("role", "pk")))
        .order_by("number")
    )


def proposal_row(proposal) -> ProposalRow:
    from .scoring import top_reasons

    mentees, mentors = [], []
    for member in proposal.members.all():
        person = member.enrollment.person
        entry = {"enrollment": member.enrollment_id, "person": person.pk, "name": person.name, "role": member.role}
        (mentors if member.role == ParticipantRole.MENTOR else mentees).append(entry)
    return ProposalRow(
        proposal=proposal,
        number=proposal.number,
        score=proposal.score,
        mentees=mentees,
        mentors=mentors,
        top_reasons=top_reasons(proposal.reasons or []),
        flags=list(proposal.flags or []),
        locked=proposal.locked,
        origin=proposal.origin,
    )


def proposals_table(run, *, proposals=None) -> list[ProposalRow]:
    """The review table: one row per proposal with its people, score, top three reasons, flags,
    lock and origin. Two queries; pass `proposals` (e.g. one page of run_proposals(run), or a
    search) to build rows for those only."""
    proposals = run_proposals(run) if proposals is None else proposals
    return [proposal_row(proposal) for proposal in proposals]


def _pair_keys(run) -> dict[frozenset, float]:
    """{frozenset of the members' person ids: score}: the same people make the same pair in any run."""
    rows = (
        ProposalMember.objects.for_org(run.organization_id)
        .filter(run_id=run.pk)
        .values_list("proposal_id", "enrollment__person_id", "proposal__score")
    )
    people, scores = {}, {}
    for proposal_id, person_id, score in rows:
        people.setdefault(proposal_id, set()).add(person_id)
        scores[proposal_id] = score
    return {frozenset(members): scores[proposal_id] for proposal_id, members in people.items()}


def _by_names(rows):
    return sorted(rows, key=lambda row: row["people"])


COMPARED_METRICS = ("total", "mean", "worst", "p10", "matched", "unmatched", "top3_share", "proposals")


def runs_compare(first, second) -> dict:
    """Two runs of the same program side by side: pairs in both (with the score change), pairs
    only in one, and each metric's change (second minus first). Names come from one query."""
    from django.core.exceptions import ValidationError

    if first.program_id != second.program_id or first.organization_id != second.organization_id:
        raise ValidationError({"other": ["Compare two runs of the same program."]})
    a, b = _pair_keys(first), _pair_keys(second)
    people = set().union(*a, *b) if (a or b) else set()
    names = dict(Person.objects.for_org(first.organization_id).filter(pk__in=list(people)).values_list("pk", "name"))

    def described(key, **extra):
        return {"people": sorted(names.get(pk, "?") for pk in key), "person_ids": sorted(key), **extra}

    same = _by_names(
        described(key, first_score=a[key], second_score=b[key], delta=b[key] - a[key]) for key in a.keys() & b.keys()
    )
    only_first = _by_names(described(key, score=a[key]) for key in a.keys() - b.keys())
    only_second = _by_names(described(key, score=b[key]) for key in b.keys() - a.keys())
    metrics = {}
    for name in COMPARED_METRICS:
        x, y = (first.metrics or {}).get(name), (second.metrics or {}).get(name)
        numeric = isinstance(x, int | float) and isinstance(y, int | float)
        metrics[name] = {"first": x, "second": y, "delta": (y - x) if numeric else None}
    return {
        "first": first.pk,
        "second": second.pk,
        "same_pairs": same,
        "only_in_first": only_first,
        "only_in_second": only_second,
        "metrics": metrics,
    }


def run_unmatched_ids(run) -> list[int]:
    """Enrollment ids of the people of the run's pool (its recorded mentees, or peers) in none of
    its proposals, in pool order; one query."""
    placed = set(
        ProposalMember.objects.for_org(run.organization_id)
        .filter(run_id=run.pk)
        .exclude(role=ParticipantRole.MENTOR)
        .order_by()  # a set: no need to sort thousands of rows
        .values_list("enrollment_id", flat=True)
    )
    return [pk for pk in (run.parameters or {}).get("mentees", []) if pk not in placed]


def run_unmatched_queryset(run, *, ids=None) -> QuerySet[Enrollment]:
    """The run's unmatched (run_unmatched_ids, or `ids` already read) by name, with their person;
    lazy, so a page can search them and show a few."""
    ids = run_unmatched_ids(run) if ids is None else ids
    return (
        Enrollment.objects.for_org(run.organization_id)
        .filter(pk__in=ids)
        .select_related("person")
        .order_by("person__name", "pk")
    )


def run_unmatched(run) -> list[Enrollment]:
    """Every one of the run's unmatched, by name; two queries."""
    return list(run_unmatched_queryset(run))
