from django import template

from ..markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """{{ program.handbook|markdown }}: safe HTML from Markdown (see programs/markdown.py)."""
    return render_markdown(text)
