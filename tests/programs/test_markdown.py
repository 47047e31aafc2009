from programs.markdown import render_markdown


def test_markdown_renders_headings_lists_and_links():
    html = render_markdown("# Ground rules\n\n- Be on time\n- [Handbook](https://example.com/h)")
    assert "<h1>Ground rules</h1>" in html
    assert "<li>Be on time</li>" in html
    assert 'href="https://example.com/h"' in html and "noopener" in html


def test_scripts_event_handlers_and_javascript_links_are_removed():
    html = render_markdown('<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html  # raw HTML is shown as text, never run
    assert 'href="javascript' not in html
