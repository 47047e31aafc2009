"""Matching: criteria and hard rules, match runs and their proposals, self-match requests, rematch.

The numeric work lives in the pure modules (scoring.py, solver.py, circles.py, rotation.py,
quality.py); these tables hold what a program manager configures and what a run produced.
Scores are on a 0–100 scale: 100 means every weighted criterion fully met.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from organizations.tenancy import TenantModel


class CriterionKind(models.TextChoices):
    OVERLAP = "overlap", "Overlap (what one wants ↔ what the other offers)"
    SAME = "same", "Same value"
    DIFFERENT = "different", "Different value"
    GAP = "gap", "Numeric gap (near-peer)"


# Directory fields a criterion can use instead of an intake question. `tenure_years` is derived
# from the hire date; `languages` is a list (so it suits an overlap); the rest are single values.
class DirectoryAttribute(models.TextChoices):
    DEPARTMENT = "department", "Department"
    TEAM = "team", "Team"
    LOCATION = "location", "Location"
    TIME_ZONE = "time_zone", "Time zone band"
    LANGUAGES = "languages", "Languages"
    LEVEL = "level", "Level"
    TENURE_YEARS = "tenure_years", "Years in the organization"


class MatchingCriterion(TenantModel):
    """One weighted criterion of a program's matching, over intake questions or a directory field.

    Either both questions (the mentee's and the mentor's; for peer programs the same peer
    question twice) or `attribute` is set, never both. `required` turns the criterion into a
    hard rule: a pair that fails it is impossible (same/different: a known mismatch; overlap:
    nothing in common; gap: outside [hard_min, hard_max], or outside the tolerance band when
    no bounds are given).
    """

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="matching_criteria")
    kind = models.CharField(max_length=10, choices=CriterionKind.choices)
    label = models.CharField(max_length=200, help_text="In words a participant understands.")
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0), MaxValueValidator(100.0)])
    mentee_question = models.ForeignKey(
        "surveys.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor_question = models.ForeignKey(
        "surveys.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attribute = models.CharField(max_length=16, choices=DirectoryAttribute.choices, blank=True, default="")
    required = models.BooleanField(default=False, help_text="A hard rule: pairs failing it are never made.")
    # Overlap in peer programs counts both ways (each one's wants against the other's offers).
    reciprocal = models.BooleanField(default=False)
    # Gap: the wanted difference mentor − mentee (e.g. 1.5 = "one or two ahead"), the band around
    # it that scores full marks, and optional hard bounds ("never behind" = hard_min 0).
    gap_target = models.FloatField(null=True, blank=True)
    gap_tolerance = models.FloatField(default=0.0, validators=[MinValueValidator(0.0)])
    gap_hard_min = models.FloatField(null=True, blank=True)
    gap_hard_max = models.FloatField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "program"], name="matchcriterion_org_program")]
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label


class MatchingMode(models.TextChoices):
    MANAGED = "managed", "The program manager runs matching and publishes"
    SELF_MATCH = "self_match", "Mentees choose from suggested mentors"


class MatchingSettings(TenantModel):
    """A program's hard rules and matching options (one row per program, made on first use)."""

    program = models.OneToOneField("programs.Program", on_delete=models.CASCADE, related_name="matching_settings")
    mode = models.CharField(max_length=12, choices=MatchingMode.choices, default=MatchingMode.MANAGED)
    min_score = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
        help_text="Below this score (0–100) a person stays unmatched rather than badly matched.",
    )
    exclude_reporting_line = models.BooleanField(
        default=True, help_text="Never a person with their manager or anyone in their reporting line."
    )
    exclude_previous_pairs = models.BooleanField(
        default=True, help_text="Never repeat a pair from an earlier cycle, round or ended match."
    )
    preference_bonus = models.FloatField(
        default=10.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
        help_text="Points added when a mentee asked for this mentor.",
    )
    suggestions_shown = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(20)], help_text="Self-match: mentors suggested."
    )
    max_pending_requests = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="Self-match: open requests."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "program"], name="matchingsettings_unique")]


class PairExclusion(TenantModel):
    """A participant's private "please not this person" entry; only they and the engine see it."""

    enrollment = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="pair_exclusions")
    excluded_person = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "enrollment", "excluded_person"], name="pairexclusion_unique"
            )
        ]


class MatchPreference(TenantModel):
    """A mentee's "I would like this person": a score bonus, never a guarantee."""

    enrollment = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="match_preferences")
    preferred_person = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "enrollment", "preferred_person"], name="matchpreference_unique"
            )
        ]


