"""Everything the dashboards, the API and the exports read: small snapshot tables, never a
recomputation on a request. Each function is a fixed number of queries, however many weeks,
pairs or people stand behind it.

Objectives are measured by the KPI Tandem already computes for their metric:

    retention          the participants' 12-month retention in the impact figures (%)
    promotion_rate     the participants' 12-month promotion rate in the impact figures (%)
    satisfaction       the latest weekly snapshot's satisfaction (1–5)
    nps                its Net Promoter Score
    meetings_per_pair  its meetings per pair per month
    goal_completion    its goals achieved / goals set (%)
    custom             not measured by Tandem (current is None)

"On track" draws a straight line from the baseline on the program's start date to the target on
the deadline and asks whether the current value is at or beyond where the line stands today (in
the target's direction: above it when the target is higher than the baseline, below it when
lower). After the deadline the line stands at the target. Without a baseline (or a start date)
there is no line to draw, and the current value is compared with the target itself: most
objectives here are rates (retention, meetings a month), which a program should meet all along.
Without a current value it is None: not judged.
"""

import copy
from datetime import date, timedelta

from django.db.models import OuterRef, Q, Subquery

from mentorships.models import PairHealth
from mentorships.selectors.health import at_risk_queue, program_health_counts
from programs.models import Enrollment, EnrollmentStatus, Objective, Program, ProgramStatus
from programs.selectors.training import missing_training, with_training_counts
from surveys.models import SurveyStatus
from surveys.selectors.surveys import organization_today, waves_with_counts

from .models import ImpactSnapshot, KpiSnapshot, RollupRun
from .services.impact import COMPARISON, FOLLOWS_PARTICIPANTS, PARTICIPANTS, hidden, is_hidden, too_small
from .services.roi import roi_estimate

LIST_LIMIT = 50  # rows of each operational list (their counts are complete)
SURVEY_NEAR_CLOSING_DAYS = 3
SURVEY_LOW_RESPONSE = 0.5

FUNNEL = (
    ("invited", "Invited", "invited"),
    ("applied", "Applied", "applied"),
    ("matched", "Matched", "matched"),
    ("active", "Active", "active_participants"),
    ("completed", "Completed", "completed_participants"),
)

UNITS = {
    Objective.Metric.RETENTION: "%",
    Objective.Metric.PROMOTION_RATE: "%",
    Objective.Metric.SATISFACTION: "out of 5",
    Objective.Metric.NPS: "NPS",
    Objective.Metric.MEETINGS_PER_PAIR: "meetings per pair per month",
    Objective.Metric.GOAL_COMPLETION: "%",
}
NOT_MEASURED = "Not measured by Tandem."


def _scope(queryset, program):
    return queryset.filter(program=program) if program is not None else queryset.filter(program__isnull=True)


# --- KPIs ------------------------------------------------------------------------------------


SURVEY_FIGURES = ("satisfaction", "nps")


def under_today_k(snapshot: KpiSnapshot | None, k: int) -> KpiSnapshot | None:
    """A snapshot as it may be shown today: when the organization raised its minimum group size
    after the week was rolled up, the survey figures (computed under the old k, wave by wave)
    are blanked until the next rollup recomputes them. Counts stay: they are not answers."""
    if snapshot is not None and snapshot.min_group_size < k:
        for name in SURVEY_FIGURES:
            setattr(snapshot, name, None)
    return snapshot


def kpi_series(*, organization, program=None, weeks=26) -> list[KpiSnapshot]:
    """The last `weeks` weekly snapshots, oldest first. One query."""
    rows = _scope(KpiSnapshot.objects.for_org(organization), program).order_by("-week_start")[: max(0, int(weeks))]
    k = organization.survey_min_responses
    return [under_today_k(row, k) for row in reversed(rows)]


def latest_kpis(*, organization, program=None) -> KpiSnapshot | None:
    latest = _scope(KpiSnapshot.objects.for_org(organization), program).order_by("-week_start").first()
    return under_today_k(latest, organization.survey_min_responses)


def funnel_from(snapshot: KpiSnapshot | None) -> list[dict]:
    """invited → applied → matched → active → completed; counts None when nothing was rolled up yet."""
    return [
        {"stage": stage, "label": label, "count": getattr(snapshot, field) if snapshot else None}
        for stage, label, field in FUNNEL
    ]


