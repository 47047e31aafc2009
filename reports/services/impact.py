"""Impact: do the programs' participants stay (and get promoted) more than comparable colleagues?

`impact_refresh` loads the people directory and who took part, in a fixed number of queries
whatever the size of the organization, hands plain DataFrames to the pure statistics of
reports/analytics.py and stores the results as JSON in ImpactSnapshot: one for the whole
organization and one per program that has participants. Dashboards, exports and the API read
those rows and never recompute on a request.

The method, in the words the impact report repeats:

- Participants: people with an approved enrollment who were in a mentorship of the program.
- Landmark: time counts from the program's start date (the earliest start of their mentorships
  when the program has none), so the months someone worked before joining are not credited to
  the program. At the organization level each participant counts from their earliest program.
- Comparison pool: people in the directory employed at the landmark (hired on or before it,
  not left by then) who were never approved into any program. A colleague approved for a
  program that has not started yet is left out too: wanting to join says something about them.
  At the organization level a colleague can stand in the comparison at several programs'
  starts (one row per start); `n` counts people.
- Matching: coarsened exact matching on department, level and tenure band at the landmark (and
  the landmark itself at the organization level): strata without both a participant and a
  colleague are dropped, colleagues are weighted so each stratum counts as much as its
  participants. People without a hire date or a level cannot be matched and are counted apart.
  Department and level are the directory's current values (its history is not replayed), so
  someone promoted since the landmark is matched at their new level, on both sides alike.
- Retention: Kaplan–Meier survival from the landmark to the exit date, censored today; the
  log-rank test; retention at 6 months (183 days) and 12 months (365 days) for each group and
  their difference, with 95% intervals. A retention figure is shown only once at least k
  people of the group have been followed that long, and a curve stops where fewer than k are
  still followed.
- Promotion: among people whose 12 months after the landmark have passed and who were still
  employed at their end, the share promoted within them (a promotion date after the landmark
  and at most 365 days later, from the directory's current value or its recorded history),
  matched afresh on the same keys; the difference with a Newcombe interval.
- Privacy: k is the organization's minimum group size (`survey_min_responses`). A group of
  fewer than k people is stored as {"hidden": true, "reason": ...}, and so are the colleagues
  matched to a hidden group of participants (they were picked to look like them) and every
  figure comparing them: their numbers never reach the snapshot.

The comparison group's curve, log-rank test and balance use the matching weights; the p-value
of a difference at 6 or 12 months is read from its (symmetric, normal) interval.
"""

import math
from datetime import date

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from mentorships.models import Mentorship, MentorshipMember
from organizations.models import Person, PersonChange
from programs.models import Enrollment, EnrollmentStatus, Program
from surveys.selectors.surveys import organization_today

from .. import analytics
from ..models import ImpactSnapshot

VERSION = 1
HORIZONS = {"6": 183, "12": 365}  # months -> days after the landmark
PROMOTION_DAYS = 365
CONFIDENCE = 0.95
MATCH_KEYS = ("department", "level", "tenure_band")
PARTICIPANTS = "participants"
COMPARISON = "comparison"

METHOD = (
    "Participants are people approved into a program who were in one of its mentorships. Time is "
    "counted from the program's start, so time worked before joining is not credited to it. They are "
    "compared with colleagues employed at that start who never joined a program, matched on department, "
    "level and tenure band (coarsened exact matching; colleagues are weighted so each group of similar "
    "people counts as much as its participants). Retention is estimated with Kaplan–Meier curves "
    "(people still employed are counted up to today) and compared with a log-rank test; promotion "
    "counts people promoted within 12 months of the start, among those followed for those 12 months. "
    "Intervals are 95%. Groups of fewer than {k} people are not shown."
)


# The comparison group is drawn to look like the participants (their departments, levels and
# tenure), so its figures would describe a hidden group of participants too.
FOLLOWS_PARTICIPANTS = "Not shown: the colleagues were chosen to match a group of participants too small to show."


def hidden(reason: str) -> dict:
    return {"hidden": True, "reason": reason}


