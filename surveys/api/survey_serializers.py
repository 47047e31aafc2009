"""Serializers of the survey API (surveys/api/surveys.py). Writes go through
surveys.services; results come from surveys.selectors.results and are shaped here, never
recomputed.

What must never appear in an answer, whatever the survey: a response's id, one response's
answers or attributes, a respondent, or who has answered. Results carry aggregates only; a
part the k rules hide is flagged with the reason and carries no numbers at all (blanked here
too, so a hidden part stays hidden even if a selector filled it).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.api_base import TenantPrimaryKeyRelatedField
from programs.api.design import VisibleProgramField
from programs.models import Program

from ..access import manageable_questionnaires
from ..catalog import SURVEY_TEMPLATES
from ..models import (
    Question,
    Questionnaire,
    Survey,
    SurveyAudience,
    SurveySchedule,
    SurveyStatus,
    SurveyWave,
)
from ..selectors.results import DIMENSIONS
from ..services.surveys import SURVEY_FIELDS
from .serializers import QuestionSerializer

ANONYMITY_NOTICE = "Your answers are anonymous: they are stored without your name."
NAMED_NOTICE = "Your name is stored with your answers."


# --- surveys ------------------------------------------------------------------------------


class SurveySerializer(serializers.ModelSerializer):
    program_name = serializers.CharField(source="program.name", read_only=True)
    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True, default=None)
    wave_count = serializers.IntegerField(read_only=True, default=0, help_text="Waves created so far.")
    status = serializers.ChoiceField(
        choices=SurveyStatus.choices, read_only=True, help_text="draft, then live (scheduled) once launched, ended."
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "program",
            "program_name",
            "questionnaire",
            "template_key",
            *SURVEY_FIELDS,
            "status",
            "wave_count",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SurveyFieldsSerializer(serializers.Serializer):
    """The editable settings of a survey; each is optional and only those given are passed on.
    Only types are checked here: the service checks the values together (limits, dates against
    the program's), naming the field at fault, so the API and the pages refuse alike."""

    title = serializers.CharField(required=False, allow_blank=True)
    intro = serializers.CharField(required=False, allow_blank=True, help_text="Shown above the questions.")
    audience = serializers.ChoiceField(choices=SurveyAudience.choices, required=False)
    active_pairs_only = serializers.BooleanField(
        required=False, help_text="Only people in an active mentorship of the program."
    )
    anonymous = serializers.BooleanField(
        required=False, help_text="Answers stored without the person; cannot change once anyone has answered."
    )
    schedule = serializers.ChoiceField(choices=SurveySchedule.choices, required=False)
    opens_on = serializers.DateField(
        required=False, allow_null=True, help_text="For a survey on a date, and a pulse's first wave."
    )
    pulse_weeks = serializers.IntegerField(required=False, allow_null=True, help_text="A pulse repeats every N weeks.")
    open_days = serializers.IntegerField(required=False, help_text="How many days each wave stays open.")
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Days after opening to remind those who have not answered, e.g. [3, 7].",
    )

    def changes(self):
        return {name: value for name, value in self.validated_data.items() if name in SURVEY_FIELDS}


class SurveyQuestionnaireField(TenantPrimaryKeyRelatedField):
    """A survey questionnaire the caller may build (surveys.access); any other fails like a missing id."""

    def get_queryset(self):
        queryset = super().get_queryset().filter(kind=Questionnaire.Kind.SURVEY)
        membership = self.context.get("membership")
        return queryset.none() if membership is None else manageable_questionnaires(membership, queryset)


class SurveyCreateSerializer(SurveyFieldsSerializer):
    program = VisibleProgramField(queryset=Program.objects.all(), help_text="A program you manage.")
    template = serializers.ChoiceField(
        choices=sorted(SURVEY_TEMPLATES),
        required=False,
        help_text="Start from a template (see /survey-templates/); the other fields override its settings.",
    )
    questionnaire = SurveyQuestionnaireField(
        queryset=Questionnaire.objects.all(),
        required=False,
        allow_null=True,
        help_text="An existing survey questionnaire; without it (and without a template) a new empty one is made.",
    )

    def validate(self, data):
        if data.get("template") and data.get("questionnaire"):
            raise serializers.ValidationError({"questionnaire": ["Give a template or a questionnaire, not both."]})
        return data


# --- templates ----------------------------------------------------------------------------


class TemplateChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class TemplateQuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    type = serializers.ChoiceField(choices=Question.Type.choices)
    help_text = serializers.CharField(default="")
    required = serializers.BooleanField(default=False)
    min = serializers.IntegerField(allow_null=True, default=None, help_text="Scale: its lowest point.")
    max = serializers.IntegerField(
        allow_null=True, default=None, help_text="Scale: its highest point; text: the most characters."
    )
    choices = serializers.SerializerMethodField()

    @extend_schema_field(TemplateChoiceSerializer(many=True))
    def get_choices(self, question):
        return [{"value": value, "label": label} for value, label in question.get("choices", ())]


class SurveyTemplateSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    intro = serializers.CharField()
    schedule = serializers.ChoiceField(choices=SurveySchedule.choices)
    audience = serializers.ChoiceField(choices=SurveyAudience.choices)
    open_days = serializers.IntegerField()
    reminder_days = serializers.ListField(child=serializers.IntegerField(), default=list)
    pulse_weeks = serializers.IntegerField(allow_null=True, default=None)
    questions = TemplateQuestionSerializer(many=True, source="questionnaire.questions")


# --- waves (managers) ---------------------------------------------------------------------


class WaveSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyWave
        fields = ["id", "number", "opens_on", "closes_on", "opened_at", "closed_at"]
        read_only_fields = fields


class WaveSerializer(WaveSummarySerializer):
    """A wave with its counts: how many were invited and how many answered (never who)."""

    invited = serializers.IntegerField(read_only=True)
    responded = serializers.IntegerField(read_only=True)
    response_rate = serializers.SerializerMethodField(help_text="responded / invited, 0–1; null before it opens.")

    class Meta(WaveSummarySerializer.Meta):
        fields = [*WaveSummarySerializer.Meta.fields, "invited", "responded", "response_rate"]
        read_only_fields = fields

    def get_response_rate(self, wave) -> float | None:
        return wave.responded / wave.invited if wave.invited else None


# --- results ------------------------------------------------------------------------------


class EstimateSerializer(serializers.Serializer):
    """A number with its 95% interval; low and high are null when there is too little to tell."""

    n = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)

    def to_representation(self, estimate):
        return None if estimate is None else super().to_representation(estimate)


class NullableEstimateSerializer(EstimateSerializer):
    """An Estimate or null (a mean of a non-numeric question, a hidden part)."""


def _nullable(help_text):
    return NullableEstimateSerializer(allow_null=True, read_only=True, help_text=help_text)


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}]})
class ChoiceOrPointField(serializers.Field):
    """A choice's value (text) or a scale's point (a whole number), as stored."""

    def to_representation(self, value):
        return value


class DistributionRowSerializer(serializers.Serializer):
    value = ChoiceOrPointField(help_text="The choice value, or the scale point.")
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(help_text="0–1 of the question's answers.")


class QuestionResultSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    type = serializers.ChoiceField(choices=Question.Type.choices)
    n = serializers.IntegerField(help_text="How many answered this question.")
    hidden = serializers.BooleanField(help_text="Too few answers to show (the k rule); nothing else is given.")
    hidden_reason = serializers.CharField(allow_blank=True)
    distribution = DistributionRowSerializer(many=True)
    mean = _nullable("Scales and numbers: the mean with its 95% interval.")
    nps = _nullable("0–10 scales: % promoters − % detractors (−100..100) with its interval.")
    texts = serializers.ListField(
        child=serializers.CharField(),
        help_text="Free text, without attribution and in an order unrelated to submission; only when enough wrote.",
    )

    def to_representation(self, result):
        data = super().to_representation(result)
        if data["hidden"]:
            data.update(distribution=[], mean=None, nps=None, texts=[])
        return data


class BreakdownCellSerializer(serializers.Serializer):
    label = serializers.CharField(
        help_text='A role, department, level or cohort ("Not stated" when empty). The groups too small to show '
        'are never named: they come last, together, as one hidden row "Other groups".'
    )
    n = serializers.IntegerField(allow_null=True, help_text="Responses in the cell; null when the cell is hidden.")
    hidden = serializers.BooleanField()
    hidden_reason = serializers.CharField(allow_blank=True)
    means = serializers.DictField(
        child=NullableEstimateSerializer(allow_null=True), help_text="By question key: the mean with its interval."
    )
    nps = _nullable("The cell's NPS, when the survey asks one.")

    def to_representation(self, cell):
        data = super().to_representation(cell)
        if data["hidden"]:
            # A hidden cell's size is hidden too: with the total and the visible cells it would
            # tell how many are behind the hidden ones, which the k rule keeps at 0 or >= k.
            data.update(n=None, means={}, nps=None)
        return data


