"""Forms of the participants' matching pages: a request to a mentor, an answer to one, the
people search and list changes of the preferences page, and asking to end a match.

Every person or enrollment a form names is looked up within the request's organization (and,
for enrollments, the program), so another tenant's id is refused like a missing one.
"""

from django import forms

from organizations.models import Person
from organizations.scoping import scope_form_querysets
from programs.models import Enrollment, ParticipantRole

NOTE_MAX = 2000


def _note_field(label, help_text, rows=3):
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOTE_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": NOTE_MAX}),
    )


class MentorRequestForm(forms.Form):
    """A mentee asks one of the program's mentors; the message is optional."""

    mentor = forms.ModelChoiceField(queryset=Enrollment.objects.none(), widget=forms.HiddenInput)
    message = _note_field("A message for them (optional)", "Say what you hope to learn; they read it before answering.")

    def __init__(self, *args, enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = Enrollment.objects.filter(
            program_id=enrollment.program_id, role=ParticipantRole.MENTOR
        ).select_related("person")
        scope_form_querysets(self, enrollment.organization_id)


class DeclineForm(forms.Form):
    note = _note_field("A note for them (optional)", "Kind words help; they see this note.", rows=2)


class RematchForm(forms.Form):
    reason = _note_field(
        "Why? (optional)",
        "Only the program team sees this. The other person is told only that the match ended.",
        rows=4,
    )


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a person",
        required=False,
        max_length=100,
        help_text="Type at least two letters of a name or department.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )

    def query(self) -> str:
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""


class ListChange(forms.Form):
    """Add a person to, or take them off, one of the two lists of the preferences page."""

    ACTIONS = {
        "exclude": "Add to “please not”",
        "unexclude": "Remove from “please not”",
        "prefer": "Add to “I would like”",
        "unprefer": "Remove from “I would like”",
    }
    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    person = forms.ModelChoiceField(queryset=Person.objects.none())

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.all()
        scope_form_querysets(self, organization)
