"""Screenshots of the main pages at desktop and phone width, for people to look at.

Not part of the normal run (the file name does not start with test_); run it explicitly:

    TANDEM_TESTING=1 .venv/bin/python -m pytest tests/browser/screenshots.py

It seeds the demo organizations into the test database and writes PNGs to var/screenshots/.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from organizations import demo
from organizations.models import Invitation, Person
from organizations.services import invitation_token
from organizations.services.people import person_update

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OUT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"
# Long lists are cut: the top of a page is what people judge it by, and it keeps files viewable.
MAX_HEIGHT = 1800
ADMIN_EMAIL = "priya.nair@northwind.example"


def pages(org_slug, person_pk, invitation_path):
    """(name, url, signed in?) of every page to capture."""
    return [
        ("landing", reverse("landing"), False),
        ("login", reverse("account_login"), False),
        ("org-home", reverse("org:home", args=[org_slug]), True),
        ("people", reverse("org:people", args=[org_slug]), True),
        ("person", reverse("org:person-detail", args=[org_slug, person_pk]), True),
        ("members", reverse("org:members", args=[org_slug]), True),
        ("invitations", reverse("org:invitations", args=[org_slug]), True),
        ("settings", reverse("org:settings", args=[org_slug]), True),
        ("import", reverse("org:people-import", args=[org_slug]), True),
        ("person-edit", reverse("org:person-edit", args=[org_slug, person_pk]), True),
        ("signup", reverse("account_signup"), False),
        ("password-reset", reverse("account_reset_password"), False),
        ("two-factor", reverse("mfa_index"), True),
        ("org-list", reverse("org-list"), True),
        ("invitation", invitation_path, False),
    ]


def shoot(page, name, viewport_name):
    """Save the top of the page (up to MAX_HEIGHT) as var/screenshots/<name>-<viewport_name>.png."""
    width = page.viewport_size["width"]
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
    clip = {"x": 0, "y": 0, "width": width, "height": height}
    page.screenshot(path=str(OUT_DIR / f"{name}-{viewport_name}.png"), full_page=True, clip=clip)


def demo_subjects():
    """The demo organization, its admin, a person with manager, reports and history, an invitation."""
    context = demo.seed_demo()
    organization = context.organizations["northwind"]
    admin = context.users[ADMIN_EMAIL]
    person = (
        Person.objects.for_org(organization).filter(manager__isnull=False, reports__isnull=False).order_by("pk").first()
    )
    person_update(  # a promotion edited by hand, so the history table has rows
        organization=organization,
        person=person,
        data={"title": f"Senior {person.title}", "level": (person.level or 0) + 1},
        source="manual",
        changed_by=admin,
    )
    invitation = Invitation.objects.create(organization=organization, email="new.hire@northwind.example", role="leader")
    return organization, admin, person, reverse("invitation_accept", args=[invitation_token(invitation)])


def test_capture_screenshots(new_page):
    organization, admin, person, invitation_path = demo_subjects()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        signed_out = new_page(viewport)
        signed_in = new_page(viewport, user=admin)
        for name, url, needs_login in pages(organization.slug, person.pk, invitation_path):
            page = signed_in if needs_login else signed_out
            page.goto(url)
            shoot(page, name, viewport_name)

        # States a URL alone does not show: open menus, a form with errors, the manager picker open.
        signed_in.goto(reverse("org:home", args=[organization.slug]))
        if viewport is PHONE:
            signed_in.get_by_role("button", name="Menu").click()
            shoot(signed_in, "menu-open", viewport_name)
        signed_in.locator(".org-switcher summary").click()
        shoot(signed_in, "switcher-open", viewport_name)
        signed_in.goto(reverse("org:person-create", args=[organization.slug]))
        signed_in.get_by_label("Email").fill("not an email")
        signed_in.get_by_label("Hire date").fill("2024-05-01")
        signed_in.get_by_label("Exit date").fill("2020-01-01")
        signed_in.get_by_role("button", name="Add person").click()
        shoot(signed_in, "person-errors", viewport_name)
        signed_in.goto(reverse("org:person-edit", args=[organization.slug, person.pk]))
        box = signed_in.get_by_role("combobox", name="Manager")
        box.fill("")
        box.press_sequentially("an")
        signed_in.get_by_role("listbox", name="Matching people").get_by_role("option").first.wait_for()
        box.press("ArrowDown")
        shoot(signed_in, "person-manager-picker", viewport_name)
    assert any(OUT_DIR.glob("*.png"))