class SurveyResultsSerializer(serializers.Serializer):
    survey = serializers.IntegerField(source="survey.pk")
    wave = WaveSerializer(allow_null=True, help_text="The wave shown; null before the first one opens.")
    waves = WaveSerializer(many=True, help_text="Every wave of the survey, to choose from with ?wave=.")
    previous_wave = WaveSummarySerializer(
        allow_null=True, help_text="The wave `changes` compare with; null when there is no comparison."
    )
    k = serializers.IntegerField(help_text="Fewest responses behind any number shown.")
    k_text = serializers.IntegerField(help_text="Fewest text answers before a question's texts are shown.")
    invited = serializers.IntegerField()
    responded = serializers.IntegerField(help_text="Every response to the wave.")
    counted = serializers.IntegerField(
        help_text="The responses the figures stand on: all of them, except while an anonymous wave is open, when "
        "only the first whole steps of k are (responded // k * k, in the order they arrived)."
    )
    response_rate = NullableEstimateSerializer(allow_null=True, help_text="responded / invited (0–1) with interval.")
    visible = serializers.BooleanField(help_text="False while the wave has fewer than k responses.")
    hidden_reason = serializers.CharField(allow_blank=True)
    note = serializers.CharField(
        allow_blank=True, help_text="While the figures move in steps of k (an open anonymous wave): what they include."
    )
    questions = QuestionResultSerializer(many=True)
    dimension = serializers.ChoiceField(choices=[(d, d) for d in DIMENSIONS], allow_null=True)
    cells = BreakdownCellSerializer(many=True)
    changes = serializers.DictField(
        child=NullableEstimateSerializer(allow_null=True),
        help_text="By question key: the change since the previous wave (only when both have k responses).",
    )

    def to_representation(self, results):
        data = super().to_representation(results)
        if not data["visible"]:
            # Each question is still listed, flagged hidden and emptied by its own serializer.
            data.update(cells=[], changes={}, previous_wave=None)
        return data


class SurveyWaveField(TenantPrimaryKeyRelatedField):
    """A wave of the survey in the URL; another survey's (or organization's) fails like a missing id."""

    def get_queryset(self):
        queryset = super().get_queryset()
        survey = self.context.get("survey")
        return queryset.none() if survey is None else queryset.filter(survey=survey)


class ResultsQuerySerializer(serializers.Serializer):
    wave = SurveyWaveField(
        queryset=SurveyWave.objects.all(), required=False, help_text="A wave's id; the latest opened wave if left out."
    )
    by = serializers.ChoiceField(
        choices=[(d, d) for d in DIMENSIONS],
        required=False,
        allow_blank=True,
        help_text="Break the results down by one dimension.",
    )


# --- answering (participants) -------------------------------------------------------------


class WaveToAnswerSerializer(serializers.ModelSerializer):
    """A wave the caller was invited to, as they answer it."""

    survey = serializers.IntegerField(source="survey_id")
    title = serializers.CharField(source="survey.title")
    intro = serializers.CharField(source="survey.intro")
    anonymous = serializers.BooleanField(source="survey.anonymous")
    notice = serializers.SerializerMethodField(help_text="What happens to your name, to show before the questions.")
    is_open = serializers.SerializerMethodField()
    answered = serializers.BooleanField(help_text="You have answered this wave.")

    class Meta:
        model = SurveyWave
        fields = [
            "id",
            "survey",
            "number",
            "title",
            "intro",
            "anonymous",
            "notice",
            "opens_on",
            "closes_on",
            "is_open",
            "answered",
        ]
        read_only_fields = fields

    def get_notice(self, wave) -> str:
        return ANONYMITY_NOTICE if wave.survey.anonymous else NAMED_NOTICE

    def get_is_open(self, wave) -> bool:
        today = self.context["today"]
        return wave.opened_at is not None and wave.closed_at is None and wave.opens_on <= today <= wave.closes_on


class WaveQuestionsSerializer(WaveToAnswerSerializer):
    questions = QuestionSerializer(many=True, source="question_list", help_text="The questions to answer, in order.")

    class Meta(WaveToAnswerSerializer.Meta):
        fields = [*WaveToAnswerSerializer.Meta.fields, "questions"]
        read_only_fields = fields


class AnswerSubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text="By question key: a choice value (single), a list of choice values (multiple), a number, "
        "an ISO date or text."
    )


class AnswerReceiptSerializer(serializers.Serializer):
    """What an answer returns: no response id, so nothing links it back to you."""

    survey = serializers.IntegerField()
    wave = serializers.IntegerField()
    anonymous = serializers.BooleanField()
    detail = serializers.CharField()
