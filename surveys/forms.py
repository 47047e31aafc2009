"""Forms: the questionnaire as a respondent fills it in, and the builder's own forms.

`QuestionnaireForm` checks answers with `surveys.validation`, the same rules
`services.response_submit` applies again on save; there is no second copy of them here.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.loader import render_to_string

from . import validation
from .models import Question, Questionnaire
from .selectors import questionnaire_questions, response_raw_values


class AnswerField(forms.Field):
    """One question's field: the widget shows it, `validation.validate_answer` judges it."""

    def __init__(self, *, rules: validation.QuestionRules, **kwargs):
        self.rules = rules
        super().__init__(**kwargs)

    def clean(self, value):
        try:
            return validation.validate_answer(self.rules, value)
        except validation.AnswerError as error:
            raise ValidationError(error.message, code="invalid") from None


def _number_text(value):
    return format(value.normalize(), "f") if value is not None else None


def widget_for(question, rules: validation.QuestionRules):
    kind = question.type
    if kind in validation.CHOICE_TYPES:
        options = [(c.value, c.label) for c in rules.offered]
        widget = forms.RadioSelect if kind == validation.SINGLE else forms.CheckboxSelectMultiple
        return widget(choices=options)
    if kind == validation.SCALE:
        low, high = rules.scale_bounds
        return forms.RadioSelect(choices=[(n, str(n)) for n in range(low, high + 1)], attrs={"class": "scale-row"})
    if kind == validation.NUMBER:
        attrs = {"step": "any", "inputmode": "decimal"}
        if rules.min_value is not None:
            attrs["min"] = _number_text(rules.min_value)
        if rules.max_value is not None:
            attrs["max"] = _number_text(rules.max_value)
        return forms.NumberInput(attrs=attrs)
    if kind == validation.DATE:
        return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    attrs = {"maxlength": rules.max_length}
    if kind == validation.LONG_TEXT:
        return forms.Textarea(attrs={**attrs, "rows": 4})
    return forms.TextInput(attrs=attrs)


def _help_text(question, rules):
    hints = [question.help_text] if question.help_text else []
    if question.type == validation.MULTIPLE:
        if rules.min_value is not None and rules.max_value is not None:
            hints.append(f"Choose {int(rules.min_value)} to {int(rules.max_value)}.")
        elif rules.max_value is not None:
            hints.append(f"Choose up to {int(rules.max_value)}.")
        elif rules.min_value is not None:
            hints.append(f"Choose at least {int(rules.min_value)}.")
        else:
            hints.append("Choose all that apply.")
    elif question.type == validation.SCALE:
        low, high = rules.scale_bounds
        hints.append(f"{low} is the lowest, {high} the highest.")
    return " ".join(hints)


class QuestionnaireForm(forms.Form):
    """One field per active question, named by the question's key.

    QuestionnaireForm(questionnaire, data=None, response=None, prefix=None): with `response`,
    the fields start from that response's answers (editing an intake). `cleaned_answers()`
    gives what `services.response_submit(answers=...)` takes.
    """

    template_name = "surveys/partials/questionnaire_form.html"

    def __init__(self, questionnaire: Questionnaire, data=None, response=None, prefix=None, *, questions=None):
        initial = response_raw_values(response) if response is not None else None
        super().__init__(data=data, initial=initial, prefix=prefix)
        self.questionnaire = questionnaire
        if questions is None:
            questions = questionnaire_questions(questionnaire)
        self.questions = [q for q in questions if not q.retired]
        for question in self.questions:
            rules = validation.rules_for(question, question.choices.all())
            self.fields[question.key] = AnswerField(
                rules=rules,
                label=question.text,
                help_text=_help_text(question, rules),
                required=question.required,
                widget=widget_for(question, rules),
            )

    def render(self, template_name=None, context=None, renderer=None):
        # The project's templates (the shared field partial) are not visible to Django's default
        # form renderer, so {{ form }} renders through the template engine instead.
        return render_to_string(template_name or self.template_name, context or self.get_context())

    __str__ = render
    __html__ = render

    def cleaned_answers(self) -> dict:
        """{question key: typed value}; call after is_valid()."""
        return {question.key: self.cleaned_data.get(question.key) for question in self.questions}

    def add_service_errors(self, error: ValidationError):
        """Show a service's ValidationError({key: [message]}) beside the fields it names."""
        for key, messages in error.message_dict.items():
            field = key if key in self.fields else None
            for message in messages:
                self.add_error(field if key != NON_FIELD_ERRORS else None, message)


