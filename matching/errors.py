"""Errors the matching services raise that callers treat specially."""

from django.core.exceptions import ValidationError


class HardRuleConfirmationNeeded(ValidationError):
    """A pair made by hand (added or swapped) breaks a hard rule: the caller shows `flags` (the
    broken rules, in words) and asks the program manager to confirm. Nothing was saved."""

    def __init__(self, flags):
        self.flags = list(flags)
        super().__init__(
            {"confirm": ["This pair breaks a hard rule: " + "; ".join(self.flags) + ". Confirm to make it anyway."]}
        )
