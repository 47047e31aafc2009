import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator

from .models import ExitReason, Membership, Organization, Person, Role
from .permissions import can_assign_role
from .selectors import pending_invitations

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]

LOGO_MAX_BYTES = 1024 * 1024
LOGO_EXTENSIONS = ["png", "jpg", "jpeg", "gif", "webp"]
# SVG is left out on purpose: an uploaded SVG can carry script and is served from our origin.
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def _looks_like_image(upload) -> bool:
    head = upload.read(12)
    upload.seek(0)
    return head.startswith(_IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="Your company, school or community.")
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, initial="UTC", help_text="Used for meeting times and reminders."
    )


class OrganizationSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)
    logo = forms.FileField(
        required=False,
        validators=[FileExtensionValidator(LOGO_EXTENSIONS)],
        help_text="PNG, JPEG, GIF or WebP, up to 1 MB. Shown beside the name in the navigation.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{e}" for e in LOGO_EXTENSIONS)}),
    )

    class Meta:
        model = Organization
        fields = ["name", "time_zone", "locale", "brand_colour", "logo"]
        labels = {"brand_colour": "Brand colour", "locale": "Language"}
        help_texts = {
            "brand_colour": "Buttons and links use this colour. Pick a dark enough shade for white text.",
            "locale": "A language code such as en, fr or de-CH.",
        }
        widgets = {"brand_colour": forms.TextInput(attrs={"type": "color"})}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # Only a fresh upload has a content_type; an unchanged or cleared logo needs no check.
        if logo and hasattr(logo, "content_type"):
            if logo.size > LOGO_MAX_BYTES:
                raise ValidationError("The logo is larger than 1 MB.")
            if not _looks_like_image(logo):
                raise ValidationError("This file is not a PNG, JPEG, GIF or WebP image.")
        return logo

    def changes(self) -> dict:
        """Changed fields as the model holds them after validation (a cleared logo is '')."""
        return {name: getattr(self.instance, name) for name in self.changed_data}


def assignable_role_choices(actor_membership):
    return [(value, label) for value, label in Role.choices if can_assign_role(actor_membership, value)]


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = assignable_role_choices(actor)


class InvitationForm(forms.Form):
    email = forms.EmailField(help_text="We send the invitation link to this address.")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, organization, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["role"].choices = assignable_role_choices(actor)
        self.fields["role"].help_text = (
            "Members take part in programs. Leaders also see people and reports. "
            "Admins manage people, members and settings."
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.for_org(self.organization).filter(user__email__iexact=email).exists():
            raise ValidationError("This person is already a member.")
        if pending_invitations(organization=self.organization).filter(email__iexact=email).exists():
            raise ValidationError("This address already has a pending invitation. Re-send it from the list below.")
        return email


class PersonFilterForm(forms.Form):
    """The people list's search and filters, read from the query string."""

    STATUS_CHOICES = [("", "Everyone"), ("active", "Active"), ("left", "Left")]

    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, email, department or ID"}),
    )
    department = forms.ChoiceField(required=False, choices=[])
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "All departments")] + [(d, d) for d in departments]

    def filters(self) -> dict:
        """The valid filters; an unknown department or status is dropped, the search kept."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q", "").strip(),
            "department": data.get("department", ""),
            "status": data.get("status", ""),
        }


class LanguagesField(forms.CharField):
    """A list of language codes typed as one comma-separated line."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return [part.strip() for part in value.split(",") if part.strip()]


class AttributesField(forms.JSONField):
    """Free custom attributes as a JSON object; an empty box means none."""

    def prepare_value(self, value):
        return "" if value in ({}, None, "{}") else super().prepare_value(value)


class ManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.title}" if obj.title else obj.name


class PersonForm(forms.ModelForm):
    languages = LanguagesField(required=False, help_text="Comma-separated, e.g. en, fr.")
    manager = ManagerChoiceField(
        queryset=Person.objects.only("id", "name", "title"), required=False, empty_label="— No manager —"
    )
    custom_attributes = AttributesField(
        required=False,
        help_text='Extra attributes as a JSON object, e.g. {"cohort": "2024", "site": "North"}.',
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "email",
            "external_id",
            "title",
            "department",
            "team",
            "level",
            "manager",
            "location",
            "time_zone",
            "languages",
            "hire_date",
            "last_promotion_date",
            "exit_date",
            "exit_reason",
            "custom_attributes",
        ]
        labels = {"external_id": "External ID", "exit_reason": "Reason for leaving"}
        help_texts = {
            "external_id": "The ID in your HR system. Imports match people by it.",
            "level": "A number: higher means more senior.",
            "exit_date": "Leave empty while the person is still here.",
        }
        widgets = {
            "hire_date": DateInput(),
            "exit_date": DateInput(),
            "last_promotion_date": DateInput(),
            "time_zone": forms.TextInput(attrs={"list": "time-zones", "placeholder": "Europe/Paris"}),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        if self.instance.pk:
            # Nobody manages themselves; deeper cycles are refused by the service.
            self.fields["manager"].queryset = self.fields["manager"].queryset.exclude(pk=self.instance.pk)
        self.fields["exit_reason"].choices = [("", "—")] + list(ExitReason.choices)

    def clean_custom_attributes(self):
        value = self.cleaned_data.get("custom_attributes")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise ValidationError('Enter a JSON object in braces, e.g. {"cohort": "2024"}.')
        return value

    def clean(self):
        data = super().clean()
        # The people services enforce the directory rules (unique ids, no manager cycles, dates
        # in order) for every writer, and the view puts their errors beside these fields. The date
        # order is checked here as well so it shows up with the other mistakes, not after them.
        hire, exit_ = data.get("hire_date"), data.get("exit_date")
        if hire and exit_ and exit_ < hire:
            self.add_error("exit_date", "The exit date is before the hire date.")
        if data.get("exit_reason") and not exit_:
            self.add_error("exit_reason", "Set an exit date too, or leave the reason empty.")
        return data

    def _post_clean(self):
        # Writes go through the people services, which validate and record history; the instance
        # stays as stored until they run (an invalid edit still shows the saved name as title).
        pass

    def add_service_errors(self, error: ValidationError):
        """Put a service's ValidationError beside the fields it names, the rest on top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.message_dict.items():
            self.add_error(name if name in self.fields else None, errors)

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What the token is for (for example: HRIS sync script), so you can tell tokens apart later.",
    )