# --- the builder ------------------------------------------------------------------------------


class QuestionnaireDetailsForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "description", "kind"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


SCALE_OPTIONS = [
    (f"{low}-{high}", f"{low} to {high}" + (" (NPS)" if low == 0 else "")) for low, high in Question.SCALES
]


class QuestionForm(forms.Form):
    """Add or edit a question. Which fields apply depends on the type; the service decides."""

    text = forms.CharField(label="Question", max_length=500)
    type = forms.ChoiceField(label="Type", choices=Question.Type.choices)
    key = forms.SlugField(
        label="Key",
        max_length=60,
        required=False,
        help_text="Stable name for matching and reports; left empty, it is made from the question.",
    )
    help_text = forms.CharField(label="Help text", max_length=500, required=False)
    required = forms.BooleanField(label="Required", required=False)
    choices = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Single and multiple choice: one option per line.",
    )
    scale = forms.ChoiceField(label="Scale", choices=SCALE_OPTIONS, required=False, initial="1-5")
    min_value = forms.DecimalField(
        label="Minimum",
        required=False,
        help_text="Number: lowest allowed. Text: fewest characters. Multiple choice: fewest picks.",
    )
    max_value = forms.DecimalField(
        label="Maximum",
        required=False,
        help_text="Number: highest allowed. Text: most characters. Multiple choice: most picks.",
    )

    def __init__(self, *args, question=None, answered=False, **kwargs):
        self.question = question
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "text": question.text,
                "type": question.type,
                "key": question.key,
                "help_text": question.help_text,
                "required": question.required,
                "min_value": question.min_value if question.type != validation.SCALE else None,
                "max_value": question.max_value if question.type != validation.SCALE else None,
                "scale": (
                    f"{int(question.min_value)}-{int(question.max_value)}"
                    if question.type == validation.SCALE and question.min_value is not None
                    else "1-5"
                ),
            }
        super().__init__(*args, **kwargs)
        if question is not None and question.type in validation.CHOICE_TYPES:
            # Choices of a choice question are edited one by one (so answered ones are kept);
            # the textarea stays for a question that is turned into a choice question.
            del self.fields["choices"]
        if answered:
            # Old answers must keep their meaning: the service refuses these changes anyway.
            for name in ("type", "key"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Locked: people have answered this question."

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "text": data["text"],
            "type": data["type"],
            "key": data.get("key") or "",
            "help_text": data.get("help_text") or "",
            "required": data.get("required", False),
            "min_value": data.get("min_value"),
            "max_value": data.get("max_value"),
        }
        if data["type"] == validation.SCALE:
            low, _, high = (data.get("scale") or "1-5").partition("-")
            kwargs["min_value"], kwargs["max_value"] = low, high
        elif data["type"] in (validation.SINGLE, validation.DATE):
            kwargs["min_value"] = kwargs["max_value"] = None
        if "choices" in self.fields:
            kwargs["choices"] = data.get("choices") if data["type"] in validation.CHOICE_TYPES else ()
        if self.question is not None and not kwargs["key"]:
            kwargs["key"] = self.question.key
        return kwargs

    def add_service_errors(self, error: ValidationError):
        for key, messages in error.message_dict.items():
            field = "scale" if key == "max_value" and self.cleaned_data.get("type") == validation.SCALE else key
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class ChoiceForm(forms.Form):
    label = forms.CharField(
        label="New choice", max_length=200, widget=forms.TextInput(attrs={"placeholder": "New choice"})
    )

    def add_service_errors(self, error: ValidationError):
        for messages in error.message_dict.values():
            for message in messages:
                self.add_error("label", message)
