"""Program API: design. Relative to /api/v1/o/<org_slug>/:

- programs/: the programs this caller may see (drafts only for their managers); create (those
  who may create programs), retrieve, update (the program's managers). Actions:
  programs/<id>/transition/ (POST {"status", "note"}), programs/<id>/copy-cycle/,
  programs/<id>/audience-count/ (GET), programs/from-template/ (POST {"template", "name",
  "start_date"}), programs/templates/ (GET, the catalog).
- objectives/: a program's SMART objectives (?program=<id>).
- program-managers/: who manages which program (?program=<id>); add or remove.
Every write goes through programs.services.design; its errors name the field ("end_date",
"status", "audience.level_max").
"""

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.urls import include, path
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from organizations.api_base import (
    TenantModelViewSet,
    TenantPrimaryKeyRelatedField,
    TenantViewSetMixin,
    translate_service_errors,
)
from organizations.models import Person
from organizations.permissions import Action, can, can_manage_program
from surveys.access import manageable_questionnaires
from surveys.models import Questionnaire

from ..access import visible_programs
from ..audience import audience_count
from ..catalog import TEMPLATES
from ..models import MentoringModel, Objective, ParticipantRole, Program, ProgramManager, ProgramStatus
from ..services import design as services
from ..services.design import PROGRAM_FIELDS

MANAGE_MESSAGE = "Only this program's managers and organization admins can do this."


def _require_manage(viewset, program):
    if not can_manage_program(viewset.membership, program):
        raise PermissionDenied(MANAGE_MESSAGE)


def _require_create(viewset):
    if not can(viewset.membership, Action.PROGRAMS_CREATE):
        raise PermissionDenied("Only organization admins and owners can create programs.")


def _visible(queryset, *, organization, membership):
    """The programs of `queryset` the member may see, by the one rule in programs.access.

    DRF hands a cloned request (without the organization) to OPTIONS, so the rule is asked with
    the viewset's own organization and membership.
    """
    asker = SimpleNamespace(organization=organization, membership=membership, user=membership.user)
    return queryset.filter(pk__in=visible_programs(asker).values("pk"))


def _visible_to(viewset, queryset):
    return _visible(queryset, organization=viewset.organization, membership=viewset.membership)


# --- programs -----------------------------------------------------------------------------


class AudienceRulesSerializer(serializers.Serializer):
    """The shape of a program's audience (documentation; programs/audience.py validates it)."""

    departments = serializers.ListField(child=serializers.CharField(), required=False)
    level_min = serializers.IntegerField(allow_null=True, required=False)
    level_max = serializers.IntegerField(allow_null=True, required=False)
    locations = serializers.ListField(child=serializers.CharField(), required=False)
    hired_after = serializers.DateField(allow_null=True, required=False, help_text="Hired strictly after this day.")
    hired_before = serializers.DateField(allow_null=True, required=False, help_text="Hired strictly before this day.")
    tenure_months_min = serializers.IntegerField(allow_null=True, required=False)
    tenure_months_max = serializers.IntegerField(allow_null=True, required=False)
    custom = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text='Custom directory attribute -> accepted values, e.g. {"cohort": ["2025"]}.',
    )


@extend_schema_field(AudienceRulesSerializer)
class AudienceField(serializers.JSONField):
    """The audience rules as JSON; the service validates them, so errors read "audience.<rule>"."""


@extend_schema_field({"type": "array", "items": {"type": "object", "additionalProperties": True}})
class ObjectListField(serializers.JSONField):
    """A list of JSON objects (matching hints, discussion prompts)."""


class ManageableQuestionnaireField(TenantPrimaryKeyRelatedField):
    """An intake questionnaire the caller may link: another program's answers stay out of reach."""

    def get_queryset(self):
        queryset = super().get_queryset()
        membership = self.context.get("membership")
        return manageable_questionnaires(membership, queryset) if membership is not None else queryset.none()


class ProgramSerializer(serializers.ModelSerializer):
    executive_sponsor = TenantPrimaryKeyRelatedField(queryset=Person.objects.all(), allow_null=True, required=False)
    mentor_questionnaire = ManageableQuestionnaireField(
        queryset=Questionnaire.objects.all(), allow_null=True, required=False
    )
    mentee_questionnaire = ManageableQuestionnaireField(
        queryset=Questionnaire.objects.all(), allow_null=True, required=False
    )
    peer_questionnaire = ManageableQuestionnaireField(
        queryset=Questionnaire.objects.all(), allow_null=True, required=False
    )
    audience = AudienceField(required=False)
    matching_hints = ObjectListField(required=False)
    discussion_prompts = ObjectListField(required=False)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=ParticipantRole.choices),
        read_only=True,
        help_text="The roles participants take in this model.",
    )

    class Meta:
        model = Program
        fields = ["id", "status", "roles", *PROGRAM_FIELDS, "template_key", "copied_from", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "roles", "template_key", "copied_from", "created_at", "updated_at"]
        # Ranges are the service's to check, so every refusal carries its clear message.
        extra_kwargs = {
            "name": {"allow_blank": True},
            "mentor_default_capacity": {"min_value": None, "max_value": None},
            "cadence_weeks": {"min_value": None, "max_value": None},
            "meeting_minutes": {"min_value": None, "max_value": None},
            "group_size_min": {"min_value": None},
            "group_size_max": {"min_value": None},
        }

    def get_fields(self):
        fields = super().get_fields()
        # Positive fields would refuse -1 with a generic message; the service says what is wrong.
        for name in ("mentor_default_capacity", "cadence_weeks", "meeting_minutes", "group_size_min", "group_size_max"):
            fields[name].validators = []
        return fields


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProgramStatus.choices, help_text="The status to move to.")
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="Why, for the history.")


class CopyCycleSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    start_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Default: the day after this cycle ends."
    )


class FromTemplateSerializer(serializers.Serializer):
    template = serializers.CharField(help_text=f"One of: {', '.join(TEMPLATES)} (see programs/templates/).")
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    start_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Default: the first Monday two weeks from today."
    )


class AudienceCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Active people in the directory who match the audience today.")
    audience = AudienceRulesSerializer()


class TemplateSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    tagline = serializers.CharField()
    description = serializers.CharField()
    best_for = serializers.CharField()
    model = serializers.ChoiceField(choices=MentoringModel.choices)
    duration_weeks = serializers.IntegerField()
    cadence_weeks = serializers.IntegerField()
    meeting_minutes = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(description="Programs you may see: every non-draft program, and drafts you manage."),
    create=extend_schema(description="Create a draft program; you become its first manager."),
    update=extend_schema(description="Change a program's design (its managers only). The status moves by transition."),
    partial_update=extend_schema(description="Change some of a program's design fields (its managers only)."),
)
class ProgramViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Mentoring programs and their design."""

    queryset = Program.objects.all()
    serializer_class = ProgramSerializer
    read_action = Action.PROGRAMS_VIEW
    # Program managers may be plain members: each write checks the program (or creation) itself.
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["status", "model"]
    search_fields = ["name", "description"]
    ordering_fields = ["created_at", "name", "start_date"]

    def refine_queryset(self, queryset):
        return _visible_to(self, queryset)

    def perform_create(self, serializer):
        _require_create(self)
        serializer.instance = translate_service_errors(
            lambda: services.program_create(
                organization=self.organization, actor=self.request.user, data=serializer.validated_data
            )
        )

    def perform_update(self, serializer):
        _require_manage(self, serializer.instance)
        serializer.instance = translate_service_errors(
            lambda: services.program_update(
                organization=self.organization,
                program=serializer.instance,
                data=serializer.validated_data,
                actor=self.request.user,
            )
        )

    def _created(self, program):
        return Response(ProgramSerializer(program, context=self.get_serializer_context()).data, status.HTTP_201_CREATED)

    @extend_schema(
        request=TransitionSerializer,
        responses=ProgramSerializer,
        description="Move the program one step in its lifecycle (draft → recruiting → matching → active → "
        "closed, or one step back before it runs). Refusals name `status` and say what is missing.",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        program = self.get_object()
        _require_manage(self, program)
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        translate_service_errors(
            lambda: services.program_transition(
                organization=self.organization,
                program=program,
                to_status=body.validated_data["status"],
                actor=request.user,
                note=body.validated_data["note"],
            ),
            field="status",
        )
        return Response(self.get_serializer(program).data)

    @extend_schema(
        request=CopyCycleSerializer,
        responses={201: ProgramSerializer},
        description="Copy the program into a new draft cycle: settings, objectives (deadlines moved with the "
        "dates), fresh copies of the intake questionnaires and training modules, the same managers; no people.",
    )
    @action(detail=True, methods=["post"], url_path="copy-cycle")
    def copy_cycle(self, request, *args, **kwargs):
        program = self.get_object()
        _require_manage(self, program)
        _require_create(self)
        body = CopyCycleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        copy = translate_service_errors(
            lambda: services.program_copy_cycle(
                organization=self.organization,
                program=program,
                actor=request.user,
                name=body.validated_data["name"],
                start_date=body.validated_data["start_date"],
            )
        )
        return self._created(copy)

    @extend_schema(
        request=FromTemplateSerializer,
        responses={201: ProgramSerializer},
        description="Create a complete draft from a template: objectives, cadence, guidelines, handbook, intake "
        "questionnaires, training modules, matching hints and discussion prompts.",
    )
    @action(detail=False, methods=["post"], url_path="from-template")
    def from_template(self, request, *args, **kwargs):
        _require_create(self)
        body = FromTemplateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        program = translate_service_errors(
            lambda: services.program_create_from_template(
                organization=self.organization,
                template_key=body.validated_data["template"],
                actor=request.user,
                name=body.validated_data["name"],
                start_date=body.validated_data["start_date"],
            )
        )
        return self._created(program)

    @extend_schema(responses=TemplateSerializer(many=True), description="The program templates to create drafts from.")
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def templates(self, request, *args, **kwargs):
        return Response(TemplateSerializer(TEMPLATES.values(), many=True).data)

    @extend_schema(
        responses=AudienceCountSerializer,
        description="How many active people in the directory match the program's audience today (its managers).",
    )
    @action(detail=True, methods=["get"], url_path="audience-count", filter_backends=[])
    def audience_count(self, request, *args, **kwargs):
        program = self.get_object()
        _require_manage(self, program)
        count = audience_count(organization=self.organization, rules=program.audience)
        return Response({"count": count, "audience": program.audience})


# --- objectives ---------------------------------------------------------------------------


class VisibleProgramField(TenantPrimaryKeyRelatedField):
    """A program in a request body: one of the organization's that the caller may see.

    A draft the caller does not manage fails exactly like a missing id, as its page does.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        membership = self.context.get("membership")
        if membership is None:
            return queryset.none()
        return _visible(queryset, organization=self.context["organization"], membership=membership)


