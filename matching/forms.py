"""Forms of the program manager's matching pages. They shape input; every rule (a criterion's kind
against its questions' types, a pair that breaks a hard rule, a run that cannot be edited) is
checked in matching.services, whose errors the forms show beside the field they name."""

from django import forms
from django.utils.timezone import localtime

from programs.forms_design import ServiceErrorsMixin
from programs.models import PEER_MODELS, Enrollment
from surveys.models import Question

from .models import MatchingCriterion, MatchingSettings, MatchRun
from .services import criteria as criteria_services

# What the page edits: every field the service takes but the display order, which it keeps.
CRITERION_FIELDS = [name for name in criteria_services.CRITERION_FIELDS if name != "order"]


class QuestionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, question):
        return f"{question.text} ({question.get_type_display().lower()})"


def intake_questions(questionnaire):
    """The live questions of an intake questionnaire (none without one)."""
    if questionnaire is None:
        return Question.objects.none()
    return Question.objects.for_org(questionnaire.organization_id).filter(questionnaire=questionnaire, retired=False)


class CriterionForm(ServiceErrorsMixin, forms.ModelForm):
    """One criterion. Peer programs compare a peer's answer with another peer's: one question."""

    mentee_question = QuestionChoiceField(
        queryset=Question.objects.none(), required=False, empty_label="None (a directory field instead)"
    )
    mentor_question = QuestionChoiceField(
        queryset=Question.objects.none(), required=False, empty_label="None (a directory field instead)"
    )

    class Meta:
        model = MatchingCriterion
        fields = CRITERION_FIELDS
        labels = {
            "label": "Name",
            "kind": "How the answers are compared",
            "attribute": "Or a directory field",
            "required": "A hard rule: never make a pair that fails it",
            "reciprocal": "Count it both ways (each one's wants against the other's offers)",
            "gap_target": "Wanted gap (mentor minus mentee)",
            "gap_tolerance": "Tolerance either side",
            "gap_hard_min": "Never below",
            "gap_hard_max": "Never above",
        }
        help_texts = {
            "label": "Plain words participants read in their match explanation, e.g. “Region” or “Skills to learn”.",
            "required": "",
            "weight": "0 to 100. What counts relative to the other criteria; 0 keeps it as a rule only.",
            "attribute": "Compare a field of the people directory instead of intake answers.",
            "gap_target": "For example 1.5 for “one or two levels ahead”.",
            "gap_tolerance": "How far from the wanted gap still scores full marks.",
            "gap_hard_min": "With the hard rule: for example 0 for “never behind”.",
        }
        widgets = {"weight": forms.NumberInput(attrs={"step": "any", "min": 0, "max": 100})}

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.peer = program.model in PEER_MODELS
        self.fields["gap_tolerance"].required = False  # only gaps use it; empty means none
        if self.peer:
            self.fields["mentee_question"].queryset = intake_questions(program.peer_questionnaire)
            self.fields["mentee_question"].label = "Peers’ question"
            del self.fields["mentor_question"]
        else:
            self.fields["mentee_question"].queryset = intake_questions(program.mentee_questionnaire)
            self.fields["mentee_question"].label = "Mentee’s question"
            self.fields["mentor_question"].queryset = intake_questions(program.mentor_questionnaire)
            self.fields["mentor_question"].label = "Mentor’s question"
            del self.fields["reciprocal"]  # only peers have wants and offers on the same side

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.fields}
        data["gap_tolerance"] = data["gap_tolerance"] or 0.0
        if self.peer:
            data["mentor_question"] = data["mentee_question"]
        else:
            data["reciprocal"] = False
        return data


class SettingsForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = MatchingSettings
        fields = list(criteria_services.SETTINGS_FIELDS)
        labels = {
            "mode": "Who makes the matches",
            "min_score": "Lowest acceptable score",
            "exclude_reporting_line": "Never pair people in the same reporting line",
            "exclude_previous_pairs": "Never repeat an earlier pair",
            "preference_bonus": "Bonus for a mentee’s wish (points)",
            "suggestions_shown": "Mentors suggested to each mentee",
            "max_pending_requests": "Open requests a mentee may have at once",
        }
        help_texts = {
            "exclude_reporting_line": "Nobody is matched with their manager or anyone above or below them.",
            "exclude_previous_pairs": "Pairs from an earlier cycle, round or ended match are not made again.",
            "suggestions_shown": "",
            "max_pending_requests": "",
            "min_score": "0 to 100. Below it a person stays unmatched rather than badly matched; empty for none.",
            "preference_bonus": "Added to the score when a mentee asked for this mentor.",
        }
        widgets = {
            "min_score": forms.NumberInput(attrs={"step": "any", "min": 0, "max": 100}),
            "preference_bonus": forms.NumberInput(attrs={"step": "any", "min": 0, "max": 100}),
        }

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EnrollmentChoiceField(forms.ModelChoiceField):
    """People by name and department (names repeat in a large organization); `places`
    ({enrollment id: free places}) adds "(2 places free)"."""

    places: dict = {}

    def label_from_instance(self, enrollment):
        person = enrollment.person
        label = f"{person.name} · {person.department}" if person.department else person.name
        free = self.places.get(enrollment.pk)
        if free is None:
            return label
        return f"{label} ({free} place{'' if free == 1 else 's'} free)"


