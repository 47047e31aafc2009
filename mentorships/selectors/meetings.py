"""Reads of a mentorship's meetings: what is next, the list a member sees (with their own
private notes and nobody else's), and the figures the logs give: mentoring hours and how often
a pair meets."""

from datetime import timedelta

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from ..models import Meeting, MeetingPrivateNote, MeetingStatus

MAX_MEETING = timedelta(minutes=480)  # the longest a scheduled meeting lasts
DAYS_PER_MONTH = 365.2425 / 12


def _meetings(mentorship):
    return Meeting.objects.for_org(mentorship.organization_id).filter(mentorship=mentorship)


def next_meeting(mentorship, *, now=None) -> Meeting | None:
    """The scheduled meeting that has not ended yet and starts first: one in progress counts,
    so the workspace shows the video link during the meeting too."""
    now = now or timezone.now()
    candidates = _meetings(mentorship).filter(status=MeetingStatus.SCHEDULED, starts_at__gt=now - MAX_MEETING)
    return next_of(candidates, now=now)


def next_of(meetings, *, now) -> Meeting | None:
    """next_meeting's answer among `meetings` (any iterable of one pair's meetings), for a caller
    that has already loaded them all."""
    not_ended = [
        meeting
        for meeting in meetings
        if meeting.status == MeetingStatus.SCHEDULED
        and meeting.starts_at > now - MAX_MEETING
        and meeting.starts_at + timedelta(minutes=meeting.duration_minutes) > now
    ]
    return min(not_ended, key=lambda meeting: (meeting.starts_at, meeting.pk), default=None)


def meetings_for(mentorship, person):
    """The mentorship's meetings, newest first, each with `my_private_note`: the text of
    `person`'s own private note on it, or None. Nobody else's note is ever read; one query."""
    own_note = MeetingPrivateNote.objects.for_org(mentorship.organization_id).filter(
        meeting=OuterRef("pk"), author=person
    )
    return _meetings(mentorship).annotate(my_private_note=Subquery(own_note.values("text")[:1]))


def last_held(mentorship) -> Meeting | None:
    return _meetings(mentorship).filter(status=MeetingStatus.HELD).order_by("-starts_at", "-pk").first()


def mentoring_hours(organization, mentorships) -> float:
    """Hours of held meetings (their logged length) across `mentorships` (a queryset) of
    `organization`: meetings are read through for_org, so another organization's mentorship in
    the queryset adds nothing."""
    held = Meeting.objects.for_org(organization).filter(mentorship__in=mentorships, status=MeetingStatus.HELD)
    minutes = held.aggregate(total=Sum("actual_minutes"))["total"]
    return (minutes or 0) / 60


def meeting_frequency(mentorship, *, today=None) -> float:
    """Held meetings per month from the mentorship's start to its end (or today). The first
    month counts as a whole one, so a pair that met once in its first week meets "once a
    month", not four times."""
    end = mentorship.ended_on or today or timezone.localdate()
    months = max((end - mentorship.started_on).days / DAYS_PER_MONTH, 1.0)
    held = _meetings(mentorship).filter(status=MeetingStatus.HELD).count()
    return held / months
