"""Program API: training modules, completions, and the ready-to-match pool.

Relative to /api/v1/o/<org_slug>/:
- training-modules/: managers of a program create, change, reorder and delete its modules;
  participants list the modules owed by their role, with the quiz but without its answers.
- training-completions/: a participant submits an attempt for themselves (the score is
  computed by the server); managers list completions of their programs, participants their own.
- programs/<pk>/matching-pool/: managers read who is ready to match.
Every write goes through programs.services.training; its errors name the field ("quiz.1.answer").
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from organizations.api_base import (
    TenantModelViewSet,
    TenantPrimaryKeyRelatedField,
    TenantViewSetMixin,
    translate_service_errors,
)
from organizations.permissions import Action, can, can_manage_program

from ..access import program_for, require_manage
from ..markdown import render_markdown
from ..models import Enrollment, ParticipantRole, Program, ProgramManager, TrainingCompletion, TrainingModule
from ..selectors.matching import matching_pool
from ..services import training as training_services
from ..services.training import TRAINABLE_STATUSES
from .design import VisibleProgramField


def _require_manage(viewset, program):
    if not can_manage_program(viewset.membership, program):
        raise PermissionDenied("Only this program's managers and organization admins can do this.")


def _own_enrollments(organization, user):
    return Enrollment.objects.for_org(organization).filter(person__user=user, status__in=TRAINABLE_STATUSES)


# --- modules -----------------------------------------------------------------------------


class QuizQuestionSerializer(serializers.Serializer):
    question = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField(), min_length=2)
    answer = serializers.IntegerField(
        min_value=0, help_text="Index of the right choice, from 0. Only managers of the program see it."
    )


@extend_schema_field(QuizQuestionSerializer(many=True))
class QuizField(serializers.JSONField):
    """The quiz as JSON, validated by the service so errors read "quiz.<i>.<key>"."""


class TrainingModuleSerializer(serializers.ModelSerializer):
    # A draft the caller does not manage fails like a missing id, not with a telling 403.
    program = VisibleProgramField(queryset=Program.objects.all())
    quiz = QuizField(required=False, default=list)
    content_html = serializers.SerializerMethodField(help_text="The Markdown content, rendered and sanitized.")
    order = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="Position; new modules go last by default."
    )

    class Meta:
        model = TrainingModule
        fields = [
            "id",
            "program",
            "role",
            "title",
            "content",
            "content_html",
            "quiz",
            "pass_mark",
            "requires_acknowledgement",
            "order",
        ]
        # Length and range are the service's to check, with its own messages.
        extra_kwargs = {
            "title": {"max_length": None, "allow_blank": True},
            "content": {"allow_blank": True},
            "pass_mark": {"min_value": None, "max_value": None},
        }

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["program"].read_only = True  # a module never moves to another program
        return fields

    def get_content_html(self, obj) -> str:
        return str(render_markdown(obj.content))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        view = self.context.get("view")
        # The answers are for the program's managers; anyone else gets the questions only.
        if view is None or not view.manages(instance.program):
            data["quiz"] = [{"question": q["question"], "choices": q["choices"]} for q in instance.quiz]
        return data


class ReorderSerializer(serializers.Serializer):
    program = VisibleProgramField(queryset=Program.objects.all())
    modules = serializers.ListField(child=serializers.IntegerField(), help_text="Every module id, in the new order.")


@extend_schema_view(
    list=extend_schema(
        description="Managers see every module of their programs; participants the modules owed by their role."
    ),
    create=extend_schema(description="Add a module to a program you manage."),
    destroy=extend_schema(description="Delete a module nobody has completed; once someone has, it is refused."),
)
class TrainingModuleViewSet(TenantModelViewSet):
    """Training modules: Markdown content, an optional quiz with a pass mark, an acknowledgement."""

    queryset = TrainingModule.objects.select_related("program")
    serializer_class = TrainingModuleSerializer
    read_action = Action.PROGRAMS_VIEW
    # Program managers may be plain members: each write checks can_manage_program for its program.
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["program", "role"]
    search_fields = ["title"]
    ordering_fields = ["order", "title"]

    def manages(self, program) -> bool:
        cache = self.__dict__.setdefault("_manages", {})
        if program.pk not in cache:
            cache[program.pk] = can_manage_program(self.membership, program)
        return cache[program.pk]

    def refine_queryset(self, queryset):
        user = self.request.user
        if can(self.membership, Action.PROGRAM_MANAGE):
            return queryset.order_by("program_id", "order", "pk")
        managed = ProgramManager.objects.for_org(self.organization).filter(program_id=OuterRef("program_id"), user=user)
        mine = _own_enrollments(self.organization, user).filter(program_id=OuterRef("program_id"))
        visible = Q(Exists(managed)) | (Q(role="") & Q(Exists(mine))) | Q(Exists(mine.filter(role=OuterRef("role"))))
        return queryset.filter(visible).order_by("program_id", "order", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        program = data.pop("program")
        _require_manage(self, program)
        serializer.instance = translate_service_errors(
            lambda: training_services.training_module_create(organization=self.organization, program=program, **data)
        )

    def perform_update(self, serializer):
        module = serializer.instance
        _require_manage(self, module.program)
        data = dict(serializer.validated_data)
        data.pop("program", None)
        serializer.instance = translate_service_errors(
            lambda: training_services.training_module_update(organization=self.organization, module=module, **data)
        )

    def perform_destroy(self, instance):
        _require_manage(self, instance.program)
        translate_service_errors(
            lambda: training_services.training_module_delete(organization=self.organization, module=instance)
        )

    @extend_schema(request=ReorderSerializer, responses=TrainingModuleSerializer(many=True))
    @action(detail=False, methods=["post"])
    def reorder(self, request, *args, **kwargs):
        """Put a program's modules in a new order: `modules` lists each of its module ids once."""
        body = ReorderSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        program = body.validated_data["program"]
        _require_manage(self, program)
        modules = translate_service_errors(
            lambda: training_services.training_module_reorder(
                organization=self.organization, program=program, module_ids=body.validated_data["modules"]
            )
        )
        return Response(self.get_serializer(modules, many=True).data)


