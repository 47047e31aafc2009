"""The program manager matches a cohort in a real browser: run matching, watch the progress bar
turn into the result without a reload, review and adjust (lock a pair, remove one, add one by
hand that breaks a hard rule, confirmed), publish, and see the mentorships made. The review
pages must fit a 375px phone screen.
"""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from matching.models import MatchProposal, MatchRun, MatchRunStatus
from matching.services.runs import match_run_execute
from mentorships.models import Mentorship

from ..matching.engine_fixtures import build
from .conftest import DESKTOP, PHONE, body_overflows
from .screenshots import OUT_DIR, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMEA = {"zone": "emea"}


@pytest.fixture
def world(org):
    """Three mentees, two mentors; sharing a skill is a hard rule, so Cy Park (public speaking)
    has nobody and stays unmatched until the manager pairs them by hand."""
    world = build(
        org,
        mentees={
            "Ana Lima": {"wants": ["sql"], **EMEA},
            "Ben Okafor": {"wants": ["python"], **EMEA},
            "Cy Park": {"wants": ["speaking"], "zone": "amer"},
        },
        mentors={
            "Dee Novak": ({"offers": ["sql", "leadership"], **EMEA}, 1),
            "Eve Laurent": ({"offers": ["python"], **EMEA}, 2),
        },
    )
    world.criterion("wants", "offers", label="Skills to learn", weight=3, required=True)
    world.criterion("zone", "zone", kind="same", label="Region", weight=1)
    return world


@pytest.fixture
def worker_paused(monkeypatch):
    """Runs stay queued as they would while every worker is busy: the test executes them."""
    monkeypatch.setattr("matching.tasks.execute_match_run_task", SimpleNamespace(delay=lambda *args: None))


def pair_number(run, name):
    return MatchProposal.objects.get(run=run, members__enrollment__person__name=name).number


