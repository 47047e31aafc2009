"""Writes to the people directory. Every change of a tracked field becomes a PersonChange row.

The directory is the ground truth later used to compare participants with non-participants, so
a changed exit date or manager must never be overwritten silently. `person_diff` and
`person_change_rows` are the one way a change is detected and recorded: the single-person
services here and the bulk import (`people_import.py`) both use them.

Creating a person records no change rows: the new row is the baseline. Any past state can be
rebuilt from the current row by undoing later changes (each keeps its old value), and the
person did not exist before `created_at`. Writing a row per initial value would multiply the
history table by ten (500,000 rows for a 50,000-person first import) and say nothing new.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..directory_import import MAX_LEVEL, parse_time_zone
from ..events import announce_directory_change
from ..models import Person, PersonChange
from .links import people_relink

# What a caller may set. "manager" is a Person (or None), never a raw id from outside.
EDITABLE_FIELDS = ("external_id", *(f.removesuffix("_id") for f in Person.TRACKED_FIELDS))


def tracked_values(person: Person) -> dict[str, Any]:
    return {name: getattr(person, name) for name in Person.TRACKED_FIELDS}


def blank_person_values() -> dict[str, Any]:
    """The tracked values of a new, empty person: the defaults a new row starts from."""
    return tracked_values(Person())


def person_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Tracked fields whose value differs, as {field: (old, new)}; fields missing from `after` are kept."""
    return {
        name: (before.get(name), after[name])
        for name in Person.TRACKED_FIELDS
        if name in after and before.get(name) != after[name]
    }


def _as_json(value):
    return value.isoformat() if isinstance(value, date) else value


def person_change_rows(
    *,
    organization,
    person_id,
    diff,
    source,
    changed_by=None,
    people_import=None,
    changed_at=None,
) -> list[PersonChange]:
    """Unsaved PersonChange rows for one person's diff; callers bulk_create them."""
    changed_at = changed_at or timezone.now()
    return [
        PersonChange(
            organization_id=organization.pk,
            person_id=person_id,
            field=name,
            old_value=_as_json(old),
            new_value=_as_json(new),
            source=source,
            changed_by=changed_by,
            people_import=people_import,
            changed_at=changed_at,
        )
        for name, (old, new) in diff.items()
    ]


@transaction.atomic
def person_create(*, organization, data, source, changed_by=None):
    """Create a person. `source` and `changed_by` are kept for symmetry: creation is the baseline."""
    person = Person(organization=organization)
    _assign(person, data)
    _validate(organization, person)
    person.save()
    if person.email:
        people_relink(organization=organization, person_ids=[person.pk])
        person.refresh_from_db(fields=["user"])
    announce_directory_change(organization_id=organization.pk, person_ids=[person.pk])
    return person


@transaction.atomic
def person_update(*, organization, person, data, source, changed_by=None, people_import=None):
    # Read the row under a lock: the history must start from what is stored, not from a stale copy.
    person = Person.objects.for_org(organization).select_for_update().get(pk=person.pk)
    before = tracked_values(person)
    _assign(person, data)
    _validate(organization, person)
    person.save()
    _record(organization, person, person_diff(before, tracked_values(person)), source, changed_by, people_import)
    if before["email"] != person.email:
        # The account link follows the email: the old owner loses it, a verified new one gains it.
        people_relink(organization=organization, person_ids=[person.pk])
        person.refresh_from_db(fields=["user"])
    announce_directory_change(organization_id=organization.pk, person_ids=[person.pk])
    return person


def _assign(person, data):
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        if name in ("languages", "custom_attributes") and value is None:
            value = [] if name == "languages" else {}
        setattr(person, name, value)


def _record(organization, person, diff, source, changed_by, people_import):
    rows = person_change_rows(
        organization=organization,
        person_id=person.pk,
        diff=diff,
        source=source,
        changed_by=changed_by,
        people_import=people_import,
    )
    PersonChange.objects.bulk_create(rows)


def _validate(organization, person):
    """The rules the import enforces, for one person; raises ValidationError naming the field."""
    errors: dict[str, list[str]] = {}
    try:
        # Uniqueness and the manager are checked below, with messages that name the field.
        person.full_clean(
            exclude=["organization", "manager", "user"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if person.level is not None and not 0 <= person.level <= MAX_LEVEL:
        errors.setdefault("level", []).append(f"Use a whole number from 0 to {MAX_LEVEL}.")
    if person.time_zone:
        try:
            person.time_zone = parse_time_zone(person.time_zone)
        except KeyError:
            errors.setdefault("time_zone", []).append("Unknown time zone; use a name like Europe/Berlin.")
    if person.exit_reason and not person.exit_date:
        errors.setdefault("exit_reason", []).append("Set an exit date too, or leave the reason empty.")
    if person.hire_date and person.exit_date and person.exit_date < person.hire_date:
        errors.setdefault("exit_date", []).append("The exit date is before the hire date.")
    others = Person.objects.for_org(organization).exclude(pk=person.pk)
    if person.external_id and others.filter(external_id=person.external_id).exists():
        errors.setdefault("external_id", []).append("Another person already has this employee id.")
    if person.email and others.filter(email__iexact=person.email).exists():
        errors.setdefault("email", []).append("Another person already has this email.")
    manager_error = _manager_error(organization, person)
    if manager_error:
        errors.setdefault("manager", []).append(manager_error)
    if errors:
        raise ValidationError(errors)


def _manager_error(organization, person) -> str:
    if person.manager_id is None:
        return ""
    if person.manager_id == person.pk:
        return "A person cannot be their own manager."
    people = Person.objects.for_org(organization)
    seen: set[int] = set()
    current = person.manager_id
    while current is not None and current not in seen:
        if person.pk is not None and current == person.pk:
            return "This manager reports to this person, directly or further up: that would be a cycle."
        seen.add(current)
        found = people.filter(pk=current).values_list("manager_id", flat=True)
        if not found:
            # Another organization's person answers exactly like a missing one.
            return "Not found." if current == person.manager_id else ""
        current = found[0]
    return ""
