"""The questionnaire API: questionnaires, their questions and choices, and responses.

Who: the same rule as the builder pages (surveys.access): organization admins and owners, and
program managers for the questionnaires no program they do not manage uses; for reading and
writing alike. Nested routes resolve their parent questionnaire (and question) among those
first, so another organization's id, or another program's questionnaire, is a 404 exactly like
a missing one. Every write goes through surveys.services; a service's
ValidationError names the field ("answers.<key>" for an answer, "questions.<i>.<field>" for a
question in a new questionnaire).
"""

from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response as ApiResponse
from rest_framework.settings import api_settings

from organizations.api_base import TenantViewSetMixin
from organizations.permissions import Action
from organizations.scoping import get_for_org_or_404

from .. import selectors, services
from ..access import manageable_questionnaires, require_questionnaire_manager
from ..models import Choice, Question, Questionnaire, Response
from . import serializers as s


def call_service(call, *, prefix=""):
    """Run a service call; its ValidationError({field: [...]}) becomes a 400 naming each field."""
    try:
        return call()
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            detail = {}
            for key, messages in error.message_dict.items():
                if key == NON_FIELD_ERRORS:
                    key = f"{prefix}" if prefix else api_settings.NON_FIELD_ERRORS_KEY
                elif prefix:
                    key = f"{prefix}.{key}"
                detail[key] = messages
        else:
            detail = {prefix or api_settings.NON_FIELD_ERRORS_KEY: error.messages}
        raise ValidationError(detail) from error


