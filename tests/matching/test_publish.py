"""Publishing a run: every proposal becomes a mentorship at once, or nothing does; everyone is
told who they are matched with and why."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.errors import HardRuleConfirmationNeeded
from matching.models import MatchPreference, MatchRunStatus, PairExclusion, RematchRequest
from matching.services.publish import match_run_publish
from matching.services.review import proposal_add, proposal_remove
from matching.services.runs import match_run_discard
from matching.tasks import send_match_notifications_task
from mentorships.models import Mentorship, MentorshipStatus
from programs.models import EnrollmentStatus, MentoringModel, ProgramStatus

from ..factories import MentorshipFactory, OrganizationFactory
from .engine_fixtures import build, pairs_of, run_match_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    world = build(
        org,
        mentees={"Ana": {"wants": ["sql"]}, "Cy": {"wants": ["python"]}},
        mentors={"Bo": ({"offers": ["sql"]}, 1), "Di": ({"offers": ["python"]}, 1)},
        people={"Cy": {"email": ""}},
        start_date=timezone.localdate() + timedelta(days=10),
        end_date=timezone.localdate() + timedelta(days=200),
    )
    world.criterion("wants", "offers", label="What you want to learn ↔ what they offer")
    return world


def _publish(world, run, capture):
    with capture(execute=True):
        return match_run_publish(organization=world.org, run=run, user=world.manager)


def _mentorships(world):
    return {
        tuple(m.person.name for m in mentorship.members.order_by("role", "person__name"))
        for mentorship in Mentorship.objects.filter(program=world.program)
    }


def test_publishing_creates_every_mentorship_and_tells_each_member(
    world, run_match, django_capture_on_commit_callbacks
):
    run = run_match(world)
    created = _publish(world, run, django_capture_on_commit_callbacks)

    assert len(created) == 2 and run.status == MatchRunStatus.PUBLISHED
    run.refresh_from_db()
    assert (run.status, run.published_by) == (MatchRunStatus.PUBLISHED, world.manager)
    assert _mentorships(world) == {("Ana", "Bo"), ("Cy", "Di")}
    ana = Mentorship.objects.get(members__enrollment=world["Ana"])
    assert ana.status == MentorshipStatus.ACTIVE and ana.match_run == run
    assert (ana.started_on, ana.planned_end_on) == (world.program.start_date, world.program.end_date)
    assert ana.score == 100.0 and ana.reasons[0]["criterion"] == "What you want to learn ↔ what they offer"
    assert {m.role for m in ana.members.all()} == {"mentee", "mentor"}

    # Cy has no email address: the three others are told, each once.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        world.people[name].email for name in ("Ana", "Bo", "Di")
    )
    to_ana = next(m for m in mail.outbox if m.to == [world.people["Ana"].email])
    assert to_ana.subject == "You're matched with Bo in Mentoring 2026"
    assert "Bo, your mentor" in to_ana.body
    assert "You want to learn SQL; they offer it (1 of 1)" in to_ana.body
    assert f"/o/{world.org.slug}/programs/{world.program.pk}/" in to_ana.body
    to_bo = next(m for m in mail.outbox if m.to == [world.people["Bo"].email])
    assert "Ana, your mentee" in to_bo.body and "What you want to learn ↔ what they offer" in to_bo.body


def test_a_run_is_published_once(world, run_match, django_capture_on_commit_callbacks):
    run = run_match(world)
    _publish(world, run, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as caught:
        _publish(world, run, django_capture_on_commit_callbacks)
    assert "already published" in caught.value.message_dict["run"][0]
    assert Mentorship.objects.count() == 2


def test_people_matched_meanwhile_stop_the_whole_publish(world, run_match, django_capture_on_commit_callbacks):
    run = run_match(world)
    MentorshipFactory(program=world.program, members=[world["Ana"]])  # e.g. a self-match accept
    with pytest.raises(ValidationError) as caught:
        _publish(world, run, django_capture_on_commit_callbacks)
    assert caught.value.message_dict["run"] == ["Nothing was published: Ana was matched meanwhile in this program."]
    run.refresh_from_db()
    assert run.status == MatchRunStatus.SUCCEEDED
    assert Mentorship.objects.count() == 1 and mail.outbox == []


def test_someone_who_left_or_a_mentor_without_places_stops_it_too(world, run_match, django_capture_on_commit_callbacks):
    run = run_match(world)
    world["Bo"].status = EnrollmentStatus.WITHDRAWN
    world["Bo"].save()
    with pytest.raises(ValidationError) as caught:
        _publish(world, run, django_capture_on_commit_callbacks)
    assert caught.value.message_dict["run"] == [
        "Nothing was published: Bo is no longer ready to match (withdrawn, declined or left)."
    ]

    world["Bo"].status = EnrollmentStatus.APPROVED
    world["Bo"].save()
    world["Di"].capacity = 0  # Di changed their mind about how many mentees they can take
    world["Di"].save()
    with pytest.raises(ValidationError) as caught:
        _publish(world, run, django_capture_on_commit_callbacks)
    assert caught.value.message_dict["run"] == [
        "Nothing was published: Di has 0 places left, not the 1 this run needs."
    ]
    assert not Mentorship.objects.exists()


def test_a_please_not_entry_made_after_the_run_stops_the_publish(world, run_match, django_capture_on_commit_callbacks):
    run = run_match(world)
    PairExclusion.objects.create(organization=world.org, enrollment=world["Bo"], excluded_person=world.people["Ana"])
    with pytest.raises(ValidationError) as caught:
        _publish(world, run, django_capture_on_commit_callbacks)
    assert caught.value.message_dict["run"] == [
        "Nothing was published: Pair 1 (Ana with Bo) now breaks a hard rule: One of them asked not to be matched "
        "with the other. Remove it before publishing."
    ]
    assert not Mentorship.objects.exists() and mail.outbox == []

    proposal_remove(organization=world.org, proposal=run.proposals.get(number=1))
    assert len(_publish(world, run, django_capture_on_commit_callbacks)) == 1


def test_a_pair_made_by_hand_against_a_hard_rule_publishes_once_confirmed(
    world, run_match, django_capture_on_commit_callbacks
):
    run = run_match(world)
    proposal_remove(organization=world.org, proposal=run.proposals.get(members__enrollment=world["Ana"]))
    PairExclusion.objects.create(organization=world.org, enrollment=world["Ana"], excluded_person=world.people["Bo"])
    with pytest.raises(HardRuleConfirmationNeeded):
        proposal_add(organization=world.org, run=run, mentee=world["Ana"], mentor=world["Bo"])
    proposal_add(organization=world.org, run=run, mentee=world["Ana"], mentor=world["Bo"], confirm=True)
    assert len(_publish(world, run, django_capture_on_commit_callbacks)) == 2


def test_only_the_mentee_reads_that_they_asked_for_their_mentor(world, run_match, django_capture_on_commit_callbacks):
    MatchPreference.objects.create(organization=world.org, enrollment=world["Ana"], preferred_person=world.people["Bo"])
    _publish(world, run_match(world), django_capture_on_commit_callbacks)
    to_ana = next(m for m in mail.outbox if m.to == [world.people["Ana"].email])
    to_bo = next(m for m in mail.outbox if m.to == [world.people["Bo"].email])
    assert "You asked to be matched with them" in to_ana.body
    # The "I would like" list is private: Bo is not told that Ana asked for them.
    assert "preference" not in to_bo.body.lower() and "asked" not in to_bo.body


def test_only_a_run_ready_for_review_with_pairs_is_published(world, run_match, django_capture_on_commit_callbacks):
    run = run_match(world)
    for name in ("Ana", "Cy"):
        proposal_remove(organization=world.org, proposal=run.proposals.get(members__enrollment=world[name]))
    with pytest.raises(ValidationError, match="no pairs"):
        _publish(world, run, django_capture_on_commit_callbacks)
    match_run_discard(organization=world.org, run=run)
    with pytest.raises(ValidationError, match="this one is discarded"):
        _publish(world, run, django_capture_on_commit_callbacks)


def test_a_group_mentor_gets_one_mentorship_with_all_their_mentees(org, run_match, django_capture_on_commit_callbacks):
    world = build(
        org,
        model=MentoringModel.GROUP,
        mentees={name: {"wants": ["sql"]} for name in ("Ana", "Cy", "Ed")},
        mentors={"Bo": ({"offers": ["sql"]}, 3)},
        group_size_min=2,
        group_size_max=4,
    )
    world.criterion("wants", "offers")
    run = run_match(world)
    assert len(pairs_of(run)) == 3  # reviewed pair by pair
    created = _publish(world, run, django_capture_on_commit_callbacks)
    assert len(created) == 1
    assert _mentorships(world) == {("Ana", "Cy", "Ed", "Bo")}
    subjects = {m.subject for m in mail.outbox}
    assert subjects == {"Meet your Mentoring 2026 group"}


def test_each_peer_circle_becomes_one_mentorship(org, run_match, django_capture_on_commit_callbacks):
    world = build(
        org,
        model=MentoringModel.PEER_CIRCLES,
        peers={f"Peer {n}": {"zone": ["emea", "amer"][n % 2]} for n in range(6)},
        group_size_min=3,
        group_size_max=3,
    )
    world.criterion("zone", kind="same")
    run = run_match(world)
    created = _publish(world, run, django_capture_on_commit_callbacks)
    assert len(created) == 2
    assert all(m.members.count() == 3 and {x.role for x in m.members.all()} == {"peer"} for m in created)


def test_a_new_rotation_round_completes_the_previous_one(org, run_match, django_capture_on_commit_callbacks):
    world = build(org, model=MentoringModel.ROTATION, peers={name: {} for name in ("Ana", "Bo", "Cy", "Di")})
    world.criterion(kind="different", attribute="department")
    first_round = _publish(world, run_match(world), django_capture_on_commit_callbacks)
    second_round = _publish(world, run_match(world), django_capture_on_commit_callbacks)
    assert {m.status for m in Mentorship.objects.filter(pk__in=[m.pk for m in first_round])} == {"completed"}
    assert {m.status for m in Mentorship.objects.filter(pk__in=[m.pk for m in second_round])} == {"active"}
    first_pairs = {frozenset(m.members.values_list("person__name", flat=True)) for m in first_round}
    second_pairs = {frozenset(m.members.values_list("person__name", flat=True)) for m in second_round}
    assert not first_pairs & second_pairs


def test_an_incremental_run_rematches_the_freed_people(world, run_match, django_capture_on_commit_callbacks):
    ended = MentorshipFactory(
        program=world.program, members=[world["Ana"], world["Di"]], status=MentorshipStatus.ENDED_EARLY
    )
    MentorshipFactory(program=world.program, members=[world["Cy"], world["Bo"]])
    rematch = RematchRequest.objects.create(organization=world.org, mentorship=ended, requested_by=world["Ana"])
    run = run_match(world, incremental=True)
    # Ana may not go back to Di (an earlier pair) and Bo is taken: nobody for Ana this time.
    assert pairs_of(run) == set()
    world["Bo"].capacity = 2
    world["Bo"].save()
    run = run_match(world, incremental=True)
    assert pairs_of(run) == {("Ana", "Bo")}
    _publish(world, run, django_capture_on_commit_callbacks)
    rematch.refresh_from_db()
    assert rematch.rematched_by_run == run


def test_a_retried_notification_task_emails_nobody_twice(world, run_match, django_capture_on_commit_callbacks):
    run = run_match(world)
    created = _publish(world, run, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    assert send_match_notifications_task(world.org.pk, [m.pk for m in created]) == 0
    assert len(mail.outbox) == 3


def test_another_organizations_run_is_refused_like_a_missing_one(world, run_match, django_capture_on_commit_callbacks):
    run = run_match(world)
    with pytest.raises(ValidationError, match="Not found"):
        match_run_publish(organization=OrganizationFactory(), run=run, user=world.manager)
    assert not Mentorship.objects.exists()


def test_a_trial_run_while_recruiting_is_reviewable_but_publishes_only_once_matching_opens(
    org, run_match, django_capture_on_commit_callbacks
):
    world = build(
        org,
        status=ProgramStatus.RECRUITING,
        mentees={"Ana": {"wants": ["sql"]}},
        mentors={"Bo": ({"offers": ["sql"]}, 1)},
    )
    world.criterion("wants", "offers")
    run = run_match(world)
    assert run.status == MatchRunStatus.SUCCEEDED and pairs_of(run)
    with pytest.raises(ValidationError, match="The program is recruiting: it takes no new mentorships."):
        _publish(world, run, django_capture_on_commit_callbacks)
    assert not Mentorship.objects.exists()


def test_new_mentees_of_a_mentor_who_leads_a_live_group_join_that_group(
    org, run_match, django_capture_on_commit_callbacks
):
    world = build(
        org,
        model=MentoringModel.GROUP,
        mentees={name: {"wants": ["sql"]} for name in ("Ana", "Cy")},
        mentors={"Bo": ({"offers": ["sql"]}, 3)},
        group_size_min=2,
        group_size_max=4,
    )
    world.criterion("wants", "offers")
    first = run_match(world)
    proposal_remove(organization=world.org, proposal=first.proposals.get(members__enrollment=world["Cy"]))
    [group] = _publish(world, first, django_capture_on_commit_callbacks)

    later = run_match(world, incremental=True)
    assert pairs_of(later) == {("Cy", "Bo")}
    assert _publish(world, later, django_capture_on_commit_callbacks) == [group]  # joined, not created
    assert _mentorships(world) == {("Ana", "Cy", "Bo")}
    assert Mentorship.objects.get().pk == group.pk