class ObjectiveSerializer(serializers.ModelSerializer):
    program = VisibleProgramField(queryset=Program.objects.all())

    class Meta:
        model = Objective
        fields = [
            "id",
            "program",
            "metric",
            "custom_name",
            "unit",
            "baseline",
            "target",
            "deadline",
            "rationale",
            "order",
        ]
        read_only_fields = ["id"]
        # Requirements are the service's (a custom metric's name and unit, SMART target and deadline).
        extra_kwargs = {
            "target": {"required": False, "allow_null": True},
            "deadline": {"required": False, "allow_null": True},
            "rationale": {"required": False},
            "order": {"required": False},
        }

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["program"].read_only = True  # an objective never moves to another program
        return fields


@extend_schema_view(
    list=extend_schema(description="Objectives of the programs you may see; filter with ?program=<id>."),
    create=extend_schema(description="Add a SMART objective to a program you manage."),
)
class ObjectiveViewSet(TenantModelViewSet):
    """SMART objectives: a metric, baseline, target, deadline and rationale. Reports measure against them."""

    queryset = Objective.objects.select_related("program")
    serializer_class = ObjectiveSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["program", "metric"]
    ordering_fields = ["order", "deadline"]

    def refine_queryset(self, queryset):
        programs = _visible_to(self, Program.objects.all())
        return queryset.filter(program__in=programs).order_by("program_id", "order", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        program = data.pop("program")
        _require_manage(self, program)
        serializer.instance = translate_service_errors(
            lambda: services.objective_create(organization=self.organization, program=program, data=data)
        )

    def perform_update(self, serializer):
        _require_manage(self, serializer.instance.program)
        serializer.instance = translate_service_errors(
            lambda: services.objective_update(
                organization=self.organization, objective=serializer.instance, data=serializer.validated_data
            )
        )

    def perform_destroy(self, instance):
        _require_manage(self, instance.program)
        translate_service_errors(lambda: services.objective_delete(organization=self.organization, objective=instance))


# --- program managers -----------------------------------------------------------------------


class MemberField(serializers.PrimaryKeyRelatedField):
    """A user id, looked up only among the members of the request's organization."""

    def get_queryset(self):
        organization = self.context.get("organization")
        users = get_user_model().objects.all()
        return users.none() if organization is None else users.filter(memberships__organization=organization)


class ProgramManagerSerializer(serializers.ModelSerializer):
    program = VisibleProgramField(queryset=Program.objects.all())
    user = MemberField(help_text="A member of this organization (a user id, as in members/).")
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = ProgramManager
        fields = ["id", "program", "user", "email", "created_at"]
        read_only_fields = ["id", "email", "created_at"]
        validators = []  # the service makes adding an existing manager a no-op, not an error


@extend_schema_view(
    list=extend_schema(description="Who manages the programs you may see; filter with ?program=<id>."),
    create=extend_schema(description="Make a member of the organization a manager of a program you manage."),
    destroy=extend_schema(description="Remove a program manager. Organization admins keep managing every program."),
)
class ProgramManagerViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The per-program manager role."""

    queryset = ProgramManager.objects.select_related("program", "user")
    serializer_class = ProgramManagerSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["program"]
    ordering_fields = ["created_at"]

    def refine_queryset(self, queryset):
        return queryset.filter(program__in=_visible_to(self, Program.objects.all())).order_by("program_id", "pk")

    def perform_create(self, serializer):
        program = serializer.validated_data["program"]
        _require_manage(self, program)
        serializer.instance = translate_service_errors(
            lambda: services.program_manager_add(
                organization=self.organization, program=program, user=serializer.validated_data["user"]
            )
        )

    def perform_destroy(self, instance):
        _require_manage(self, instance.program)
        services.program_manager_remove(organization=self.organization, manager=instance)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("programs", ProgramViewSet, basename="program")
router.register("objectives", ObjectiveViewSet, basename="objective")
router.register("program-managers", ProgramManagerViewSet, basename="program-manager")

urlpatterns = [path("", include(router.urls))]