def test_run_watch_review_adjust_and_publish(new_page, world, worker_paused):
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    slug, program = world.org.slug, world.program
    desk = new_page(DESKTOP, user=world.manager)

    # 1. From the program's page to its matching page, where the pool and criteria are.
    desk.goto(f"/o/{slug}/programs/{program.pk}/")
    desk.get_by_role("button", name="Matching", exact=True).click()
    expect(desk.get_by_role("heading", name="Matching", level=1)).to_be_visible()
    expect(desk.locator(".stats")).to_contain_text(re.compile(r"3\s*mentees to match"))
    expect(desk.locator("body")).to_contain_text("Skills to learn")
    shoot(desk, "matching-home", "desktop")

    # 2. Run matching: the run waits for a worker, and the page shows its progress.
    desk.get_by_role("button", name="Run matching").click()
    progress = desk.locator("progress")
    expect(progress).to_be_visible()
    expect(desk.get_by_role("status")).to_contain_text("Waiting to start")
    assert progress.get_attribute("aria-labelledby") == "run-progress-label"
    run = MatchRun.objects.get(program=program)
    assert run.status == MatchRunStatus.QUEUED

    # The bar follows what the worker reports, polled every second.
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRunStatus.RUNNING, progress=60, progress_message="Finding the best matches"
    )
    expect(desk.get_by_role("status")).to_contain_text("Finding the best matches")
    expect(progress).to_have_attribute("value", "60")
    shoot(desk, "matching-run-progress", "desktop")
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRunStatus.QUEUED, progress=0)  # back to the worker

    # The worker runs it; the page notices on its own (no reload) and shows the result.
    desk.evaluate("window.__sameDocument = true")
    match_run_execute(organization=world.org, run_id=run.pk)
    table = desk.locator("table.proposals-table")
    expect(table).to_be_visible()
    expect(progress).to_have_count(0)
    assert desk.evaluate("window.__sameDocument === true"), "the result must replace the bar without a reload"
    expect(desk.locator(".run-stats")).to_contain_text(re.compile(r"2\s*of 3 mentees matched"))
    expect(desk.locator(".certificate")).to_contain_text("The best possible result, proven")
    expect(desk.locator("#unmatched-title")).to_contain_text("Unmatched (1)")
    shoot(desk, "matching-run-review", "desktop")

    # The same review at phone width: cards, no sideways scrolling.
    phone = new_page(PHONE, user=world.manager)
    phone.goto(f"/o/{slug}/matching/runs/{run.pk}/")
    expect(phone.locator("table.proposals-table")).to_be_visible()
    assert not body_overflows(phone), "the review page must fit a phone screen"
    shoot(phone, "matching-run-review", "phone")

    # 3. Lock Ana's pair (in place, by keyboard), remove Ben's.
    ana, ben = pair_number(run, "Ana Lima"), pair_number(run, "Ben Okafor")
    lock = desk.get_by_role("button", name=f"Lock pair {ana}")
    lock.focus()
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("button", name=f"Unlock pair {ana}")).to_be_visible()
    expect(desk.locator("#messages")).to_contain_text(f"Pair {ana} is locked.")
    assert MatchProposal.objects.get(run=run, number=ana).locked
    desk.locator("summary", has_text=f"Remove pair {ben}").click()
    desk.get_by_role("button", name=f"Yes, remove pair {ben}").click()
    expect(desk.locator("#unmatched-title")).to_contain_text("Unmatched (2)")
    assert not MatchProposal.objects.filter(run=run, number=ben).exists()

    # 4. Pair Cy with Eve by hand: the mentee list follows the name search as it is typed; the
    # preview shows the broken rule, and adding needs a tick.
    desk.get_by_role("searchbox", name="Find a mentee").fill("cy")
    mentees = desk.get_by_role("combobox", name="Mentee", exact=True)
    expect(mentees.locator("option")).to_have_text(["Choose a mentee", "Cy Park · Engineering"])
    mentees.select_option(label="Cy Park · Engineering")
    desk.get_by_role("combobox", name="Mentor", exact=True).select_option(
        label="Eve Laurent · Engineering (2 places free)"
    )
    desk.get_by_role("button", name="Preview the pair").click()
    expect(desk.get_by_role("heading", name="Add a pair by hand")).to_be_visible()
    expect(desk.locator(".pair-preview")).to_contain_text("This pair breaks 1 hard rule")
    expect(desk.locator(".pair-preview")).to_contain_text("Skills to learn: nothing in common")
    desk.get_by_role("button", name="Add this pair").click()
    expect(desk.locator(".field-invalid")).to_contain_text("breaks a hard rule")
    shoot(desk, "matching-add-pair-confirm", "desktop")
    phone.goto(desk.url)
    assert not body_overflows(phone)
    shoot(phone, "matching-add-pair", "phone")
    desk.get_by_label("I know this pair breaks a hard rule; add it anyway").check()
    desk.get_by_role("button", name="Add this pair").click()
    expect(desk.locator("#messages")).to_contain_text("Cy Park and Eve Laurent were added")
    cy_row = desk.locator("table.proposals-table tr", has_text="Cy Park")
    expect(cy_row).to_contain_text("Added by hand")
    expect(cy_row.locator(".flags")).to_be_visible()

    # 5. Publish: two mentorships (Ana with Dee, Cy with Eve), everyone told.
    desk.get_by_label(re.compile("I have reviewed the proposals")).check()
    desk.get_by_role("button", name="Publish the matches").click()
    expect(desk.locator("#messages")).to_contain_text("Published: 2 mentorships created")
    expect(desk.locator(".published-note")).to_contain_text("2 mentorships created")
    assert Mentorship.objects.filter(program=program, match_run=run).count() == 2
    shoot(desk, "matching-run-published", "desktop")

    # The matching home at phone width, with the published run in its list.
    phone.goto(f"/o/{slug}/matching/programs/{program.pk}/")
    expect(phone.locator("table.runs-table")).to_contain_text("Published")
    assert not body_overflows(phone), "the matching home must fit a phone screen"
    shoot(phone, "matching-home", "phone")

    # A criterion weighing more than 100: the error sits beside the field, on a phone too.
    phone.get_by_role("button", name="Add a criterion").click()
    phone.get_by_role("textbox", name="Name", exact=True).fill("Languages")
    phone.get_by_label("How the answers are compared").select_option("overlap")
    phone.get_by_label("Weight").fill("150")
    phone.get_by_label("Or a directory field").select_option("languages")
    phone.get_by_role("button", name="Add the criterion").click()
    expect(phone.locator(".field-invalid")).to_contain_text("100")
    assert not body_overflows(phone)
    shoot(phone, "matching-criterion-errors", "phone")
