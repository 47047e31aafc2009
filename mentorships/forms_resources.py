"""Forms of the resource hub. They shape input; every rule is checked in services.resources, whose
errors the form shows beside the field they name."""

from django import forms

from programs.forms_design import ServiceErrorsMixin

from .models import Resource
from .resource_files import ACCEPT, ALLOWED_LABEL, MAX_LABEL


class ResourceFilterForm(forms.Form):
    """The hub's search: words, a program, a kind, a tag. A value that is not offered (another
    organization's program, say) is ignored, like an empty one."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    program = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any program")
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Resource.Kind.choices], required=False)
    tag = forms.CharField(required=False, max_length=30)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs.order_by("name", "pk")
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": "Title, summary or tag"})
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q", ""),
            "program": data.get("program"),
            "kind": data.get("kind", ""),
            "tag": (data.get("tag") or "").strip().lower(),
        }


class ResourceForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Resource.Kind.choices, initial=Resource.Kind.GUIDE)
    program = forms.ModelChoiceField(
        queryset=None, required=False, help_text="Its participants see it; leave empty for the whole organization."
    )
    summary = forms.CharField(
        max_length=500, required=False, help_text="One or two sentences shown in the list and in search results."
    )
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Text",
        help_text="Markdown: # headings, **bold**, - lists, [links](https://…). Guides and templates need it.",
    )
    url = forms.URLField(required=False, max_length=500, assume_scheme="https", label="Web address")
    file = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=f"{ALLOWED_LABEL}; up to {MAX_LABEL}. Members download it here, never from a public address.",
    )
    tags = forms.CharField(
        required=False, max_length=400, help_text="Separated by commas, e.g. goals, first meeting, feedback."
    )
    context = forms.ChoiceField(
        choices=Resource.Context.choices, required=False, label="Also show it", initial=Resource.Context.NONE
    )

    def __init__(self, *args, programs, organization_wide: bool, instance: Resource | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                "title": instance.title,
                "kind": instance.kind,
                "program": instance.program_id,
                "summary": instance.summary,
                "body": instance.body,
                "url": instance.url,
                "file": instance.file,
                "tags": ", ".join(instance.tags),
                "context": instance.context,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        field.queryset = programs.order_by("name", "pk")
        if organization_wide:
            field.empty_label = "The whole organization"
        else:
            # A program manager adds resources to their own programs only.
            field.required = True
            field.help_text = "Its participants and managers see it."

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("file") is None:
            del data["file"]  # nothing uploaded: keep the stored file
        return data
