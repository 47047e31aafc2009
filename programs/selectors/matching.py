"""The ready-to-match pool: what the matching stage reads from recruitment and training."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Enrollment, EnrollmentStatus, ParticipantRole
from .training import missing_training


def matching_pool(program, *, today=None) -> QuerySet[Enrollment]:
    """Approved enrollments of people still in the organization (no exit date on or before
    today) whose intake is filled in (a nominee who accepted but never filled it has nothing to
    match on), and, when the program requires training, only those who completed every module
    for their role; all in one query.

    Each row carries `role` and `effective_capacity`: a mentor's stated capacity or the
    program's default; anyone else's stated capacity, or one.
    """
    today = today or timezone.localdate()
    pool = Enrollment.objects.for_org(program.organization_id).filter(
        Q(person__exit_date__isnull=True) | Q(person__exit_date__gt=today),
        program=program,
        status=EnrollmentStatus.APPROVED,
        intake_submitted_at__isnull=False,
    )
    if program.requires_training:
        pool = pool.exclude(missing_training())
    return (
        pool.select_related("person")
        .annotate(
            effective_capacity=Case(
                When(role=ParticipantRole.MENTOR, then=Coalesce("capacity", Value(program.mentor_default_capacity))),
                default=Coalesce("capacity", Value(1)),
                output_field=IntegerField(),
            )
        )
        .order_by("role", "person__name", "pk")
    )
