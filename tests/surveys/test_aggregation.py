"""surveys.aggregation against independent implementations, and the anonymity rules as properties.

No database: the module is pure. Tolerances:
- against scipy's own intervals (t, Welch, Wilson): 1e-9 absolute — the same formulas computed
  another way, so only floating-point rounding may differ;
- NPS against a bootstrap on generated data: standard error within 5 % relative and interval ends
  within 1.5 points (the bootstrap's own Monte Carlo error with 4000 resamples is about 1 %);
- NPS coverage on simulated samples with a known true score: 93–97 % for a 95 % interval
  (2000 samples, so about four standard errors of the coverage estimate either side).
All random data comes from fixed seeds, so every run checks exactly the same numbers.
"""

import hashlib
import hmac
import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from surveys.aggregation import (
    Estimate,
    distribution,
    mean_change,
    mean_ci,
    nps,
    nps_change,
    proportion_ci,
    shuffled,
    suppressed_cells,
)

EXACT = 1e-9
# Probabilities of promoter / passive / detractor for generated NPS data.
NPS_BANDS = {"promoter": [9, 10], "passive": [7, 8], "detractor": [0, 1, 2, 3, 4, 5, 6]}


def nps_sample(rng, n, promoter, detractor):
    """n answers 0..10 whose true NPS is 100 * (promoter - detractor)."""
    band = rng.choice(3, size=n, p=[promoter, 1 - promoter - detractor, detractor])
    answers = np.empty(n, dtype=int)
    for code, name in enumerate(NPS_BANDS):
        picks = band == code
        answers[picks] = rng.choice(NPS_BANDS[name], size=picks.sum())
    return answers


def nps_by_hand(answers):
    answers = np.asarray(answers)
    return 100 * ((answers >= 9).mean() - (answers <= 6).mean())


# --- mean_ci ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_mean_ci_matches_scipy_t_interval(seed, confidence):
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, size=rng.integers(2, 60)).astype(float)
    expected = stats.t.interval(confidence, len(values) - 1, loc=values.mean(), scale=stats.sem(values))

    estimate = mean_ci(values, confidence)

    assert estimate.n == len(values)
    assert estimate.value == pytest.approx(values.mean(), abs=EXACT)
    assert estimate.low == pytest.approx(expected[0], abs=EXACT)
    assert estimate.high == pytest.approx(expected[1], abs=EXACT)


def test_mean_ci_edge_cases():
    assert mean_ci([]) == Estimate(0, None, None, None)
    assert mean_ci([None, float("nan")]) == Estimate(0, None, None, None)
    # One answer: a mean but no spread to build an interval from.
    assert mean_ci([4]) == Estimate(1, 4.0, None, None)
    # All equal: zero sample spread, so a zero-width interval.
    assert mean_ci([3, 3, 3]) == Estimate(3, 3.0, 3.0, 3.0)
    assert mean_ci([0.1] * 7) == Estimate(7, 0.1, 0.1, 0.1)
    # Missing answers are dropped, not counted as zeros.
    assert mean_ci([1, None, 5, float("nan")]) == mean_ci([1, 5])


def test_mean_ci_returns_plain_floats():
    estimate = mean_ci(np.array([1, 2, 3, 4]))
    assert all(type(part) is float for part in estimate[1:])


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1])
def test_confidence_outside_zero_one_is_refused(confidence):
    with pytest.raises(ValueError):
        mean_ci([1, 2, 3], confidence)
    with pytest.raises(ValueError):
        proportion_ci(1, 2, confidence)


# --- mean_change ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_mean_change_matches_scipy_welch(seed, confidence):
    rng = np.random.default_rng(100 + seed)
    before = rng.normal(3.2, rng.uniform(0.3, 1.5), size=rng.integers(2, 40))
    after = rng.normal(3.6, rng.uniform(0.3, 1.5), size=rng.integers(2, 40))
    expected = stats.ttest_ind(after, before, equal_var=False).confidence_interval(confidence)

    estimate = mean_change(before, after, confidence)

    assert estimate.n == len(before) + len(after)
    assert estimate.value == pytest.approx(after.mean() - before.mean(), abs=EXACT)
    assert estimate.low == pytest.approx(expected.low, abs=EXACT)
    assert estimate.high == pytest.approx(expected.high, abs=EXACT)


