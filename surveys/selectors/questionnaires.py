"""Reads of questionnaires and answers, each in a fixed number of queries."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from .. import validation
from ..models import Answer, AnswerChoice, Choice, Question, Questionnaire, Response

RETIRED_SUFFIX = " (retired)"


def choices_prefetch(organization_id, *, annotate_answered=False):
    choices = Choice.objects.for_org(organization_id).order_by("order", "pk")
    if annotate_answered:
        choices = choices.annotate(
            is_answered=Exists(AnswerChoice.objects.for_org(organization_id).filter(choice=OuterRef("pk")))
        )
    return Prefetch("choices", queryset=choices)


def questionnaire_questions(questionnaire, *, include_retired=False, annotate_answered=False) -> list[Question]:
    """The questionnaire's questions in order, each with its choices (retired included) loaded:
    two queries. `annotate_answered` adds `is_answered` to questions and choices (the builder
    shows what is locked)."""
    org_id = questionnaire.organization_id
    questions = Question.objects.for_org(org_id).filter(questionnaire=questionnaire).order_by("order", "pk")
    if not include_retired:
        questions = questions.filter(retired=False)
    if annotate_answered:
        questions = questions.annotate(
            is_answered=Exists(Answer.objects.for_org(org_id).filter(question=OuterRef("pk")))
        )
    return list(questions.prefetch_related(choices_prefetch(org_id, annotate_answered=annotate_answered)))


def questionnaire_with_questions(questionnaire, *, include_retired=True, annotate_answered=False) -> Questionnaire:
    """The questionnaire with `question_list` set (ordered, choices prefetched): two queries."""
    questionnaire.question_list = questionnaire_questions(
        questionnaire, include_retired=include_retired, annotate_answered=annotate_answered
    )
    return questionnaire


def questionnaires_for_org(organization):
    """The organization's questionnaires for the list page, with question and response counts."""

    # Two subqueries rather than two joins, which would multiply questions by responses.
    def count(queryset, link):
        counted = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
        return Subquery(counted.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField())

    return (
        Questionnaire.objects.for_org(organization)
        .annotate(
            question_count=Coalesce(
                count(Question.objects.for_org(organization).filter(retired=False), "questionnaire"), 0
            ),
            response_count=Coalesce(count(Response.objects.for_org(organization), "questionnaire"), 0),
        )
        .order_by("title", "pk")
    )


def question_has_answers(question) -> bool:
    return Answer.objects.for_org(question.organization_id).filter(question=question).exists()


class AnswerRow(tuple):
    """(question, display_value): unpacks as a pair; `.label` is the question text, marked
    "(retired)" for a retired question. `display_value` is None when unanswered."""

    __slots__ = ()

    def __new__(cls, question, display):
        return super().__new__(cls, (question, display))

    @property
    def question(self):
        return self[0]

    @property
    def value(self):
        return self[1]

    @property
    def label(self):
        question = self[0]
        return question.text + (RETIRED_SUFFIX if question.retired else "")


def _choice_label(choice) -> str:
    return choice.label + (RETIRED_SUFFIX if choice.retired else "")


def _number_display(value) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def display_value(question, answer) -> str | None:
    """How an answer reads to a person: choice labels, a plain number, an ISO date, the text."""
    if answer is None:
        return None
    if question.type in validation.CHOICE_TYPES:
        labels = [_choice_label(link.choice) for link in answer.answer_choices.all()]
        return ", ".join(labels) if labels else None
    if question.type == validation.SCALE and answer.number_value is not None:
        low, high = validation.rules_for(question, ()).scale_bounds
        return f"{_number_display(answer.number_value)} (of {low}–{high})"
    if question.type == validation.NUMBER and answer.number_value is not None:
        return _number_display(answer.number_value)
    if question.type == validation.DATE and answer.date_value is not None:
        return answer.date_value.isoformat()
    return answer.text_value or None


def _answers(response):
    org_id = response.organization_id
    links = AnswerChoice.objects.for_org(org_id).select_related("choice").order_by("choice__order", "choice__pk")
    return (
        Answer.objects.for_org(org_id)
        .filter(response=response)
        .select_related("question")
        .prefetch_related(Prefetch("answer_choices", queryset=links))
    )


