"""The leadership dashboard (the organization, with a program picker), a program's dashboard (the
same for one program, plus the operational lists its managers act on) and the printable impact
report. Everything comes from reports.selectors, which read the small snapshot tables: nothing is
recomputed on a request."""

from datetime import date

from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from organizations.permissions import Action, can, can_manage_program
from organizations.scoping import org_view
from programs.models import Program, ProgramStatus

from .. import selectors
from ..services.roi import roi_assumptions_for, roi_estimate
from . import charts
from .access import can_refresh, readable_program, report_scope

# The names the exports and the ROI sentence use too.
GROUPS = (("participants", "Participants"), ("comparison", "Comparable colleagues"))
HORIZONS = (("6", "6 months"), ("12", "12 months"))


def _retention(figures) -> dict:
    """The retention table: each group's people, departures and retention at 6 and 12 months,
    then the difference at each, and the log-rank test."""
    groups = []
    for key, label in GROUPS:
        group = figures.get(key) or {}
        if charts.is_hidden(group):
            groups.append({"label": label, "hidden": True, "reason": group.get("reason", "")})
            continue
        retention = group.get("retention") or {}
        groups.append(
            {
                "label": label,
                "n": group.get("n"),
                "events": group.get("events"),
                "at": [{"label": when, **(retention.get(horizon) or {})} for horizon, when in HORIZONS],
            }
        )
    difference = figures.get("difference") or {}
    differences = (
        []
        if charts.is_hidden(difference)
        else [{"label": label, **(difference.get(horizon) or {})} for horizon, label in HORIZONS]
    )
    return {
        "groups": groups,
        "differences": differences,
        "difference_hidden": difference.get("reason") if charts.is_hidden(difference) else "",
        "logrank": figures.get("logrank") or {},
    }


def impact_context(figures) -> dict:
    """What the pages show of an impact snapshot's figures (None: not computed yet)."""
    if not figures:
        return {"impact": None}
    promotion = figures.get("promotion") or {}
    return {
        "impact": figures,
        "impact_date": date.fromisoformat(figures["computed_on"]) if figures.get("computed_on") else None,
        "retention": _retention(figures),
        "promotion": {
            "rule": promotion.get("rule", ""),
            "groups": [{"label": label, **(promotion.get(key) or {"hidden": True})} for key, label in GROUPS],
            "difference": promotion.get("difference") or {"hidden": True},
        },
        "balance": figures.get("balance") or {"hidden": True},
    }


def _impact_charts(figures) -> dict:
    if not figures:
        return {}
    drawn = {"retention": charts.survival(figures, GROUPS), "promotion": charts.promotion(figures, GROUPS)}
    return {key: chart for key, chart in drawn.items() if chart}


def _chart_data(data, impact) -> dict:
    return {"funnel": charts.funnel(data["funnel"]), **charts.trends(data["kpis"]), **_impact_charts(impact)}


def _objectives(rows) -> list[dict]:
    """Each objective with how far it has come from its baseline to its target, in percent (None
    without a baseline: on a 1–5 or −100–100 scale, a distance from zero would mislead)."""
    out = []
    for row in rows:
        current, target, baseline = row["current"], row["target"], row["baseline"]
        share = None
        if current is not None and baseline is not None and float(target) != float(baseline):
            share = (float(current) - float(baseline)) / (float(target) - float(baseline))
            share = min(max(share, 0.0), 1.0)
        out.append({**row, "progress": None if share is None else round(share * 100)})
    return out


# Active and completed are both parts of "matched" (a matched person is active now, has
# completed, or ended early), so each is a share of the matched, not of the stage above it.
FUNNEL_BASE = {"applied": "invited", "matched": "applied", "active": "matched", "completed": "matched"}


def _funnel(stages) -> list[dict]:
    """Each stage with the share of the stage it grows from (see FUNNEL_BASE)."""
    counts = {stage["stage"]: stage["count"] for stage in stages}
    out = []
    for stage in stages:
        base = counts.get(FUNNEL_BASE.get(stage["stage"]))
        count = stage["count"]
        out.append({**stage, "share": count / base if base and count is not None else None})
    return out


def _totals(rows) -> dict:
    """Meetings and hours over the weeks shown (the snapshots count them per week)."""
    return {
        "weeks": len(rows),
        "meetings": sum(row.meetings_held for row in rows),
        "hours": sum(row.mentoring_hours for row in rows),
    }


def _enrolled(latest) -> int | None:
    if latest is None:
        return None
    return latest.enrolled_mentors + latest.enrolled_mentees + latest.enrolled_peers


def _dashboard(request, program):
    organization = request.organization
    data = selectors.dashboard(organization=organization, program=program)
    impact = data["impact"]
    leader = can(request.membership, Action.REPORTS_VIEW)
    # Leaders read; the lists are for the people who act on them (their links lead to pages
    # only a program's managers may open).
    manages = program is not None and can_manage_program(request.membership, program)
    context = {
        "program": program,
        "programs": data["programs"] if leader else [],
        "kpis": data["kpis"],
        "latest": data["latest"],
        "enrolled": _enrolled(data["latest"]),
        "totals": _totals(data["kpis"]),
        "funnel": _funnel(data["funnel"]),
        "objectives": _objectives(data["objectives"]),
        "estimate": data["roi"],
        "run": data["rollup_run"],
        "lists": data["operational"] if manages else None,
        "k": data["k"],
        "can_refresh": can_refresh(request, program),
        "charts": _chart_data(data, impact),
        **impact_context(impact),
    }
    return render(request, "reports/dashboard.html", context)


@org_view(Action.REPORTS_VIEW)
@require_safe
def dashboard(request):
    if request.GET.get("program"):  # the picker, without JavaScript
        program = report_scope(request)
        return redirect("reports:program-dashboard", org_slug=request.organization.slug, program_pk=program.pk)
    return _dashboard(request, None)


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def program_dashboard(request, program_pk):
    return _dashboard(request, readable_program(request, program_pk))


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def impact_report(request):
    """One printable page: the objectives, the figures with the people behind them, and the
    method in plain words. The browser's print makes the PDF (print CSS in reports.css)."""
    organization = request.organization
    program = report_scope(request)
    figures = selectors.impact_figures(organization=organization, program=program)
    latest = selectors.latest_kpis(organization=organization, program=program)
    # The organization's report lists every running program's objectives, as its dashboard does.
    programs = [program] if program else Program.objects.for_org(organization).exclude(status=ProgramStatus.DRAFT)
    objectives = selectors.objectives_for(organization=organization, programs=programs)
    context = {
        "program": program,
        "objectives": _objectives(objectives),
        "latest": latest,
        "enrolled": _enrolled(latest),
        "funnel": _funnel(selectors.funnel_from(latest)),
        "estimate": roi_estimate(organization=organization, program=program, figures=figures or {}),
        "assumptions": roi_assumptions_for(organization=organization),
        "k": organization.survey_min_responses,
        "charts": _impact_charts(figures),
        **impact_context(figures),
    }
    return render(request, "reports/impact_report.html", context)