# scipy warns about the constant wave's zero variance; that zero is exact here.
@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")
def test_mean_change_with_one_constant_wave_matches_scipy():
    """Only one side varies: Welch's degrees of freedom come from that side alone."""
    before, after = [4, 4, 4, 4], [2.0, 3.0, 5.0, 4.0, 3.0]
    expected = stats.ttest_ind(after, before, equal_var=False).confidence_interval(0.95)
    estimate = mean_change(before, after)
    assert (estimate.low, estimate.high) == pytest.approx((expected.low, expected.high), abs=EXACT)


def test_mean_change_edge_cases():
    assert mean_change([], [1, 2]) == Estimate(2, None, None, None)
    assert mean_change([1, 2], [None]) == Estimate(2, None, None, None)
    assert mean_change([3], [4, 5]) == Estimate(3, 1.5, None, None)
    assert mean_change([2, 2], [5, 5, 5]) == Estimate(5, 3.0, 3.0, 3.0)
    assert mean_change([0.1] * 3, [0.3] * 5) == Estimate(8, 0.3 - 0.1, 0.3 - 0.1, 0.3 - 0.1)


# --- proportion_ci ----------------------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_proportion_ci_matches_scipy_wilson_for_every_count(confidence):
    for n in range(1, 41):
        for successes in range(n + 1):
            expected = stats.binomtest(successes, n).proportion_ci(confidence, method="wilson")
            estimate = proportion_ci(successes, n, confidence)
            assert estimate.n == n
            assert estimate.value == pytest.approx(successes / n, abs=EXACT)
            assert estimate.low == pytest.approx(expected.low, abs=EXACT), (successes, n)
            assert estimate.high == pytest.approx(expected.high, abs=EXACT), (successes, n)
            assert 0 <= estimate.low <= estimate.value <= estimate.high <= 1


def test_proportion_ci_edge_cases():
    assert proportion_ci(0, 0) == Estimate(0, None, None, None)
    for successes, n in [(3, 2), (-1, 4), (0, -1)]:
        with pytest.raises(ValueError):
            proportion_ci(successes, n)


# --- nps --------------------------------------------------------------------------------------------


def test_nps_by_hand():
    # 4 promoters (10, 9, 9, 10), 2 passives (8, 7), 4 detractors (6, 5, 0, 3) of 10.
    answers = [10, 9, 9, 8, 7, 6, 5, 0, 10, 3]
    estimate = nps(answers)
    # p_p = p_d = 0.4: var = (0.4 + 0.4 - 0) / 10 = 0.08, half-width 1.959964 * 100 * sqrt(0.08).
    half = 1.959963984540054 * 100 * math.sqrt(0.08)
    assert estimate == pytest.approx(Estimate(10, 0.0, -half, half), abs=EXACT)

    # 6 promoters, 3 passives, 1 detractor of 10: NPS 50, var = (0.6 + 0.1 - 0.25) / 10 = 0.045.
    estimate = nps([9, 9, 10, 10, 10, 9, 7, 8, 8, 2])
    half = 1.959963984540054 * 100 * math.sqrt(0.045)
    assert estimate == pytest.approx(Estimate(10, 50.0, 50 - half, 50 + half), abs=EXACT)


def test_nps_interval_is_clipped_to_the_possible_range():
    estimate = nps([10, 10, 10, 9, 8])
    assert estimate.value == 80.0
    assert estimate.high == 100.0
    assert estimate.low < 80.0


def test_nps_edge_cases():
    assert nps([]) == Estimate(0, None, None, None)
    assert nps([None, float("nan")]) == Estimate(0, None, None, None)
    assert nps([10]) == Estimate(1, 100.0, None, None)
    assert nps([7, 8, 7]) == Estimate(3, 0.0, 0.0, 0.0)
    assert nps([3, 3]) == Estimate(2, -100.0, -100.0, -100.0)
    assert nps([10, None, 0]) == nps([10, 0])


@pytest.mark.parametrize("bad", [11, -1, 7.5])
def test_nps_refuses_answers_off_the_0_10_scale(bad):
    with pytest.raises(ValueError):
        nps([9, bad])


