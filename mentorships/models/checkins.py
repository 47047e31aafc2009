"""Check-ins, the derived pair health and the program manager's interventions."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from organizations.tenancy import TenantModel


class PairHealth(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    AT_RISK = "at_risk", "At risk"


class CheckIn(TenantModel):
    """One member's check-in for one period (periods start every `checkin_weeks` weeks from the
    mentorship's start)."""

    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="checkins")
    member = models.ForeignKey("mentorships.MentorshipMember", on_delete=models.CASCADE, related_name="checkins")
    period_start = models.DateField()
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True, default="", max_length=2000)
    wants_help = models.BooleanField(default=False, help_text="I'd like help from the program manager.")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "member", "period_start"], name="checkin_one_per_period")
        ]
        indexes = [models.Index(fields=["organization", "mentorship", "period_start"], name="checkin_org_mentorship")]
        ordering = ["-period_start", "pk"]


class Intervention(TenantModel):
    """What the program manager did about a pair: a nudge sent, or a note."""

    class Kind(models.TextChoices):
        NUDGE = "nudge", "Nudge sent"
        NOTE = "note", "Note"

    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    note = models.TextField(blank=True, default="", max_length=5000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "mentorship"], name="intervention_org_mentorship")]
        ordering = ["-created_at", "-pk"]
