"""Goal pages through the Django client: a SMART goal with short help, milestones that move the
progress bar, the mentor's comments, editing status and progress. A target date outside the
program, an empty field or a progress over 100 is refused beside the field, and nothing changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentorships.models import Goal, GoalComment, GoalStatus, Milestone
from programs.models import Enrollment, EnrollmentStatus

from ..factories import GoalFactory, MilestoneFactory
from .meeting_fixtures import linked_person, make_pair, pair_fixture  # noqa: F401
from .workspace_fixtures import client_of, end, text, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentee(pair, client_for):
    return client_of(client_for, pair.mentee)


@pytest.fixture
def mentor(pair, client_for):
    return client_of(client_for, pair.mentor)


def goal_data(**overrides):
    return {
        "statement": "Lead a sprint review",
        "measure": "Two reviews run alone",
        "target_date": (timezone.localdate() + timedelta(days=40)).isoformat(),
        "relevance": "I want to lead a team.",
        **overrides,
    }


def test_the_goal_form_explains_each_smart_part(pair, mentee):
    html = text(mentee.get(url("goal_new", pair.org, pair.mentorship.pk)))
    for hint in ("Specific:", "Measurable:", "Time-bound:", "Relevant:"):
        assert hint in html
    assert "Whose goal is it?" not in html  # a pair's goal is the mentee's


def test_a_mentee_adds_a_goal_and_lands_on_it(pair, mentee):
    response = mentee.post(url("goal_new", pair.org, pair.mentorship.pk), goal_data())
    goal = Goal.objects.get(mentorship=pair.mentorship)
    assert response.status_code == 302 and response["Location"] == url("goal_detail", pair.org, goal.pk)
    assert (goal.statement, goal.owner.person, goal.created_by) == ("Lead a sprint review", pair.mentee, pair.mentee)
    html = text(mentee.get(response["Location"]))
    assert "Your goal" in html and "Two reviews run alone" in html and "I want to lead a team." in html


def test_a_goal_the_mentor_writes_belongs_to_the_mentee(pair, mentor):
    mentor.post(url("goal_new", pair.org, pair.mentorship.pk), goal_data())
    assert Goal.objects.get().owner.person == pair.mentee


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"statement": ""}, "statement", "Say what the goal is."),
        ({"measure": ""}, "measure", "Say how you'll know you got there."),
        ({"target_date": ""}, "target_date", "Choose a target date."),
        ({"target_date": "2020-01-01"}, "target_date", "That date has passed"),
    ],
)
def test_a_goal_with_a_missing_or_impossible_part_is_refused_beside_it(pair, mentee, overrides, field, message):
    response = mentee.post(url("goal_new", pair.org, pair.mentorship.pk), goal_data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field][0].startswith(message)
    assert not Goal.objects.exists()


def test_a_target_date_after_the_program_ends_is_refused(pair, mentee):
    pair.program.start_date = timezone.localdate() - timedelta(days=60)
    pair.program.end_date = timezone.localdate() + timedelta(days=30)
    pair.program.save(update_fields=["start_date", "end_date"])
    html = text(mentee.get(url("goal_new", pair.org, pair.mentorship.pk)))
    assert f'max="{pair.program.end_date:%Y-%m-%d}"' in html and "a date before the program ends" in html
    response = mentee.post(url("goal_new", pair.org, pair.mentorship.pk), goal_data())  # 40 days out
    assert response.context["form"].errors["target_date"][0].startswith("Choose a date within the program")
    assert not Goal.objects.exists()


def test_milestones_move_the_progress_bar(pair, mentee):
    goal = GoalFactory(mentorship=pair.mentorship, owner=pair.mentorship.members.get(person=pair.mentee))
    for title in ("Shadow a review", "Run one with help"):
        mentee.post(url("milestone_add", pair.org, goal.pk), {"milestone-title": title})
    first = Milestone.objects.get(title="Shadow a review")
    assert 'value="0" max="100"' in text(mentee.get(url("goal_detail", pair.org, goal.pk)))
    mentee.post(url("milestone_toggle", pair.org, first.pk))
    html = text(mentee.get(url("goal_detail", pair.org, goal.pk)))
    assert 'value="50" max="100"' in html and "1 of 2 milestones done" in html
    assert 'aria-pressed="true"' in html and "Done: Shadow a review" in html
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS  # a step done means it has started
    mentee.post(url("milestone_toggle", pair.org, first.pk))  # and undone again
    first.refresh_from_db()
    assert first.done_on is None


def test_an_empty_milestone_is_refused_beside_its_field_on_the_goal_page(pair, mentee):
    goal = GoalFactory(mentorship=pair.mentorship)
    response = mentee.post(url("milestone_add", pair.org, goal.pk), {"milestone-title": ""})
    assert response.status_code == 400
    assert 'id="id_milestone-title_error"' in response.content.decode()
    assert not Milestone.objects.exists()


def test_the_mentors_comments_are_marked_as_the_mentors(pair, mentor, mentee):
    goal = GoalFactory(mentorship=pair.mentorship)
    response = mentor.post(url("goal_comment_add", pair.org, goal.pk), {"comment-text": "Proud of you!"})
    assert response.status_code == 302
    assert GoalComment.objects.get().author == pair.mentor
    html = text(mentee.get(url("goal_detail", pair.org, goal.pk)))
    assert "Proud of you!" in html and 'badge-role-mentor">Mentor</span>' in html


def test_editing_changes_the_words_the_status_and_the_progress(pair, mentee):
    goal = GoalFactory(mentorship=pair.mentorship)
    page = text(mentee.get(url("goal_edit", pair.org, goal.pk)))
    assert 'value="Lead a team retrospective"' in page and "Leave empty to follow the milestones done." in page
    data = goal_data(statement="Lead two retrospectives", status="achieved", progress="")
    response = mentee.post(url("goal_edit", pair.org, goal.pk), data)
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.statement, goal.status, goal.achieved_on) == (
        "Lead two retrospectives",
        "achieved",
        timezone.localdate(),
    )


def test_a_progress_over_100_is_refused_and_nothing_changes(pair, mentee):
    goal = GoalFactory(mentorship=pair.mentorship)
    response = mentee.post(url("goal_edit", pair.org, goal.pk), goal_data(status="in_progress", progress="150"))
    assert response.status_code == 400
    assert response.context["form"].errors["progress"] == ["Between 0 and 100."]
    goal.refresh_from_db()
    assert (goal.statement, goal.status, goal.progress) == ("Lead a team retrospective", "not_started", None)


def test_in_a_group_a_goal_can_be_one_mentees_or_shared(org, client_for):
    pair = make_pair(org)
    second = linked_person(org, "Bea")
    enrollment = Enrollment.objects.create(
        organization=org, program=pair.program, person=second, role="mentee", status=EnrollmentStatus.APPROVED
    )
    member = pair.mentorship.members.create(organization=org, enrollment=enrollment, person=second, role="mentee")
    mentor = client_of(client_for, pair.mentor)
    html = text(mentor.get(url("goal_new", org, pair.mentorship.pk)))
    assert "Whose goal is it?" in html and "Shared by the whole group" in html and ">Bea<" in html
    mentor.post(url("goal_new", org, pair.mentorship.pk), goal_data(owner=member.pk))
    mentor.post(url("goal_new", org, pair.mentorship.pk), goal_data(statement="Team goal", owner=""))
    owners = dict(Goal.objects.values_list("statement", "owner__person__name"))
    assert owners == {"Lead a sprint review": "Bea", "Team goal": None}


def test_an_ended_mentorships_goals_can_be_read_not_changed(pair, mentee):
    goal = GoalFactory(mentorship=pair.mentorship)
    MilestoneFactory(goal=goal, title="First step")
    end(pair)
    html = text(mentee.get(url("goal_detail", pair.org, goal.pk)))
    assert "First step" in html
    assert url("goal_edit", pair.org, goal.pk) not in html and url("milestone_add", pair.org, goal.pk) not in html
    mentee.post(url("milestone_add", pair.org, goal.pk), {"milestone-title": "Late step"})
    assert list(Milestone.objects.values_list("title", flat=True)) == ["First step"]