def test_nps_against_a_bootstrap():
    rng = np.random.default_rng(7)
    answers = nps_sample(rng, 500, promoter=0.5, detractor=0.2)
    estimate = nps(answers)
    resamples = rng.choice(answers, size=(4000, len(answers)), replace=True)
    boot = 100 * ((resamples >= 9).mean(axis=1) - (resamples <= 6).mean(axis=1))

    assert estimate.value == pytest.approx(nps_by_hand(answers), abs=EXACT)
    analytic_se = (estimate.high - estimate.value) / 1.959963984540054
    assert analytic_se == pytest.approx(boot.std(ddof=1), rel=0.05)
    low, high = np.percentile(boot, [2.5, 97.5])
    assert estimate.low == pytest.approx(low, abs=1.5)
    assert estimate.high == pytest.approx(high, abs=1.5)


def test_nps_interval_covers_a_known_score_about_95_percent_of_the_time():
    rng = np.random.default_rng(11)
    true_score = 100 * (0.45 - 0.25)
    covered = 0
    for _ in range(2000):
        estimate = nps(nps_sample(rng, 200, promoter=0.45, detractor=0.25))
        covered += estimate.low <= true_score <= estimate.high
    assert 0.93 <= covered / 2000 <= 0.97


def test_nps_change_by_hand():
    before, after = [10, 9, 9, 8, 7, 6, 5, 0, 10, 3], [9, 9, 10, 10, 10, 9, 7, 8, 8, 2]
    estimate = nps_change(before, after)
    half = 1.959963984540054 * 100 * math.sqrt(0.08 + 0.045)
    assert estimate == pytest.approx(Estimate(20, 50.0, 50 - half, 50 + half), abs=EXACT)


def test_nps_change_detects_a_known_effect_and_covers_it():
    """True NPS moves from 10 to 30 between waves: the estimate is centered on +20 and its
    interval covers +20 about 95 % of the time."""
    rng = np.random.default_rng(21)
    effect = 100 * ((0.5 - 0.2) - (0.4 - 0.3))
    values, covered = [], 0
    for _ in range(2000):
        before = nps_sample(rng, 150, promoter=0.4, detractor=0.3)
        after = nps_sample(rng, 180, promoter=0.5, detractor=0.2)
        estimate = nps_change(before, after)
        assert estimate.value == pytest.approx(nps_by_hand(after) - nps_by_hand(before), abs=EXACT)
        values.append(estimate.value)
        covered += estimate.low <= effect <= estimate.high
    assert np.mean(values) == pytest.approx(effect, abs=1.0)
    assert 0.93 <= covered / 2000 <= 0.97


def test_nps_change_edge_cases():
    assert nps_change([], [10, 9]) == Estimate(2, None, None, None)
    assert nps_change([0], [10, 9]) == Estimate(3, 200.0, None, None)
    assert nps_change([0, 0], [10, 10]) == Estimate(4, 200.0, 200.0, 200.0)


# --- distribution -----------------------------------------------------------------------------------


def test_distribution_keeps_option_order_and_lists_unchosen_options():
    assert distribution([3, 1, 3, None, 3.0, float("nan")], [1, 2, 3, 4, 5]) == [
        (1, 1, 0.25),
        (2, 0, 0.0),
        (3, 3, 0.75),
        (4, 0, 0.0),
        (5, 0, 0.0),
    ]


def test_distribution_of_multiple_choice_shares_are_of_respondents():
    answers = [["python", "sql"], ["python"], [], ("sql", "python")]
    assert distribution(answers, ["sql", "python", "go"]) == [("sql", 2, 0.5), ("python", 3, 0.75), ("go", 0, 0.0)]


def test_distribution_counts_unknown_answers_as_respondents_only():
    assert distribution(["yes", "no", "gone"], ["yes", "no"]) == [("yes", 1, 1 / 3), ("no", 1, 1 / 3)]


def test_distribution_of_nothing():
    assert distribution([], ["yes", "no"]) == [("yes", 0, 0.0), ("no", 0, 0.0)]


# --- suppressed_cells -------------------------------------------------------------------------------

labels = st.text(alphabet="abcdefgh ", min_size=0, max_size=4)
breakdowns = st.dictionaries(labels, st.integers(min_value=0, max_value=25), max_size=8)
ks = st.integers(min_value=1, max_value=10)


@given(breakdowns, ks)
def test_no_visible_cell_is_under_k(counts, k):
    hidden = suppressed_cells(counts, k)
    assert hidden <= set(counts)
    assert all(counts[label] >= k for label in set(counts) - hidden)


