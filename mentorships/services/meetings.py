"""Meetings: schedule, reschedule, cancel and log them, and each member's private notes.

Only the members of a mentorship act on its meetings (anyone else: PermissionDenied); another
organization's mentorship or meeting is refused like a missing one. Every other refusal is a
ValidationError naming the field at fault, and changes nothing.

Times arrive timezone-aware (the pages turn a member's wall-clock input into UTC with
mentorships.timezones.local_to_utc) and are stored in UTC. Scheduling, rescheduling and
cancelling send every member, the one who acted included, an email with the calendar
invitation (mentorships/ics.py) after commit, through organizations.notify under a key naming
the meeting's UID, its sequence and the member: each version reaches each member exactly once.
"""

import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from organizations.models import Organization
from organizations.notify import notify

from .. import ics
from ..models import Meeting, MeetingFormat, MeetingPrivateNote, MeetingStatus, MentorshipMember
from ..notification_kinds import MEETING_INVITATION
from ..timezones import person_zone, zone
from ._pair import acting_member, raise_errors, require_live, same_org
from .health import health_refresh

DURATION_MIN, DURATION_MAX = 5, 480  # a scheduled meeting, minutes (the model's bounds)
ACTUAL_MIN, ACTUAL_MAX = 1, 600  # how long it really lasted
SCHEDULE_AHEAD_MAX = timedelta(days=366)  # further out is a typo in the year, not a plan
TOPICS_MAX, TOPIC_LENGTH = 20, 100
TEXT_LIMITS = {"location": 300, "video_url": 500, "agenda": 5000, "shared_notes": 20_000, "private_note": 20_000}
EMAIL_TEMPLATE = "mentorships/emails/meeting_invitation"
_url_validator = URLValidator(schemes=["http", "https"])


# --- checks ---------------------------------------------------------------------------------


def _locked(organization, meeting) -> Meeting:
    """The meeting re-read under a row lock, so two members acting at once raise the sequence
    twice rather than both writing the same one."""
    return Meeting.objects.for_org(organization).select_for_update().select_related("mentorship").get(pk=meeting.pk)


def _aware(value, errors, field="starts_at"):
    """`value` as a UTC datetime, or None with an error: naive times are ambiguous by nature."""
    if not isinstance(value, datetime):
        errors[field] = "Choose a date and a time."
        return None
    if timezone.is_naive(value):
        errors[field] = "Give the time with its time zone."
        return None
    return value.astimezone(UTC)


def _upcoming(value, errors, now):
    starts_at = _aware(value, errors)
    if starts_at is None:
        return None
    if starts_at <= now:
        errors["starts_at"] = "Choose a time in the future: this one has already passed."
    elif starts_at > now + SCHEDULE_AHEAD_MAX:
        errors["starts_at"] = "Choose a time within the next year."
    return starts_at


def _whole_number(value, errors, field, low, high, message):
    """An int within [low, high], or None with `message` as the error (text, fractions,
    booleans and None are refused the same way)."""
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        number = None
    if number is None or not low <= number <= high:
        errors[field] = message
        return None
    return number


def _duration(value, errors):
    return _whole_number(
        value, errors, "duration_minutes", DURATION_MIN, DURATION_MAX,
        f"Enter a duration between {DURATION_MIN} and {DURATION_MAX} minutes.",
    )  # fmt: skip


def _text(value, errors, field):
    text = (value or "").strip() if isinstance(value, str | type(None)) else None
    if text is None:
        errors[field] = "Enter text."
    elif len(text) > TEXT_LIMITS[field]:
        errors[field] = f"Keep this under {TEXT_LIMITS[field]:,} characters."
    return text


def _details(values: dict, errors) -> dict:
    """Place, video link and agenda as stored: stripped, bounded, the link a web address."""
    cleaned = {field: _text(values[field], errors, field) for field in ("location", "video_url", "agenda")}
    if cleaned["video_url"] and "video_url" not in errors:
        try:
            _url_validator(cleaned["video_url"])
        except ValidationError:
            errors["video_url"] = "Enter a web address starting with https://."
    return cleaned


