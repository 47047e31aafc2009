"""Meetings: scheduling sends every member a calendar invitation showing the time in their own
zone; moving or cancelling updates the same calendar event; logging records how it went, with
private notes only their author reads. Every bad input is a clear error and changes nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from mentorships.models import Meeting, MeetingPrivateNote, MeetingStatus, MentorshipStatus, PairHealth
from mentorships.services.meetings import (
    meeting_cancel,
    meeting_log,
    meeting_reschedule,
    meeting_schedule,
    private_note_save,
    send_meeting_invitations,
)

from .meeting_fixtures import at, foreign_pair_fixture, outsider_fixture, pair_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """sent(action) -> (its result, {recipient address: email}) with the after-commit emails."""

    def run(action):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        return result, {email.to[0]: email for email in mail.outbox}

    return run


def schedule(pair, person=None, **overrides):
    values = {
        "starts_at": at(7, 14, 0),  # 15:00 in Berlin or 16:00 in summer; 09:00 or 10:00 in New York
        "duration_minutes": 60,
        "location": "Room 4",
        "video_url": "https://meet.example.com/grow",
        "agenda": "Goals for the spring",
    }
    return meeting_schedule(
        organization=pair.org, mentorship=pair.mentorship, person=person or pair.mentee, **{**values, **overrides}
    )


def invitation(email):
    """(the attachment's content type, the parsed calendar, its one event)."""
    ((filename, content, mimetype),) = email.attachments
    assert filename.endswith(".ics")
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return mimetype, calendar, event


def local(instant, zone_name, fmt="H:i"):
    from django.utils import dateformat

    from mentorships.timezones import zone

    return dateformat.format(instant.astimezone(zone(zone_name)), fmt)


# --- scheduling -------------------------------------------------------------------------------


def test_every_member_gets_the_invitation_with_the_time_in_their_own_zone(pair, sent):
    meeting, emails = sent(lambda: schedule(pair))

    assert set(emails) == {pair.mentor.email, pair.mentee.email}  # the scheduler too
    for person in (pair.mentor, pair.mentee):
        email = emails[person.email]
        mimetype, calendar, event = invitation(email)
        assert mimetype.startswith("text/calendar; method=REQUEST")
        assert 'Content-Type: text/calendar; method="REQUEST"; charset="utf-8"' in email.message().as_string()
        assert str(calendar["method"]) == "REQUEST"
        assert (str(event["uid"]), event["sequence"]) == (meeting.uid, 0)
        assert event.decoded("dtstart") == meeting.starts_at
        assert {str(a) for a in event["attendee"]} == {f"mailto:{pair.mentor.email}", f"mailto:{pair.mentee.email}"}
        assert str(event["organizer"]) == f"mailto:{pair.mentee.email}"
        html = email.alternatives[0][0]
        ends_at = meeting.starts_at + timedelta(minutes=60)
        when = f"{local(meeting.starts_at, person.time_zone)}–{local(ends_at, person.time_zone)}"
        assert f"{when} ({person.time_zone} time)" in email.body
        assert f"{when} ({person.time_zone} time)" in html
        assert person.time_zone in email.subject
        assert "Room 4" in email.body and "https://meet.example.com/grow" in email.body
        assert "Goals for the spring" in email.body
    # Two zones, two different wall-clock times for the same meeting.
    assert local(meeting.starts_at, pair.mentor.time_zone) != local(meeting.starts_at, pair.mentee.time_zone)
    assert f"with {pair.mentee.name}." in emails[pair.mentor.email].body
    assert f"with {pair.mentor.name}." in emails[pair.mentee.email].body


def test_the_invitation_goes_out_only_once_the_meeting_is_saved(pair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        schedule(pair)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_each_version_reaches_each_member_once(pair, sent):
    meeting, _ = sent(lambda: schedule(pair))
    mail.outbox.clear()
    assert send_meeting_invitations(organization_id=pair.org.pk, meeting_id=meeting.pk) == 0
    assert mail.outbox == []


def test_a_member_without_a_zone_sees_the_organizations_zone(pair, sent):
    pair.org.time_zone = "Asia/Tokyo"
    pair.org.save()
    pair.mentor.time_zone = ""
    pair.mentor.save()
    meeting, emails = sent(lambda: schedule(pair))
    assert f"{local(meeting.starts_at, 'Asia/Tokyo')}–" in emails[pair.mentor.email].body
    assert "(Asia/Tokyo time)" in emails[pair.mentor.email].body


# --- reschedule and cancel --------------------------------------------------------------------


def test_moving_a_meeting_updates_the_same_calendar_event(pair, sent):
    meeting, _ = sent(lambda: schedule(pair))
    moved, emails = sent(
        lambda: meeting_reschedule(
            organization=pair.org, meeting=meeting, person=pair.mentor, starts_at=at(8, 16, 30), duration_minutes=45
        )
    )
    assert (moved.uid, moved.sequence, moved.duration_minutes) == (meeting.uid, 1, 45)
    assert set(emails) == {pair.mentor.email, pair.mentee.email}
    mimetype, calendar, event = invitation(emails[pair.mentee.email])
    assert mimetype.startswith("text/calendar; method=REQUEST")
    assert (str(event["uid"]), event["sequence"]) == (meeting.uid, 1)
    assert event.decoded("dtstart") == at(8, 16, 30)
    assert event.decoded("duration") == timedelta(minutes=45)
    # The organizer stays whoever scheduled it, as calendars expect.
    assert str(event["organizer"]) == f"mailto:{pair.mentee.email}"
    assert emails[pair.mentee.email].subject.startswith("Meeting updated")


def test_saving_a_meeting_unchanged_sends_nothing(pair, sent):
    meeting, _ = sent(lambda: schedule(pair))
    same, emails = sent(
        lambda: meeting_reschedule(
            organization=pair.org, meeting=meeting, person=pair.mentor, starts_at=meeting.starts_at, location="Room 4"
        )
    )
    assert same.sequence == 0
    assert emails == {}


def test_cancelling_sends_a_cancellation_with_a_higher_sequence(pair, sent):
    meeting, _ = sent(lambda: schedule(pair))
    sent(lambda: meeting_reschedule(organization=pair.org, meeting=meeting, person=pair.mentee, agenda="New agenda"))
    cancelled, emails = sent(lambda: meeting_cancel(organization=pair.org, meeting=meeting, person=pair.mentor))
    assert (cancelled.status, cancelled.sequence) == (MeetingStatus.CANCELLED, 2)
    assert set(emails) == {pair.mentor.email, pair.mentee.email}
    mimetype, calendar, event = invitation(emails[pair.mentor.email])
    assert mimetype.startswith("text/calendar; method=CANCEL")
    assert str(calendar["method"]) == "CANCEL"
    assert (str(event["uid"]), event["sequence"]) == (meeting.uid, 2)
    assert "has been cancelled" in emails[pair.mentor.email].body


def test_a_cancelled_meeting_cannot_be_moved_cancelled_again_or_logged(pair, sent):
    meeting, _ = sent(lambda: schedule(pair))
    meeting_cancel(organization=pair.org, meeting=meeting, person=pair.mentee)
    with pytest.raises(ValidationError, match="cancelled"):
        meeting_reschedule(organization=pair.org, meeting=meeting, person=pair.mentee, starts_at=at(9))
    with pytest.raises(ValidationError, match="cancelled"):
        meeting_cancel(organization=pair.org, meeting=meeting, person=pair.mentee)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    with pytest.raises(ValidationError, match="cancelled meeting can't be logged"):
        log(pair, meeting)
    assert Meeting.objects.get(pk=meeting.pk).logged_at is None


# --- logging ----------------------------------------------------------------------------------


def log(pair, meeting=None, person=None, mentorship=None, **overrides):
    values = {
        "held": True,
        "actual_minutes": 50,
        "format": "video",
        "topics": ["goals", "feedback"],
        "shared_notes": "Agreed on three goals.",
    }
    return meeting_log(
        organization=pair.org,
        meeting=meeting,
        mentorship=mentorship or pair.mentorship,
        person=person or pair.mentee,
        **{**values, **overrides},
    )


def past_meeting(pair, hours_ago=3):
    """A meeting scheduled earlier that has now taken place."""
    meeting = schedule(pair)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=hours_ago))
    meeting.refresh_from_db()
    return meeting


