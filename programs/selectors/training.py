"""Reads about training: which modules a participant owes, and who has completed what.

"Complete" means a passed TrainingCompletion for every module of the enrollment's program
that is for everyone or for the enrollment's role. The same rule is written once in SQL
(`missing_training`), used by the matching pool and the overview counts alike.
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from ..models import Enrollment, EnrollmentStatus, TrainingCompletion, TrainingModule

# Whose training a manager follows: everyone still in, or on the way in.
OVERVIEW_STATUSES = (EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED)


def _for_role(role_ref):
    return Q(role="") | Q(role=role_ref)


def modules_for(enrollment) -> QuerySet[TrainingModule]:
    """The modules this enrollment's person must complete, in the program's order."""
    return TrainingModule.objects.for_org(enrollment.organization_id).filter(
        _for_role(enrollment.role), program_id=enrollment.program_id
    )


def required_modules_ref() -> QuerySet[TrainingModule]:
    """Modules owed by the enrollment at OuterRef (for subqueries over Enrollment)."""
    return TrainingModule.objects.filter(
        _for_role(OuterRef("role")),
        organization_id=OuterRef("organization_id"),
        program_id=OuterRef("program_id"),
    )


def _passed_ref() -> QuerySet[TrainingCompletion]:
    """Passed completions of the enrollment at OuterRef, of modules it still owes."""
    return TrainingCompletion.objects.filter(
        Q(module__role="") | Q(module__role=OuterRef("role")),
        organization_id=OuterRef("organization_id"),
        enrollment_id=OuterRef("pk"),
        module__program_id=OuterRef("program_id"),
        passed=True,
    )


def missing_training() -> Exists:
    """True for an Enrollment row that still owes at least one module."""
    passed = TrainingCompletion.objects.filter(
        organization_id=OuterRef(OuterRef("organization_id")), enrollment_id=OuterRef(OuterRef("pk")), passed=True
    ).values("module_id")
    return Exists(required_modules_ref().exclude(pk__in=passed))


def _count(queryset):
    counted = queryset.order_by().values("organization_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_training_counts(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Annotate `training_required` and `training_completed` (module counts) in SQL."""
    return enrollments.annotate(
        training_required=_count(required_modules_ref()), training_completed=_count(_passed_ref())
    )


def training_status(enrollment) -> dict:
    """{"required", "completed", "complete", "modules": [(module, completion or None)]}; two queries."""
    modules = list(modules_for(enrollment))
    completions = {
        c.module_id: c
        for c in TrainingCompletion.objects.for_org(enrollment.organization_id).filter(
            enrollment=enrollment, module__in=[m.pk for m in modules]
        )
    }
    rows = [(module, completions.get(module.pk)) for module in modules]
    completed = sum(1 for _, completion in rows if completion is not None and completion.passed)
    return {"required": len(modules), "completed": completed, "complete": completed == len(modules), "modules": rows}


def training_enrollments(program, *, role="", statuses=OVERVIEW_STATUSES) -> QuerySet[Enrollment]:
    """The program's enrollments a manager follows, with their training counts, by name."""
    enrollments = Enrollment.objects.for_org(program.organization_id).filter(program=program, status__in=statuses)
    if role:
        enrollments = enrollments.filter(role=role)
    return with_training_counts(enrollments.select_related("person")).order_by("person__name", "pk")


def program_training_overview(program, *, role="", enrollments=None) -> dict:
    """Who completed what, in three queries whatever the number of people.

    `enrollments` (e.g. one page of `training_enrollments`) defaults to all of them. Returns
    {"modules": [...], "rows": [{"enrollment", "required", "completed", "complete",
    "cells": [(module, completion or None, owed)]}]}; `owed` is False where a module is for
    another role.
    """
    modules = list(TrainingModule.objects.for_org(program.organization_id).filter(program=program))
    if enrollments is None:
        enrollments = training_enrollments(program, role=role)
    enrollments = list(enrollments)
    completions = {}
    if enrollments and modules:
        for completion in TrainingCompletion.objects.for_org(program.organization_id).filter(
            enrollment__in=[e.pk for e in enrollments], module__program=program
        ):
            completions[(completion.enrollment_id, completion.module_id)] = completion
    rows = []
    for enrollment in enrollments:
        cells, required, completed = [], 0, 0
        for module in modules:
            owed = not module.role or module.role == enrollment.role
            completion = completions.get((enrollment.pk, module.pk))
            required += owed
            completed += bool(owed and completion and completion.passed)
            cells.append((module, completion, owed))
        rows.append(
            {
                "enrollment": enrollment,
                "required": required,
                "completed": completed,
                "complete": completed == required,
                "cells": cells,
            }
        )
    return {"modules": modules, "rows": rows}
