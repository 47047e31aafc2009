"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work here, so the browser is /usr/bin/chromium.
Without it the browser tests are skipped on a developer's machine, but under CI=true a missing
browser fails them: CI must never pass by silently skipping its browser tests.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from
# "async" code unless told that this test process knows what it is doing.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


def _unavailable(reason):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


# Test modules elsewhere import these fixtures, which makes each importing module a fixture of
# its own; Playwright's sync API allows one instance per thread, so they all share this one.
_SHARED_BROWSER = []


@pytest.fixture(scope="session")
def browser():
    if _SHARED_BROWSER:
        yield _SHARED_BROWSER[0]
        return
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a test dependency
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        _SHARED_BROWSER.append(browser)
        try:
            yield browser
        finally:
            _SHARED_BROWSER.clear()
            browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=DESKTOP, user=None) -> a page on the live server, signed in as `user`.

    Signing in through the session cookie keeps tests that are not about login fast; the login
    test itself goes through the real allauth form.
    """
    contexts = []

    def make(viewport=DESKTOP, user=None):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page on the live server, signed out."""
    return new_page()


def body_overflows(page) -> bool:
    """True when the page is wider than the viewport (the user would have to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
