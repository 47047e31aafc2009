"""Every write to questionnaires, questions, choices and responses.

Answers are never corrupted by later edits: a question's type (and a scale's bounds, and its
key) cannot change once it has answers; answered choices keep their value and are retired,
never deleted; retired questions stay readable in old responses.
"""

import re
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from .. import validation
from ..models import Answer, AnswerChoice, Choice, Question, Questionnaire, Response

QUESTION_TEXT_MAX = Question._meta.get_field("text").max_length
HELP_TEXT_MAX = Question._meta.get_field("help_text").max_length
CHOICE_LABEL_MAX = Choice._meta.get_field("label").max_length
TITLE_MAX = Questionnaire._meta.get_field("title").max_length


def _same_org(organization, *objects):
    """Services are handed objects by views that scoped them; refuse a mismatch loudly anyway."""
    for obj in objects:
        if obj is not None and obj.organization_id != organization.pk:
            raise PermissionDenied("That object belongs to another organization.")


SENT_SURVEY_MESSAGE = "This survey has been sent, so its questions are fixed: answers must mean the same in every wave."


def _refuse_if_sent(organization, *, questionnaire_id=None, question_id=None):
    """A launched survey's questions cannot change: results compare waves question by question,
    and people who already answered must have answered the same questions."""
    from ..models import Survey, SurveyStatus

    sent = Survey.objects.for_org(organization).exclude(status=SurveyStatus.DRAFT)
    if questionnaire_id is not None:
        sent = sent.filter(questionnaire_id=questionnaire_id)
    else:
        sent = sent.filter(questionnaire__questions__pk=question_id)
    if sent.exists():
        raise ValidationError({"questionnaire": [SENT_SURVEY_MESSAGE]})


def _prefixed(errors: Mapping, prefix: str) -> dict:
    return {f"{prefix}.{key}" if prefix else key: value for key, value in errors.items()}


def machine_name(text: str, taken=(), fallback="item") -> str:
    """A stable machine name from words, unique among `taken`: "Skills you want?" -> skills_you_want."""
    # Punctuation separates words ("1–5" -> 1_5) rather than vanishing ("15").
    base = slugify(re.sub(r"[^\w]+", " ", text)).replace("-", "_")[:50].strip("_") or fallback
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _clean_text(value, name, max_length, *, required=False):
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({name: ["This field is required."]})
    if len(text) > max_length:
        raise ValidationError({name: [f"Keep it to {max_length} characters or fewer."]})
    return text


def _answered(question) -> bool:
    return Answer.objects.for_org(question.organization_id).filter(question=question).exists()


def _choice_answered(choice) -> bool:
    return AnswerChoice.objects.for_org(choice.organization_id).filter(choice=choice).exists()


def parse_choices(raw) -> list[tuple[str, str]]:
    """Choices from a spec ([[value, label], ...], [{"value", "label"}], or plain labels)
    or from a textarea (one label per line, optionally "value | label")."""
    if isinstance(raw, str):
        raw = [line for line in raw.splitlines() if line.strip()]
    pairs, taken = [], set()
    for item in raw or ():
        if isinstance(item, Mapping):
            value, label = item.get("value") or "", item.get("label") or ""
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            value, label = item
        elif isinstance(item, str):
            value, _, label = item.rpartition("|") if "|" in item else ("", "", item)
        else:
            raise ValidationError({"choices": ["Give each choice as a label, or as [value, label]."]})
        label = " ".join(str(label).split())
        value = str(value).strip() or machine_name(label, taken, "choice")
        if not label:
            raise ValidationError({"choices": ["Every choice needs a label."]})
        if len(label) > CHOICE_LABEL_MAX:
            raise ValidationError({"choices": [f"Keep each choice to {CHOICE_LABEL_MAX} characters or fewer."]})
        if not validation.is_slug(value):
            raise ValidationError({"choices": [f"“{value}” is not a usable value: letters, digits, _ or - only."]})
        if value in taken:
            raise ValidationError({"choices": [f"The value “{value}” is used twice."]})
        taken.add(value)
        pairs.append((value, label))
    return pairs


