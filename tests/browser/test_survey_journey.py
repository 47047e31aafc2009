"""A survey in a real browser: the program manager at a desk, the participants on their phones.

The manager starts an end-of-program evaluation from its template on the program's survey
pages, sets it to open today and launches it. Six participants are invited; they answer one by
one on a phone-sized screen. With four answers in, the results page shows the counts and says
the results are hidden until five people have answered (k = 5), with no chart and no figure
for any question; the fifth answer brings the charts and figures.

Screenshots of each step go to the test's tmp_path (under pytest's basetemp), for people to look at.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramManager, ProgramStatus
from surveys.models import Response, Survey, SurveyCompletion, SurveyStatus, SurveyWave
from surveys.selectors.surveys import organization_today

from ..factories import MembershipFactory, PersonFactory, UserFactory
from .conftest import DESKTOP, PHONE, body_overflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

K = 5
TEMPLATE_TITLE = "End-of-program evaluation"
# One participant's answers each (required questions and a few optional ones): satisfaction
# averages 4.20; NPS has 3 promoters (9–10) and 1 detractor (0–6) out of 5, so +40.
ANSWERS = [
    {"satisfaction": 5, "nps": 10, "goal_attainment": 4, "meeting_frequency": "weekly", "mentor_again": "yes"},
    {"satisfaction": 4, "nps": 9, "goal_attainment": 3, "meeting_frequency": "fortnightly", "mentor_again": "yes"},
    {"satisfaction": 4, "nps": 8, "goal_attainment": 4, "meeting_frequency": "monthly", "mentor_again": "maybe"},
    {"satisfaction": 5, "nps": 6, "goal_attainment": 5, "meeting_frequency": "weekly", "mentor_again": "yes"},
    {"satisfaction": 3, "nps": 10, "goal_attainment": 2, "meeting_frequency": "less_often", "mentor_again": "no"},
]
SKILL = "Giving and receiving feedback"


@pytest.fixture
def world(org):
    org.survey_min_responses = K  # explicit: the journey is about this threshold
    org.save(update_fields=["survey_min_responses"])
    today = timezone.localdate()
    program = Program.objects.create(
        organization=org,
        name="Grow 2026",
        status=ProgramStatus.ACTIVE,
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=60),
    )
    manager = UserFactory()
    MembershipFactory(organization=org, user=manager, role=Role.MEMBER)
    ProgramManager.objects.create(organization=org, program=program, user=manager)
    participants = []
    for n, name in enumerate(["Ada Ames", "Bo Berg", "Cleo Cruz", "Dev Dias", "Eli Eng", "Fox Finn"]):
        user = UserFactory()
        MembershipFactory(organization=org, user=user, role=Role.MEMBER)
        person = PersonFactory(organization=org, user=user, email=user.email, name=name, time_zone="UTC")
        Enrollment.objects.create(
            organization=org,
            program=program,
            person=person,
            role=("mentor", "mentee")[n % 2],
            status=EnrollmentStatus.APPROVED,
        )
        participants.append(person)
    return {"org": org, "program": program, "manager": manager, "participants": participants}


def snap(page, directory, name):
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    return path


def pick(page, key, value):
    """Tap the option `value` of question `key` (its whole label is the tap target)."""
    page.locator(f"label:has(input[name='{key}'][value='{value}'])").click()
    expect(page.locator(f"input[name='{key}'][value='{value}']")).to_be_checked()


def answer_on_a_phone(new_page, person, slug, answers, shots=None):
    phone = new_page(PHONE, user=person.user)
    phone.goto(reverse("surveys:mine", args=[slug]))
    expect(phone.get_by_role("heading", name="Your surveys", level=1)).to_be_visible()
    phone.get_by_role("button", name=f"Answer {TEMPLATE_TITLE}").click()

    # The first screen says plainly that the answers are anonymous, before any question.
    expect(phone.get_by_role("heading", name=TEMPLATE_TITLE, level=1)).to_be_visible()
    promise = phone.locator(".survey-promises")
    expect(promise).to_contain_text("Anonymous. Your answers are stored without your name.")
    expect(promise).to_contain_text(f"Results are shown only when at least {K} people have answered.")
    assert not body_overflows(phone), "the first screen must not scroll sideways on a phone"
    if shots is not None:
        snap(phone, shots, "survey-first-screen-phone")
    phone.get_by_role("button", name="Start").click()

    expect(phone.get_by_role("button", name="Send my answers")).to_be_visible()
    expect(phone.locator(".survey-promise-line")).to_contain_text("Anonymous: your name is not stored")
    for key, value in answers.items():
        pick(phone, key, value)
    pick(phone, "skills_gained", "feedback")  # SKILL, an optional question
    assert not body_overflows(phone), "the questions must not scroll sideways on a phone"
    if shots is not None:
        snap(phone, shots, "survey-answer-phone")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
    expect(phone.get_by_text("Your answers are in.")).to_be_visible()
    if shots is not None:
        snap(phone, shots, "survey-thanks-phone")
    return phone


def wait_for_charts(page):
    """Until Chart.js has drawn every chart of the results page."""
    page.wait_for_function(
        "() => window.Chart && [...document.querySelectorAll('canvas[data-chart-key]')]"
        ".every((canvas) => window.Chart.getChart(canvas))"
    )


def results_state(desk):
    """(answered, invited) as the results page's counters show them."""
    stats = desk.locator("section.stats article strong")
    return stats.nth(0).inner_text(), stats.nth(1).inner_text()


