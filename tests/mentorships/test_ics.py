"""The calendar invitation parses back as standard iCalendar with what a calendar needs to add,
move or remove the meeting: method, UID, sequence, the UTC start, the length, everyone invited."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from mentorships.ics import CANCEL, REQUEST, Attendee, content_type, invitation_ics
from mentorships.models import Meeting

ANN = Attendee("Ann Lee", "ann@example.com")
MO = Attendee("Mo Diaz", "mo@example.com")
STAMP = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def meeting(**overrides):
    values = {
        "uid": "meeting-1234@tandem.example.com",
        "sequence": 0,
        "starts_at": datetime(2026, 3, 10, 15, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        "duration_minutes": 45,
        "location": "Café Rosa, table 3; upstairs",
        "video_url": "https://meet.example.com/abc-defg",
        "agenda": "Goals for spring\nFeedback, first round",
    }
    return Meeting(**{**values, **overrides})


def event_of(data: bytes):
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def attendees(event):
    found = event.get("attendee")
    found = found if isinstance(found, list) else [found]
    return {str(address): address.params["CN"] for address in found}


def test_an_invitation_has_everything_a_calendar_needs():
    data = invitation_ics(
        meeting(), method=REQUEST, program_name="Grow 2026", organizer=ANN, attendees=[ANN, MO], stamp=STAMP
    )
    calendar, event = event_of(data)

    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == "meeting-1234@tandem.example.com"
    assert event["sequence"] == 0
    # 15:00 in Berlin in March (winter time, UTC+1) is 14:00 UTC, written as UTC.
    assert event.decoded("dtstart") == datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    assert b"DTSTART:20260310T140000Z" in data
    assert event.decoded("duration") == timedelta(minutes=45)
    assert event.decoded("dtstamp") == STAMP
    assert str(event["summary"]) == "Grow 2026: mentoring meeting"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["organizer"]) == "mailto:ann@example.com"
    assert event["organizer"].params["CN"] == "Ann Lee"
    assert attendees(event) == {"mailto:ann@example.com": "Ann Lee", "mailto:mo@example.com": "Mo Diaz"}
    assert str(event["location"]) == "Café Rosa, table 3; upstairs"
    assert str(event["url"]) == "https://meet.example.com/abc-defg"
    assert str(event["description"]) == "Goals for spring\nFeedback, first round"


def test_a_cancellation_names_the_same_event_with_a_higher_sequence():
    data = invitation_ics(
        meeting(sequence=3), method=CANCEL, program_name="Grow 2026", organizer=ANN, attendees=[ANN, MO]
    )
    calendar, event = event_of(data)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert (str(event["uid"]), event["sequence"]) == ("meeting-1234@tandem.example.com", 3)


def test_empty_place_link_and_agenda_are_left_out():
    _, event = event_of(
        invitation_ics(
            meeting(location="", video_url="", agenda=""),
            method=REQUEST,
            program_name="P",
            organizer=ANN,
            attendees=[ANN, MO],
        )
    )
    assert not {"LOCATION", "URL", "DESCRIPTION"} & set(event)


def test_names_cannot_break_out_of_their_property():
    """A directory name with quotes, a colon or a line break stays one attendee's name."""
    sly = Attendee('Eve "Boss"\nATTENDEE:mailto:spy@evil.example', "eve@example.com")
    _, event = event_of(invitation_ics(meeting(), method=REQUEST, program_name="P", organizer=sly, attendees=[sly, MO]))
    assert set(attendees(event)) == {"mailto:eve@example.com", "mailto:mo@example.com"}
    assert event["organizer"].params["CN"] == sly.name  # escaped per RFC 6868, read back intact


def test_a_wall_clock_time_without_zone_is_refused():
    naive = meeting(starts_at=datetime(2026, 3, 10, 15, 0))
    with pytest.raises(ValueError):
        invitation_ics(naive, method=REQUEST, program_name="P", organizer=ANN, attendees=[])


def test_the_attachment_type_carries_the_method():
    assert content_type(REQUEST) == "text/calendar; method=REQUEST"
    assert content_type(CANCEL).startswith("text/calendar; method=CANCEL")
