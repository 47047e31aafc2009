"""A meeting's calendar invitation: a standard iCalendar (RFC 5545 / iTIP RFC 5546) file built
with the `icalendar` library, attached to the email every member receives.

Calendars match an update to the event they already hold by its UID and apply it only when its
SEQUENCE is higher, so the meeting keeps one UID for life and the services raise its sequence
on every reschedule and on cancellation (METHOD:CANCEL). Times are written in UTC: each
calendar shows them in its owner's zone, so no VTIMEZONE block is needed.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Tandem//Mentoring meetings//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
# RFC 5546: a cancelled event's status goes with METHOD:CANCEL; an invitation is confirmed.
EVENT_STATUS = {REQUEST: "CONFIRMED", CANCEL: "CANCELLED"}


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


def content_type(method: str) -> str:
    """The MIME type of the attachment; mail clients read `method` to offer accept/decline.
    (The mail library adds the charset itself.)"""
    return f"text/calendar; method={method}"


def summary(program_name: str) -> str:
    return f"{program_name}: mentoring meeting"


def _address(person: Attendee, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = person.name
    for name, value in params.items():
        address.params[name.upper()] = value
    return address


def invitation_ics(
    meeting,
    *,
    method: str,
    program_name: str,
    organizer: Attendee,
    attendees: list[Attendee],
    stamp: datetime | None = None,
) -> bytes:
    """The .ics for `meeting` (uid, sequence, starts_at, duration_minutes, location, video_url,
    agenda are read from it): METHOD `REQUEST` for a new or moved meeting, `CANCEL` to take it
    off the calendars. `stamp` (DTSTAMP) is when this version was issued, now by default."""
    if method not in EVENT_STATUS:
        raise ValueError(f"method must be {REQUEST} or {CANCEL}")
    if meeting.starts_at.tzinfo is None:
        raise ValueError("meeting.starts_at must be timezone-aware")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("duration", timedelta(minutes=meeting.duration_minutes))
    event.add("summary", summary(program_name))
    event.add("status", EVENT_STATUS[method])
    event.add("organizer", _address(organizer))
    for attendee in attendees:
        # RSVP=FALSE: Tandem does not read calendar replies, so clients should not send them.
        event.add("attendee", _address(attendee, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="FALSE"))
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.video_url:
        event.add("url", meeting.video_url)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    calendar.add_component(event)
    return calendar.to_ical()
