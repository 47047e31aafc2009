"""Self-match on phones, in a real browser: a mentee reads their suggested mentors with the why,
asks one with the keyboard; the mentor, on a phone of their own, accepts; the mentee sees the match.

The program is seeded with factories and the real services (recruitment, criteria, settings,
suggestions_refresh). Screenshots of each step go to var/screenshots/ for people to look at.
"""

import re

import pytest
from playwright.sync_api import expect

from matching.models import MentorRequest, RequestStatus

from ..factories import PersonFactory
from ..matching.participant_fixtures import self_match_program
from . import screenshots
from .conftest import DESKTOP, PHONE, body_overflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_TAP = 44  # px: the smallest comfortable touch target


@pytest.fixture
def world(org):
    return self_match_program(
        org,
        mentees={"Mia Mentee": ["leadership", "sql"], "Noah Novice": ["public_speaking"]},
        mentors={"Max Mentor": (["leadership", "sql"], 2), "Sara Speaker": (["public_speaking", "leadership"], 1)},
    )


def snap(page, name, viewport_name="phone"):
    screenshots.OUT_DIR.mkdir(parents=True, exist_ok=True)
    screenshots.shoot(page, name, viewport_name)


def assert_fits_a_phone(page, *tappable):
    assert not body_overflows(page), "the page must not scroll sideways on a phone"
    for locator in tappable:
        assert locator.bounding_box()["height"] >= MIN_TAP, f"{locator} is too small to tap"


def test_a_mentee_picks_a_suggested_mentor_who_accepts(new_page, world):
    org = world.org

    # 1. The mentee finds their suggestions from "Your programs".
    mentee = new_page(viewport=PHONE, user=world.user("Mia Mentee"))
    mentee.goto(f"/o/{org.slug}/programs/mine/")
    assert_fits_a_phone(mentee, mentee.get_by_role("button", name="Find a mentor"))
    snap(mentee, "self-match-your-programs")
    mentee.get_by_role("button", name="Find a mentor").click()
    expect(mentee.get_by_role("heading", name="Find a mentor", level=1)).to_be_visible()
    card = mentee.locator("article.mentor-card", has=mentee.get_by_role("heading", name="Max Mentor"))
    expect(card).to_contain_text("Engineering manager · Platform")
    expect(card).to_contain_text(re.compile(r"\d+/100 match"))
    expect(card.locator("meter")).to_have_count(1)
    expect(card.locator(".match-reasons li").first).to_contain_text("You want to learn Leadership and SQL")
    request_button = card.locator("summary", has_text="Request this mentor")
    assert_fits_a_phone(mentee, request_button)
    snap(mentee, "self-match-suggestions")
    mentee.set_viewport_size(DESKTOP)  # the same page on a laptop, for people to compare
    snap(mentee, "self-match-suggestions", "desktop")
    mentee.set_viewport_size(PHONE)

    # 2. …and asks Max with the keyboard alone: open the request, type a message, send.
    request_button.focus()
    mentee.keyboard.press("Enter")
    message = card.get_by_label("A message for Max Mentor (optional)")
    expect(message).to_be_visible()
    message.fill("I lead my first team next month; I'd love your advice.")
    snap(mentee, "self-match-request-open")
    message.press("Tab")
    mentee.keyboard.press("Enter")
    expect(mentee.get_by_text("Your request is with Max Mentor")).to_be_visible()
    expect(mentee.get_by_role("heading", name="Waiting for an answer")).to_be_visible()
    expect(mentee.get_by_role("button", name="Withdraw request to Max Mentor")).to_be_visible()
    assert_fits_a_phone(mentee)
    snap(mentee, "self-match-request-sent")
    request = MentorRequest.objects.get(mentee=world.enrollment("Mia Mentee"))
    assert request.status == RequestStatus.PENDING and "first team" in request.message

    # 3. The mentor, on their own phone, sees the request with the why, and accepts.
    mentor = new_page(viewport=PHONE, user=world.user("Max Mentor"))
    mentor.goto(f"/o/{org.slug}/programs/mine/")
    snap(mentor, "self-match-your-programs-mentor")
    mentor.get_by_role("button", name="Requests waiting").click()
    expect(mentor.get_by_role("heading", name="Requests from mentees")).to_be_visible()
    expect(mentor.locator(".mentor-places")).to_contain_text("2 places left")
    waiting = mentor.locator("article.request-card", has_text="Mia Mentee")
    expect(waiting).to_contain_text("I lead my first team next month")
    accept = waiting.get_by_role("button", name="Accept Mia Mentee")
    assert_fits_a_phone(mentor, accept, waiting.locator("summary", has_text="Decline"))
    snap(mentor, "self-match-mentor-requests")
    mentor.set_viewport_size(DESKTOP)
    snap(mentor, "self-match-mentor-requests", "desktop")
    mentor.set_viewport_size(PHONE)
    accept.click()
    expect(mentor.get_by_text("You are now Mia Mentee's mentor")).to_be_visible()
    expect(mentor.locator(".mentor-places")).to_contain_text("1 place left")
    snap(mentor, "self-match-mentor-accepted")

    # 4. The mentee sees their match, and the blameless way out.
    mentee.goto(f"/o/{org.slug}/programs/mine/")
    expect(mentee.locator(".match-line")).to_contain_text("Matched with Max Mentor")
    expect(mentee.get_by_role("button", name="Find a mentor")).to_have_count(0)
    assert_fits_a_phone(mentee)
    snap(mentee, "self-match-your-programs-matched")
    mentee.get_by_role("link", name="Ask to end this match").click()
    expect(mentee.get_by_role("heading", name="End your match with Max Mentor?")).to_be_visible()
    expect(mentee.get_by_text("Only the program team sees this")).to_be_visible()
    assert_fits_a_phone(mentee, mentee.get_by_role("button", name="Yes, end this match"))
    snap(mentee, "self-match-rematch")


def test_preferences_search_the_directory_on_a_phone(new_page, world):
    PersonFactory(organization=world.org, name="Olivia Okafor", title="Product designer", department="Design")
    page = new_page(viewport=PHONE, user=world.user("Noah Novice"))
    page.goto(f"/o/{world.org.slug}/programs/mine/")
    page.get_by_role("link", name="Matching preferences").click()
    expect(page.get_by_text("Only you see these lists")).to_be_visible()
    page.get_by_label("Find a person").press_sequentially("oliv")
    results = page.locator("#people-results")
    expect(results).to_contain_text("Olivia Okafor")  # live search, no button pressed
    assert_fits_a_phone(page, results.get_by_role("button", name="Please not Olivia Okafor"))
    snap(page, "self-match-preferences-search")
    results.get_by_role("button", name="Please not Olivia Okafor").click()
    expect(page.get_by_text("Olivia Okafor is on your “please not” list.")).to_be_visible()
    listed = page.locator("section", has=page.get_by_role("heading", name="Please don't match me with"))
    expect(listed).to_contain_text("Olivia Okafor")
    assert_fits_a_phone(page)
    snap(page, "self-match-preferences")
