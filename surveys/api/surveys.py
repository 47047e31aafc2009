"""Survey API. Relative to /api/v1/o/<org_slug>/:

- surveys/: the surveys of the programs you manage (?program=, ?status=, ?schedule=); POST
  creates one for a program you manage, from a template ({"program", "template", ...overrides})
  or blank ({"program", "questionnaire"?, ...settings}); PATCH changes its settings. Actions:
  launch/ and end/ (POST), waves/ (GET: each wave's dates and counts) and results/
  (GET ?wave=<id>&by=role|department|level|cohort: aggregates only, every hidden part flagged
  with the reason).
- survey-templates/: the templates a survey can start from (read-only).
- survey-waves/: the waves you were invited to answer; survey-waves/<id>/ one of them with its
  questions; survey-waves/<id>/answer/ (POST {"answers": {...}}) answers it for yourself.

Who: program managers for their programs' surveys and organization admins for every one;
leaders (Action.REPORTS_VIEW) may read the surveys, waves and results of the programs they can
see but change nothing. Anybody else gets 403. A survey nobody lets the caller see, or a wave
they were not invited to, answers 404 like a missing one.

Anonymity: no answer here carries a response's id, one response's answers, a respondent, or
who has answered a wave (only how many); results come from surveys.selectors.results, which
applies the k rules. Questionnaire responses that belong to a survey are not served by the
questionnaire API either (surveys/api/views.py).
"""

from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Exists, OuterRef
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response as ApiResponse

from matching.api.common import asker, managed_only, require_manage_program
from organizations.api_base import TenantViewSetMixin, translate_service_errors
from organizations.permissions import Action, can
from programs.access import visible_programs
from programs.selectors.recruitment import person_for_user

from .. import services
from ..access import can_manage_questionnaires
from ..catalog import SURVEY_TEMPLATES
from ..models import Survey, SurveyCompletion, SurveyInvitation, SurveyWave
from ..selectors import questionnaire_questions
from ..selectors.results import survey_results
from ..selectors.surveys import organization_today, survey_waves
from . import survey_serializers as s

READERS_ONLY = "Only program managers, organization admins and leaders can read surveys."
MANAGERS_ONLY = "Only program managers and organization admins can build surveys."
# The service's own fields; any other key it names is an answer's question key.
ANSWER_CONTEXT_FIELDS = {"survey", "wave", "person", "answers", NON_FIELD_ERRORS}


def _reads_reports(membership) -> bool:
    return can(membership, Action.REPORTS_VIEW)


