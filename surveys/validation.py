"""The one copy of the questionnaire rules: pure functions, no database.

`validate_answer(rules, raw)` turns one raw answer into a typed value or raises `AnswerError`
with a message a respondent understands. Raw values come from HTML forms (strings, lists of
strings) or from JSON (numbers, strings, lists of choice ids or choice values). The form
(`surveys.forms`) and the service (`surveys.services.response_submit`) both call it, so a
browser and an API client are held to exactly the same rules.

`validate_definition(...)` checks a question's own definition (type, scale bounds, min/max,
choices) for the builder, the API and questionnaire specs.

Typed values returned by `validate_answer`:
- single choice: the chosen choice's id (int)
- multiple choice: a list of chosen choice ids, in the order of the choice list
- scale: int; number: Decimal; date: datetime.date
- short/long text: the stripped string
- an empty optional answer: None
"""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

SINGLE = "single"
MULTIPLE = "multiple"
SCALE = "scale"
NUMBER = "number"
SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
DATE = "date"

TYPES = (SINGLE, MULTIPLE, SCALE, NUMBER, SHORT_TEXT, LONG_TEXT, DATE)
CHOICE_TYPES = (SINGLE, MULTIPLE)
TEXT_TYPES = (SHORT_TEXT, LONG_TEXT)
# (min, max); 0–10 is the NPS scale. Mirrors Question.SCALES (kept here so this module stays pure).
SCALES = ((1, 5), (1, 10), (0, 10))
# Text lengths when the question sets no maximum of its own.
DEFAULT_MAX_LENGTH = {SHORT_TEXT: 200, LONG_TEXT: 5000}
# Number answers are stored in DecimalField(max_digits=12, decimal_places=2).
NUMBER_LIMIT = Decimal("9999999999.99")
NUMBER_PLACES = 2

