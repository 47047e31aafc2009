"""Rotation rounds: everyone paired each round, nobody twice until everyone has met everyone."""

import itertools

import numpy as np
import pytest

from matching.solver import rotation_round


def record(met, groups):
    for group in groups:
        for a, b in itertools.combinations(group, 2):
            met[a, b] += 1
            met[b, a] += 1


def assert_everyone_once(groups, n):
    seated = sorted(p for g in groups for p in g)
    assert seated == list(range(n))


def run_rounds(n, rounds, scores=None, seed=0):
    met = np.zeros((n, n), dtype=np.int64)
    history = []
    for _ in range(rounds):
        groups = rotation_round(n, met, scores=scores, seed=seed)
        assert_everyone_once(groups, n)
        record(met, groups)
        history.append(groups)
    return met, history


@pytest.mark.parametrize("n", [2, 4, 6, 10, 16, 30])
def test_a_static_even_pool_meets_everyone_exactly_once_in_n_minus_1_rounds(n):
    met, history = run_rounds(n, n - 1, seed=n)
    assert all(len(g) == 2 for groups in history for g in groups)
    off_diagonal = met[~np.eye(n, dtype=bool)]
    assert (off_diagonal == 1).all()


def test_with_scores_everyone_still_meets_once_and_the_best_pairs_meet_first():
    n = 12
    rng = np.random.default_rng(5)
    scores = rng.random((n, n)) * 100
    scores = (scores + scores.T) / 2
    met, history = run_rounds(n, n - 1, scores=scores)
    assert (met[~np.eye(n, dtype=bool)] == 1).all()
    totals = [sum(scores[a, b] for a, b in groups) for groups in history]
    assert totals == sorted(totals, reverse=True)


def test_rounds_keep_going_after_everyone_has_met_when_counts_are_passed():
    n = 8
    met, _ = run_rounds(n, 2 * (n - 1))
    assert (met[~np.eye(n, dtype=bool)] == 2).all()


def test_an_odd_pool_has_one_triple_and_everyone_placed():
    n = 9
    met = np.zeros((n, n), dtype=np.int64)
    for _ in range(n):
        groups = rotation_round(n, met)
        assert_everyone_once(groups, n)
        assert sorted(len(g) for g in groups) == [2, 2, 2, 3]
        record(met, groups)
    assert (met[~np.eye(n, dtype=bool)] >= 1).all(), "a full schedule lets everyone meet"


def most_new_pairs(n, new):
    """Brute force: the largest number of new pairs one round can hold."""
    best = 0

    def visit(free, count):
        nonlocal best
        best = max(best, count)
        if len(free) < 2:
            return
        first, rest = free[0], free[1:]
        visit(rest, count)  # first meets no one new
        for other in rest:
            if new[first, other]:
                visit([p for p in rest if p != other], count + 1)

    visit(list(range(n)), 0)
    return best


@pytest.mark.parametrize("seed", range(8))
def test_after_an_unplanned_history_the_round_holds_as_many_new_pairs_as_possible(seed):
    # Earlier rounds came from elsewhere (another tool, people who left and came back), so the
    # planned schedule does not fit; a greedy pairing would often strand people with old partners.
    n = 10
    rng = np.random.default_rng(seed)
    met = np.zeros((n, n), dtype=bool)
    for _ in range(5):
        order = rng.permutation(n)
        met[order[::2], order[1::2]] = met[order[1::2], order[::2]] = True
    scores = rng.random((n, n)) * 100
    groups = rotation_round(n, met, scores=(scores + scores.T) / 2, seed=seed)
    assert_everyone_once(groups, n)
    new_pairs = sum(1 for a, b in groups if not met[a, b])
    assert new_pairs == most_new_pairs(n, ~met & ~np.eye(n, dtype=bool))


def test_two_triangles_left_over_cannot_all_be_new_but_everyone_is_still_paired():
    # Three earlier rounds formed every pair between {0,1,2} and {3,4,5}; what is left is two
    # triangles, which hold at most one new pair each.
    met = np.zeros((6, 6), dtype=bool)
    met[:3, 3:] = met[3:, :3] = True
    groups = rotation_round(6, met)
    assert_everyone_once(groups, 6)
    assert sum(1 for a, b in groups if not met[a, b]) == 2


def test_disallowed_pairs_are_never_paired():
    n = 8
    allowed = np.ones((n, n), dtype=bool)
    allowed[0, 1] = allowed[1, 0] = allowed[2, 3] = allowed[3, 2] = False
    met = np.zeros((n, n), dtype=bool)
    for _ in range(n - 1):
        groups = rotation_round(n, met, allowed=allowed)
        assert_everyone_once(groups, n)
        assert all(allowed[a, b] for a, b in groups)
        record(met, groups)


def test_someone_with_no_allowed_partner_is_left_out():
    allowed = np.ones((5, 5), dtype=bool)
    allowed[4, :] = allowed[:, 4] = False
    groups = rotation_round(5, np.zeros((5, 5), dtype=bool), allowed=allowed)
    assert sorted(p for g in groups for p in g) == [0, 1, 2, 3]


def test_tiny_pools():
    assert rotation_round(0, np.zeros((0, 0), dtype=bool)) == []
    assert rotation_round(1, np.zeros((1, 1), dtype=bool)) == []
    assert rotation_round(3, np.zeros((3, 3), dtype=bool)) == [(0, 1, 2)]


def test_bad_input_gets_a_clear_message():
    with pytest.raises(ValueError, match="met must be"):
        rotation_round(4, np.zeros((3, 3), dtype=bool))
    with pytest.raises(ValueError, match="finite"):
        rotation_round(2, np.zeros((2, 2), dtype=bool), scores=np.full((2, 2), np.nan))