# --- surveys (managers; leaders read) -----------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        description="Surveys of the programs you manage (leaders: every program they can see), newest first; "
        "filters `program`, `status`, `schedule`."
    ),
    retrieve=extend_schema(description="One survey's settings and status."),
)
class SurveyViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Surveys: a questionnaire sent to a program's audience on a schedule, in waves."""

    queryset = Survey.objects.select_related("program", "created_by").annotate(wave_count=Count("waves"))
    serializer_class = s.SurveySerializer
    read_action = Action.PROGRAMS_VIEW
    # Program managers may be plain members: each write checks the survey's program itself.
    write_action = Action.PROGRAMS_VIEW
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"
    filterset_fields = ["program", "status", "schedule"]
    search_fields = ["title"]
    ordering_fields = ["created_at", "title"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not (can_manage_questionnaires(self.membership) or _reads_reports(self.membership)):
            raise PermissionDenied(READERS_ONLY)

    def refine_queryset(self, queryset):
        if _reads_reports(self.membership):
            # Leaders read what they may see of programs; admins see every program this way.
            queryset = queryset.filter(program__in=visible_programs(asker(self)).values("pk"))
        else:
            queryset = managed_only(self, queryset)
        return queryset.order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return s.SurveyCreateSerializer if self.action == "create" else s.SurveySerializer

    def _survey_data(self, survey, status_code=status.HTTP_200_OK):
        # Read back through the queryset, so a write answers exactly as a GET would.
        fresh = self.get_queryset().get(pk=survey.pk)
        return ApiResponse(s.SurveySerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def _managed_survey(self):
        survey = self.get_object()
        require_manage_program(self, survey.program)
        return survey

    @extend_schema(
        request=s.SurveyCreateSerializer,
        responses={status.HTTP_201_CREATED: s.SurveySerializer},
        description="Create a draft survey of a program you manage: from a template (its questions are copied "
        "into a new questionnaire; the fields given override its settings), around an existing survey "
        "questionnaire, or blank (a new empty questionnaire to fill with the questionnaire API). Errors name "
        "the field.",
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        program = data["program"]
        require_manage_program(self, program)
        fields = body.changes()
        if data.get("template"):
            survey = translate_service_errors(
                lambda: services.survey_create_from_template(
                    organization=self.organization,
                    program=program,
                    template_key=data["template"],
                    created_by=request.user,
                    **fields,
                )
            )
        else:
            survey = translate_service_errors(
                lambda: services.survey_create(
                    organization=self.organization,
                    program=program,
                    questionnaire=data.get("questionnaire"),
                    created_by=request.user,
                    **fields,
                )
            )
        return self._survey_data(survey, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.SurveyFieldsSerializer,
        responses=s.SurveySerializer,
        description="Change a survey's settings. `anonymous` cannot change once anyone has answered.",
    )
    def partial_update(self, request, *args, **kwargs):
        survey = self._managed_survey()
        body = s.SurveyFieldsSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        changes = body.changes()
        translate_service_errors(
            lambda: services.survey_update(organization=self.organization, survey=survey, **changes)
        )
        return self._survey_data(survey)

    @extend_schema(
        request=None,
        responses=s.SurveySerializer,
        description="Launch a draft: its first wave is scheduled from the settings, and opens (inviting the "
        "audience) at once when its day has come. Refused under the field at fault (e.g. `opens_on`).",
    )
    @action(detail=True, methods=["post"])
    def launch(self, request, *args, **kwargs):
        survey = self._managed_survey()
        translate_service_errors(
            lambda: services.survey_launch(organization=self.organization, survey=survey), field="status"
        )
        return self._survey_data(survey)

    @extend_schema(
        request=None, responses=s.SurveySerializer, description="End a live survey: its open wave closes now."
    )
    @action(detail=True, methods=["post"])
    def end(self, request, *args, **kwargs):
        survey = self._managed_survey()
        translate_service_errors(
            lambda: services.survey_end(organization=self.organization, survey=survey), field="status"
        )
        return self._survey_data(survey)

    @extend_schema(
        responses=s.WaveSerializer(many=True),
        description="The survey's waves in order, with how many were invited and how many answered (never who). "
        "Not paginated.",
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def waves(self, request, *args, **kwargs):
        waves = survey_waves(organization=self.organization, survey=self.get_object())
        return ApiResponse(s.WaveSerializer(waves, many=True).data)

    @extend_schema(
        parameters=[s.ResultsQuerySerializer],
        responses=s.SurveyResultsSerializer,
        description="A wave's results (the latest opened one unless `wave` is given), optionally broken down "
        "`by` role, department, level or cohort. Aggregates only: the wave's results appear once k people have "
        "answered, each question once k answered it, free text once the organization's text threshold is "
        "reached (unattributed, shuffled), and a breakdown cell is hidden under k, together with a second cell "
        "where the first could be recovered by subtraction. Every hidden part says why.",
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def results(self, request, *args, **kwargs):
        survey = self.get_object()
        context = {**self.get_serializer_context(), "survey": survey}
        query = s.ResultsQuerySerializer(data=request.query_params, context=context)
        query.is_valid(raise_exception=True)
        results = translate_service_errors(
            lambda: survey_results(
                organization=self.organization,
                survey=survey,
                wave=query.validated_data.get("wave"),
                dimension=query.validated_data.get("by") or None,
            ),
            field="by",
        )
        return ApiResponse(s.SurveyResultsSerializer(results).data)


class SurveyTemplateViewSet(TenantViewSetMixin, viewsets.ViewSet):
    """The templates a survey can start from: their settings and questions."""

    read_action = Action.PROGRAMS_VIEW

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not can_manage_questionnaires(self.membership):
            raise PermissionDenied(MANAGERS_ONLY)

    @extend_schema(
        responses=s.SurveyTemplateSerializer(many=True),
        description="Every survey template with its schedule, audience and questions (not paginated). Create a "
        'survey from one with POST /surveys/ {"program", "template": key}.',
    )
    def list(self, request, *args, **kwargs):
        templates = [{"key": key, **template} for key, template in SURVEY_TEMPLATES.items()]
        return ApiResponse(s.SurveyTemplateSerializer(templates, many=True).data)


# --- answering (participants) -------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="The waves you were invited to answer, newest first, open or not."),
    retrieve=extend_schema(
        responses=s.WaveQuestionsSerializer,
        description="A wave you were invited to, with what happens to your name (`notice`) and the questions.",
    ),
)
class SurveyWaveViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Survey waves as their invited participants see them. A wave you were not invited to
    answers 404, exactly like a missing one."""

    queryset = SurveyWave.objects.select_related("survey")
    serializer_class = s.WaveToAnswerSerializer
    read_action = Action.PROGRAMS_VIEW
    write_action = Action.PROGRAMS_VIEW
    lookup_value_regex = r"\d+"
    filter_backends = []

    @cached_property
    def person(self):
        """The caller's own directory record (None without one: then no wave is theirs)."""
        return person_for_user(organization=self.organization, user=self.request.user)

    def _mine(self, model):
        return model.objects.for_org(self.organization).filter(wave_id=OuterRef("pk"), person=self.person)

    def refine_queryset(self, queryset):
        if self.person is None:
            return queryset.none()
        return (
            queryset.filter(Exists(self._mine(SurveyInvitation)))
            .annotate(answered=Exists(self._mine(SurveyCompletion)))
            .order_by("-opens_on", "-pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": organization_today(self.organization)}

    def retrieve(self, request, *args, **kwargs):
        wave = self.get_object()
        wave.question_list = questionnaire_questions(wave.survey.questionnaire)
        return ApiResponse(s.WaveQuestionsSerializer(wave, context=self.get_serializer_context()).data)

    @extend_schema(
        request=s.AnswerSubmitSerializer,
        responses={status.HTTP_201_CREATED: s.AnswerReceiptSerializer},
        description="Answer a wave you were invited to, for yourself; all or nothing. A closed (or not yet open) "
        "survey is refused under `survey`, a second answer or someone no longer in the audience under "
        "`person`, a wrong answer under `answers.<key>`. The receipt carries no response id.",
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, *args, **kwargs):
        wave = self.get_object()
        body = s.AnswerSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _submit(self.organization, wave, self.person, body.validated_data["answers"])
        receipt = {
            "survey": wave.survey_id,
            "wave": wave.pk,
            "anonymous": wave.survey.anonymous,
            "detail": "Thank you: your answers are in.",
        }
        return ApiResponse(s.AnswerReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


def _submit(organization, wave, person, answers):
    def submit():
        try:
            return services.survey_answer_submit(organization=organization, wave=wave, person=person, answers=answers)
        except DjangoValidationError as error:
            raise _under_answers(error) from error

    return translate_service_errors(submit)


def _under_answers(error):
    """An error about one answer is reported under `answers.<key>`, as the questionnaire API does,
    so a question keyed "survey" or "title" cannot be mistaken for a field of the request."""
    if not hasattr(error, "error_dict"):
        return error
    return DjangoValidationError(
        {
            key if key in ANSWER_CONTEXT_FIELDS or key.startswith("answers.") else f"answers.{key}": messages
            for key, messages in error.error_dict.items()
        }
    )
