"""Template helpers for the UI shell: brand colours that stay readable, query strings for paging."""

import re

from django import template
from django.urls import reverse
from django.utils.html import format_html

from organizations.logos import logo_version

register = template.Library()

DEFAULT_BRAND = "#2563eb"
# Link text on white; 4.5:1 is WCAG AA for body text.
DARK_LINK = "#1d4ed8"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _luminance(hex_colour: str) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def brand_palette(colour: str) -> dict:
    """Button background, the text on it, and a link colour readable on white.

    An organization may pick any colour; a pale one still colours buttons, but with dark text,
    and links fall back to a dark blue rather than becoming unreadable.
    """
    colour = colour if colour and _HEX.match(colour) else DEFAULT_BRAND
    on_brand = "#ffffff" if contrast_ratio(colour, "#ffffff") >= contrast_ratio(colour, "#111827") else "#111827"
    link = colour if contrast_ratio(colour, "#ffffff") >= 4.5 else DARK_LINK
    return {"brand": colour, "on_brand": on_brand, "link": link}


@register.simple_tag
def brand_style(organization):
    """A <style> block setting the brand variables tandem.css uses (nothing without an organization)."""
    if not organization:
        return ""
    p = brand_palette(organization.brand_colour)
    return format_html(
        "<style>:root {{ --tandem-brand: {}; --tandem-on-brand: {}; --tandem-link: {}; }}</style>",
        p["brand"],
        p["on_brand"],
        p["link"],
    )


@register.simple_tag(takes_context=True)
def query_without(context, *names):
    """The current query string minus `names` (e.g. page), to build pagination links."""
    params = context["request"].GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@register.simple_tag
def org_logo_url(organization):
    """The organization's logo URL (org:logo), versioned so browsers may cache it; '' without a logo."""
    if not organization or not organization.logo:
        return ""
    return f"{reverse('org:logo', args=[organization.slug])}?v={logo_version(organization)}"
