"""The chart data of the report pages, as plain lists for json_script (report_charts.js draws
them). Every chart here has a table or a sentence beside it on the page with the same figures.

Hidden figures (a group under the organization's minimum size, stored as {"hidden": true}) give
no chart at all: the page says why instead."""

from django.utils import dateformat

DAYS_PER_MONTH = 365.25 / 12


def is_hidden(value) -> bool:
    return not value or (isinstance(value, dict) and value.get("hidden") is True)


def _percent(value, digits=1):
    return None if value is None else round(value * 100, digits)


def funnel(stages) -> dict:
    return {
        "kind": "bar",
        "label": "People",
        "labels": [stage["label"] for stage in stages],
        "values": [stage["count"] for stage in stages],
    }


def week_label(day) -> str:
    return dateformat.format(day, "j M")


def trends(rows) -> dict:
    """{key: line chart} of the weekly snapshots: engagement and satisfaction."""
    labels = [week_label(row.week_start) for row in rows]

    def line(series, unit="", **extra):
        return {"kind": "line", "labels": labels, "unit": unit, "series": series, **extra}

    def values(field, scale=None):
        out = []
        for row in rows:
            value = getattr(row, field)
            out.append(None if value is None else round(value * scale if scale else value, 2))
        return out

    return {
        "active-pairs": line([{"label": "Active pairs", "values": values("active_pairs")}]),
        "meetings": line(
            [
                {"label": "Meetings held", "values": values("meetings_held")},
                {"label": "Mentoring hours", "values": values("mentoring_hours")},
            ]
        ),
        "cadence": line([{"label": "Pairs meeting at cadence", "values": values("cadence_share", 100)}], "%", max=100),
        "satisfaction": line([{"label": "Satisfaction (1–5)", "values": values("satisfaction")}], min=1, max=5, step=1),
        "nps": line([{"label": "Net Promoter Score", "values": values("nps")}], min=-100, max=100, step=50),
    }


def survival(figures, groups) -> dict | None:
    """The Kaplan–Meier curves of the shown groups, in months since the landmark."""
    drawn = []
    for key, label in groups:
        group = figures.get(key)
        if is_hidden(group) or not group.get("curve", {}).get("times"):
            continue
        curve = group["curve"]
        # Survival is 100% until the first departure: start every curve at time 0.
        times = [0.0, *(round(t / DAYS_PER_MONTH, 2) for t in curve["times"])]
        drawn.append(
            {
                "label": f"{label} ({group['n']})",
                "times": times,
                "survival": [1.0, *curve["survival"]],
                "low": [1.0, *curve["low"]],
                "high": [1.0, *curve["high"]],
            }
        )
    if not drawn:
        return None
    lowest = min(min((v for v in group["low"] if v is not None), default=1.0) for group in drawn)
    # Retention curves live near the top: start the axis at the nearest 10% below the lowest band.
    return {"kind": "survival", "groups": drawn, "min": max(0, int(lowest * 10) * 10 - 10)}


def promotion(figures, groups) -> dict | None:
    """The share of each shown group promoted within 12 months (the difference, with its
    interval, is written beside the chart)."""
    block = figures.get("promotion") or {}
    labels, values = [], []
    for key, label in groups:
        group = block.get(key)
        if is_hidden(group) or group.get("rate") is None:
            continue
        labels.append(f"{label} ({group['n']})")
        values.append(_percent(group["rate"]))
    if not values:
        return None
    return {
        "kind": "bar",
        "label": "Promoted within 12 months",
        "unit": "%",
        "labels": labels,
        "values": values,
        "groups": True,
    }
