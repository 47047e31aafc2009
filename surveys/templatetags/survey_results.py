"""Figures on the results pages: shares as percentages, changes with their sign.
{% load survey_results %} {{ estimate.value|percent }} {{ change.value|signed:1 }}"""

from django import template

register = template.Library()
MINUS = "\N{MINUS SIGN}"


@register.filter
def percent(value, digits=0):
    """0.623 -> "62%"; None -> "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


@register.filter
def signed(value, digits=1):
    """0.42 -> "+0.4", -3 -> "−3.0" (a real minus sign); None -> "—"."""
    if value is None:
        return "—"
    text = f"{abs(value):.{int(digits)}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


@register.filter
def number(value, digits=1):
    """A figure with a fixed number of decimals and a real minus sign; None -> "—"."""
    if value is None:
        return "—"
    text = f"{value:.{int(digits)}f}"
    return text.replace("-", MINUS)
