"""Reports: weekly KPI snapshots, impact snapshots, the ROI assumptions, and rollup runs.

Dashboards read these small tables and never recompute on a request: the nightly rollup (or
"refresh now") writes them. A snapshot row is keyed by organization, program (empty for the
organization as a whole) and the Monday its week starts; re-running a week replaces its rows
with the same figures when the data has not changed.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from organizations.tenancy import TenantModel


class RollupStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


class RollupRun(TenantModel):
    """One computation of the snapshots: nightly or asked for. Progress is stored so the page
    can show a bar, and a crashed run stays visible as failed."""

    status = models.CharField(max_length=10, choices=RollupStatus.choices, default=RollupStatus.QUEUED)
    first_week = models.DateField(help_text="Monday of the first week computed.")
    last_week = models.DateField(help_text="Monday of the last week computed.")
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    step = models.CharField(max_length=200, blank=True, default="", help_text="What it is doing now, in words.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per step, and rows read.")

    class Meta:
        indexes = [models.Index(fields=["organization", "-created_at"], name="rolluprun_org_created")]
        ordering = ["-created_at", "-pk"]


class KpiSnapshot(TenantModel):
    """The KPIs of one week, for one program or (program empty) the whole organization.

    Counts are as of the end of the week (Sunday); rates are 0–1; None means "not measured"
    (no data, or fewer people than the organization's minimum group size behind it)."""

    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="kpi_snapshots"
    )
    week_start = models.DateField(help_text="The Monday the week starts.")
    # participation
    invited = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    enrolled_mentors = models.PositiveIntegerField(default=0)
    enrolled_mentees = models.PositiveIntegerField(default=0)
    enrolled_peers = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0, help_text="Approved participants in a mentorship by then.")
    active_participants = models.PositiveIntegerField(default=0)
    completed_participants = models.PositiveIntegerField(default=0)
    match_rate = models.FloatField(null=True, blank=True)
    # engagement
    active_pairs = models.PositiveIntegerField(default=0)
    meetings_held = models.PositiveIntegerField(default=0, help_text="Held meetings that started this week.")
    mentoring_hours = models.FloatField(default=0, help_text="Hours of held meetings this week.")
    meetings_per_pair_month = models.FloatField(null=True, blank=True, help_text="Over the last four weeks.")
    cadence_share = models.FloatField(null=True, blank=True, help_text="Active pairs meeting at the program's cadence.")
    goals_set = models.PositiveIntegerField(default=0, help_text="Goals set by the end of the week (all time).")
    goals_completed = models.PositiveIntegerField(default=0, help_text="Goals achieved by the end of the week.")
    checkin_average = models.FloatField(null=True, blank=True, help_text="Check-ins of the last four weeks, 1–5.")
    checkin_count = models.PositiveIntegerField(default=0)
    health_on_track = models.PositiveIntegerField(default=0)
    health_needs_attention = models.PositiveIntegerField(default=0)
    health_at_risk = models.PositiveIntegerField(default=0)
    # satisfaction (survey answers of the last 13 weeks, hidden under the minimum group size)
    survey_responses = models.PositiveIntegerField(default=0)
    satisfaction = models.FloatField(null=True, blank=True, help_text="Mean of 'satisfaction' answers, 1–5.")
    nps = models.FloatField(null=True, blank=True, help_text="Net Promoter Score, −100 to 100.")
    training_completion = models.FloatField(null=True, blank=True, help_text="Share of approved people trained.")
    min_group_size = models.PositiveSmallIntegerField(
        default=0, help_text="The minimum group size (k) the survey figures were computed under."
    )
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program", "week_start"],
                name="kpisnapshot_unique_program_week",
                condition=models.Q(program__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["organization", "week_start"],
                name="kpisnapshot_unique_org_week",
                condition=models.Q(program__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["organization", "program", "week_start"], name="kpisnapshot_org_prog_week")]
        ordering = ["week_start"]


class ImpactSnapshot(TenantModel):
    """Retention and promotion of participants against comparable colleagues, for the
    organization (program empty) or one program, as computed on `computed_on`.

    `figures` holds the analytics output (reports/analytics.py) as JSON: survival curves with
    bands, the log-rank test, 6- and 12-month retention and their difference, promotion rates,
    the balance table, and how many people stand behind each figure."""

    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="impact_snapshots"
    )
    computed_on = models.DateField()
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program"],
                name="impactsnapshot_unique_program",
                condition=models.Q(program__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["organization"], name="impactsnapshot_unique_org", condition=models.Q(program__isnull=True)
            ),
        ]


class RoiAssumptions(TenantModel):
    """The organization's ROI assumptions, on screen and editable (one row per organization)."""

    currency = models.CharField(max_length=3, default="EUR")
    average_salary = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("60000"), validators=[MinValueValidator(0)]
    )
    salary_by_level = models.JSONField(
        default=dict, blank=True, help_text='Optional yearly salary per level, e.g. {"1": 40000, "5": 120000}.'
    )
    replacement_cost_low = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("4"))],
        help_text="Cost of replacing someone who leaves, as a share of their yearly salary: low end.",
    )
    replacement_cost = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("4"))],
        help_text="Central estimate (the default 1.0 is a common middle of published ranges).",
    )
    replacement_cost_high = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("4"))],
    )
    platform_cost = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)], help_text="Per year."
    )
    coordinator_hours = models.DecimalField(
        max_digits=8, decimal_places=1, default=Decimal("200"), validators=[MinValueValidator(0)], help_text="Per year."
    )
    coordinator_hourly_rate = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("50"), validators=[MinValueValidator(0)]
    )
    participant_hours = models.DecimalField(
        max_digits=8,
        decimal_places=1,
        default=Decimal("12"),
        validators=[MinValueValidator(0)],
        help_text="Hours each participant spends on the program per year (meetings, training).",
    )
    loaded_hourly_rate = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal("45"),
        validators=[MinValueValidator(0)],
        help_text="What an hour of a participant's time costs, salary and overheads included.",
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="roiassumptions_unique_org"),
            models.CheckConstraint(
                condition=models.Q(replacement_cost_low__lte=models.F("replacement_cost"))
                & models.Q(replacement_cost__lte=models.F("replacement_cost_high")),
                name="roiassumptions_cost_range_ordered",
            ),
        ]
