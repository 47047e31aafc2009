"""The members' workspace through the Django client: what to do next at a glance, in the viewer's
own time zone; the stage-fitting prompt; the handbook; "Your mentorships"; and who may see it.

Only the mentorship's members see its pages: another member of the organization, the program's
own manager and a member of another organization all get the same 404 as a missing id.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from mentorships.models import MentorshipStatus, Resource
from mentorships.selectors.workspace import prompt_bank, stage_of
from mentorships.timezones import zone
from programs.catalog.prompts import SHARED_PROMPTS

from ..factories import CheckInFactory, GoalFactory, HeldMeetingFactory, MilestoneFactory
from .meeting_fixtures import (  # noqa: F401
    MENTEE_ZONE,
    MENTOR_ZONE,
    at,
    foreign_pair_fixture,
    make_pair,
    outsider_fixture,
    pair_fixture,
)
from .workspace_fixtures import MEMBER_ROUTES, client_of, end, program_manager_of, text, url, workspace_url

pytestmark = pytest.mark.django_db


POST_ONLY = {"milestone_add", "goal_comment_add", "milestone_toggle"}


def scheduled(pair, starts_at, **fields):
    return HeldMeetingFactory(
        mentorship=pair.mentorship, status="scheduled", starts_at=starts_at, actual_minutes=None, **fields
    )


def local(instant, zone_name, fmt="H:i"):
    return dateformat.format(instant.astimezone(zone(zone_name)), fmt)


def ids_of(pair):
    """{kind: id} of one object of each kind the members' routes name, in `pair`."""
    goal = GoalFactory(mentorship=pair.mentorship)
    return {
        "mentorship": pair.mentorship.pk,
        "meeting": scheduled(pair, at(5)).pk,
        "goal": goal.pk,
        "milestone": MilestoneFactory(goal=goal).pk,
    }


# --- who may see it --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), MEMBER_ROUTES)
def test_only_members_reach_a_mentorships_pages_everyone_else_gets_404(
    name, kind, pair, outsider, foreign_pair, client_for
):
    ids = ids_of(pair)
    target = url(name, pair.org, ids[kind])
    method = "post" if name in POST_ONLY else "get"
    for stranger in (outsider, program_manager_of(pair)):
        assert getattr(client_of(client_for, stranger), method)(target).status_code == 404
    # A member of another organization, guessing ids under their own organization's address.
    guessed = url(name, foreign_pair.org, ids[kind])
    assert getattr(client_of(client_for, foreign_pair.mentee), method)(guessed).status_code == 404
    # The same address answers the pair's own members: a page, a redirect, or an empty form's errors.
    assert getattr(client_of(client_for, pair.mentee), method)(target).status_code in (200, 302, 400)


def test_a_signed_out_visitor_is_sent_to_sign_in(pair, client):
    response = client.get(workspace_url(pair))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# --- what to do next -------------------------------------------------------------------------


def test_each_member_sees_the_next_meeting_on_their_own_clock_with_the_others_beside_it(pair, client_for):
    meeting = scheduled(pair, at(3, 14, 0), location="Room 4", agenda="Spring goals")
    ends = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    for person, own, other in ((pair.mentee, MENTEE_ZONE, pair.mentor), (pair.mentor, MENTOR_ZONE, pair.mentee)):
        html = text(client_of(client_for, person).get(workspace_url(pair)))
        assert f'{local(meeting.starts_at, own)}–{local(ends, own)} <small class="muted">({own})</small>' in html
        assert f"{local(meeting.starts_at, other.time_zone)} for {other.name} ({other.time_zone})" in html
        assert "Room 4" in html and "Spring goals" in html
        assert url("meeting_edit", pair.org, meeting.pk) in html and url("meeting_cancel", pair.org, meeting.pk) in html
        assert "Time to meet again" not in html


def test_a_pair_past_its_cadence_with_nothing_planned_is_asked_to_schedule(org, client_for):
    pair = make_pair(org, started_days_ago=30)  # meetings every 2 weeks
    HeldMeetingFactory(mentorship=pair.mentorship, starts_at=timezone.now() - timedelta(days=20))
    html = text(client_of(client_for, pair.mentee).get(workspace_url(pair)))
    assert "Time to meet again" in html and "Schedule your next meeting" in html
    assert url("meeting_new", pair.org, pair.mentorship.pk) in html


def test_a_pair_that_met_recently_is_not_nagged(org, client_for):
    pair = make_pair(org, started_days_ago=30)
    HeldMeetingFactory(mentorship=pair.mentorship, starts_at=timezone.now() - timedelta(days=5))
    html = text(client_of(client_for, pair.mentee).get(workspace_url(pair)))
    assert "Time to meet again" not in html and "No meeting planned" in html and "Schedule a meeting" in html


