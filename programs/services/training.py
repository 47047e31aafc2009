"""Training and orientation: writing modules, and recording a participant's attempts at them.

A module's quiz is a list of {"question", "choices", "answer"} (see TrainingModule). It is
validated here, the one place that writes it, so graders and pages can trust its shape.
Scores are always computed here from the stored answers; a client never sends a score.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import EnrollmentStatus, Program, TrainingCompletion, TrainingModule

MAX_QUESTIONS = 30
MAX_CHOICES = 10
MAX_TEXT = 500
# Training is for people who are, or may soon be, in the program; a declined or withdrawn
# application has nothing left to prepare for.
TRAINABLE_STATUSES = (EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED)
_EDITABLE = ("title", "content", "role", "quiz", "pass_mark", "requires_acknowledgement", "order")


def _raise(errors):
    if errors:
        raise ValidationError(errors)


# --- the quiz ----------------------------------------------------------------------------


def validate_quiz(quiz) -> list[dict]:
    """The quiz, cleaned (text stripped); ValidationError naming e.g. "quiz.1.answer" otherwise."""
    if quiz is None:
        return []
    if not isinstance(quiz, list | tuple):
        raise ValidationError({"quiz": ["Send a list of questions."]})
    if len(quiz) > MAX_QUESTIONS:
        raise ValidationError({"quiz": [f"A quiz has at most {MAX_QUESTIONS} questions."]})
    errors, cleaned = {}, []
    for index, item in enumerate(quiz):
        where = f"quiz.{index}"
        if not isinstance(item, dict):
            errors[where] = ["Each question needs a question, its choices and the right answer."]
            continue
        unknown = set(item) - {"question", "choices", "answer"}
        if unknown:
            errors[where] = [f"Unknown keys: {', '.join(sorted(map(str, unknown)))}."]
        question = item.get("question")
        if not isinstance(question, str) or not question.strip():
            errors[f"{where}.question"] = ["Write the question."]
        elif len(question.strip()) > MAX_TEXT:
            errors[f"{where}.question"] = [f"Keep the question under {MAX_TEXT} characters."]
        choices = item.get("choices")
        if not isinstance(choices, list | tuple) or not all(isinstance(c, str) for c in choices):
            errors[f"{where}.choices"] = ["Give the choices as a list of texts."]
            choices = None
        else:
            choices = [c.strip() for c in choices]
            if any(not c for c in choices):
                errors[f"{where}.choices"] = ["A choice cannot be empty."]
            elif len(choices) < 2:
                errors[f"{where}.choices"] = ["Give at least two choices."]
            elif len(choices) > MAX_CHOICES:
                errors[f"{where}.choices"] = [f"Give at most {MAX_CHOICES} choices."]
            elif len(set(choices)) != len(choices):
                errors[f"{where}.choices"] = ["Each choice must be different."]
            elif any(len(c) > MAX_TEXT for c in choices):
                errors[f"{where}.choices"] = [f"Keep each choice under {MAX_TEXT} characters."]
        answer = item.get("answer")
        # bool is an int in Python; True would silently mean choice 1.
        if not isinstance(answer, int) or isinstance(answer, bool):
            errors[f"{where}.answer"] = ["Mark the right choice (its position, counting from 0)."]
        elif choices is not None and not 0 <= answer < len(choices):
            errors[f"{where}.answer"] = [
                f"The right answer must be one of the {len(choices)} choices (0–{len(choices) - 1})."
            ]
        if isinstance(question, str) and choices is not None:
            cleaned.append({"question": question.strip(), "choices": choices, "answer": answer})
    _raise(errors)
    return cleaned


@dataclass(frozen=True)
class QuizResult:
    """One attempt's outcome. `wrong` holds question indexes, never the right answers."""

    score: int | None
    passed: bool
    wrong: list[int] = field(default_factory=list)


