"""Figures of the program manager's mentorship pages the way they are shown."""

from django import template

register = template.Library()


@register.filter
def hours(minutes):
    """Minutes of meetings as hours: 90 -> "1.5", 120 -> "2", 0 or none -> "0"."""
    value = round((minutes or 0) / 60, 1)
    return f"{value:,.1f}".removesuffix(".0")
