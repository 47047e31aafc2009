"""The participants' matching pages: a mentee's suggested mentors and requests, a mentor's
requests, the private preference lists, and asking to end a match.

Every page acts on the signed-in member's own enrollment, request or mentorship, found through
the org scoping toolkit and filtered by the member's directory record (Person.user); anyone
else's answers 404, exactly like a missing one. The self-match, rematch and participant services
do every write and every check; these views only translate their answers into pages.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentorships.models import LIVE_STATUSES, Mentorship, MentorshipMember
from organizations.permissions import Action
from organizations.scoping import NOT_FOUND_MESSAGE, get_for_org_or_404, org_view
from organizations.selectors import person_picker_search
from programs.forms_recruitment import add_service_errors
from programs.models import Enrollment, ParticipantRole

from .. import selectors
from ..cohort import matching_settings_or_default
from ..forms_participant import DeclineForm, ListChange, MentorRequestForm, PeopleSearchForm, RematchForm
from ..models import MatchingMode, MentorRequest, MentorSuggestion, RequestStatus
from ..services import participant as participant_services
from ..services import rematch as rematch_services
from ..services import self_match as self_match_services

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
MIN_SEARCH_LENGTH = 2
SEARCH_LIMIT = 20


# --- finding the member's own things -------------------------------------------------------


def _my_enrollment(request, pk):
    """The member's own enrollment `pk`, with its program and person; anyone else's is a 404."""
    return get_for_org_or_404(
        Enrollment.objects.select_related("program", "person"), request.organization, pk=pk, person__user=request.user
    )


def _my_request(request, pk, *, side):
    """A mentor request the member received (side "mentor") or sent (side "mentee"), else 404."""
    lookup = {f"{side}__person__user": request.user}
    return get_for_org_or_404(
        MentorRequest.objects.select_related("mentee__person", "mentor__person", "program"),
        request.organization,
        pk=pk,
        **lookup,
    )


def _live_partners(enrollment):
    """[(mentorship, [the other members' Person, …]), …] for the enrollment's live matches."""
    memberships = (
        MentorshipMember.objects.for_org(enrollment.organization_id)
        .filter(enrollment=enrollment, mentorship__status__in=LIVE_STATUSES)
        .select_related("mentorship")
    )
    mentorships = [m.mentorship for m in memberships]
    others = (
        MentorshipMember.objects.for_org(enrollment.organization_id)
        .filter(mentorship__in=mentorships)
        .exclude(enrollment=enrollment)
        .select_related("person")
    )
    by_mentorship = {}
    for member in others:
        by_mentorship.setdefault(member.mentorship_id, []).append(member.person)
    return [(mentorship, by_mentorship.get(mentorship.pk, [])) for mentorship in mentorships]


def _places(enrollment):
    """{"left", "taken", "total"}: a mentor's places in this program (a place is one mentee)."""
    left = selectors.mentor_places_left(enrollment.program, [enrollment.pk])[enrollment.pk]
    taken = selectors.mentor_places_taken(enrollment.organization_id, [enrollment.pk]).get(enrollment.pk, 0)
    return {"left": left, "taken": taken, "total": left + taken}


def _attempt(request, service, success, /, **arguments):
    """Call a participant service as the signed-in member of this organization: its refusal
    becomes the page's error message, anything else the `success` message."""
    try:
        service(organization=request.organization, user=request.user, **arguments)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(_as_validation_error(error).messages))
    else:
        messages.success(request, success)


def _to(name, request, *args):
    return redirect(f"matching:{name}", request.organization.slug, *args)


# --- a mentee's suggestions and requests -------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def my_suggestions(request, enrollment_pk):
    """The mentors suggested to this mentee, each with the why, and the requests they sent."""
    enrollment = _my_enrollment(request, enrollment_pk)
    if enrollment.role == ParticipantRole.MENTOR:
        return _to("my_requests", request, enrollment.pk)
    if enrollment.role != ParticipantRole.MENTEE:
        raise Http404(NOT_FOUND_MESSAGE)
    matching_settings = matching_settings_or_default(enrollment.program)
    self_match = matching_settings.mode == MatchingMode.SELF_MATCH
    partners = _live_partners(enrollment)
    sent = list(selectors.requests_for(enrollment).sent[:50]) if self_match else []
    pending = [r for r in sent if r.status == RequestStatus.PENDING]
    suggestions = selectors.suggestions_for(enrollment) if self_match and not partners else []
    context = {
        "program": enrollment.program,
        "enrollment": enrollment,
        "self_match": self_match,
        "partners": partners,
        "suggestions": suggestions,
        "pending": pending,
        "answered": [r for r in sent if r.status != RequestStatus.PENDING][:10],
        "max_pending": matching_settings.max_pending_requests,
        "at_cap": len(pending) >= matching_settings.max_pending_requests,
    }
    return render(request, "matching/participant/suggestions.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def request_send(request, enrollment_pk):
    enrollment = _my_enrollment(request, enrollment_pk)
    form = MentorRequestForm(request.POST, enrollment=enrollment)
    if not form.is_valid():
        # The mentor is a hidden field: an id that is not one of this program's mentors is a 404.
        if "mentor" in form.errors:
            raise Http404(NOT_FOUND_MESSAGE)
        messages.error(request, " ".join(form.errors["message"]))
        return _to("my_suggestions", request, enrollment.pk)
    mentor = form.cleaned_data["mentor"]
    _attempt(
        request,
        self_match_services.mentor_request_send,
        f"Your request is with {mentor.person.name}. We'll email you as soon as they answer.",
        mentee=enrollment,
        mentor=mentor,
        message=form.cleaned_data["message"],
    )
    return _to("my_suggestions", request, enrollment.pk)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def request_withdraw(request, pk):
    mentor_request = _my_request(request, pk, side="mentee")
    _attempt(
        request,
        self_match_services.mentor_request_withdraw,
        f"You withdrew your request to {mentor_request.mentor.person.name}.",
        request=mentor_request,
    )
    return _to("my_suggestions", request, mentor_request.mentee_id)


# --- a mentor's requests ---------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def my_requests(request, enrollment_pk):
    """The requests this mentor received: accept or decline, with the places they have left."""
    enrollment = _my_enrollment(request, enrollment_pk)
    if enrollment.role == ParticipantRole.MENTEE:
        return _to("my_suggestions", request, enrollment.pk)
    if enrollment.role != ParticipantRole.MENTOR:
        raise Http404(NOT_FOUND_MESSAGE)
    received = list(selectors.requests_for(enrollment).received[:50])
    pending = [r for r in received if r.status == RequestStatus.PENDING]
    # Why the engine suggested this mentor to each mentee who asked: the same words they saw.
    suggested = MentorSuggestion.objects.for_org(request.organization).filter(
        mentor=enrollment, mentee_id__in=[r.mentee_id for r in pending]
    )
    reasons = {s.mentee_id: s for s in suggested}
    context = {
        "program": enrollment.program,
        "enrollment": enrollment,
        "self_match": matching_settings_or_default(enrollment.program).mode == MatchingMode.SELF_MATCH,
        "places": _places(enrollment),
        "partners": _live_partners(enrollment),
        "pending": [(r, reasons.get(r.mentee_id)) for r in pending],
        "answered": [r for r in received if r.status != RequestStatus.PENDING][:20],
    }
    return render(request, "matching/participant/requests.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def request_accept(request, pk):
    mentor_request = _my_request(request, pk, side="mentor")
    name = mentor_request.mentee.person.name
    _attempt(
        request,
        self_match_services.mentor_request_accept,
        f"You are now {name}'s mentor. We emailed {name}; say hello soon!",
        request=mentor_request,
    )
    return _to("my_requests", request, mentor_request.mentor_id)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def request_decline(request, pk):
    mentor_request = _my_request(request, pk, side="mentor")
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return _to("my_requests", request, mentor_request.mentor_id)
    _attempt(
        request,
        self_match_services.mentor_request_decline,
        f"You declined {mentor_request.mentee.person.name}'s request; they can ask others.",
        request=mentor_request,
        note=form.cleaned_data["note"],
    )
    return _to("my_requests", request, mentor_request.mentor_id)


# --- private preference lists --------------------------------------------------------------


# What each list change of the preferences page calls, and what it tells the participant.
LIST_SERVICES = {
    "exclude": (participant_services.pair_exclusion_add, "{name} is on your “please not” list."),
    "unexclude": (participant_services.pair_exclusion_remove, "{name} is off your “please not” list."),
    "prefer": (participant_services.match_preference_add, "{name} is on your “I would like” list."),
    "unprefer": (participant_services.match_preference_remove, "{name} is off your “I would like” list."),
}


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def my_preferences(request, enrollment_pk):
    """The private lists: "please not match me with" and, for mentees and peers, "I would like…".

    People are found by searching this organization's directory (active people only)."""
    organization = request.organization
    enrollment = _my_enrollment(request, enrollment_pk)
    search = PeopleSearchForm(request.GET)
    query = search.query()
    if request.method == "POST":
        change = ListChange(request.POST, organization=organization)
        if not change.is_valid():
            raise Http404(NOT_FOUND_MESSAGE)  # a person id of no one in this organization
        action, person = change.cleaned_data["action"], change.cleaned_data["person"]
        service, done = LIST_SERVICES[action]
        _attempt(request, service, done.format(name=person.name), enrollment=enrollment, person=person)
        back = reverse("matching:my_preferences", args=[organization.slug, enrollment.pk])
        query = request.POST.get("q", "").strip()[:100]
        return redirect(f"{back}?{urlencode({'q': query})}" if query else back)

    lists = selectors.my_matching_lists(enrollment)
    results = _search_people(organization, query, exclude_pk=enrollment.person_id)
    context = {
        "program": enrollment.program,
        "enrollment": enrollment,
        "can_prefer": enrollment.role in participant_services.PREFERRING_ROLES,
        "exclusions": lists.exclusions,
        "preferences": lists.preferences,
        "excluded_ids": {e.excluded_person_id for e in lists.exclusions},
        "preferred_ids": {p.preferred_person_id for p in lists.preferences},
        "search": search,
        "query": query,
        "too_short": 0 < len(query) < MIN_SEARCH_LENGTH,
        "results": results,
        "limit": SEARCH_LIMIT,
    }
    if request.htmx and request.htmx.target == "people-results":
        return render(request, "matching/participant/_people_results.html", context)
    return render(request, "matching/participant/preferences.html", context)


def _search_people(organization, query, *, exclude_pk):
    """Active people of this organization only, by name, department, email or employee ID
    (the directory picker's search); the page shows only names, titles and departments."""
    if len(query) < MIN_SEARCH_LENGTH:
        return []
    return list(person_picker_search(organization=organization, query=query, exclude_pk=exclude_pk, limit=SEARCH_LIMIT))


# --- ending a match ----------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def rematch_request(request, pk):
    """Ask to end one's own match, without blame: the reason is for the program team only."""
    organization = request.organization
    mentorship = get_for_org_or_404(
        Mentorship.objects.select_related("program"), organization, pk=pk, members__person__user=request.user
    )
    mine = (
        MentorshipMember.objects.for_org(organization)
        .filter(mentorship=mentorship, person__user=request.user)
        .select_related("enrollment")
        .first()
    )
    others = list(
        MentorshipMember.objects.for_org(organization)
        .filter(mentorship=mentorship)
        .exclude(pk=mine.pk)
        .select_related("person")
    )
    form = RematchForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and mentorship.is_live:
        try:
            rematch_services.rematch_request(
                organization=organization,
                mentorship=mentorship,
                enrollment=mine.enrollment,
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, _as_validation_error(error))
        else:
            messages.success(request, _ended_message(mentorship.program, mine.enrollment))
            return redirect("programs:my-enrollments", org_slug=organization.slug)
    context = {
        "program": mentorship.program,
        "mentorship": mentorship,
        "enrollment": mine.enrollment,
        "others": [member.person for member in others],
        "form": form,
    }
    return render(request, "matching/participant/rematch.html", context, status=400 if form.errors else 200)


def _ended_message(program, enrollment):
    text = "Your match has ended. Thank you for being honest about it: the program team will find you a new match."
    self_match = matching_settings_or_default(program).mode == MatchingMode.SELF_MATCH
    if self_match and enrollment.role == ParticipantRole.MENTEE:
        text = "Your match has ended. You can choose a new mentor from your suggestions; the program team can help."
    return text


def _as_validation_error(error):
    """A PermissionDenied reads like any refusal here: one message, nothing else."""
    if isinstance(error, ValidationError):
        return error
    return ValidationError(str(error) or "You can't do this.")