class MatchRunKind(models.TextChoices):
    PAIRS = "pairs", "Mentors and mentees"
    CIRCLES = "circles", "Peer circles"
    ROTATION = "rotation", "Rotation round"


class MatchRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Ready for review"
    FAILED = "failed", "Failed"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"


class MatchRun(TenantModel):
    """One matching job: its parameters, progress, metrics and (via proposals) its result.

    `parameters` is a snapshot of everything the result depends on (criteria, settings, the
    pool, locked pairs), so the same parameters give the same proposals. `incremental` runs
    keep every live mentorship and match only the free people.
    """

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="match_runs")
    kind = models.CharField(max_length=10, choices=MatchRunKind.choices, default=MatchRunKind.PAIRS)
    status = models.CharField(max_length=10, choices=MatchRunStatus.choices, default=MatchRunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    progress_message = models.CharField(max_length=200, blank=True, default="")
    incremental = models.BooleanField(default=False)
    base_run = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns", help_text="Re-run of."
    )
    parameters = models.JSONField(default=dict, blank=True)
    input_digest = models.CharField(max_length=64, blank=True, default="")
    metrics = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["organization", "program", "created_at"], name="matchrun_org_prog_created")]
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Match run {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status not in (MatchRunStatus.QUEUED, MatchRunStatus.RUNNING)

    @property
    def is_editable(self) -> bool:
        return self.status == MatchRunStatus.SUCCEEDED


class ProposalOrigin(models.TextChoices):
    SOLVER = "solver", "Proposed by the engine"
    LOCKED = "locked", "Kept from a locked pair"
    MANUAL = "manual", "Added by hand"
    SWAPPED = "swapped", "Swapped by hand"


class MatchProposal(TenantModel):
    """One proposed mentorship (a pair, a mentor's group, a circle, a rotation pair or triple)."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    number = models.PositiveIntegerField(help_text="Display order within the run.")
    score = models.FloatField()
    # [{"criterion": label, "points": float, "max_points": float, "text": plain words}, …]
    reasons = models.JSONField(default=list, blank=True)
    # Hard rules a hand-made pair breaks, in words; empty for anything the engine proposed.
    flags = models.JSONField(default=list, blank=True)
    origin = models.CharField(max_length=8, choices=ProposalOrigin.choices, default=ProposalOrigin.SOLVER)
    locked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "run", "number"], name="matchproposal_number")]
        ordering = ["number"]


class ProposalMember(TenantModel):
    proposal = models.ForeignKey(MatchProposal, on_delete=models.CASCADE, related_name="members")
    # Denormalized from the proposal so that "one place per person per run" is a constraint.
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="+")
    enrollment = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=8)

    class Meta:
        constraints = [
            # A mentee (or peer) is in at most one proposal per run; mentors may be in several.
            models.UniqueConstraint(
                fields=["organization", "run", "enrollment"],
                condition=~models.Q(role="mentor"),
                name="proposalmember_one_place",
            )
        ]
        indexes = [models.Index(fields=["organization", "proposal"], name="proposalmember_org_proposal")]
        ordering = ["role", "pk"]


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed (matched elsewhere)"


class MentorSuggestion(TenantModel):
    """Self-match: the mentors suggested to a mentee, spread so no mentor is over-exposed."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="mentor_suggestions")
    mentor = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "mentee", "mentor"], name="mentorsuggestion_unique")
        ]
        indexes = [models.Index(fields=["organization", "program", "mentee"], name="mentorsuggestion_org_mentee")]
        ordering = ["rank"]


class MentorRequest(TenantModel):
    """Self-match: a mentee asks a mentor; accepting creates the mentorship (capacity permitting)."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="mentor_requests")
    mentee = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="sent_mentor_requests")
    mentor = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="received_mentor_requests")
    message = models.TextField(blank=True, default="", max_length=2000)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    response_note = models.TextField(blank=True, default="", max_length=2000)
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mentee", "mentor"],
                condition=models.Q(status="pending"),
                name="mentorrequest_one_pending",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "program", "status"], name="mentorrequest_org_prog_status"),
            models.Index(fields=["organization", "mentor", "status"], name="mentorrequest_org_mentor"),
        ]
        ordering = ["-created_at", "pk"]


class RematchRequest(TenantModel):
    """A member asked to end their match without blame. The reason is for the program manager only."""

    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="rematch_requests")
    requested_by = models.ForeignKey("programs.Enrollment", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(blank=True, default="", max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when an (incremental) run matched the freed people again.
    rematched_by_run = models.ForeignKey(MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["organization", "mentorship"], name="rematchrequest_org_mentorship")]
        ordering = ["-created_at", "pk"]
