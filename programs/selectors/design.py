"""Reads for program design: lists with counts, readiness for the next step, the overview."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from organizations.models import Membership, Person
from surveys.models import Question

from ..models import (
    GROUP_MODELS,
    Enrollment,
    EnrollmentStatus,
    Objective,
    ParticipantRole,
    ProgramManager,
    ProgramStatus,
    ProgramStatusChange,
    TrainingModule,
)

# The order a program goes through, for the lifecycle stepper.
LIFECYCLE = (
    ProgramStatus.DRAFT,
    ProgramStatus.RECRUITING,
    ProgramStatus.MATCHING,
    ProgramStatus.ACTIVE,
    ProgramStatus.CLOSED,
)
ROLE_PLURALS = {ParticipantRole.MENTOR: "mentors", ParticipantRole.MENTEE: "mentees", ParticipantRole.PEER: "peers"}


@dataclass(frozen=True)
class Check:
    label: str  # what the checklist shows
    ok: bool
    message: str = ""  # what to do about it, when not ok
    blocking: bool = True  # False: recommended, the step is allowed anyway


def _questionnaire_question_counts(organization_id, questionnaire_ids):
    rows = (
        Question.objects.for_org(organization_id)
        .filter(questionnaire_id__in=questionnaire_ids, retired=False)
        .values("questionnaire_id")
        .annotate(n=Count("pk"))
    )
    return {row["questionnaire_id"]: row["n"] for row in rows}


def _recruiting_checks(program, today):
    """What a program needs before people can be asked to join it.

    - Dates: people decide whether to join by the commitment, and objectives count from them.
    - An intake questionnaire with questions for every role: matching reads the answers, and
      an intake added after people applied would leave the early applicants unmatched.
    - Group sizes for group models, so matching knows what to build.
    - When training is required, a module for every role: otherwise "trained" means nothing.
    - Recommended only: an objective (reports measure against it) and the participant texts.
    """
    checks = []
    organization_id = program.organization_id
    if not (program.start_date and program.end_date):
        checks.append(
            Check("Start and end dates", False, "Set the start and end dates: people want to know the commitment.")
        )
    elif program.end_date < today:
        checks.append(Check("Start and end dates", False, "The end date has passed: move it into the future."))
    else:
        checks.append(Check("Start and end dates", True))

    questionnaires = {role: program.questionnaire_for(role) for role in program.roles}
    counts = _questionnaire_question_counts(organization_id, [q.pk for q in questionnaires.values() if q])
    for role, questionnaire in questionnaires.items():
        label = f"Intake questionnaire for {ROLE_PLURALS[role]}"
        if questionnaire is None:
            checks.append(Check(label, False, f"Choose an intake questionnaire for {ROLE_PLURALS[role]}."))
        elif not counts.get(questionnaire.pk):
            checks.append(Check(label, False, f"The {ROLE_PLURALS[role]}' intake questionnaire has no questions yet."))
        else:
            checks.append(Check(label, True))

    if program.model in GROUP_MODELS:
        ok = program.group_size_min is not None and program.group_size_max is not None
        checks.append(Check("Group size range", ok, "" if ok else "Set the smallest and largest group size."))

    if program.requires_training:
        trained_roles = set(
            TrainingModule.objects.for_org(organization_id)
            .filter(program_id=program.pk)
            .values_list("role", flat=True)
            .distinct()
        )
        for role in program.roles:
            ok = bool(trained_roles & {"", role})
            message = (
                ""
                if ok
                else f"Training is required, but there is no module for {ROLE_PLURALS[role]}: "
                "add one or stop requiring training."
            )
            checks.append(Check(f"Training for {ROLE_PLURALS[role]}", ok, message))

    has_objective = Objective.objects.for_org(organization_id).filter(program_id=program.pk).exists()
    checks.append(
        Check(
            "At least one objective",
            has_objective,
            "" if has_objective else "Add a SMART objective, so reports can show whether the program works.",
            blocking=False,
        )
    )
    texts = bool(program.description.strip() and program.ground_rules.strip() and program.confidentiality.strip())
    checks.append(
        Check(
            "Description, ground rules and confidentiality",
            texts,
            "" if texts else "Write what participants read before they join.",
            blocking=False,
        )
    )
    return checks


def _matching_checks(program, today):
    """Matching needs someone to match: approved mentors and mentees, or at least two peers."""
    approved = dict(
        Enrollment.objects.for_org(program.organization_id)
        .filter(
            Q(person__exit_date__isnull=True) | Q(person__exit_date__gt=today),
            program_id=program.pk,
            status=EnrollmentStatus.APPROVED,
        )
        .values("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    needed = {ParticipantRole.PEER: 2} if program.roles == [ParticipantRole.PEER] else dict.fromkeys(program.roles, 1)
    checks = []
    for role, minimum in needed.items():
        have = approved.get(role, 0)
        plural = ROLE_PLURALS[role]
        ok = have >= minimum
        message = "" if ok else f"Approve at least {minimum} {plural if minimum > 1 else plural[:-1]} first."
        checks.append(Check(f"Approved {plural} ({have})", ok, message))
    return checks


def readiness_checks(*, program, to_status, today=None) -> list[Check]:
    """Every check for moving `program` to `to_status`, passed or not, for a checklist."""
    today = today or timezone.localdate()
    if program.status == ProgramStatus.DRAFT and to_status == ProgramStatus.RECRUITING:
        return _recruiting_checks(program, today)
    if program.status == ProgramStatus.RECRUITING and to_status == ProgramStatus.MATCHING:
        return _matching_checks(program, today)
    return []


def program_readiness(*, program, to_status, today=None) -> list[Check]:
    """The blocking checks that fail: empty when the program may take the step."""
    return [c for c in readiness_checks(program=program, to_status=to_status, today=today) if c.blocking and not c.ok]


def next_forward_status(status):
    index = LIFECYCLE.index(status)
    return LIFECYCLE[index + 1] if index + 1 < len(LIFECYCLE) else None


# --- lists and overview -----------------------------------------------------------------------


def _count(queryset):
    counted = queryset.order_by().values("program_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def program_cards(*, programs):
    """Programs with the counts a list shows, in one query whatever the number of programs."""
    enrollments = Enrollment.objects.filter(organization_id=OuterRef("organization_id"), program_id=OuterRef("pk"))
    return programs.annotate(
        applied_count=_count(enrollments.filter(status=EnrollmentStatus.APPLIED)),
        approved_count=_count(enrollments.filter(status=EnrollmentStatus.APPROVED)),
        objective_count=_count(
            Objective.objects.filter(organization_id=OuterRef("organization_id"), program_id=OuterRef("pk"))
        ),
    ).order_by("-created_at", "pk")


def enrollment_counts(*, program) -> dict:
    rows = (
        Enrollment.objects.for_org(program.organization_id)
        .filter(program_id=program.pk)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = dict.fromkeys(EnrollmentStatus.values, 0)
    counts.update(dict(rows))
    return counts


def program_objectives(*, program):
    return Objective.objects.for_org(program.organization_id).filter(program_id=program.pk).order_by("order", "pk")


def program_managers(*, program):
    return (
        ProgramManager.objects.for_org(program.organization_id)
        .filter(program_id=program.pk)
        .select_related("user")
        .order_by("user__email", "pk")
    )


def program_status_history(*, program, limit=20):
    return (
        ProgramStatusChange.objects.for_org(program.organization_id)
        .filter(program_id=program.pk)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")[:limit]
    )


def manager_candidates(*, program):
    """Members of the organization who do not manage this program yet, by email."""
    current = ProgramManager.objects.for_org(program.organization_id).filter(program_id=program.pk).values("user_id")
    return (
        Membership.objects.for_org(program.organization_id)
        .exclude(user_id__in=current)
        .select_related("user")
        .order_by("user__email")
    )


def audience_options(*, organization):
    """Departments and locations present in the directory, for the audience editor."""

    def distinct(field):
        return list(
            Person.objects.for_org(organization)
            .exclude(**{field: ""})
            .order_by(field)
            .values_list(field, flat=True)
            .distinct()
        )

    return {"departments": distinct("department"), "locations": distinct("location")}
