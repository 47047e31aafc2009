"""A pair's workspace in a real browser, the members on their phones, the program manager at a desk.

A pair five weeks in that has never met and set no goal is at risk. The mentee schedules a
meeting from the workspace; the mentor gets the invitation by email with its .ics; once it has
happened both log it (each with a private note the other never sees); the mentee adds a goal and
a milestone and answers the check-in; the program manager sees the pair move to on track.

The live server runs in this process, so the emails land in Django's test outbox. Screenshots of
each step go to var/screenshots/ for people to look at.
"""

from datetime import datetime, timedelta

import pytest
from django.utils import dateformat, timezone
from icalendar import Calendar
from playwright.sync_api import expect

from mentorships.models import CheckIn, Goal, Meeting, MeetingPrivateNote, MeetingStatus, PairHealth
from mentorships.services.health import health_refresh
from organizations.models import Role
from programs.catalog.prompts import discussion_prompts, ground_rules
from programs.models import Program, ProgramManager, ProgramStatus

from ..factories import MembershipFactory, UserFactory
from ..mentorships.meeting_fixtures import make_pair
from . import screenshots
from .conftest import DESKTOP, PHONE, body_overflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_TAP = 44  # px: the smallest comfortable touch target
MENTOR_ZONE, MENTEE_ZONE = "America/New_York", "Europe/Berlin"


@pytest.fixture
def world(org):
    today = timezone.localdate()
    program = Program.objects.create(
        organization=org,
        name="Grow 2026",
        status=ProgramStatus.ACTIVE,
        start_date=today - timedelta(days=40),
        end_date=today + timedelta(days=150),
        cadence_weeks=2,
        checkin_weeks=4,
        meeting_minutes=45,
        ground_rules=ground_rules("Turn up, or say so a day ahead."),
        discussion_prompts=[dict(stage) for stage in discussion_prompts()],
    )
    pair = make_pair(
        org, names=("Max Mentor", "Mia Mentee"), zones=(MENTOR_ZONE, MENTEE_ZONE), started_days_ago=35, program=program
    )
    manager = UserFactory()
    MembershipFactory(organization=org, user=manager, role=Role.MEMBER)
    ProgramManager.objects.create(organization=org, program=program, user=manager)
    health_refresh(organization=org, mentorship_ids=[pair.mentorship.pk])
    pair.manager = manager
    return pair


def snap(page, name, viewport_name="phone"):
    screenshots.OUT_DIR.mkdir(parents=True, exist_ok=True)
    screenshots.shoot(page, name, viewport_name)


def snap_both(page, name):
    """The page at phone width, then the same page on a laptop, for people to compare."""
    snap(page, name)
    page.set_viewport_size(DESKTOP)
    snap(page, name, "desktop")
    page.set_viewport_size(PHONE)


def assert_fits_a_phone(page, *tappable):
    assert not body_overflows(page), "the page must not scroll sideways on a phone"
    for locator in tappable:
        assert locator.bounding_box()["height"] >= MIN_TAP, f"{locator} is too small to tap"


def local(instant, zone_name, fmt):
    from mentorships.timezones import zone

    return dateformat.format(instant.astimezone(zone(zone_name)), fmt)


def pair_row(desk, world):
    return desk.locator(f"#pair-{world.mentorship.pk}")


