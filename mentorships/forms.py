"""The members' forms: meetings (in the member's own time zone), the meeting log, goals,
milestones, comments and the check-in.

The forms check what a person can fix on the page (a time that has passed, a missing duration);
the services (mentorships/services/) remain the authority on every rule, and their refusals are
put beside the field they name (programs.forms_recruitment.add_service_errors).
"""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from .models import GoalStatus, MeetingFormat
from .timezones import local_time_kind, local_to_utc

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
DATE_ERRORS = {"required": "Choose a date.", "invalid": "Enter a date, like 2026-03-31."}
TIME_ERRORS = {"required": "Choose a start time.", "invalid": "Enter a time, like 14:30."}


class WhenMixin:
    """A date and a time read on the member's own wall clock (`zone`), combined in `starts_at`."""

    def clean_when(self, *, future):
        day, time = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if day is None or time is None:
            return None
        wall_clock = datetime.combine(day, time)
        if local_time_kind(wall_clock, self.zone.key) == "nonexistent":
            # The clocks jump past this time that night: say so rather than move it silently.
            self.add_error("time", f"{time:%H:%M} does not exist that night in {self.zone.key}: the clocks go forward.")
            return None
        starts_at = local_to_utc(wall_clock, self.zone.key)
        now = timezone.now()
        if future and starts_at <= now:
            field = "date" if day < now.astimezone(self.zone).date() else "time"
            self.add_error(field, "This time has passed. To record a meeting that already happened, log it instead.")
        if not future and starts_at > now:
            field = "date" if day > now.astimezone(self.zone).date() else "time"
            self.add_error(field, "This is still to come. Schedule it instead, and log it afterwards.")
        return starts_at


