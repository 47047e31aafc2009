"""Matching API: criteria and settings. Relative to /api/v1/o/<org_slug>/:

- matching-criteria/: the weighted criteria and hard rules of the programs you manage
  (?program=<id>); create, change, delete. matching-criteria/from-hints/ (POST {"program"})
  turns the program template's matching hints into criteria.
- programs/<id>/matching-settings/: a program's hard rules and matching options (GET, PATCH).
Managers only. Every write goes through matching.services.criteria; its errors name the field
("weight", "mentee_question", "gap_target").
"""

from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from organizations.api_base import (
    TenantModelViewSet,
    TenantPrimaryKeyRelatedField,
    TenantViewSetMixin,
    translate_service_errors,
)
from organizations.permissions import Action
from programs.access import managed_program
from programs.api.design import VisibleProgramField
from programs.models import Program
from surveys.models import Question

from ..cohort import matching_settings_or_default
from ..models import MatchingCriterion, MatchingSettings
from ..services import criteria as services
from ..services.criteria import CRITERION_FIELDS, SETTINGS_FIELDS
from .common import asker, managed_only, require_manage_program


class CriterionSerializer(serializers.ModelSerializer):
    # A draft the caller does not manage fails like a missing id.
    program = VisibleProgramField(queryset=Program.objects.all())
    mentee_question = TenantPrimaryKeyRelatedField(
        queryset=Question.objects.all(),
        allow_null=True,
        required=False,
        help_text="A question of the program's mentee (or peer) intake.",
    )
    mentor_question = TenantPrimaryKeyRelatedField(
        queryset=Question.objects.all(),
        allow_null=True,
        required=False,
        help_text="A question of the program's mentor (or peer) intake.",
    )

    class Meta:
        model = MatchingCriterion
        fields = ["id", "program", *CRITERION_FIELDS, "created_at"]
        read_only_fields = ["id", "created_at"]
        # Ranges and combinations are the service's to check, with its own messages.
        extra_kwargs = {
            "label": {"required": False, "allow_blank": True},
            "weight": {"min_value": None, "max_value": None},
            "gap_tolerance": {"min_value": None},
            "order": {"required": False},
        }

    def get_fields(self):
        fields = super().get_fields()
        for name in ("weight", "gap_tolerance"):
            fields[name].validators = []
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["program"].read_only = True  # a criterion never moves to another program
        return fields


class FromHintsSerializer(serializers.Serializer):
    program = VisibleProgramField(queryset=Program.objects.all())


@extend_schema_view(
    list=extend_schema(description="Criteria of the programs you manage; filter with ?program=<id>."),
    create=extend_schema(description="Add a criterion (or, with `required`, a hard rule) to a program you manage."),
    destroy=extend_schema(description="Delete a criterion; runs already made keep their snapshot of it."),
)
class MatchingCriterionViewSet(TenantModelViewSet):
    """Weighted matching criteria over intake questions or directory fields, and hard rules."""

    queryset = MatchingCriterion.objects.select_related("program")
    serializer_class = CriterionSerializer
    read_action = Action.PROGRAMS_VIEW
    # Program managers may be plain members: each write checks the program itself.
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["program", "kind", "required"]
    ordering_fields = ["order", "weight", "created_at"]

    def refine_queryset(self, queryset):
        return managed_only(self, queryset).order_by("program_id", "order", "pk")

    def get_serializer_class(self):
        return FromHintsSerializer if self.action == "from_hints" else CriterionSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        program = data.pop("program")
        require_manage_program(self, program)
        serializer.instance = translate_service_errors(
            lambda: services.criterion_create(
                organization=self.organization, program=program, user=self.request.user, **data
            )
        )

    def perform_update(self, serializer):
        criterion = serializer.instance
        data = dict(serializer.validated_data)
        data.pop("program", None)
        serializer.instance = translate_service_errors(
            lambda: services.criterion_update(
                organization=self.organization, criterion=criterion, user=self.request.user, **data
            )
        )

    def perform_destroy(self, instance):
        translate_service_errors(
            lambda: services.criterion_delete(
                organization=self.organization, criterion=instance, user=self.request.user
            )
        )

    @extend_schema(
        request=FromHintsSerializer,
        responses={status.HTTP_201_CREATED: CriterionSerializer(many=True)},
        description="Create criteria from the matching hints of the program's template: those whose question keys "
        "or directory fields the program has. Returns the criteria created.",
    )
    @action(detail=False, methods=["post"], url_path="from-hints")
    def from_hints(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        program = body.validated_data["program"]
        require_manage_program(self, program)
        criteria = translate_service_errors(
            lambda: services.criteria_from_hints(organization=self.organization, program=program, user=request.user),
            field="program",
        )
        data = CriterionSerializer(criteria, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class MatchingSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchingSettings
        fields = ["program", *SETTINGS_FIELDS, "updated_at"]
        read_only_fields = ["program", "updated_at"]


@extend_schema(
    parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The program's id.")]
)
@extend_schema_view(
    get=extend_schema(description="The program's hard rules and matching options (the defaults until changed)."),
    patch=extend_schema(description="Change some of the program's matching options."),
    put=extend_schema(description="Change the program's matching options."),
)
class MatchingSettingsView(TenantViewSetMixin, generics.RetrieveUpdateAPIView):
    """A program's matching settings: mode (managed or self-match), minimum score, hard rules. Managers only."""

    queryset = MatchingSettings.objects.all()
    serializer_class = MatchingSettingsSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW

    def get_object(self):
        program = managed_program(asker(self), self.kwargs["pk"])
        # Reading never writes: until a manager changes them, these are the unsaved defaults.
        return matching_settings_or_default(program)

    def perform_update(self, serializer):
        serializer.instance = translate_service_errors(
            lambda: services.matching_settings_update(
                organization=self.organization,
                program=serializer.instance.program,
                user=self.request.user,
                **serializer.validated_data,
            )
        )


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("matching-criteria", MatchingCriterionViewSet, basename="matching-criterion")

urlpatterns = [
    path("programs/<int:pk>/matching-settings/", MatchingSettingsView.as_view(), name="program-matching-settings"),
    path("", include(router.urls)),
]
