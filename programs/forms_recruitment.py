"""Forms of the recruitment pages. They check shapes; the recruitment services decide."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .models import EnrollmentStatus, ParticipantRole
from .services.recruitment import DECISIONS, MAX_CAPACITY

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def add_service_errors(form, error: ValidationError, *, elsewhere=()):
    """Put a service's ValidationError beside the form's fields it names; errors about other
    things (the program, the person) go on top. Keys in `elsewhere` are left out (another form
    on the page shows them)."""
    for key, messages in error.message_dict.items():
        if key in elsewhere:
            continue
        field = key if key in form.fields else None
        for message in messages:
            form.add_error(None if key == NON_FIELD_ERRORS else field, message)


class ApplicationForm(forms.Form):
    """What a mentor adds to the intake: why, and how many mentees."""

    motivation = forms.CharField(
        label="Why do you want to mentor?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="A few sentences for the program managers.",
        error_messages={"required": "Tell the program managers why you want to mentor."},
    )
    capacity = forms.IntegerField(
        label="How many mentees can you take?",
        min_value=0,
        max_value=MAX_CAPACITY,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, program, role, **kwargs):
        super().__init__(*args, **kwargs)
        if role != ParticipantRole.MENTOR:
            del self.fields["motivation"]
            del self.fields["capacity"]
        else:
            self.fields["capacity"].initial = program.mentor_default_capacity
            self.fields["capacity"].help_text = f"The program suggests {program.mentor_default_capacity}."


DECISION_LABELS = {
    EnrollmentStatus.APPROVED: "Approve",
    EnrollmentStatus.WAITLISTED: "Waitlist",
    EnrollmentStatus.DECLINED: "Decline",
}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", choices=[(d, DECISION_LABELS[d]) for d in DECISIONS])
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Sent to the applicant. Required when you decline.",
    )


class ReviewFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False)
    role = forms.ChoiceField(label="Role", required=False)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(type="search", placeholder="Name, email, department")
        self.fields["status"].choices = [("", "Any status"), *EnrollmentStatus.choices]
        self.fields["role"].choices = [("", "Any role"), *[(r, ParticipantRole(r).label) for r in program.roles]]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"q": "", "status": "", "role": ""}
        return {name: self.cleaned_data.get(name) or "" for name in ("q", "status", "role")}


class InviteEmailsForm(forms.Form):
    emails = forms.CharField(
        label="Email addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "ada@example.com\ngrace@example.com"}),
        help_text="One or more per line, separated by commas or spaces; or a CSV export with an email column.",
    )
    file = forms.FileField(label="Or upload a CSV file", required=False, help_text="UTF-8, up to 2 MB.")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file is larger than 2 MB.")
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("emails", "").strip() and not cleaned.get("file") and not self.errors:
            raise ValidationError("Paste some email addresses or choose a CSV file.")
        return cleaned

    def csv_text(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                return upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "Save the file as UTF-8 text (CSV), then upload it again.")
                return ""
        return self.cleaned_data["emails"]


class SegmentForm(forms.Form):
    """Narrow the program's audience for one round of invitations (empty: the whole audience)."""

    departments = forms.MultipleChoiceField(
        label="Departments", required=False, widget=forms.CheckboxSelectMultiple, help_text="Leave empty for all."
    )
    level_min = forms.IntegerField(label="Lowest level", required=False, min_value=0, max_value=999)
    level_max = forms.IntegerField(label="Highest level", required=False, min_value=0, max_value=999)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].choices = [(d, d) for d in departments]
        if not departments:
            del self.fields["departments"]

    def rules(self) -> dict:
        data = self.cleaned_data
        return {
            "departments": data.get("departments") or [],
            "level_min": data.get("level_min"),
            "level_max": data.get("level_max"),
        }


class NominationForm(forms.Form):
    program = forms.TypedChoiceField(label="Program", coerce=int)
    nominee = forms.TypedChoiceField(label="Who", coerce=int)
    note = forms.CharField(
        label="Why them? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the person you nominate.",
    )

    def __init__(self, *args, programs, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", "Choose a program"), *[(p.pk, p.name) for p in programs]]
        self.fields["nominee"].choices = [
            ("", "Choose a direct report"),
            *[(p.pk, f"{p.name} — {p.title}" if p.title else p.name) for p in reports],
        ]
