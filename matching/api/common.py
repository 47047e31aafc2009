"""What the matching endpoints share: who manages what, the caller's own enrollments, summaries.

Manager-only endpoints list only the rows of programs the caller manages (every program for
organization admins), so a run of someone else's program answers 404 like a missing one;
writes check the program with `programs.access.require_manage` (a 403 for a member who can
see the program but does not manage it). Participant endpoints list only the caller's own rows.
"""

from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.api_base import TenantPrimaryKeyRelatedField
from organizations.permissions import Action, can
from programs.access import require_manage
from programs.models import Enrollment, ProgramManager


def manages_q(viewset, program_id_path="program_id"):
    """A Q for "the caller manages the row's program" (every program for organization admins)."""
    if can(viewset.membership, Action.PROGRAM_MANAGE):
        return Q(pk__isnull=False)  # not Q(): an empty Q vanishes when OR-ed with another
    managed = ProgramManager.objects.for_org(viewset.organization).filter(
        program_id=OuterRef(program_id_path), user_id=viewset.membership.user_id
    )
    return Q(Exists(managed))


def managed_only(viewset, queryset, program_id_path="program_id"):
    """The rows of `queryset` whose program the caller manages."""
    return queryset.filter(manages_q(viewset, program_id_path))


def asker(viewset):
    """Who is asking, for the programs.access rules: DRF hands OPTIONS a cloned request without the
    organization, so the rules are asked with the viewset's own organization and membership."""
    membership = viewset.membership
    return SimpleNamespace(organization=viewset.organization, membership=membership, user=membership.user)


def require_manage_program(viewset, program):
    require_manage(asker(viewset), program)


def own_enrollments(organization, user):
    """The caller's own enrollments (their directory record's), in every program."""
    return Enrollment.objects.for_org(organization).filter(person__user=user)


class OwnEnrollmentField(TenantPrimaryKeyRelatedField):
    """One of the caller's own enrollments: anyone else's fails exactly like a missing id."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.filter(person__user=request.user)


class EnrollmentSummarySerializer(serializers.Serializer):
    """Who someone is in a program, as the other side and the manager read it."""

    enrollment = serializers.IntegerField(source="pk")
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")
    title = serializers.CharField(source="person.title")
    department = serializers.CharField(source="person.department")
    role = serializers.CharField()


@extend_schema_field({"type": "object", "additionalProperties": True})
class ObjectField(serializers.JSONField):
    """A JSON object (a run's metrics)."""


@extend_schema_field({"type": "array", "items": {"type": "object", "additionalProperties": True}})
class ObjectListField(serializers.JSONField):
    """A list of JSON objects (the reasons of a score)."""
