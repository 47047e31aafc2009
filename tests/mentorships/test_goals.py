"""Goals: SMART goals a mentee owns (or a group shares), with milestones and comments, written
only by the pair; the program manager reads counts and status, never the text."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mentorships.models import Goal, GoalComment, GoalStatus, MentorshipStatus, Milestone, PairHealth
from mentorships.selectors.goals import goals_for, goals_summary
from mentorships.services.goals import (
    goal_comment_add,
    goal_create,
    goal_set_progress,
    goal_set_status,
    goal_update,
    milestone_add,
    milestone_remove,
    milestone_toggle,
)
from programs.models import Enrollment, EnrollmentStatus

from ..factories import GoalFactory, HeldMeetingFactory, MentorshipFactory, MilestoneFactory
from .meeting_fixtures import foreign_pair_fixture, linked_person, make_pair, outsider_fixture, pair_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def create(pair, person=None, **fields):
    fields = {
        "statement": "Present the quarterly roadmap to the department",
        "measure": "Presented once, with written feedback from two listeners",
        "target_date": TODAY + timedelta(days=30),
        **fields,
    }
    return goal_create(organization=pair.org, mentorship=pair.mentorship, person=person or pair.mentee, **fields)


def errors_of(action):
    with pytest.raises(ValidationError) as refused:
        action()
    return refused.value.message_dict


def test_a_mentee_sets_a_goal_they_own(pair):
    goal = create(pair, statement="  Present the roadmap  ", relevance="Visibility for promotion.")
    goal.refresh_from_db()
    assert goal.owner.person == pair.mentee and goal.created_by == pair.mentee
    assert (goal.statement, goal.status, goal.progress) == ("Present the roadmap", GoalStatus.NOT_STARTED, None)


def test_in_a_pair_a_goal_the_mentor_writes_belongs_to_the_mentee(pair):
    goal = create(pair, person=pair.mentor)
    assert goal.owner.person == pair.mentee and goal.created_by == pair.mentor


def test_a_mentor_cannot_own_a_goal(pair):
    mentor = pair.mentorship.members.get(person=pair.mentor)
    assert errors_of(lambda: create(pair, owner=mentor)) == {
        "owner": ["A goal belongs to a mentee of this mentorship."]
    }
    assert not Goal.objects.exists()


def test_a_group_may_share_a_goal_or_give_it_to_one_mentee(org):
    pair = make_pair(org)
    third = linked_person(org, "Cy")
    enrollment = Enrollment.objects.create(
        organization=org, program=pair.program, person=third, role="mentee", status=EnrollmentStatus.APPROVED
    )
    pair.mentorship.members.create(organization=org, enrollment=enrollment, person=third, role="mentee")
    assert create(pair, person=pair.mentor).owner is None
    cy = pair.mentorship.members.get(person=third)
    assert create(pair, person=pair.mentor, owner=cy).owner == cy


def test_statement_measure_and_target_date_are_required(pair):
    errors = errors_of(lambda: create(pair, statement=" ", measure="", target_date=None))
    assert errors == {
        "statement": ["Say what the goal is."],
        "measure": ["Say how you will know it is reached."],
        "target_date": ["Give a target date."],
    }
    assert not Goal.objects.exists()


def test_a_target_date_in_the_past_or_outside_the_program_is_refused(pair):
    program = pair.program
    program.start_date, program.end_date = TODAY - timedelta(days=30), TODAY + timedelta(days=60)
    program.save()
    assert errors_of(lambda: create(pair, target_date=TODAY - timedelta(days=1))) == {
        "target_date": ["That date has passed: choose today or a later date."]
    }
    too_late = errors_of(lambda: create(pair, target_date=TODAY + timedelta(days=61)))["target_date"][0]
    assert too_late.startswith("Choose a date within the program, from ")
    assert errors_of(lambda: create(pair, target_date="next spring")) == {"target_date": ["Give a date as YYYY-MM-DD."]}
    assert not Goal.objects.exists()
    assert create(pair, target_date=(TODAY + timedelta(days=60)).isoformat()).target_date == TODAY + timedelta(days=60)
    assert create(pair, target_date=TODAY).target_date == TODAY


def test_only_members_write_goals(pair, outsider, foreign_pair):
    goal = GoalFactory(mentorship=pair.mentorship)
    milestone = MilestoneFactory(goal=goal)
    for person in (outsider, foreign_pair.mentee):
        with pytest.raises(PermissionDenied):
            create(pair, person=person)
        with pytest.raises(PermissionDenied):
            goal_update(organization=pair.org, goal=goal, person=person, statement="Hijacked")
        with pytest.raises(PermissionDenied):
            milestone_add(organization=pair.org, goal=goal, person=person, title="Sneaky")
        with pytest.raises(PermissionDenied):
            milestone_toggle(organization=pair.org, milestone=milestone, person=person)
        with pytest.raises(PermissionDenied):
            goal_comment_add(organization=pair.org, goal=goal, person=person, text="Hello")
    goal.refresh_from_db()
    assert goal.statement == "Lead a team retrospective" and Milestone.objects.count() == 1
    assert not GoalComment.objects.exists() and Goal.objects.count() == 1


def test_another_organizations_goal_is_refused_like_a_missing_one(pair, foreign_pair):
    foreign_goal = GoalFactory(mentorship=foreign_pair.mentorship)
    with pytest.raises(ValidationError, match="Not found"):
        goal_update(organization=pair.org, goal=foreign_goal, person=foreign_pair.mentee, statement="Moved")


def test_an_ended_mentorship_keeps_its_goals_read_only(pair):
    goal = GoalFactory(mentorship=pair.mentorship)
    pair.mentorship.status = MentorshipStatus.ENDED_EARLY
    pair.mentorship.save()
    assert "mentorship" in errors_of(lambda: create(pair))
    assert "mentorship" in errors_of(
        lambda: goal_set_status(organization=pair.org, goal=goal, person=pair.mentee, status="achieved")
    )


def test_editing_a_goal(pair):
    goal = create(pair)
    goal_update(organization=pair.org, goal=goal, person=pair.mentor, measure="Two presentations", relevance="Growth")
    goal.refresh_from_db()
    assert (goal.measure, goal.relevance) == ("Two presentations", "Growth")
    errors = errors_of(lambda: goal_update(organization=pair.org, goal=goal, person=pair.mentee, statement=""))
    assert errors == {"statement": ["Say what the goal is."]}
    with pytest.raises(TypeError):
        goal_update(organization=pair.org, goal=goal, person=pair.mentee, created_by=pair.mentor)


def test_an_overdue_goal_keeps_its_date_but_cannot_be_moved_into_the_past(pair):
    goal = GoalFactory(mentorship=pair.mentorship, target_date=TODAY - timedelta(days=5))
    goal_update(organization=pair.org, goal=goal, person=pair.mentee, target_date=goal.target_date, measure="Done")
    errors = errors_of(
        lambda: goal_update(organization=pair.org, goal=goal, person=pair.mentee, target_date=TODAY - timedelta(days=1))
    )
    assert errors == {"target_date": ["That date has passed: choose today or a later date."]}


def test_achieving_a_goal_stamps_the_day_and_reopening_clears_it(pair):
    goal = create(pair)
    goal_set_status(organization=pair.org, goal=goal, person=pair.mentee, status=GoalStatus.ACHIEVED)
    goal.refresh_from_db()
    assert (goal.status, goal.achieved_on) == (GoalStatus.ACHIEVED, TODAY)
    goal_set_status(organization=pair.org, goal=goal, person=pair.mentee, status=GoalStatus.IN_PROGRESS)
    goal.refresh_from_db()
    assert (goal.status, goal.achieved_on) == (GoalStatus.IN_PROGRESS, None)
    assert "status" in errors_of(
        lambda: goal_set_status(organization=pair.org, goal=goal, person=pair.mentee, status="won")
    )


@pytest.mark.parametrize("progress", [-1, 101, "half", True, 12.5])
def test_progress_outside_zero_to_a_hundred_is_refused(pair, progress):
    goal = create(pair)
    errors = errors_of(
        lambda: goal_set_progress(organization=pair.org, goal=goal, person=pair.mentee, progress=progress)
    )
    assert errors == {"progress": ["Give a whole number from 0 to 100, or leave it empty to count milestones."]}
    goal.refresh_from_db()
    assert goal.progress is None


def test_typed_progress_starts_the_goal_and_empty_progress_counts_milestones(pair):
    goal = create(pair)
    goal_set_progress(organization=pair.org, goal=goal, person=pair.mentee, progress=40)
    goal.refresh_from_db()
    assert (goal.progress, goal.status) == (40, GoalStatus.IN_PROGRESS)
    for title in ("Draft the slides", "Rehearse with the mentor", "Present"):
        milestone_add(organization=pair.org, goal=goal, person=pair.mentee, title=title)
    goal_set_progress(organization=pair.org, goal=goal, person=pair.mentee, progress=None)
    first = Milestone.objects.get(title="Draft the slides")
    milestone_toggle(organization=pair.org, milestone=first, person=pair.mentor)
    [shown] = goals_for(pair.mentorship)
    assert (shown.percent, shown.milestones_done) == (33, 1)


def test_milestones_are_added_in_order_ticked_off_and_removed(pair):
    goal = create(pair)
    first = milestone_add(organization=pair.org, goal=goal, person=pair.mentee, title=" Draft ", due_date=TODAY)
    second = milestone_add(organization=pair.org, goal=goal, person=pair.mentee, title="Rehearse")
    assert (first.title, first.order, second.order) == ("Draft", 0, 1)

    milestone_toggle(organization=pair.org, milestone=first, person=pair.mentee)
    first.refresh_from_db()
    goal.refresh_from_db()
    assert first.done_on == TODAY and goal.status == GoalStatus.IN_PROGRESS
    milestone_toggle(organization=pair.org, milestone=first, person=pair.mentee)
    first.refresh_from_db()
    assert first.done_on is None

    milestone_remove(organization=pair.org, milestone=second, person=pair.mentor)
    assert list(Milestone.objects.values_list("title", flat=True)) == ["Draft"]


def test_a_milestone_needs_a_title_and_a_date_within_the_program(pair):
    pair.program.end_date = TODAY + timedelta(days=10)
    pair.program.save()
    goal = create(pair, target_date=TODAY + timedelta(days=10))
    errors = errors_of(
        lambda: milestone_add(
            organization=pair.org, goal=goal, person=pair.mentee, title="", due_date=TODAY + timedelta(days=11)
        )
    )
    assert set(errors) == {"title", "due_date"}
    assert not Milestone.objects.exists()


def test_every_member_comments_and_the_mentors_comments_are_marked(pair):
    goal = create(pair)
    goal_comment_add(
        organization=pair.org, goal=goal, person=pair.mentor, text="Start with the story, not the numbers."
    )
    goal_comment_add(organization=pair.org, goal=goal, person=pair.mentee, text="  Will do!  ")
    assert errors_of(lambda: goal_comment_add(organization=pair.org, goal=goal, person=pair.mentee, text=" ")) == {
        "text": ["Say something."]
    }
    [shown] = goals_for(pair.mentorship)
    assert [(c.text, c.from_mentor) for c in shown.comments_list] == [
        ("Start with the story, not the numbers.", True),
        ("Will do!", False),
    ]


def test_the_pair_reads_its_goals_in_a_fixed_number_of_queries(pair, django_assert_num_queries):
    for n in range(3):
        goal = GoalFactory(mentorship=pair.mentorship, target_date=TODAY + timedelta(days=n - 1))
        MilestoneFactory(goal=goal, done_on=TODAY)
        MilestoneFactory(goal=goal)
        GoalComment.objects.create(organization=pair.org, goal=goal, author=pair.mentor, text="Nice")
    with django_assert_num_queries(4):
        goals = goals_for(pair.mentorship)
    assert [g.percent for g in goals] == [50, 50, 50]
    assert [g.is_overdue for g in goals] == [True, False, False]


def test_the_program_manager_sees_counts_and_status_only(org):
    pair = make_pair(org)
    other = make_pair(org, names=("Max", "Bea"), program=pair.program)
    make_pair(org, names=("Sol", "Tia"), program=pair.program)
    GoalFactory(mentorship=pair.mentorship, status=GoalStatus.ACHIEVED)
    GoalFactory(mentorship=pair.mentorship, target_date=TODAY - timedelta(days=2))
    GoalFactory(mentorship=other.mentorship, status=GoalStatus.DROPPED)
    summary = goals_summary(pair.program)
    assert summary.total == 3 and summary.overdue == 1
    assert [(value, count) for value, _, count in summary.by_status] == [
        ("not_started", 1),
        ("in_progress", 0),
        ("achieved", 1),
        ("dropped", 1),
    ]
    # A pair whose only goal was dropped has no goals.
    assert (summary.active_pairs, summary.active_pairs_with_goals, summary.active_pairs_without_goals) == (3, 1, 2)


def test_setting_a_goal_moves_the_pair_health(org):
    pair = make_pair(org, started_days_ago=40)
    HeldMeetingFactory(mentorship=pair.mentorship)
    goal = create(pair)
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.health == PairHealth.ON_TRACK
    goal_set_status(organization=pair.org, goal=goal, person=pair.mentee, status=GoalStatus.DROPPED)
    pair.mentorship.refresh_from_db()
    assert (pair.mentorship.health, pair.mentorship.health_reasons) == (
        PairHealth.NEEDS_ATTENTION,
        ["No goals set after the first month."],
    )


def test_peers_share_goals_even_two_by_two(org):
    """Peers share goals even two by two: neither is the other's mentor."""
    pair = make_pair(org)
    enrollments = [
        Enrollment.objects.create(
            organization=org, program=pair.program, person=linked_person(org, name), role="peer", status="approved"
        )
        for name in ("Pia", "Quin")
    ]
    peers = MentorshipFactory(program=pair.program, members=enrollments)
    goal = goal_create(
        organization=org,
        mentorship=peers,
        person=enrollments[0].person,
        statement="Ship a side project",
        measure="Live on the intranet",
        target_date=TODAY + timedelta(days=20),
    )
    assert goal.owner is None
