"""SMART goals with milestones and the mentor's comments."""

from django.core.validators import MaxValueValidator
from django.db import models

from organizations.tenancy import TenantModel


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class Goal(TenantModel):
    """Owned by a mentee (`owner`), or shared by a group (no owner). Progress is typed 0–100, or,
    when `progress` is empty and the goal has milestones, the share of milestones done."""

    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(
        "mentorships.MentorshipMember", null=True, blank=True, on_delete=models.CASCADE, related_name="goals"
    )
    statement = models.CharField(max_length=300, help_text="Specific: what will be different.")
    measure = models.CharField(max_length=300, help_text="Measurable: how you will know.")
    target_date = models.DateField(help_text="Time-bound: by when.")
    relevance = models.TextField(blank=True, default="", max_length=2000, help_text="Relevant: why it matters.")
    status = models.CharField(max_length=12, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    achieved_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey("organizations.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "mentorship", "status"], name="goal_org_mentorship_status"),
            models.Index(fields=["organization", "status", "target_date"], name="goal_org_status_target"),
        ]
        ordering = ["target_date", "pk"]


class Milestone(TenantModel):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["organization", "goal"], name="milestone_org_goal")]
        ordering = ["order", "due_date", "pk"]


class GoalComment(TenantModel):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "goal"], name="goalcomment_org_goal")]
        ordering = ["created_at", "pk"]
