"""Reads of the periodic check-in: where a member stands with the current period.

Here rather than in the check-in page because the workspace summary (page and API) shows it too.
"""

from dataclasses import dataclass
from datetime import date

from ..models import CheckIn, Meeting, MeetingStatus
from ..services.checkins import current_period, next_period
from ..services.health import organization_today


@dataclass
class CheckinState:
    """Where the viewer stands with the current check-in period."""

    period_start: date | None
    next_opens: date | None
    submitted: CheckIn | None
    due: bool  # open, not answered, and worth a banner

    @property
    def open(self) -> bool:
        return self.period_start is not None and self.submitted is None


def checkin_state(viewer) -> CheckinState:
    """The current period (counted in the organization's days, as checkin_submit counts them)."""
    mentorship = viewer.mentorship
    today = organization_today(mentorship.program.organization)
    start = current_period(mentorship, today) if not viewer.read_only else None
    if start is None:
        return CheckinState(None, None, None, False)
    submitted = (
        CheckIn.objects.for_org(mentorship.organization_id).filter(member=viewer.member, period_start=start).first()
    )
    # In the very first period a check-in means something only once the pair has met.
    met = start != mentorship.started_on or (
        Meeting.objects.for_org(mentorship.organization_id)
        .filter(mentorship=mentorship, status=MeetingStatus.HELD)
        .exists()
    )
    return CheckinState(
        period_start=start,
        next_opens=next_period(mentorship, today),
        submitted=submitted,
        due=submitted is None and met,
    )
