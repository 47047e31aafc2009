"""Meeting pages through the Django client: schedule on your own clock (every member is invited),
change, cancel, and log how it went, with a private note only its author ever reads.

Bad input (a time that has passed, an absurd length, a time the clocks skip, a meeting still to
come logged as over) is refused beside the field at fault, and nothing changes.
"""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentorships.models import Meeting, MeetingPrivateNote, MeetingStatus
from mentorships.timezones import zone

from ..factories import HeldMeetingFactory
from .meeting_fixtures import MENTEE_ZONE, at, pair_fixture  # noqa: F401
from .workspace_fixtures import client_of, end, text, url, workspace_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentee(pair, client_for):
    return client_of(client_for, pair.mentee)


@pytest.fixture
def mentor(pair, client_for):
    return client_of(client_for, pair.mentor)


@pytest.fixture
def emails(django_capture_on_commit_callbacks):
    """emails(action) -> {recipient: email} of what the action sent after its commit."""

    def run(action):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = action()
        run.response = response
        return {email.to[0]: email for email in mail.outbox}

    return run


def in_days(days, zone_name=MENTEE_ZONE):
    return (timezone.now().astimezone(zone(zone_name)) + timedelta(days=days)).date()


def meeting_data(**overrides):
    return {
        "date": in_days(3).isoformat(),
        "time": "09:30",
        "duration_minutes": "45",
        "location": "",
        "video_url": "https://meet.example.com/grow",
        "agenda": "Getting started",
        **overrides,
    }


def upcoming(pair, days=3, **fields):
    return HeldMeetingFactory(
        mentorship=pair.mentorship, status="scheduled", starts_at=at(days), actual_minutes=None, **fields
    )


def errors_of(response):
    return response.context["form"].errors


# --- scheduling --------------------------------------------------------------------------------


def test_the_form_names_the_members_own_zone_and_starts_from_the_programs_length(pair, mentee):
    pair.program.meeting_minutes = 50
    pair.program.save(update_fields=["meeting_minutes"])
    html = text(mentee.get(url("meeting_new", pair.org, pair.mentorship.pk)))
    assert f"(your time: {MENTEE_ZONE})" in html
    assert 'type="date"' in html and 'type="time"' in html and 'value="50"' in html


def test_scheduling_reads_the_time_on_the_members_clock_and_invites_everyone(pair, mentee, emails):
    sent = emails(lambda: mentee.post(url("meeting_new", pair.org, pair.mentorship.pk), meeting_data()))
    assert emails.response.status_code == 302 and emails.response["Location"] == workspace_url(pair)
    meeting = Meeting.objects.get(mentorship=pair.mentorship)
    assert meeting.starts_at == datetime.combine(in_days(3), time(9, 30), tzinfo=zone(MENTEE_ZONE))
    assert (meeting.duration_minutes, meeting.video_url, meeting.agenda) == (
        45,
        "https://meet.example.com/grow",
        "Getting started",
    )
    assert set(sent) == {pair.mentor.email, pair.mentee.email}
    assert sent[pair.mentor.email].attachments[0][0].endswith(".ics")
    assert "We emailed a calendar invitation to Mo." in text(mentee.get(workspace_url(pair)))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": in_days(-1).isoformat()}, "date", "This time has passed."),
        ({"duration_minutes": "0"}, "duration_minutes", "A meeting takes at least 5 minutes."),
        ({"duration_minutes": "600"}, "duration_minutes", "A meeting takes at most 8 hours (480 minutes)."),
        ({"duration_minutes": "-30"}, "duration_minutes", "A meeting takes at least 5 minutes."),
        ({"date": ""}, "date", "Choose a date."),
        ({"time": "25:00"}, "time", "Enter a time, like 14:30."),
        ({"video_url": "not a link"}, "video_url", "Enter a valid URL."),
    ],
)
def test_bad_meetings_are_refused_beside_the_field_and_nothing_is_sent(pair, mentee, emails, overrides, field, message):
    sent = emails(lambda: mentee.post(url("meeting_new", pair.org, pair.mentorship.pk), meeting_data(**overrides)))
    assert emails.response.status_code == 400
    assert any(message in error for error in errors_of(emails.response)[field])
    assert f'id="id_{field}_error"' in emails.response.content.decode()  # beside the field, for screen readers too
    assert not Meeting.objects.exists() and sent == {}


