"""Meetings: schedule (every member gets a calendar invitation), reschedule, cancel, and log.

Times are typed and shown on the member's own wall clock (their directory time zone, else the
organization's); the services store UTC and send the invitations. A private note is read and
written for its author only.
"""

from django.contrib import messages
from django.shortcuts import render
from django.utils import timezone

from organizations.permissions import Action
from organizations.scoping import org_view

from ..forms import MeetingForm, MeetingLogForm, UnscheduledMeetingLogForm
from ..models import MeetingFormat, MeetingPrivateNote, MeetingStatus
from ..services import meetings as services
from .access import (
    GET_OR_POST,
    SERVICE_REFUSALS,
    add_errors,
    as_validation_error,
    my_meeting,
    my_mentorship,
    refuse_if_ended,
    to_workspace,
)


def _render(request, template, viewer, form, **extra):
    context = {"viewer": viewer, "mentorship": viewer.mentorship, "program": viewer.program, "form": form, **extra}
    return render(request, template, context, status=400 if form.errors else 200)


def _attempt(form, service, **arguments):
    """Call a meeting service; its refusal goes beside the form's fields (its `starts_at` is the
    form's date and time). True when it succeeded."""
    try:
        service(**arguments)
    except SERVICE_REFUSALS as error:
        add_errors(form, error, rename={"starts_at": "date"})
        return False
    return True


def _invited(viewer):
    return viewer.partner_names if viewer.others else "you"


# --- scheduling ----------------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def meeting_new(request, pk):
    viewer = my_mentorship(request, pk)
    refusal = refuse_if_ended(request, viewer)
    if refusal:
        return refusal
    form = MeetingForm(
        request.POST or None, zone=viewer.zone, initial={"duration_minutes": viewer.program.meeting_minutes}
    )
    if request.method == "POST" and form.is_valid():
        scheduled = _attempt(
            form,
            services.meeting_schedule,
            organization=request.organization,
            mentorship=viewer.mentorship,
            person=viewer.person,
            **form.meeting_fields(),
        )
        if scheduled:
            messages.success(request, f"Meeting scheduled. We emailed a calendar invitation to {_invited(viewer)}.")
            return to_workspace(viewer)
    return _render(request, "mentorships/meeting_form.html", viewer, form, meeting=None)


def _still_to_come(request, meeting, viewer):
    """A redirect with the reason when the meeting can no longer be changed; else None."""
    refusal = refuse_if_ended(request, viewer)
    if refusal:
        return refusal
    if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= timezone.now():
        messages.error(request, "This meeting can't be changed any more: it has passed or was cancelled.")
        return to_workspace(viewer)
    return None


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def meeting_edit(request, pk):
    meeting, viewer = my_meeting(request, pk)
    refusal = _still_to_come(request, meeting, viewer)
    if refusal:
        return refusal
    local = meeting.starts_at.astimezone(viewer.zone)
    initial = {
        "date": local.date(),
        "time": local.time().replace(second=0, microsecond=0),
        "duration_minutes": meeting.duration_minutes,
        "location": meeting.location,
        "video_url": meeting.video_url,
        "agenda": meeting.agenda,
    }
    form = MeetingForm(request.POST or None, zone=viewer.zone, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            messages.info(request, "Nothing changed, so nobody was emailed.")
            return to_workspace(viewer)
        moved = _attempt(
            form,
            services.meeting_reschedule,
            organization=request.organization,
            meeting=meeting,
            person=viewer.person,
            **form.meeting_fields(),
        )
        if moved:
            messages.success(request, f"Meeting updated. {_invited(viewer).capitalize()} got the new details by email.")
            return to_workspace(viewer)
    return _render(request, "mentorships/meeting_form.html", viewer, form, meeting=meeting)


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def meeting_cancel(request, pk):
    meeting, viewer = my_meeting(request, pk)
    refusal = _still_to_come(request, meeting, viewer)
    if refusal:
        return refusal
    if request.method == "POST":
        try:
            services.meeting_cancel(organization=request.organization, meeting=meeting, person=viewer.person)
        except SERVICE_REFUSALS as error:
            messages.error(request, " ".join(as_validation_error(error).messages))
        else:
            messages.success(request, f"Meeting cancelled. We let {_invited(viewer)} know, calendars included.")
        return to_workspace(viewer)
    context = {"viewer": viewer, "mentorship": viewer.mentorship, "program": viewer.program, "meeting": meeting}
    return render(request, "mentorships/meeting_cancel.html", context)


# --- logging -------------------------------------------------------------------------------------


def _log_initial(meeting, viewer):
    """What the log form starts with: the log so far, and the viewer's own private note."""
    held = {MeetingStatus.HELD: "yes", MeetingStatus.NOT_HELD: "no"}.get(meeting.status)
    guessed_format = MeetingFormat.VIDEO if meeting.video_url else MeetingFormat.IN_PERSON if meeting.location else ""
    note = (
        MeetingPrivateNote.objects.for_org(meeting.organization_id)
        .filter(meeting=meeting, author=viewer.person)
        .values_list("text", flat=True)
        .first()
    )
    return {
        "held": held,
        "actual_minutes": meeting.actual_minutes or meeting.duration_minutes,
        "format": meeting.format or guessed_format,
        "topics": ", ".join(meeting.topics or []),
        "shared_notes": meeting.shared_notes,
        "private_note": note or "",
    }


def _logged_message(held):
    if held:
        return "Meeting logged. Your notes are saved, and the time counts towards your mentoring hours."
    return "Noted. When you're ready, schedule the next meeting."


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def meeting_log(request, pk):
    meeting, viewer = my_meeting(request, pk)
    refusal = refuse_if_ended(request, viewer)
    if refusal:
        return refusal
    if meeting.status == MeetingStatus.CANCELLED or meeting.starts_at > timezone.now():
        messages.error(request, "You can log a meeting once it has started.")
        return to_workspace(viewer)
    form = MeetingLogForm(request.POST or None, initial=_log_initial(meeting, viewer))
    if request.method == "POST" and form.is_valid():
        logged = _attempt(
            form,
            services.meeting_log,
            organization=request.organization,
            meeting=meeting,
            mentorship=viewer.mentorship,
            person=viewer.person,
            **form.log_fields(),
        )
        if logged:
            messages.success(request, _logged_message(form.cleaned_data["held"]))
            return to_workspace(viewer)
    return _render(request, "mentorships/meeting_log.html", viewer, form, meeting=meeting)


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def meeting_log_unscheduled(request, pk):
    """Logging a meeting that happened without being scheduled here (a chat in the corridor)."""
    viewer = my_mentorship(request, pk)
    refusal = refuse_if_ended(request, viewer)
    if refusal:
        return refusal
    initial = {"held": "yes", "actual_minutes": viewer.program.meeting_minutes}
    form = UnscheduledMeetingLogForm(request.POST or None, zone=viewer.zone, initial=initial)
    if request.method == "POST" and form.is_valid():
        logged = _attempt(
            form,
            services.meeting_log,
            organization=request.organization,
            meeting=None,
            mentorship=viewer.mentorship,
            person=viewer.person,
            **form.log_fields(),
        )
        if logged:
            messages.success(request, _logged_message(True))
            return to_workspace(viewer)
    return _render(request, "mentorships/meeting_log.html", viewer, form, meeting=None)