def funnel(*, organization, program=None) -> list[dict]:
    return funnel_from(latest_kpis(organization=organization, program=program))


def latest_rollup_run(*, organization) -> RollupRun | None:
    return RollupRun.objects.for_org(organization).order_by("-created_at", "-pk").first()


# --- Impact ----------------------------------------------------------------------------------


def _trim_group(value: dict, k: int) -> None:
    """Drop the curve points and retention horizons fewer than k people stand behind."""
    curve = value.get("curve") or {}
    keep = sum(1 for at_risk in curve.get("at_risk", []) if at_risk >= k)
    for key in ("times", "survival", "low", "high", "at_risk"):
        if key in curve:
            curve[key] = curve[key][:keep]
    for horizon in value.get("retention", {}).values():
        if horizon.get("followed", 0) < k and horizon.get("value") is not None:
            horizon.update(value=None, low=None, high=None, reason=f"Fewer than {k} people followed this long.")


def _hide_small(container: dict, k: int) -> bool:
    """Hide the participants under k (and then the colleagues matched to them) or the colleagues
    under k; True when either is hidden."""
    participants, comparison = container.get(PARTICIPANTS), container.get(COMPARISON)
    if participants is not None and not is_hidden(participants) and participants.get("n", 0) < k:
        container[PARTICIPANTS] = participants = hidden(too_small(k))
    if participants is None or is_hidden(participants):
        if not is_hidden(comparison):
            container[COMPARISON] = hidden(FOLLOWS_PARTICIPANTS)
        return True
    if comparison is None or is_hidden(comparison):
        return True
    if comparison.get("n", 0) < k:
        container[COMPARISON] = hidden(too_small(k))
        return True
    return False


def enforce_k(figures: dict, k: int) -> dict:
    """`figures` as they must be shown under the minimum group size `k` today: when the
    organization raised k after the snapshot was computed, groups now under it are hidden (with
    the colleagues matched to them and every figure comparing them), and retention horizons and
    curve points followed by fewer than k are dropped. The snapshot itself is not changed."""
    if figures.get("k", 0) >= k:
        return figures
    figures = copy.deepcopy(figures)
    figures["k"] = k
    if _hide_small(figures, k):
        for key in ("logrank", "difference", "balance"):
            figures[key] = hidden(f"Both groups need at least {k} people.")
        figures["participant_levels"] = {}
    else:
        for group in (PARTICIPANTS, COMPARISON):
            _trim_group(figures[group], k)
        if not is_hidden(figures.get("difference")):
            for horizon, difference in (figures.get("difference") or {}).items():
                groups = [figures[g]["retention"].get(horizon, {}) for g in (PARTICIPANTS, COMPARISON)]
                if any(group.get("value") is None for group in groups):
                    difference.update(value=None, low=None, high=None, p_value=None)
    promotion = figures.get("promotion")
    if promotion and _hide_small(promotion, k):
        promotion["difference"] = hidden(f"Each group needs at least {k} people followed for 12 months.")
    return figures


def _impact_snapshot(organization, program):
    return _scope(ImpactSnapshot.objects.for_org(organization), program).first()


def _figures_of(snapshot, k) -> dict | None:
    if snapshot is None:
        return None
    figures = enforce_k(snapshot.figures, k)
    return {**figures, "computed_at": snapshot.computed_at.isoformat()}


def impact_figures(*, organization, program=None) -> dict | None:
    """The impact snapshot's figures as they may be shown (see enforce_k), or None before the
    first refresh. One query."""
    return _figures_of(_impact_snapshot(organization, program), organization.survey_min_responses)


# --- Objectives ------------------------------------------------------------------------------


def _percent(value):
    return None if value is None else round(100 * value, 1)


