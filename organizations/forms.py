import secrets
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db.models import Q
from django.urls import reverse

from .logos import HEAD_BYTES, logo_image_type
from .models import ExitReason, Organization, Person, Role
from .permissions import can_assign_role

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]

LOGO_MAX_BYTES = 1024 * 1024
LOGO_EXTENSIONS = ["png", "jpg", "jpeg", "gif", "webp"]


def _image_type(upload):
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return logo_image_type(head)


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
    # The bounds are the model's, repeated here so the inputs carry them as min and max. That the
    # comments' bar is at least the other is the model's clean(), reported beside the second field.
    survey_min_responses = forms.IntegerField(
        min_value=3,
        max_value=10,
        label="Fewest responses behind a survey result",
        help_text=(
            "From 3 to 10. A survey's results, each question and each group in a breakdown (role,"
            " department, level, cohort) appear only when at least this many people answered."
        ),
    )
    survey_min_text_responses = forms.IntegerField(
        min_value=3,
        max_value=50,
        label="Fewest comments before any is shown",
        help_text=(
            "At least the number above, at most 50. Free-text answers are easier to recognise,"
            " so they need more people behind them."
        ),
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "time_zone",
            "locale",
            "brand_colour",
            "logo",
            "survey_min_responses",
            "survey_min_text_responses",
        ]
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
            image_type = _image_type(logo)
            if image_type is None:
                raise ValidationError("This file is not a PNG, JPEG, GIF or WebP image.")
            # A fresh name per upload: the logo's URL is versioned by it (browsers cache it for
            # long), and the uploader's own file name is nobody's business.
            logo.name = f"{self.instance.slug}-{secrets.token_hex(6)}.{image_type[1]}"
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

    # Who may be invited (not a member yet, no pending invitation, the daily cap) is decided by
    # services.invitation_create; the view puts its errors beside the email field.


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


def person_choice_label(person) -> str:
    """How a picked person reads in a picker's search box (and in its suggestions)."""
    return f"{person.name} · {person.title}" if person.title else person.name


class PersonPickerWidget(forms.MultiWidget):
    """A search box (`<name>_lookup`) that htmx fills with suggestions, and the chosen id (`<name>`).

    The form sets `search_url` (the organization's org:person-search) and `exclude_pk`. The
    template sits in the app's templates/ because Django's default form renderer only looks there.
    """

    template_name = "organizations/widgets/person_picker.html"
    use_fieldset = False

    def __init__(self, attrs=None):
        box = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "data-picker-input": ""})
        super().__init__({"": forms.HiddenInput(), "lookup": box}, attrs)
        self.search_url = ""
        self.exclude_pk = None

    def decompress(self, value):
        # PersonPickerField.prepare_value always hands over [id, text]; anything else is no choice.
        return [None, ""]

    def id_for_label(self, id_):
        return f"{id_}_1" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        results_id = f"{context['widget']['attrs'].get('id', name)}_results"
        box = context["widget"]["subwidgets"][1]
        box["attrs"].update(
            {
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": results_id,
                "hx-get": self.search_url,
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{results_id}",
                "hx-sync": "this:replace",
            }
        )
        if self.exclude_pk is not None:
            box["attrs"]["hx-vals"] = f'{{"exclude": "{int(self.exclude_pk)}"}}'
        context["widget"]["results_id"] = results_id
        return context


class PersonPickerField(forms.Field):
    """One person of the organization, picked by search (with JS) or typed as an ID or email.

    The posted value is [id, text]. The id counts while the text is still the label it was
    picked with; once the text changes it is resolved on its own: employee ID, email, or a
    name only one person has. A client posting the id alone (no search box) is taken at its id.
    """

    widget = PersonPickerWidget
    default_error_messages = {
        "invalid_choice": "Select a valid choice. That choice is not one of the available choices.",
        "not_found": "No one in the directory has this name, employee ID or email.",
        "ambiguous": "More than one person matches “%(value)s”. Enter their employee ID or email instead.",
    }

    def __init__(self, *, queryset, **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            raw_id, text = (list(value) + [None, None])[:2]
            if text is None and raw_id not in self.empty_values:
                person = self._by_pk(raw_id, strict=False)
                text = person_choice_label(person) if person else ""
            return [raw_id, text or ""]
        if value in self.empty_values:
            return [None, ""]
        person = value if isinstance(value, Person) else self._by_pk(value, strict=False)
        return [person.pk, person_choice_label(person)] if person else [value, ""]

    def clean(self, value):
        raw_id, text = (list(value) + [None, None])[:2] if isinstance(value, list | tuple) else (value, None)
        chosen = None if raw_id in self.empty_values else self._by_pk(raw_id)
        if text is None:
            person = chosen
        elif not text.strip():
            person = None
        elif chosen is not None and text.strip() in (person_choice_label(chosen), chosen.name):
            person = chosen
        else:
            person = self._by_lookup(text.strip())
        if person is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return person

    def has_changed(self, initial, data):
        try:
            person = self.clean(data)
        except ValidationError:
            return True
        return str(getattr(initial, "pk", initial) or "") != str(person.pk if person else "")

    def _by_pk(self, raw_id, strict=True):
        try:
            return self.queryset.get(pk=raw_id)
        except (ValueError, TypeError, Person.DoesNotExist):
            if strict:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
            return None

    def _by_lookup(self, text):
        matches = list(self.queryset.filter(Q(external_id=text) | Q(email__iexact=text))[:2])
        if not matches:
            matches = list(self.queryset.filter(name__iexact=text)[:2])
        if not matches:
            raise ValidationError(self.error_messages["not_found"], code="not_found")
        if len(matches) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"value": text})
        return matches[0]


class PersonForm(forms.ModelForm):
    languages = LanguagesField(required=False, help_text="Comma-separated, e.g. en, fr.")
    # Scoped to the form's organization in __init__; until then it offers nobody.
    manager = PersonPickerField(
        queryset=Person.objects.none(),
        required=False,
        help_text="Start typing a name and pick from the list, or enter the manager's employee ID or email.",
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
        manager = self.fields["manager"]
        manager.queryset = Person.objects.for_org(organization).only("id", "name", "title")
        manager.widget.search_url = reverse("org:person-search", args=[organization.slug])
        if self.instance.pk:
            # Nobody manages themselves; deeper cycles are refused by the service.
            manager.queryset = manager.queryset.exclude(pk=self.instance.pk)
            manager.widget.exclude_pk = self.instance.pk
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
