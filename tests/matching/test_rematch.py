"""Rematch: a member ends their match without blame; the freed people are matched anew, never
with each other, and nobody else's match moves."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from matching.cohort import build_cohort
from matching.models import MatchProposal, MatchRunStatus, MentorSuggestion, RematchRequest
from matching.services.criteria import matching_settings_update
from matching.services.publish import match_run_publish
from matching.services.rematch import rematch_request
from matching.services.runs import match_run_start
from matching.tasks import send_rematch_emails_task
from mentorships.models import Mentorship, MentorshipStatus
from programs.models import ProgramManager
from programs.selectors.matching import matching_pool

from ..factories import MentorshipFactory
from .participant_fixtures import self_match_program

pytestmark = pytest.mark.django_db

REASON = "We never found a time to meet and the chemistry is not there."


@pytest.fixture
def world(org):
    """A program the team matches: Ann–Mo, Bea–Ned, Cai–Ola live; Pia has a free place.
    Ann wants SQL and leadership: Mo (both) suits her best, Pia (SQL only) next."""
    world = self_match_program(
        org,
        mentees={"Ann": ["sql", "leadership"], "Bea": ["leadership"], "Cai": ["public_speaking"]},
        mentors={
            "Mo": (["sql", "leadership"], 1),
            "Ned": (["leadership"], 1),
            "Ola": (["public_speaking"], 1),
            "Pia": (["sql"], 1),
        },
        mode="managed",
    )
    world.pairs = {
        mentee: MentorshipFactory(program=world.program, members=[world.enrollment(mentor), world.enrollment(mentee)])
        for mentee, mentor in (("Ann", "Mo"), ("Bea", "Ned"), ("Cai", "Ola"))
    }
    return world


def ask(world, name, mentee="Ann", reason=REASON):
    return rematch_request(
        organization=world.org,
        mentorship=world.pairs[mentee],
        enrollment=world.enrollment(name),
        reason=reason,
        user=world.user(name),
    )


def test_asking_ends_the_match_today_and_keeps_the_reason_for_the_team(world):
    rematch = ask(world, "Ann")
    mentorship = Mentorship.objects.get(pk=world.pairs["Ann"].pk)
    assert mentorship.status == MentorshipStatus.ENDED_EARLY
    assert mentorship.ended_on == timezone.localdate()
    assert mentorship.end_reason == REASON
    assert (rematch.reason, rematch.requested_by) == (REASON, world.enrollment("Ann"))
    # The others are untouched.
    assert Mentorship.objects.filter(status=MentorshipStatus.ACTIVE).count() == 2


def test_the_other_side_hears_only_that_it_ended_the_team_hears_why(world, django_capture_on_commit_callbacks):
    team = world.manager  # an organization admin: the program has no manager of its own yet
    with django_capture_on_commit_callbacks(execute=True):
        rematch = ask(world, "Ann")
    emails = {email.to[0]: email for email in mail.outbox}
    assert set(emails) == {world.enrollment("Mo").person.email, team.email}

    to_mo = emails[world.enrollment("Mo").person.email]
    assert to_mo.subject == "Your match in Grow 2026 has ended"
    assert "the program team will find you a new match" in to_mo.body.lower()
    for text in (to_mo.body, to_mo.alternatives[0][0]):
        assert REASON not in text and "Ann" not in text

    to_team = emails[team.email]
    assert "Ann asked to end their match with Mo" in to_team.body
    assert REASON in to_team.body and REASON in to_team.alternatives[0][0]
    # Sent once, however often the task is redelivered.
    assert send_rematch_emails_task(world.org.pk, rematch.pk) == 0
    assert len(mail.outbox) == 2


def test_the_programs_own_managers_get_the_reason_rather_than_the_admins(
    world, django_capture_on_commit_callbacks, member_of
):
    program_manager = member_of(world.org)
    ProgramManager.objects.create(organization=world.org, program=world.program, user=program_manager)
    with django_capture_on_commit_callbacks(execute=True):
        ask(world, "Mo")
    recipients = sorted(email.to[0] for email in mail.outbox)
    assert recipients == sorted([world.enrollment("Ann").person.email, program_manager.email])


def test_only_a_member_can_ask_and_only_for_themself(world):
    with pytest.raises(PermissionDenied):  # Bea is not in Ann's match
        ask(world, "Bea", mentee="Ann")
    with pytest.raises(PermissionDenied):  # Mo asking in Ann's name
        rematch_request(
            organization=world.org,
            mentorship=world.pairs["Ann"],
            enrollment=world.enrollment("Ann"),
            reason="",
            user=world.user("Mo"),
        )
    assert not RematchRequest.objects.exists()
    assert Mentorship.objects.get(pk=world.pairs["Ann"].pk).is_live


def test_a_match_that_already_ended_cannot_end_again(world):
    ask(world, "Ann")
    with pytest.raises(ValidationError) as caught:
        ask(world, "Mo")
    assert caught.value.message_dict["mentorship"] == ["This match is no longer running (ended early)."]
    assert RematchRequest.objects.count() == 1


def test_the_freed_people_are_back_in_the_pool_but_never_together(world):
    ask(world, "Ann")
    cohort = build_cohort(world.program, free_only=True)
    assert [e.person.name for e in cohort.mentees] == ["Ann"]
    mo = cohort.mentor_index()[world.enrollment("Mo").pk]
    assert cohort.capacity[mo] == 1
    assert (0, mo) in cohort.forbidden_reasons
    assert world.enrollment("Ann").pk in set(matching_pool(world.program).values_list("pk", flat=True))


def test_a_pair_ended_on_request_stays_apart_even_when_earlier_pairs_may_repeat(world):
    matching_settings_update(organization=world.org, program=world.program, user=None, exclude_previous_pairs=False)
    ask(world, "Ann")
    cohort = build_cohort(world.program, free_only=True)
    mo = cohort.mentor_index()[world.enrollment("Mo").pk]
    assert cohort.forbidden_reasons[(0, mo)] == ["One of them asked to end an earlier match between them"]


def test_an_incremental_run_rematches_the_freed_mentee_and_touches_no_other_pair(
    world, django_capture_on_commit_callbacks
):
    ask(world, "Ann")
    live_before = set(Mentorship.objects.filter(status=MentorshipStatus.ACTIVE).values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        run = match_run_start(organization=world.org, program=world.program, user=world.manager, incremental=True)
    run.refresh_from_db()
    assert run.status == MatchRunStatus.SUCCEEDED, run.error

    proposals = MatchProposal.objects.filter(run=run).prefetch_related("members__enrollment__person")
    pairs = [sorted((m.role, m.enrollment.person.name) for m in p.members.all()) for p in proposals]
    # Mo would suit Ann best, but they were a pair: Pia, with the free place, is proposed.
    assert pairs == [[("mentee", "Ann"), ("mentor", "Pia")]]

    with django_capture_on_commit_callbacks(execute=True):
        made = match_run_publish(organization=world.org, run=run, user=world.manager)
    assert len(made) == 1
    live_after = set(Mentorship.objects.filter(status=MentorshipStatus.ACTIVE).values_list("pk", flat=True))
    assert live_after == live_before | {made[0].pk}
    assert RematchRequest.objects.get().rematched_by_run == run


def test_in_a_self_match_program_the_freed_mentee_gets_fresh_suggestions(org, django_capture_on_commit_callbacks):
    world = self_match_program(org, mentees={"Ann": ["sql"]}, mentors={"Mo": (["sql"], 1), "Pia": (["sql"], 1)})
    world.pairs = {
        "Ann": MentorshipFactory(program=world.program, members=[world.enrollment("Mo"), world.enrollment("Ann")])
    }
    MentorSuggestion.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        ask(world, "Ann")
    suggested = MentorSuggestion.objects.filter(mentee=world.enrollment("Ann"))
    assert [s.mentor.person.name for s in suggested] == ["Pia"]
    [to_mo] = [m for m in mail.outbox if m.to == [world.enrollment("Mo").person.email]]
    assert "mentees choose their mentor" in to_mo.body and "team will find you" not in to_mo.body
