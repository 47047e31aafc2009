"""Mentorships API: members read their own pair and its workspace; program managers read the pairs
of their programs with health, reasons, counts and the confidential end reason; nobody else
learns that a pair exists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentorships.models import Goal, MentorshipStatus
from mentorships.services.goals import goal_create
from mentorships.services.health import health_refresh
from mentorships.services.meetings import meeting_log, meeting_schedule

from ..organizations.api_helpers import NOT_FOUND
from .api_fixtures import (
    browser_of,
    client_of,
    foreign_pair_fixture,  # noqa: F401
    manager_fixture,  # noqa: F401
    outsider_fixture,  # noqa: F401
    pair_fixture,  # noqa: F401
    url,
)
from .meeting_fixtures import at, make_pair

pytestmark = pytest.mark.django_db

MANAGER_ONLY = {"health", "health_reasons", "health_checked_at", "end_reason", "meetings", "goals"}


def listed(client, org, query=""):
    response = client.get(url(org, f"mentorships/{query}"))
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_a_member_reads_their_own_mentorship_without_the_program_teams_fields(pair):
    (row,) = listed(client_of(pair.mentee.user, pair.org), pair.org)
    assert row["id"] == pair.mentorship.pk
    assert row["my_role"] == "mentee"
    assert {(m["name"], m["role"]) for m in row["members"]} == {("Mo", "mentor"), ("Ann", "mentee")}
    assert MANAGER_ONLY.isdisjoint(row)


def test_a_manager_reads_the_pairs_of_their_program_with_health_and_counts_only(
    pair, manager, django_capture_on_commit_callbacks
):
    other_program_pair = make_pair(pair.org, names=("Zed", "Zoe"))
    meeting_log(
        organization=pair.org,
        mentorship=pair.mentorship,
        person=pair.mentee,
        held=True,
        starts_at=timezone.now() - timedelta(days=2),
        actual_minutes=45,
        shared_notes="We talked about the promotion case.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_schedule(
            organization=pair.org, mentorship=pair.mentorship, person=pair.mentor, starts_at=at(5), duration_minutes=30
        )
    goal_create(
        organization=pair.org,
        mentorship=pair.mentorship,
        person=pair.mentee,
        statement="Lead a design review",
        measure="One review led",
        target_date=timezone.localdate() + timedelta(days=30),
    )

    (row,) = listed(client_of(manager, pair.org), pair.org)

    assert row["id"] == pair.mentorship.pk != other_program_pair.mentorship.pk
    assert row["my_role"] is None
    assert row["health"] == "on_track" and row["health_reasons"] == []
    assert row["meetings"] == {
        "held": 1,
        "not_held": 0,
        "upcoming": 1,
        "minutes_held": 45,
        "last_held_at": row["meetings"]["last_held_at"],
    }
    assert row["goals"] == {
        "total": 1,
        "not_started": 1,
        "in_progress": 0,
        "achieved": 0,
        "dropped": 0,
        "overdue": 0,
    }
    # Counts, never content: no goal statement, no shared notes.
    body = str(row)
    assert "Lead a design review" not in body and "promotion case" not in body


def test_the_end_reason_is_for_the_program_team_alone(pair, manager):
    pair.mentorship.status = MentorshipStatus.ENDED_EARLY
    pair.mentorship.end_reason = "The mentor left the company under a cloud."
    pair.mentorship.save()
    path = f"mentorships/{pair.mentorship.pk}/"

    assert client_of(manager, pair.org).get(url(pair.org, path)).json()["end_reason"] == pair.mentorship.end_reason
    member_view = client_of(pair.mentor.user, pair.org).get(url(pair.org, path))
    assert member_view.status_code == 200
    assert "end_reason" not in member_view.json() and "under a cloud" not in member_view.content.decode()


def test_health_filters_the_managers_pairs_and_tells_members_nothing(org, manager, pair):
    at_risk = make_pair(org, names=("Rob", "Ria"), program=pair.program, started_days_ago=70)
    health_refresh(organization=org, program=pair.program)

    managed = listed(client_of(manager, org), org, "?health=at_risk")
    assert [row["id"] for row in managed] == [at_risk.mentorship.pk]
    assert any("meeting" in reason for reason in managed[0]["health_reasons"])
    # The at-risk pair's own mentee cannot learn the verdict by filtering on it.
    assert listed(client_of(at_risk.mentee.user, org), org, "?health=at_risk") == []
    assert [row["id"] for row in listed(client_of(at_risk.mentee.user, org), org)] == [at_risk.mentorship.pk]


def test_role_filter_separates_pairs_you_are_in_from_pairs_you_manage(org, pair, manager):
    from mentorships.models import MentorshipMember

    # The manager is also a mentee in a pair of another program.
    own = make_pair(org, names=("Max", "Mia"))
    MentorshipMember.objects.filter(mentorship=own.mentorship, role="mentee").update(
        person=manager.people.get(organization=org)
    )
    client = client_of(manager, org)
    assert [row["id"] for row in listed(client, org, "?role=member")] == [own.mentorship.pk]
    assert [row["id"] for row in listed(client, org, "?role=manager")] == [pair.mentorship.pk]


def test_nobody_else_learns_that_a_pair_exists(pair, outsider, foreign_pair):
    client = client_of(outsider, pair.org)
    assert listed(client, pair.org) == []
    for pk in (pair.mentorship.pk, foreign_pair.mentorship.pk, 999_999):
        response = client.get(url(pair.org, f"mentorships/{pk}/"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    # Nor does a member of another organization with their own pair.
    response = client_of(foreign_pair.mentee.user, foreign_pair.org).get(url(pair.org, "mentorships/"))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


# --- the workspace ----------------------------------------------------------------------------


def test_the_workspace_says_what_to_do_next(pair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_schedule(
            organization=pair.org,
            mentorship=pair.mentorship,
            person=pair.mentee,
            starts_at=at(3),
            duration_minutes=45,
            agenda="Getting to know each other",
        )
    goal_create(
        organization=pair.org,
        mentorship=pair.mentorship,
        person=pair.mentee,
        statement="Speak at the all-hands",
        measure="One talk given",
        target_date=timezone.localdate() + timedelta(days=40),
    )

    response = browser_of(pair.mentor.user).get(url(pair.org, f"mentorships/{pair.mentorship.pk}/workspace/"))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["mentorship"]["id"] == pair.mentorship.pk
    assert body["next_meeting"]["id"] == meeting.pk
    assert body["next_meeting"]["agenda"] == "Getting to know each other"
    assert [(g["statement"], g["percent"]) for g in body["open_goals"]] == [("Speak at the all-hands", 0)]
    assert body["stage"] == "first_meeting" and body["suggested_prompt"]
    assert body["meeting_overdue"] is False
    assert {"ground_rules", "handbook", "checkin", "latest_shared_notes", "meeting_to_log"} <= set(body)
    assert Goal.objects.count() == 1


def test_only_members_open_the_workspace(pair, manager, outsider, foreign_pair):
    path = f"mentorships/{pair.mentorship.pk}/workspace/"
    refused = client_of(manager, pair.org).get(url(pair.org, path))
    assert refused.status_code == 403
    for user, pk in ((outsider, pair.mentorship.pk), (pair.mentee.user, foreign_pair.mentorship.pk)):
        response = client_of(user, pair.org).get(url(pair.org, f"mentorships/{pk}/workspace/"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_mentorships_are_read_only(pair):
    client = client_of(pair.mentee.user, pair.org)
    assert client.post(url(pair.org, "mentorships/"), {}, format="json").status_code == 405
    response = client.patch(url(pair.org, f"mentorships/{pair.mentorship.pk}/"), {"status": "completed"}, format="json")
    assert response.status_code == 405


def test_the_managers_lists_cost_the_same_queries_for_two_pairs_or_six(org, pair, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mentorships.services.checkins import checkin_submit

    def add_pairs(count):
        for index in range(count):
            added = make_pair(org, names=(f"Mentor {index}", f"Mentee {index}"), program=pair.program)
            meeting_log(
                organization=org,
                mentorship=added.mentorship,
                person=added.mentee,
                held=True,
                starts_at=timezone.now() - timedelta(days=1),
                actual_minutes=30,
            )
            checkin_submit(organization=org, mentorship=added.mentorship, person=added.mentor, score=4)

    client = browser_of(manager)  # a token would add its "last used" update now and then

    def cost():
        counts = {}
        for path in ("mentorships/", "meetings/", "checkins/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(org, path)).status_code == 200
            counts[path] = len(queries)
        return counts

    add_pairs(2)
    few = cost()
    add_pairs(4)
    assert cost() == few