def test_a_meeting_that_has_passed_unlogged_asks_to_be_logged(pair, client_for):
    meeting = scheduled(pair, timezone.now() - timedelta(days=1))
    html = text(client_of(client_for, pair.mentor).get(workspace_url(pair)))
    assert "Log it: two minutes" in html and url("meeting_log", pair.org, meeting.pk) in html


def test_the_check_in_is_asked_for_once_the_pair_has_met_and_not_after_answering(org, client_for):
    pair = make_pair(org, started_days_ago=10)  # the first check-in period (every 4 weeks)
    client = client_of(client_for, pair.mentee)
    assert "Time for your check-in" not in text(client.get(workspace_url(pair)))  # they have not met yet
    HeldMeetingFactory(mentorship=pair.mentorship)
    assert "Time for your check-in" in text(client.get(workspace_url(pair)))
    CheckInFactory(member=pair.mentorship.members.get(person=pair.mentee))
    html = text(client.get(workspace_url(pair)))
    assert "Time for your check-in" not in html and "You checked in on" in html
    # The other member's check-in is still theirs to give.
    assert "Time for your check-in" in text(client_of(client_for, pair.mentor).get(workspace_url(pair)))


def test_open_goals_show_with_their_progress_and_finished_ones_do_not(pair, client_for):
    goal = GoalFactory(mentorship=pair.mentorship, statement="Lead a retro")
    MilestoneFactory(goal=goal, done_on=timezone.localdate())
    MilestoneFactory(goal=goal)
    GoalFactory(mentorship=pair.mentorship, statement="Old goal", status="achieved")
    html = text(client_of(client_for, pair.mentee).get(workspace_url(pair)))
    assert "Lead a retro" in html and "Old goal" not in html
    assert 'value="50" max="100"' in html and "1 of 2 milestones done" in html


def test_the_latest_shared_notes_show_and_private_notes_never_do(pair, client_for):
    meeting = HeldMeetingFactory(mentorship=pair.mentorship, shared_notes="We planned the talk.", topics=["talks"])
    meeting.private_notes.create(organization=pair.org, author=pair.mentee, text="My secret worry")
    for person in (pair.mentee, pair.mentor):
        html = text(client_of(client_for, person).get(workspace_url(pair)))
        assert "We planned the talk." in html and "talks" in html
        assert "My secret worry" not in html


def test_the_workspace_costs_the_same_queries_however_long_the_history(pair, client_for):
    client = client_of(client_for, pair.mentee)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            text(client.get(workspace_url(pair)))
        return len(captured)

    def add_history(count):
        for n in range(count):
            HeldMeetingFactory(mentorship=pair.mentorship, starts_at=timezone.now() - timedelta(days=n + 1))
            MilestoneFactory(goal=GoalFactory(mentorship=pair.mentorship, statement=f"Goal {n}"))

    add_history(2)
    queries()  # the first visit remembers the organization in the session
    few = queries()
    add_history(20)
    assert queries() == few


# --- the prompt that fits the stage ----------------------------------------------------------


TODAY = date(2026, 5, 1)


@pytest.mark.parametrize(
    ("held", "has_goals", "started_weeks_ago", "weeks_to_end", "stage"),
    [
        (0, False, 1, 20, "first_meeting"),
        (0, True, 10, 20, "first_meeting"),  # never met: the first meeting comes first, whatever else
        (1, False, 2, 20, "goal_setting"),
        (3, False, 10, 20, "goal_setting"),  # months in and still no goal
        (3, True, 3, 20, "goal_setting"),  # the first weeks
        (3, True, 10, 20, "career"),
        (4, True, 10, 20, "feedback"),  # career and feedback in turn
        (6, True, 20, 3, "reflection"),  # near the planned end
    ],
)
def test_the_stage_follows_the_relationship(held, has_goals, started_weeks_ago, weeks_to_end, stage):
    assert (
        stage_of(
            held_meetings=held,
            has_goals=has_goals,
            started_on=TODAY - timedelta(weeks=started_weeks_ago),
            planned_end_on=TODAY + timedelta(weeks=weeks_to_end),
            today=TODAY,
        )
        == stage
    )


def test_before_the_first_meeting_the_workspace_suggests_a_first_meeting_prompt_and_the_guide(pair, client_for):
    html = text(client_of(client_for, pair.mentee).get(workspace_url(pair)))
    assert SHARED_PROMPTS["first_meeting"][0] in html
    assert "Your first meeting: a simple plan" in html


