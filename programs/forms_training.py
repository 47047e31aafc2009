"""Forms of the training pages: a module with its quiz builder, and a participant's attempt.

The quiz builder is a formset of questions, each with its choices one per line and the right
one marked with a leading `*`: it works without JavaScript and reads like a printed quiz.
The services validate again; their errors ("quiz.1.answer", "quiz_answers.2") are put back
beside the field they name.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from .models import ParticipantRole, TrainingModule
from .services.training import MAX_CHOICES, MAX_QUESTIONS, MAX_TEXT

MARK = "*"


class ModuleForm(forms.Form):
    title = forms.CharField(max_length=200)
    role = forms.ChoiceField(
        label="For", required=False, help_text="Mentor training, mentee orientation, or one module for everyone."
    )
    content = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Markdown: # headings, **bold**, lists with -, [links](https://…).",
    )
    pass_mark = forms.IntegerField(
        label="Pass mark (%)", min_value=0, max_value=100, initial=80, help_text="Used only when there is a quiz."
    )
    requires_acknowledgement = forms.BooleanField(
        label="Participants must confirm they have read and accept it", required=False, initial=True
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [(role, f"{ParticipantRole(role).label}s") for role in program.roles]
        self.fields["role"].choices = [("", "Everyone"), *roles]

    @classmethod
    def initial_for(cls, module: TrainingModule) -> dict:
        return {
            "title": module.title,
            "role": module.role,
            "content": module.content,
            "pass_mark": module.pass_mark,
            "requires_acknowledgement": module.requires_acknowledgement,
        }


class QuestionForm(forms.Form):
    question = forms.CharField(max_length=MAX_TEXT, required=False)
    choices = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=f"One per line; put {MARK} before the right one.",
    )

    def clean(self):
        cleaned = super().clean()
        question, text = cleaned.get("question", "").strip(), cleaned.get("choices", "")
        if not question and not text.strip():
            return cleaned  # a blank row is simply not a question
        if not question:
            self.add_error("question", "Write the question.")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        marked = [i for i, line in enumerate(lines) if line.startswith(MARK)]
        choices = [line.removeprefix(MARK).strip() for line in lines]
        if len(choices) < 2:
            self.add_error("choices", "Give at least two choices, one per line.")
        elif len(choices) > MAX_CHOICES:
            self.add_error("choices", f"Give at most {MAX_CHOICES} choices.")
        elif len(marked) != 1:
            self.add_error("choices", f"Mark exactly one choice as the right one with {MARK}.")
        if not self.errors:
            cleaned["item"] = {"question": question, "choices": choices, "answer": marked[0]}
        return cleaned

    @staticmethod
    def initial_for(item) -> dict:
        lines = [(MARK if i == item["answer"] else "") + choice for i, choice in enumerate(item["choices"])]
        return {"question": item["question"], "choices": "\n".join(lines)}


class BaseQuestionFormSet(forms.BaseFormSet):
    def quiz(self) -> list[dict]:
        """The questions written, in order, blank and removed rows left out."""
        return [item for _, item in self.items()]

    def items(self):
        """(form, question) for each question written: the map from "quiz.<i>" back to a form."""
        written = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            item = form.cleaned_data.get("item")
            if item:
                written.append((form, item))
        return written

    def add_service_errors(self, error: ValidationError):
        """Put "quiz.<i>.<key>" errors beside the question they are about."""
        forms_by_index = [form for form, _ in self.items()]
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            if parts[0] != "quiz":
                continue
            if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(forms_by_index):
                field = "question" if parts[-1] == "question" else "choices"
                for message in messages:
                    forms_by_index[int(parts[1])].add_error(field, message)
            else:
                self._non_form_errors = self.error_class([*self.non_form_errors(), *messages])


QuestionFormSet = formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_QUESTIONS,
    validate_max=True,
)


def question_formset(data=None, *, quiz=(), add=False):
    """The quiz builder; `add` re-shows the posted questions with one more blank row."""
    if data is not None and add:
        data = data.copy()
        total = int(data.get("quiz-TOTAL_FORMS", 0) or 0)
        data["quiz-TOTAL_FORMS"] = str(min(total + 1, MAX_QUESTIONS))
    initial = [QuestionForm.initial_for(item) for item in quiz]
    return QuestionFormSet(data, initial=initial or None, prefix="quiz")


class AttemptForm(forms.Form):
    """One radio group per question (field q<i>) and the acknowledgement, as the module asks."""

    def __init__(self, *args, module: TrainingModule, **kwargs):
        super().__init__(*args, **kwargs)
        for index, item in enumerate(module.quiz):
            self.fields[f"q{index}"] = forms.TypedChoiceField(
                label=item["question"],
                choices=list(enumerate(item["choices"])),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer."},
            )
        if module.requires_acknowledgement:
            self.fields["acknowledged"] = forms.BooleanField(
                label="I have read this and will follow it.",
                error_messages={"required": "Confirm that you have read and accept this module."},
            )
        self.module = module

    def question_fields(self):
        return [self[f"q{index}"] for index in range(len(self.module.quiz))]

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"q{index}"] for index in range(len(self.module.quiz))]

    def add_service_errors(self, error: ValidationError):
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            if parts[0] == "quiz_answers" and len(parts) == 2 and f"q{parts[1]}" in self.fields:
                field = f"q{parts[1]}"
            elif key in self.fields:
                field = key
            else:
                field = None
            for message in messages:
                self.add_error(field, message)