def _check_definition(**kwargs):
    try:
        return validation.validate_definition(**kwargs)
    except validation.DefinitionError as error:
        raise ValidationError(error.errors) from None


# --- questionnaires -------------------------------------------------------------------------


@transaction.atomic
def questionnaire_create(*, organization, title, description="", kind=Questionnaire.Kind.INTAKE) -> Questionnaire:
    title = _clean_text(title, "title", TITLE_MAX, required=True)
    if kind not in Questionnaire.Kind.values:
        raise ValidationError({"kind": [f"Choose one of: {', '.join(Questionnaire.Kind.values)}."]})
    return Questionnaire.objects.create(
        organization=organization, title=title, description=(description or "").strip(), kind=kind
    )


@transaction.atomic
def questionnaire_create_from_spec(*, organization, spec: Mapping) -> Questionnaire:
    """A questionnaire with its questions and choices, all or nothing.

    spec = {"title", "description", "kind", "questions": [{"key", "text", "type", "required",
    "help_text", "min", "max", "choices": [[value, label], ...]}]}. Errors name the field, with
    "questions.<index>.<field>" for a question's.
    """
    questionnaire = questionnaire_create(
        organization=organization,
        title=spec.get("title", ""),
        description=spec.get("description", ""),
        kind=spec.get("kind") or Questionnaire.Kind.INTAKE,
    )
    errors = {}
    for index, item in enumerate(spec.get("questions") or ()):
        try:
            question_add(
                organization=organization,
                questionnaire=questionnaire,
                text=item.get("text", ""),
                type=item.get("type", ""),
                key=item.get("key", ""),
                required=bool(item.get("required", False)),
                help_text=item.get("help_text", ""),
                min_value=item.get("min", item.get("min_value")),
                max_value=item.get("max", item.get("max_value")),
                choices=item.get("choices") or (),
            )
        except ValidationError as error:
            errors.update(_prefixed(error.message_dict, f"questions.{index}"))
    if errors:
        # Raising rolls the whole questionnaire back.
        raise ValidationError(errors)
    return questionnaire


@transaction.atomic
def questionnaire_copy(*, organization, questionnaire, title=None) -> Questionnaire:
    """A fresh copy for a new program cycle: active questions and their offered choices only."""
    _same_org(organization, questionnaire)
    copy = Questionnaire.objects.create(
        organization=organization,
        title=title or questionnaire.title,
        description=questionnaire.description,
        kind=questionnaire.kind,
    )
    questions = list(
        Question.objects.for_org(organization)
        .filter(questionnaire=questionnaire, retired=False)
        .order_by("order", "pk")
    )
    choices = list(
        Choice.objects.for_org(organization)
        .filter(question__in=questions, retired=False)
        .order_by("question_id", "order", "pk")
    )
    new_questions = Question.objects.bulk_create(
        [
            Question(
                organization=organization,
                questionnaire=copy,
                key=q.key,
                text=q.text,
                help_text=q.help_text,
                type=q.type,
                required=q.required,
                order=index,
                min_value=q.min_value,
                max_value=q.max_value,
            )
            for index, q in enumerate(questions)
        ]
    )
    by_old = {old.pk: new for old, new in zip(questions, new_questions, strict=True)}
    if any(new.pk is None for new in new_questions):  # backends without RETURNING ids
        fresh = {q.key: q for q in Question.objects.for_org(organization).filter(questionnaire=copy)}
        by_old = {old.pk: fresh[old.key] for old in questions}
    positions: dict[int, int] = {}
    new_choices = []
    for c in choices:
        position = positions[c.question_id] = positions.get(c.question_id, -1) + 1
        new_choices.append(
            Choice(
                organization=organization, question=by_old[c.question_id], label=c.label, value=c.value, order=position
            )
        )
    Choice.objects.bulk_create(new_choices)
    return copy


