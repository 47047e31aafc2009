"""The ROI model: the organization's assumptions (on screen, editable) and the estimate they give.

The estimate starts from what was measured, never from an assumed effect: the 12-month retention
difference between participants and matched colleagues (reports/services/impact.py), with its
95% interval, goes through analytics.roi_range:

    avoided departures = difference × participants compared
    savings            = avoided × salary × replacement cost (a share of a year's salary)
    program cost       = platform + coordinator hours × their rate
                         + participants × hours each × loaded hourly rate   (per year)
    net = savings − cost, ROI = net / cost

Salary is the average salary, or, when salaries by level are given, the mean over the compared
participants of their level's salary (the average salary stands in for a level without one).

A return is claimed only when the measurement supports it: the log-rank test gives p < 0.05 AND
the 12-month difference's interval lies above 0. Otherwise the estimate says so in a plain
sentence, `significant` is False and no central figure is given for avoided departures,
savings, net or ROI (their low and high ends stay, for whoever wants to see how wide the
uncertainty is).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import analytics
from ..models import RoiAssumptions
from .impact import COMPARISON, PARTICIPANTS, is_hidden

SIGNIFICANCE = 0.05
HORIZON = "12"

MONEY_FIELDS = ("average_salary", "platform_cost", "coordinator_hourly_rate", "loaded_hourly_rate")
HOUR_FIELDS = ("coordinator_hours", "participant_hours")
MULTIPLIER_FIELDS = ("replacement_cost_low", "replacement_cost", "replacement_cost_high")
EDITABLE_FIELDS = ("currency", "salary_by_level", *MONEY_FIELDS, *HOUR_FIELDS, *MULTIPLIER_FIELDS)
MULTIPLIER_MIN, MULTIPLIER_MAX = Decimal("0.1"), Decimal("4")


def roi_assumptions_for(*, organization) -> RoiAssumptions:
    """The organization's assumptions, or the defaults (unsaved) when it never set any."""
    return RoiAssumptions.objects.for_org(organization).first() or RoiAssumptions(organization=organization)


def _decimal(value):
    if isinstance(value, bool):
        raise InvalidOperation
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise InvalidOperation
    return number