def test_a_pair_meets_logs_sets_a_goal_checks_in_and_gets_back_on_track(new_page, world, mailoutbox):
    slug = world.org.slug

    # 0. The program manager sees a pair that never met and has no goal: at risk.
    desk = new_page(DESKTOP, user=world.manager)
    desk.goto(f"/o/{slug}/mentorships/programs/{world.program.pk}/")
    expect(pair_row(desk, world)).to_have_attribute("data-health", "at_risk")
    expect(pair_row(desk, world)).to_contain_text("At risk")
    snap(desk, "mentorship-manager-at-risk", "desktop")

    # 1. The mentee finds the workspace from "Your programs": it says to meet, and how.
    mentee = new_page(PHONE, user=world.mentee.user)
    mentee.goto(f"/o/{slug}/programs/mine/")
    mentee.get_by_role("button", name="Open your workspace with Max Mentor").click()
    expect(mentee.get_by_role("heading", name="You and Max Mentor", level=1)).to_be_visible()
    expect(mentee.get_by_role("heading", name="Time to meet again")).to_be_visible()
    expect(mentee.locator(".prompt-card")).to_contain_text("First meeting")
    expect(mentee.get_by_role("heading", name="Your first meeting: a simple plan")).to_be_visible()
    schedule = mentee.get_by_role("button", name="Schedule your next meeting")
    assert_fits_a_phone(mentee, schedule)
    snap_both(mentee, "mentorship-workspace-overdue")

    # 2. …and schedules it on her own clock (Berlin), with the keyboard where it counts.
    schedule.click()
    expect(mentee.get_by_role("heading", name="Schedule a meeting")).to_be_visible()
    expect(mentee.locator("fieldset.when legend")).to_contain_text(MENTEE_ZONE)
    expect(mentee.get_by_label("How long (minutes)")).to_have_value("45")
    day = timezone.now().astimezone(world_zone(MENTEE_ZONE)).date() + timedelta(days=2)
    mentee.get_by_label("Date").fill(day.isoformat())
    mentee.get_by_label("Start time").fill("09:30")
    mentee.get_by_label("Video call link").fill("https://meet.example.com/mia-max")
    mentee.get_by_label("Agenda").fill("Getting to know each other; what I want from this year.")
    assert_fits_a_phone(mentee, mentee.get_by_role("button", name="Schedule and send invitations"))
    snap(mentee, "mentorship-meeting-new")
    mentee.get_by_label("Agenda").press("Tab")
    mentee.keyboard.press("Enter")
    expect(mentee.get_by_text("Meeting scheduled. We emailed a calendar invitation to Max Mentor.")).to_be_visible()
    meeting = Meeting.objects.get(mentorship=world.mentorship)
    starts_at = datetime.combine(day, datetime.min.time().replace(hour=9, minute=30), tzinfo=world_zone(MENTEE_ZONE))
    assert meeting.starts_at == starts_at
    card = mentee.locator(".meeting-card")
    expect(card).to_contain_text(f"09:30–10:15 ({MENTEE_ZONE})")
    expect(card).to_contain_text(f"{local(starts_at, MENTOR_ZONE, 'H:i')} for Max Mentor ({MENTOR_ZONE})")
    expect(card.get_by_role("button", name="Join the video call")).to_be_visible()
    assert_fits_a_phone(mentee, card.get_by_role("button", name="Join the video call"))
    snap_both(mentee, "mentorship-workspace-next-meeting")

    # 3. The mentor's invitation: his own time zone in the email, a standard .ics attached.
    (email,) = [message for message in mailoutbox if message.to == [world.mentor.email]]
    assert MENTOR_ZONE in email.subject
    assert f"{local(starts_at, MENTOR_ZONE, 'H:i')}–" in email.body and "Mia Mentee" in email.body
    ((filename, content, mimetype),) = email.attachments
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar; method=REQUEST")
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "REQUEST"
    assert (str(event["uid"]), event["sequence"]) == (meeting.uid, 0)
    assert event.decoded("dtstart") == starts_at
    assert f"mailto:{world.mentor.email}" in {str(attendee) for attendee in event["attendee"]}
    assert str(event["url"]) == "https://meet.example.com/mia-max"

    # 4. An hour after it began, the mentee logs it: held, how long, topics, notes, a private note.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    mentee.reload()
    expect(mentee.locator(".todo-log")).to_contain_text("How did your meeting on")
    mentee.get_by_role("button", name="Log the meeting").click()
    expect(mentee.get_by_role("heading", name="How did it go?")).to_be_visible()
    mentee.get_by_label("Yes, we met").check()
    mentee.get_by_label("How long did it last? (minutes)").fill("50")
    mentee.get_by_label("Video call").check()
    mentee.get_by_label("Topics").fill("introductions, goals")
    mentee.get_by_label("Shared notes").fill("Max suggested I lead the next sprint review.")
    private = mentee.get_by_label("Private note: only you can see this")
    private.fill("Nervous about presenting; ask Max for tips next time.")
    held = mentee.locator("label", has_text="Yes, we met")  # the whole label is the tap target
    assert_fits_a_phone(mentee, held, mentee.get_by_role("button", name="Save the log"))
    snap(mentee, "mentorship-meeting-log")
    mentee.get_by_role("button", name="Save the log").click()
    expect(mentee.get_by_text("Meeting logged.")).to_be_visible()
    notes = mentee.locator("section", has=mentee.get_by_role("heading", name="Latest notes"))
    expect(notes).to_contain_text("Max suggested I lead the next sprint review.")
    expect(mentee.locator("body")).not_to_contain_text("Nervous about presenting")  # private: not on the workspace
    meeting.refresh_from_db()
    assert (meeting.status, meeting.actual_minutes) == (MeetingStatus.HELD, 50)
    assert meeting.topics == ["introductions", "goals"]

    # 5. The mentor logs it too, on his phone: he sees the shared notes, never her private note.
    mentor = new_page(PHONE, user=world.mentor.user)
    mentor.goto(f"/o/{slug}/mentorships/{world.mentorship.pk}/")
    expect(mentor.get_by_role("heading", name="You and Mia Mentee", level=1)).to_be_visible()
    mentor.get_by_role("link", name="Notes").first.click()
    expect(mentor.get_by_label("Shared notes")).to_have_value("Max suggested I lead the next sprint review.")
    expect(mentor.get_by_label("Private note: only you can see this")).to_have_value("")
    expect(mentor.locator("body")).not_to_contain_text("Nervous about presenting")
    mentor.get_by_label("Private note: only you can see this").fill("Mia is ready for more responsibility.")
    mentor.get_by_role("button", name="Save the log").click()
    expect(mentor.get_by_text("Meeting logged.")).to_be_visible()
    notes_by = dict(MeetingPrivateNote.objects.filter(meeting=meeting).values_list("author__name", "text"))
    assert notes_by == {
        "Mia Mentee": "Nervous about presenting; ask Max for tips next time.",
        "Max Mentor": "Mia is ready for more responsibility.",
    }

    # 6. The mentee sets a SMART goal and a first milestone.
    mentee.goto(f"/o/{slug}/mentorships/{world.mentorship.pk}/")
    mentee.get_by_role("button", name="Add a goal").click()
    expect(mentee.get_by_role("heading", name="Add a goal")).to_be_visible()
    mentee.get_by_role("button", name="Add the goal").click()  # empty: errors beside the fields
    expect(mentee.locator(".field-invalid")).to_have_count(3)
    expect(mentee.get_by_role("textbox", name="Goal", exact=True)).to_have_attribute("aria-invalid", "true")
    snap(mentee, "mentorship-goal-errors")
    mentee.get_by_role("textbox", name="Goal", exact=True).fill("Lead our team's sprint review on my own")
    mentee.get_by_label("How you'll know").fill("Ran two reviews with no help")
    mentee.get_by_label("By when").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    mentee.get_by_label("Why it matters").fill("I want to grow into a team lead role.")
    mentee.get_by_role("button", name="Add the goal").click()
    expect(mentee.get_by_role("heading", name="Lead our team's sprint review on my own", level=1)).to_be_visible()
    mentee.get_by_label("New milestone").fill("Shadow Max at one review")
    mentee.get_by_role("button", name="Add the milestone").click()
    expect(mentee.get_by_text("Milestone added: Shadow Max at one review.")).to_be_visible()
    done = mentee.get_by_role("button", name="Done: Shadow Max at one review")
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")
    expect(mentee.locator(".goal-progress")).to_contain_text("100% · 1 of 1 milestone done")
    assert_fits_a_phone(mentee, done)
    snap_both(mentee, "mentorship-goal-detail")
    goal = Goal.objects.get(mentorship=world.mentorship)
    assert goal.owner.person == world.mentee and goal.milestones.get().done_on is not None

    # 7. The check-in: the workspace asks for it; a big tap on 4, then the arrow key to 5, a word, sent.
    mentee.goto(f"/o/{slug}/mentorships/{world.mentorship.pk}/")
    expect(mentee.get_by_text("Time for your check-in.")).to_be_visible()
    snap_both(mentee, "mentorship-workspace-after-meeting")
    mentee.get_by_role("button", name="Check in").click()
    good = mentee.locator("label.score-option", has_text="Good")
    assert_fits_a_phone(mentee, good, mentee.locator("label.score-option", has_text="Great"))
    good.click()
    expect(mentee.get_by_role("radio", name="4 Good")).to_be_checked()
    mentee.keyboard.press("ArrowRight")
    expect(mentee.get_by_role("radio", name="5 Great")).to_be_checked()
    expect(mentee.get_by_role("radio", name="5 Great")).to_be_focused()
    mentee.get_by_label("Anything to add? (optional)").fill("A great first meeting.")
    snap(mentee, "mentorship-checkin")
    mentee.get_by_role("button", name="Send my check-in").click()
    expect(mentee.get_by_text("Thanks for checking in.")).to_be_visible()
    expect(mentee.get_by_text("Time for your check-in.")).to_have_count(0)
    checkin = CheckIn.objects.get(mentorship=world.mentorship)
    assert (checkin.member.person, checkin.score, checkin.wants_help) == (world.mentee, 5, False)

    # 8. The program manager sees the pair back on track.
    desk.reload()
    expect(pair_row(desk, world)).to_have_attribute("data-health", "on_track")
    expect(pair_row(desk, world)).to_contain_text("On track")
    expect(pair_row(desk, world)).to_contain_text("1 held")
    world.mentorship.refresh_from_db()
    assert (world.mentorship.health, world.mentorship.health_reasons) == (PairHealth.ON_TRACK, [])
    snap(desk, "mentorship-manager-on-track", "desktop")

    # For people to look at: the mentee's list of mentorships and the prompt bank.
    mentee.goto(f"/o/{slug}/mentorships/")
    expect(mentee.get_by_role("heading", name="Max Mentor", level=2)).to_be_visible()
    assert_fits_a_phone(mentee)
    snap_both(mentee, "mentorship-mine")
    mentee.goto(f"/o/{slug}/mentorships/{world.mentorship.pk}/prompts/")
    expect(mentee.locator("details[open] summary")).to_contain_text("Where you are now")
    assert_fits_a_phone(mentee)
    snap(mentee, "mentorship-prompts")


def world_zone(name):
    from mentorships.timezones import zone

    return zone(name)
