"""Mentorships: the relationships that publishing a match creates.

A mentorship is a pair or a group; its members carry their role (mentor, mentee, peer) and the
enrollment they joined through. The matching stage creates them; the mentorships issue builds
the pair's workspace (meetings, goals, check-ins) on top.
"""

from django.conf import settings
from django.db import models

from organizations.tenancy import TenantModel
from programs.models import ParticipantRole


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"


# A mentorship in one of these still holds its members' places (and a mentor's capacity).
LIVE_STATUSES = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)


class Mentorship(TenantModel):
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="mentorships")
    status = models.CharField(max_length=12, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE)
    started_on = models.DateField()
    planned_end_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    # Confidential to the program manager: never shown to the members, never in the members' API.
    end_reason = models.TextField(blank=True, default="")
    # The match run whose publication created it; empty for a self-match or one made by hand.
    match_run = models.ForeignKey(
        "matching.MatchRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
    )
    score = models.FloatField(null=True, blank=True, help_text="Match score (0–100) when it was made.")
    reasons = models.JSONField(default=list, blank=True, help_text="The match explanation when it was made.")
    # Pair health: derived from meetings, check-ins and goals by services.health, never typed by
    # hand; stored so the at-risk queue and reports read one column.
    health = models.CharField(max_length=16, blank=True, default="")
    health_reasons = models.JSONField(default=list, blank=True)
    health_checked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "program", "status"], name="mentorship_org_prog_status"),
            models.Index(fields=["organization", "program", "health"], name="mentorship_org_prog_health"),
        ]
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return f"Mentorship {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class MentorshipMember(TenantModel):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="members")
    enrollment = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="mentorship_memberships")
    role = models.CharField(max_length=8, choices=ParticipantRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "mentorship", "enrollment"], name="mentorshipmember_unique")
        ]
        indexes = [
            models.Index(fields=["organization", "enrollment"], name="mentorshipmember_org_enr"),
            models.Index(fields=["organization", "person"], name="mentorshipmember_org_person"),
        ]
        ordering = ["role", "pk"]
