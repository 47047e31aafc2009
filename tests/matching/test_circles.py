"""Peer circles: everyone seated in circles of the size range, rules kept, close to the best grouping."""

import itertools

import numpy as np
import pytest

from matching.solver import peer_circles


def partitions(people, size_min, size_max):
    if not people:
        yield []
        return
    first, rest = people[0], people[1:]
    for k in range(size_min - 1, size_max):
        for others in itertools.combinations(rest, k):
            remaining = [p for p in rest if p not in others]
            for partition in partitions(remaining, size_min, size_max):
                yield [[first, *others], *partition]


def best_objective(similarity, allowed, size_min, size_max):
    best = -np.inf
    for partition in partitions(list(range(len(similarity))), size_min, size_max):
        if all(allowed[np.ix_(g, g)].all() for g in partition):
            best = max(best, sum(similarity[np.ix_(g, g)].sum() / 2 for g in partition))
    return best


def random_pool(rng, n, forbidden_share=0.15, interests=6):
    """Shared interests make people similar; a few strong interests per person, so there is structure to find."""
    features = rng.random((n, interests)) ** 4
    similarity = np.round(features @ features.T * 10, 1)
    np.fill_diagonal(similarity, 0)
    allowed = rng.random((n, n)) >= forbidden_share
    allowed &= allowed.T
    np.fill_diagonal(allowed, True)
    return similarity, allowed


def assert_valid(result, n, size_min, size_max, allowed):
    seated = sorted(p for g in result.groups for p in g)
    assert sorted(seated + result.unplaced) == list(range(n)), "everyone exactly once, seated or unplaced"
    assert all(size_min <= len(g) <= size_max for g in result.groups)
    assert all(allowed[np.ix_(g, g)].all() for g in result.groups), "a disallowed pair shares a circle"


@pytest.mark.parametrize("seed", range(12))
def test_small_pools_get_the_best_grouping_there_is(seed):
    rng = np.random.default_rng(seed)
    best = -np.inf
    while not np.isfinite(best):  # draw until some grouping fits the sizes and keeps the rules
        n = int(rng.integers(5, 10))
        size_min = int(rng.integers(2, 4))
        size_max = size_min + int(rng.integers(0, 3))
        similarity, allowed = random_pool(rng, n, forbidden_share=0.1)
        best = best_objective(similarity, allowed, size_min, size_max)
    result = peer_circles(similarity, size_min, size_max, allowed, seed=seed)
    assert_valid(result, n, size_min, size_max, allowed)
    assert result.unplaced == []
    assert result.objective == pytest.approx(best)


def test_obvious_clusters_end_up_together():
    similarity = np.zeros((8, 8))
    for cluster in ([0, 2, 4, 6], [1, 3, 5, 7]):
        similarity[np.ix_(cluster, cluster)] = 10
    np.fill_diagonal(similarity, 0)
    result = peer_circles(similarity, 4, 4)
    assert sorted(result.groups) == [[0, 2, 4, 6], [1, 3, 5, 7]]
    assert result.objective == 120
    assert result.gap == 0.0


def test_hidden_teams_in_a_noisy_pool_are_found():
    rng = np.random.default_rng(6)
    team = rng.permutation(np.repeat(np.arange(10), 6))
    similarity = rng.random((60, 60)) * 3
    similarity = (similarity + similarity.T) / 2
    similarity[team[:, None] == team[None, :]] += 10
    np.fill_diagonal(similarity, 0)
    result = peer_circles(similarity, 5, 7)
    assert sorted(result.groups) == sorted(np.flatnonzero(team == k).tolist() for k in range(10))


def test_a_larger_pool_keeps_sizes_and_rules_and_reports_an_honest_gap():
    rng = np.random.default_rng(1)
    similarity, allowed = random_pool(rng, 120, interests=20)
    result = peer_circles(similarity, 4, 6, allowed, seed=3)
    assert_valid(result, 120, 4, 6, allowed)
    assert result.unplaced == []
    recomputed = sum(similarity[np.ix_(g, g)].sum() / 2 for g in result.groups)
    assert result.objective == pytest.approx(recomputed)
    assert result.objective <= result.upper_bound
    assert result.gap == pytest.approx((result.upper_bound - result.objective) / result.upper_bound)
    # Much better than seating people at random in the same circle sizes.
    shuffled = rng.permutation(120)
    random_circles = [shuffled[k : k + 6] for k in range(0, 120, 6)]
    assert result.objective > 1.3 * sum(similarity[np.ix_(g, g)].sum() / 2 for g in random_circles)


def test_same_seed_same_circles():
    similarity, allowed = random_pool(np.random.default_rng(4), 40)
    first = peer_circles(similarity, 3, 5, allowed, seed=9)
    second = peer_circles(similarity, 3, 5, allowed, seed=9)
    assert first.groups == second.groups
    assert first.objective == second.objective


def test_sizes_that_cannot_cover_everyone_seat_as_many_as_possible_and_say_so():
    similarity, _ = random_pool(np.random.default_rng(2), 7)
    result = peer_circles(similarity, 4, 5)
    assert [len(g) for g in result.groups] == [5]
    assert len(result.unplaced) == 2
    assert "cannot be split" in result.note


def test_someone_nobody_may_sit_with_is_left_unplaced_with_a_note():
    similarity, _ = random_pool(np.random.default_rng(3), 9)
    allowed = np.ones((9, 9), dtype=bool)
    allowed[0, 1:] = allowed[1:, 0] = False
    result = peer_circles(similarity, 2, 4, allowed)
    assert_valid(result, 9, 2, 4, allowed)
    assert result.unplaced == [0]
    assert "hard rules" in result.note


def test_a_pool_smaller_than_the_smallest_circle_seats_nobody():
    result = peer_circles(np.zeros((2, 2)), 3, 4)
    assert result.groups == [] and result.unplaced == [0, 1]
    assert "cannot be split" in result.note


@pytest.mark.parametrize(
    ("similarity", "sizes", "message"),
    [
        (np.zeros((3, 3)), (4, 3), "size_min"),
        (np.zeros((3, 3)), (0, 3), "size_min"),
        (np.zeros((3, 4)), (2, 3), "square"),
        (np.array([[0, np.nan], [np.nan, 0]]), (2, 2), "finite"),
    ],
)
def test_bad_input_gets_a_clear_message(similarity, sizes, message):
    with pytest.raises(ValueError, match=message):
        peer_circles(similarity, *sizes)