def is_hidden(value) -> bool:
    return isinstance(value, dict) and value.get("hidden") is True


def too_small(k: int) -> str:
    return f"Fewer than {k} people in this group (the organization's minimum group size)."


def _number(value, digits=6):
    """JSON-safe: floats rounded, NaN and infinities as None, numpy scalars as Python ones."""
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    return round(value, digits)


# --- Loading (Django) --------------------------------------------------------------------------


def _days(values) -> pd.Series:
    """Dates as datetime64 (None as NaT): vectorized comparisons and day counts, which python
    `date` objects in an object column would do one by one."""
    return pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")


def _participations(organization, today) -> pd.DataFrame:
    """One row per (person, program) taken part in: person_id, program_id, landmark."""
    programs = {
        pk: start for pk, start in Program.objects.for_org(organization).values_list("pk", "start_date") if start
    }
    # A program without a start date counts from its first mentorship.
    first_started = dict(
        Mentorship.objects.for_org(organization)
        .exclude(program_id__in=list(programs))
        .order_by()
        .values("program_id")
        .annotate(first=Min("started_on"))
        .values_list("program_id", "first")
    )
    rows = (
        MentorshipMember.objects.for_org(organization)
        .filter(enrollment__status=EnrollmentStatus.APPROVED)
        .order_by()
        .values_list("person_id", "mentorship__program_id")
        .distinct()
    )
    frame = pd.DataFrame(list(rows), columns=["person_id", "program_id"])
    frame["landmark"] = _days([programs.get(pk) or first_started.get(pk) for pk in frame["program_id"]])
    # A program that has not started yet has no "after" to measure.
    frame = frame[frame["landmark"] < pd.Timestamp(today)]
    return frame.reset_index(drop=True)


def _directory(organization) -> pd.DataFrame:
    rows = Person.objects.for_org(organization).values_list(
        "pk", "department", "level", "hire_date", "exit_date", "last_promotion_date"
    )
    frame = pd.DataFrame(
        list(rows), columns=["person_id", "department", "level", "hire_date", "exit_date", "last_promotion_date"]
    )
    for column in ("hire_date", "exit_date", "last_promotion_date"):
        frame[column] = _days(frame[column])
    frame["department"] = frame["department"].fillna("")
    return frame.set_index("person_id", drop=False)


def _promotion_dates(organization, directory) -> pd.DataFrame:
    """Every promotion date known, one row per (person_id, day): the current one and those the
    history recorded (a later promotion overwrites last_promotion_date, the history keeps the
    earlier ones)."""
    current = directory.loc[directory["last_promotion_date"].notna(), ["person_id", "last_promotion_date"]]
    history = (
        PersonChange.objects.for_org(organization)
        .filter(field="last_promotion_date")
        .exclude(new_value=None)
        .values_list("person_id", "new_value")
    )
    recorded = pd.DataFrame(list(history), columns=["person_id", "day"])
    recorded["day"] = pd.to_datetime(recorded["day"].astype(str), errors="coerce", format="ISO8601")
    both = pd.concat(
        [current.rename(columns={"last_promotion_date": "day"}).reset_index(drop=True), recorded.dropna()],
        ignore_index=True,
    )
    return both.drop_duplicates().astype({"person_id": "int64"})


# --- Building the groups (pandas) --------------------------------------------------------------


