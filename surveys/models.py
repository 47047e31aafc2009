"""The questionnaire engine: intake forms now, surveys later.

Answers are stored typed (a number, a date, text, or chosen Choice rows), never as one text
blob, so matching and reports read them without parsing. Editing a questionnaire that already
has answers must not corrupt them: questions and choices are retired, never deleted, and a
question's type cannot change once it has answers (services enforce this).
"""

from django.db import models

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
    """One submission of a questionnaire. `respondent` is empty for anonymous surveys (later)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.RESTRICT, related_name="responses")
    respondent = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
