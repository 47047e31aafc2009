"""Forms of the survey pages: starting a survey (a template or blank), its schedule and audience,
and the results page's wave and breakdown pickers.

The services judge every rule (dates, the locked `anonymous` flag); these forms only turn the
inputs into typed values and show the services' refusals beside the fields they name.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import dateformat

from .models import Survey, SurveyAudience, SurveySchedule
from .selectors.results import DIMENSION_LABELS

BLANK = "blank"


def add_service_errors(form, error: ValidationError):
    """A service's ValidationError({field: [message]}) beside the fields it names, the rest on top."""
    for key, messages in error.message_dict.items():
        field = key if key in form.fields and key != NON_FIELD_ERRORS else None
        for message in messages:
            form.add_error(field, message)


class SurveyStartForm(forms.Form):
    """The first step of a new survey: one of the catalogue's templates, or a blank one."""

    template = forms.ChoiceField(label="Start from", widget=forms.RadioSelect)
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="Left empty, a template's survey keeps the template's title. A blank survey needs one.",
    )

    def __init__(self, *args, templates: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = templates
        self.fields["template"].choices = [(key, spec["title"]) for key, spec in templates.items()] + [
            (BLANK, "A blank survey")
        ]

    def clean(self):
        data = super().clean()
        if data.get("template") == BLANK and not data.get("title"):
            self.add_error("title", "Give the blank survey a title.")
        return data


class SurveyForm(forms.Form):
    """A survey's settings (services.SURVEY_FIELDS). `anonymous` is locked once anyone has answered."""

    title = forms.CharField(label="Title", max_length=200)
    intro = forms.CharField(
        label="Introduction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the first screen, above the questions: why you ask, what happens with the answers.",
    )
    audience = forms.ChoiceField(label="Who is asked", choices=SurveyAudience.choices)
    active_pairs_only = forms.BooleanField(label="Only people in an active mentorship of the program", required=False)
    anonymous = forms.BooleanField(
        label="Anonymous",
        required=False,
        help_text="Answers are stored without the person's name. Cannot change once anyone has answered.",
    )
    schedule = forms.ChoiceField(label="When", choices=SurveySchedule.choices)
    opens_on = forms.DateField(
        label="Opens on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="For a survey on a date, and for a pulse's first wave.",
    )
    pulse_weeks = forms.IntegerField(
        label="Repeat every (weeks)", required=False, min_value=1, max_value=26, help_text="A pulse only."
    )
    open_days = forms.IntegerField(
        label="Days open", min_value=1, max_value=90, help_text="How many days each wave stays open."
    )
    reminder_days = forms.CharField(
        label="Reminders",
        required=False,
        max_length=40,
        help_text="Days after opening to remind those who have not answered, e.g. 3, 7. Empty for none.",
    )
    # The reminder days go to the service as written ("3, 7"): it parses and judges them.

    def __init__(self, *args, survey: Survey | None = None, locked=(), **kwargs):
        if survey is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(survey, name)
                for name in ("title", "intro", "audience", "active_pairs_only", "anonymous", "schedule")
                + ("opens_on", "pulse_weeks", "open_days")
            } | {"reminder_days": ", ".join(str(day) for day in survey.reminder_days or [])}
        super().__init__(*args, **kwargs)
        # What can no longer change ({field: why}, or "" when the page says why once for a
        # group of fields) is shown disabled; the service refuses it anyway.
        for name, reason in dict(locked).items():
            self.fields[name].disabled = True
            if reason:
                self.fields[name].help_text = reason

    def service_fields(self) -> dict:
        """What services.survey_update takes; a disabled field is left out (it cannot change)."""
        return {name: value for name, value in self.cleaned_data.items() if not self.fields[name].disabled}


def wave_label(wave) -> str:
    """ "Wave 2: 3 Mar to 16 Mar 2026" """
    opens, closes = dateformat.format(wave.opens_on, "j M"), dateformat.format(wave.closes_on, "j M Y")
    return f"Wave {wave.number}: {opens} to {closes}"


class ResultsFilterForm(forms.Form):
    """The results page's pickers (a GET form): which wave, and an optional breakdown. The view
    reads the query itself (an unknown wave is a 404); this form only renders the choices."""

    wave = forms.ChoiceField(label="Wave", required=False)
    by = forms.ChoiceField(label="Break down by", required=False)

    def __init__(self, *args, waves, dimensions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wave"].choices = [(wave.pk, wave_label(wave)) for wave in waves]
        self.fields["by"].choices = [("", "Nothing: everyone together")] + [
            (name, DIMENSION_LABELS.get(name, name.title())) for name in dimensions
        ]
