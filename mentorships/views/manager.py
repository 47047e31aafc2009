"""The program manager's mentorship pages: every pair of a program with its health (the at-risk
queue first, a one-click nudge and a note on each), and one pair as the manager may see it.

Thin: reads come from selectors (manager, health, goals, meetings), writes from
services.interventions. A mentorship is found in the organization (another tenant's id is a 404
like a missing one), then its program goes through programs.access.managed_program: the same
404 for a draft the member cannot see and 403 for a program they do not manage as every other
program page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from organizations.permissions import Action
from organizations.scoping import NOT_FOUND_MESSAGE, get_for_org_or_404, org_view
from programs.access import managed_program

from ..forms_manager import InterventionNoteForm, PairFilterForm
from ..models import Mentorship, PairHealth
from ..selectors import manager as selectors
from ..selectors.goals import goals_summary
from ..selectors.health import at_risk_queue, program_health_counts
from ..selectors.meetings import mentoring_hours
from ..services.interventions import intervention_note as intervention_note_service
from ..services.interventions import intervention_nudge

PAGE_SIZE = 25
QUEUE_SIZE = 20  # the queue shows the pairs waiting longest for someone to act; the filter finds the rest


def managed_mentorship(request, pk) -> Mentorship:
    """The pair for its program's managers; to anyone else it answers like a missing pair (404),
    so the pages do not tell a colleague which pair ids exist."""
    mentorship = get_for_org_or_404(Mentorship, request.organization, pk=pk)
    try:
        mentorship.program = managed_program(request, mentorship.program_id)
    except PermissionDenied:
        raise Http404(NOT_FOUND_MESSAGE) from None
    return mentorship


def _back(request, mentorship):
    """Where a nudge or a note returns: the page it was sent from (the program's queue, or the pair)."""
    slug = request.organization.slug
    if request.POST.get("from") == "program":
        return redirect("mentorships:program", org_slug=slug, program_pk=mentorship.program_id)
    return redirect("mentorships:pair", org_slug=slug, pk=mentorship.pk)


def _names(mentorship) -> str:
    names = [member.person.name for member in mentorship.members.all()]
    return " and ".join(names) if len(names) <= 2 else f"{', '.join(names[:-1])} and {names[-1]}"


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def program_pairs(request, program_pk):
    program = managed_program(request, program_pk)
    form = PairFilterForm(request.GET or None)
    filters = form.filters()
    pairs = selectors.program_pairs(program, **filters)
    counts = program_health_counts(program)
    context = {
        "program": program,
        "form": form,
        "filtering": any(filters.values()),
        "counts": counts,
        "active_pairs": sum(counts.values()),
        "queue": at_risk_queue(program, limit=QUEUE_SIZE),
        "queue_total": counts[PairHealth.AT_RISK] + counts[PairHealth.NEEDS_ATTENTION],
        "hours": mentoring_hours(
            request.organization, Mentorship.objects.for_org(request.organization).filter(program=program)
        ),
        "goals": goals_summary(program),
        "page": Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page")),
        "note_form": InterventionNoteForm(),
    }
    return render(request, "mentorships/manager/program.html", context)


def _render_pair(request, mentorship, *, note_form=None, status=200):
    context = {
        "pair": selectors.pair_for_manager(mentorship),
        "mentorship": mentorship,
        "program": mentorship.program,
        "note_form": note_form or InterventionNoteForm(),
    }
    return render(request, "mentorships/manager/pair.html", context, status=status)


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def pair(request, pk):
    return _render_pair(request, managed_mentorship(request, pk))


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def nudge(request, pk):
    mentorship = managed_mentorship(request, pk)
    try:
        intervention_nudge(organization=request.organization, mentorship=mentorship, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"Nudge sent to {_names(mentorship)}: a friendly reminder to get back in touch.")
    return _back(request, mentorship)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def intervention_note(request, pk):
    mentorship = managed_mentorship(request, pk)
    form = InterventionNoteForm(request.POST)
    if form.is_valid():
        try:
            intervention_note_service(
                organization=request.organization, mentorship=mentorship, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The note was saved with the pair’s interventions.")
            return _back(request, mentorship)
    # Refused (an empty note, an ended pair): the pair page shows why beside the note field.
    return _render_pair(request, mentorship, note_form=form, status=400)
