"""Small helpers every matching service uses: refusing another tenant's object, finite numbers."""

import math

from django.core.exceptions import ValidationError


def raise_errors(errors):
    if errors:
        raise ValidationError({name: v if isinstance(v, list) else [v] for name, v in errors.items()})


def same_org(organization, *objects):
    """A service called with another tenant's object refuses it like a missing one."""
    for obj in objects:
        if obj is not None and obj.organization_id != organization.pk:
            raise ValidationError("Not found.")


def finite_number(value, *, low=None, high=None, allow_none=False):
    """(float, None) or (None, error message): refuses text, booleans, NaN and infinities."""
    if value is None or value == "":
        return (None, None) if allow_none else (None, "Enter a number.")
    if isinstance(value, bool):
        return None, "Enter a number."
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, "Enter a number."
    if not math.isfinite(number):
        return None, "Enter a finite number."
    if low is not None and number < low:
        return None, f"Enter a number of at least {low:g}."
    if high is not None and number > high:
        return None, f"Enter a number of at most {high:g}."
    return number, None
