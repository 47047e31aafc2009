"""Program design in a real Chromium: phone width, the live preview, the live audience count."""

import re

import pytest
from playwright.sync_api import expect

from organizations.models import Role
from programs.models import ProgramStatus
from programs.services import design

from ..factories import MembershipFactory, OrganizationFactory, PersonFactory, UserFactory
from .conftest import PHONE, body_overflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    organization = OrganizationFactory(name="Northwind Traders International Holdings", slug="northwind")
    admin = UserFactory(email="priya.nair.people-operations@northwind-traders.example")
    MembershipFactory(organization=organization, user=admin, role=Role.ADMIN)
    for n in range(6):
        PersonFactory(organization=organization, department="Research and Development", level=n)
    PersonFactory(organization=organization, department="Customer Success Operations", level=3)
    program = design.program_create_from_template(
        organization=organization,
        template_key="student_near_peer",
        actor=admin,
        name="Near-peer mentoring for first-year engineering and computer science students",
    )
    return organization, admin, program


def test_design_pages_fit_a_phone_screen(new_page, setting):
    organization, admin, program = setting
    page = new_page(PHONE, user=admin)
    base = f"/o/{organization.slug}/programs/"
    paths = [
        base,
        f"{base}new/",
        f"{base}new/?template=onboarding_buddy",
        f"{base}{program.pk}/",
        f"{base}{program.pk}/edit/",
        f"{base}{program.pk}/objectives/",
        f"{base}{program.pk}/audience/",
        f"{base}{program.pk}/managers/",
        f"{base}{program.pk}/copy/",
    ]
    for path in paths:
        page.goto(path)
        assert not body_overflows(page), f"{path} scrolls sideways at 375px"


def test_the_designer_previews_as_you_type(new_page, setting):
    organization, admin, program = setting
    page = new_page(user=admin)
    page.goto(f"/o/{organization.slug}/programs/{program.pk}/edit/")
    preview = page.locator("#program-preview")
    page.get_by_label(re.compile(r"^Name")).fill("Second-year guides")
    page.get_by_label("Handbook").fill("## Getting started\n\n**Say hello** in week one.")
    expect(preview.get_by_role("heading", name="Second-year guides")).to_be_visible()
    expect(preview.locator("strong", has_text="Say hello")).to_be_visible()
    program.refresh_from_db()
    assert program.name.startswith("Near-peer")  # nothing saved until Save


def test_the_audience_count_follows_the_rules(new_page, setting):
    organization, admin, program = setting
    page = new_page(PHONE, user=admin)
    page.goto(f"/o/{organization.slug}/programs/{program.pk}/audience/")
    count = page.locator("#audience-count")
    # The template's default: levels 1 and 2 (the year of study).
    expect(count).to_contain_text("2 people match")
    page.get_by_label("Lowest level").fill("")
    page.get_by_label("Highest level").fill("")
    expect(count).to_contain_text("7 people match")
    page.get_by_label("Customer Success Operations").check()
    expect(count).to_contain_text("1 person matches")
    page.get_by_role("button", name="Save the audience").click()
    expect(page.get_by_text("The audience was saved.")).to_be_visible()


def test_open_recruitment_after_confirming(new_page, setting):
    organization, admin, program = setting
    page = new_page(PHONE, user=admin)
    page.goto(f"/o/{organization.slug}/programs/{program.pk}/")
    expect(page.locator(".lifecycle [aria-current=step]")).to_contain_text("Draft")
    page.get_by_text("Open recruitment", exact=True).click()
    page.get_by_label(re.compile("Note for the history")).first.fill("Term starts soon")
    page.get_by_role("button", name="Yes, open recruitment").click()
    expect(page.locator(".lifecycle [aria-current=step]")).to_contain_text("Recruiting")
    program.refresh_from_db()
    assert program.status == ProgramStatus.RECRUITING
