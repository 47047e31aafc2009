"""Numbers of a match run the way the manager pages show them."""

from django import template

register = template.Library()


@register.filter
def percent(share, digits=0):
    """0.734 -> "73 %"; empty for a missing figure."""
    if share is None or share == "":
        return "—"
    return f"{float(share) * 100:.{int(digits)}f} %"


@register.filter
def share_range(figures):
    """{"min": 0.5, "max": 1.0} -> "50–100 %" (a mentor load's spread); "—" without figures."""
    low, high = (figures or {}).get("min"), (figures or {}).get("max")
    if low is None or high is None:
        return "—"
    if round(low * 100) == round(high * 100):
        return f"{high * 100:.0f} %"
    return f"{low * 100:.0f}–{high * 100:.0f} %"


@register.filter
def points(value, digits=1):
    """A score or a criterion's points, rounded; "—" when there is none (an empty run)."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(digits)}f}"