def response_answers(response) -> list[AnswerRow]:
    """Every active question with its answer (None when unanswered), then answered retired
    questions, in questionnaire order; retired questions and choices are marked "(retired)".
    Three queries."""
    answers = {a.question_id: a for a in _answers(response)}
    questions = list(
        Question.objects.for_org(response.organization_id)
        .filter(questionnaire_id=response.questionnaire_id)
        .order_by("order", "pk")
    )
    rows = []
    for question in questions:
        answer = answers.get(question.pk)
        if question.retired and answer is None:
            continue
        rows.append(AnswerRow(question, display_value(question, answer)))
    return rows


def response_raw_values(response) -> dict:
    """{question key: value} as a form or API client would send it (choice values; a list for
    multiple choice): the initial data for editing a response."""
    return _typed(_answers(response), multiple=list)


def response_typed_values(response) -> dict:
    """{question key: typed value} for one response, the same shape as a row of answers_table."""
    return _typed(_answers(response))


def _typed(answers, *, multiple=set) -> dict:
    values = {}
    for answer in answers:
        question = answer.question
        chosen = [link.choice.value for link in answer.answer_choices.all()]
        _put_typed(values, question.key, question.type, chosen, answer, multiple=multiple)
    return values


def _put_typed(values, key, question_type, chosen, stored, *, multiple=set):
    """Set values[key] to the typed value of one answer (`stored` carries number_value,
    text_value and date_value; `chosen` its choice values in order); nothing when unanswered."""
    if question_type in validation.CHOICE_TYPES:
        if question_type == validation.MULTIPLE:
            values[key] = multiple(chosen)
        elif chosen:
            values[key] = chosen[0]
    elif question_type == validation.SCALE:
        if stored.number_value is not None:
            values[key] = int(stored.number_value)
    elif question_type == validation.NUMBER:
        if stored.number_value is not None:
            values[key] = stored.number_value
    elif question_type == validation.DATE:
        if stored.date_value is not None:
            values[key] = stored.date_value
    else:
        values[key] = stored.text_value


class _StoredAnswer(NamedTuple):
    response_id: int
    question_id: int
    number_value: Decimal | None
    text_value: str
    date_value: date | None


def answers_table(*, organization, questionnaire, respondent_ids=None) -> dict[int, dict]:
    """{respondent_id: {question_key: value}} for matching and reports, in four queries.

    Values: single choice -> the choice's value (str); multiple choice -> a set of choice
    values; scale -> int; number -> Decimal; date -> date; text -> str. Unanswered questions
    are absent. When a person responded more than once, their latest response counts.
    Retired questions and choices are included: old answers keep their meaning.
    """
    responses = (
        Response.objects.for_org(organization)
        .filter(questionnaire=questionnaire, respondent__isnull=False)
        .order_by("respondent_id", "-updated_at", "-pk")
        .values_list("pk", "respondent_id")
    )
    if respondent_ids is not None:
        responses = responses.filter(respondent_id__in=list(respondent_ids))
    latest = {}
    for response_id, respondent_id in responses:
        latest.setdefault(respondent_id, response_id)
    if not latest:
        return {}
    by_response = {response_id: respondent_id for respondent_id, response_id in latest.items()}
    # Plain tuples, not model instances: a cohort of 10,000 people has ~100,000 answer rows.
    questions = {
        pk: (key, question_type)
        for pk, key, question_type in Question.objects.for_org(organization)
        .filter(questionnaire=questionnaire)
        .values_list("pk", "key", "type")
    }
    answers = Answer.objects.for_org(organization).filter(response_id__in=list(by_response))
    chosen: dict[int, list[str]] = {}
    links = (
        AnswerChoice.objects.for_org(organization)
        .filter(answer__response_id__in=list(by_response))
        .order_by("answer_id", "choice__order", "choice_id")
        .values_list("answer_id", "choice__value")
    )
    for answer_id, value in links:
        chosen.setdefault(answer_id, []).append(value)
    table = {respondent_id: {} for respondent_id in latest}
    rows = answers.values_list("pk", "response_id", "question_id", "number_value", "text_value", "date_value")
    for answer_id, *stored in rows:
        stored = _StoredAnswer(*stored)
        key, question_type = questions[stored.question_id]
        _put_typed(table[by_response[stored.response_id]], key, question_type, chosen.get(answer_id, []), stored)
    return table