class SurveyViewSetMixin(TenantViewSetMixin):
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    lookup_value_regex = r"\d+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require_questionnaire_manager(self.membership)

    @cached_property
    def questionnaire(self):
        questionnaires = manageable_questionnaires(self.membership, Questionnaire.objects.for_org(self.organization))
        return get_for_org_or_404(questionnaires, self.organization, pk=self.kwargs["questionnaire_pk"])

    @cached_property
    def question(self):
        return get_for_org_or_404(
            Question, self.organization, pk=self.kwargs["question_pk"], questionnaire=self.questionnaire
        )

    def _read(self, serializer_class, instance, status_code=status.HTTP_200_OK):
        return ApiResponse(serializer_class(instance, context=self.get_serializer_context()).data, status=status_code)

    def _valid(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer


@extend_schema_view(
    list=extend_schema(description="The organization's questionnaires (without their questions)."),
    retrieve=extend_schema(description="One questionnaire with every question and choice, retired ones included."),
    create=extend_schema(
        request=s.QuestionnaireCreateSerializer,
        responses={201: s.QuestionnaireSerializer},
        description="Create a questionnaire, optionally with its questions; all or nothing.",
    ),
    partial_update=extend_schema(request=s.QuestionnaireUpdateSerializer, responses=s.QuestionnaireSerializer),
    update=extend_schema(request=s.QuestionnaireUpdateSerializer, responses=s.QuestionnaireSerializer),
)
class QuestionnaireViewSet(
    SurveyViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Questionnaires (intake forms and surveys). There is no DELETE: responses refer to them."""

    queryset = Questionnaire.objects.all()
    filterset_fields = ["kind"]
    search_fields = ["title"]
    ordering_fields = ["title", "created_at", "updated_at"]
    ordering = ["title", "pk"]

    def refine_queryset(self, queryset):
        return manageable_questionnaires(self.membership, queryset)

    def get_serializer_class(self):
        return s.QuestionnaireSummarySerializer if self.action == "list" else s.QuestionnaireSerializer

    def retrieve(self, request, *args, **kwargs):
        questionnaire = selectors.questionnaire_with_questions(self.get_object(), include_retired=True)
        return self._read(s.QuestionnaireSerializer, questionnaire)

    def create(self, request, *args, **kwargs):
        spec = self._valid(s.QuestionnaireCreateSerializer).spec()
        questionnaire = call_service(
            lambda: services.questionnaire_create_from_spec(organization=self.organization, spec=spec)
        )
        return self._read(s.QuestionnaireSerializer, questionnaire, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        questionnaire = self.get_object()
        changes = self._valid(s.QuestionnaireUpdateSerializer).validated_data
        call_service(
            lambda: services.questionnaire_update(
                organization=self.organization, questionnaire=questionnaire, **changes
            )
        )
        return self._read(s.QuestionnaireSerializer, questionnaire)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={201: s.QuestionnaireSerializer},
        description="Copy the active questions and choices into a new questionnaire (no responses).",
    )
    @action(detail=True, methods=["post"])
    def copy(self, request, *args, **kwargs):
        copy = services.questionnaire_copy(organization=self.organization, questionnaire=self.get_object())
        return self._read(s.QuestionnaireSerializer, copy, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.QuestionReorderSerializer,
        responses=s.QuestionSerializer(many=True),
        description="Put the questions in this order; questions left out follow in their current order.",
    )
    @action(detail=True, methods=["post"])
    def reorder(self, request, *args, **kwargs):
        questionnaire = self.get_object()
        ids = self._valid(s.QuestionReorderSerializer).validated_data["question_ids"]
        call_service(
            lambda: services.question_reorder(
                organization=self.organization, questionnaire=questionnaire, question_ids=ids
            )
        )
        questions = selectors.questionnaire_questions(questionnaire, include_retired=True)
        return ApiResponse(s.QuestionSerializer(questions, many=True).data)


@extend_schema_view(
    list=extend_schema(description="The questionnaire's questions in order, retired ones included."),
    create=extend_schema(
        request=s.QuestionCreateSerializer,
        responses={201: s.QuestionSerializer},
        description="Add a question at the end.",
    ),
    partial_update=extend_schema(
        request=s.QuestionUpdateSerializer,
        responses=s.QuestionSerializer,
        description="Edit a question. Its type, key and a scale's range are locked once it has answers.",
    ),
)
class QuestionViewSet(
    SurveyViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Questions of one questionnaire. Questions are retired, never deleted."""

    queryset = Question.objects.all()
    serializer_class = s.QuestionSerializer
    filter_backends = []
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def refine_queryset(self, queryset):
        return queryset.filter(questionnaire=self.questionnaire).prefetch_related(
            selectors.choices_prefetch(self.organization.pk)
        )

    def create(self, request, *args, **kwargs):
        data = self._valid(s.QuestionCreateSerializer).service_kwargs()
        question = call_service(
            lambda: services.question_add(organization=self.organization, questionnaire=self.questionnaire, **data)
        )
        return self._read(s.QuestionSerializer, self._fresh(question), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        question = self.get_object()
        changes = self._valid(s.QuestionUpdateSerializer).validated_data
        question = call_service(
            lambda: services.question_update(organization=self.organization, question=question, **changes)
        )
        return self._read(s.QuestionSerializer, self._fresh(question))

    def _fresh(self, question):
        return self.refine_queryset(Question.objects.for_org(self.organization)).get(pk=question.pk)

    @extend_schema(request=None, responses=s.QuestionSerializer, description="Stop asking it; old answers stay.")
    @action(detail=True, methods=["post"])
    def retire(self, request, *args, **kwargs):
        question = services.question_retire(organization=self.organization, question=self.get_object())
        return self._read(s.QuestionSerializer, question)

    @extend_schema(request=None, responses=s.QuestionSerializer, description="Ask a retired question again.")
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        question = services.question_restore(organization=self.organization, question=self.get_object())
        return self._read(s.QuestionSerializer, question)


@extend_schema_view(
    create=extend_schema(request=s.ChoiceSerializer, responses={201: s.ChoiceSerializer}),
    partial_update=extend_schema(
        request=s.ChoiceUpdateSerializer,
        responses=s.ChoiceSerializer,
        description="Rename a choice; its value changes only while nobody has chosen it.",
    ),
)
class ChoiceViewSet(
    SurveyViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Choices of one single- or multiple-choice question."""

    queryset = Choice.objects.all()
    serializer_class = s.ChoiceSerializer
    filter_backends = []
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def refine_queryset(self, queryset):
        return queryset.filter(question=self.question).order_by("order", "pk")

    def create(self, request, *args, **kwargs):
        data = self._valid(s.ChoiceSerializer).validated_data
        choice = call_service(
            lambda: services.choice_add(
                organization=self.organization, question=self.question, label=data["label"], value=data.get("value")
            )
        )
        return self._read(s.ChoiceSerializer, choice, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        choice = self.get_object()
        data = self._valid(s.ChoiceUpdateSerializer).validated_data
        call_service(lambda: services.choice_update(organization=self.organization, choice=choice, **data))
        return self._read(s.ChoiceSerializer, choice)

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(s.ChoiceSerializer, description="Retired: somebody chose it, so it is kept."),
            204: OpenApiResponse(description="Deleted: nobody had chosen it."),
        },
        description="Stop offering a choice. A choice somebody picked is retired; one nobody picked is deleted.",
    )
    @action(detail=True, methods=["post"])
    def retire(self, request, *args, **kwargs):
        choice = self.get_object()
        result = call_service(lambda: services.choice_retire(organization=self.organization, choice=choice))
        if result is None:
            return ApiResponse(status=status.HTTP_204_NO_CONTENT)
        return self._read(s.ChoiceSerializer, result)

    @extend_schema(request=None, responses=s.ChoiceSerializer, description="Offer a retired choice again.")
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        choice = services.choice_restore(organization=self.organization, choice=self.get_object())
        return self._read(s.ChoiceSerializer, choice)


@extend_schema_view(
    list=extend_schema(description="Responses to the questionnaire, newest first (without answers)."),
    retrieve=extend_schema(description="One response with its typed answers and how they read."),
)
class ResponseViewSet(
    SurveyViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Responses, read-only. Answers are written by the flow that owns them (an intake through
    POST /enrollments/, the program's join flow), never directly here: a response written in
    someone else's name would silently become their answers for matching.

    Survey answers (a response with a survey envelope) are never listed or read here, by anyone:
    one anonymous response's answers could name its author, so they are read only as the
    aggregates of /surveys/<id>/results/."""

    queryset = Response.objects.all()
    filter_backends = []

    def get_serializer_class(self):
        return s.ResponseSummarySerializer if self.action == "list" else s.ResponseSerializer

    def refine_queryset(self, queryset):
        return queryset.filter(questionnaire=self.questionnaire, survey_envelope__isnull=True).order_by(
            "-submitted_at", "-pk"
        )
