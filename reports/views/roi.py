"""The ROI page: the assumptions on screen, the range they give, and the admins' form.

Anyone who reads the reports can try other figures (a what-if: htmx asks for the range as they
type, nothing is saved); admins (Action.ORG_EDIT) save them for everyone. The range comes from
reports.services.roi.roi_estimate, which carries the measured retention difference's interval
through to the money and says so plainly when the difference is not significant."""

import copy
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from organizations.permissions import Action, can
from organizations.scoping import org_view

from .. import selectors
from ..forms import RoiAssumptionsForm
from ..services.roi import roi_assumptions_for, roi_assumptions_update, roi_estimate
from .access import picker_programs, report_scope

EDIT_REFUSAL = "Only organization admins can change the ROI assumptions."


def _roi_url(request, program):
    url = reverse("reports:roi", args=[request.organization.slug])
    return f"{url}?{urlencode({'program': program.pk})}" if program else url


def _render(request, program, form, estimate, *, figures, what_if=False, status=200):
    context = {
        "program": program,
        "impact": figures,
        "form": form,
        "estimate": estimate,
        # The money rows of the working, in the order they add up.
        "rows": [
            ("Replacement costs saved", estimate["savings"]),
            ("Program cost", estimate["cost"]),
            ("Net savings", estimate["net"]),
        ]
        if estimate
        else [],
        "assumptions": form.instance,
        "what_if": what_if,
        "can_edit": can(request.membership, Action.ORG_EDIT),
        "programs": picker_programs(request) if can(request.membership, Action.REPORTS_VIEW) else [],
    }
    template = "reports/_roi_result.html" if request.htmx and what_if else "reports/roi.html"
    return render(request, template, context, status=status)


@org_view(Action.PROGRAMS_VIEW)
@require_http_methods(["GET", "HEAD", "POST"])
def roi(request):
    organization = request.organization
    program = report_scope(request)
    saved = roi_assumptions_for(organization=organization)
    figures = selectors.impact_figures(organization=organization, program=program)

    def estimate_with(assumptions=None):
        return roi_estimate(organization=organization, program=program, assumptions=assumptions, figures=figures or {})

    if request.method == "POST":
        if not can(request.membership, Action.ORG_EDIT):
            raise PermissionDenied(EDIT_REFUSAL)
        form = RoiAssumptionsForm(request.POST, instance=copy.copy(saved))
        if form.is_valid():
            try:
                roi_assumptions_update(organization=organization, user=request.user, **form.changes())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "The ROI assumptions were saved: everyone now sees this range.")
                return redirect(_roi_url(request, program))
        return _render(request, program, form, estimate_with(), figures=figures)

    if "average_salary" in request.GET:
        # A what-if: the typed figures, unsaved, on a copy so the saved row is never touched.
        form = RoiAssumptionsForm(request.GET, instance=copy.copy(saved))
        estimate = None
        if form.is_valid():
            estimate = estimate_with(form.instance)
        return _render(request, program, form, estimate, figures=figures, what_if=True)

    form = RoiAssumptionsForm(instance=saved)
    return _render(request, program, form, estimate_with(), figures=figures)