def _at_landmark(people: pd.DataFrame, landmarks, today: date) -> pd.DataFrame:
    """`people` with `landmark` set (one date, or one per row), kept when employed at it; adds
    the matching keys, the follow-up (`duration` in days, `event` when they left by today) and
    `tenure_years`."""
    if people.empty:
        return _empty_group()
    frame = people.copy()
    frame["landmark"] = landmarks if isinstance(landmarks, pd.Timestamp) else pd.Series(landmarks).to_numpy()
    employed = (
        frame["hire_date"].notna()
        & (frame["hire_date"] <= frame["landmark"])
        & (frame["exit_date"].isna() | (frame["exit_date"] > frame["landmark"]))
    )
    frame = frame[employed].copy()
    if frame.empty:
        return _empty_group()
    now = pd.Timestamp(today)
    left = frame["exit_date"].notna() & (frame["exit_date"] <= now)
    frame["duration"] = (frame["exit_date"].where(left, now) - frame["landmark"]).dt.days.astype(float)
    frame["event"] = left.astype(int)
    frame["tenure_years"] = (frame["landmark"] - frame["hire_date"]).dt.days / 365.25
    # Banded once per distinct tenure (a few thousand day counts), not once per person.
    bands = {years: analytics.tenure_band(years) for years in frame["tenure_years"].unique()}
    frame["tenure_band"] = frame["tenure_years"].map(bands)
    frame["landmark_key"] = frame["landmark"].dt.strftime("%Y-%m-%d")
    return frame.reset_index(drop=True)


def _empty_group() -> pd.DataFrame:
    columns = [
        "person_id", "department", "level", "hire_date", "exit_date", "last_promotion_date", "landmark",
        "duration", "event", "tenure_years", "tenure_band", "landmark_key",
    ]  # fmt: skip
    frame = pd.DataFrame(columns=columns)
    for column in ("hire_date", "exit_date", "last_promotion_date", "landmark"):
        frame[column] = pd.Series(dtype="datetime64[ns]")
    return frame


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows that can be matched: a level is needed (the hire date already was)."""
    return frame[frame["level"].notna()].assign(level=lambda f: f["level"].astype(int))


def _participants_frame(directory, participations, today) -> pd.DataFrame:
    landmarks = participations.groupby("person_id")["landmark"].min()
    people = directory.loc[directory.index.intersection(landmarks.index)]
    return _at_landmark(people, landmarks.loc[people.index], today)


def _pool_frame(directory, landmarks, never_enrolled_ids, today) -> pd.DataFrame:
    """Colleagues never approved into a program, employed at each landmark (one row per landmark)."""
    eligible = directory.loc[directory.index.intersection(never_enrolled_ids)]
    frames = [_at_landmark(eligible, pd.Timestamp(landmark), today) for landmark in sorted(set(landmarks))]
    frames = [frame for frame in frames if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else _empty_group()


def _match(treated: pd.DataFrame, pool: pd.DataFrame, keys) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(matched participants, matched colleagues with `weight`, what matching dropped) by
    coarsened exact matching."""
    if treated.empty or pool.empty:
        empty = {"treated": len(treated), "treated_matched": 0, "control": len(pool), "control_matched": 0}
        return treated.iloc[0:0].assign(weight=1.0), pool.iloc[0:0].assign(weight=1.0), empty
    matched = analytics.coarsened_match(treated, pool, keys=tuple(keys))
    report = dict(matched.attrs.get("cem", {}))
    participants = matched[matched["group"] == "treated"].reset_index(drop=True)
    comparison = matched[matched["group"] == "control"].reset_index(drop=True)
    return participants, comparison, report


BALANCE_COLUMNS = {"level": "Level", "tenure_years": "Tenure (years)", "department": "Department"}


def _balance(treated_all, pool_all, treated, comparison) -> dict:
    """Standardized mean differences before matching (every participant against the whole pool)
    and after it (matched participants against the weighted matched colleagues)."""
    columns = list(BALANCE_COLUMNS)
    before = analytics.balance(treated_all, pool_all, columns)
    after = analytics.balance(treated, comparison, columns, weights="weight")
    after_by_key = {(row["column"], row["level"]): row for row in after}
    rows = []
    for row in before:
        key = (row["column"], row["level"])
        label = BALANCE_COLUMNS[row["column"]]
        if row["level"] is not None:
            label = f"{label}: {row['level'] or '(none)'}"
        rows.append(
            {
                "column": row["column"],
                "level": row["level"],
                "label": label,
                "smd_before": _number(row["smd_before"]),
                "smd_after": _number(after_by_key.get(key, {}).get("smd")),
            }
        )
    return {
        "n_participants_before": _people(treated_all),
        "n_comparison_before": _people(pool_all),
        "n_participants": _people(treated),
        "n_comparison": _people(comparison),
        "rows": rows,
    }


