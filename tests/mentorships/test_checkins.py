"""Check-ins: once per member per period, a score from 1 to 5, members only; asking for help
puts the pair in the program manager's at-risk queue at once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mentorships.models import CheckIn, MentorshipStatus, PairHealth
from mentorships.services.checkins import checkin_submit, current_period

from ..factories import CheckInFactory, GoalFactory, HeldMeetingFactory
from .meeting_fixtures import foreign_pair_fixture, make_pair, outsider_fixture, pair_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


MENTEE = object()


def submit(pair, person=MENTEE, **answers):
    answers.setdefault("score", 4)
    person = pair.mentee if person is MENTEE else person
    return checkin_submit(organization=pair.org, mentorship=pair.mentorship, person=person, **answers)


def member_of(pair, person):
    return pair.mentorship.members.get(person=person)


def test_periods_start_every_checkin_weeks_from_the_start(org):
    pair = make_pair(org, started_days_ago=30)  # the program asks every 4 weeks
    today = timezone.localdate()
    assert current_period(pair.mentorship, today) == today - timedelta(days=2)
    assert current_period(pair.mentorship, today - timedelta(days=3)) == today - timedelta(days=30)
    assert current_period(pair.mentorship, today - timedelta(days=31)) is None


def test_a_member_checks_in_for_the_current_period(pair):
    checkin = submit(pair, score=5, comment="  Great first month.  ")
    assert (checkin.member.person, checkin.score, checkin.comment) == (pair.mentee, 5, "Great first month.")
    assert checkin.period_start == current_period(pair.mentorship, timezone.localdate())
    assert not checkin.wants_help


def test_a_second_check_in_in_the_same_period_is_refused_and_says_when_the_next_opens(pair):
    submit(pair, score=4)
    with pytest.raises(ValidationError) as refused:
        submit(pair, score=2)
    message = refused.value.message_dict["period"][0]
    assert message.startswith("You already checked in for this period. The next check-in opens on")
    assert list(CheckIn.objects.values_list("score", flat=True)) == [4]
    # The other member's check-in is theirs to give.
    submit(pair, person=pair.mentor, score=3)
    assert CheckIn.objects.count() == 2


def test_a_new_period_takes_a_new_check_in(pair):
    current = current_period(pair.mentorship, timezone.localdate())
    CheckInFactory(member=member_of(pair, pair.mentee), period_start=current - timedelta(weeks=4), score=3)
    submit(pair, score=4)
    assert sorted(CheckIn.objects.values_list("period_start", flat=True)) == [current - timedelta(weeks=4), current]


@pytest.mark.parametrize("score", [0, 6, -1, "7", "good", None, True, 4.5])
def test_a_score_outside_one_to_five_is_refused_naming_the_score(pair, score):
    with pytest.raises(ValidationError) as refused:
        submit(pair, score=score)
    assert refused.value.message_dict == {"score": ["Choose a score from 1 (not well) to 5 (very well)."]}
    assert not CheckIn.objects.exists()


def test_a_score_typed_in_a_form_is_accepted(pair):
    assert submit(pair, score="3").score == 3


def test_a_comment_too_long_is_refused(pair):
    with pytest.raises(ValidationError) as refused:
        submit(pair, comment="x" * 2001)
    assert "comment" in refused.value.message_dict
    assert not CheckIn.objects.exists()


def test_only_members_check_in(pair, outsider, foreign_pair):
    for person in (outsider, foreign_pair.mentee, None):
        with pytest.raises(PermissionDenied):
            submit(pair, person=person)
    assert not CheckIn.objects.exists()


def test_another_organizations_mentorship_is_refused_like_a_missing_one(pair, foreign_pair):
    with pytest.raises(ValidationError, match="Not found"):
        checkin_submit(organization=pair.org, mentorship=foreign_pair.mentorship, person=foreign_pair.mentee, score=4)
    assert not CheckIn.objects.exists()


def test_an_ended_mentorship_takes_no_check_ins(pair):
    pair.mentorship.status = MentorshipStatus.COMPLETED
    pair.mentorship.save()
    with pytest.raises(ValidationError, match="has ended"):
        submit(pair)


def test_before_the_start_there_is_no_period_yet(org):
    pair = make_pair(org, started_days_ago=-7)
    with pytest.raises(ValidationError) as refused:
        submit(pair)
    assert "check-ins open then" in refused.value.message_dict["period"][0]


def test_a_check_in_moves_the_pair_health_at_once(pair):
    HeldMeetingFactory(mentorship=pair.mentorship)
    GoalFactory(mentorship=pair.mentorship)
    submit(pair, person=pair.mentor, score=4)
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.health == PairHealth.ON_TRACK

    submit(pair, score=3, wants_help=True)
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.health == PairHealth.AT_RISK
    assert pair.mentorship.health_reasons == [f"{pair.mentee.name} asked the program manager for help."]
