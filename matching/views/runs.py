"""Match runs as a program manager sees them: start one, watch its progress, review and adjust
its proposals (lock, remove, add by hand, swap, re-run around the locks, compare), publish or
discard it. Thin: reads come from matching.selectors, every write from matching.services."""

from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentorships.models import Mentorship, MentorshipMember
from organizations.permissions import Action
from organizations.scoping import org_view
from programs.access import managed_program
from programs.models import Enrollment, ParticipantRole

from .. import selectors
from ..forms import CompareForm, PairForm, ProposalSearchForm, PublishForm, SwapForm
from ..models import MatchProposal, MatchRun, MatchRunKind, MatchRunStatus, ProposalMember
from ..services import publish as publish_services
from ..services import review as review_services
from ..services import runs as run_services
from .manager import managed_proposal, managed_run

PROPOSALS_PAGE_SIZE = 100
UNMATCHED_SHOWN = 50
PAIR_SEARCH_FIELDS = ("mentee", "mentor", "mentee_q", "mentor_q")
PAIR_LISTS = {"add-mentee-choices": "mentee", "add-mentor-choices": "mentor"}  # htmx target -> the list it shows
GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _run_url(request, run, query=None):
    url = reverse("matching:run_detail", args=[request.organization.slug, run.pk])
    return f"{url}?{urlencode(query)}" if query else url


def _back_to_run(request, run):
    """Back to the run page where the action was taken (same search and page of proposals)."""
    query = {key: request.POST[key] for key in ("q", "page") if request.POST.get(key)}
    return redirect(_run_url(request, run, query))


