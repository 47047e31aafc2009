"""Interventions: a program manager nudges a pair (each member gets one friendly email) or keeps a
note; either answers a help flag. Nobody else may, and the note never reaches the members."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mentorships.models import Intervention, MentorshipStatus, PairHealth
from mentorships.selectors.health import at_risk_queue, program_health_counts
from mentorships.services.health import health_refresh
from mentorships.services.interventions import intervention_note, intervention_nudge
from mentorships.tasks import send_nudge_task
from organizations.models import Notification, Role, SentNotification

from ..factories import CheckInFactory, GoalFactory, HeldMeetingFactory, InterventionFactory, OrganizationFactory
from ..programs.recruitment_fixtures import program_manager
from .meeting_fixtures import foreign_pair_fixture, make_pair, pair_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def nudge(django_capture_on_commit_callbacks):
    """nudge(pair, user, note="") -> (the intervention, the emails sent after commit)."""

    def run(pair, user, note=""):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            intervention = intervention_nudge(organization=pair.org, mentorship=pair.mentorship, user=user, note=note)
        return intervention, list(mail.outbox)

    return run


def test_a_program_manager_nudges_and_each_member_gets_one_friendly_email(pair, nudge):
    manager = program_manager(pair.org, pair.program)
    intervention, emails = nudge(pair, manager, note="Ann is on leave until the 10th.")
    assert (intervention.kind, intervention.by, intervention.note) == (
        "nudge",
        manager,
        "Ann is on leave until the 10th.",
    )
    assert sorted(email.to[0] for email in emails) == sorted([pair.mentor.email, pair.mentee.email])
    to_mentee = next(email for email in emails if email.to == [pair.mentee.email])
    assert to_mentee.subject == f"How is your mentorship with {pair.mentor.name} going?"
    assert f"Hello {pair.mentee.name}" in to_mentee.body
    assert f"/o/{pair.org.slug}/mentorships/{pair.mentorship.pk}/" in to_mentee.body
    assert "List-Unsubscribe" in to_mentee.extra_headers
    # The note is the program team's record, not a message to the pair.
    assert all("on leave" not in email.body for email in emails)
    assert Notification.objects.filter(kind="nudge").count() == 2


def test_a_redelivered_nudge_task_sends_nothing_twice(pair, nudge):
    intervention, emails = nudge(pair, program_manager(pair.org, pair.program))
    assert len(emails) == 2
    assert send_nudge_task(pair.org.pk, intervention.pk) == 0
    assert len(mail.outbox) == 2 and SentNotification.objects.filter(kind="nudge").count() == 2


def test_an_organization_admin_may_nudge_a_member_or_a_mentee_may_not(pair, nudge, member_of):
    admin = member_of(pair.org, Role.ADMIN)
    nudge(pair, admin)
    for user in (member_of(pair.org, Role.MEMBER), member_of(pair.org, Role.LEADER), pair.mentee.user, None):
        with pytest.raises(PermissionDenied):
            nudge(pair, user)
        with pytest.raises(PermissionDenied):
            intervention_note(organization=pair.org, mentorship=pair.mentorship, user=user, note="Hm")
    assert Intervention.objects.count() == 1


def test_the_manager_of_another_program_or_organization_may_not(pair, foreign_pair, nudge, member_of):
    other_program_pair = make_pair(pair.org, names=("Zed", "Zoe"))
    with pytest.raises(PermissionDenied):
        nudge(pair, program_manager(pair.org, other_program_pair.program))
    foreign_admin = member_of(foreign_pair.org, Role.ADMIN)
    with pytest.raises(ValidationError, match="Not found"):
        intervention_nudge(organization=pair.org, mentorship=foreign_pair.mentorship, user=foreign_admin)
    assert not Intervention.objects.exists() and not mail.outbox


def test_an_ended_pair_cannot_be_nudged_but_takes_notes(pair, nudge):
    manager = program_manager(pair.org, pair.program)
    pair.mentorship.status = MentorshipStatus.COMPLETED
    pair.mentorship.save()
    with pytest.raises(ValidationError, match="nobody to nudge"):
        nudge(pair, manager)
    note = intervention_note(organization=pair.org, mentorship=pair.mentorship, user=manager, note=" Closed well. ")
    assert (note.kind, note.note) == ("note", "Closed well.")


def test_a_pair_is_nudged_once_in_24_hours_whoever_asks(pair, nudge, member_of):
    manager = program_manager(pair.org, pair.program)
    nudge(pair, manager)
    for user in (manager, member_of(pair.org, Role.ADMIN)):  # a double click, or a second manager
        with pytest.raises(ValidationError) as refused:
            nudge(pair, user, note="Again?")
        (message,) = refused.value.message_dict["mentorship"]
        assert list(refused.value.message_dict) == ["mentorship"]
        assert "already nudged" in message and "one nudge in 24 hours" in message
    assert not mail.outbox  # the refused nudges sent nothing
    assert Intervention.objects.filter(kind="nudge").count() == 1
    assert SentNotification.objects.filter(kind="nudge").count() == 2  # the first nudge's two emails


def test_other_pairs_may_be_nudged_and_notes_kept_meanwhile(pair, nudge):
    manager = program_manager(pair.org, pair.program)
    other = make_pair(pair.org, names=("Zed", "Zoe"), program=pair.program)
    nudge(pair, manager)
    _, emails = nudge(other, manager)
    assert sorted(email.to[0] for email in emails) == sorted([other.mentor.email, other.mentee.email])
    intervention_note(organization=pair.org, mentorship=pair.mentorship, user=manager, note="Called Ann.")
    assert Intervention.objects.count() == 3


@pytest.mark.parametrize(("hours_ago", "allowed"), [(23.9, False), (24.1, True)])
def test_the_next_nudge_may_go_24_hours_after_the_last(pair, nudge, monkeypatch, hours_ago, allowed):
    manager = program_manager(pair.org, pair.program)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - timedelta(hours=hours_ago))
    nudge(pair, manager)  # sent (and logged) back then
    monkeypatch.setattr(timezone, "now", real_now)

    if allowed:
        _, emails = nudge(pair, manager)
        assert len(emails) == 2  # a new day: the send log does not hold the emails back either
    else:
        with pytest.raises(ValidationError, match="already nudged"):
            nudge(pair, manager)
    assert Intervention.objects.filter(kind="nudge").count() == (2 if allowed else 1)


def test_a_second_nudge_recorded_the_same_day_emails_nobody_again(pair, nudge):
    """The send log's key is per pair and day: a backstop where no row lock decides (SQLite)."""
    manager = program_manager(pair.org, pair.program)
    nudge(pair, manager)
    slipped_through = Intervention.objects.create(
        organization=pair.org, mentorship=pair.mentorship, kind=Intervention.Kind.NUDGE, by=manager
    )
    mail.outbox.clear()
    assert send_nudge_task(pair.org.pk, slipped_through.pk) == 0
    assert not mail.outbox