def _topics(value, errors) -> list[str]:
    """Topics as a list or typed with commas -> distinct, trimmed, non-empty."""
    items = value.split(",") if isinstance(value, str) else value
    if items is None:
        return []
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        errors["topics"] = "Give the topics as a list of words, or separated by commas."
        return []
    topics = []
    for item in items:
        topic = " ".join(item.split())
        if topic and topic.lower() not in {t.lower() for t in topics}:
            topics.append(topic)
    if len(topics) > TOPICS_MAX:
        errors["topics"] = f"Name at most {TOPICS_MAX} topics."
    elif any(len(topic) > TOPIC_LENGTH for topic in topics):
        errors["topics"] = f"Keep each topic under {TOPIC_LENGTH} characters."
    return topics


def _new_uid() -> str:
    """Globally unique, as RFC 5545 asks: random, at the site's host name."""
    host = urlparse(settings.SITE_URL).hostname or "tandem"
    return f"meeting-{uuid.uuid4().hex}@{host}"


# --- scheduling -----------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *, organization, mentorship, person, starts_at, duration_minutes, location="", video_url="", agenda=""
) -> Meeting:
    """Schedule a meeting of `mentorship` by its member `person`; every member gets the
    invitation (METHOD:REQUEST, sequence 0) after commit."""
    same_org(organization, mentorship, person)
    acting_member(organization, mentorship, person)
    require_live(mentorship)
    errors = {}
    starts_at = _upcoming(starts_at, errors, timezone.now())
    duration_minutes = _duration(duration_minutes, errors)
    details = _details({"location": location, "video_url": video_url, "agenda": agenda}, errors)
    raise_errors(errors)
    meeting = Meeting.objects.create(
        organization=organization,
        mentorship=mentorship,
        status=MeetingStatus.SCHEDULED,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        uid=_new_uid(),
        sequence=0,
        scheduled_by=person,
        **details,
    )
    _invite_after_commit(organization, meeting)
    return meeting


_KEEP = object()  # reschedule: "leave this as it is"


@transaction.atomic
def meeting_reschedule(
    *,
    organization,
    meeting,
    person,
    starts_at=_KEEP,
    duration_minutes=_KEEP,
    location=_KEEP,
    video_url=_KEEP,
    agenda=_KEEP,
) -> Meeting:
    """Change a scheduled meeting's time, length, place, link or agenda (what is not given
    stays). A real change raises the sequence and sends every member the updated invitation
    (same UID); saving it unchanged sends nothing."""
    same_org(organization, meeting, person)
    meeting = _locked(organization, meeting)
    acting_member(organization, meeting.mentorship, person)
    require_live(meeting.mentorship)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(
            f"This meeting is {meeting.get_status_display().lower()}: it can't be moved.", code="not_scheduled"
        )
    if meeting.starts_at <= timezone.now():
        # Moving a meeting that started (or was missed) would quietly turn history into a plan.
        raise ValidationError({"starts_at": ["This meeting has already started: log it instead of moving it."]})
    given = {
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "location": location,
        "video_url": video_url,
        "agenda": agenda,
    }
    values = {field: getattr(meeting, field) if value is _KEEP else value for field, value in given.items()}
    errors = {}
    values["starts_at"] = _upcoming(values["starts_at"], errors, timezone.now())
    values["duration_minutes"] = _duration(values["duration_minutes"], errors)
    values.update(_details(values, errors))
    raise_errors(errors)
    changed = [field for field, value in values.items() if getattr(meeting, field) != value]
    if not changed:
        return meeting
    for field in changed:
        setattr(meeting, field, values[field])
    meeting.sequence += 1
    meeting.save(update_fields=[*changed, "sequence", "updated_at"])
    _invite_after_commit(organization, meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, organization, meeting, person) -> Meeting:
    """Cancel a scheduled meeting that has not started: the sequence goes up and every member
    gets METHOD:CANCEL, which takes it off their calendars."""
    same_org(organization, meeting, person)
    meeting = _locked(organization, meeting)
    acting_member(organization, meeting.mentorship, person)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(
            f"This meeting is {meeting.get_status_display().lower()}: it can't be cancelled.", code="not_scheduled"
        )
    if meeting.starts_at <= timezone.now():
        raise ValidationError(
            "This meeting has already started: log it as not held instead of cancelling it.", code="started"
        )
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    _invite_after_commit(organization, meeting)
    return meeting


# --- the log --------------------------------------------------------------------------------