def _clean_answers(quiz, quiz_answers) -> list[int]:
    """The participant's choice per question; ValidationError naming "quiz_answers.<i>"."""
    if not quiz:
        return []
    if isinstance(quiz_answers, dict):
        given = {str(k): v for k, v in quiz_answers.items()}
        unknown = set(given) - {str(i) for i in range(len(quiz))}
        if unknown:
            raise ValidationError({"quiz_answers": [f"This quiz has questions 0–{len(quiz) - 1} only."]})
        answers = [given.get(str(i)) for i in range(len(quiz))]
    elif isinstance(quiz_answers, list | tuple):
        if len(quiz_answers) > len(quiz):
            raise ValidationError(
                {"quiz_answers": [f"This quiz has {len(quiz)} questions; {len(quiz_answers)} answers were sent."]}
            )
        answers = [*quiz_answers, *[None] * (len(quiz) - len(quiz_answers))]
    else:
        raise ValidationError({"quiz_answers": ["Send one answer per question."]})
    errors, cleaned = {}, []
    for index, (item, answer) in enumerate(zip(quiz, answers, strict=True)):
        if isinstance(answer, str) and answer.strip().lstrip("-").isdigit():
            answer = int(answer)
        if answer is None or answer == "":
            errors[f"quiz_answers.{index}"] = ["Answer this question."]
        elif not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < len(item["choices"]):
            errors[f"quiz_answers.{index}"] = [f"Choose one of the {len(item['choices'])} choices."]
        else:
            cleaned.append(answer)
    _raise(errors)
    return cleaned


def quiz_grade(module: TrainingModule, quiz_answers) -> QuizResult:
    """Grade answers against the module's quiz (validating them first); pure, saves nothing."""
    answers = _clean_answers(module.quiz, quiz_answers)
    if not module.quiz:
        return QuizResult(score=None, passed=True)
    wrong = [i for i, (item, answer) in enumerate(zip(module.quiz, answers, strict=True)) if item["answer"] != answer]
    score = round(100 * (len(module.quiz) - len(wrong)) / len(module.quiz))
    return QuizResult(score=score, passed=score >= module.pass_mark, wrong=wrong)


# --- modules -----------------------------------------------------------------------------


def _clean_module_fields(*, program, data) -> dict:
    """Validate the given module fields; ValidationError names each field at fault."""
    errors, cleaned = {}, {}
    if "title" in data:
        title = (data["title"] or "").strip()
        if not title:
            errors["title"] = ["Give the module a title."]
        elif len(title) > TrainingModule._meta.get_field("title").max_length:
            errors["title"] = ["Keep the title under 200 characters."]
        cleaned["title"] = title
    if "content" in data:
        content = data["content"] or ""
        if not content.strip():
            errors["content"] = ["Write the module's content."]
        cleaned["content"] = content
    if "role" in data:
        role = data["role"] or ""
        if role and role not in program.roles:
            labels = " or ".join(program.roles)
            errors["role"] = [f"This program's participants are {labels}; leave it empty for everyone."]
        cleaned["role"] = role
    if "pass_mark" in data:
        pass_mark = data["pass_mark"]
        if not isinstance(pass_mark, int) or isinstance(pass_mark, bool) or not 0 <= pass_mark <= 100:
            errors["pass_mark"] = ["The pass mark is a percentage from 0 to 100."]
        cleaned["pass_mark"] = pass_mark
    if "requires_acknowledgement" in data:
        cleaned["requires_acknowledgement"] = bool(data["requires_acknowledgement"])
    if "order" in data and data["order"] is not None:
        order = data["order"]
        if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 32767:
            errors["order"] = ["The order is a whole number from 0."]
        cleaned["order"] = order
    if "quiz" in data:
        try:
            cleaned["quiz"] = validate_quiz(data["quiz"])
        except ValidationError as error:
            errors.update(error.message_dict)
    _raise(errors)
    return cleaned


def _check_program(organization, program):
    if program.organization_id != organization.pk:
        raise ValidationError({"program": ["Not found."]})


def training_module_create(
    *,
    organization,
    program: Program,
    title: str,
    content: str,
    role: str = "",
    quiz=(),
    pass_mark: int = 80,
    requires_acknowledgement: bool = True,
    order: int | None = None,
) -> TrainingModule:
    """A new module; without an order it goes after the program's last one."""
    _check_program(organization, program)
    data = {
        "title": title,
        "content": content,
        "role": role,
        "quiz": quiz,
        "pass_mark": pass_mark,
        "requires_acknowledgement": requires_acknowledgement,
        "order": order,
    }
    cleaned = _clean_module_fields(program=program, data=data)
    if cleaned.get("order") is None:
        last = TrainingModule.objects.for_org(organization).filter(program=program).aggregate(last=Max("order"))
        cleaned["order"] = 0 if last["last"] is None else last["last"] + 1
    return TrainingModule.objects.create(organization=organization, program=program, **cleaned)