def test_after_meeting_the_prompt_moves_on_to_goal_setting(pair, client_for):
    HeldMeetingFactory(mentorship=pair.mentorship)
    html = text(client_of(client_for, pair.mentee).get(workspace_url(pair)))
    assert any(prompt in html for prompt in SHARED_PROMPTS["goal_setting"])
    assert "Your first meeting: a simple plan" not in html


def test_a_programs_own_prompts_are_used_and_a_program_without_any_gets_the_shared_bank(pair, client_for):
    assert [stage["stage"] for stage in prompt_bank(pair.program)][:2] == ["first_meeting", "goal_setting"]
    pair.program.discussion_prompts = [
        {"stage": "first_meeting", "title": "Hello", "prompts": ["What is your favourite tool?"]},
        {"stage": "reflection", "title": "Looking back", "prompts": ["What changed?"]},
    ]
    pair.program.save(update_fields=["discussion_prompts"])
    assert "What is your favourite tool?" in text(client_of(client_for, pair.mentee).get(workspace_url(pair)))
    html = text(client_of(client_for, pair.mentee).get(url("prompts", pair.org, pair.mentorship.pk)))
    assert "Looking back" in html and "What changed?" in html
    assert "Where you are now" in html


# --- the program's rules, ended mentorships, the lists that lead here ---------------------------


def test_the_handbook_page_shows_the_programs_markdown_safely(pair, client_for):
    pair.program.ground_rules = "1. **Be on time.**\n2. <script>alert(1)</script>"
    pair.program.handbook = "## Meeting well\n\nBring one question."
    pair.program.save(update_fields=["ground_rules", "handbook"])
    client = client_of(client_for, pair.mentee)
    assert url("handbook", pair.org, pair.mentorship.pk) in text(client.get(workspace_url(pair)))
    html = text(client.get(url("handbook", pair.org, pair.mentorship.pk)))
    assert "<strong>Be on time.</strong>" in html and "<h2>Meeting well</h2>" in html
    assert "<script>alert(1)</script>" not in html


def test_an_ended_mentorship_reads_but_offers_nothing_to_change(pair, client_for):
    HeldMeetingFactory(mentorship=pair.mentorship, shared_notes="Our last talk.")
    end(pair)
    client = client_of(client_for, pair.mentee)
    html = text(client.get(workspace_url(pair)))
    assert "This mentorship is completed" in html and "Our last talk." in html
    for name in ("meeting_new", "goal_new", "checkin", "meeting_log_unscheduled"):
        assert url(name, pair.org, pair.mentorship.pk) not in html
    response = client.get(url("meeting_new", pair.org, pair.mentorship.pk), follow=True)
    assert "nothing can be changed" in response.content.decode()


def test_your_mentorships_lists_live_ones_first_with_the_next_meeting(org, client_for):
    pair = make_pair(org)
    meeting = scheduled(pair, at(2, 9, 0))
    older = make_pair(org, names=("Eve", "Ann 2"), program=pair.program)
    older.mentorship.members.filter(person=older.mentee).update(person=pair.mentee)  # the same mentee, earlier
    end(older, MentorshipStatus.ENDED_EARLY)
    html = text(client_of(client_for, pair.mentee).get(url("mine", org)))
    assert html.index(">Mo<") < html.index(">Eve<")
    assert local(meeting.starts_at, MENTEE_ZONE, "D j M Y, H:i") in html
    assert "Ended early" in html


def test_your_programs_links_each_match_to_its_workspace(pair, client_for):
    html = text(client_of(client_for, pair.mentee).get(reverse("programs:my-enrollments", args=[pair.org.slug])))
    assert f'href="{workspace_url(pair)}"' in html and "Open your workspace" in html


def test_the_hubs_guides_show_beside_the_goals_and_the_first_meeting(pair, client_for):
    guide = Resource.objects.create(
        organization=pair.org, program=pair.program, title="Writing SMART goals", kind="guide", context="goals"
    )
    Resource.objects.create(organization=pair.org, title="Icebreakers that work", kind="guide", context="first_meeting")
    Resource.objects.create(organization=pair.org, title="Only in the hub", kind="guide")
    html = text(client_of(client_for, pair.mentee).get(workspace_url(pair)))
    assert "Writing SMART goals" in html and reverse("resources:detail", args=[pair.org.slug, guide.pk]) in html
    assert "Icebreakers that work" in html and "Only in the hub" not in html
    goal_form = text(client_of(client_for, pair.mentee).get(url("goal_new", pair.org, pair.mentorship.pk)))
    assert "Writing SMART goals" in goal_form