def test_both_members_log_a_meeting_each_with_a_private_note_of_their_own(pair):
    meeting = past_meeting(pair)
    log(pair, meeting, private_note="I felt rushed.")
    logged = log(pair, meeting, person=pair.mentor, topics="goals, career , goals", private_note="Ask about stress.")

    logged.refresh_from_db()
    assert logged.status == MeetingStatus.HELD
    assert (logged.actual_minutes, logged.format, logged.logged_by) == (50, "video", pair.mentor)
    assert logged.topics == ["goals", "career"]
    assert logged.shared_notes == "Agreed on three goals."
    notes = dict(MeetingPrivateNote.objects.filter(meeting=meeting).values_list("author__name", "text"))
    assert notes == {pair.mentee.name: "I felt rushed.", pair.mentor.name: "Ask about stress."}


def test_a_meeting_never_scheduled_can_be_logged(pair):
    when = timezone.now() - timedelta(days=2)
    meeting = log(pair, starts_at=when, actual_minutes=25)
    assert (meeting.status, meeting.starts_at, meeting.actual_minutes) == (MeetingStatus.HELD, when, 25)
    assert meeting.duration_minutes == 25
    assert meeting.uid  # unique, though it never had an invitation


def test_a_meeting_that_did_not_happen_keeps_no_length(pair):
    meeting = log(pair, past_meeting(pair), held=False, actual_minutes=999, format="")
    assert (meeting.status, meeting.actual_minutes) == (MeetingStatus.NOT_HELD, None)