# --- completions -------------------------------------------------------------------------


class AttemptSerializer(serializers.Serializer):
    score = serializers.IntegerField(allow_null=True, help_text="This attempt's score in percent; null without a quiz.")
    passed = serializers.BooleanField()
    wrong = serializers.ListField(
        child=serializers.IntegerField(), help_text="Indexes of the questions answered wrongly (not the answers)."
    )


class TrainingCompletionSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="enrollment.person_id", read_only=True)
    person_name = serializers.CharField(source="enrollment.person.name", read_only=True)
    program = serializers.IntegerField(source="module.program_id", read_only=True)

    class Meta:
        model = TrainingCompletion
        fields = [
            "id",
            "module",
            "program",
            "enrollment",
            "person",
            "person_name",
            "score",
            "passed",
            "attempts",
            "acknowledged_at",
            "completed_at",
        ]
        read_only_fields = fields


class TrainingSubmitSerializer(serializers.Serializer):
    module = TenantPrimaryKeyRelatedField(queryset=TrainingModule.objects.select_related("program"))
    quiz_answers = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="The index of the chosen answer for each question, in order.",
    )
    acknowledged = serializers.BooleanField(default=False, help_text="Required when the module asks for it.")


class TrainingSubmitResultSerializer(TrainingCompletionSerializer):
    attempt = AttemptSerializer(read_only=True)

    class Meta(TrainingCompletionSerializer.Meta):
        fields = [*TrainingCompletionSerializer.Meta.fields, "attempt"]
        read_only_fields = fields


class TrainingCompletionViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Training completions: one per module and enrollment, with attempts and the best score."""

    queryset = TrainingCompletion.objects.select_related("module", "enrollment__person")
    serializer_class = TrainingCompletionSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    filterset_fields = ["module", "enrollment", "passed"]
    ordering_fields = ["completed_at", "score"]

    def refine_queryset(self, queryset):
        user = self.request.user
        if can(self.membership, Action.PROGRAM_MANAGE):
            return queryset.order_by("pk")
        managed = ProgramManager.objects.for_org(self.organization).filter(
            program_id=OuterRef("module__program_id"), user=user
        )
        return queryset.filter(Q(Exists(managed)) | Q(enrollment__person__user=user)).order_by("pk")

    def get_serializer_class(self):
        return TrainingSubmitSerializer if self.action == "create" else TrainingCompletionSerializer

    @extend_schema(
        request=TrainingSubmitSerializer,
        responses={status.HTTP_201_CREATED: TrainingSubmitResultSerializer},
        description=(
            "Submit your own attempt at a module of a program you take part in. The server scores it; a failed "
            "attempt keeps your best score, and `attempt` says which questions were wrong."
        ),
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        module = body.validated_data["module"]
        enrollment = (
            _own_enrollments(self.organization, request.user)
            .filter(program_id=module.program_id)
            .order_by("pk")
            .first()
        )
        if enrollment is None:
            raise ValidationError({"module": ["You are not taking part in this module's program."]})
        completion = translate_service_errors(
            lambda: training_services.training_submit(
                organization=self.organization,
                module=module,
                enrollment=enrollment,
                quiz_answers=body.validated_data["quiz_answers"],
                acknowledged=body.validated_data["acknowledged"],
            )
        )
        return Response(TrainingSubmitResultSerializer(completion).data, status=status.HTTP_201_CREATED)


# --- the matching pool -------------------------------------------------------------------


class MatchingPoolEntrySerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    email = serializers.EmailField(source="person.email", read_only=True)
    role = serializers.ChoiceField(choices=ParticipantRole.choices, read_only=True)
    capacity = serializers.IntegerField(
        source="effective_capacity",
        read_only=True,
        help_text="Mentors: their stated capacity or the program's default. Others: one unless stated.",
    )

    class Meta:
        model = Enrollment
        fields = ["id", "person", "person_name", "email", "role", "capacity"]
        read_only_fields = fields


@extend_schema(
    parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The program's id.")]
)
class MatchingPoolView(TenantViewSetMixin, generics.ListAPIView):
    """The program's ready-to-match pool: approved enrollments of people still in the organization
    and, when the program requires training, only those who completed it. Managers only."""

    queryset = Enrollment.objects.all()
    serializer_class = MatchingPoolEntrySerializer
    read_action = Action.PROGRAMS_VIEW
    filterset_fields = ["role"]
    search_fields = ["person__name", "person__email"]
    ordering_fields = ["person__name"]

    def refine_queryset(self, queryset):
        program = program_for(self.request, self.kwargs["pk"])
        require_manage(self.request, program)
        return matching_pool(program)


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("training-modules", TrainingModuleViewSet, basename="training-module")
router.register("training-completions", TrainingCompletionViewSet, basename="training-completion")

urlpatterns = [
    path("programs/<int:pk>/matching-pool/", MatchingPoolView.as_view(), name="program-matching-pool"),
    path("", include(router.urls)),
]