def _people(frame: pd.DataFrame) -> int:
    return int(frame["person_id"].nunique()) if len(frame) else 0


# --- Figures ----------------------------------------------------------------------------------


def _curve_json(curve, k: int) -> dict:
    """The curve's points while at least k people are still followed (the tail rests on a few
    people, and a step there would tell who left)."""
    points = {"times": [], "survival": [], "low": [], "high": [], "at_risk": []}
    for t, s, low, high, at_risk in zip(curve.times, curve.survival, curve.low, curve.high, curve.at_risk, strict=True):
        if at_risk < k:
            break
        points["times"].append(_number(t, 2))
        points["survival"].append(_number(s))
        points["low"].append(_number(low))
        points["high"].append(_number(high))
        points["at_risk"].append(int(at_risk))
    return points


def _group(frame: pd.DataFrame, k: int, weights=None) -> tuple[dict, object]:
    """(figures of one group, its curve) or (hidden, None) under k."""
    n = _people(frame)
    if n < k:
        return hidden(too_small(k)), None
    durations = frame["duration"].to_numpy(dtype=float)
    events = frame["event"].to_numpy(dtype=int)
    curve = analytics.kaplan_meier(durations, events, confidence=CONFIDENCE, weights=weights)
    retention = {}
    for label, days in HORIZONS.items():
        followed = int((durations >= days).sum())
        if followed < k:
            retention[label] = {
                "value": None,
                "low": None,
                "high": None,
                "n": n,
                "followed": followed,
                "reason": f"Fewer than {k} people have been followed for {label} months yet.",
            }
            continue
        value, low, high = analytics.survival_at(curve, days)
        retention[label] = {
            "value": _number(value),
            "low": _number(low),
            "high": _number(high),
            "n": n,
            "followed": followed,
        }
    figures = {
        "n": n,
        "rows": int(len(frame)),
        "events": int(events.sum()),
        "curve": _curve_json(curve, k),
        "retention": retention,
    }
    return figures, curve


def _p_from_interval(value, low, high, confidence=CONFIDENCE):
    """Two-sided p of a difference from its symmetric (Wald) interval."""
    from scipy.stats import norm

    if value is None or low is None or high is None or high <= low:
        return None
    se = (high - low) / (2 * norm.ppf(0.5 + confidence / 2))
    return float(2 * norm.sf(abs(value) / se))


def _differences(participants: dict, comparison: dict, curves) -> dict:
    out = {}
    for label, days in HORIZONS.items():
        a, b = participants["retention"][label], comparison["retention"][label]
        if a["value"] is None or b["value"] is None:
            out[label] = {
                "value": None,
                "low": None,
                "high": None,
                "p_value": None,
                "n": participants["n"] + comparison["n"],
                "reason": f"Not enough people followed for {label} months yet.",
            }
            continue
        diff = analytics.retention_difference(curves[0], curves[1], days, confidence=CONFIDENCE)
        value, low, high = _number(diff["value"]), _number(diff["low"]), _number(diff["high"])
        out[label] = {
            "value": value,
            "low": low,
            "high": high,
            "p_value": _number(_p_from_interval(value, low, high)),
            "n": participants["n"] + comparison["n"],
        }
    return out


def _logrank(treated, comparison) -> dict:
    result = analytics.logrank(
        treated["duration"].to_numpy(dtype=float),
        treated["event"].to_numpy(dtype=int),
        comparison["duration"].to_numpy(dtype=float),
        comparison["event"].to_numpy(dtype=int),
        weights_b=comparison["weight"].to_numpy(dtype=float),
    )
    return {
        "statistic": _number(result["statistic"]),
        "p_value": _number(result["p_value"]),
        "n": _people(treated) + _people(comparison),
    }