# Options each list of the add-a-pair form carries: a run can leave thousands unmatched.
PAIR_OPTIONS_SHOWN = 20
NOBODY_FOUND = {
    "mentee": "No unmatched mentee has “{query}” in their name.",
    "mentor": "No mentor with a place left has “{query}” in their name.",
}


class PairForm(ServiceErrorsMixin, forms.Form):
    """A pair made by hand: find a mentee and a mentor by name, see the preview, confirm.

    Each list offers the first PAIR_OPTIONS_SHOWN people (by name) whose name holds its search
    (`mentee_q`, `mentor_q`), and the one already chosen; any mentee or mentor of the querysets
    given is accepted. Help text under a list says when it holds only part of the matches."""

    mentee_q = forms.CharField(required=False, max_length=100, label="Find a mentee")
    mentee = EnrollmentChoiceField(queryset=Enrollment.objects.none(), empty_label="Choose a mentee")
    mentor_q = forms.CharField(required=False, max_length=100, label="Find a mentor")
    mentor = EnrollmentChoiceField(queryset=Enrollment.objects.none(), empty_label="Choose a mentor")
    confirm = forms.BooleanField(
        required=False, label="I know this pair breaks a hard rule; add it anyway", widget=forms.CheckboxInput
    )

    def __init__(self, *args, mentees, mentors, mentor_places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = mentees
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].places = mentor_places
        for name in ("mentee", "mentor"):
            self._offer_matches(name)

    def _raw(self, name) -> str:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return str(value or "").strip()

    def _offer_matches(self, name):
        """The field's options: the first matches of its search, and the person already chosen
        (first, when not among them). One query, two with a choice beyond the first matches; one
        row more than shown tells whether there are more, without counting them all."""
        field = self.fields[name]
        query = self._raw(f"{name}_q")[:100]
        matching = field.queryset.filter(person__name__icontains=query) if query else field.queryset
        offered = list(matching[: PAIR_OPTIONS_SHOWN + 1])
        more = len(offered) > PAIR_OPTIONS_SHOWN
        offered = offered[:PAIR_OPTIONS_SHOWN]
        chosen = self._raw(name)
        if chosen.isdigit() and int(chosen) not in {enrollment.pk for enrollment in offered}:
            offered = [*field.queryset.filter(pk=int(chosen)), *offered]
        field.widget.choices = [("", field.empty_label), *((e.pk, field.label_from_instance(e)) for e in offered)]
        if query and not offered:
            field.help_text = NOBODY_FOUND[name].format(query=query)
        elif more:
            field.help_text = f"The first {PAIR_OPTIONS_SHOWN} by name: type part of a name to find anyone else."


class SwapForm(ServiceErrorsMixin, forms.Form):
    """Two pairs, by their numbers in the table, whose mentors trade places. Numbers rather than
    a list of every pair: a run can hold thousands."""

    first = forms.IntegerField(min_value=1, label="First pair (number)")
    second = forms.IntegerField(min_value=1, label="Second pair (number)")
    confirm = forms.BooleanField(
        required=False, label="I know the new pairs break a hard rule; swap anyway", widget=forms.CheckboxInput
    )

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("first") == data.get("second"):
            self.add_error("second", "Choose two different pairs.")
        return data


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, run):
        return f"Run {run.pk} · {localtime(run.created_at):%d %b %Y %H:%M} · {run.get_status_display()}"


class CompareForm(forms.Form):
    other = RunChoiceField(queryset=MatchRun.objects.none(), label="Compare with", empty_label="Choose a run")

    def __init__(self, *args, runs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = runs


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have reviewed the proposals: create the mentorships and tell everyone",
        error_messages={"required": "Tick the box to confirm you want to publish."},
    )


class ProposalSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Find a person")
