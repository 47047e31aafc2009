"""Training in a real Chromium at phone width: a manager writes a quiz, a mentee fails then passes."""

import os
import re

import pytest
from playwright.sync_api import expect

from organizations.models import Role
from programs.models import EnrollmentStatus, TrainingCompletion, TrainingModule

from ..factories import MembershipFactory, OrganizationFactory, PersonFactory, UserFactory
from ..programs.training_fixtures import make_enrollment, make_module, make_program
from .conftest import PHONE, body_overflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Set to a directory to keep screenshots of each page for a person to look at.
SHOTS = os.environ.get("TANDEM_TRAINING_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def setting():
    organization = OrganizationFactory(name="Northwind Traders International Holdings", slug="northwind")
    admin = UserFactory(email="priya.nair.people-operations@northwind-traders.example")
    MembershipFactory(organization=organization, user=admin, role=Role.ADMIN)
    mentee = UserFactory(email="sam@northwind.example")
    MembershipFactory(organization=organization, user=mentee, role=Role.MEMBER)
    program = make_program(
        organization, name="Near-peer mentoring for first-year engineering students", requires_training=True
    )
    enrollment = make_enrollment(
        program, person=PersonFactory(organization=organization, user=mentee, name="Sam Okafor"), role="mentee"
    )
    for index in range(8):
        make_enrollment(program, role="mentor" if index % 2 else "mentee", status=EnrollmentStatus.APPROVED)
    return organization, admin, mentee, program, enrollment


def test_a_manager_writes_a_module_with_a_quiz_on_a_phone(new_page, setting):
    organization, admin, _, program, _ = setting
    page = new_page(PHONE, user=admin)
    page.goto(f"/o/{organization.slug}/programs/{program.pk}/training/new/")
    assert not body_overflows(page)
    page.get_by_label(re.compile(r"^Title")).fill("Owning the relationship")
    page.get_by_label("For").select_option("mentee")
    page.get_by_label(re.compile(r"^Content")).fill("## You lead\n\nBook the **first** meeting yourself.")
    expect(page.locator("#content-preview strong")).to_have_text("first")  # the live preview
    page.locator("[name=quiz-0-question]").fill("Who books the first meeting?")
    page.locator("[name=quiz-0-choices]").fill("*The mentee\nThe mentor\nHR")
    page.get_by_role("button", name="Add a question").click()
    page.locator("[name=quiz-1-question]").fill("Who sets the goals?")
    page.locator("[name=quiz-1-choices]").fill("The mentor\n*The mentee")
    shot(page, "module-form")
    assert not body_overflows(page)
    page.get_by_role("button", name="Add module").click()
    expect(page.get_by_text("“Owning the relationship” was saved.")).to_be_visible()
    shot(page, "module-list")
    assert not body_overflows(page)
    module = TrainingModule.objects.get()
    assert [q["answer"] for q in module.quiz] == [0, 1]
    page.goto(f"/o/{organization.slug}/programs/{program.pk}/training/overview/")
    shot(page, "overview")
    assert not body_overflows(page)


def test_a_mentee_fails_then_passes_on_a_phone(new_page, setting):
    organization, _, mentee, program, enrollment = setting
    module = make_module(program, title="Active listening", pass_mark=75)
    make_module(program, title="Preparing for meetings", quiz=[], order=1)
    page = new_page(PHONE, user=mentee)
    page.goto(f"/o/{organization.slug}/programs/{program.pk}/training/mine/")
    expect(page.get_by_text("0 of 2 modules completed")).to_be_visible()
    shot(page, "my-training")
    assert not body_overflows(page)
    page.get_by_role("link", name="Active listening").click()
    page.get_by_label("Talk").check()  # wrong
    page.get_by_label("The mentor").check()  # wrong
    page.get_by_label("Yes").check()
    page.get_by_label("As agreed").check()
    page.get_by_label("I have read this").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Not quite: try again.")).to_be_visible()
    expect(page.get_by_text("Questions 1 and 2 were not right")).to_be_visible()
    shot(page, "module-failed")
    assert not body_overflows(page)
    page.get_by_label("Listen").check()
    page.get_by_label("The mentee").check()
    page.get_by_label("Yes").check()
    page.get_by_label("As agreed").check()
    page.get_by_label("I have read this").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Well done: you completed this module.")).to_be_visible()
    shot(page, "module-passed")
    completion = TrainingCompletion.objects.get(module=module, enrollment=enrollment)
    assert (completion.passed, completion.attempts, completion.score) == (True, 2, 100)
    page.get_by_role("button", name="Next: Preparing for meetings").click()
    page.get_by_label("I have read this").check()
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_role("button", name="Back to your training").click()
    expect(page.get_by_text("You are ready to be matched.")).to_be_visible()