def _promoted_within(frame: pd.DataFrame, promotions: pd.DataFrame) -> np.ndarray:
    """1.0 for each row of `frame` promoted after its landmark and at most PROMOTION_DAYS later."""
    rows = frame[["person_id", "landmark"]].assign(row=np.arange(len(frame))).astype({"person_id": "int64"})
    joined = rows.merge(promotions, on="person_id")
    window = pd.Timedelta(days=PROMOTION_DAYS)
    hit = (joined["day"] > joined["landmark"]) & (joined["day"] <= joined["landmark"] + window)
    promoted = np.zeros(len(frame))
    promoted[joined.loc[hit, "row"].unique()] = 1.0
    return promoted


def _observed_for_promotion(frame: pd.DataFrame, today: date) -> pd.DataFrame:
    if frame.empty:
        return frame
    end = frame["landmark"] + pd.Timedelta(days=PROMOTION_DAYS)
    stayed = (end <= pd.Timestamp(today)) & (frame["exit_date"].isna() | (frame["exit_date"] > end))
    return frame[stayed]


PROMOTION_RULE = (
    "Promoted within 12 months of the program's start, among people whose 12 months have passed and "
    "who were still employed at their end; matched on the same keys."
)


def _promotion(treated_all, pool_all, promotions, keys, today, k) -> dict:
    treated, comparison, _ = _match(
        _observed_for_promotion(treated_all, today), _observed_for_promotion(pool_all, today), keys
    )
    figures = {"rule": PROMOTION_RULE}
    n_a, n_b = _people(treated), _people(comparison)
    if n_a < k or n_b < k:
        figures.update(
            {
                PARTICIPANTS: hidden(too_small(k)) if n_a < k else {"n": n_a},
                COMPARISON: hidden(too_small(k) if n_b < k else FOLLOWS_PARTICIPANTS),
                "difference": hidden(f"Each group needs at least {k} people followed for 12 months."),
            }
        )
        return figures
    promoted_a = _promoted_within(treated, promotions)
    weights = comparison["weight"].to_numpy(dtype=float)
    promoted_b = _promoted_within(comparison, promotions)
    # Weighted colleagues: their weights are rescaled to sum to the number of rows, so the
    # comparison's rate is the matched (weighted) rate over as many people as it has.
    rows_b = len(comparison)
    successes_b = float((weights * promoted_b).sum() / weights.sum() * rows_b) if weights.sum() else 0.0
    result = analytics.proportion_difference(
        float(promoted_a.sum()), int(len(treated)), successes_b, int(rows_b), confidence=CONFIDENCE
    )
    figures[PARTICIPANTS] = {
        "n": n_a,
        "promoted": int(promoted_a.sum()),
        "rate": _number(result["rate_a"]),
        "low": _number(result["rate_a_low"]),
        "high": _number(result["rate_a_high"]),
    }
    figures[COMPARISON] = {
        "n": n_b,
        "promoted": _number(successes_b, 2),
        "rate": _number(result["rate_b"]),
        "low": _number(result["rate_b_low"]),
        "high": _number(result["rate_b_high"]),
    }
    figures["difference"] = {
        "value": _number(result["difference"]),
        "low": _number(result["low"]),
        "high": _number(result["high"]),
        "p_value": _number(result["p_value"]),
        "n": n_a + n_b,
    }
    return figures


