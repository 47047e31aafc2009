"""Who may join a program: the one place that reads a program's audience rules.

A program's `audience` is a small JSON document over the people directory:

    {
      "departments": ["Engineering", "Product"],   # any of these (case-insensitive)
      "level_min": 2, "level_max": 5,              # inclusive
      "locations": ["Berlin", "Lisbon"],           # any of these (case-insensitive)
      "hired_after": "2025-01-01",                 # hired strictly after this day
      "hired_before": "2025-06-30",                # hired strictly before this day
      "tenure_months_min": 6, "tenure_months_max": 24,   # whole months since the hire date
      "custom": {"cohort": ["2025", "2026"]}       # a custom directory attribute is one of these
    }

Every rule is optional and all rules must hold; empty rules mean everyone. Only active people
(no exit date, or one still in the future) are ever in an audience. A rule about a field the
directory has no value for (no level, no hire date) excludes that person: nobody is let into a
program for levels 3–5 because their level is unknown.

The database filter (`audience_queryset`) and the per-person explanation
(`ineligibility_reasons`) are written from the same boundaries (`_tenure_bounds`), so the
count a manager sees and the answer a person gets never disagree.
"""

import calendar
from datetime import date
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import IExact
from django.utils import timezone

from organizations.models import Person

LIST_RULES = ("departments", "locations")
INT_RULES = ("level_min", "level_max", "tenure_months_min", "tenure_months_max")
DATE_RULES = ("hired_after", "hired_before")
RULE_KEYS = (*LIST_RULES, *INT_RULES, *DATE_RULES, "custom")
MAX_VALUES = 200  # per list: an audience is a segment, not an export of the directory
MAX_TENURE_MONTHS = 12 * 60

LABELS = {
    "departments": "Departments",
    "locations": "Locations",
    "level_min": "Lowest level",
    "level_max": "Highest level",
    "hired_after": "Hired after",
    "hired_before": "Hired before",
    "tenure_months_min": "Minimum tenure (months)",
    "tenure_months_max": "Maximum tenure (months)",
    "custom": "Custom attributes",
}


# --- validation -------------------------------------------------------------------------


def empty_audience() -> dict:
    return {
        "departments": [],
        "level_min": None,
        "level_max": None,
        "locations": [],
        "hired_after": None,
        "hired_before": None,
        "tenure_months_min": None,
        "tenure_months_max": None,
        "custom": {},
    }


def _clean_strings(value, field, errors):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, (str, int)) for v in value):
        errors[field] = "Give a list of names."
        return []
    cleaned, seen = [], set()
    for item in value:
        text = str(item).strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text[:120])
    if len(cleaned) > MAX_VALUES:
        errors[field] = f"Give at most {MAX_VALUES} values."
    return cleaned


def _clean_int(value, field, errors, *, minimum, maximum):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors[field] = "Give a whole number."
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = "Give a whole number."
        return None
    if isinstance(value, float) and number != value:
        errors[field] = "Give a whole number."
        return None
    if not minimum <= number <= maximum:
        errors[field] = f"Give a number from {minimum} to {maximum}."
        return None
    return number


def _clean_date(value, field, errors):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        errors[field] = "Give a date as YYYY-MM-DD."
        return None


def _clean_custom(value, errors):
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        errors["custom"] = 'Give attributes and their values, e.g. {"cohort": ["2025"]}.'
        return {}
    cleaned = {}
    for key, values in value.items():
        name = str(key).strip()
        if not name:
            errors["custom"] = "Every custom attribute needs a name."
            continue
        sub_errors = {}
        items = _clean_strings(values, "custom", sub_errors)
        if sub_errors:
            errors["custom"] = f"Give a list of values for {name}."
        elif not items:
            errors["custom"] = f"Give at least one value for {name}."
        else:
            cleaned[name] = items
    return cleaned