def _measure(objective, kpis: KpiSnapshot | None, figures: dict | None) -> tuple[float | None, int | None, str]:
    """(current value, how many stand behind it, a note when there is none)."""
    metric = objective.metric
    if metric == Objective.Metric.CUSTOM:
        return None, None, NOT_MEASURED
    if metric in (Objective.Metric.RETENTION, Objective.Metric.PROMOTION_RATE):
        if not figures:
            return None, None, "Impact has not been computed yet."
        if metric == Objective.Metric.RETENTION:
            group = figures.get(PARTICIPANTS)
            if group is None or is_hidden(group):
                return None, None, (group or {}).get("reason", "Not enough participants.")
            horizon = group["retention"]["12"]
            return _percent(horizon["value"]), group["n"], horizon.get("reason", "")
        group = (figures.get("promotion") or {}).get(PARTICIPANTS)
        if group is None or is_hidden(group):
            return None, None, (group or {}).get("reason", "Not enough participants followed for 12 months.")
        return _percent(group["rate"]), group["n"], ""
    if kpis is None:
        return None, None, "No weekly figures yet."
    if metric == Objective.Metric.SATISFACTION:
        return kpis.satisfaction, kpis.survey_responses, "" if kpis.satisfaction is not None else "Not enough answers."
    if metric == Objective.Metric.NPS:
        return kpis.nps, kpis.survey_responses, "" if kpis.nps is not None else "Not enough answers."
    if metric == Objective.Metric.MEETINGS_PER_PAIR:
        value = kpis.meetings_per_pair_month
        return value, kpis.active_pairs, "" if value is not None else "No active pairs."
    if metric == Objective.Metric.GOAL_COMPLETION:
        if not kpis.goals_set:
            return None, 0, "No goals set yet."
        return round(100 * kpis.goals_completed / kpis.goals_set, 1), kpis.goals_set, ""
    return None, None, NOT_MEASURED


def expected_on(objective, start: date | None, today: date) -> float:
    """Where the straight line from the baseline (on `start`) to the target (on the deadline)
    stands on `today`; the target itself from the deadline on, or when there is no line."""
    target = float(objective.target)
    if today >= objective.deadline or objective.baseline is None or start is None:
        return target
    baseline = float(objective.baseline)
    span = (objective.deadline - start).days
    if span <= 0:
        return target
    share = min(1.0, max(0.0, (today - start).days / span))
    return baseline + (target - baseline) * share


def on_track(objective, current, expected) -> bool | None:
    if current is None:
        return None
    rising = objective.baseline is None or objective.target >= objective.baseline
    return current >= expected if rising else current <= expected


def _objective_row(objective, program, kpis, figures, today) -> dict:
    current, n, note = _measure(objective, kpis, figures)
    expected = expected_on(objective, program.start_date, today)
    unit = objective.unit if objective.metric == Objective.Metric.CUSTOM else UNITS.get(objective.metric, "")
    name = objective.custom_name if objective.metric == Objective.Metric.CUSTOM else objective.get_metric_display()
    return {
        "objective": objective,
        "program": program,
        "metric": objective.metric,
        "name": name or objective.get_metric_display(),
        "current": current,
        "n": n,
        "note": note,
        "target": float(objective.target),
        "baseline": float(objective.baseline) if objective.baseline is not None else None,
        "deadline": objective.deadline,
        "expected": round(expected, 2),
        "on_track": on_track(objective, current, expected),
        "unit": unit,
    }


def objectives_for(*, organization, programs, today=None) -> list[dict]:
    """objectives_progress for several programs at once, in three queries."""
    programs = list(programs)
    if not programs:
        return []
    today = today or organization_today(organization)
    ids = [program.pk for program in programs]
    objectives = list(
        Objective.objects.for_org(organization).filter(program_id__in=ids).order_by("program_id", "order", "pk")
    )
    if not objectives:
        return []
    measured = {o.program_id for o in objectives}
    newest = KpiSnapshot.objects.for_org(organization).filter(program=OuterRef("program")).order_by("-week_start")
    k = organization.survey_min_responses
    kpis = {
        row.program_id: under_today_k(row, k)
        for row in KpiSnapshot.objects.for_org(organization).filter(
            program_id__in=measured, pk=Subquery(newest.values("pk")[:1])
        )
    }
    figures = {
        snapshot.program_id: _figures_of(snapshot, k)
        for snapshot in ImpactSnapshot.objects.for_org(organization).filter(program_id__in=measured)
    }
    by_id = {program.pk: program for program in programs}
    return [
        _objective_row(o, by_id[o.program_id], kpis.get(o.program_id), figures.get(o.program_id), today)
        for o in objectives
    ]


