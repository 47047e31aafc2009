"""What the workspace and the reports read from meetings: the next one, the list a member sees
(their own private notes only), mentoring hours and how often a pair meets."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentorships.models import Mentorship
from mentorships.selectors.meetings import (
    last_held,
    meeting_frequency,
    meetings_for,
    mentoring_hours,
    next_meeting,
)
from mentorships.services.meetings import meeting_cancel, meeting_log, meeting_schedule, private_note_save

from .meeting_fixtures import at, foreign_pair_fixture, make_pair, pair_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def schedule(pair, days_ahead, hour=14):
    return meeting_schedule(
        organization=pair.org,
        mentorship=pair.mentorship,
        person=pair.mentee,
        starts_at=at(days_ahead, hour),
        duration_minutes=60,
    )


def held(pair, days_ago, minutes=60, held=True, private_note=None, person=None):
    """A meeting that happened `days_ago` days ago, logged without having been scheduled."""
    return meeting_log(
        organization=pair.org,
        mentorship=pair.mentorship,
        person=person or pair.mentee,
        held=held,
        starts_at=timezone.now() - timedelta(days=days_ago),
        actual_minutes=minutes,
        format="video",
        topics=["goals"],
        shared_notes="",
        private_note=private_note,
    )


def test_the_next_meeting_is_the_first_scheduled_one_not_over_yet(pair):
    assert next_meeting(pair.mentorship) is None
    held(pair, days_ago=2)
    later, sooner = schedule(pair, 9), schedule(pair, 3)
    called_off = schedule(pair, 1)
    meeting_cancel(organization=pair.org, meeting=called_off, person=pair.mentor)

    assert next_meeting(pair.mentorship) == sooner
    # During the meeting it is still "next" (the video link stays at hand), not after it.
    assert next_meeting(pair.mentorship, now=sooner.starts_at + timedelta(minutes=30)) == sooner
    assert next_meeting(pair.mentorship, now=sooner.starts_at + timedelta(minutes=61)) == later


def test_each_member_sees_only_their_own_private_notes(pair, django_assert_num_queries):
    first = held(pair, days_ago=10, private_note="Ann's worry about the deadline.")
    private_note_save(organization=pair.org, meeting=first, person=pair.mentor, text="Mo: suggest a course.")
    second = held(pair, days_ago=3)
    schedule(pair, 4)

    with django_assert_num_queries(1):  # one query, however many meetings
        for_ann = {meeting.pk: meeting.my_private_note for meeting in meetings_for(pair.mentorship, pair.mentee)}
    for_mo = {meeting.pk: meeting.my_private_note for meeting in meetings_for(pair.mentorship, pair.mentor)}

    assert len(for_ann) == 3
    assert (for_ann[first.pk], for_ann[second.pk]) == ("Ann's worry about the deadline.", None)
    assert (for_mo[first.pk], for_mo[second.pk]) == ("Mo: suggest a course.", None)
    assert "Ann's worry" not in str(for_mo.values())


def test_a_person_outside_the_pair_reads_no_private_note(pair):
    held(pair, days_ago=5, private_note="Only mine.")
    other = make_pair(pair.org, names=("Sam", "Kim"))
    assert [m.my_private_note for m in meetings_for(pair.mentorship, other.mentee)] == [None]


def test_mentoring_hours_add_up_what_was_held(pair):
    other = make_pair(pair.org, names=("Sam", "Kim"), program=pair.program)
    held(pair, days_ago=20, minutes=45)
    held(pair, days_ago=10, minutes=75)
    held(pair, days_ago=5, held=False)  # did not happen: no time
    schedule(pair, 2)  # still to come: no time
    held(other, days_ago=3, minutes=30)

    mine = Mentorship.objects.for_org(pair.org).filter(pk=pair.mentorship.pk)
    both = Mentorship.objects.for_org(pair.org).filter(program=pair.program)
    assert mentoring_hours(pair.org, mine) == 2.0
    assert mentoring_hours(pair.org, both) == 2.5
    assert mentoring_hours(pair.org, Mentorship.objects.none()) == 0


def test_mentoring_hours_count_only_the_organizations_own_meetings(pair, foreign_pair):
    held(pair, days_ago=4, minutes=60)
    held(foreign_pair, days_ago=4, minutes=90)
    # Even a queryset that (wrongly) mixes in another organization's pair adds none of its time.
    mixed = Mentorship.objects.filter(pk__in=[pair.mentorship.pk, foreign_pair.mentorship.pk])
    assert mentoring_hours(pair.org, mixed) == 1.0
    assert mentoring_hours(foreign_pair.org, mixed) == 1.5


def test_meeting_frequency_is_held_meetings_per_month_since_the_start(pair):
    today = timezone.localdate()
    pair.mentorship.started_on = today - timedelta(days=91)  # three months
    pair.mentorship.save()
    for days_ago in (80, 60, 30, 20, 5, 2):
        held(pair, days_ago=days_ago)
    held(pair, days_ago=40, held=False)

    assert meeting_frequency(pair.mentorship, today=today) == pytest.approx(2.0, abs=0.05)


def test_a_new_pairs_frequency_counts_its_first_month_whole(pair):
    pair.mentorship.started_on = timezone.localdate() - timedelta(days=6)
    pair.mentorship.save()
    held(pair, days_ago=2)
    assert meeting_frequency(pair.mentorship) == 1.0


def test_last_held_is_the_latest_meeting_that_happened(pair):
    assert last_held(pair.mentorship) is None
    held(pair, days_ago=20)
    latest = held(pair, days_ago=9)
    held(pair, days_ago=3, held=False)
    assert last_held(pair.mentorship) == latest
