"""Program design, per-program managers, objectives, enrollment, invitations, nominations, training.

A program's audience is a small JSON document of rules over the people directory (see
programs/audience.py, the one place that interprets it).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from organizations.tenancy import TenantModel


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RECRUITING = "recruiting", "Recruiting"
    MATCHING = "matching", "Matching"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


# The lifecycle: forward one step, or back one step before the program runs. Enforced by
# services.program_transition; every change is recorded as a ProgramStatusChange.
ALLOWED_TRANSITIONS = {
    ProgramStatus.DRAFT: {ProgramStatus.RECRUITING},
    ProgramStatus.RECRUITING: {ProgramStatus.MATCHING, ProgramStatus.DRAFT},
    ProgramStatus.MATCHING: {ProgramStatus.ACTIVE, ProgramStatus.RECRUITING},
    ProgramStatus.ACTIVE: {ProgramStatus.CLOSED},
    ProgramStatus.CLOSED: set(),
}


class MentoringModel(models.TextChoices):
    ONE_ON_ONE = "one_on_one", "One-on-one"
    GROUP = "group", "Group (one mentor, several mentees)"
    NEAR_PEER = "near_peer", "Near-peer"
    PEER_COACHING = "peer_coaching", "Peer coaching"
    REVERSE = "reverse", "Reverse mentoring"
    PEER_CIRCLES = "peer_circles", "Peer circles"
    ROTATION = "rotation", "Rotation rounds (coffee chats)"


class ParticipantRole(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"
    PEER = "peer", "Peer"


# Models without a mentor pair peers with each other; all others have mentors and mentees.
PEER_MODELS = {MentoringModel.PEER_CIRCLES, MentoringModel.ROTATION, MentoringModel.PEER_COACHING}
GROUP_MODELS = {MentoringModel.GROUP, MentoringModel.PEER_CIRCLES}


# Which of a program's foreign keys holds each role's intake questionnaire.
QUESTIONNAIRE_FIELDS = {
    ParticipantRole.MENTOR: "mentor_questionnaire",
    ParticipantRole.MENTEE: "mentee_questionnaire",
    ParticipantRole.PEER: "peer_questionnaire",
}


def roles_for_model(model: str) -> list[str]:
    if model in PEER_MODELS:
        return [ParticipantRole.PEER]
    return [ParticipantRole.MENTOR, ParticipantRole.MENTEE]


class Program(TenantModel):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    status = models.CharField(max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT)
    model = models.CharField(max_length=16, choices=MentoringModel.choices, default=MentoringModel.ONE_ON_ONE)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    cadence_weeks = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(26)], help_text="Meet every N weeks."
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(10), MaxValueValidator(480)]
    )
    checkin_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text="Ask for a check-in every N weeks.",
    )
    mentor_default_capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(50)], help_text="Mentees a mentor takes unless they say otherwise."
    )
    group_size_min = models.PositiveSmallIntegerField(null=True, blank=True)
    group_size_max = models.PositiveSmallIntegerField(null=True, blank=True)
    ground_rules = models.TextField(blank=True, default="", help_text="Markdown.")
    confidentiality = models.TextField(blank=True, default="", help_text="Markdown.")
    handbook = models.TextField(blank=True, default="", help_text="Markdown.")
    executive_sponsor = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsored_programs"
    )
    audience = models.JSONField(default=dict, blank=True, help_text="Who may join: see programs/audience.py.")
    requires_training = models.BooleanField(
        default=False, help_text="Participants must complete their training before they can be matched."
    )
    mentor_questionnaire = models.ForeignKey(
        "surveys.Questionnaire", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentee_questionnaire = models.ForeignKey(
        "surveys.Questionnaire", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    peer_questionnaire = models.ForeignKey(
        "surveys.Questionnaire", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Content from templates that later stages use: suggested matching criteria (the matching
    # issue turns them into real criteria) and discussion prompts (the mentorships issue).
    matching_hints = models.JSONField(default=list, blank=True)
    discussion_prompts = models.JSONField(default=list, blank=True)
    template_key = models.CharField(max_length=40, blank=True, default="")
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="cycles")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "status"], name="program_org_status")]
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return self.name

    @property
    def roles(self) -> list[str]:
        return roles_for_model(self.model)

    def questionnaire_for(self, role):
        field = QUESTIONNAIRE_FIELDS.get(role)
        return getattr(self, field) if field else None


class ProgramStatusChange(TenantModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=ProgramStatus.choices)
    to_status = models.CharField(max_length=12, choices=ProgramStatus.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["organization", "program", "changed_at"], name="programstatus_org_prog")]
        ordering = ["changed_at", "pk"]


class ProgramManager(TenantModel):
    """The per-program `manager` role: designs, recruits, reviews and runs this program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="manager_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="managed_programs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "program", "user"], name="programmanager_unique")
        ]