def training_module_update(*, organization, module: TrainingModule, **changes) -> TrainingModule:
    """Change some of a module's fields (title, content, role, quiz, pass_mark,
    requires_acknowledgement, order).

    Completions already earned stand: a person trained on the earlier text is still trained,
    and a reworded quiz must not silently take a ready-to-match person out of the pool.
    """
    if module.organization_id != organization.pk:
        raise ValidationError({"module": ["Not found."]})
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    cleaned = _clean_module_fields(program=module.program, data=changes)
    for name, value in cleaned.items():
        setattr(module, name, value)
    if cleaned:
        module.save(update_fields=list(cleaned))
    return module


def training_module_delete(*, organization, module: TrainingModule) -> None:
    """Delete a module nobody has completed yet.

    Once someone has completed it, their completion is the record that they were trained
    (what a program owes participants on confidentiality and boundaries), so deleting is
    refused: edit the module instead. Unfinished attempts go with the module.
    """
    if module.organization_id != organization.pk:
        raise ValidationError({"module": ["Not found."]})
    completed = module.completions.filter(passed=True).count()
    if completed:
        people = "person has" if completed == 1 else "people have"
        raise ValidationError(
            {
                "module": [
                    f"{completed} {people} completed this module; it stays as the record of their "
                    "training. Edit it instead."
                ]
            }
        )
    module.delete()


@transaction.atomic
def training_module_reorder(*, organization, program: Program, module_ids) -> list[TrainingModule]:
    """Put the program's modules in the given order; `module_ids` must list each of them once."""
    _check_program(organization, program)
    modules = {m.pk: m for m in TrainingModule.objects.for_org(organization).filter(program=program)}
    try:
        ids = [int(pk) for pk in module_ids]
    except (TypeError, ValueError):
        raise ValidationError({"modules": ["Send the ids of the program's modules."]}) from None
    if sorted(ids) != sorted(modules):
        raise ValidationError({"modules": ["List every module of this program exactly once."]})
    changed = []
    for position, pk in enumerate(ids):
        if modules[pk].order != position:
            modules[pk].order = position
            changed.append(modules[pk])
    TrainingModule.objects.bulk_update(changed, ["order"])
    return [modules[pk] for pk in ids]


# --- attempts ----------------------------------------------------------------------------


def _check_attempt(organization, module, enrollment):
    if enrollment.organization_id != organization.pk:
        raise ValidationError({"enrollment": ["Not found."]})
    # Another organization's module is refused exactly like a module that does not exist.
    if module.organization_id != organization.pk:
        raise ValidationError({"module": ["Not found."]})
    if module.program_id != enrollment.program_id:
        raise ValidationError({"module": ["This module belongs to another program."]})
    if module.role and module.role != enrollment.role:
        raise ValidationError({"module": [f"This module is for the program's {module.get_role_display().lower()}s."]})
    if enrollment.status not in TRAINABLE_STATUSES:
        raise ValidationError(
            {"enrollment": [f"This enrollment is {enrollment.get_status_display().lower()}; training is closed."]}
        )


@transaction.atomic
def training_submit(*, organization, module: TrainingModule, enrollment, quiz_answers=(), acknowledged=False):
    """Record one attempt at a module and return the enrollment's TrainingCompletion.

    The score is computed here. A failed attempt counts but keeps the best score so far; a
    pass sets completed_at, and a later attempt never takes a pass away. Bad input (an
    answer out of range, a missing answer, no acknowledgement where one is required) saves
    nothing and names the field. The returned completion carries `attempt`, this attempt's
    QuizResult, for showing which questions were wrong.
    """
    _check_attempt(organization, module, enrollment)
    errors = {}
    try:
        result = quiz_grade(module, quiz_answers)
    except ValidationError as error:
        errors.update(error.message_dict)
    if module.requires_acknowledgement and not acknowledged:
        errors["acknowledged"] = ["Confirm that you have read and accept this module."]
    _raise(errors)
    now = timezone.now()
    completion, _ = TrainingCompletion.objects.get_or_create(
        organization=organization, module=module, enrollment=enrollment
    )
    # Two tabs submitting at once must not lose an attempt or un-pass a completion.
    completion = TrainingCompletion.objects.select_for_update().get(pk=completion.pk)
    completion.attempts += 1
    if result.score is not None and (completion.score is None or result.score > completion.score):
        completion.score = result.score
    if acknowledged and completion.acknowledged_at is None:
        completion.acknowledged_at = now
    if result.passed and not completion.passed:
        completion.passed = True
        completion.completed_at = now
    completion.save()
    completion.attempt = result
    return completion