REQUIRED_MESSAGE = "This question is required."
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class AnswerError(ValueError):
    """A raw answer that does not fit its question; `message` is shown beside the field."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ChoiceRule:
    id: int | None
    value: str
    label: str
    retired: bool = False


@dataclass(frozen=True)
class QuestionRules:
    """Everything needed to check an answer to one question.

    `choices` lists every choice of the question, retired ones included, so that picking a
    retired choice gets its own message rather than "not a choice".
    """

    type: str
    required: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    choices: Sequence[ChoiceRule] = field(default_factory=tuple)
    key: str = ""

    @property
    def offered(self) -> list[ChoiceRule]:
        return [c for c in self.choices if not c.retired]

    @property
    def scale_bounds(self) -> tuple[int, int]:
        low = int(self.min_value) if self.min_value is not None else 1
        high = int(self.max_value) if self.max_value is not None else 5
        return low, high

    @property
    def max_length(self) -> int:
        if self.max_value is not None:
            return int(self.max_value)
        return DEFAULT_MAX_LENGTH.get(self.type, 200)


def rules_for(question, choices=None) -> QuestionRules:
    """QuestionRules from a Question-like object and its choices (already loaded, any order)."""
    choices = question.choices.all() if choices is None else choices
    return QuestionRules(
        type=question.type,
        required=question.required,
        min_value=question.min_value,
        max_value=question.max_value,
        choices=tuple(ChoiceRule(c.pk, c.value, c.label, c.retired) for c in choices),
        key=question.key,
    )


def is_empty(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, (list, tuple, set, frozenset)):
        return all(is_empty(item) for item in raw)
    return False


def validate_answer(rules: QuestionRules, raw):
    """Return the typed value of `raw`, None for an empty optional answer, or raise AnswerError."""
    if is_empty(raw):
        if rules.required:
            raise AnswerError(REQUIRED_MESSAGE)
        return None
    validator = _VALIDATORS.get(rules.type)
    if validator is None:
        raise AnswerError("This question has an unknown type.")
    return validator(rules, raw)


# --- one validator per type ---------------------------------------------------------------


def _scalar(raw, what):
    """Unwrap a one-item list (HTML forms post lists); refuse several values for one answer."""
    if isinstance(raw, (list, tuple)):
        items = [item for item in raw if not is_empty(item)]
        if len(items) != 1:
            raise AnswerError(f"Give one {what}, not a list.")
        return items[0]
    if isinstance(raw, (set, frozenset, dict)):
        raise AnswerError(f"Give one {what}.")
    return raw


def _find_choice(rules: QuestionRules, raw) -> ChoiceRule:
    """A choice by value (forms post values) or by id (JSON clients may send ids)."""
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise AnswerError("Choose one of the options (by its id or value).")
    found = None
    if isinstance(raw, str):
        text = raw.strip()
        found = next((c for c in rules.choices if c.value == text), None)
        if found is None and text.isdigit():
            found = next((c for c in rules.choices if c.id == int(text)), None)
    else:
        found = next((c for c in rules.choices if c.id == raw), None)
    if found is None:
        # A choice of another question or another organization lands here too: to this question
        # it simply does not exist.
        raise AnswerError(f"“{raw}” is not one of the choices for this question.")
    if found.retired:
        raise AnswerError(f"“{found.label}” is no longer offered; choose another option.")
    return found


def _single(rules, raw):
    return _find_choice(rules, _scalar(raw, "choice")).id


def _multiple(rules, raw):
    if isinstance(raw, dict):
        raise AnswerError("Give a list of choices.")
    items = list(raw) if isinstance(raw, (list, tuple, set, frozenset)) else [raw]
    chosen = {}
    for item in items:
        if is_empty(item):
            continue
        choice = _find_choice(rules, item)
        chosen[choice.id] = choice
    if not chosen:
        if rules.required:
            raise AnswerError(REQUIRED_MESSAGE)
        return None
    # For multiple choice, min/max bound how many options may be picked.
    if rules.min_value is not None and len(chosen) < rules.min_value:
        raise AnswerError(f"Choose at least {int(rules.min_value)}.")
    if rules.max_value is not None and len(chosen) > rules.max_value:
        raise AnswerError(f"Choose at most {int(rules.max_value)}.")
    order = {c.id: index for index, c in enumerate(rules.choices)}
    return sorted(chosen, key=lambda pk: order[pk])


def _decimal(raw) -> Decimal:
    if isinstance(raw, bool):
        raise AnswerError("Enter a number.")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, (int, float)):
        value = Decimal(str(raw))
    elif isinstance(raw, str):
        try:
            value = Decimal(raw.strip().replace(" ", ""))
        except InvalidOperation:
            raise AnswerError("Enter a number.") from None
    else:
        raise AnswerError("Enter a number.")
    if not value.is_finite():
        raise AnswerError("Enter a number.")
    return value


def _scale(rules, raw):
    value = _decimal(_scalar(raw, "number"))
    low, high = rules.scale_bounds
    if value != value.to_integral_value():
        raise AnswerError(f"Choose a whole number from {low} to {high}.")
    if not low <= value <= high:
        raise AnswerError(f"Choose a number from {low} to {high}.")
    return int(value)


def _format_number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _number(rules, raw):
    value = _decimal(_scalar(raw, "number"))
    if abs(value) > NUMBER_LIMIT:
        raise AnswerError("This number is too large.")
    if value.as_tuple().exponent < -NUMBER_PLACES and value != value.quantize(Decimal(1).scaleb(-NUMBER_PLACES)):
        raise AnswerError(f"Use at most {NUMBER_PLACES} decimal places.")
    if rules.min_value is not None and value < rules.min_value:
        raise AnswerError(f"Enter a number of at least {_format_number(rules.min_value)}.")
    if rules.max_value is not None and value > rules.max_value:
        raise AnswerError(f"Enter a number of at most {_format_number(rules.max_value)}.")
    if value.as_tuple().exponent < -NUMBER_PLACES:
        value = value.quantize(Decimal(1).scaleb(-NUMBER_PLACES))
    return value


def _text(rules, raw):
    raw = _scalar(raw, "answer")
    if not isinstance(raw, str):
        raise AnswerError("Enter text.")
    value = raw.strip()
    if "\x00" in value:
        raise AnswerError("The text contains a character that is not allowed.")
    value = " ".join(value.split()) if rules.type == SHORT_TEXT else value.replace("\r\n", "\n")
    if rules.min_value is not None and len(value) < rules.min_value:
        raise AnswerError(f"Write at least {int(rules.min_value)} characters.")
    if len(value) > rules.max_length:
        raise AnswerError(f"Keep it to {rules.max_length} characters or fewer (this has {len(value)}).")
    return value


def _date(rules, raw):
    raw = _scalar(raw, "date")
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if not isinstance(raw, str):
        raise AnswerError("Enter a date as YYYY-MM-DD.")
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        raise AnswerError("Enter a real date as YYYY-MM-DD.") from None


_VALIDATORS = {
    SINGLE: _single,
    MULTIPLE: _multiple,
    SCALE: _scale,
    NUMBER: _number,
    SHORT_TEXT: _text,
    LONG_TEXT: _text,
    DATE: _date,
}


# --- question definitions -----------------------------------------------------------------


def _bound(raw, name, errors):
    if raw is None or raw == "":
        return None
    try:
        value = _decimal(raw)
    except AnswerError:
        errors.setdefault(name, []).append("Enter a number.")
        return None
    if abs(value) > NUMBER_LIMIT:
        errors.setdefault(name, []).append("This number is too large.")
        return None
    return value


def validate_definition(*, type, min_value=None, max_value=None, choice_count=None, key=None):
    """Check a question definition; return (min_value, max_value) as stored, or raise ValueError(dict).

    Errors are a dict {field: [message]} with fields "key", "type", "min_value", "max_value", "choices".
    `choice_count` is the number of offered choices (None: not being changed here).
    """
    errors: dict[str, list[str]] = {}
    if key is not None and not is_slug(key):
        errors["key"] = ["Use 1–60 letters, digits, hyphens or underscores."]
    if type not in TYPES:
        errors["type"] = [f"Choose one of: {', '.join(TYPES)}."]
        raise DefinitionError(errors)
    low = _bound(min_value, "min_value", errors)
    high = _bound(max_value, "max_value", errors)
    if type == SCALE:
        if low is None and high is None:
            low, high = Decimal(1), Decimal(5)
        if (low, high) not in {(Decimal(a), Decimal(b)) for a, b in SCALES}:
            errors.setdefault("max_value", []).append("A scale runs 1–5, 1–10 or 0–10.")
    elif type == DATE:
        if low is not None or high is not None:
            errors.setdefault("min_value", []).append("Date questions take no minimum or maximum.")
    elif type in TEXT_TYPES or type == MULTIPLE:
        for name, value in (("min_value", low), ("max_value", high)):
            if value is not None and (value < 0 or value != value.to_integral_value()):
                errors.setdefault(name, []).append("Enter a whole number of zero or more.")
        if type in TEXT_TYPES and high is not None and high < 1:
            errors.setdefault("max_value", []).append("Allow at least one character.")
    elif type == SINGLE and (low is not None or high is not None):
        errors.setdefault("min_value", []).append("Single-choice questions take no minimum or maximum.")
    if low is not None and high is not None and low > high and "max_value" not in errors:
        errors.setdefault("max_value", []).append("The maximum must not be below the minimum.")
    if type in CHOICE_TYPES and choice_count is not None and choice_count < 1:
        errors["choices"] = ["Give at least one choice."]
    if errors:
        raise DefinitionError(errors)
    return low, high


def is_slug(value: str) -> bool:
    """A usable question key or choice value: 1–60 letters, digits, hyphens or underscores."""
    return bool(value) and len(value) <= 60 and bool(SLUG.match(value))


class DefinitionError(ValueError):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors
