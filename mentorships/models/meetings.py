"""Meetings: scheduled (with a calendar invitation), then logged as held or not."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from organizations.tenancy import TenantModel


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    HELD = "held", "Held"
    NOT_HELD = "not_held", "Did not happen"


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"


class Meeting(TenantModel):
    """One meeting of a mentorship. `uid` and `sequence` make its iCalendar invitation: a
    reschedule or a cancellation sends the same UID with a higher sequence, so calendars update
    the event rather than add one. A meeting logged without being scheduled has no invitation."""

    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="meetings")
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    starts_at = models.DateTimeField(help_text="Stored in UTC; shown in each member's own time zone.")
    duration_minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(5), MaxValueValidator(480)])
    location = models.CharField(max_length=300, blank=True, default="", help_text="A place, or leave empty.")
    video_url = models.URLField(max_length=500, blank=True, default="")
    agenda = models.TextField(blank=True, default="", max_length=5000)
    uid = models.CharField(max_length=120)
    sequence = models.PositiveIntegerField(default=0)
    scheduled_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The log, filled in after the meeting.
    logged_at = models.DateTimeField(null=True, blank=True)
    logged_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actual_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    format = models.CharField(max_length=10, choices=MeetingFormat.choices, blank=True, default="")
    topics = models.JSONField(default=list, blank=True)
    shared_notes = models.TextField(blank=True, default="", max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "uid"], name="meeting_uid_unique")]
        indexes = [
            models.Index(fields=["organization", "mentorship", "starts_at"], name="meeting_org_mentorship_start"),
            models.Index(fields=["organization", "status", "starts_at"], name="meeting_org_status_start"),
        ]
        ordering = ["-starts_at", "-pk"]


class MeetingPrivateNote(TenantModel):
    """A note only its author ever sees: not the other member, not the program manager, not the API."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=20000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "meeting", "author"], name="meetingprivatenote_unique")
        ]
