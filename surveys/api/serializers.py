"""Serializers of the questionnaire API. Writes go through surveys.services; these only shape
requests and answers."""

import datetime
from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import selectors
from ..models import Choice, Question, Questionnaire, Response

BOUND = {"max_digits": 12, "decimal_places": 2, "allow_null": True, "required": False, "coerce_to_string": False}


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "value", "label", "order", "retired"]
        read_only_fields = ["id", "order", "retired"]
        extra_kwargs = {
            "value": {"required": False, "help_text": "Stable machine value; made from the label if left out."}
        }
        # The service checks uniqueness per question (and refuses a value change once chosen).
        validators = []


class ChoiceUpdateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200, required=False)
    value = serializers.SlugField(max_length=60, required=False, help_text="Only while nobody has chosen it.")


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)
    min_value = serializers.DecimalField(**BOUND, read_only=True)
    max_value = serializers.DecimalField(**BOUND, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "key",
            "text",
            "help_text",
            "type",
            "required",
            "order",
            "min_value",
            "max_value",
            "retired",
            "choices",
        ]
        read_only_fields = fields


class ChoiceInputSerializer(serializers.Serializer):
    value = serializers.SlugField(max_length=60, required=False, help_text="Made from the label if left out.")
    label = serializers.CharField(max_length=200)


class QuestionCreateSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=60, required=False, allow_blank=True)
    text = serializers.CharField(max_length=500)
    help_text = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=Question.Type.choices)
    required = serializers.BooleanField(required=False, default=False)
    min_value = serializers.DecimalField(
        **BOUND,
        help_text="Scale: 0 or 1. Number: lowest allowed. Text: fewest characters. Multiple choice: fewest picks.",
    )
    max_value = serializers.DecimalField(
        **BOUND,
        help_text="Scale: 5 or 10. Number: highest allowed. Text: most characters. Multiple choice: most picks.",
    )
    choices = ChoiceInputSerializer(many=True, required=False, help_text="Single and multiple choice only.")

    def service_kwargs(self):
        data = dict(self.validated_data)
        data["choices"] = [(c.get("value", ""), c["label"]) for c in data.get("choices", ())]
        return data


class QuestionUpdateSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=60, required=False, help_text="Only while nobody has answered.")
    text = serializers.CharField(max_length=500, required=False)
    help_text = serializers.CharField(max_length=500, required=False, allow_blank=True)
    type = serializers.ChoiceField(
        choices=Question.Type.choices, required=False, help_text="Only while nobody has answered."
    )
    required = serializers.BooleanField(required=False)
    min_value = serializers.DecimalField(**BOUND)
    max_value = serializers.DecimalField(**BOUND)


class QuestionnaireSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Questionnaire
        fields = ["id", "title", "description", "kind", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class QuestionnaireSerializer(QuestionnaireSummarySerializer):
    questions = serializers.SerializerMethodField(help_text="Every question in order, retired ones included.")

    class Meta(QuestionnaireSummarySerializer.Meta):
        fields = [*QuestionnaireSummarySerializer.Meta.fields, "questions"]

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, obj):
        questions = getattr(obj, "question_list", None)
        if questions is None:
            questions = selectors.questionnaire_questions(obj, include_retired=True)
        return QuestionSerializer(questions, many=True).data


class QuestionnaireCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(
        choices=Questionnaire.Kind.choices, required=False, default=Questionnaire.Kind.INTAKE
    )
    questions = QuestionCreateSerializer(many=True, required=False)

    def spec(self):
        data = self.validated_data
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "kind": data.get("kind"),
            "questions": [
                {**q, "choices": [(c.get("value", ""), c["label"]) for c in q.get("choices", ())]}
                for q in data.get("questions", ())
            ],
        }


class QuestionnaireUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Questionnaire.Kind.choices, required=False)


class QuestionReorderSerializer(serializers.Serializer):
    question_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


def _json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class AnswerDisplaySerializer(serializers.Serializer):
    key = serializers.CharField()
    question = serializers.CharField(help_text='The question text, marked "(retired)" when retired.')
    value = serializers.CharField(allow_null=True, help_text="As a person reads it: choice labels, numbers, dates.")


class ResponseSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Response
        fields = ["id", "questionnaire", "respondent", "submitted_at", "updated_at"]
        read_only_fields = fields


class ResponseSerializer(ResponseSummarySerializer):
    answers = serializers.SerializerMethodField(
        help_text="By question key: choice value (single), list of choice values (multiple), number, ISO date or text."
    )
    display = serializers.SerializerMethodField()

    class Meta(ResponseSummarySerializer.Meta):
        fields = [*ResponseSummarySerializer.Meta.fields, "answers", "display"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_answers(self, obj):
        return {key: _json_value(value) for key, value in selectors.response_raw_values(obj).items()}

    @extend_schema_field(AnswerDisplaySerializer(many=True))
    def get_display(self, obj):
        return [
            {"key": row.question.key, "question": row.label, "value": row.value}
            for row in selectors.response_answers(obj)
        ]
