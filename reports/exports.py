"""The tables behind the dashboard's charts, as CSV and XLSX.

Every table is built by `table(name, ...)` from the same selectors the pages read, so an export
says exactly what the screen says: a group under the organization's minimum size is written as
the reason it is hidden, never as numbers (the snapshots do not even hold them). Rates are
written as percentages, money in the organization's currency.

Text in the tables comes from people (program and department names, objectives), so a cell a
spreadsheet would read as a formula is neutralized the way the survey exports do it: quoted in
CSV (mentoring.spreadsheets), typed as text in XLSX.
"""

from mentoring.spreadsheets import csv_bytes, xlsx_bytes

from . import selectors
from .services.impact import COMPARISON, HORIZONS, PARTICIPANTS, is_hidden
from .services.roi import roi_assumptions_for, roi_estimate

TABLES = ("kpis", "funnel", "objectives", "retention", "promotion", "balance", "roi")
TITLES = {
    "kpis": "Weekly KPIs",
    "funnel": "Participation funnel",
    "objectives": "Objectives",
    "retention": "Retention",
    "promotion": "Promotion",
    "balance": "Balance of the comparison",
    "roi": "ROI",
}
GROUP_LABELS = {PARTICIPANTS: "Participants", COMPARISON: "Comparable colleagues"}
NOT_COMPUTED = "not computed yet"


def _blank(value, digits=2):
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, digits)
    return value


def _pct(share, digits=1):
    return "" if share is None else round(100 * share, digits)


# (field, header, how to write it): rates 0–1 become percentages.
KPI_COLUMNS = (
    ("invited", "Invited", None),
    ("applied", "Applied", None),
    ("enrolled_mentors", "Mentors enrolled", None),
    ("enrolled_mentees", "Mentees enrolled", None),
    ("enrolled_peers", "Peers enrolled", None),
    ("matched", "Matched", None),
    ("active_participants", "Active participants", None),
    ("completed_participants", "Completed", None),
    ("match_rate", "Match rate (%)", _pct),
    ("active_pairs", "Active pairs", None),
    ("meetings_held", "Meetings held", None),
    ("mentoring_hours", "Mentoring hours", _blank),
    ("meetings_per_pair_month", "Meetings per pair per month", _blank),
    ("cadence_share", "Pairs meeting at cadence (%)", _pct),
    ("goals_set", "Goals set", None),
    ("goals_completed", "Goals achieved", None),
    ("checkin_average", "Check-in average (1–5)", _blank),
    ("checkin_count", "Check-ins", None),
    ("health_on_track", "Pairs on track", None),
    ("health_needs_attention", "Pairs needing attention", None),
    ("health_at_risk", "Pairs at risk", None),
    ("survey_responses", "Survey responses", None),
    ("satisfaction", "Satisfaction (1–5)", _blank),
    ("nps", "NPS", lambda value: _blank(value, 1)),
    ("training_completion", "Training completion (%)", _pct),
)


def _kpis(organization, program):
    header = ["Week starting", *(label for _, label, _ in KPI_COLUMNS)]
    rows = []
    for snapshot in selectors.kpi_series(organization=organization, program=program, weeks=10_000):
        row = [snapshot.week_start.isoformat()]
        for field, _, write in KPI_COLUMNS:
            value = getattr(snapshot, field)
            row.append(write(value) if write else value)
        rows.append(row)
    return header, rows


def _funnel(organization, program):
    stages = selectors.funnel(organization=organization, program=program)
    return ["Stage", "People"], [[stage["label"], _blank(stage["count"])] for stage in stages]


def _objectives(organization, program):
    header = [
        "Program",
        "Objective",
        "Unit",
        "Baseline",
        "Target",
        "Deadline",
        "Expected today",
        "Current",
        "People behind it (n)",
        "On track",
        "Note",
    ]
    programs = [program] if program is not None else selectors.dashboard_programs(organization=organization)
    rows = []
    for row in selectors.objectives_for(organization=organization, programs=programs):
        judged = {True: "yes", False: "no", None: "not judged"}[row["on_track"]]
        rows.append(
            [
                row["program"].name,
                row["name"],
                row["unit"],
                _blank(row["baseline"]),
                _blank(row["target"]),
                row["deadline"].isoformat(),
                _blank(row["expected"]),
                _blank(row["current"]),
                _blank(row["n"]),
                judged,
                row["note"],
            ]
        )
    return header, rows