class Objective(TenantModel):
    """A SMART objective; reports measure progress against exactly these."""

    class Metric(models.TextChoices):
        RETENTION = "retention", "Retention (%)"
        PROMOTION_RATE = "promotion_rate", "Promotion rate (%)"
        SATISFACTION = "satisfaction", "Satisfaction (1–5)"
        NPS = "nps", "Net Promoter Score"
        MEETINGS_PER_PAIR = "meetings_per_pair", "Meetings per pair per month"
        GOAL_COMPLETION = "goal_completion", "Goal completion (%)"
        CUSTOM = "custom", "Custom"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="objectives")
    metric = models.CharField(max_length=20, choices=Metric.choices)
    custom_name = models.CharField(max_length=200, blank=True, default="", help_text="For a custom metric.")
    unit = models.CharField(max_length=40, blank=True, default="", help_text="For a custom metric, e.g. days.")
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    deadline = models.DateField()
    rationale = models.TextField(blank=True, default="")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["organization", "program"], name="objective_org_program")]
        ordering = ["order", "pk"]


class EnrollmentStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    APPROVED = "approved", "Approved"
    WAITLISTED = "waitlisted", "Waitlisted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Enrollment(TenantModel):
    class Source(models.TextChoices):
        APPLIED = "applied", "Applied"
        INVITED = "invited", "Invited"
        NOMINATED = "nominated", "Nominated"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=8, choices=ParticipantRole.choices)
    status = models.CharField(max_length=12, choices=EnrollmentStatus.choices, default=EnrollmentStatus.APPLIED)
    reason = models.TextField(blank=True, default="", help_text="Why it was decided so; sent to the applicant.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(50)], help_text="Mentors: how many mentees."
    )
    motivation = models.TextField(blank=True, default="")
    response = models.ForeignKey("surveys.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.APPLIED)
    # Empty while a nominee who accepted has not yet filled in the join form (role, intake,
    # motivation, capacity); set by every application.
    intake_submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "program", "person"], name="enrollment_unique_person")
        ]
        indexes = [models.Index(fields=["organization", "program", "status", "role"], name="enrollment_org_queue")]
        ordering = ["created_at", "pk"]


class EnrollmentNotification(TenantModel):
    """The send log of decision emails: one row per decision, written with the decision.

    The email task claims a row with a compare-and-set on `sending_at`, so a retried or
    redelivered task never emails the same decision twice.
    """

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="notifications")
    status = models.CharField(max_length=12, choices=EnrollmentStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "enrollment"], name="enrollmentnotice_org_enr")]
        ordering = ["created_at", "pk"]


class ProgramInvitation(TenantModel):
    """One invitation email per person per program, ever: the row is the send log.

    The unique key is inserted before anything is sent; the send task claims the row with a
    compare-and-set on `sent_at`, so a retried or redelivered task never sends twice.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="program_invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "program", "person"], name="programinvitation_unique")
        ]


class Nomination(TenantModel):
    """A manager nominates a direct report as a mentor; the nominee accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="nominations")
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # The nominee's email, claimed like a ProgramInvitation's: compare-and-set on sending_at.
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "program", "nominee"], name="nomination_unique")]


class TrainingModule(TenantModel):
    """Mentor training or mentee orientation: Markdown content, an optional quiz, an acknowledgement.

    `quiz` is a list of {"question": str, "choices": [str, ...], "answer": index}; a quiz is
    passed with at least `pass_mark` percent right.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="training_modules")
    role = models.CharField(
        max_length=8, choices=ParticipantRole.choices, blank=True, default="", help_text="Empty: for everyone."
    )
    title = models.CharField(max_length=200)
    content = models.TextField(help_text="Markdown.")
    quiz = models.JSONField(default=list, blank=True)
    pass_mark = models.PositiveSmallIntegerField(default=80, validators=[MaxValueValidator(100)])
    requires_acknowledgement = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["organization", "program", "order"], name="training_org_program")]
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class TrainingCompletion(TenantModel):
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="training_completions")
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Quiz score in percent.")
    passed = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "module", "enrollment"], name="trainingcompletion_unique")
        ]
