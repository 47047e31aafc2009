"""How the members' pages find their own mentorship, meeting or goal.

Every lookup starts from the signed-in member's own MentorshipMember row (scoped to the request's
organization and filtered by the member's directory record, Person.user), the way the matching
participant pages do: anyone else's mentorship, and another organization's, answers 404 exactly
like a missing one. Program managers are no exception here; they have pages of their own.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from organizations.scoping import NOT_FOUND_MESSAGE, get_for_org_or_404
from programs.forms_recruitment import add_service_errors

from ..models import Goal, Meeting, Mentorship, MentorshipMember, Milestone
from ..selectors.workspace import Viewer
from ..timezones import person_zone

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
# What the services raise to refuse: a rule broken (ValidationError) or not a member (PermissionDenied).
SERVICE_REFUSALS = (ValidationError, PermissionDenied)
ENDED_MESSAGE = "This mentorship has ended: you can read everything here, but nothing can be changed."


def my_mentorship(request, pk) -> Viewer:
    """The signed-in member's mentorship `pk` (any status), else 404."""
    organization = request.organization
    member = (
        MentorshipMember.objects.for_org(organization)
        .filter(mentorship_id=pk, person__user=request.user)
        .select_related("person", "mentorship__program__organization")
        .first()
    )
    if member is None:
        raise Http404(NOT_FOUND_MESSAGE)
    others = list(
        MentorshipMember.objects.for_org(organization)
        .filter(mentorship_id=pk)
        .exclude(pk=member.pk)
        .select_related("person")
    )
    zone = person_zone(member.person, fallback=organization.time_zone)
    return Viewer(mentorship=member.mentorship, member=member, others=others, zone=zone)


# A meeting, goal or milestone is found by id in the organization, then its mentorship through
# my_mentorship: a non-member gets the same 404 as for an id that does not exist. Each finder
# answers (the object, the Viewer), the shape member_page passes on.


def my_pair(request, pk) -> tuple[Mentorship, Viewer]:
    viewer = my_mentorship(request, pk)
    return viewer.mentorship, viewer


def my_meeting(request, pk) -> tuple[Meeting, Viewer]:
    meeting = get_for_org_or_404(Meeting, request.organization, pk=pk)
    return meeting, my_mentorship(request, meeting.mentorship_id)


def my_goal(request, pk) -> tuple[Goal, Viewer]:
    goal = get_for_org_or_404(Goal.objects.select_related("owner__person"), request.organization, pk=pk)
    return goal, my_mentorship(request, goal.mentorship_id)


def my_milestone(request, pk) -> tuple[Milestone, Viewer]:
    milestone = get_for_org_or_404(Milestone.objects.select_related("goal"), request.organization, pk=pk)
    return milestone, my_mentorship(request, milestone.goal.mentorship_id)


def member_page(find, *, writes):
    """A member's page about one object: `find(request, pk)` (my_pair, my_goal, …) loads it and
    its Viewer, or answers 404; then the view runs as view(request, obj, viewer). A page that
    `writes` sends the member back to the workspace with the reason once the mentorship has
    ended, whatever the method, so an ended pair's forms are not even shown."""

    def decorate(view):
        @wraps(view)
        def page(request, pk):
            obj, viewer = find(request, pk)
            if writes and (refusal := refuse_if_ended(request, viewer)):
                return refusal
            return view(request, obj, viewer)

        return page

    return decorate


def attempt(form, service, **arguments):
    """Call a service for a form; its refusal goes beside the form's fields. The service's result
    (True when it returns nothing) when it succeeded, None when refused."""
    try:
        return service(**arguments) or True
    except SERVICE_REFUSALS as error:
        add_service_errors(form, as_validation_error(error))
        return None


def to_workspace(viewer):
    return redirect("mentorships:workspace", viewer.mentorship.organization.slug, viewer.mentorship.pk)


def refuse_if_ended(request, viewer):
    """A redirect to the workspace, with the reason, when the mentorship is read-only; else None."""
    if viewer.read_only:
        messages.error(request, ENDED_MESSAGE)
        return to_workspace(viewer)
    return None


def add_errors(form, error, *, rename=None):
    """A service's refusal beside the form's fields; `rename` maps the service's field names to
    the form's (a meeting's `starts_at` is the form's date and time)."""
    error = as_validation_error(error)
    if rename and hasattr(error, "error_dict"):
        error = ValidationError({rename.get(key, key): value for key, value in error.error_dict.items()})
    add_service_errors(form, error)


def as_validation_error(error) -> ValidationError:
    """A service's PermissionDenied reads like any refusal on these pages: one message."""
    if isinstance(error, ValidationError):
        return error
    return ValidationError(str(error) or "You can't do this.")
