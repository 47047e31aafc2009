"""Forms of the program design pages. They shape input; every rule is checked in services.design."""

from django import forms
from django.core.exceptions import ValidationError

from organizations.forms import PersonPickerField
from organizations.models import Membership, Person
from organizations.scoping import scope_form_querysets
from surveys.access import manageable_questionnaires
from surveys.models import Questionnaire

from .audience import LABELS as AUDIENCE_LABELS
from .audience import validate_audience
from .catalog import TEMPLATES
from .models import MentoringModel, Objective, Program, ProgramStatus
from .services.design import PROGRAM_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ServiceErrorsMixin:
    """Put a service's ValidationError beside the fields it names (after stripping `prefix`)."""

    service_error_prefix = ""

    def add_service_errors(self, error: ValidationError):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            field = name.removeprefix(self.service_error_prefix)
            self.add_error(field if field in self.fields else None, messages)


class NewProgramForm(forms.Form):
    template = forms.ChoiceField(choices=[("blank", "Blank program"), *((k, t.name) for k, t in TEMPLATES.items())])
    name = forms.CharField(max_length=200, label="Program name")
    model = forms.ChoiceField(
        choices=MentoringModel.choices,
        initial=MentoringModel.ONE_ON_ONE,
        required=False,
        label="Mentoring model",
        help_text="Who meets whom. You can change it until recruiting starts.",
    )
    start_date = forms.DateField(
        required=False, widget=DateInput, help_text="Leave empty to start on the first Monday two weeks from now."
    )

    def __init__(self, *args, template_key="blank", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].widget = forms.HiddenInput()
        self.fields["template"].initial = template_key
        if template_key != "blank":
            # A template decides the model.
            del self.fields["model"]
            self.fields["name"].initial = TEMPLATES[template_key].name


class ProgramForm(ServiceErrorsMixin, forms.ModelForm):
    # Scoped to the organization in __init__; until then they offer nothing.
    executive_sponsor = PersonPickerField(
        queryset=Person.objects.none(),
        required=False,
        help_text="A senior leader who speaks for the program. Type a name, employee ID or email.",
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "description",
            "model",
            "start_date",
            "end_date",
            "cadence_weeks",
            "meeting_minutes",
            "mentor_default_capacity",
            "group_size_min",
            "group_size_max",
            "requires_training",
            "executive_sponsor",
            "mentor_questionnaire",
            "mentee_questionnaire",
            "peer_questionnaire",
            "ground_rules",
            "confidentiality",
            "handbook",
        ]
        labels = {
            "cadence_weeks": "Meet every … weeks",
            "meeting_minutes": "Meeting length (minutes)",
            "mentor_default_capacity": "Mentees per mentor",
            "group_size_min": "Smallest group",
            "group_size_max": "Largest group",
            "requires_training": "Participants must complete their training before they can be matched",
            "mentor_questionnaire": "Mentors' intake questionnaire",
            "mentee_questionnaire": "Mentees' intake questionnaire",
            "peer_questionnaire": "Peers' intake questionnaire",
            "confidentiality": "Confidentiality guidelines",
        }
        help_texts = {
            "description": "What participants read first: who it is for and what they get out of it.",
            "group_size_min": "For group and peer-circle programs only.",
            "group_size_max": "For group and peer-circle programs only.",
            "mentor_default_capacity": "How many mentees a mentor takes unless they say otherwise.",
            "requires_training": "Otherwise training is offered but optional.",
            "ground_rules": "Markdown. What everyone agrees to when they join.",
            "confidentiality": "Markdown. What stays between participants, and the limits.",
            "handbook": "Markdown. Everything participants need to know, in a few short sections.",
        }
        error_messages = {
            "mentor_default_capacity": {"min_value": "Capacity cannot be below zero."},
        }
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
            "ground_rules": forms.Textarea(attrs={"rows": 6}),
            "confidentiality": forms.Textarea(attrs={"rows": 6}),
            "handbook": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args, organization, membership=None, search_url="", **kwargs):
        super().__init__(*args, **kwargs)
        scope_form_querysets(self, organization)
        self.fields["executive_sponsor"].queryset = Person.objects.for_org(organization)
        self.fields["executive_sponsor"].widget.search_url = search_url
        intakes = Questionnaire.objects.for_org(organization).filter(kind=Questionnaire.Kind.INTAKE)
        if membership is not None:
            # A program manager may link only questionnaires no program they don't manage uses.
            intakes = manageable_questionnaires(membership, intakes)
        for name in ("mentor_questionnaire", "mentee_questionnaire", "peer_questionnaire"):
            self.fields[name].queryset = intakes
            self.fields[name].empty_label = "— None yet —"
        if self.instance.pk and self.instance.status != ProgramStatus.DRAFT:
            self.fields["model"].disabled = True
            self.fields["model"].help_text = "Fixed once recruiting has started: participants have chosen their roles."

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in PROGRAM_FIELDS}


class ObjectiveForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["metric", "custom_name", "unit", "baseline", "target", "deadline", "rationale"]
        labels = {"custom_name": "Custom metric name", "unit": "Custom metric unit"}
        help_texts = {
            "baseline": "Where you start from, if you know it.",
            "rationale": "Why this matters; reports show it beside the result.",
        }
        widgets = {"deadline": DateInput, "rationale": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service decides what is required (a custom metric's name and unit, the rationale).
        self.fields["rationale"].required = True

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AudienceForm(ServiceErrorsMixin, forms.Form):
    """The audience rules as form fields; `rules()` gives the JSON the services store."""

    service_error_prefix = "audience."

    departments = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    locations = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    level_min = forms.IntegerField(required=False, min_value=0, max_value=999)
    level_max = forms.IntegerField(required=False, min_value=0, max_value=999)
    hired_after = forms.DateField(required=False, widget=DateInput)
    hired_before = forms.DateField(required=False, widget=DateInput)
    tenure_months_min = forms.IntegerField(required=False, min_value=0)
    tenure_months_max = forms.IntegerField(required=False, min_value=0)
    custom = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One attribute per line: name = value, other value. For example: cohort = 2025, 2026",
    )

    def __init__(self, *args, departments=(), locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = AUDIENCE_LABELS[name]
        self.fields["hired_after"].help_text = "Hired after this day."
        self.fields["hired_before"].help_text = "Hired before this day."
        # The directory's values, plus any already chosen that the directory no longer has.
        chosen = self.initial or {}
        for name, values in (("departments", departments), ("locations", locations)):
            options = list(dict.fromkeys([*values, *chosen.get(name, [])]))
            self.fields[name].choices = [(v, v) for v in options]
        if not departments:
            self.fields["departments"].help_text = "The directory has no departments yet."
        if not locations:
            self.fields["locations"].help_text = "The directory has no locations yet."

    @staticmethod
    def initial_from(rules) -> dict:
        rules = validate_audience(rules)
        custom = "\n".join(f"{key} = {', '.join(values)}" for key, values in rules["custom"].items())
        return {**rules, "custom": custom}

    def clean_custom(self):
        parsed = {}
        for number, line in enumerate(self.cleaned_data["custom"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, values = line.partition("=")
            items = [v.strip() for v in values.split(",") if v.strip()]
            if not sep or not name.strip() or not items:
                raise ValidationError(f"Line {number}: write it as name = value, other value.")
            parsed[name.strip()] = items
        return parsed

    def rules(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data.get(name) for name in ("departments", "locations", "custom")},
            **{name: data.get(name) for name in ("level_min", "level_max", "tenure_months_min", "tenure_months_max")},
            **{name: data[name].isoformat() if data.get(name) else None for name in ("hired_after", "hired_before")},
        }


class ManagerAddForm(forms.Form):
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(), label="Member", empty_label="Choose a member…"
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = candidates
        self.fields["membership"].label_from_instance = lambda m: f"{m.user.email} ({m.get_role_display()})"


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=ProgramStatus.choices)
    note = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CopyCycleForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name of the new cycle")
    start_date = forms.DateField(
        required=False,
        widget=DateInput,
        help_text="Objective deadlines and the end date move with it. Empty: the day after this cycle ends.",
    )