def _log_time(organization, mentorship, meeting, starts_at, errors):
    """When the logged meeting happened: its scheduled time unless corrected. It must be over
    the start, not before the mentorship began, and, once the mentorship ended, not after."""
    if starts_at is None and meeting is not None:
        starts_at = meeting.starts_at
    starts_at = _aware(starts_at, errors)
    if starts_at is None:
        return None
    local_date = starts_at.astimezone(zone(organization.time_zone)).date()
    if starts_at > timezone.now():
        errors["starts_at"] = "This meeting hasn't happened yet: log it once it has started."
    elif local_date < mentorship.started_on:
        started = dateformat.format(mentorship.started_on, "j F Y")
        errors["starts_at"] = f"Your mentorship started on {started}: pick a later date."
    elif meeting is None and not mentorship.is_live and not (mentorship.ended_on and local_date <= mentorship.ended_on):
        errors["starts_at"] = "This mentorship has ended: only meetings from before it ended can be logged."
    return starts_at


@transaction.atomic
def meeting_log(
    *,
    organization,
    meeting=None,
    mentorship,
    person,
    held,
    starts_at=None,
    actual_minutes=None,
    format="",  # the model field's name
    topics=(),
    shared_notes="",
    private_note=None,
) -> Meeting:
    """Log how a meeting went: a scheduled `meeting`, or (meeting=None) one never scheduled,
    which needs `starts_at`. Either member may log, and log again (the latest log stands).

    `held` says whether it happened; a held meeting needs `actual_minutes` (1–600). `topics` is
    a list (or comma-separated text), `shared_notes` are seen by the members of the mentorship
    only (never the program manager). `private_note` is saved for `person` alone ("" removes theirs, None leaves it).
    Then the pair's health is recomputed.
    """
    same_org(organization, mentorship, meeting, person)
    if meeting is not None:
        meeting = _locked(organization, meeting)
        if meeting.mentorship_id != mentorship.pk:
            raise ValidationError("Not found.")
    acting_member(organization, mentorship, person)
    if meeting is not None and meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("This meeting was cancelled: a cancelled meeting can't be logged.", code="cancelled")
    errors = {}
    starts_at = _log_time(organization, mentorship, meeting, starts_at, errors)
    if not isinstance(held, bool):
        errors["held"] = "Say whether the meeting happened."
    elif held:
        actual_minutes = _whole_number(
            actual_minutes, errors, "actual_minutes", ACTUAL_MIN, ACTUAL_MAX,
            f"Enter how long it lasted: between {ACTUAL_MIN} and {ACTUAL_MAX} minutes.",
        )  # fmt: skip
    else:
        actual_minutes = None  # a meeting that did not happen lasted no time, whatever the form held
    if format not in ("", *MeetingFormat.values):
        errors["format"] = "Choose one of the formats offered."
    topics = _topics(topics, errors)
    shared_notes = _text(shared_notes, errors, "shared_notes")
    if private_note is not None:
        private_note = _text(private_note, errors, "private_note")
    raise_errors(errors)

    if meeting is None:
        meeting = Meeting(
            organization=organization,
            mentorship=mentorship,
            uid=_new_uid(),
            # Never scheduled, so it has no invitation; the planned length is what it lasted.
            duration_minutes=min(max(actual_minutes or mentorship.program.meeting_minutes, DURATION_MIN), DURATION_MAX),
        )
    meeting.starts_at = starts_at
    meeting.status = MeetingStatus.HELD if held else MeetingStatus.NOT_HELD
    meeting.actual_minutes = actual_minutes
    meeting.format = format
    meeting.topics = topics
    meeting.shared_notes = shared_notes
    meeting.logged_at = timezone.now()
    meeting.logged_by = person
    meeting.save()
    if private_note is not None:
        _save_private_note(organization, meeting, person, private_note)
    health_refresh(organization=organization, mentorship_ids=[mentorship.pk])
    return meeting


# --- private notes --------------------------------------------------------------------------


def _save_private_note(organization, meeting, person, text):
    if not text:
        MeetingPrivateNote.objects.for_org(organization).filter(meeting=meeting, author=person).delete()
        return None
    note, _ = MeetingPrivateNote.objects.update_or_create(
        organization=organization, meeting=meeting, author=person, defaults={"text": text}
    )
    return note


