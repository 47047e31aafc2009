"""Figures on the report pages: money with its currency, counts of people, ratios as percent.
{% load report_figures %} {{ estimate.net.value|money:assumptions.currency }} {{ n|people }}"""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from ..services.roi import money as format_money

register = template.Library()
MINUS = "\N{MINUS SIGN}"


@register.filter
def money(value, currency="EUR"):
    """12345.6 -> "EUR 12,346", written as the ROI sentence writes it; None -> "—"."""
    return format_money(None if value is None else float(value), currency)


@register.filter
def amount(value):
    """Money in a table whose header names the currency: 12345.6 -> "12,346"; None -> "—"."""
    if value is None:
        return "—"
    rounded = round(float(value))
    return f"{MINUS if rounded < 0 else ''}{intcomma(abs(rounded))}"


@register.filter
def people(count):
    """3 -> "3 people", 1 -> "1 person"; None -> "nobody counted"."""
    if count is None:
        return "nobody counted"
    return f"{intcomma(count)} {'person' if count == 1 else 'people'}"


@register.filter
def ratio_percent(value, digits=0):
    """A return on investment as a percentage: 1.5 -> "150%", −0.2 -> "−20%"; None -> "—"."""
    if value is None:
        return "—"
    text = f"{float(value) * 100:,.{int(digits)}f}%"
    return text.replace("-", MINUS)


@register.filter
def pvalue(value):
    """p-values as people read them: "p < 0.001", "p = 0.03"."""
    if value is None:
        return "p not available"
    if value < 0.001:
        return "p < 0.001"
    return f"p = {value:.3f}" if value < 0.01 else f"p = {value:.2f}"


@register.filter
def percent_points(value, digits=1):
    """A difference of two shares in percentage points: 0.052 -> "+5.2 points"; None -> "—"."""
    if value is None:
        return "—"
    text = f"{abs(float(value)) * 100:.{int(digits)}f}"
    if float(text) == 0:
        return f"{text} points"
    return f"{'+' if value > 0 else MINUS}{text} points"
