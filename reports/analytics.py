"""Impact analytics: survival, matching, balance, proportions and the ROI range. Pure functions.

Nothing here touches Django or the database: callers (reports/services/impact.py, roi.py) load
the people directory into arrays or DataFrames, and these functions return plain floats, lists and
dicts that go straight into ``ImpactSnapshot.figures``. Keeping the statistics pure is what lets the
tests check them against an independent implementation (statsmodels, a test-only dependency that
is never imported here) without a database.

The method, in the order a reader meets it:

* **Landmark.** Time is counted in days from the program's start for participants *and* for the
  comparison group, and only people still employed at the start are included. Counting from the
  day someone joined instead would credit the program with the months a participant had to stay
  employed in order to join at all ("immortal time"), which flatters any program.
* **Comparison group.** Coarsened exact matching (CEM) on department, level and tenure band: a
  participant is compared only with colleagues from the same stratum, and strata with nobody on
  one side are dropped (and counted) rather than extrapolated into.
* **Balance.** Standardized mean differences before and after weighting, so a reader can judge
  how comparable the groups are instead of taking it on trust.
* **Retention.** Kaplan–Meier survival with Greenwood's variance and a log-log band (it stays
  inside 0–1 and behaves near 1, where retention curves live), a log-rank test, and the
  difference of survival at 6 and 12 months with a normal interval.
* **Promotion.** Rates with Wilson intervals and their difference with Newcombe's hybrid score
  interval, which, unlike the textbook Wald interval, keeps its coverage for rare events.
* **ROI.** The retention difference's interval carried through to avoided departures, savings,
  net and ROI, so leadership sees a range with the central estimate, not a single hopeful number.

Undefined figures (an empty group, no events, a time beyond follow-up) are ``None``, never an
exception and never NaN, so they serialize to JSON as ``null`` and templates can say "not enough data".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

TENURE_BANDS = ("<1", "1-2", "2-5", "5-10", "10+")
TENURE_UNKNOWN = "unknown"
MISSING_LEVEL = "(missing)"


class Curve(NamedTuple):
    """A Kaplan–Meier curve as a step function, ready for a chart or a table.

    ``times`` (days from the landmark) starts at 0 with everyone at risk, then has one point per
    distinct event time, and ends at the longest follow-up when that is later than the last event,
    so the curve shows how far the data reach (``survival_at`` answers ``None`` beyond it).
    ``at_risk`` counts people (not weights) at risk just before each time: the "how many people
    stand behind this figure" of the issue. ``low``/``high`` is the pointwise log-log band and
    ``se`` the Greenwood standard error of the survival; both are ``None`` where undefined (after
    the curve reaches 0). ``se`` is carried so ``retention_difference`` can combine two curves'
    uncertainty without re-reading the data.
    """

    times: list[float]
    survival: list[float]
    low: list[float | None]
    high: list[float | None]
    at_risk: list[int]
    se: list[float | None] | None = None


EMPTY_CURVE = Curve([], [], [], [], [], [])


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _survival_data(durations, events, weights=None):
    """Validated float arrays; rows of weight 0 are dropped so they count neither as weight nor as people."""
    durations = np.asarray(durations, dtype=float).ravel()
    events = np.asarray(events, dtype=float).ravel()
    if durations.shape != events.shape:
        raise ValueError("durations and events must have the same length")
    weights = np.ones_like(durations) if weights is None else np.asarray(weights, dtype=float).ravel()
    if weights.shape != durations.shape:
        raise ValueError("weights must have the same length as durations")
    if not (np.isfinite(durations).all() and np.isfinite(weights).all()):
        raise ValueError("durations and weights must be finite numbers")
    if (durations < 0).any():
        raise ValueError("durations must be non-negative (days since the landmark)")
    if (weights < 0).any():
        raise ValueError("weights must be non-negative")
    if not np.isin(events, (0, 1)).all():
        raise ValueError("events must be 0/1 (or False/True)")
    keep = weights > 0
    return durations[keep], events[keep], weights[keep]


def kaplan_meier(durations, events, confidence=0.95, weights=None) -> Curve:
    """Kaplan–Meier survival with Greenwood's variance and a pointwise log-log confidence band.

    ``durations`` are days from the landmark (the program's start, for participants and the
    comparison group alike, so time before joining is not credited to the program); ``events`` is
    1 where the person left and 0 where they were still employed at the end of follow-up
    (censored). Tied times are handled the usual way: all events at a time leave together, and
    people censored at that time are still counted at risk for it.

    ``weights`` are CEM weights (``coarsened_match``). They enter the estimator as frequency
    weights, Greenwood included: CEM scales control weights so they sum to the number of matched
    controls, which keeps the weighted counts on the scale of real people and the variance honest
    to first order. ``at_risk`` stays an unweighted head count.

    The band is computed on log(-log S), which keeps it inside (0, 1) and, unlike the plain
    S ± z·se band, does not collapse to a point or spill above 1 when survival is close to 1, as
    retention usually is.
    """
    durations, events, weights = _survival_data(durations, events, weights)
    if durations.size == 0:
        return EMPTY_CURVE
    z = _z(confidence)

    times, position = np.unique(durations, return_inverse=True)
    events_w = np.bincount(position, weights=weights * events, minlength=times.size)
    leaving_w = np.bincount(position, weights=weights, minlength=times.size)
    leaving_people = np.bincount(position, minlength=times.size)
    at_risk_w = np.cumsum(leaving_w[::-1])[::-1]
    at_risk_people = np.cumsum(leaving_people[::-1])[::-1]

    is_event = events_w > 0
    n, d = at_risk_w[is_event], events_w[is_event]
    remaining = n - d
    # Everyone still at risk left: survival is exactly 0 (guard float round-off in weighted sums).
    wiped_out = remaining <= 1e-12 * n
    hazard = np.where(wiped_out, 1.0, d / n)
    survival = np.cumprod(1.0 - hazard)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(np.where(wiped_out, np.inf, d / (n * np.where(wiped_out, 1.0, remaining))))

    points_t = list(times[is_event])
    points_s = list(survival)
    points_g = list(greenwood)
    points_r = list(at_risk_people[is_event])
    # The origin: everyone at risk, survival 1. An event at time 0 already is that point.
    if not points_t or points_t[0] > 0:
        points_t.insert(0, 0.0)
        points_s.insert(0, 1.0)
        points_g.insert(0, 0.0)
        points_r.insert(0, int(at_risk_people[0]))
    # The end of follow-up, when later than the last event: the curve is known flat up to there.
    if times[-1] > points_t[-1]:
        points_t.append(times[-1])
        points_s.append(points_s[-1])
        points_g.append(points_g[-1])
        points_r.append(int(at_risk_people[-1]))

    low, high, se = [], [], []
    for s, g in zip(map(float, points_s), map(float, points_g), strict=True):
        if s >= 1.0:
            low.append(1.0)
            high.append(1.0)
            se.append(0.0)
        elif s <= 0.0 or not math.isfinite(g):
            low.append(None)
            high.append(None)
            se.append(None)
        else:
            # Var(log(-log S)) = Greenwood / (log S)^2; S = exp(-exp(c)) falls as c rises.
            spread = z * math.sqrt(g) / abs(math.log(s))
            low.append(s ** math.exp(spread))
            high.append(s ** math.exp(-spread))
            se.append(s * math.sqrt(g))
    return Curve(
        times=[float(t) for t in points_t],
        survival=[float(s) for s in points_s],
        low=low,
        high=high,
        at_risk=[int(r) for r in points_r],
        se=se,
    )


def _index_at(curve: Curve, t: float) -> int | None:
    """Index of the step in force at ``t``; None when the curve is empty or ``t`` lies beyond follow-up.

    Beyond the last observed time the curve is unknown (nobody was followed that long), except
    when it has already reached 0.
    """
    if not curve.times:
        return None
    if t > curve.times[-1] and curve.survival[-1] > 0:
        return None
    if t < curve.times[0]:
        return -1
    return int(np.searchsorted(curve.times, t, side="right")) - 1


def survival_at(curve: Curve, t: float) -> tuple[float | None, float | None, float | None]:
    """(S, low, high) at ``t`` days: the step in force at ``t``, or Nones when it cannot be told.

    Before the landmark everyone is still employed, so S = 1 there.
    """
    i = _index_at(curve, t)
    if i is None:
        return None, None, None
    if i < 0:
        return 1.0, 1.0, 1.0
    return curve.survival[i], curve.low[i], curve.high[i]


def _se_at(curve: Curve, t: float) -> float | None:
    i = _index_at(curve, t)
    if i is None or curve.se is None:
        return None
    return 0.0 if i < 0 else curve.se[i]


def retention_difference(curve_a: Curve, curve_b: Curve, t: float, confidence=0.95) -> dict:
    """S_a(t) − S_b(t) with a normal interval from the two Greenwood standard errors.

    The two groups are independent samples, so the variances add. The interval is clipped to
    [−1, 1], the range a difference of proportions can take. Nones when either curve cannot tell
    S(t) (empty, or ``t`` beyond its follow-up); the value alone when the spread is undefined.
    """
    s_a, _, _ = survival_at(curve_a, t)
    s_b, _, _ = survival_at(curve_b, t)
    if s_a is None or s_b is None:
        return {"value": None, "low": None, "high": None}
    value = s_a - s_b
    se_a, se_b = _se_at(curve_a, t), _se_at(curve_b, t)
    if se_a is None or se_b is None:
        return {"value": value, "low": None, "high": None}
    half = _z(confidence) * math.hypot(se_a, se_b)
    return {"value": value, "low": max(-1.0, value - half), "high": min(1.0, value + half)}


def logrank(durations_a, events_a, durations_b, events_b, *, weights_a=None, weights_b=None) -> dict:
    """Two-sample log-rank test: do the two groups leave at the same rate over the whole follow-up?

    At each event time the events are shared out in proportion to the numbers at risk; the test
    adds up observed − expected for group a over all times with the hypergeometric variance and
    compares the square with a χ² on 1 degree of freedom. It uses the whole curve, not one time
    point, which is why it (and not the 12-month difference) decides "significant".

    Optional weights (CEM) are used as frequency weights, like in ``kaplan_meier``. The statistic
    and p-value are None when a group is empty or there is no event to compare.
    """
    da, ea, wa = _survival_data(durations_a, events_a, weights_a)
    db, eb, wb = _survival_data(durations_b, events_b, weights_b)
    if da.size == 0 or db.size == 0:
        return {"statistic": None, "p_value": None}
    times, position = np.unique(np.concatenate([da, db]), return_inverse=True)
    in_a = np.concatenate([np.ones_like(da), np.zeros_like(db)])
    weights = np.concatenate([wa, wb])
    events = np.concatenate([ea, eb])

    def reverse_cumsum(values):
        return np.cumsum(np.bincount(position, weights=values, minlength=times.size)[::-1])[::-1]

    n_a = reverse_cumsum(weights * in_a)
    n = reverse_cumsum(weights)
    d_a = np.bincount(position, weights=weights * events * in_a, minlength=times.size)
    d = np.bincount(position, weights=weights * events, minlength=times.size)
    # With one person (or less weight) at risk there is nothing to share out; those times carry no information.
    use = (d > 0) & (n > 1)
    n_a, n, d_a, d = n_a[use], n[use], d_a[use], d[use]
    share_a = n_a / n
    observed_minus_expected = float(np.sum(d_a - d * share_a))
    variance = float(np.sum(d * share_a * (1 - share_a) * (n - d) / (n - 1)))
    if not variance > 0:
        return {"statistic": None, "p_value": None}
    statistic = observed_minus_expected**2 / variance
    return {"statistic": statistic, "p_value": float(stats.chi2.sf(statistic, 1))}


def tenure_band(years) -> str:
    """The tenure band used for matching: "<1", "1-2", "2-5", "5-10", "10+" (lower bound included).

    Bands widen with tenure because a year matters more to someone's likelihood of leaving early in
    their time at a company than late. Unknown (None/NaN) tenure is its own band, so such people
    are still matched, but only with each other.
    """
    if years is None or pd.isna(years):
        return TENURE_UNKNOWN
    for upper, band in zip((1, 2, 5, 10), TENURE_BANDS, strict=False):
        if years < upper:
            return band
    return TENURE_BANDS[-1]


def _strata(frame: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """One hashable label per row; a missing key value is a level of its own (NaN never equals NaN)."""
    columns = [frame[key].astype(object).where(frame[key].notna(), MISSING_LEVEL) for key in keys]
    return pd.Series(list(zip(*columns, strict=True)), index=frame.index, dtype=object)


def coarsened_match(
    treated: pd.DataFrame, pool: pd.DataFrame, keys: Sequence[str] = ("department", "level", "tenure_band")
) -> pd.DataFrame:
    """Coarsened exact matching: participants against colleagues from the same stratum.

    Strata are the combinations of ``keys`` (tenure already coarsened into bands with
    ``tenure_band``). A stratum without both a participant and a non-participant is dropped:
    there is nobody to compare with, and extrapolating would hide that. ``pool`` must not contain
    the participants.

    Returns the matched rows of both frames (index reset, every column kept) with ``group``
    ("treated"/"control") and ``weight``: 1 for participants; for controls
    (n_treated_s / n_control_s) × (N_control_matched / N_treated_matched), which makes each
    stratum's controls stand in for as many people as it has participants (so the controls mimic
    the participants' mix of strata) while the controls' weights still sum to the number of
    matched controls (so weighted counts remain head counts).

    What was dropped is in ``result.attrs["cem"]`` (counts of strata, participants and controls:
    total, matched, dropped). The attrs do not survive most pandas operations; read them first.
    """
    keys = list(keys)
    missing = [key for key in keys if key not in treated.columns or key not in pool.columns]
    if missing:
        raise KeyError(f"matching keys missing from the frames: {missing}")
    treated_strata = _strata(treated, keys)
    pool_strata = _strata(pool, keys)
    treated_counts = treated_strata.value_counts()
    pool_counts = pool_strata.value_counts()
    common = treated_counts.index.intersection(pool_counts.index)
    treated_kept = treated_strata.isin(common).to_numpy()
    pool_kept = pool_strata.isin(common).to_numpy()
    matched_treated, matched_pool = treated[treated_kept], pool[pool_kept]
    n_treated, n_control = len(matched_treated), len(matched_pool)

    if n_treated:
        stratum = pool_strata[pool_kept]
        ratio = stratum.map(treated_counts).to_numpy(float) / stratum.map(pool_counts).to_numpy(float)
        control_weights = ratio * (n_control / n_treated)
    else:
        control_weights = np.zeros(0)
    result = pd.concat(
        [
            matched_treated.assign(group="treated", weight=1.0),
            matched_pool.assign(group="control", weight=control_weights),
        ],
        ignore_index=True,
    )
    all_strata = treated_counts.index.union(pool_counts.index)
    result.attrs["cem"] = {
        "strata": len(all_strata),
        "strata_matched": len(common),
        "strata_dropped": len(all_strata) - len(common),
        "treated": len(treated),
        "treated_matched": n_treated,
        "treated_dropped": len(treated) - n_treated,
        "control": len(pool),
        "control_matched": n_control,
        "control_dropped": len(pool) - n_control,
    }
    return result


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float | None:
    total = weights.sum()
    return float(np.dot(values, weights) / total) if total > 0 else None


def _smd(mean_t, mean_c, spread) -> float | None:
    if mean_t is None or mean_c is None or spread is None or not math.isfinite(spread):
        return None
    if spread == 0:
        # Both groups constant: identical is perfect balance, different cannot be scaled.
        return 0.0 if math.isclose(mean_t, mean_c, abs_tol=1e-12) else None
    return (mean_t - mean_c) / spread


def _balance_row(column, level, treated: np.ndarray, control: np.ndarray, weights: np.ndarray, binary: bool) -> dict:
    keep_t = ~np.isnan(treated)
    keep_c = ~np.isnan(control)
    treated, control, weights = treated[keep_t], control[keep_c], weights[keep_c]
    mean_t = float(treated.mean()) if treated.size else None
    mean_c_before = float(control.mean()) if control.size else None
    mean_c = _weighted_mean(control, weights) if control.size else None
    spread = None
    if mean_t is not None and mean_c_before is not None:
        if binary:
            variances = (mean_t * (1 - mean_t), mean_c_before * (1 - mean_c_before))
        else:
            variances = tuple(float(x.var(ddof=1 if x.size > 1 else 0)) for x in (treated, control))
        spread = math.sqrt(sum(variances) / 2)
    return {
        "column": column,
        "level": level,
        "n_treated": int(treated.size),
        "n_control": int(control.size),
        "mean_treated": mean_t,
        "mean_control": mean_c,
        "mean_control_before": mean_c_before,
        "smd_before": _smd(mean_t, mean_c_before, spread),
        "smd": _smd(mean_t, mean_c, spread),
    }


def balance(treated: pd.DataFrame, control: pd.DataFrame, columns: Iterable[str], weights=None) -> list[dict]:
    """Standardized mean differences of participants against the comparison group, per column.

    SMD = (mean_treated − mean_control) / sqrt((var_treated + var_control) / 2); |SMD| under 0.1 is
    the usual reading of "balanced". Numeric (and boolean) columns give one row; other columns are
    one-hot encoded and give one row per level (missing values are a level), using p(1 − p) as
    the variance.

    ``weights`` (a sequence aligned with ``control``, or the name of one of its columns, e.g. the
    ``weight`` column of ``coarsened_match``) weight the control mean; participants weigh 1 in
    CEM. Each row has ``smd_before`` (unweighted) and ``smd`` (weighted; the same when no weights
    are given). Both use the *unweighted* variances as the yardstick, so a change between them is
    a change in the means, not in the ruler. Undefined SMDs (an empty side, a constant column whose
    means differ) are None.
    """
    if weights is None:
        control_weights = np.ones(len(control))
    elif isinstance(weights, str):
        control_weights = control[weights].to_numpy(float)
    else:
        control_weights = np.asarray(weights, dtype=float).ravel()
    if control_weights.shape != (len(control),):
        raise ValueError("weights must have one value per control row")

    rows = []
    for column in columns:
        t, c = treated[column], control[column]
        if pd.api.types.is_numeric_dtype(t.dtype) and pd.api.types.is_numeric_dtype(c.dtype):
            rows.append(_balance_row(column, None, t.to_numpy(float), c.to_numpy(float), control_weights, False))
            continue
        t = t.astype(object).where(t.notna(), MISSING_LEVEL).astype(str)
        c = c.astype(object).where(c.notna(), MISSING_LEVEL).astype(str)
        for level in sorted(set(t) | set(c)):
            rows.append(
                _balance_row(
                    column,
                    level,
                    (t == level).to_numpy(float),
                    (c == level).to_numpy(float),
                    control_weights,
                    True,
                )
            )
    return rows


def _wilson(successes: float, n: float, z: float) -> tuple[float, float]:
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def proportion_difference(successes_a, n_a, successes_b, n_b, confidence=0.95) -> dict:
    """Two rates (e.g. promoted within 12 months), each with a Wilson interval, and their difference.

    The difference's interval is Newcombe's hybrid score interval built from the two Wilson
    intervals: it stays inside [−1, 1] and keeps its coverage for small groups and rare events,
    where the Wald interval fails (promotions are rare). The p-value is the two-proportion z test
    with the pooled rate. Weighted (CEM) counts may be passed as floats; they are treated as
    observed counts, which CEM's scaling makes a fair first-order approximation.

    Rates and intervals of an empty group are None; a p-value needs both groups. When both groups
    have the same all-or-nothing rate (0% or 100%) there is no evidence of a difference: p = 1.
    """
    z = _z(confidence)
    if successes_a < 0 or successes_b < 0 or successes_a > n_a or successes_b > n_b:
        raise ValueError("successes must lie between 0 and n")
    result = {
        "n_a": n_a,
        "n_b": n_b,
        "rate_a": None,
        "rate_a_low": None,
        "rate_a_high": None,
        "rate_b": None,
        "rate_b_low": None,
        "rate_b_high": None,
        "difference": None,
        "low": None,
        "high": None,
        "p_value": None,
    }
    if n_a > 0:
        result["rate_a"] = successes_a / n_a
        result["rate_a_low"], result["rate_a_high"] = _wilson(successes_a, n_a, z)
    if n_b > 0:
        result["rate_b"] = successes_b / n_b
        result["rate_b_low"], result["rate_b_high"] = _wilson(successes_b, n_b, z)
    if not (n_a > 0 and n_b > 0):
        return result
    p_a, p_b = result["rate_a"], result["rate_b"]
    difference = p_a - p_b
    result["difference"] = difference
    result["low"] = difference - math.hypot(p_a - result["rate_a_low"], result["rate_b_high"] - p_b)
    result["high"] = difference + math.hypot(result["rate_a_high"] - p_a, p_b - result["rate_b_low"])
    pooled = (successes_a + successes_b) / (n_a + n_b)
    if 0 < pooled < 1:
        se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
        result["p_value"] = float(2 * stats.norm.sf(abs(difference) / se))
    else:
        result["p_value"] = 1.0
    return result


def _triple(values, order: tuple[str, str, str], name: str) -> dict[str, float | None]:
    """Read (value, low, high) from a tuple in ``order`` or a dict, checking low ≤ value ≤ high."""
    if isinstance(values, Mapping):
        triple = {
            "value": values.get("value", values.get("central")),
            "low": values.get("low"),
            "high": values.get("high"),
        }
    else:
        triple = dict(zip(order, values, strict=True))
    if any(v is None for v in triple.values()):
        return {"value": None, "low": None, "high": None}
    triple = {key: float(v) for key, v in triple.items()}
    if not triple["low"] <= triple["value"] <= triple["high"]:
        raise ValueError(f"{name} must be ordered low ≤ central ≤ high, got {triple}")
    return triple


def roi_range(*, participants, retention_diff, avoided_salary, replacement_cost, program_cost) -> dict:
    """Carry the retention difference's interval through to avoided departures, savings, net and ROI.

    avoided departures = retention difference × participants; savings = avoided × salary ×
    replacement multiplier (the cost of replacing someone, as a share of their salary); net =
    savings − program cost; ROI = net / cost. Each comes as {"value", "low", "high"}: the central
    estimate uses the central multiplier, the low end pairs the low end of the difference with the
    low multiplier and the high end the high with the high. When the difference's interval lies
    above 0 (the only case in which the caller should print these numbers, see the issue) that
    pairing gives the most pessimistic and the most optimistic reading of both uncertainties.

    ``retention_diff`` is (value, low, high) or the dict ``retention_difference`` returns;
    ``replacement_cost`` is (low, central, high) multipliers, e.g. (0.5, 1.0, 2.0). Unknown
    difference -> None figures (cost stays known); zero cost -> ROI None.
    """
    difference = _triple(retention_diff, ("value", "low", "high"), "retention_diff")
    multiplier = _triple(replacement_cost, ("low", "value", "high"), "replacement_cost")
    cost = float(program_cost)
    nothing = {"value": None, "low": None, "high": None}
    result = {
        "participants": participants,
        "retention_difference": difference,
        "replacement_multiplier": multiplier,
        "cost": {"value": cost, "low": cost, "high": cost},
        "avoided": dict(nothing),
        "savings": dict(nothing),
        "net": dict(nothing),
        "roi": dict(nothing),
    }
    if difference["value"] is None or multiplier["value"] is None:
        return result
    for end in ("value", "low", "high"):
        avoided = difference[end] * participants
        savings = avoided * float(avoided_salary) * multiplier[end]
        net = savings - cost
        result["avoided"][end] = avoided
        result["savings"][end] = savings
        result["net"][end] = net
        result["roi"][end] = net / cost if cost > 0 else None
    return result