@transaction.atomic
def private_note_save(*, organization, meeting, person, text) -> MeetingPrivateNote | None:
    """Save `person`'s own private note on `meeting` (empty text removes it). Nobody else ever
    reads it: not the other members, not the program manager, not the API."""
    same_org(organization, meeting, person)
    acting_member(organization, meeting.mentorship, person)
    errors = {}
    text = _text(text, errors, "private_note")
    raise_errors(errors)
    return _save_private_note(organization, meeting, person, text)


# --- invitations ----------------------------------------------------------------------------


def _invite_after_commit(organization, meeting):
    from ..tasks import send_meeting_invitations_task  # the tasks module imports this one

    organization_id, meeting_id = organization.pk, meeting.pk
    transaction.on_commit(lambda: send_meeting_invitations_task.delay(organization_id, meeting_id))


def send_meeting_invitations(*, organization_id, meeting_id) -> int:
    """Send every member the meeting's current invitation; returns how many went out now.
    Called after commit by tasks.send_meeting_invitations_task. Members without an account are
    skipped: a notification needs a user."""
    organization = Organization.objects.get(pk=organization_id)
    meeting = Meeting.objects.for_org(organization).select_related("mentorship__program").filter(pk=meeting_id).first()
    if meeting is None:  # deleted before the task ran
        return 0
    members = list(
        MentorshipMember.objects.for_org(organization)
        .filter(mentorship=meeting.mentorship)
        .select_related("person__user")
        .order_by("pk")
    )
    method = ics.CANCEL if meeting.status == MeetingStatus.CANCELLED else ics.REQUEST
    attendees = [_attendee(member.person) for member in members]
    organizer = _organizer(meeting, members, attendees)
    calendar = ics.invitation_ics(
        meeting,
        method=method,
        program_name=meeting.mentorship.program.name,
        organizer=organizer,
        attendees=[attendee for attendee in attendees if attendee.email],
    )
    sent = 0
    for member in members:
        if member.person.user is not None:
            sent += _send_invitation(organization, meeting, member, members, method, calendar)
    return sent


def _attendee(person) -> ics.Attendee:
    user_email = person.user.email if person.user else ""
    return ics.Attendee(name=person.name, email=person.email or user_email)


def _organizer(meeting, members, attendees) -> ics.Attendee:
    """Whoever scheduled it, for the meeting's whole life (calendars expect the organizer of an
    event never to change); the site's sender when that person has no address."""
    for member, attendee in zip(members, attendees, strict=True):
        if member.person_id == meeting.scheduled_by_id and attendee.email:
            return attendee
    return ics.Attendee(name=meeting.mentorship.program.name, email=_from_address())


def _from_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "tandem@localhost"


def _change(meeting) -> str:
    if meeting.status == MeetingStatus.CANCELLED:
        return "cancelled"
    return "new" if meeting.sequence == 0 else "moved"


SUBJECTS = {"new": "Meeting invitation", "moved": "Meeting updated", "cancelled": "Meeting cancelled"}


def _workspace_path(organization, mentorship) -> str:
    return reverse("mentorships:workspace", kwargs={"org_slug": organization.slug, "pk": mentorship.pk})


def _send_invitation(organization, meeting, member, members, method, calendar) -> bool:
    """One member's email: the time in their own zone, the .ics attached."""
    person = member.person
    tz = person_zone(person, fallback=organization.time_zone)
    starts_local = meeting.starts_at.astimezone(tz)
    change = _change(meeting)
    program = meeting.mentorship.program
    title = f"{SUBJECTS[change]}: {program.name}, {dateformat.format(starts_local, 'D j M, H:i')} ({tz.key})"
    return notify(
        organization=organization,
        user=person.user,
        kind=MEETING_INVITATION,
        key=f"meeting:{meeting.uid}:{meeting.sequence}:{member.pk}",
        title=title,
        body=f"With {', '.join(m.person.name for m in members if m.pk != member.pk) or 'your group'}.",
        url=_workspace_path(organization, meeting.mentorship),
        email_template=EMAIL_TEMPLATE,
        email_context={
            "person": person,
            "program": program,
            "meeting": meeting,
            "change": change,
            "others": [m.person for m in members if m.pk != member.pk],
            "zone_name": tz.key,
            "ends_at": meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
        },
        attachments=[("meeting.ics", calendar, ics.content_type(method))],
    )