@given(breakdowns, ks)
def test_hidden_cells_cannot_be_recovered_by_subtraction(counts, k):
    """Total minus the visible cells gives the hidden total: it must be 0 or hold >= k, unless
    nothing is visible to subtract."""
    hidden = suppressed_cells(counts, k)
    hidden_total = sum(counts[label] for label in hidden)
    assert not hidden or hidden_total == 0 or hidden_total >= k or hidden == set(counts)


@given(breakdowns, ks)
def test_cells_at_or_above_k_are_hidden_only_when_needed(counts, k):
    """At most one cell of >= k is hidden, only when the small cells alone hold 1..k-1
    responses, and it is the smallest such cell (ties by label)."""
    hidden = suppressed_cells(counts, k)
    small_total = sum(count for count in counts.values() if count < k)
    large = sorted((count, label) for label, count in counts.items() if count >= k)
    complementary = {label for _, label in large} & hidden
    if 0 < small_total < k and large:
        assert complementary == {large[0][1]}
    else:
        assert complementary == set()


@given(breakdowns, ks, st.randoms(use_true_random=False))
def test_suppression_is_deterministic_whatever_the_order(counts, k, rnd):
    items = list(counts.items())
    rnd.shuffle(items)
    assert suppressed_cells(counts, k) == suppressed_cells(dict(items), k) == suppressed_cells(counts, k)


def test_suppression_examples():
    # Nothing small: nothing hidden.
    assert suppressed_cells({"Sales": 7, "Ops": 5}, 5) == set()
    # One small cell: the smallest other cell goes with it (ties by label: "Ops" before "R&D").
    assert suppressed_cells({"Sales": 9, "Ops": 6, "R&D": 6, "Legal": 2}, 5) == {"Legal", "Ops"}
    # Two small cells that already hold k together: no complementary cell needed.
    assert suppressed_cells({"Sales": 9, "Legal": 3, "Not stated": 2}, 5) == {"Legal", "Not stated"}
    # Empty cells hide nothing anyone answered.
    assert suppressed_cells({"Sales": 9, "Legal": 0}, 5) == {"Legal"}
    # Fewer than k in all: everything hidden.
    assert suppressed_cells({"Sales": 2, "Ops": 1}, 5) == {"Sales", "Ops"}
    assert suppressed_cells({}, 5) == set()


def test_suppression_refuses_nonsense():
    with pytest.raises(ValueError):
        suppressed_cells({"a": 3}, 0)
    with pytest.raises(ValueError):
        suppressed_cells({"a": -1}, 3)


# --- shuffled ---------------------------------------------------------------------------------------

TEXTS = [f"answer {i}" for i in range(500)]


def test_shuffled_is_stable_for_a_seed():
    assert shuffled(TEXTS, "survey-1") == shuffled(list(TEXTS), "survey-1")


def test_shuffled_is_a_permutation_keeping_duplicates():
    texts = ["Great", "More meetings", "Great", "", "Great"]
    assert Counter(shuffled(texts, "s")) == Counter(texts)
    assert Counter(shuffled(TEXTS, "s")) == Counter(TEXTS)
    assert shuffled([], "s") == []


def test_shuffled_order_is_unrelated_to_the_input_order():
    result = shuffled(TEXTS, "survey-1")
    assert result != TEXTS
    positions = [result.index(text) for text in TEXTS]
    rho = stats.spearmanr(range(len(TEXTS)), positions).statistic
    assert abs(rho) < 0.1
    # Sorted input (e.g. alphabetical) does not come back sorted either.
    assert shuffled(sorted(TEXTS), "survey-1") != sorted(TEXTS)


def test_shuffled_depends_on_the_seed():
    assert shuffled(TEXTS, "survey-1") != shuffled(TEXTS, "survey-2")


def test_shuffled_ranks_by_the_documented_keyed_hash():
    texts = ["b", "a", "c", "a"]
    keys = [hmac.new(b"k", f"{i}:{t}".encode(), hashlib.sha256).digest() for i, t in enumerate(texts)]
    expected = [t for _, t in sorted(zip(keys, texts, strict=True))]
    assert shuffled(texts, "k") == expected


def test_shuffled_needs_a_seed():
    with pytest.raises(ValueError):
        shuffled(["a"], "")


def test_module_has_no_django_dependency():
    import ast
    import inspect

    import surveys.aggregation

    tree = ast.parse(inspect.getsource(surveys.aggregation))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name.split(".")[0] == "django" for name in imported)
