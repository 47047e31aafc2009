"""Check-ins: each member says how it is going (1–5), once per period, and may ask the program
manager for help. Periods start every `program.checkin_weeks` weeks from the mentorship's start.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format

from ..health import checkin_period_start
from ..models import CheckIn
from ._pair import acting_member, raise_errors, require_live
from .health import health_refresh, organization_today

COMMENT_MAX = CheckIn._meta.get_field("comment").max_length


def current_period(mentorship, today):
    """The first day of the check-in period holding `today`; None before the mentorship starts."""
    return checkin_period_start(mentorship.started_on, mentorship.program.checkin_weeks, today)


def next_period(mentorship, today):
    """The first day of the next check-in period (the mentorship's start while it has not begun)."""
    current = current_period(mentorship, today)
    if current is None:
        return mentorship.started_on
    return current + timedelta(weeks=mentorship.program.checkin_weeks)


def _score(value):
    """An int 1–5 or None: a form's "4" is fine, a boolean or 4.5 is not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 1 <= value <= 5 else None


def _already(mentorship, today):
    opens = date_format(next_period(mentorship, today), "j F Y")
    return ValidationError({"period": [f"You already checked in for this period. The next check-in opens on {opens}."]})


@transaction.atomic
def checkin_submit(*, organization, mentorship, person, score, comment="", wants_help=False) -> CheckIn:
    """`person`'s check-in for the current period of `mentorship`; the pair's health follows."""
    member = acting_member(organization, mentorship, person)
    require_live(mentorship)
    today = organization_today(organization)
    period = current_period(mentorship, today)
    comment = (comment or "").strip()
    errors = {}
    if _score(score) is None:
        errors["score"] = ["Choose a score from 1 (not well) to 5 (very well)."]
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [f"Keep the comment under {COMMENT_MAX:,} characters."]
    if period is None:
        errors["period"] = [
            f"The mentorship starts on {date_format(mentorship.started_on, 'j F Y')}; check-ins open then."
        ]
    raise_errors(errors)
    if CheckIn.objects.for_org(organization).filter(member=member, period_start=period).exists():
        raise _already(mentorship, today)
    try:
        with transaction.atomic():  # a double submit racing this one hits the unique constraint
            checkin = CheckIn.objects.create(
                organization=organization,
                mentorship=mentorship,
                member=member,
                period_start=period,
                score=_score(score),
                comment=comment,
                wants_help=bool(wants_help),
            )
    except IntegrityError:
        raise _already(mentorship, today) from None
    health_refresh(organization=organization, mentorship_ids=[mentorship.pk], today=today)
    return checkin