def test_a_time_the_clocks_skip_is_refused_with_the_reason(pair, mentee):
    pair.mentee.time_zone = "Europe/Berlin"
    pair.mentee.save(update_fields=["time_zone"])
    # The next last Sunday of March: Berlin's clocks jump from 02:00 to 03:00.
    year = timezone.now().year + 1
    spring = max(d for d in (datetime(year, 3, day).date() for day in range(25, 32)) if d.weekday() == 6)
    response = mentee.post(
        url("meeting_new", pair.org, pair.mentorship.pk), meeting_data(date=spring.isoformat(), time="02:30")
    )
    assert response.status_code == 400
    assert "02:30 does not exist that night in Europe/Berlin" in errors_of(response)["time"][0]


def test_the_services_refusal_lands_beside_the_date(pair, mentee):
    """The form lets through a date more than a year out; the service refuses it, by the date."""
    response = mentee.post(
        url("meeting_new", pair.org, pair.mentorship.pk), meeting_data(date=in_days(400).isoformat())
    )
    assert response.status_code == 400
    assert errors_of(response)["date"] == ["Choose a time within the next year."]


# --- changing and cancelling ------------------------------------------------------------------------


def test_changing_a_meeting_starts_from_it_on_the_viewers_clock_and_sends_the_update(pair, mentor, emails):
    meeting = upcoming(pair, location="Room 4")
    page = text(mentor.get(url("meeting_edit", pair.org, meeting.pk)))
    local = meeting.starts_at.astimezone(zone(pair.mentor.time_zone))
    assert f'value="{local:%Y-%m-%d}"' in page and f'value="{local:%H:%M}"' in page and 'value="Room 4"' in page
    data = {"date": f"{local:%Y-%m-%d}", "time": "17:00", "duration_minutes": "45", "location": "Room 5"}
    sent = emails(lambda: mentor.post(url("meeting_edit", pair.org, meeting.pk), data))
    meeting.refresh_from_db()
    assert (meeting.location, meeting.sequence) == ("Room 5", 1)
    assert meeting.starts_at.astimezone(zone(pair.mentor.time_zone)).time() == time(17, 0)
    assert set(sent) == {pair.mentor.email, pair.mentee.email}


def test_cancelling_asks_first_then_takes_it_off_the_calendars(pair, mentee, emails):
    meeting = upcoming(pair)
    page = text(mentee.get(url("meeting_cancel", pair.org, meeting.pk)))
    assert "Cancel this meeting?" in page and "Yes, cancel the meeting" in page
    sent = emails(lambda: mentee.post(url("meeting_cancel", pair.org, meeting.pk)))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert all("METHOD:CANCEL" in email.attachments[0][1] for email in sent.values()) and len(sent) == 2


def test_a_meeting_that_has_started_can_no_longer_be_moved_or_cancelled(pair, mentee):
    meeting = upcoming(pair, days=-1)
    for name in ("meeting_edit", "meeting_cancel"):
        response = mentee.post(url(name, pair.org, meeting.pk), meeting_data(), follow=True)
        assert "This meeting can&#x27;t be changed any more" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (MeetingStatus.SCHEDULED, 0)


# --- logging ---------------------------------------------------------------------------------------


def log_data(**overrides):
    return {
        "held": "yes",
        "actual_minutes": "50",
        "format": "video",
        "topics": "goals, feedback",
        "shared_notes": "We agreed on a first goal.",
        "private_note": "",
        **overrides,
    }