def test_a_note_must_say_something_short_enough(pair):
    manager = program_manager(pair.org, pair.program)
    for text, field_error in (("  ", "Write the note."), ("x" * 5001, "Keep the note under 5,000 characters.")):
        with pytest.raises(ValidationError) as refused:
            intervention_note(organization=pair.org, mentorship=pair.mentorship, user=manager, note=text)
        assert refused.value.message_dict == {"note": [field_error]}
    assert not Intervention.objects.exists()


def test_acting_closes_the_help_flag_and_the_pair_leaves_the_queue(pair):
    manager = program_manager(pair.org, pair.program)
    HeldMeetingFactory(mentorship=pair.mentorship)
    GoalFactory(mentorship=pair.mentorship)
    mentee = pair.mentorship.members.get(person=pair.mentee)
    CheckInFactory(member=mentee, period_start=pair.mentorship.started_on, wants_help=True)
    health_refresh(organization=pair.org)
    [row] = at_risk_queue(pair.program)
    assert row.reasons == [f"{pair.mentee.name} asked the program manager for help."]

    intervention_note(organization=pair.org, mentorship=pair.mentorship, user=manager, note="Called Ann; all fine.")
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.health == PairHealth.ON_TRACK
    assert at_risk_queue(pair.program) == []


def test_the_queue_shows_who_when_they_last_met_and_what_was_done_at_risk_first(org, django_assert_num_queries):
    quiet = make_pair(org, names=("Mo", "Ann"), started_days_ago=60)
    program = quiet.program
    late = make_pair(org, names=("Max", "Bea"), started_days_ago=60, program=program)
    fine = make_pair(org, names=("Sol", "Tia"), started_days_ago=60, program=program)
    handled = make_pair(org, names=("Uma", "Vic"), started_days_ago=60, program=program)
    for pair in (quiet, late, fine, handled):
        GoalFactory(mentorship=pair.mentorship)
    last = HeldMeetingFactory(mentorship=late.mentorship, starts_at=timezone.now() - timedelta(days=20)).starts_at
    HeldMeetingFactory(mentorship=fine.mentorship)
    for n in range(4):
        InterventionFactory(mentorship=handled.mentorship, note=f"Note {n}")
    health_refresh(organization=org)
    make_pair(OrganizationFactory(), started_days_ago=60)  # another tenant's pair at risk

    with django_assert_num_queries(4):
        queue = at_risk_queue(program)
    assert [row.names for row in queue] == ["Ann and Mo", "Vic and Uma", "Bea and Max"]
    assert [row.health for row in queue] == [PairHealth.AT_RISK, PairHealth.AT_RISK, PairHealth.NEEDS_ATTENTION]
    assert queue[0].last_held_at is None and queue[2].last_held_at == last
    assert [i.note for i in queue[1].interventions] == ["Note 3", "Note 2", "Note 1"]
    assert program_health_counts(program) == {"on_track": 1, "needs_attention": 1, "at_risk": 2}