def _figures(organization, program):
    return selectors.impact_figures(organization=organization, program=program)


RETENTION_HEADER = [
    "Group",
    "Measure",
    "Days since the program's start",
    "People (n)",
    "Still followed (n)",
    "Retention (%)",
    "Low, 95% (%)",
    "High, 95% (%)",
    "p-value",
]


def _retention(organization, program):
    figures = _figures(organization, program)
    rows = []
    if not figures:
        return RETENTION_HEADER, [["", NOT_COMPUTED] + [""] * 7]
    for group in (PARTICIPANTS, COMPARISON):
        label, value = GROUP_LABELS[group], figures.get(group)
        if value is None or is_hidden(value):
            rows.append([label, (value or {}).get("reason", "hidden")] + [""] * 7)
            continue
        for months, days in HORIZONS.items():
            horizon = value["retention"][months]
            measure = f"{months}-month retention"
            if horizon["value"] is None:
                measure += f" ({horizon.get('reason', 'not measured')})"
            rows.append(
                [
                    label,
                    measure,
                    days,
                    horizon["n"],
                    horizon["followed"],
                    _pct(horizon["value"]),
                    _pct(horizon["low"]),
                    _pct(horizon["high"]),
                    "",
                ]
            )
        curve = value["curve"]
        for t, s, low, high, at_risk in zip(
            curve["times"], curve["survival"], curve["low"], curve["high"], curve["at_risk"], strict=True
        ):
            rows.append([label, "curve", t, value["n"], at_risk, _pct(s), _pct(low), _pct(high), ""])
    difference = figures.get("difference")
    label = "Difference (participants − colleagues)"
    if is_hidden(difference):
        rows.append([label, difference["reason"]] + [""] * 7)
    elif difference:
        for months, days in HORIZONS.items():
            d = difference[months]
            measure = f"{months}-month retention" + (f" ({d['reason']})" if d.get("reason") else "")
            rows.append(
                [
                    label,
                    measure,
                    days,
                    d["n"],
                    "",
                    _pct(d["value"]),
                    _pct(d["low"]),
                    _pct(d["high"]),
                    _blank(d["p_value"], 4),
                ]
            )
    logrank = figures.get("logrank")
    if is_hidden(logrank):
        rows.append(["Log-rank test", logrank["reason"]] + [""] * 7)
    elif logrank:
        rows.append(
            ["Log-rank test", "whole follow-up", "", logrank["n"], "", "", "", "", _blank(logrank["p_value"], 4)]
        )
    return RETENTION_HEADER, rows


def _promotion(organization, program):
    header = [
        "Group",
        "People followed 12 months (n)",
        "Promoted",
        "Rate (%)",
        "Low, 95% (%)",
        "High, 95% (%)",
        "p-value",
    ]
    figures = _figures(organization, program)
    if not figures:
        return header, [[NOT_COMPUTED] + [""] * 6]
    promotion = figures.get("promotion") or {}
    rows = []
    for group in (PARTICIPANTS, COMPARISON):
        value = promotion.get(group)
        if value is None or is_hidden(value):
            rows.append([GROUP_LABELS[group], (value or {}).get("reason", "hidden")] + [""] * 5)
            continue
        rows.append(
            [
                GROUP_LABELS[group],
                value["n"],
                _blank(value.get("promoted")),
                _pct(value.get("rate")),
                _pct(value.get("low")),
                _pct(value.get("high")),
                "",
            ]
        )
    difference = promotion.get("difference")
    label = "Difference (participants − colleagues)"
    if is_hidden(difference):
        rows.append([label, difference["reason"]] + [""] * 5)
    elif difference:
        rows.append(
            [
                label,
                difference["n"],
                "",
                _pct(difference["value"]),
                _pct(difference["low"]),
                _pct(difference["high"]),
                _blank(difference["p_value"], 4),
            ]
        )
    if promotion.get("rule"):
        rows.append(["Rule", promotion["rule"]] + [""] * 5)
    return header, rows