def test_logging_saves_the_shared_log_and_a_private_note_only_its_author_reads(pair, mentee, mentor):
    meeting = upcoming(pair, days=-1)
    response = mentee.post(url("meeting_log", pair.org, meeting.pk), log_data(private_note="I felt heard."))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.actual_minutes, meeting.format) == (MeetingStatus.HELD, 50, "video")
    assert meeting.topics == ["goals", "feedback"] and meeting.logged_by == pair.mentee
    assert MeetingPrivateNote.objects.get(meeting=meeting).author == pair.mentee

    own = text(mentee.get(url("meeting_log", pair.org, meeting.pk)))
    assert "I felt heard." in own and "Private note: only you can see this" in own
    other = text(mentor.get(url("meeting_log", pair.org, meeting.pk)))
    assert "We agreed on a first goal." in other and "I felt heard." not in other
    assert "I felt heard." not in text(mentor.get(workspace_url(pair)))

    # The mentor logs it too: the shared log is updated, her private note stays hers.
    mentor.post(url("meeting_log", pair.org, meeting.pk), log_data(private_note="Ready for more."))
    notes = dict(MeetingPrivateNote.objects.filter(meeting=meeting).values_list("author__name", "text"))
    assert notes == {pair.mentee.name: "I felt heard.", pair.mentor.name: "Ready for more."}


def test_a_held_meeting_needs_its_length_and_format_and_one_that_did_not_happen_needs_neither(pair, mentee):
    meeting = upcoming(pair, days=-1)
    response = mentee.post(url("meeting_log", pair.org, meeting.pk), log_data(actual_minutes="", format=""))
    assert response.status_code == 400
    assert errors_of(response)["actual_minutes"] == ["How long did you meet?"]
    assert errors_of(response)["format"] == ["Choose how you met."]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED

    mentee.post(url("meeting_log", pair.org, meeting.pk), log_data(held="no", actual_minutes="", format=""))
    meeting.refresh_from_db()
    assert (meeting.status, meeting.actual_minutes) == (MeetingStatus.NOT_HELD, None)


def test_an_absurd_length_is_refused(pair, mentee):
    meeting = upcoming(pair, days=-1)
    response = mentee.post(url("meeting_log", pair.org, meeting.pk), log_data(actual_minutes="900"))
    assert errors_of(response)["actual_minutes"] == ["At most 600 minutes (10 hours)."]


def test_a_meeting_still_to_come_or_cancelled_cannot_be_logged(pair, mentee):
    meeting = upcoming(pair, days=2)
    response = mentee.post(url("meeting_log", pair.org, meeting.pk), log_data(), follow=True)
    assert "You can log a meeting once it has started." in response.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED, starts_at=at(-2))
    mentee.post(url("meeting_log", pair.org, meeting.pk), log_data())
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.logged_at is None


def test_a_meeting_never_scheduled_here_can_be_logged_after_the_fact(pair, mentee):
    page = text(mentee.get(url("meeting_log_unscheduled", pair.org, pair.mentorship.pk)))
    assert "Did the meeting happen?" not in page  # it did, or there would be nothing to log
    day = in_days(-2).isoformat()
    response = mentee.post(
        url("meeting_log_unscheduled", pair.org, pair.mentorship.pk), log_data(date=day, time="12:00")
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(mentorship=pair.mentorship)
    assert (meeting.status, meeting.actual_minutes) == (MeetingStatus.HELD, 50)
    assert meeting.starts_at == datetime.combine(in_days(-2), time(12, 0), tzinfo=zone(MENTEE_ZONE))


def test_a_meeting_in_the_future_cannot_be_logged_as_over(pair, mentee):
    response = mentee.post(
        url("meeting_log_unscheduled", pair.org, pair.mentorship.pk),
        log_data(date=in_days(2).isoformat(), time="12:00"),
    )
    assert response.status_code == 400
    assert errors_of(response)["date"] == ["This is still to come. Schedule it instead, and log it afterwards."]
    assert not Meeting.objects.exists()


def test_an_ended_mentorship_takes_no_new_meetings(pair, mentee):
    end(pair)
    response = mentee.post(url("meeting_new", pair.org, pair.mentorship.pk), meeting_data(), follow=True)
    assert "nothing can be changed" in response.content.decode()
    assert not Meeting.objects.exists()
