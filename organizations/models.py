"""Tenants, their members, invitations, API tokens and the people directory."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .tenancy import TenantModel, TenantQuerySet

TIME_ZONE_MAX = 64


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    LEADER = "leader", "Leader"
    MEMBER = "member", "Member"

    @property
    def rank(self) -> int:
        """Higher grants more: member < leader < admin < owner."""
        return [Role.MEMBER, Role.LEADER, Role.ADMIN, Role.OWNER].index(self)


def validate_printable(value):
    """Names go into email subjects and headers, where a control character is an injection."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationError("Use letters, digits and punctuation only, on one line.")


class Organization(models.Model):
    name = models.CharField(max_length=200, validators=[validate_printable])
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=TIME_ZONE_MAX, default="UTC")
    locale = models.CharField(max_length=16, default="en")
    logo = models.FileField(upload_to="logos/", blank=True)
    brand_colour = models.CharField(
        max_length=7,
        default="#2563eb",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #2563eb.")],
    )
    # Survey privacy: results are shown only when at least this many responses stand behind a
    # figure (every breakdown cell too); free-text answers need the higher second bar.
    survey_min_responses = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(10)],
        help_text="Survey results appear only when at least this many people stand behind them (3 to 10).",
    )
    survey_min_text_responses = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text="Free-text answers appear only when at least this many people wrote one (at least the number above).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(survey_min_responses__gte=3, survey_min_responses__lte=10),
                name="org_survey_min_responses_3_10",
            ),
            models.CheckConstraint(
                condition=models.Q(survey_min_text_responses__gte=models.F("survey_min_responses"))
                & models.Q(survey_min_text_responses__lte=50),
                name="org_survey_min_text_responses",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (self.survey_min_text_responses or 0) < (self.survey_min_responses or 0):
            raise ValidationError(
                {"survey_min_text_responses": "Use at least the minimum number of responses for other results."}
            )


class Membership(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user")]
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.user} in {self.organization_id} as {self.role}"


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(TenantModel):
    """An invitation grants exactly its own organization and role, once, before it expires.

    The link carries a token signed with the secret key (see services.invitation_token);
    the row carries a random nonce so a revoked or used invitation's old link stays dead.
    """

    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    nonce = models.CharField(max_length=64, default=secrets.token_hex, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "email"], name="invitation_org_email"),
            models.Index(fields=["organization", "created_at"], name="invitation_org_created"),
        ]
        ordering = ["-created_at"]

    @property
    def status(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ApiTokenQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(TenantModel):
    """A personal API token for scripts: one user, one organization, stored only as a hash."""

    PREFIX = "tdm_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_prefix = models.CharField(max_length=16, help_text="First characters, shown so you can tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organization", "user"], name="apitoken_org_user")]
        ordering = ["-created_at"]

    @staticmethod
    def hash_key(raw_key: str) -> str:
        return hashlib.sha256(raw_key.encode()).hexdigest()

    @classmethod
    def generate_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class ExitReason(models.TextChoices):
    VOLUNTARY = "voluntary", "Voluntary"
    INVOLUNTARY = "involuntary", "Involuntary"


class Person(TenantModel):
    """An employee or student record from the directory, whether or not they ever log in."""

    external_id = models.CharField(max_length=100, blank=True, default="")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, default="")
    department = models.CharField(max_length=120, blank=True, default="")
    team = models.CharField(max_length=120, blank=True, default="")
    title = models.CharField(max_length=200, blank=True, default="")
    level = models.IntegerField(null=True, blank=True)
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    location = models.CharField(max_length=120, blank=True, default="")
    time_zone = models.CharField(max_length=TIME_ZONE_MAX, blank=True, default="")
    languages = models.JSONField(default=list, blank=True)
    hire_date = models.DateField(null=True, blank=True)
    exit_date = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=16, choices=ExitReason.choices, blank=True, default="")
    last_promotion_date = models.DateField(null=True, blank=True)
    custom_attributes = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Fields whose every change is written to PersonChange: the directory is the ground truth
    # for retention and promotion analysis, so history must survive later imports.
    TRACKED_FIELDS = (
        "name",
        "email",
        "department",
        "team",
        "title",
        "level",
        "manager_id",
        "location",
        "time_zone",
        "languages",
        "hire_date",
        "exit_date",
        "exit_reason",
        "last_promotion_date",
        "custom_attributes",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="person_unique_external_id",
            ),
            models.UniqueConstraint(
                "organization", Lower("email"), condition=~models.Q(email=""), name="person_unique_email"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "name"], name="person_org_name"),
            models.Index(fields=["organization", "department"], name="person_org_department"),
            models.Index(fields=["organization", "manager"], name="person_org_manager"),
        ]
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.exit_date is None or self.exit_date > timezone.localdate()


class PersonChange(TenantModel):
    """One changed field of one Person: who or what changed it, from what, to what, when."""

    class Source(models.TextChoices):
        IMPORT = "import", "Import"
        MANUAL = "manual", "Edited by hand"
        API = "api", "API"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=40)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    people_import = models.ForeignKey("PeopleImport", null=True, blank=True, on_delete=models.SET_NULL)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organization", "person", "changed_at"], name="personchange_org_person")]
        ordering = ["-changed_at", "-id"]


class PeopleImport(TenantModel):
    """An uploaded directory file: validated in a dry run, then applied all-or-nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        VALIDATING = "validating", "Checking"
        PREVIEWED = "previewed", "Ready to apply"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    import_valid_rows = models.BooleanField(default=False)
    summary = models.JSONField(default=dict, blank=True)
    rejected_rows = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "created_at"], name="peopleimport_org_created")]
        ordering = ["-created_at"]


# --- notifications: the send log, preferences and the in-app list ----------------------------
# Shared by every app that notifies people (mentorship reminders, surveys, digests). Kinds are
# plain strings owned by the sending app (e.g. "meeting_upcoming"); see organizations/notify.py.


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Email and in the app"
    IN_APP = "in_app", "Only in the app"
    OFF = "off", "Off"


class SentNotification(TenantModel):
    """The send log: a row under a unique key is written BEFORE a notification goes out, so a
    worker killed mid-task, a redelivered message or two beat processes never send it twice.
    The key names the news (kind, object, period) and the recipient."""

    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="sentnotification_key")]
        indexes = [models.Index(fields=["organization", "kind", "created_at"], name="sentnotification_org_kind")]


class NotificationPreference(TenantModel):
    """A user's choice for one kind of notification in one organization (email by default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices, default=NotificationChannel.EMAIL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user", "kind"], name="notificationpreference_unique")
        ]


class Notification(TenantModel):
    """The in-app notification list: what was sent to a user, read or not."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "user", "read_at"], name="notification_org_user_read")]
        ordering = ["-created_at", "-pk"]
