"""The program manager's whole journey in a real browser, and a mentee joining from a phone.

From "new program from template" to a reviewed, trained, ready-to-match pool: the manager
creates the draft from the onboarding-buddy template and opens recruitment; a mentee joins on a
375px screen and fills the intake; the manager approves them in the review queue; the mentee
completes the required training; the pool the matching engine will use now holds them.
"""

import random
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import Role
from programs.demo import _intake
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus
from programs.selectors.matching import matching_pool
from programs.selectors.training import modules_for
from programs.services.recruitment import enrollment_apply, enrollment_decide
from programs.services.training import training_submit
from programs.views.recruitment import INTAKE_PREFIX
from surveys.models import Question

from ..factories import MembershipFactory, OrganizationFactory, PersonFactory, UserFactory
from .conftest import PHONE, body_overflows

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme():
    org = OrganizationFactory(name="Acme", slug="acme")
    manager = UserFactory(email="pm@acme.example")
    MembershipFactory(organization=org, user=manager, role=Role.ADMIN)
    mentee = UserFactory(email="mia@acme.example")
    MembershipFactory(organization=org, user=mentee, role=Role.MEMBER)
    PersonFactory(organization=org, name="Mia Mentee", email="mia@acme.example", user=mentee, level=2)
    mentor_person = PersonFactory(organization=org, name="Max Mentor", email="max@acme.example", level=5)
    return org, manager, mentee, mentor_person


def fill_intake(page, questionnaire):
    """Answer every required question the way a person would, whatever the template asks."""
    for question in questionnaire.questions.filter(retired=False, required=True).order_by("order", "pk"):
        name = f"{INTAKE_PREFIX}-{question.key}"
        if question.type in (Question.Type.SINGLE_CHOICE, Question.Type.MULTIPLE_CHOICE, Question.Type.SCALE):
            page.locator(f"input[name='{name}']").first.check()
        elif question.type == Question.Type.NUMBER:
            page.locator(f"input[name='{name}']").fill(str(int(question.min_value or 1)))
        elif question.type == Question.Type.DATE:
            page.locator(f"input[name='{name}']").fill("2027-01-15")
        else:
            page.locator(f"[name='{name}']").fill("Getting to know how things work here.")


def test_from_template_to_a_trained_ready_to_match_pool(new_page, acme):
    org, manager, mentee, mentor_person = acme

    # 1. The program manager creates a draft from a template and opens recruitment.
    desk = new_page(user=manager)
    desk.goto("/o/acme/programs/new/")
    desk.get_by_role("button", name="Use the Onboarding buddy template").click()
    desk.get_by_label("Program name").fill("Buddies 2027")
    desk.get_by_role("button", name="Create the draft").click()
    expect(desk.get_by_role("heading", name="Buddies 2027", level=1)).to_be_visible()
    program = Program.objects.get(organization=org, name="Buddies 2027")
    assert program.status == ProgramStatus.DRAFT and program.requires_training
    desk.locator("summary", has_text="Open recruitment").click()
    desk.get_by_role("button", name="Yes, open recruitment").click()
    expect(desk.locator(".lifecycle [aria-current='step']")).to_contain_text("Recruiting")
    program.refresh_from_db()
    assert program.status == ProgramStatus.RECRUITING

    # A mentor applies too (through the same service the join page uses), so the pool has both sides.
    mentor = enrollment_apply(
        organization=org,
        program=program,
        person=mentor_person,
        role="mentor",
        answers=_intake(program, "mentor", random.Random(1)),
        motivation="I remember my own first weeks.",
        capacity=2,
    )

    # 2. The mentee joins on a phone and fills the intake.
    phone = new_page(viewport=PHONE, user=mentee)
    phone.goto(f"/o/acme/programs/{program.pk}/join/")
    phone.get_by_role("button", name="Join as a mentee").click()
    fill_intake(phone, program.mentee_questionnaire)
    assert not body_overflows(phone), "the intake must fit a phone screen"
    snap(phone, "journey-join-intake-phone")
    phone.get_by_role("button", name="Send my application").click()
    expect(phone.get_by_text(re.compile("application", re.I)).first).to_be_visible()
    application = Enrollment.objects.get(program=program, person__user=mentee)
    assert application.status == EnrollmentStatus.APPLIED and application.response_id

    # 3. The manager reviews both applications in the queue and approves them.
    desk.goto(f"/o/acme/programs/{program.pk}/review/")
    desk.get_by_label("Select Mia Mentee").check()
    desk.get_by_label("Select Max Mentor").check()
    desk.get_by_label("Decision").select_option("approved")
    snap(desk, "journey-review-queue")
    desk.get_by_role("button", name="Apply to the selected").click()
    expect(desk.locator("body")).to_contain_text("Approved")
    application.refresh_from_db()
    assert application.status == EnrollmentStatus.APPROVED
    assert application not in matching_pool(program), "training is required before matching"

    # 4. The mentee completes their training on the phone.
    for module in modules_for(application):
        phone.goto(f"/o/acme/programs/{program.pk}/training/{module.pk}/")
        snap(phone, "journey-training-module-phone")
        for index, item in enumerate(module.quiz):
            phone.locator(f"input[name='q{index}'][value='{item['answer']}']").check()
        if module.requires_acknowledgement:
            phone.locator("input[name='acknowledged']").check()
        phone.get_by_role("button", name=re.compile("Submit answers|Mark as complete")).click()
        expect(phone.locator("body")).to_contain_text(re.compile("passed|Completed|complete", re.I))

    # The mentor trains too (through the service), then the pool is ready to match.
    enrollment_decide(
        organization=org, program=program, enrollments=[mentor], decision=EnrollmentStatus.APPROVED, actor=manager
    )
    for module in modules_for(mentor):
        training_submit(
            organization=org,
            module=module,
            enrollment=mentor,
            quiz_answers=[item["answer"] for item in module.quiz],
            acknowledged=True,
        )
    pool = list(matching_pool(program, today=timezone.localdate()))
    assert {(e.person.name, e.role) for e in pool} == {("Mia Mentee", "mentee"), ("Max Mentor", "mentor")}

    # 5. The manager sees the pool is ready.
    desk.goto(f"/o/acme/programs/{program.pk}/training/overview/")
    expect(desk.locator("body")).to_contain_text(re.compile(r"2\s*ready to match", re.I))
    desk.goto(f"/o/acme/programs/{program.pk}/")
    snap(desk, "journey-program-overview")


def snap(page, name):
    """Keep a full-page screenshot of each step under var/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
