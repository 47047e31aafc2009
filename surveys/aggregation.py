"""Survey statistics and the anonymity rules that decide what may be shown.

Pure numpy/scipy, no Django: the results selectors load answers as plain values and call these,
so the arithmetic and the hiding rules are tested on their own, against independent
implementations, without a database.

Conventions shared by every function here:
- Missing answers (None, NaN) are dropped before counting: a skipped question is not an answer,
  and counting it would dilute means and shares.
- An estimate of nothing is `Estimate(0, None, None, None)`, never 0: "no data" must not read as
  "a score of zero" on a page or in an export.
- An interval needs a spread to be estimated from, so with one answer `low`/`high` are None;
  with several identical answers the sample spread is zero and the interval has zero width (the
  honest output of the formula, not a claim of certainty the caller should dress up).
- Values are plain Python floats, so results serialize to JSON and compare without numpy types.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
from scipy import stats

NPS_MIN, NPS_MAX = 0, 10
# The standard Net Promoter bands: 9-10 promote, 0-6 detract, 7-8 are passive.
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


class Estimate(NamedTuple):
    """A point estimate with its confidence interval; `n` is the number of answers behind it."""

    n: int
    value: float | None
    low: float | None
    high: float | None


EMPTY = Estimate(0, None, None, None)


# --- helpers ----------------------------------------------------------------------------------------


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        # Not a number at all (a choice label, a list of choices): present, not missing.
        return False


def _numbers(values: Iterable) -> np.ndarray:
    """The answers as a float array, without missing ones."""
    return np.array([float(v) for v in values if not _is_missing(v)], dtype=float)


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), not {confidence!r}")


def _z(confidence: float) -> float:
    """The two-sided standard normal quantile for `confidence`."""
    return float(stats.norm.ppf((1 + confidence) / 2))


def _interval(value: float, half_width: float, lowest: float, highest: float) -> tuple[float, float]:
    """value ± half_width, clipped to the range the quantity can take.

    Normal-approximation intervals can run past the possible range (an NPS above 100); clipping
    keeps the page from showing an impossible bound without changing anything inside the range.
    """
    return float(max(lowest, value - half_width)), float(min(highest, value + half_width))


def _variance_of_mean(x: np.ndarray) -> float:
    """s²/n, exactly 0 for identical values (see `mean_ci`)."""
    return 0.0 if x.min() == x.max() else float(x.var(ddof=1)) / len(x)


# --- means ------------------------------------------------------------------------------------------


def mean_ci(values: Iterable, confidence: float = 0.95) -> Estimate:
    """The mean with a Student t interval (the spread is estimated from the sample itself).

    The t interval rather than a normal one because survey groups are small (k can be 3), where
    the normal quantile would make the interval too narrow.
    """
    _check_confidence(confidence)
    x = _numbers(values)
    n = len(x)
    if n == 0:
        return EMPTY
    mean = float(x.mean())
    if n == 1:
        return Estimate(1, mean, None, None)
    if x.min() == x.max():
        # Tested on the values, not on the computed spread: the mean of [0.1, 0.1, 0.1] rounds to
        # a hair off 0.1 and would leave a spurious nonzero spread.
        mean = float(x[0])
        return Estimate(n, mean, mean, mean)
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * sd / math.sqrt(n)
    return Estimate(n, mean, mean - half, mean + half)


def mean_change(before: Iterable, after: Iterable, confidence: float = 0.95) -> Estimate:
    """after − before for two independent groups, with a Welch t interval.

    Independent, not paired: anonymous answers cannot be linked from one wave to the next (that is
    the point), and the two waves' respondents differ anyway. Welch rather than the pooled t test
    because nothing makes the two waves' spreads equal. `n` is both groups together.
    """
    _check_confidence(confidence)
    a, b = _numbers(after), _numbers(before)
    n_a, n_b = len(a), len(b)
    if n_a == 0 or n_b == 0:
        return Estimate(n_a + n_b, None, None, None)
    diff = float(a.mean() - b.mean())
    if n_a < 2 or n_b < 2:
        # One side has no spread to estimate: no honest interval.
        return Estimate(n_a + n_b, diff, None, None)
    if a.min() == a.max() and b.min() == b.max():
        diff = float(a[0] - b[0])
        return Estimate(n_a + n_b, diff, diff, diff)
    v_a, v_b = _variance_of_mean(a), _variance_of_mean(b)
    se2 = v_a + v_b
    # Welch–Satterthwaite degrees of freedom.
    df = se2**2 / (v_a**2 / (n_a - 1) + v_b**2 / (n_b - 1))
    half = float(stats.t.ppf((1 + confidence) / 2, df)) * math.sqrt(se2)
    return Estimate(n_a + n_b, diff, diff - half, diff + half)


# --- proportions ------------------------------------------------------------------------------------


def proportion_ci(successes: int, n: int, confidence: float = 0.95) -> Estimate:
    """A share (0..1) with the Wilson score interval.

    Wilson rather than the textbook p ± z·sqrt(p(1−p)/n): that one collapses to zero width at 0 %
    and 100 % and runs outside 0..1 for small groups, which are exactly the response rates and
    small cohorts surveys have.
    """
    _check_confidence(confidence)
    if n < 0 or not 0 <= successes <= max(n, 0):
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return EMPTY
    p = successes / n
    z = _z(confidence)
    z2 = z * z
    denominator = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low, high = _interval(center, half, 0.0, 1.0)
    # The interval always contains p; at 0 % and 100 % its end is exactly p, which floating-point
    # rounding of center ± half can miss by an ulp (a low bound of 5e-17 above an observed 0).
    return Estimate(n, float(p), min(low, p), max(high, p))


# --- NPS --------------------------------------------------------------------------------------------


def _nps_parts(values: Iterable) -> tuple[int, float, float]:
    """(n, share of promoters, share of detractors); answers must be whole numbers 0..10."""
    x = _numbers(values)
    bad = (x < NPS_MIN) | (x > NPS_MAX) | (x != np.round(x))
    if bad.any():
        # A 0-10 question cannot hold these; classifying them would silently invent a band.
        raise ValueError(f"NPS answers are whole numbers from 0 to 10, got {x[bad][0]!r}")
    n = len(x)
    if n == 0:
        return 0, 0.0, 0.0
    return n, float((x >= PROMOTER_MIN).mean()), float((x <= DETRACTOR_MAX).mean())


def _nps_variance(n: int, promoters: float, detractors: float) -> float:
    """Variance of (promoter share − detractor share), in share units.

    Each answer scores +1 (promoter), 0 (passive) or −1 (detractor): a multinomial, whose score
    has variance p_p + p_d − (p_p − p_d)²; the mean of n of them divides that by n.
    """
    return (promoters + detractors - (promoters - detractors) ** 2) / n


def nps(values: Iterable, confidence: float = 0.95) -> Estimate:
    """Net Promoter Score: % promoters (9–10) − % detractors (0–6), in points from −100 to 100.

    The interval is the normal approximation with the multinomial variance (see `_nps_variance`),
    clipped to −100..100. With one answer there is no interval (the plug-in variance of a single
    answer is always 0, which would claim certainty).
    """
    _check_confidence(confidence)
    n, promoters, detractors = _nps_parts(values)
    if n == 0:
        return EMPTY
    score = 100 * (promoters - detractors)
    if n == 1:
        return Estimate(1, score, None, None)
    half = _z(confidence) * 100 * math.sqrt(_nps_variance(n, promoters, detractors))
    low, high = _interval(score, half, -100.0, 100.0)
    return Estimate(n, score, low, high)


def nps_change(before: Iterable, after: Iterable, confidence: float = 0.95) -> Estimate:
    """NPS(after) − NPS(before) for two independent waves, in points (−200..200).

    Independent samples, so the variances add. `n` is both waves together.
    """
    _check_confidence(confidence)
    n_b, pp_b, pd_b = _nps_parts(before)
    n_a, pp_a, pd_a = _nps_parts(after)
    if n_a == 0 or n_b == 0:
        return Estimate(n_a + n_b, None, None, None)
    diff = 100 * ((pp_a - pd_a) - (pp_b - pd_b))
    if n_a < 2 or n_b < 2:
        return Estimate(n_a + n_b, diff, None, None)
    variance = _nps_variance(n_a, pp_a, pd_a) + _nps_variance(n_b, pp_b, pd_b)
    half = _z(confidence) * 100 * math.sqrt(variance)
    low, high = _interval(diff, half, -200.0, 200.0)
    return Estimate(n_a + n_b, diff, low, high)


# --- distributions ----------------------------------------------------------------------------------


def distribution(values: Iterable, options: Sequence[Hashable]) -> list[tuple[Hashable, int, float]]:
    """[(option, count, share)] in the order of `options`, every option listed even when unchosen.

    Each item of `values` is one respondent's answer: a single value, or a list/tuple/set of the
    options they ticked (a multiple-choice question). The share is of respondents (0..1), so for
    multiple choice the shares can add up to more than 1 — "40 % chose X" is what a reader expects,
    not "40 % of all ticks". An answer outside `options` counts as a respondent but under no option
    (shares then add up to less than 1 rather than silently inflating the others). With no
    respondents every share is 0.0.
    """
    counts = dict.fromkeys(options, 0)
    respondents = 0
    for value in values:
        if _is_missing(value):
            continue
        respondents += 1
        chosen = set(value) if isinstance(value, list | tuple | set | frozenset) else {value}
        for option in chosen:
            if option in counts:
                counts[option] += 1
    return [(option, counts[option], counts[option] / respondents if respondents else 0.0) for option in counts]


# --- anonymity --------------------------------------------------------------------------------------


def suppressed_cells(counts: Mapping[str, int], k: int) -> set[str]:
    """The labels of a one-dimension breakdown that must be hidden under the minimum group size k.

    Primary suppression hides every cell with fewer than k responses. That is not enough when the
    total is shown (it always is): with one small cell hidden, total − visible cells gives it back.
    So while the hidden cells add up to more than 0 but fewer than k, the smallest visible cell is
    hidden too (ties broken by label, so the choice is deterministic and does not depend on the
    mapping's order). Every visible cell has at least k, so one complementary cell is always
    enough, and the cells hidden together then hold at least k responses. When the whole breakdown
    holds fewer than k, every cell ends up hidden.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if any(count < 0 for count in counts.values()):
        raise ValueError("counts cannot be negative")
    hidden = {label for label, count in counts.items() if count < k}
    visible = sorted((count, label) for label, count in counts.items() if label not in hidden)
    hidden_total = sum(counts[label] for label in hidden)
    for count, label in visible:
        if not 0 < hidden_total < k:
            break
        hidden.add(label)
        hidden_total += count
    return hidden


def shuffled(items: Sequence[str], seed: str) -> list[str]:
    """`items` in an order fixed by a keyed hash: stable for a seed, unrelated to the input order.

    Free-text answers arrive in submission order; showing them that way would let a reader match
    a text to who answered when. Each item is ranked by HMAC-SHA256(seed, "<index>:<text>"): the
    same seed always gives the same order (the page does not reshuffle on every load, which would
    invite reloading to compare), and without the secret seed the order carries no information
    about the input positions. The index is part of the message so identical texts get distinct
    keys.
    """
    if not seed:
        raise ValueError("shuffled needs a non-empty seed")
    key = seed.encode()

    def rank(pair: tuple[int, str]) -> bytes:
        index, text = pair
        return hmac.new(key, f"{index}:{text}".encode(), hashlib.sha256).digest()

    return [text for _, text in sorted(enumerate(items), key=rank)]