def validate_audience(rules) -> dict:
    """The rules, complete and normalized; ValidationError naming each field at fault.

    Missing keys take their empty value; unknown keys are refused (a typo such as "department"
    must not silently open a program to everyone).
    """
    if rules in (None, ""):
        rules = {}
    if not isinstance(rules, dict):
        raise ValidationError({"audience": "Give the audience rules as an object."})
    errors = {}
    for key in rules:
        if key not in RULE_KEYS:
            errors[str(key)] = f"Unknown audience rule. Use: {', '.join(RULE_KEYS)}."
    cleaned = empty_audience()
    for key in LIST_RULES:
        cleaned[key] = _clean_strings(rules.get(key), key, errors)
    for key in ("level_min", "level_max"):
        cleaned[key] = _clean_int(rules.get(key), key, errors, minimum=0, maximum=999)
    for key in ("tenure_months_min", "tenure_months_max"):
        cleaned[key] = _clean_int(rules.get(key), key, errors, minimum=0, maximum=MAX_TENURE_MONTHS)
    for key in DATE_RULES:
        cleaned[key] = _clean_date(rules.get(key), key, errors)
    cleaned["custom"] = _clean_custom(rules.get("custom"), errors)

    # Ranges that nobody could ever fall into are mistakes, reported on the upper bound.
    if None not in (cleaned["level_min"], cleaned["level_max"]) and cleaned["level_max"] < cleaned["level_min"]:
        errors["level_max"] = "The highest level must be at least the lowest level."
    low, high = cleaned["tenure_months_min"], cleaned["tenure_months_max"]
    if None not in (low, high) and high < low:
        errors["tenure_months_max"] = "The maximum tenure must be at least the minimum tenure."
    after, before = cleaned["hired_after"], cleaned["hired_before"]
    if None not in (after, before) and date.fromisoformat(before) <= date.fromisoformat(after):
        errors["hired_before"] = "Nobody can be hired after the first date and before the second: swap them."
    if errors:
        raise ValidationError(errors)
    return cleaned


def audience_is_everyone(rules) -> bool:
    return validate_audience(rules) == empty_audience()


# --- tenure boundaries ----------------------------------------------------------------------


def _months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _tenure_bounds(rules, today):
    """(latest hire date for the minimum tenure, earliest-excluded hire date for the maximum).

    At least N whole months: hired on or before N months ago. At most M whole months: not yet
    M + 1 months, so hired after M + 1 months ago.
    """
    low, high = rules["tenure_months_min"], rules["tenure_months_max"]
    latest = _months_before(today, low) if low is not None else None
    excluded = _months_before(today, high + 1) if high is not None else None
    return latest, excluded