def _clean_salary_by_level(value) -> dict:
    """{level: yearly salary}: keys are levels (whole numbers), values positive numbers."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError("Give salaries as level: amount pairs.")
    cleaned = {}
    for key, amount in value.items():
        try:
            level = int(str(key).strip())
        except ValueError:
            raise ValidationError(f"“{key}” is not a level: use whole numbers such as 3.") from None
        try:
            number = _decimal(amount)
        except (InvalidOperation, ValueError, TypeError):
            raise ValidationError(f"The salary for level {level} is not a number.") from None
        if number <= 0:
            raise ValidationError(f"The salary for level {level} must be more than 0.")
        cleaned[str(level)] = float(number)
    return dict(sorted(cleaned.items(), key=lambda item: int(item[0])))


def _clean(fields: dict, current: RoiAssumptions) -> dict:
    """The new values, or a ValidationError naming every field at fault."""
    errors, cleaned = {}, {}
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    for name in unknown:
        errors[name] = ["This is not an ROI assumption."]
    for name in MONEY_FIELDS + HOUR_FIELDS + MULTIPLIER_FIELDS:
        if name not in fields:
            continue
        try:
            number = _decimal(fields[name])
        except (InvalidOperation, ValueError, TypeError):
            errors[name] = ["Enter a number."]
            continue
        if name in MULTIPLIER_FIELDS and not MULTIPLIER_MIN <= number <= MULTIPLIER_MAX:
            errors[name] = [f"Use a share of a year's salary between {MULTIPLIER_MIN} and {MULTIPLIER_MAX}."]
        elif number < 0:
            errors[name] = ["Use 0 or more."]
        else:
            cleaned[name] = number
    if "currency" in fields:
        currency = str(fields["currency"] or "").strip().upper()
        if len(currency) != 3 or not (currency.isascii() and currency.isalpha()):
            errors["currency"] = ["Use a three-letter currency code such as EUR."]
        else:
            cleaned["currency"] = currency
    if "salary_by_level" in fields:
        try:
            cleaned["salary_by_level"] = _clean_salary_by_level(fields["salary_by_level"])
        except ValidationError as error:
            errors["salary_by_level"] = error.messages
    if not any(name in errors for name in MULTIPLIER_FIELDS):
        low, central, high = (cleaned.get(name, getattr(current, name)) for name in MULTIPLIER_FIELDS)
        low, central, high = Decimal(low), Decimal(central), Decimal(high)
        if low > central:
            errors["replacement_cost_low"] = ["The low end must not be above the central estimate."]
        if central > high:
            errors["replacement_cost_high"] = ["The high end must not be below the central estimate."]
    if errors:
        raise ValidationError(errors)
    return cleaned


def roi_assumptions_update(*, organization, user, **fields) -> RoiAssumptions:
    """Change some of the organization's assumptions (creating its row the first time).

    Raises ValidationError({field: [message]}) naming every field at fault: unknown fields,
    non-numbers, negative money or hours, replacement costs outside 0.1–4 or out of order
    (low ≤ central ≤ high), salary_by_level keys that are not levels or values not above 0."""
    with transaction.atomic():
        assumptions = RoiAssumptions.objects.for_org(organization).select_for_update().first() or RoiAssumptions(
            organization=organization
        )
        cleaned = _clean(fields, assumptions)
        for name, value in cleaned.items():
            setattr(assumptions, name, value)
        assumptions.updated_by = user
        # The model's own validators too (digits, ranges), so nothing the database would refuse gets through.
        assumptions.full_clean(exclude=["organization", "updated_by"])
        assumptions.save()
    return assumptions


# --- The estimate -------------------------------------------------------------------------------


def program_cost(assumptions: RoiAssumptions, participants: int) -> float:
    """Per year: the platform, the coordinators' time and the participants' time."""
    return float(
        assumptions.platform_cost
        + assumptions.coordinator_hours * assumptions.coordinator_hourly_rate
        + participants * assumptions.participant_hours * assumptions.loaded_hourly_rate
    )


def avoided_salary(assumptions: RoiAssumptions, participant_levels: dict) -> float:
    """The yearly salary of a departure avoided: by level when given (weighted by how many
    compared participants sit at each level), the average salary otherwise."""
    by_level = assumptions.salary_by_level or {}
    average = float(assumptions.average_salary)
    people = sum(participant_levels.values())
    if not by_level or not people:
        return average
    total = sum(float(by_level.get(str(level), average)) * count for level, count in participant_levels.items())
    return total / people


def money(value, currency: str) -> str:
    if value is None:
        return "—"
    sign = "−" if value < 0 else ""
    return f"{sign}{currency} {abs(value):,.0f}"


def _p(value) -> str:
    """The p-value with its sign: "p < 0.001" or "p = 0.016"."""
    if value is None:
        return "p not computed"
    return "p < 0.001" if value < 0.001 else "p = " + f"{value:.3f}".rstrip("0").rstrip(".")


def _points(value) -> str:
    return f"{100 * value:+.1f} points"


def _not_significant(figures: dict, difference: dict, p_value) -> str:
    """Why no return is claimed, in words."""
    if difference.get("value") is None:
        return (
            "No return is claimed yet: 12-month retention can be compared once enough participants and "
            "comparable colleagues have been followed for 12 months after the program's start."
        )
    value, low, high = difference["value"], difference["low"], difference["high"]
    measured = (
        f"The difference in 12-month retention ({_points(value)}, 95% interval {_points(low)} to {_points(high)})"
    )
    if value < 0 and high is not None and high < 0 and p_value is not None and p_value < SIGNIFICANCE:
        return (
            f"{measured} shows the program's participants left more often than comparable colleagues "
            f"({_p(p_value)}), so no return is claimed."
        )
    return (
        f"{measured} is not statistically significant ({_p(p_value)}): we cannot say the program changed "
        "how often people leave, so no return is claimed."
    )


def _hidden_estimate(base: dict, reason: str) -> dict:
    return {**base, "hidden": True, "hidden_reason": reason, "sentence": reason}


def roi_estimate(*, organization, program=None, assumptions=None, figures=None) -> dict:
    """The ROI range for the organization (program None) or one program, from its impact snapshot
    and the assumptions (the organization's when not given). `figures` may pass the snapshot's
    figures already read (the dashboard does), saving a query.

    {"significant", "p_value", "participants", "participants_compared", "difference",
     "avoided", "savings", "cost", "net", "roi" ({value, low, high} each), "salary",
     "currency", "sentence", "hidden", "hidden_reason"}"""
    assumptions = assumptions or roi_assumptions_for(organization=organization)
    if figures is None:
        # Through the selector, so a minimum group size raised since the refresh holds here too.
        from ..selectors import impact_figures  # the selectors import this module

        figures = impact_figures(organization=organization, program=program)
    currency = assumptions.currency
    nothing = {"value": None, "low": None, "high": None}
    base = {
        "significant": False,
        "p_value": None,
        "participants": 0,
        "participants_compared": 0,
        "difference": dict(nothing),
        "avoided": dict(nothing),
        "savings": dict(nothing),
        "cost": dict(nothing),
        "net": dict(nothing),
        "roi": dict(nothing),
        "salary": float(assumptions.average_salary),
        "currency": currency,
        "sentence": "",
        "hidden": False,
        "hidden_reason": "",
    }
    if not figures:
        return _hidden_estimate(base, "Impact has not been computed yet: refresh the reports first.")
    participants = int(figures.get("counts", {}).get("participants", 0))
    cost = program_cost(assumptions, participants)
    base.update(participants=participants, cost={"value": cost, "low": cost, "high": cost})
    for group in (PARTICIPANTS, COMPARISON):
        if is_hidden(figures.get(group)):
            return _hidden_estimate(base, figures[group]["reason"])
    if is_hidden(figures.get("difference")):
        return _hidden_estimate(base, figures["difference"]["reason"])

    compared = int(figures[PARTICIPANTS]["n"])
    difference = figures["difference"][HORIZON]
    salary = avoided_salary(assumptions, figures.get("participant_levels") or {})
    logrank = figures.get("logrank") or {}
    p_value = logrank.get("p_value") if not is_hidden(logrank) else None
    multipliers = tuple(float(getattr(assumptions, name)) for name in MULTIPLIER_FIELDS)
    result = analytics.roi_range(
        participants=compared,
        retention_diff=(difference.get("value"), difference.get("low"), difference.get("high")),
        avoided_salary=salary,
        replacement_cost=multipliers,
        program_cost=cost,
    )
    low = difference.get("low")
    significant = (
        p_value is not None
        and p_value < SIGNIFICANCE
        and difference.get("value") is not None
        and low is not None
        and low > 0
    )
    estimate = {
        **base,
        "significant": significant,
        "p_value": p_value,
        "participants_compared": compared,
        "difference": {key: difference.get(key) for key in ("value", "low", "high")},
        "avoided": result["avoided"],
        "savings": result["savings"],
        "net": result["net"],
        "roi": result["roi"],
        "salary": salary,
    }
    if significant:
        net = result["net"]
        estimate["sentence"] = (
            f"Between {money(net['low'], currency)} and {money(net['high'], currency)}; the program's participants "
            f"left less often than comparable colleagues, {_p(p_value)}."
        )
    else:
        # No hopeful number: the central figures go, the (zero-straddling) ends stay.
        for key in ("avoided", "savings", "net", "roi"):
            estimate[key] = {**estimate[key], "value": None}
        estimate["sentence"] = _not_significant(figures, difference, p_value)
    return estimate
