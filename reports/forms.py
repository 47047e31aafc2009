"""The ROI assumptions form: every assumption on screen, errors beside the field at fault.

The same form serves a what-if (anyone who reads reports: the range is worked out from the
typed figures, nothing is saved) and the save (admins, through
reports.services.roi.roi_assumptions_update, whose ValidationError names the field)."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from .models import RoiAssumptions

FIELDS = (
    "currency",
    "average_salary",
    "salary_by_level",
    "replacement_cost_low",
    "replacement_cost",
    "replacement_cost_high",
    "platform_cost",
    "coordinator_hours",
    "coordinator_hourly_rate",
    "participant_hours",
    "loaded_hourly_rate",
)
MAX_LEVELS = 30


def levels_text(salaries: dict) -> str:
    """{"1": 40000, "5": 120000} -> "1: 40000\\n5: 120000" (by level)."""

    def order(item):
        key = str(item[0])
        return (0, int(key), key) if key.isdigit() else (1, 0, key)

    return "\n".join(
        f"{level}: {Decimal(str(salary)).normalize():f}" for level, salary in sorted(salaries.items(), key=order)
    )


class SalaryByLevelField(forms.CharField):
    """One "level: yearly salary" a line; empty for one average salary for everyone."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return levels_text(value) if isinstance(value, dict) else value

    def to_python(self, value):
        text = super().to_python(value)
        salaries = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            level, sep, amount = line.partition(":")
            level, amount = level.strip(), amount.strip().replace(",", "").replace(" ", "")
            if not sep or not level or not amount:
                raise ValidationError(f"Line {number}: write the level, a colon, then the salary (e.g. 3: 55000).")
            try:
                salary = Decimal(amount)
            except InvalidOperation:
                raise ValidationError(f"Line {number}: “{amount}” is not an amount.") from None
            if not salary.is_finite() or salary < 0:
                raise ValidationError(f"Line {number}: a salary cannot be negative.")
            if level in salaries:
                raise ValidationError(f"Line {number}: level {level} is there twice.")
            salaries[level] = float(salary)
        if len(salaries) > MAX_LEVELS:
            raise ValidationError(f"At most {MAX_LEVELS} levels.")
        return salaries


class RoiAssumptionsForm(forms.ModelForm):
    salary_by_level = SalaryByLevelField(
        required=False,
        label="Salary by level (optional)",
        help_text="One level a line, e.g. “3: 55000”. Where a participant's level is listed, its salary is used "
        "instead of the average.",
    )

    class Meta:
        model = RoiAssumptions
        fields = FIELDS
        labels = {
            "currency": "Currency",
            "average_salary": "Average yearly salary",
            "replacement_cost_low": "Replacement cost, low",
            "replacement_cost": "Replacement cost, central",
            "replacement_cost_high": "Replacement cost, high",
            "platform_cost": "Platform cost per year",
            "coordinator_hours": "Coordinator hours per year",
            "coordinator_hourly_rate": "Coordinator hourly rate",
            "participant_hours": "Hours per participant per year",
            "loaded_hourly_rate": "Loaded hourly rate of a participant",
        }
        help_texts = {
            "currency": "Three letters, e.g. EUR.",
            "replacement_cost_low": "As a multiple of yearly salary. Published estimates run from about 0.5× to 2×.",
            "replacement_cost": "The default 1.0× is a common middle of published ranges.",
            "replacement_cost_high": "The high end of the range carried to the ROI.",
        }
        widgets = {
            field: forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"})
            for field in ("replacement_cost_low", "replacement_cost", "replacement_cost_high")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].widget.attrs.update({"maxlength": 3, "autocapitalize": "characters", "size": 4})

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
            raise ValidationError("Three letters, e.g. EUR or USD.")
        return currency

    def clean(self):
        cleaned = super().clean()
        low, central, high = (
            cleaned.get(name) for name in ("replacement_cost_low", "replacement_cost", "replacement_cost_high")
        )
        # Said beside the field that breaks the order, not as a nameless constraint error on top.
        if low is not None and central is not None and low > central:
            self.add_error("replacement_cost_low", "The low end cannot be above the central estimate.")
        elif central is not None and high is not None and central > high:
            self.add_error("replacement_cost_high", "The high end cannot be below the central estimate.")
        return cleaned

    def add_service_errors(self, error: ValidationError):
        """A service's ValidationError beside the fields it names; the rest on top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in FIELDS}
