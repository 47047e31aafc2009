"""Forms of the program manager's mentorship pages. They shape input; services.interventions
checks every rule, and its errors show beside the field they name."""

from django import forms

from programs.forms_design import ServiceErrorsMixin

from .models import Intervention, PairHealth
from .selectors.manager import NOT_ASSESSED


class PairFilterForm(forms.Form):
    """The pair list's filter: one health, and a member's name. Unknown values are ignored."""

    health = forms.ChoiceField(
        choices=[("", "Any health"), *PairHealth.choices, (NOT_ASSESSED, "Not assessed (paused or ended)")],
        required=False,
    )
    q = forms.CharField(required=False, max_length=100, label="Find a person")

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"health": data.get("health", ""), "query": data.get("q", "").strip()}


class InterventionNoteForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(
        max_length=Intervention._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note",
        help_text="For the program team only: what you did or agreed. The pair never sees it.",
    )
