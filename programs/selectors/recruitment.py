"""Reads for recruitment: the review queue, a member's own programs, invitations, nominations.

Every list is built in a fixed number of queries, whatever its length.
"""

from functools import reduce
from operator import and_, or_

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from organizations.models import Person
from surveys.models import Answer, AnswerChoice
from surveys.selectors import display_value

from ..models import (
    PEER_MODELS,
    Enrollment,
    EnrollmentStatus,
    Nomination,
    ParticipantRole,
    Program,
    ProgramInvitation,
    ProgramStatus,
)

SEARCH_FIELDS = ("person__name", "person__email", "person__department", "person__title")
# An application that blocks applying again: all but a withdrawn one.
_OPEN_OR_DECIDED = [s for s in EnrollmentStatus.values if s != EnrollmentStatus.WITHDRAWN]


def person_for_user(*, organization, user):
    """The user's own record in the organization's directory (linked by a verified email), or None."""
    if user is None or not user.is_authenticated:
        return None
    return Person.objects.for_org(organization).filter(user=user).select_related("manager").first()


def _answers_prefetch(organization_id):
    choices = AnswerChoice.objects.for_org(organization_id).select_related("choice").order_by("choice__order", "pk")
    answers = (
        Answer.objects.for_org(organization_id)
        .select_related("question")
        .prefetch_related(Prefetch("answer_choices", queryset=choices))
        .order_by("question__order", "question__pk")
    )
    return Prefetch("response__answers", queryset=answers)


def review_queue(*, program, status=None, role=None, q=None):
    """The program's applications for its managers, oldest first, each with its person and
    intake answers loaded (a page costs the same handful of queries at any size)."""
    enrollments = (
        Enrollment.objects.for_org(program.organization_id)
        .filter(program=program)
        .select_related("person", "response", "decided_by")
        .prefetch_related(_answers_prefetch(program.organization_id))
    )
    if status:
        enrollments = enrollments.filter(status=status)
    if role:
        enrollments = enrollments.filter(role=role)
    terms = (q or "").split()
    if terms:
        enrollments = enrollments.filter(
            reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": t}) for f in SEARCH_FIELDS)) for t in terms))
        )
    return enrollments.order_by("created_at", "pk")


def answer_summary(enrollment, limit=None):
    """(question text, display value) of the answered questions, from the prefetched answers."""
    if enrollment.response is None:
        return []
    rows = [(a.question.text, display_value(a.question, a)) for a in enrollment.response.answers.all()]
    rows = [(text, value) for text, value in rows if value]
    return rows[:limit] if limit else rows


def review_counts(*, program) -> dict:
    """How many applications are in each status, and in all: one query."""
    rows = (
        Enrollment.objects.for_org(program.organization_id)
        .filter(program=program)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(EnrollmentStatus.values, 0)
    for row in rows:
        counts[row["status"]] = row["n"]
    counts["all"] = sum(counts.values())
    return counts


def applicant(*, program, pk):
    """One application of the program with its person and decider, or None."""
    return (
        Enrollment.objects.for_org(program.organization_id)
        .filter(program=program, pk=pk)
        .select_related("person__manager", "response", "decided_by")
        .first()
    )


def my_enrollments(*, organization, user):
    """The user's own applications and places in the organization's programs, newest first."""
    return (
        Enrollment.objects.for_org(organization)
        .filter(person__user=user)
        .select_related("program", "person")
        .order_by("-created_at", "-pk")
    )


def programs_open_to_join(*, organization, user):
    """Recruiting programs the user has not applied to (or has withdrawn from)."""
    mine = Enrollment.objects.for_org(organization).filter(
        program=OuterRef("pk"), person__user=user, status__in=_OPEN_OR_DECIDED
    )
    return (
        Program.objects.for_org(organization)
        .filter(status=ProgramStatus.RECRUITING)
        .exclude(Exists(mine))
        .order_by("name", "pk")
    )


def invitation_stats(*, program) -> dict:
    """Invitations of a program: created, sent, still waiting to be sent, and how many of the
    invited people have applied since (one query)."""
    applied = Enrollment.objects.for_org(program.organization_id).filter(program=program, person=OuterRef("person"))
    row = (
        ProgramInvitation.objects.for_org(program.organization_id)
        .filter(program=program)
        .annotate(has_applied=Exists(applied))
        .aggregate(
            invited=Count("pk"),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            applied=Count("pk", filter=Q(has_applied=True)),
        )
    )
    row["waiting"] = row["invited"] - row["sent"]
    return row


def recent_invitations(*, program, limit=50):
    return (
        ProgramInvitation.objects.for_org(program.organization_id)
        .filter(program=program)
        .select_related("person", "invited_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def direct_reports(*, organization, person):
    """The person's active direct reports in the directory: whom they may nominate."""
    if person is None:
        return Person.objects.none()
    today = timezone.localdate()
    return (
        Person.objects.for_org(organization)
        .filter(manager=person)
        .filter(Q(exit_date__isnull=True) | Q(exit_date__gt=today))
        .order_by("name", "pk")
    )


def nominatable_programs(*, organization):
    """Recruiting programs that have mentors: the ones a manager can nominate for."""
    return (
        Program.objects.for_org(organization)
        .filter(status=ProgramStatus.RECRUITING)
        .exclude(model__in=list(PEER_MODELS))
        .order_by("name", "pk")
    )


def nominations_by_manager(*, organization, person):
    """Nominations of the person's direct reports (whoever made them), newest first."""
    if person is None:
        return Nomination.objects.none()
    return (
        Nomination.objects.for_org(organization)
        .filter(nominee__manager=person)
        .select_related("program", "nominee")
        .order_by("-created_at", "-pk")
    )


def nominations_for_nominee(*, organization, user, pending_only=False):
    """Nominations of the user's own directory record, newest first."""
    nominations = (
        Nomination.objects.for_org(organization)
        .filter(nominee__user=user)
        .select_related("program", "nominee__manager")
        .order_by("-created_at", "-pk")
    )
    if pending_only:
        nominations = nominations.filter(status=Nomination.Status.PENDING)
    return nominations


def roles_offered(program) -> list[tuple[str, str]]:
    """(value, label) of the roles a person may apply for in this program."""
    return [(role, ParticipantRole(role).label) for role in program.roles]