def test_private_notes_are_saved_and_removed_by_their_author(pair):
    meeting = past_meeting(pair)
    private_note_save(organization=pair.org, meeting=meeting, person=pair.mentor, text="  Prepare questions. ")
    assert MeetingPrivateNote.objects.get(meeting=meeting, author=pair.mentor).text == "Prepare questions."
    private_note_save(organization=pair.org, meeting=meeting, person=pair.mentor, text="")
    assert not MeetingPrivateNote.objects.filter(meeting=meeting).exists()


def test_logging_again_without_a_private_note_keeps_the_one_saved(pair):
    meeting = past_meeting(pair)
    log(pair, meeting, private_note="Mine.")
    log(pair, meeting)
    assert MeetingPrivateNote.objects.get(meeting=meeting).text == "Mine."


def test_a_log_refreshes_the_pairs_health(pair):
    log(pair, past_meeting(pair))
    pair.mentorship.refresh_from_db()
    assert pair.mentorship.health in PairHealth.values
    assert pair.mentorship.health_checked_at is not None


# --- bad input: a clear error, no change -------------------------------------------------------


def assert_refused(error, field, message=None):
    assert field in error.value.message_dict, error.value.message_dict
    if message:
        assert message in " ".join(error.value.message_dict[field])


def test_a_meeting_in_the_past_cannot_be_scheduled(pair):
    with pytest.raises(ValidationError) as error:
        schedule(pair, starts_at=timezone.now() - timedelta(minutes=1))
    assert_refused(error, "starts_at", "already passed")
    assert not Meeting.objects.exists()


def test_a_meeting_cannot_be_moved_into_the_past(pair, sent):
    meeting, _ = sent(lambda: schedule(pair))
    with pytest.raises(ValidationError) as error:
        meeting_reschedule(
            organization=pair.org, meeting=meeting, person=pair.mentee, starts_at=timezone.now() - timedelta(days=1)
        )
    assert_refused(error, "starts_at", "already passed")
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (timezone.now().replace(tzinfo=None) + timedelta(days=3), "time zone"),  # wall clock with no zone
        ("tomorrow at noon", "Choose a date and a time"),
        (None, "Choose a date and a time"),
        (timezone.now() + timedelta(days=800), "within the next year"),
    ],
)
def test_a_start_that_is_not_a_clear_future_instant_is_refused(pair, starts_at, message):
    with pytest.raises(ValidationError) as error:
        schedule(pair, starts_at=starts_at)
    assert_refused(error, "starts_at", message)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("duration", [-30, 0, 4, 481, 100_000, 45.5, "an hour", True, None])
def test_a_negative_or_absurd_duration_is_refused(pair, duration):
    with pytest.raises(ValidationError) as error:
        schedule(pair, duration_minutes=duration)
    assert_refused(error, "duration_minutes", "between 5 and 480 minutes")
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("actual", [-5, 0, 601, 10_000, "long", None])
def test_a_held_meeting_needs_a_sensible_actual_length(pair, actual):
    meeting = past_meeting(pair)
    with pytest.raises(ValidationError) as error:
        log(pair, meeting, actual_minutes=actual)
    assert_refused(error, "actual_minutes", "between 1 and 600 minutes")
    assert Meeting.objects.get(pk=meeting.pk).logged_at is None