# --- starting ---------------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def run_start(request, program_pk):
    program = managed_program(request, program_pk)
    incremental = request.POST.get("incremental") == "1"
    try:
        run = run_services.match_run_start(
            organization=request.organization, program=program, user=request.user, incremental=incremental
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("matching:program", org_slug=request.organization.slug, program_pk=program.pk)
    return redirect("matching:run_detail", org_slug=request.organization.slug, pk=run.pk)


# --- the run page and its progress -------------------------------------------------------------


def _review_context(request, run):
    """What the result part of the run page shows: metrics, a page of proposals, the unmatched,
    and the forms that adjust the result."""
    search = ProposalSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    proposals = selectors.run_proposals(run)
    if query:
        matching_people = ProposalMember.objects.for_org(run.organization_id).filter(
            run_id=run.pk, enrollment__person__name__icontains=query
        )
        proposals = proposals.filter(pk__in=matching_people.values("proposal_id"))
    page = Paginator(proposals, PROPOSALS_PAGE_SIZE).get_page(request.GET.get("page"))
    page.rows = selectors.proposals_table(run, proposals=page.object_list)
    # A large run leaves thousands unmatched: the page counts them and lists the first few, and
    # the name search finds anyone.
    unmatched_ids = selectors.run_unmatched_ids(run)
    unmatched_total = len(unmatched_ids)
    unmatched = selectors.run_unmatched_queryset(run, ids=unmatched_ids)
    found = unmatched.filter(person__name__icontains=query) if query else unmatched
    found_count = found.count() if query else unmatched_total
    pairs = run.kind == MatchRunKind.PAIRS
    other_runs = _other_runs(request, run)
    context = {
        "metrics": run.metrics or {},
        "page": page,
        "query": query,
        "unmatched": list(found[:UNMATCHED_SHOWN]) if found_count else [],
        "unmatched_count": found_count,
        "unmatched_total": unmatched_total,
        "editable": run.is_editable,
        "pairs": pairs,
        "unit": _unit(run),
        "compare_form": CompareForm(runs=other_runs, auto_id="compare-%s") if other_runs.exists() else None,
    }
    if run.status == MatchRunStatus.PUBLISHED:
        context["mentorship_count"] = Mentorship.objects.for_org(run.organization_id).filter(match_run=run).count()
    if run.is_editable:
        context["publish_form"] = PublishForm(auto_id="publish-%s")
        context["locked_count"] = (
            MatchProposal.objects.for_org(run.organization_id).filter(run=run, locked=True).count()
        )
        context["swap_form"] = SwapForm(auto_id="swap-%s") if pairs else None
        if pairs and unmatched_total:  # the page's search narrows the mentees offered too
            context["pair_form"] = _pair_form(run, mentees=unmatched, initial={"mentee_q": query})
    return context


def _unit(run) -> str:
    """What one proposal of the run is called on the page."""
    return "circle" if run.kind == MatchRunKind.CIRCLES else "pair"


def _other_runs(request, run):
    return MatchRun.objects.for_org(request.organization).filter(program=run.program).exclude(pk=run.pk)


def _run_context(request, run):
    context = {"program": run.program, "run": run}
    if run.is_finished:
        context.update(_review_context(request, run))
    return context


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def run_detail(request, pk):
    run = managed_run(request, pk)
    return render(request, "matching/manager/run_detail.html", _run_context(request, run))


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def run_progress(request, pk):
    """Polled by htmx every second while the run works: the progress bar, then, once the run is
    finished, the whole result, which replaces the bar in place (no page reload)."""
    run = managed_run(request, pk)
    if not request.htmx:
        return redirect(_run_url(request, run))
    return render(request, "matching/manager/_run_body.html", _run_context(request, run))


# --- adjusting the proposals -------------------------------------------------------------------


def _mentor_places(run) -> dict[int, int]:
    """{mentor enrollment id: places still free in this run}, for mentors with at least one: the
    places the run started from less the pairs it now holds (hand-made ones included)."""
    parameters = run.parameters or {}
    capacity = dict(zip(parameters.get("mentors", []), parameters.get("capacity", []), strict=False))
    used = Counter(
        ProposalMember.objects.for_org(run.organization_id)
        .filter(run_id=run.pk, role=ParticipantRole.MENTOR)
        .order_by()
        .values_list("enrollment_id", flat=True)
    )
    places = {pk: total - used[pk] for pk, total in capacity.items()}
    return {pk: free for pk, free in places.items() if free > 0}


def _pair_form(run, data=None, *, mentees=None, **kwargs):
    """The add-by-hand form: an unmatched mentee (`mentees`, the run's unmatched unless given),
    and a mentor with a place left in this run. The same field ids on the run page and the
    add-a-pair page, so the name search's htmx swap finds its list on either."""
    people = Enrollment.objects.for_org(run.organization_id).select_related("person").order_by("person__name", "pk")
    places = _mentor_places(run)
    return PairForm(
        data,
        mentees=selectors.run_unmatched_queryset(run) if mentees is None else mentees,
        mentors=people.filter(pk__in=list(places)),
        mentor_places=places,
        auto_id="add-%s",
        **kwargs,
    )


def _pair_of(proposal):
    """(mentee, mentor) enrollments of a pair proposal (members prefetched by run_proposals)."""
    members = {member.role: member.enrollment for member in proposal.members.all()}
    return members.get(ParticipantRole.MENTEE), members.get(ParticipantRole.MENTOR)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def proposal_lock(request, pk, proposal_pk):
    run = managed_run(request, pk)
    proposal = managed_proposal(request, run, proposal_pk)
    locked = request.POST.get("locked") == "1"
    try:
        review_services.proposal_lock(
            organization=request.organization, proposal=proposal, user=request.user, locked=locked
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        state = "locked" if locked else "unlocked"
        messages.success(request, f"{_unit(run).capitalize()} {proposal.number} is {state}.")
    return _back_to_run(request, run)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def proposal_remove(request, pk, proposal_pk):
    run = managed_run(request, pk)
    proposal = managed_proposal(request, run, proposal_pk)
    try:
        review_services.proposal_remove(organization=request.organization, proposal=proposal, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            f"{_unit(run).capitalize()} {proposal.number} was removed; its people are back among the unmatched.",
        )
    return _back_to_run(request, run)


def _preview(request, run, mentee, mentor):
    preview = review_services.pair_preview(organization=request.organization, run=run, mentee=mentee, mentor=mentor)
    return {"mentee": mentee, "mentor": mentor, "preview": preview}


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def proposal_add(request, pk):
    """A pair made by hand: GET previews it (score, reasons, broken hard rules), POST makes it;
    a pair that breaks a hard rule needs the confirmation box ticked."""
    run = managed_run(request, pk)
    if request.method != "POST" and not (request.GET.get("mentee") and request.GET.get("mentor")):
        # A first visit (maybe from an unmatched mentee's link) or a name search: the lists of
        # matches, nothing to complain about yet. As the manager types, htmx asks for one list.
        form = _pair_form(run, initial={name: request.GET.get(name) for name in PAIR_SEARCH_FIELDS})
        side = PAIR_LISTS.get(request.htmx.target) if request.htmx else None
        if side:
            return render(request, "matching/manager/_pair_choices.html", {"field": form[side], "side": side})
        context = {"program": run.program, "run": run, "form": form, "previews": []}
        return render(request, "matching/manager/pair_add.html", context)
    data = request.POST if request.method == "POST" else request.GET
    form = _pair_form(run, data)
    context = {"program": run.program, "run": run, "form": form, "previews": []}
    if not run.is_editable or not form.is_valid():
        return render(request, "matching/manager/pair_add.html", context)
    mentee, mentor = form.cleaned_data["mentee"], form.cleaned_data["mentor"]
    if request.method == "POST":
        try:
            proposal = review_services.proposal_add(
                organization=request.organization,
                run=run,
                mentee=mentee,
                mentor=mentor,
                user=request.user,
                confirm=form.cleaned_data["confirm"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            names = f"{mentee.person.name} and {mentor.person.name}"
            messages.success(request, f"{names} were added as pair {proposal.number}.")
            return redirect(_run_url(request, run))
    try:
        context["previews"] = [_preview(request, run, mentee, mentor)]
    except ValidationError as error:
        form.add_service_errors(error)
    return render(request, "matching/manager/pair_add.html", context)


def _numbered_pairs(run, form):
    """The two proposals the swap form names by number; errors beside the numbers not found."""
    found = {
        p.number: p
        for p in selectors.run_proposals(run).filter(number__in=[form.cleaned_data[n] for n in ("first", "second")])
    }
    proposals = []
    for name in ("first", "second"):
        proposal = found.get(form.cleaned_data[name])
        if proposal is None:
            form.add_error(name, f"There is no pair {form.cleaned_data[name]} in this run.")
        proposals.append(proposal)
    return proposals if form.is_valid() else None


@org_view(Action.PROGRAMS_VIEW)
@GET_OR_POST
def proposals_swap(request, pk):
    """Two pairs trade mentors: GET previews the two new pairs, POST swaps."""
    run = managed_run(request, pk)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = SwapForm(data)
    context = {"program": run.program, "run": run, "form": form, "previews": []}
    if not run.is_editable or data is None or not form.is_valid():
        return render(request, "matching/manager/swap.html", context)
    pair = _numbered_pairs(run, form)
    if pair is None:
        return render(request, "matching/manager/swap.html", context)
    first, second = pair
    if request.method == "POST":
        try:
            review_services.proposals_swap(
                organization=request.organization,
                first=first,
                second=second,
                user=request.user,
                confirm=form.cleaned_data["confirm"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Pairs {first.number} and {second.number} swapped mentors.")
            return redirect(_run_url(request, run))
    (mentee_one, mentor_one), (mentee_two, mentor_two) = _pair_of(first), _pair_of(second)
    context["current"] = [(first, mentee_one, mentor_one), (second, mentee_two, mentor_two)]
    try:
        context["previews"] = [
            _preview(request, run, mentee_one, mentor_two),
            _preview(request, run, mentee_two, mentor_one),
        ]
    except ValidationError as error:
        form.add_service_errors(error)
    return render(request, "matching/manager/swap.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def run_rerun(request, pk):
    run = managed_run(request, pk)
    try:
        new_run = run_services.match_run_rerun(organization=request.organization, run=run, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(_run_url(request, run))
    messages.success(request, f"Run {new_run.pk} keeps the locked pairs of run {run.pk} and matches everyone else.")
    return redirect(_run_url(request, new_run))


# How each compared figure reads: (label, digits, a share shown in percent).
COMPARED_FIGURES = {
    "matched": ("Matched", 0, False),
    "unmatched": ("Unmatched", 0, False),
    "proposals": ("Proposals", 0, False),
    "total": ("Total score", 0, False),
    "mean": ("Mean score", 1, False),
    "worst": ("Worst-off", 1, False),
    "p10": ("10th percentile", 1, False),
    "top3_share": ("Got a top-3 mentor", 0, True),
}


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def run_compare(request, pk):
    run = managed_run(request, pk)
    form = CompareForm(request.GET or None, runs=_other_runs(request, run))
    context = {"program": run.program, "run": run, "form": form, "comparison": None}
    if form.is_bound and form.is_valid():
        comparison = selectors.runs_compare(run, form.cleaned_data["other"])
        context["comparison"] = comparison
        context["figures"] = [
            {"label": label, "digits": digits, "percent": share, **comparison["metrics"][name]}
            for name, (label, digits, share) in COMPARED_FIGURES.items()
            if name in comparison["metrics"]
        ]
    return render(request, "matching/manager/compare.html", context)


# --- publishing ---------------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def run_publish(request, pk):
    run = managed_run(request, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["confirm"]))
        return redirect(_run_url(request, run))
    try:
        mentorships = publish_services.match_run_publish(organization=request.organization, run=run, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        people = MentorshipMember.objects.for_org(request.organization).filter(mentorship__in=mentorships).count()
        messages.success(
            request,
            f"Published: {len(mentorships)} mentorship{'' if len(mentorships) == 1 else 's'} created; "
            f"{people} people are being told by email.",
        )
    return redirect(_run_url(request, run))


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def run_discard(request, pk):
    run = managed_run(request, pk)
    try:
        run_services.match_run_discard(organization=request.organization, run=run, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(_run_url(request, run))
    messages.success(request, f"Run {run.pk} was discarded.")
    return redirect("matching:program", org_slug=request.organization.slug, program_pk=run.program_id)