class MeetingForm(WhenMixin, forms.Form):
    date = forms.DateField(label="Date", widget=DATE, error_messages=DATE_ERRORS)
    time = forms.TimeField(label="Start time", widget=TIME, error_messages=TIME_ERRORS)
    duration_minutes = forms.IntegerField(
        label="How long (minutes)",
        min_value=5,
        max_value=480,
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
        error_messages={
            "required": "Say how long the meeting takes.",
            "min_value": "A meeting takes at least 5 minutes.",
            "max_value": "A meeting takes at most 8 hours (480 minutes).",
        },
    )
    location = forms.CharField(
        label="Where", required=False, max_length=300, help_text="A room, a café, an address. Leave empty for a call."
    )
    video_url = forms.URLField(
        label="Video call link", required=False, max_length=500, assume_scheme="https", help_text="Optional."
    )
    agenda = forms.CharField(
        label="Agenda",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you'd like to talk about. Everyone invited sees it.",
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone  # the page names it beside the date and time

    def clean(self):
        cleaned = super().clean()
        cleaned["starts_at"] = self.clean_when(future=True)
        return cleaned

    def meeting_fields(self):
        """The keyword arguments the meeting services take."""
        data = self.cleaned_data
        return {key: data[key] for key in ("starts_at", "duration_minutes", "location", "video_url", "agenda")}


HELD_CHOICES = [("yes", "Yes, we met"), ("no", "No, it didn't happen")]


class MeetingLogForm(forms.Form):
    held = forms.TypedChoiceField(
        label="Did the meeting happen?",
        choices=HELD_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the meeting happened."},
    )
    actual_minutes = forms.IntegerField(
        label="How long did it last? (minutes)",
        required=False,
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
        error_messages={"max_value": "At most 600 minutes (10 hours)."},
    )
    format = forms.ChoiceField(
        label="How did you meet?", choices=MeetingFormat.choices, required=False, widget=forms.RadioSelect
    )
    topics = forms.CharField(
        label="Topics",
        required=False,
        max_length=500,
        help_text="Separate them with commas, e.g. goals, feedback, career plans.",
    )
    shared_notes = forms.CharField(
        label="Shared notes",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Everyone in this mentorship can read these.",
    )
    private_note = forms.CharField(
        label="Private note: only you can see this",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Not the other members, not the program team. Just you.",
    )

    def clean_topics(self):
        topics = [topic.strip() for topic in self.cleaned_data["topics"].replace("\n", ",").split(",")]
        return [topic[:60] for topic in topics if topic][:12]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("held"):
            if not cleaned.get("actual_minutes") and "actual_minutes" not in self.errors:
                self.add_error("actual_minutes", "How long did you meet?")
            if not cleaned.get("format"):
                self.add_error("format", "Choose how you met.")
        return cleaned

    def log_fields(self):
        """The keyword arguments of meeting_log, from what the member typed."""
        data = self.cleaned_data
        held = data["held"]
        return {
            "held": held,
            "actual_minutes": data["actual_minutes"] if held else None,
            "format": data["format"] if held else "",
            "topics": data["topics"],
            "shared_notes": data["shared_notes"],
            "private_note": data["private_note"],
        }


class UnscheduledMeetingLogForm(WhenMixin, MeetingLogForm):
    """Logging a meeting that was never scheduled here: when it was comes first."""

    date = forms.DateField(label="Date", widget=DATE, error_messages=DATE_ERRORS)
    time = forms.TimeField(label="Start time", widget=TIME, error_messages=TIME_ERRORS)

    field_order = ["date", "time", "held"]

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        # Nobody logs a meeting that did not happen and was never planned.
        self.fields["held"].widget = forms.HiddenInput()
        self.fields["held"].initial = "yes"

    def clean(self):
        cleaned = super().clean()
        cleaned["starts_at"] = self.clean_when(future=False)
        return cleaned

    def log_fields(self):
        return {**super().log_fields(), "starts_at": self.cleaned_data["starts_at"]}


class GoalForm(forms.Form):
    statement = forms.CharField(
        label="Goal",
        max_length=300,
        help_text="Specific: what will be different? E.g. “Lead our team's sprint review on my own”.",
        error_messages={"required": "Say what the goal is."},
    )
    measure = forms.CharField(
        label="How you'll know",
        max_length=300,
        help_text="Measurable: what you could point to. E.g. “Ran two reviews with no help”.",
        error_messages={"required": "Say how you'll know you got there."},
    )
    target_date = forms.DateField(
        label="By when",
        widget=DATE,
        help_text="Time-bound: a date within the program.",
        error_messages={"required": "Choose a target date.", "invalid": DATE_ERRORS["invalid"]},
    )
    relevance = forms.CharField(
        label="Why it matters",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Relevant: how it connects to where you want to go. Optional.",
    )
    owner = forms.ModelChoiceField(
        label="Whose goal is it?", queryset=None, required=False, empty_label="Shared by the whole group"
    )

    def __init__(self, *args, program, owners, **kwargs):
        """`owners`: the members a goal may belong to; with only one, the field is left out."""
        super().__init__(*args, **kwargs)
        bounds = {"min": program.start_date, "max": program.end_date}
        self.fields["target_date"].widget.attrs.update({k: f"{v:%Y-%m-%d}" for k, v in bounds.items() if v})
        if program.end_date:
            ends = date_format(program.end_date, "j F Y")
            self.fields["target_date"].help_text = f"Time-bound: a date before the program ends ({ends})."
        if len(owners) > 1:
            self.fields["owner"].queryset = owners
            self.fields["owner"].label_from_instance = lambda member: member.person.name
        else:
            del self.fields["owner"]

    def goal_fields(self):
        data = self.cleaned_data
        fields = {key: data[key] for key in ("statement", "measure", "target_date", "relevance")}
        if "owner" in data:
            fields["owner"] = data["owner"]
        return fields


class GoalEditForm(GoalForm):
    status = forms.ChoiceField(label="Status", choices=GoalStatus.choices)
    progress = forms.IntegerField(
        label="Progress (%)",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
        help_text="Leave empty to follow the milestones done.",
        error_messages={"min_value": "Between 0 and 100.", "max_value": "Between 0 and 100."},
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label="New milestone", max_length=200, help_text="A step on the way, e.g. “Shadow one review”."
    )
    due_date = forms.DateField(label="Due (optional)", required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "milestone")
        super().__init__(*args, **kwargs)


class CommentForm(forms.Form):
    text = forms.CharField(label="Add a comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "comment")
        super().__init__(*args, **kwargs)


SCORES = [(1, "Not well"), (2, "Could be better"), (3, "OK"), (4, "Good"), (5, "Great")]


class CheckInForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How is your mentorship going?",
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it's going, from 1 to 5.", "invalid_choice": "Choose from 1 to 5."},
    )
    comment = forms.CharField(
        label="Anything to add? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For you to look back on. The program team sees your score and whether you asked for help, not this.",
    )
    wants_help = forms.BooleanField(
        label="I'd like help from the program manager",
        required=False,
        help_text="The program team sees that you asked, and gets in touch.",
    )
