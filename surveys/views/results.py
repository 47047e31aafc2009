"""Survey results: one survey's wave with charts (program managers, and leaders), its CSV/XLSX
export, and the organization overview for leaders.

Everything shown comes from selectors.results, which applies the minimum group size (k) and
the subtraction rule; the page and the exports show the same aggregate tables, hidden parts
with the reason. Nothing here reads a single response. Chart data goes to the page through
json_script; each chart has its table beside it as the text alternative.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from organizations.permissions import Action, can, can_manage_program
from organizations.scoping import NOT_FOUND_MESSAGE, get_for_org_or_404, org_view
from programs.access import program_for

from ..exports import results_csv, results_xlsx
from ..forms_survey import ResultsFilterForm
from ..models import Survey, SurveyWave
from ..selectors.results import DIMENSIONS, organization_survey_overview
from ..selectors.results import survey_results as results_of

EXPORTS = {
    "csv": (results_csv, "text/csv; charset=utf-8"),
    "xlsx": (results_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
CHARTED_TYPES = ("single", "multiple", "scale")
REFUSAL = "Only this program's managers, organization admins and leaders can see survey results."


def readable_survey(request, pk) -> Survey:
    """The survey `pk` when this member may read its results: its program's managers, and
    leaders (Action.REPORTS_VIEW, read-only reports). 404 for another tenant's or a missing
    survey, and for a draft program the member cannot see; 403 for other members."""
    survey = get_for_org_or_404(Survey.objects.select_related("questionnaire"), request.organization, pk=pk)
    survey.program = program_for(request, survey.program_id)
    survey.can_manage = can_manage_program(request.membership, survey.program)
    if not (survey.can_manage or can(request.membership, Action.REPORTS_VIEW)):
        raise PermissionDenied(REFUSAL)
    return survey


def _results(request, survey):
    """The results of the wave and breakdown the query asks for (?wave=&by=). An unknown wave,
    or another survey's, is missing: the same 404 as a missing survey. An unknown breakdown is
    ignored."""
    wave = request.GET.get("wave") or None
    if wave is not None and not (wave.isascii() and wave.isdigit()):
        raise Http404(NOT_FOUND_MESSAGE)
    by = request.GET.get("by")
    dimension = by if by in DIMENSIONS else None
    try:
        return results_of(organization=request.organization, survey=survey, wave=wave, dimension=dimension)
    except SurveyWave.DoesNotExist:
        raise Http404(NOT_FOUND_MESSAGE) from None


def _chart_data(results) -> dict:
    """{question key: {labels, counts, shares}} for every shown question with a distribution."""
    return {
        question.key: {
            "type": question.type,
            "labels": [row["label"] for row in question.distribution],
            "counts": [row["count"] for row in question.distribution],
            "shares": [round(row["share"] * 100, 1) for row in question.distribution],
        }
        for question in results.questions
        if not question.hidden and question.type in CHARTED_TYPES and question.distribution
    }


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def survey_results(request, pk):
    survey = readable_survey(request, pk)
    results = _results(request, survey)
    # Only waves that have opened can have answers: the picker offers those.
    opened = [wave for wave in results.waves if wave.opened_at is not None]
    filters = ResultsFilterForm(
        initial={"wave": results.wave.pk if results.wave else None, "by": results.dimension or ""},
        waves=opened,
        dimensions=DIMENSIONS,
    )
    columns = [question for question in results.questions if question.key in results.breakdown_keys]
    nps_shown = any(question.nps is not None for question in results.questions)
    query = request.GET.copy()
    if results.wave is not None:
        query["wave"] = results.wave.pk
    context = {
        "survey": survey,
        "program": survey.program,
        "results": results,
        "filters": filters if opened else None,
        "charts": _chart_data(results),
        # Templates cannot look a dict up by a variable key: the changes and the breakdown's
        # means come in rows, in the questions' order.
        "questions": [(question, results.changes.get(question.key)) for question in results.questions],
        "columns": columns,
        "breakdown": [(cell, [cell.means.get(question.key) for question in columns]) for cell in results.cells],
        "nps_shown": nps_shown,
        "span_extra": 2 if nps_shown else 1,  # a hidden group's note spans "Answered", the means and NPS
        "export_query": query.urlencode(),
        "can_manage": survey.can_manage,
    }
    return render(request, "surveys/results.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def survey_export(request, pk, fmt):
    if fmt not in EXPORTS:
        raise Http404(NOT_FOUND_MESSAGE)
    survey = readable_survey(request, pk)
    results = _results(request, survey)
    if results.wave is None:
        raise Http404(NOT_FOUND_MESSAGE)
    export, content_type = EXPORTS[fmt]
    name = f"{slugify(survey.title) or 'survey'}-wave-{results.wave.number}"
    if results.dimension:
        name += f"-by-{results.dimension}"
    response = HttpResponse(export(results), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@org_view(Action.REPORTS_VIEW)
@require_safe
def overview(request):
    organization = request.organization
    context = {
        "rows": organization_survey_overview(organization=organization),
        "k": organization.survey_min_responses,
    }
    return render(request, "surveys/results_overview.html", context)
