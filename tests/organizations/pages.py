"""Reading rendered pages the way a user sees them: which errors sit beside which field."""

import re

_FIELD_BLOCK = re.compile(r'<div class="field[^"]*">(.*?)\n</div>', re.S)
_TAG = re.compile(r"<[^>]+>")


def field_error(response, name) -> str:
    """The error text shown beside the field called `name` ('' when none)."""
    html = response.content.decode()
    for block in _FIELD_BLOCK.findall(html):
        if f'name="{name}"' in block:
            errors = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', block, re.S)
            return " ".join(_TAG.sub(" ", errors.group(1)).split()) if errors else ""
    raise AssertionError(f"No field named {name!r} on the page")


def text(response) -> str:
    """The page's visible text, whitespace collapsed (good enough for 'the user sees X')."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(_TAG.sub(" ", html).split())