@transaction.atomic
def questionnaire_update(*, organization, questionnaire, **changes) -> Questionnaire:
    _same_org(organization, questionnaire)
    unknown = set(changes) - {"title", "description", "kind"}
    if unknown:
        raise TypeError(f"questionnaire_update() got unexpected fields: {', '.join(sorted(unknown))}")
    if "title" in changes:
        questionnaire.title = _clean_text(changes["title"], "title", TITLE_MAX, required=True)
    if "description" in changes:
        questionnaire.description = (changes["description"] or "").strip()
    if "kind" in changes:
        if changes["kind"] not in Questionnaire.Kind.values:
            raise ValidationError({"kind": [f"Choose one of: {', '.join(Questionnaire.Kind.values)}."]})
        questionnaire.kind = changes["kind"]
    questionnaire.save()
    return questionnaire


# --- questions ------------------------------------------------------------------------------


@transaction.atomic
def question_add(
    *,
    organization,
    questionnaire,
    text,
    type,
    key="",
    required=False,
    help_text="",
    min_value=None,
    max_value=None,
    choices=(),
) -> Question:
    """Append a question (with its choices for the choice types) to the end of the questionnaire."""
    _same_org(organization, questionnaire)
    _refuse_if_sent(organization, questionnaire_id=questionnaire.pk)
    errors = {}
    try:
        text = _clean_text(text, "text", QUESTION_TEXT_MAX, required=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        help_text = _clean_text(help_text, "help_text", HELP_TEXT_MAX)
    except ValidationError as error:
        errors.update(error.message_dict)
    pairs = []
    if type in validation.CHOICE_TYPES:
        try:
            pairs = parse_choices(choices)
        except ValidationError as error:
            errors.update(error.message_dict)
    elif choices:
        errors["choices"] = ["Only single- and multiple-choice questions have choices."]
    siblings = Question.objects.for_org(organization).filter(questionnaire=questionnaire)
    taken = set(siblings.values_list("key", flat=True))
    key = (key or "").strip() or machine_name(text, taken, "question")
    try:
        min_value, max_value = _check_definition(
            type=type,
            min_value=min_value,
            max_value=max_value,
            key=key,
            choice_count=len(pairs) if type in validation.CHOICE_TYPES and "choices" not in errors else None,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if "key" not in errors and key in taken:
        errors["key"] = [f"Another question of this questionnaire already uses the key “{key}”."]
    if errors:
        raise ValidationError(errors)
    order = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1 if taken else 0
    question = Question.objects.create(
        organization=organization,
        questionnaire=questionnaire,
        key=key,
        text=text,
        help_text=help_text,
        type=type,
        required=bool(required),
        order=order,
        min_value=min_value,
        max_value=max_value,
    )
    Choice.objects.bulk_create(
        [
            Choice(organization=organization, question=question, value=value, label=label, order=index)
            for index, (value, label) in enumerate(pairs)
        ]
    )
    return question


QUESTION_EDITABLE = {"text", "help_text", "required", "type", "min_value", "max_value", "key", "choices"}


@transaction.atomic
def question_update(*, organization, question, **changes) -> Question:
    """Edit a question. Text, help text and the required flag may always change; the type, the
    key and a scale's bounds only while nobody has answered (old answers must keep meaning what
    they meant). `choices` are added when the question becomes a choice question; a question
    that stops being one loses its (unanswered) choices."""
    _same_org(organization, question)
    _refuse_if_sent(organization, questionnaire_id=question.questionnaire_id)
    unknown = set(changes) - QUESTION_EDITABLE
    if unknown:
        raise TypeError(f"question_update() got unexpected fields: {', '.join(sorted(unknown))}")
    question = Question.objects.select_for_update().get(pk=question.pk)
    errors = {}
    answered = None

    def is_answered():
        nonlocal answered
        if answered is None:
            answered = _answered(question)
        return answered

    new_type = changes.get("type", question.type)
    if new_type != question.type and is_answered():
        errors["type"] = [
            "This question already has answers, so its type cannot change. Retire it and add a new question instead."
        ]
    new_key = (changes.get("key") or question.key).strip()
    if new_key != question.key:
        if is_answered():
            errors["key"] = ["This question already has answers, so its key cannot change."]
        elif (
            Question.objects.for_org(organization)
            .filter(questionnaire_id=question.questionnaire_id, key=new_key)
            .exists()
        ):
            errors["key"] = [f"Another question of this questionnaire already uses the key “{new_key}”."]
    for name, max_length in (("text", QUESTION_TEXT_MAX), ("help_text", HELP_TEXT_MAX)):
        if name in changes:
            try:
                setattr(question, name, _clean_text(changes[name], name, max_length, required=name == "text"))
            except ValidationError as error:
                errors.update(error.message_dict)
    min_value = changes.get("min_value", question.min_value)
    max_value = changes.get("max_value", question.max_value)
    if new_type != question.type and "min_value" not in changes and "max_value" not in changes:
        min_value = max_value = None  # the old type's bounds rarely make sense for the new one
    offered, new_choices = None, []
    if new_type in validation.CHOICE_TYPES:
        existing = Choice.objects.for_org(organization).filter(question=question)
        offered = existing.filter(retired=False).count()
        if changes.get("choices"):
            try:
                new_choices = parse_choices(changes["choices"])
            except ValidationError as error:
                errors.update(error.message_dict)
            taken = set(existing.values_list("value", flat=True))
            clash = [value for value, _ in new_choices if value in taken]
            if clash:
                errors["choices"] = [f"Another choice of this question already uses the value “{clash[0]}”."]
            offered += len(new_choices)
    elif changes.get("choices"):
        errors["choices"] = ["Only single- and multiple-choice questions have choices."]
    try:
        min_value, max_value = _check_definition(
            type=new_type, min_value=min_value, max_value=max_value, key=new_key, choice_count=offered
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    if (
        new_type == validation.SCALE == question.type
        and (min_value, max_value) != (question.min_value, question.max_value)
        and "max_value" not in errors
        and is_answered()
    ):
        errors["max_value"] = ["This scale already has answers, so its range cannot change."]
    if errors:
        raise ValidationError(errors)
    question.type = new_type
    question.key = new_key
    question.min_value, question.max_value = min_value, max_value
    if "required" in changes:
        question.required = bool(changes["required"])
    question.save()
    choices = Choice.objects.for_org(organization).filter(question=question)
    if new_type not in validation.CHOICE_TYPES:
        choices.delete()  # unanswered (the type could not have changed otherwise)
    elif new_choices:
        start = (choices.aggregate(m=Max("order"))["m"] or -1) + 1
        Choice.objects.bulk_create(
            [
                Choice(organization=organization, question=question, value=value, label=label, order=start + index)
                for index, (value, label) in enumerate(new_choices)
            ]
        )
    return question


@transaction.atomic
def question_retire(*, organization, question) -> Question:
    """Hide a question from new responses; its answers stay in old responses."""
    _same_org(organization, question)
    _refuse_if_sent(organization, questionnaire_id=question.questionnaire_id)
    Question.objects.for_org(organization).filter(pk=question.pk).update(retired=True)
    question.retired = True
    return question


@transaction.atomic
def question_restore(*, organization, question) -> Question:
    _same_org(organization, question)
    _refuse_if_sent(organization, questionnaire_id=question.questionnaire_id)
    Question.objects.for_org(organization).filter(pk=question.pk).update(retired=False)
    question.retired = False
    return question


@transaction.atomic
def question_reorder(*, organization, questionnaire, question_ids) -> list[Question]:
    """Put the questions in the given order; ids left out keep their relative order after them."""
    _same_org(organization, questionnaire)
    _refuse_if_sent(organization, questionnaire_id=questionnaire.pk)
    questions = list(
        Question.objects.for_org(organization)
        .select_for_update()
        .filter(questionnaire=questionnaire)
        .order_by("order", "pk")
    )
    by_id = {q.pk: q for q in questions}
    wanted = []
    for pk in question_ids:
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise ValidationError({"question_ids": [f"“{pk}” is not a question id."]}) from None
        if pk not in by_id:
            raise ValidationError({"question_ids": [f"{pk} is not a question of this questionnaire."]})
        if pk not in wanted:
            wanted.append(pk)
    ordered = [by_id[pk] for pk in wanted] + [q for q in questions if q.pk not in wanted]
    for index, q in enumerate(ordered):
        q.order = index
    Question.objects.bulk_update(ordered, ["order"])
    return ordered


def question_move(*, organization, question, direction) -> Question:
    """Swap a question with its neighbour among the questions ("up" or "down"); retired ones count."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": ["Move a question up or down."]})
    ids = list(
        Question.objects.for_org(organization)
        .filter(questionnaire_id=question.questionnaire_id)
        .order_by("order", "pk")
        .values_list("pk", flat=True)
    )
    index = ids.index(question.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        question_reorder(organization=organization, questionnaire=question.questionnaire, question_ids=ids)
    question.refresh_from_db(fields=["order"])
    return question


# --- choices --------------------------------------------------------------------------------


def _require_choice_question(question):
    if question.type not in validation.CHOICE_TYPES:
        raise ValidationError({"choices": ["Only single- and multiple-choice questions have choices."]})


@transaction.atomic
def choice_add(*, organization, question, label, value="") -> Choice:
    _same_org(organization, question)
    _refuse_if_sent(organization, questionnaire_id=question.questionnaire_id)
    _require_choice_question(question)
    existing = Choice.objects.for_org(organization).filter(question=question)
    taken = set(existing.values_list("value", flat=True))
    label = _clean_text(label, "label", CHOICE_LABEL_MAX, required=True)
    value = (value or "").strip() or machine_name(label, taken, "choice")
    if not validation.is_slug(value):
        raise ValidationError({"value": ["Use 1–60 letters, digits, hyphens or underscores."]})
    if value in taken:
        raise ValidationError({"value": [f"Another choice of this question already uses the value “{value}”."]})
    order = (existing.aggregate(m=Max("order"))["m"] or 0) + 1 if taken else 0
    return Choice.objects.create(organization=organization, question=question, label=label, value=value, order=order)


@transaction.atomic
def choice_update(*, organization, choice, label=None, value=None) -> Choice:
    """The label may always change (a typo fix); the value only while nobody chose it, because
    matching and reports read values."""
    _same_org(organization, choice)
    _refuse_if_sent(organization, question_id=choice.question_id)
    if label is not None:
        choice.label = _clean_text(label, "label", CHOICE_LABEL_MAX, required=True)
    if value is not None and value != choice.value:
        value = value.strip()
        if _choice_answered(choice):
            raise ValidationError({"value": ["People already chose this option, so its value cannot change."]})
        if not validation.is_slug(value):
            raise ValidationError({"value": ["Use 1–60 letters, digits, hyphens or underscores."]})
        siblings = Choice.objects.for_org(organization).filter(question_id=choice.question_id, value=value)
        if siblings.exclude(pk=choice.pk).exists():
            raise ValidationError({"value": [f"Another choice of this question already uses the value “{value}”."]})
        choice.value = value
    choice.save()
    return choice


@transaction.atomic
def choice_retire(*, organization, choice) -> Choice | None:
    """Stop offering a choice. A choice somebody picked is retired (their answer stays readable);
    one nobody picked is simply deleted. Returns the retired choice, or None when deleted."""
    _same_org(organization, choice)
    _refuse_if_sent(organization, question_id=choice.question_id)
    if not choice.retired:
        offered = Choice.objects.for_org(organization).filter(question_id=choice.question_id, retired=False).count()
        if offered <= 1:
            raise ValidationError({"choices": ["A choice question needs at least one choice on offer."]})
    if _choice_answered(choice):
        Choice.objects.for_org(organization).filter(pk=choice.pk).update(retired=True)
        choice.retired = True
        return choice
    choice.delete()
    return None


@transaction.atomic
def choice_restore(*, organization, choice) -> Choice:
    _same_org(organization, choice)
    _refuse_if_sent(organization, question_id=choice.question_id)
    Choice.objects.for_org(organization).filter(pk=choice.pk).update(retired=False)
    choice.retired = False
    return choice


# --- responses ------------------------------------------------------------------------------


def _raw(answers, key, question_type):
    """One raw answer; a QueryDict keeps every value of a multiple-choice field."""
    if question_type == validation.MULTIPLE and hasattr(answers, "getlist"):
        return answers.getlist(key)
    return answers.get(key)


def validate_answers(*, organization, questionnaire, answers: Mapping, questions=None) -> dict:
    """Check every answer; return {question: typed value} or raise ValidationError({key: [msg]}).

    Keys that name no question, or a retired one, are errors too: a client must not believe an
    answer was stored when it was not.
    """
    if not isinstance(answers, Mapping) and not hasattr(answers, "getlist"):
        raise ValidationError({"answers": ["Give the answers as an object keyed by question key."]})
    if questions is None:
        from ..selectors import questionnaire_questions

        questions = questionnaire_questions(questionnaire, include_retired=True)
    by_key = {q.key: q for q in questions}
    errors, values = {}, {}
    for key in answers:
        question = by_key.get(key)
        if question is None:
            errors[str(key)] = ["This questionnaire has no question with this key."]
        elif question.retired and not validation.is_empty(answers[key]):
            errors[key] = ["This question is no longer asked."]
    for question in questions:
        if question.retired:
            continue
        rules = validation.rules_for(question, question.choices.all())
        try:
            values[question] = validation.validate_answer(rules, _raw(answers, question.key, question.type))
        except validation.AnswerError as error:
            errors[question.key] = [error.message]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def response_submit(*, organization, questionnaire, respondent, answers, response=None, stamp=None) -> Response:
    """Validate every answer, then store them typed, all or nothing.

    With `response`, that response is updated in place (a re-submitted intake): answers to
    active questions are replaced, answers to retired questions are kept. `stamp` is the time
    written as submitted/updated (now by default; an anonymous survey passes the day's start,
    so no finer time is ever written).
    """
    stamp = stamp or timezone.now()
    _same_org(organization, questionnaire, respondent, response)
    if response is not None and response.questionnaire_id != questionnaire.pk:
        raise ValidationError({"response": ["That response belongs to another questionnaire."]})
    values = validate_answers(organization=organization, questionnaire=questionnaire, answers=answers)
    if response is None:
        response = Response.objects.create(
            organization=organization,
            questionnaire=questionnaire,
            respondent=respondent,
            submitted_at=stamp,
            updated_at=stamp,
        )
    else:
        response = Response.objects.select_for_update().for_org(organization).get(pk=response.pk)
        if respondent is not None:
            response.respondent = respondent
        response.updated_at = stamp
        response.save()
        Answer.objects.for_org(organization).filter(response=response, question__in=list(values)).delete()
    rows, chosen = [], []
    for question, value in values.items():
        if value is None:
            continue
        answer = Answer(organization=organization, response=response, question=question)
        if question.type == validation.SINGLE:
            chosen.append((answer, [value]))
        elif question.type == validation.MULTIPLE:
            chosen.append((answer, value))
        elif question.type in (validation.SCALE, validation.NUMBER):
            answer.number_value = value
        elif question.type == validation.DATE:
            answer.date_value = value
        else:
            answer.text_value = value
        rows.append(answer)
    Answer.objects.bulk_create(rows)
    if chosen and any(answer.pk is None for answer, _ in chosen):  # backends without RETURNING ids
        ids = dict(Answer.objects.for_org(organization).filter(response=response).values_list("question_id", "pk"))
        for answer, _ in chosen:
            answer.pk = ids[answer.question_id]
    AnswerChoice.objects.bulk_create(
        [
            AnswerChoice(organization=organization, answer=answer, choice_id=choice_id)
            for answer, choice_ids in chosen
            for choice_id in choice_ids
        ]
    )
    return response
