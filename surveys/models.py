"""The questionnaire engine: intake forms now, surveys later.

Answers are stored typed (a number, a date, text, or chosen Choice rows), never as one text
blob, so matching and reports read them without parsing. Editing a questionnaire that already
has answers must not corrupt them: questions and choices are retired, never deleted, and a
question's type cannot change once it has answers (services enforce this).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from organizations.tenancy import TenantModel


class Questionnaire(TenantModel):
    class Kind(models.TextChoices):
        INTAKE = "intake", "Intake form"
        SURVEY = "survey", "Survey"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INTAKE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "kind"], name="questionnaire_org_kind")]
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


class Question(TenantModel):
    class Type(models.TextChoices):
        SINGLE_CHOICE = "single", "Single choice"
        MULTIPLE_CHOICE = "multiple", "Multiple choice"
        SCALE = "scale", "Scale"
        NUMBER = "number", "Number"
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        DATE = "date", "Date"

    CHOICE_TYPES = (Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE)
    # The scales a question may use: (min, max). 0–10 is the NPS scale.
    SCALES = ((1, 5), (1, 10), (0, 10))

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        max_length=60, help_text="A stable name other parts of Tandem use, e.g. skills_wanted (matching)."
    )
    text = models.CharField(max_length=500)
    help_text = models.CharField(max_length=500, blank=True, default="")
    type = models.CharField(max_length=12, choices=Type.choices)
    required = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)
    # Scale bounds (one of SCALES) or number bounds; text questions use max_value as max length.
    min_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    retired = models.BooleanField(default=False, help_text="Hidden from new responses; old answers stay.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "questionnaire", "key"], name="question_unique_key")
        ]
        indexes = [models.Index(fields=["organization", "questionnaire", "order"], name="question_org_order")]
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text


class Choice(TenantModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(max_length=200)
    value = models.SlugField(max_length=60, help_text="Stable machine value, e.g. public_speaking.")
    order = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(default=False, help_text="Not offered any more; answers that chose it stay.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "question", "value"], name="choice_unique_value")
        ]
        indexes = [models.Index(fields=["organization", "question", "order"], name="choice_org_order")]
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label


# Answered questionnaires, questions and choices are RESTRICTed, not PROTECTed: nothing may
# delete them on its own (retire instead), but deleting a whole organization still cascades.


class Response(TenantModel):
    """One submission of a questionnaire.

    For an anonymous survey `respondent` is empty and both times are the start of the day
    (services set them; that is why they are not auto_now): the row must not say who, nor
    when more finely than the day. Survey responses carry a `survey_envelope` (SurveyResponse).
    """

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.RESTRICT, related_name="responses")
    respondent = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organization", "questionnaire", "submitted_at"], name="response_org_q")]
        ordering = ["-submitted_at"]


class Answer(TenantModel):
    """One typed answer: exactly one of the value columns is used, by the question's type."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.RESTRICT, related_name="answers")
    number_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    text_value = models.TextField(blank=True, default="")
    date_value = models.DateField(null=True, blank=True)
    choices = models.ManyToManyField(Choice, through="AnswerChoice", related_name="answers")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "response", "question"], name="answer_unique_question")
        ]
        indexes = [models.Index(fields=["organization", "question"], name="answer_org_question")]


class AnswerChoice(TenantModel):
    """A chosen option; its own row (with the tenant key) so matching can read choices in bulk."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="answer_choices")
    choice = models.ForeignKey(Choice, on_delete=models.RESTRICT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "answer", "choice"], name="answerchoice_unique")]
        indexes = [models.Index(fields=["organization", "choice"], name="answerchoice_org_choice")]


# --- surveys ----------------------------------------------------------------------------------


class SurveyAudience(models.TextChoices):
    ALL = "all", "Everyone in the program"
    MENTORS = "mentors", "Mentors"
    MENTEES = "mentees", "Mentees"
    PEERS = "peers", "Peers"


class SurveySchedule(models.TextChoices):
    AT_DATE = "date", "On a date"
    MIDPOINT = "midpoint", "At the program's midpoint"
    END = "end", "At the program's end"
    PULSE = "pulse", "Recurring pulse"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    LIVE = "live", "Scheduled"
    ENDED = "ended", "Ended"


class Survey(TenantModel):
    """A questionnaire sent to a program's audience on a schedule, in one or more waves."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="surveys")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.RESTRICT, related_name="surveys")
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, default="", help_text="Shown on the first screen, above the questions.")
    template_key = models.CharField(max_length=40, blank=True, default="")
    audience = models.CharField(max_length=10, choices=SurveyAudience.choices, default=SurveyAudience.ALL)
    active_pairs_only = models.BooleanField(
        default=False, help_text="Only people in an active mentorship of the program."
    )
    anonymous = models.BooleanField(
        default=True, help_text="Answers are stored without the person; cannot change once anyone has answered."
    )
    schedule = models.CharField(max_length=10, choices=SurveySchedule.choices, default=SurveySchedule.AT_DATE)
    opens_on = models.DateField(null=True, blank=True, help_text="For a survey on a date, and a pulse's first wave.")
    pulse_weeks = models.PositiveSmallIntegerField(null=True, blank=True, help_text="A pulse repeats every N weeks.")
    open_days = models.PositiveSmallIntegerField(default=14, help_text="How many days each wave stays open.")
    reminder_days = models.JSONField(
        default=list, blank=True, help_text="Days after opening to remind those who have not answered, e.g. [3, 7]."
    )
    status = models.CharField(max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "program", "status"], name="survey_org_program")]
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class SurveyWave(TenantModel):
    """One opening of a survey: a dated survey has one wave, a pulse one per period."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveSmallIntegerField()
    opens_on = models.DateField()
    closes_on = models.DateField()
    opened_at = models.DateTimeField(null=True, blank=True, help_text="When the invitations went out.")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "survey", "number"], name="surveywave_unique_number"),
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="surveywave_dates"),
        ]
        indexes = [models.Index(fields=["organization", "opens_on", "closes_on"], name="surveywave_org_dates")]
        ordering = ["survey_id", "number"]

    def __str__(self):
        return f"{self.survey} #{self.number}"


class SurveyInvitation(TenantModel):
    """The audience of a wave, fixed when it opens: who may answer and who gets reminders."""

    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="survey_invitations")
    role = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "wave", "person"], name="surveyinvitation_unique")
        ]


class SurveyCompletion(TenantModel):
    """Who has answered a wave: never what, never when.

    A random key and no timestamp, so neither the key's order nor a time can be lined up with
    the responses; reminders read this table to stop.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="completions")
    person = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="survey_completions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "wave", "person"], name="surveycompletion_unique")
        ]


class SurveyResponse(TenantModel):
    """A survey response's envelope: its wave, its day, and the coarse facts breakdowns use
    (role, department, level band, cohort), copied at answer time, never the person."""

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, primary_key=True, related_name="survey_envelope"
    )
    wave = models.ForeignKey(SurveyWave, on_delete=models.RESTRICT, related_name="responses")
    submitted_on = models.DateField()
    role = models.CharField(max_length=8, blank=True, default="")
    department = models.CharField(max_length=120, blank=True, default="")
    level = models.CharField(max_length=40, blank=True, default="")
    cohort = models.CharField(
        max_length=20, blank=True, default="", help_text="The quarter the person joined, e.g. 2026 Q3."
    )

    class Meta:
        indexes = [models.Index(fields=["organization", "wave"], name="surveyresponse_org_wave")]
