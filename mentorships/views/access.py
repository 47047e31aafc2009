"""How the members' pages find their own mentorship, meeting or goal.

Every lookup starts from the signed-in member's own MentorshipMember row (scoped to the request's
organization and filtered by the member's directory record, Person.user), the way the matching
participant pages do: anyone else's mentorship, and another organization's, answers 404 exactly
like a missing one. Program managers are no exception here; they have pages of their own.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from organizations.scoping import NOT_FOUND_MESSAGE, get_for_org_or_404
from programs.forms_recruitment import add_service_errors

from ..models import Goal, Meeting, Mentorship, MentorshipMember, Milestone
from ..timezones import person_zone

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
# What the services raise to refuse: a rule broken (ValidationError) or not a member (PermissionDenied).
SERVICE_REFUSALS = (ValidationError, PermissionDenied)
ENDED_MESSAGE = "This mentorship has ended: you can read everything here, but nothing can be changed."


@dataclass
class Viewer:
    """The signed-in member in one of their mentorships: their row, the others, their time zone."""

    mentorship: Mentorship
    member: MentorshipMember
    others: list
    zone: ZoneInfo

    @property
    def person(self):
        return self.member.person

    @property
    def program(self):
        return self.mentorship.program

    @property
    def today(self):
        """Today on the viewer's own calendar."""
        return timezone.localdate(timezone=self.zone)

    @property
    def read_only(self) -> bool:
        return not self.mentorship.is_live

    @property
    def partner_names(self) -> str:
        """ "Max Mentor", "Ana and Ben", "Ana, Ben and Cy": how the pages name the others."""
        names = [member.person.name for member in self.others]
        if len(names) <= 1:
            return names[0] if names else "your group"
        return f"{', '.join(names[:-1])} and {names[-1]}"


def zone_of(person, organization) -> ZoneInfo:
    """The person's own time zone, else the organization's, else UTC."""
    return person_zone(person, fallback=organization.time_zone)


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
    return Viewer(mentorship=member.mentorship, member=member, others=others, zone=zone_of(member.person, organization))


# A meeting, goal or milestone is found by id in the organization, then its mentorship through
# my_mentorship: a non-member gets the same 404 as for an id that does not exist.


def my_meeting(request, pk) -> tuple[Meeting, Viewer]:
    meeting = get_for_org_or_404(Meeting, request.organization, pk=pk)
    return meeting, my_mentorship(request, meeting.mentorship_id)


def my_goal(request, pk) -> tuple[Goal, Viewer]:
    goal = get_for_org_or_404(Goal.objects.select_related("owner__person"), request.organization, pk=pk)
    return goal, my_mentorship(request, goal.mentorship_id)


def my_milestone(request, pk) -> tuple[Milestone, Viewer]:
    milestone = get_for_org_or_404(Milestone.objects.select_related("goal"), request.organization, pk=pk)
    return milestone, my_mentorship(request, milestone.goal.mentorship_id)


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
