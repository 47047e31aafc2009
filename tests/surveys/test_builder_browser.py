"""The questionnaire builder in a real Chromium: htmx actions, the type-dependent fields, phone width."""

import os

import pytest
from playwright.sync_api import expect

from organizations.models import Role
from tests.browser.conftest import DESKTOP, PHONE, body_overflows, browser, new_page  # noqa: F401 (fixtures)
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

from .helpers import make_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("TANDEM_SCREENSHOTS")


def _setup():
    organization = OrganizationFactory(name="Northwind", slug="northwind")
    admin = UserFactory(email="builder@northwind.example")
    MembershipFactory(organization=organization, user=admin, role=Role.ADMIN)
    return organization, admin, make_questionnaire(organization)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_build_a_question_with_htmx_and_see_it_in_the_preview(new_page, viewport):  # noqa: F811
    organization, admin, questionnaire = _setup()
    page = new_page(viewport, user=admin)
    page.goto(f"/o/northwind/questionnaires/{questionnaire.pk}/")
    assert not body_overflows(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/builder-{viewport['width']}.png", full_page=True)

    form = page.locator("#add-question")
    # Only the fields the chosen type uses are shown.
    form.get_by_label("Type").select_option("scale")
    expect(form.get_by_label("Scale")).to_be_visible()
    expect(form.get_by_label("Choices")).to_be_hidden()
    form.get_by_label("Type").select_option("multiple")
    expect(form.get_by_label("Choices")).to_be_visible()
    expect(form.get_by_label("Scale")).to_be_hidden()

    form.get_by_label("Question").fill("Which languages do you speak?")
    form.get_by_label("Choices").fill("English\nFrench\nHindi")
    form.get_by_role("button", name="Add question").click()
    preview = page.locator(".builder-preview")
    expect(preview.get_by_label("Hindi")).to_be_visible()
    assert questionnaire.questions.filter(key="which_languages_do_you_speak").exists()

    # Move it up with htmx: it swaps places with the question before it.
    cards = page.locator(".question-card")
    expect(cards).to_have_count(9)
    page.get_by_role("button", name="Move “Which languages do you speak?” up").click()
    expect(cards.nth(7)).to_contain_text("Which languages do you speak?")
    page.get_by_role("button", name="Retire “Which languages do you speak?”").click()
    expect(preview.get_by_label("Hindi")).to_have_count(0)
    assert not body_overflows(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/builder-after-{viewport['width']}.png", full_page=True)


def test_the_preview_fits_a_phone(new_page):  # noqa: F811
    organization, admin, questionnaire = _setup()
    page = new_page(PHONE, user=admin)
    page.goto(f"/o/northwind/questionnaires/{questionnaire.pk}/preview/")
    assert not body_overflows(page)
    page.get_by_role("button", name="Check answers").click()
    expect(page.get_by_text("This question is required.").first).to_be_visible()
    assert not body_overflows(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/preview-375.png", full_page=True)
    goal = questionnaire.questions.get(key="goal")
    for path in ("", "new/", f"{questionnaire.pk}/edit/", f"{questionnaire.pk}/questions/{goal.pk}/edit/"):
        page.goto(f"/o/northwind/questionnaires/{path}")
        assert not body_overflows(page), path
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/question-edit-375.png", full_page=True)