def analyse(
    *, directory, participations, never_enrolled_ids, promotions, today: date, k: int, organization_level: bool
) -> dict:
    """The figures of one analysis (pure pandas over the loaded frames)."""
    landmarks = sorted({day.date() for day in participations["landmark"]})
    treated_all = _participants_frame(directory, participations, today)
    pool_all = _pool_frame(directory, set(treated_all["landmark"]), never_enrolled_ids, today)
    people = int(participations["person_id"].nunique())
    at_start = int(len(treated_all))
    treated_all, pool_all = _complete(treated_all), _complete(pool_all)
    keys = (("landmark_key",) if organization_level else ()) + MATCH_KEYS
    treated, comparison, matching = _match(treated_all, pool_all, keys)
    weights = comparison["weight"].to_numpy(dtype=float) if len(comparison) else None

    participants_figures, participants_curve = _group(treated, k)
    if participants_curve is None:
        comparison_figures, comparison_curve = hidden(FOLLOWS_PARTICIPANTS), None
    else:
        comparison_figures, comparison_curve = _group(comparison, k, weights=weights)
    figures = {
        "version": VERSION,
        "scope": "organization" if organization_level else "program",
        "landmarks": [day.isoformat() for day in landmarks],
        "computed_on": today.isoformat(),
        "k": k,
        "horizons_days": HORIZONS,
        "method": METHOD.format(k=k),
        "counts": {
            "participants": people,
            # Not employed at the start by the directory's dates, or without a hire date.
            "participants_not_at_start": people - at_start,
            "participants_without_level": at_start - int(len(treated_all)),
            "participants_matched": _people(treated),
            "pool": _people(pool_all),
            "comparison_matched": _people(comparison),
            "strata_matched": matching.get("strata_matched", 0),
            "strata_dropped": matching.get("strata_dropped", 0),
        },
        PARTICIPANTS: participants_figures,
        COMPARISON: comparison_figures,
    }
    both = participants_curve is not None and comparison_curve is not None
    comparing = f"Both groups need at least {k} people."
    figures["logrank"] = _logrank(treated, comparison) if both else hidden(comparing)
    figures["difference"] = (
        _differences(participants_figures, comparison_figures, (participants_curve, comparison_curve))
        if both
        else hidden(comparing)
    )
    figures["balance"] = _balance(treated_all, pool_all, treated, comparison) if both else hidden(comparing)
    figures["promotion"] = _promotion(treated_all, pool_all, promotions, keys, today, k)
    # For the ROI's salary by level: how many matched participants sit at each level.
    figures["participant_levels"] = (
        {str(level): int(count) for level, count in treated["level"].value_counts().sort_index().items()}
        if participants_curve is not None
        else {}
    )
    return figures


# --- The service -----------------------------------------------------------------------------


def impact_refresh(*, organization, today=None) -> list[ImpactSnapshot]:
    """Recompute and store the organization's impact figures: one snapshot for the organization
    and one per program with participants (programs without any lose their old snapshot).
    Six reads however large the directory; the writes are one row per program."""
    today = today or organization_today(organization)
    k = organization.survey_min_responses
    participations = _participations(organization, today)
    directory = _directory(organization)
    approved = set(
        Enrollment.objects.for_org(organization)
        .filter(status=EnrollmentStatus.APPROVED)
        .values_list("person_id", flat=True)
        .distinct()
    )
    never_enrolled = directory.index.difference(pd.Index(sorted(approved)))
    promotions = _promotion_dates(organization, directory)
    common = {
        "directory": directory,
        "never_enrolled_ids": never_enrolled,
        "promotions": promotions,
        "today": today,
        "k": k,
    }

    results = {None: analyse(participations=participations, organization_level=True, **common)}
    for program_id, rows in participations.groupby("program_id"):
        results[int(program_id)] = analyse(participations=rows, organization_level=False, **common)

    now = timezone.now()
    snapshots = []
    with transaction.atomic():
        existing = {s.program_id: s for s in ImpactSnapshot.objects.for_org(organization).select_for_update()}
        stale = [s.pk for program_id, s in existing.items() if program_id not in results]
        ImpactSnapshot.objects.for_org(organization).filter(pk__in=stale).delete()
        for program_id, figures in results.items():
            snapshot = existing.get(program_id) or ImpactSnapshot(organization=organization, program_id=program_id)
            snapshot.figures, snapshot.computed_on, snapshot.computed_at = figures, today, now
            snapshots.append(snapshot)
        ImpactSnapshot.objects.bulk_create([s for s in snapshots if s.pk is None])
        ImpactSnapshot.objects.bulk_update(
            [s for s in snapshots if s.pk is not None], ["figures", "computed_on", "computed_at"]
        )
    return snapshots