def _whole_months(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


# --- who matches ----------------------------------------------------------------------------


def _any_iexact(field, values):
    return reduce(or_, (Q(**{f"{field}__iexact": value}) for value in values))


def _any_custom_iexact(attribute, values):
    # The key is read as text by an explicit transform rather than a "custom_attributes__<key>"
    # lookup string, so attribute names with spaces, "__" or a lookup's name work too.
    key = KeyTextTransform(attribute, "custom_attributes")
    return reduce(or_, (Q(IExact(key, value)) for value in values))


def active_people(*, organization, today=None):
    today = today or timezone.localdate()
    return Person.objects.for_org(organization).filter(Q(exit_date__isnull=True) | Q(exit_date__gt=today))


def audience_queryset(*, organization, rules, today=None):
    """The organization's active people who match every rule (all active people when empty)."""
    today = today or timezone.localdate()
    rules = validate_audience(rules)
    people = active_people(organization=organization, today=today)
    if rules["departments"]:
        people = people.filter(_any_iexact("department", rules["departments"]))
    if rules["locations"]:
        people = people.filter(_any_iexact("location", rules["locations"]))
    if rules["level_min"] is not None:
        people = people.filter(level__gte=rules["level_min"])
    if rules["level_max"] is not None:
        people = people.filter(level__lte=rules["level_max"])
    if rules["hired_after"]:
        people = people.filter(hire_date__gt=rules["hired_after"])
    if rules["hired_before"]:
        people = people.filter(hire_date__lt=rules["hired_before"])
    latest, excluded = _tenure_bounds(rules, today)
    if latest is not None:
        people = people.filter(hire_date__lte=latest)
    if excluded is not None:
        people = people.filter(hire_date__gt=excluded)
    for attribute, values in rules["custom"].items():
        people = people.filter(_any_custom_iexact(attribute, values))
    return people


def audience_count(*, organization, rules, today=None) -> int:
    return audience_queryset(organization=organization, rules=rules, today=today).count()


# --- explaining it --------------------------------------------------------------------------


def _join(items, word="and"):
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _day(value) -> str:
    value = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{value.day} {value:%B %Y}"


def _months(n) -> str:
    return "1 month" if n == 1 else f"{n} months"


def _level_range(rules) -> str:
    low, high = rules["level_min"], rules["level_max"]
    if low is not None and high is not None:
        return f"level {low}" if low == high else f"levels {low} to {high}"
    if low is not None:
        return f"level {low} and above"
    return f"level {high} and below"


def _hire_window(rules) -> str:
    after, before = rules["hired_after"], rules["hired_before"]
    if after and before:
        return f"people hired after {_day(after)} and before {_day(before)}"
    if after:
        return f"people hired after {_day(after)}"
    return f"people hired before {_day(before)}"


def _tenure_window(rules) -> str:
    low, high = rules["tenure_months_min"], rules["tenure_months_max"]
    if low is not None and high is not None:
        return f"people with {low} to {high} months in the organization"
    if low is not None:
        return f"people with at least {_months(low)} in the organization"
    return f"people with at most {_months(high)} in the organization"


def describe_audience(rules) -> list[str]:
    """The rules as short phrases for a summary ("Levels 3 to 5"); empty when everyone may join."""
    rules = validate_audience(rules)
    phrases = []
    if rules["departments"]:
        phrases.append(f"In {_join(rules['departments'], 'or')}")
    if rules["level_min"] is not None or rules["level_max"] is not None:
        phrases.append(_level_range(rules).capitalize())
    if rules["locations"]:
        phrases.append(f"Based in {_join(rules['locations'], 'or')}")
    if rules["hired_after"] or rules["hired_before"]:
        phrases.append(_hire_window(rules).removeprefix("people ").capitalize())
    if rules["tenure_months_min"] is not None or rules["tenure_months_max"] is not None:
        phrases.append(_tenure_window(rules).replace("people with", "With", 1))
    for attribute, values in rules["custom"].items():
        phrases.append(f"{attribute}: {_join(values, 'or')}")
    return phrases


def _in_list(value, allowed) -> bool:
    return str(value).strip().casefold() in {a.casefold() for a in allowed}


def ineligibility_reasons(*, person, rules, today=None) -> list[str]:
    """Why `person` may not join, one plain sentence per unmet rule; empty means eligible."""
    today = today or timezone.localdate()
    rules = validate_audience(rules)
    reasons = []
    if person.exit_date is not None and person.exit_date <= today:
        reasons.append(f"The directory shows that you left the organization on {_day(person.exit_date)}.")
    if rules["departments"] and not _in_list(person.department, rules["departments"]):
        yours = f"you are in {person.department}" if person.department else "your department is not in the directory"
        reasons.append(f"This program is for {_join(rules['departments'])}; {yours}.")
    level_low, level_high = rules["level_min"], rules["level_max"]
    if level_low is not None or level_high is not None:
        if person.level is None:
            reasons.append(f"This program is for {_level_range(rules)}; your level is not in the directory.")
        elif (level_low is not None and person.level < level_low) or (
            level_high is not None and person.level > level_high
        ):
            reasons.append(f"This program is for {_level_range(rules)}; you are at level {person.level}.")
    if rules["locations"] and not _in_list(person.location, rules["locations"]):
        yours = f"you are in {person.location}" if person.location else "your location is not in the directory"
        reasons.append(f"This program is for people in {_join(rules['locations'], 'or')}; {yours}.")
    after, before = rules["hired_after"], rules["hired_before"]
    if after or before:
        hired = person.hire_date
        if hired is None:
            reasons.append(f"This program is for {_hire_window(rules)}; your hire date is not in the directory.")
        elif (after and hired <= date.fromisoformat(after)) or (before and hired >= date.fromisoformat(before)):
            reasons.append(f"This program is for {_hire_window(rules)}; you were hired on {_day(hired)}.")
    latest, excluded = _tenure_bounds(rules, today)
    if latest is not None or excluded is not None:
        hired = person.hire_date
        if hired is None:
            reasons.append(f"This program is for {_tenure_window(rules)}; your hire date is not in the directory.")
        elif (latest is not None and hired > latest) or (excluded is not None and hired <= excluded):
            have = _months(max(_whole_months(hired, today), 0))
            reasons.append(f"This program is for {_tenure_window(rules)}; you have {have}.")
    attributes = person.custom_attributes if isinstance(person.custom_attributes, dict) else {}
    for attribute, values in rules["custom"].items():
        value = attributes.get(attribute)
        if value in (None, ""):
            reasons.append(
                f"This program is for people whose {attribute} is {_join(values, 'or')}; yours is not in the directory."
            )
        elif not _in_list(value, values):
            reasons.append(f"This program is for people whose {attribute} is {_join(values, 'or')}; yours is {value}.")
    return reasons