def test_bad_link_format_and_topics_are_named(pair):
    with pytest.raises(ValidationError) as error:
        schedule(pair, video_url="javascript:alert(1)", location="x" * 301)
    assert_refused(error, "video_url", "https://")
    assert_refused(error, "location", "300")
    meeting = past_meeting(pair)
    with pytest.raises(ValidationError) as error:
        log(pair, meeting, format="telepathy", topics=[f"topic {n}" for n in range(21)])
    assert_refused(error, "format")
    assert_refused(error, "topics", "at most 20")


def test_a_meeting_cannot_be_logged_before_it_happens_or_before_the_mentorship_began(pair):
    future = schedule(pair)
    with pytest.raises(ValidationError) as error:
        log(pair, future)
    assert_refused(error, "starts_at", "hasn't happened yet")
    with pytest.raises(ValidationError) as error:
        log(pair, starts_at=timezone.now() - timedelta(days=60))  # the pair started 30 days ago
    assert_refused(error, "starts_at", "started on")
    with pytest.raises(ValidationError) as error:
        log(pair)  # never scheduled, and no date given
    assert_refused(error, "starts_at")
    assert Meeting.objects.count() == 1 and Meeting.objects.get().logged_at is None


@pytest.mark.parametrize("action", ["schedule", "reschedule", "cancel", "log", "note"])
def test_someone_who_is_not_a_member_cannot_act_for_the_pair(pair, outsider, sent, action):
    meeting, _ = sent(lambda: schedule(pair))
    calls = {
        "schedule": lambda: schedule(pair, person=outsider),
        "reschedule": lambda: meeting_reschedule(
            organization=pair.org, meeting=meeting, person=outsider, starts_at=at(9)
        ),
        "cancel": lambda: meeting_cancel(organization=pair.org, meeting=meeting, person=outsider),
        "log": lambda: log(pair, starts_at=timezone.now() - timedelta(days=1), person=outsider),
        "note": lambda: private_note_save(organization=pair.org, meeting=meeting, person=outsider, text="Spying"),
    }
    with pytest.raises(PermissionDenied):
        sent(calls[action])
    assert mail.outbox == []
    assert list(Meeting.objects.values_list("pk", "sequence", "status")) == [(meeting.pk, 0, MeetingStatus.SCHEDULED)]
    assert not MeetingPrivateNote.objects.exists()


def test_another_organizations_pair_is_refused_like_a_missing_one(pair, foreign_pair, sent):
    their_meeting, _ = sent(lambda: schedule(foreign_pair))
    with pytest.raises(ValidationError, match="Not found"):
        meeting_schedule(
            organization=pair.org,
            mentorship=foreign_pair.mentorship,
            person=pair.mentee,
            starts_at=at(3),
            duration_minutes=30,
        )
    with pytest.raises(ValidationError, match="Not found"):
        meeting_cancel(organization=pair.org, meeting=their_meeting, person=pair.mentee)
    with pytest.raises(ValidationError, match="Not found"):
        # Their member, guessing our meeting id through their own organization.
        meeting_cancel(organization=foreign_pair.org, meeting=schedule(pair), person=foreign_pair.mentee)
    with pytest.raises(ValidationError, match="Not found"):
        # Our member logging our meeting under our pair's id while naming theirs.
        log(pair, Meeting.objects.filter(organization=pair.org).first(), mentorship=foreign_pair.mentorship)
    assert Meeting.objects.filter(status=MeetingStatus.CANCELLED).count() == 0
    assert Meeting.objects.filter(logged_at__isnull=False).count() == 0


@pytest.mark.parametrize("status", [MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY])
def test_an_ended_mentorship_takes_no_new_meetings(pair, sent, status):
    meeting, _ = sent(lambda: schedule(pair))
    pair.mentorship.status = status
    pair.mentorship.ended_on = timezone.localdate()
    pair.mentorship.save()
    with pytest.raises(ValidationError, match="has ended"):
        schedule(pair)
    with pytest.raises(ValidationError, match="has ended"):
        meeting_reschedule(organization=pair.org, meeting=meeting, person=pair.mentee, starts_at=at(9))
    assert Meeting.objects.count() == 1
    # What happened before the end can still be logged, and what was planned can be called off.
    log(pair, starts_at=timezone.now() - timedelta(days=3))
    meeting_cancel(organization=pair.org, meeting=meeting, person=pair.mentee)


def test_a_paused_mentorship_can_still_plan_a_meeting(pair):
    pair.mentorship.status = MentorshipStatus.PAUSED
    pair.mentorship.save()
    assert schedule(pair).status == MeetingStatus.SCHEDULED