def objectives_progress(*, organization, program) -> list[dict]:
    """The program's SMART objectives with their current value against the straight line to
    their target (see the module's note): [{objective, current, target, baseline, deadline,
    on_track, unit, name, n, note, expected, program, metric}]."""
    return objectives_for(organization=organization, programs=[program])


# --- Operational lists (program managers) --------------------------------------------------------


def _overdue_waves(organization, program, today) -> list[dict]:
    """Live survey waves the manager should look at: past their closing day yet not closed,
    due to open yet not opened, or closing within a few days with under half answered."""
    near = today + timedelta(days=SURVEY_NEAR_CLOSING_DAYS)
    waves = (
        waves_with_counts(organization)
        .filter(survey__program=program, survey__status=SurveyStatus.LIVE, closed_at__isnull=True)
        .filter(
            Q(closes_on__lt=today)
            | Q(opened_at__isnull=True, opens_on__lte=today)
            | Q(opened_at__isnull=False, closes_on__lte=near)
        )
        .select_related("survey")
        .order_by("closes_on", "pk")
    )
    rows = []
    for wave in waves:
        rate = wave.responded / wave.invited if wave.invited else None
        if wave.closes_on < today:
            reason = f"Should have closed on {wave.closes_on.isoformat()}."
        elif wave.opened_at is None:
            reason = f"Should have opened on {wave.opens_on.isoformat()}; no invitations went out."
        elif rate is not None and rate < SURVEY_LOW_RESPONSE:
            days = (wave.closes_on - today).days
            when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            reason = f"Closes {when} with {round(100 * rate)}% answered."
        else:
            continue
        rows.append(
            {
                "wave": wave,
                "survey": wave.survey,
                "invited": wave.invited,
                "responded": wave.responded,
                "response_rate": rate,
                "reason": reason,
            }
        )
    return rows


def operational_lists(*, organization, program, today=None) -> dict:
    """What a program manager acts on: pairs at risk (with who and why), survey waves overdue or
    closing with few answers, approved participants who have not finished their training.
    Each list holds at most LIST_LIMIT rows; the counts are complete. Nine queries."""
    today = today or organization_today(organization)
    health = program_health_counts(program)
    at_risk = [row for row in at_risk_queue(program, limit=LIST_LIMIT) if row.health == PairHealth.AT_RISK]
    untrained = (
        Enrollment.objects.for_org(organization)
        .filter(program=program, status=EnrollmentStatus.APPROVED)
        .filter(missing_training())
    )
    return {
        "at_risk_pairs": at_risk,
        "at_risk_count": health.get(PairHealth.AT_RISK, 0),
        "overdue_surveys": _overdue_waves(organization, program, today),
        "training_incomplete": list(
            with_training_counts(untrained.select_related("person")).order_by("person__name", "pk")[:LIST_LIMIT]
        ),
        "training_incomplete_count": untrained.count(),
    }


# --- The page ---------------------------------------------------------------------------------


def dashboard_programs(*, organization) -> list[Program]:
    """The programs a dashboard can show (drafts have nothing to report), newest first."""
    return list(
        Program.objects.for_org(organization).exclude(status=ProgramStatus.DRAFT).order_by("-start_date", "name", "pk")
    )


def dashboard(*, organization, program=None, weeks=26) -> dict:
    """Everything the dashboard renders, for the organization (program None) or one program:
    a fixed number of queries whatever the organization's size (about a dozen for the
    organization, twenty for a program with its operational lists)."""
    today = organization_today(organization)
    k = organization.survey_min_responses
    series = kpi_series(organization=organization, program=program, weeks=weeks)
    latest = series[-1] if series else None
    figures = impact_figures(organization=organization, program=program)
    programs = dashboard_programs(organization=organization)
    measured = [program] if program is not None else programs
    return {
        "organization": organization,
        "program": program,
        "programs": programs,
        "k": k,
        "today": today,
        "kpis": series,
        "latest": latest,
        "funnel": funnel_from(latest),
        "objectives": objectives_for(organization=organization, programs=measured, today=today),
        "impact": figures,
        "roi": roi_estimate(organization=organization, program=program, figures=figures or {}),
        "operational": operational_lists(organization=organization, program=program, today=today)
        if program is not None
        else None,
        "rollup_run": latest_rollup_run(organization=organization),
    }
