""" "Refresh now": start a rollup, then watch it on a page whose progress bar htmx polls until the
run is done (the pattern of matching's run page). The run itself is reports.services.rollups."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from organizations.permissions import Action, can
from organizations.scoping import get_for_org_or_404, org_view

from ..models import RollupRun, RollupStatus
from ..services.rollups import rollup_start
from .access import REFUSAL, can_refresh, readable_program

RUN_REFUSAL = "Only organization admins and program managers can refresh the figures."


def _program_of(request):
    """The program a refresh was asked from (?program= or the form's), to come back to; None
    for the organization dashboard."""
    value = request.POST.get("program") or request.GET.get("program") or ""
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        return None  # only a way back: a bad value means the organization dashboard
    return readable_program(request, int(value))


def _dashboard_url(request, program):
    if program is None:
        return reverse("reports:dashboard", args=[request.organization.slug])
    return reverse("reports:program-dashboard", args=[request.organization.slug, program.pk])


@org_view(Action.PROGRAMS_VIEW)
@require_POST
def refresh(request):
    program = _program_of(request)
    if not can_refresh(request, program):
        raise PermissionDenied(RUN_REFUSAL)
    try:
        run = rollup_start(organization=request.organization, requested_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_dashboard_url(request, program))
    url = reverse("reports:run", args=[request.organization.slug, run.pk])
    return redirect(f"{url}?{urlencode({'program': program.pk})}" if program else url)


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def run(request, pk):
    """The run's progress; polled by htmx every second while it works, when the answer is the
    body alone, which swaps itself in place and stops polling once the run is done."""
    run = get_for_org_or_404(RollupRun.objects.select_related("requested_by"), request.organization, pk=pk)
    # Leaders read every run; the manager who asked for one follows it too.
    if not (can(request.membership, Action.REPORTS_VIEW) or run.requested_by_id == request.user.pk):
        raise PermissionDenied(REFUSAL)
    program = _program_of(request)
    context = {
        "run": run,
        "program": program,
        "back_url": _dashboard_url(request, program),
        "query": urlencode({"program": program.pk}) if program else "",
        "finished": run.status in (RollupStatus.SUCCEEDED, RollupStatus.FAILED),
        "seconds": (run.finished_at - run.started_at).total_seconds() if run.started_at and run.finished_at else None,
    }
    template = "reports/_run_body.html" if request.htmx else "reports/run.html"
    return render(request, template, context)
