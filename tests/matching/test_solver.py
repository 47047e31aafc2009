"""The solver against brute force and the dense textbook method: most mentees matched, then the best total."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from matching.bench import dense_lsa_assign, greedy_assign
from matching.solver import solve, solve_certified

TOLERANCE = 1e-6


def usable_pairs(scores, capacity, allowed, min_score):
    usable = np.ones(scores.shape, dtype=bool) if allowed is None else allowed.copy()
    if min_score is not None:
        usable &= scores >= min_score
    return usable & (np.asarray(capacity) > 0)[None, :]


def exhaustive_best(scores, capacity, allowed=None, min_score=None):
    """(matched, total) of the lexicographic optimum, by trying every assignment."""
    n, m = scores.shape
    usable = usable_pairs(scores, capacity, allowed, min_score)
    room = list(capacity)
    best = (0, 0.0)

    def visit(i, matched, total):
        nonlocal best
        if i == n:
            if matched > best[0] or (matched == best[0] and total > best[1]):
                best = (matched, total)
            return
        visit(i + 1, matched, total)
        for j in range(m):
            if usable[i, j] and room[j] > 0:
                room[j] -= 1
                visit(i + 1, matched + 1, total + scores[i, j])
                room[j] += 1

    visit(0, 0, 0.0)
    return best


def assert_feasible(assignment, scores, capacity, allowed=None, min_score=None):
    n, m = scores.shape
    assert assignment.shape == (n,)
    assert assignment.dtype.kind == "i"
    matched = np.flatnonzero(assignment >= 0)
    assert (assignment >= -1).all() and (assignment < m).all()
    assert (np.bincount(assignment[matched], minlength=m) <= capacity).all(), "a mentor is over capacity"
    usable = usable_pairs(scores, capacity, allowed, min_score)
    assert usable[matched, assignment[matched]].all(), "a forbidden or below-minimum pair was made"


def matched_and_total(assignment, scores):
    matched = np.flatnonzero(assignment >= 0)
    return matched.size, float(scores[matched, assignment[matched]].sum())


@st.composite
def small_instances(draw):
    n = draw(st.integers(0, 6))
    m = draw(st.integers(0, 4))
    if draw(st.booleans()):  # Likert-like whole numbers: many ties
        elements = st.integers(0, 5).map(float)
    else:
        elements = st.floats(-50, 100, allow_nan=False, allow_infinity=False)
    # fill=st.nothing(): every cell drawn on its own (by default most cells share one fill value).
    scores = draw(hnp.arrays(np.float64, (n, m), elements=elements, fill=st.nothing()))
    capacity = draw(hnp.arrays(np.int64, (m,), elements=st.integers(0, 3), fill=st.nothing()))
    allowed = draw(st.none() | hnp.arrays(np.bool_, (n, m), elements=st.booleans(), fill=st.nothing()))
    min_score = draw(st.none() | st.floats(-10, 60, allow_nan=False) | st.sampled_from([1.0, 2.0, 3.0]))
    return scores, capacity, allowed, min_score


@settings(max_examples=250, deadline=None)
@given(small_instances())
def test_matches_as_many_as_possible_then_the_best_total_like_brute_force(instance):
    scores, capacity, allowed, min_score = instance
    solution = solve_certified(scores, capacity, allowed, min_score)
    assert_feasible(solution.assignment, scores, capacity, allowed, min_score)
    expected_matched, expected_total = exhaustive_best(scores, capacity, allowed, min_score)
    matched, total = matched_and_total(solution.assignment, scores)
    assert matched == expected_matched == solution.matched
    assert total == pytest.approx(expected_total, abs=TOLERANCE)
    assert solution.total == pytest.approx(total, abs=TOLERANCE)
    assert solution.gap < TOLERANCE


def random_instance(rng, n, m, *, ties=False, forbidden_share=0.15):
    scores = rng.integers(0, 6, (n, m)).astype(float) * 20 if ties else rng.random((n, m)) * 100
    allowed = rng.random((n, m)) >= forbidden_share
    capacity = rng.integers(0, 6, m)
    return scores, capacity, allowed


@pytest.mark.parametrize("seed", range(4))
def test_medium_instances_agree_with_the_dense_textbook_solver(seed):
    rng = np.random.default_rng(seed)
    scores, capacity, allowed = random_instance(rng, 300, 60, ties=seed % 2 == 1)
    min_score = 25.0 if seed >= 2 else None
    solution = solve_certified(scores, capacity, allowed, min_score)
    reference = dense_lsa_assign(scores, capacity, allowed, min_score)
    assert_feasible(solution.assignment, scores, capacity, allowed, min_score)
    assert matched_and_total(solution.assignment, scores)[0] == matched_and_total(reference, scores)[0]
    assert solution.total == pytest.approx(matched_and_total(reference, scores)[1], abs=TOLERANCE)
    assert solution.optimal.startswith("proven")


def test_everyone_wanting_the_same_few_mentors_needs_more_rounds_and_still_finds_the_optimum():
    # Ten star mentors with one place each top every mentee's list; the other fifty mentors only
    # see their own few favourites in the first candidate graph, so the first prices are wrong
    # about the pairs left out and the certificate must pull them in.
    rng = np.random.default_rng(7)
    n, m = 300, 60
    scores = rng.random((n, m)) * 40
    scores[:, :10] = 90 + rng.random((n, 10)) * 10
    capacity = np.r_[np.ones(10, dtype=int), np.full(50, 5)]
    solution = solve_certified(scores, capacity, candidates_per_mentee=3, candidates_per_mentor=2)
    reference = dense_lsa_assign(scores, capacity)
    assert solution.rounds > 1
    assert solution.matched == matched_and_total(reference, scores)[0] == 260
    assert solution.total == pytest.approx(matched_and_total(reference, scores)[1], abs=TOLERANCE)
    assert solution.optimal.startswith("proven")
    assert "rounds" in solution.optimal


def test_matching_more_people_beats_a_higher_total():
    # Mentee 0 would score 100 with mentor 0, but then mentee 1 (who can only take mentor 0)
    # stays unmatched; two matches at 1 + 1 come first.
    scores = np.array([[100.0, 1.0], [1.0, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    assignment = solve(scores, [1, 1], allowed)
    assert assignment.tolist() == [1, 0]


def test_an_unmatched_mentee_is_better_than_a_pair_below_the_minimum_score():
    scores = np.array([[80.0, 10.0], [70.0, 15.0]])
    assignment = solve(scores, [1, 1], min_score=20)
    assert assignment.tolist() == [0, -1]


def test_beats_the_greedy_baseline_where_the_best_pair_first_spoils_the_whole():
    scores = np.array([[10.0, 9.0], [9.0, 0.0]])
    capacity = [1, 1]
    assert greedy_assign(scores, capacity).tolist() == [0, 1]  # 10 + 0
    assert solve(scores, capacity).tolist() == [1, 0]  # 9 + 9


def test_same_input_same_output_even_with_ties():
    rng = np.random.default_rng(3)
    scores, capacity, allowed = random_instance(rng, 400, 80, ties=True)
    first = solve(scores, capacity, allowed, 20)
    for _ in range(2):
        assert np.array_equal(solve(scores.copy(), capacity.copy(), allowed.copy(), 20), first)


@pytest.mark.parametrize(
    ("scores", "capacity", "allowed", "min_score"),
    [
        (np.zeros((0, 3)), [1, 1, 1], None, None),  # empty cohort
        (np.zeros((4, 0)), [], None, None),  # no mentors
        (np.ones((4, 2)), [0, 0], None, None),  # no capacity
        (np.ones((4, 2)), [2, 2], np.zeros((4, 2), dtype=bool), None),  # nothing allowed
        (np.full((4, 2), 10.0), [2, 2], None, 50.0),  # everything below the minimum
    ],
)
def test_nothing_to_match_leaves_everyone_unmatched(scores, capacity, allowed, min_score):
    solution = solve_certified(scores, capacity, allowed, min_score)
    assert solution.assignment.tolist() == [-1] * scores.shape[0]
    assert solution.matched == 0
    assert solution.total == 0.0
    assert solution.optimal.startswith("trivially optimal")


def test_scores_may_be_anything_where_a_rule_forbids_the_pair():
    scores = np.array([[np.nan, 5.0], [np.inf, 7.0]])
    allowed = np.array([[False, True], [False, True]])
    assert solve(scores, [1, 1], allowed).tolist() == [-1, 1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scores": np.array([[1.0, np.nan]])}, "finite"),
        ({"capacity": [1, -1]}, "must not be negative"),
        ({"capacity": [1]}, "one number per mentor"),
        ({"capacity": [1.5, 1]}, "whole numbers"),
        ({"allowed": np.ones((2, 2), dtype=bool)}, "allowed has shape"),
        ({"allowed": np.ones((1, 2))}, "boolean"),
        ({"min_score": float("nan")}, "min_score"),
        ({"scores": np.ones(2)}, "2-D"),
    ],
)
def test_bad_input_gets_a_clear_message(kwargs, message):
    arguments = {"scores": np.ones((1, 2)), "capacity": [1, 1], "allowed": None, "min_score": None, **kwargs}
    with pytest.raises(ValueError, match=message):
        solve(**arguments)