def _balance(organization, program):
    header = ["Characteristic", "Standardized mean difference before matching", "After matching"]
    figures = _figures(organization, program)
    if not figures:
        return header, [[NOT_COMPUTED, "", ""]]
    balance = figures.get("balance")
    if is_hidden(balance):
        return header, [[balance["reason"], "", ""]]
    rows = [[row["label"], _blank(row["smd_before"], 3), _blank(row["smd_after"], 3)] for row in balance["rows"]]
    rows.append(["Participants (n)", balance["n_participants_before"], balance["n_participants"]])
    rows.append(["Comparison colleagues (n)", balance["n_comparison_before"], balance["n_comparison"]])
    return header, rows


def _roi(organization, program):
    header = ["Item", "Low", "Central", "High"]
    assumptions = roi_assumptions_for(organization=organization)
    estimate = roi_estimate(organization=organization, program=program, assumptions=assumptions)
    currency = estimate["currency"]

    def triple(label, values, write=lambda v: _blank(v, 2)):
        return [label, write(values["low"]), write(values["value"]), write(values["high"])]

    rows = [
        ["Participants", "", estimate["participants"], ""],
        ["Participants compared", "", estimate["participants_compared"], ""],
        triple("12-month retention difference (points)", estimate["difference"], _pct),
        triple("Departures avoided", estimate["avoided"]),
        triple(f"Savings ({currency})", estimate["savings"], lambda v: _blank(v, 0)),
        triple(f"Program cost a year ({currency})", estimate["cost"], lambda v: _blank(v, 0)),
        triple(f"Net ({currency})", estimate["net"], lambda v: _blank(v, 0)),
        triple("ROI (%)", estimate["roi"], _pct),
        ["Significant", "", "yes" if estimate["significant"] else "no", ""],
        ["p-value (log-rank)", "", _blank(estimate["p_value"], 4), ""],
        [f"Salary of a departure avoided ({currency})", "", _blank(estimate["salary"], 0), ""],
        [
            "Replacement cost (share of a year's salary)",
            float(assumptions.replacement_cost_low),
            float(assumptions.replacement_cost),
            float(assumptions.replacement_cost_high),
        ],
        [f"Platform cost a year ({currency})", "", float(assumptions.platform_cost), ""],
        ["Coordinator hours a year", "", float(assumptions.coordinator_hours), ""],
        [f"Coordinator hourly rate ({currency})", "", float(assumptions.coordinator_hourly_rate), ""],
        ["Hours per participant a year", "", float(assumptions.participant_hours), ""],
        [f"Loaded hourly rate ({currency})", "", float(assumptions.loaded_hourly_rate), ""],
        ["Conclusion", estimate["sentence"], "", ""],
    ]
    return header, rows


BUILDERS = {
    "kpis": _kpis,
    "funnel": _funnel,
    "objectives": _objectives,
    "retention": _retention,
    "promotion": _promotion,
    "balance": _balance,
    "roi": _roi,
}


def table(name, *, organization, program=None) -> tuple[list[str], list[list]]:
    """(columns, rows) of one table; KeyError for a name not in TABLES."""
    if name not in BUILDERS:
        raise KeyError(name)
    return BUILDERS[name](organization, program)


def table_csv(name, *, organization, program=None) -> bytes:
    columns, rows = table(name, organization=organization, program=program)
    return csv_bytes([(None, columns, rows)])


def _workbook(names, organization, program) -> bytes:
    return xlsx_bytes(
        ((TITLES[name], *table(name, organization=organization, program=program)) for name in names),
        first_column_width=36,
    )


def table_xlsx(name, *, organization, program=None) -> bytes:
    if name not in BUILDERS:
        raise KeyError(name)
    return _workbook([name], organization, program)


def workbook_xlsx(*, organization, program=None) -> bytes:
    """Every table, one sheet each."""
    return _workbook(TABLES, organization, program)
