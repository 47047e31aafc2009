"""The periodic check-in: how is it going (1–5), a comment, and "I'd like help"."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.shortcuts import render

from organizations.permissions import Action
from organizations.scoping import org_view
from programs.forms_recruitment import add_service_errors

from ..forms import SCORES, CheckInForm
from ..models import CheckIn, Meeting, MeetingStatus
from ..services.checkins import checkin_submit, current_period, next_period
from ..services.health import organization_today
from .access import GET_OR_POST, SERVICE_REFUSALS, as_validation_error, my_mentorship, refuse_if_ended, to_workspace


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


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def checkin(request, pk):
    viewer = my_mentorship(request, pk)
    refusal = refuse_if_ended(request, viewer)
    if refusal:
        return refusal
    state = checkin_state(viewer)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and state.open and form.is_valid():
        data = form.cleaned_data
        try:
            checkin_submit(
                organization=request.organization,
                mentorship=viewer.mentorship,
                person=viewer.person,
                score=data["score"],
                comment=data["comment"],
                wants_help=data["wants_help"],
            )
        except SERVICE_REFUSALS as error:
            add_service_errors(form, as_validation_error(error))
        else:
            thanks = "Thanks for checking in."
            if data["wants_help"]:
                thanks += " The program team will get in touch with you."
            messages.success(request, thanks)
            return to_workspace(viewer)
    context = {
        "viewer": viewer,
        "mentorship": viewer.mentorship,
        "program": viewer.program,
        "form": form,
        "state": state,
        "score_word": dict(SCORES).get(state.submitted.score) if state.submitted else "",
    }
    return render(request, "mentorships/checkin.html", context, status=400 if form.errors else 200)
