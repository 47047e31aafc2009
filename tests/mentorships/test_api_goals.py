"""Goals API: the pair writes SMART goals, milestones and comments; progress follows the
milestones; the program manager reads counts only; bad input and strangers change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentorships.models import Goal, GoalComment, Milestone

from ..organizations.api_helpers import NOT_FOUND, error_of
from .api_fixtures import (
    client_of,
    foreign_pair_fixture,  # noqa: F401
    manager_fixture,  # noqa: F401
    outsider_fixture,  # noqa: F401
    pair_fixture,  # noqa: F401
    url,
)

pytestmark = pytest.mark.django_db


def in_days(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def add_goal(client, pair, **overrides):
    body = {
        "mentorship": pair.mentorship.pk,
        "statement": "Lead a design review",
        "measure": "One review led, with feedback collected",
        "target_date": in_days(45),
        "relevance": "Next step towards senior engineer",
        **overrides,
    }
    return client.post(url(pair.org, "goals/"), body, format="json")


def test_the_pair_sets_a_goal_breaks_it_into_milestones_and_comments(pair):
    mentee, mentor = client_of(pair.mentee.user, pair.org), client_of(pair.mentor.user, pair.org)

    created = add_goal(mentee, pair)
    assert created.status_code == 201, created.json()
    goal = created.json()
    assert (goal["owner_name"], goal["status"], goal["percent"]) == ("Ann", "not_started", 0)

    for title in ("Pick the design", "Run the review"):
        response = mentee.post(url(pair.org, "milestones/"), {"goal": goal["id"], "title": title}, format="json")
        assert response.status_code == 201, response.json()
    first = Milestone.objects.get(title="Pick the design")
    ticked = mentee.patch(url(pair.org, f"milestones/{first.pk}/"), {"done": True}, format="json")
    assert (ticked.status_code, ticked.json()["done"]) == (200, True)

    comment = mentor.post(
        url(pair.org, "goal-comments/"), {"goal": goal["id"], "text": "Great first step!"}, format="json"
    )
    assert comment.status_code == 201, comment.json()
    assert (comment.json()["author_name"], comment.json()["author_role"]) == ("Mo", "mentor")

    seen = mentor.get(url(pair.org, f"goals/{goal['id']}/")).json()
    assert (seen["percent"], seen["status"], seen["comment_count"]) == (50, "in_progress", 1)
    assert [(m["title"], m["done"]) for m in seen["milestones"]] == [
        ("Pick the design", True),
        ("Run the review", False),
    ]
    listed = mentee.get(url(pair.org, f"goal-comments/?goal={goal['id']}")).json()["results"]
    assert [c["text"] for c in listed] == ["Great first step!"]


def test_changing_a_goal_is_all_or_nothing(pair):
    client = client_of(pair.mentee.user, pair.org)
    goal_id = add_goal(client, pair).json()["id"]

    refused = client.patch(
        url(pair.org, f"goals/{goal_id}/"), {"statement": "Lead two reviews", "progress": 150}, format="json"
    )
    assert (refused.status_code, set(error_of(refused)["fields"])) == (400, {"progress"})
    assert Goal.objects.get(pk=goal_id).statement == "Lead a design review"

    done = client.patch(url(pair.org, f"goals/{goal_id}/"), {"status": "achieved", "progress": 100}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["percent"], done.json()["achieved_on"]) == (
        "achieved",
        100,
        timezone.localdate().isoformat(),
    )


@pytest.mark.parametrize(("target", "field"), [(-3, "target_date"), (None, "target_date")])
def test_a_goal_without_a_sound_date_is_refused(pair, target, field):
    client = client_of(pair.mentee.user, pair.org)
    response = add_goal(client, pair, target_date=in_days(target) if target is not None else None)
    assert response.status_code == 400 and field in error_of(response)["fields"]
    assert not Goal.objects.exists()


def test_a_goal_date_outside_the_program_is_refused(pair):
    pair.program.start_date = timezone.localdate() - timedelta(days=60)
    pair.program.end_date = timezone.localdate() + timedelta(days=20)
    pair.program.save()
    response = add_goal(client_of(pair.mentee.user, pair.org), pair, target_date=in_days(60))
    assert response.status_code == 400
    assert "within the program" in error_of(response)["fields"]["target_date"][0]
    assert not Goal.objects.exists()


def test_the_program_manager_reads_counts_and_never_the_goals(pair, manager):
    add_goal(client_of(pair.mentee.user, pair.org), pair)
    goal = Goal.objects.get()
    client = client_of(manager, pair.org)

    assert client.get(url(pair.org, "goals/")).json()["results"] == []
    response = client.get(url(pair.org, f"goals/{goal.pk}/"))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    counts = client.get(url(pair.org, f"mentorships/{pair.mentorship.pk}/")).json()["goals"]
    assert (counts["total"], counts["not_started"]) == (1, 1)
    # Nor can a manager write into the pair's goals.
    refused = add_goal(client, pair)
    assert refused.status_code == 403 and Goal.objects.count() == 1


def test_strangers_and_other_organizations_goals_answer_like_missing_ones(pair, outsider, foreign_pair):
    add_goal(client_of(pair.mentee.user, pair.org), pair)
    add_goal(client_of(foreign_pair.mentee.user, foreign_pair.org), foreign_pair)
    mine = Goal.objects.get(mentorship=pair.mentorship)
    foreign = Goal.objects.get(mentorship=foreign_pair.mentorship)

    stranger = client_of(outsider, pair.org)
    for pk in (mine.pk, 999_999):
        response = stranger.get(url(pair.org, f"goals/{pk}/"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    member = client_of(pair.mentee.user, pair.org)

    def refusal(path, pk):
        response = member.post(url(pair.org, path), {"goal": pk, "title": "x", "text": "x"}, format="json")
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    for path in ("milestones/", "goal-comments/"):
        assert refusal(path, foreign.pk) == refusal(path, 999_999)
        assert refusal(path, foreign.pk)[0] == 400
    assert not Milestone.objects.exists() and not GoalComment.objects.exists()
    assert (
        member.patch(url(pair.org, f"goals/{foreign.pk}/"), {"statement": "Mine now"}, format="json").status_code == 404
    )
    assert Goal.objects.get(pk=foreign.pk).statement == "Lead a design review"


def test_a_milestone_is_removed_and_goals_are_never_deleted(pair):
    client = client_of(pair.mentee.user, pair.org)
    goal_id = add_goal(client, pair).json()["id"]
    milestone_id = client.post(url(pair.org, "milestones/"), {"goal": goal_id, "title": "Step"}, format="json").json()[
        "id"
    ]
    assert client.delete(url(pair.org, f"milestones/{milestone_id}/")).status_code == 204
    assert not Milestone.objects.exists()
    assert client.delete(url(pair.org, f"goals/{goal_id}/")).status_code == 405
