"""The periodic check-in: how is it going (1–5), a comment, and "I'd like help"."""

from django.contrib import messages
from django.shortcuts import render

from organizations.permissions import Action
from organizations.scoping import org_view
from programs.forms_recruitment import add_service_errors

from ..forms import SCORES, CheckInForm
from ..selectors.checkins import checkin_state
from ..services.checkins import checkin_submit
from .access import GET_OR_POST, SERVICE_REFUSALS, as_validation_error, my_mentorship, refuse_if_ended, to_workspace


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