def test_a_manager_schedules_a_survey_participants_answer_on_phones_results_appear_at_k(new_page, world, tmp_path):
    org, program, participants = world["org"], world["program"], world["participants"]
    slug = org.slug
    shots = tmp_path / "screenshots"
    shots.mkdir()

    # 1. The manager goes from the program to its surveys and starts one from a template.
    desk = new_page(DESKTOP, user=world["manager"])
    desk.goto(reverse("programs:detail", args=[slug, program.pk]))
    desk.get_by_role("button", name="Surveys", exact=True).click()
    expect(desk).to_have_url(re.compile(re.escape(reverse("surveys:program-surveys", args=[slug, program.pk])) + "$"))
    expect(desk.get_by_role("heading", name="Surveys", level=1)).to_be_visible()
    desk.get_by_role("button", name="New survey").first.click()
    expect(desk.get_by_role("heading", name="New survey", level=1)).to_be_visible()
    desk.locator("label.template-option", has_text=TEMPLATE_TITLE).click()
    expect(desk.get_by_role("radio", name=TEMPLATE_TITLE)).to_be_checked()
    snap(desk, shots, "survey-new-desktop")
    desk.get_by_role("button", name="Create the draft").click()

    # 2. The draft's settings: the template runs at the program's end; make it open today.
    expect(desk.get_by_role("heading", name="Survey settings", level=1)).to_be_visible()
    expect(desk.get_by_label("Title")).to_have_value(TEMPLATE_TITLE)
    expect(desk.get_by_label("Anonymous")).to_be_checked()
    desk.get_by_role("combobox", name="When").select_option("date")
    today = organization_today(org)
    desk.get_by_label("Opens on").fill(today.isoformat())
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_text("Saved.")).to_be_visible()
    expect(desk.get_by_role("heading", name=TEMPLATE_TITLE, level=1)).to_be_visible()
    survey = Survey.objects.get(program=program)
    assert (survey.status, survey.schedule, survey.opens_on, survey.anonymous) == ("draft", "date", today, True)

    # 3. Launch: the first wave opens at once, inviting the six participants.
    desk.get_by_role("button", name="Launch the survey").click()
    expect(desk.get_by_text(f"“{TEMPLATE_TITLE}” is scheduled.")).to_be_visible()
    survey.refresh_from_db()
    wave = SurveyWave.objects.get(survey=survey)
    assert survey.status == SurveyStatus.LIVE and wave.opens_on == today and wave.opened_at is not None
    assert wave.invitations.count() == len(participants)
    snap(desk, shots, "survey-detail-launched-desktop")

    # 4. Four participants answer on their phones (the first one's screens are kept).
    for index, person in enumerate(participants[:4]):
        phone = answer_on_a_phone(new_page, person, slug, ANSWERS[index], shots if index == 0 else None)
        phone.context.close()
    assert Response.objects.filter(survey_envelope__wave=wave).count() == 4
    assert SurveyCompletion.objects.filter(wave=wave).count() == 4

    # A second visit is refused plainly: each person answers once.
    again = new_page(PHONE, user=participants[0].user)
    again.goto(reverse("surveys:answer", args=[slug, wave.pk]))
    expect(again.get_by_role("heading", name="You have already answered", level=1)).to_be_visible()

    # 5. With four answers the results say they are hidden until five answered: counts only.
    desk.goto(reverse("surveys:survey-results", args=[slug, survey.pk]))
    expect(desk.get_by_role("heading", name=f"Results: {TEMPLATE_TITLE}", level=1)).to_be_visible()
    assert results_state(desk) == ("4", "6")
    hidden = desk.locator(".results-hidden")
    expect(hidden).to_contain_text(f"Shown when at least {K} people have answered — 4 so far.")
    expect(hidden).to_contain_text("Until then nothing of the answers is shown, to anyone")
    expect(desk.locator("canvas")).to_have_count(0)
    expect(desk.locator(".question-result")).to_have_count(0)
    expect(desk.locator(".result-figures")).to_have_count(0)
    expect(desk.locator("main")).not_to_contain_text("Net Promoter Score")
    expect(desk.locator("main")).not_to_contain_text("Average")
    expect(desk.locator("main")).not_to_contain_text("How satisfied")
    snap(desk, shots, "survey-results-hidden-desktop")

    # 6. The fifth answer, on a phone too.
    answer_on_a_phone(new_page, participants[4], slug, ANSWERS[4]).context.close()

    # 7. Now the results appear: charts (drawn by Chart.js) and figures with their tables.
    desk.reload()
    assert results_state(desk) == ("5", "6")
    expect(desk.locator(".results-hidden")).to_have_count(0)
    # The wave is still open: the results move in whole steps of k, and say so.
    expect(desk.locator(".results-note")).to_contain_text(
        f"While the survey is open, results move in steps of {K} answers"
    )
    expect(desk.locator(".results-note")).to_contain_text("they include all 5 now")
    canvases = desk.locator("canvas[data-chart-key]")
    expect(canvases.first).to_be_visible()
    assert canvases.count() >= 4  # satisfaction, NPS, skills, goals, meetings, would take part again
    wait_for_charts(desk)
    satisfaction = desk.locator(".question-result", has_text="Overall, how satisfied are you with the program?")
    expect(satisfaction).to_contain_text("5 answers")
    expect(satisfaction.locator(".result-figures")).to_contain_text("Average")
    expect(satisfaction.locator(".result-figures")).to_contain_text("4.20")
    expect(satisfaction.locator("canvas")).to_have_count(1)
    expect(satisfaction.locator("table.result-table tbody tr")).to_have_count(5)  # the scale's points 1–5
    for row in ("3 1 20%", "4 2 40%", "5 2 40%"):  # answer, people, share
        expect(satisfaction.get_by_role("row", name=row, exact=True)).to_be_visible()
    nps = desk.locator(".question-result", has_text="How likely are you to recommend this program")
    expect(nps.locator(".result-figures")).to_contain_text("Net Promoter Score")
    expect(nps.locator(".result-figures")).to_contain_text("+40")
    skills = desk.locator(".question-result", has_text="Which skills have you developed")
    expect(skills.get_by_role("row", name=f"{SKILL} 5 100%", exact=True)).to_be_visible()
    # Free text needs more people (k_text): nobody wrote any, and none is shown.
    expect(desk.locator(".result-texts")).to_have_count(0)
    snap(desk, shots, "survey-results-shown-desktop")
    # The same results on the manager's phone: the charts fit, nothing scrolls sideways.
    pocket = new_page(PHONE, user=world["manager"])
    pocket.goto(reverse("surveys:survey-results", args=[slug, survey.pk]))
    wait_for_charts(pocket)
    assert not body_overflows(pocket), "the results must not scroll sideways on a phone"
    snap(pocket, shots, "survey-results-shown-phone")

    # Nothing stored names the participants: no respondent, a day-only time.
    responses = Response.objects.filter(survey_envelope__wave=wave)
    assert responses.count() == 5
    assert set(responses.values_list("respondent", flat=True)) == {None}
    assert {(r.submitted_at.hour, r.submitted_at.minute, r.submitted_at.second) for r in responses} == {(0, 0, 0)}
    assert sorted(p.name for p in shots.glob("*.png")) == sorted(
        [
            "survey-new-desktop.png",
            "survey-detail-launched-desktop.png",
            "survey-first-screen-phone.png",
            "survey-answer-phone.png",
            "survey-thanks-phone.png",
            "survey-results-hidden-desktop.png",
            "survey-results-shown-desktop.png",
            "survey-results-shown-phone.png",
        ]
    )
