"""Quality figures beyond the total: the worst-off mentee, the spread of mentor load, favourites."""

import json

import numpy as np
import pytest

from matching.solver import quality

SCORES = np.array(
    [
        [90.0, 80.0, 70.0, 10.0],
        [60.0, 95.0, 50.0, 40.0],
        [30.0, 20.0, 85.0, 75.0],
        [10.0, 20.0, 30.0, 40.0],
        [55.0, 65.0, 45.0, 35.0],
    ]
)
CAPACITY = np.array([2, 1, 1, 2])


def test_figures_of_a_hand_checked_assignment():
    # Mentee 3 gets mentor 0, their worst; mentee 4 stays unmatched.
    figures = quality(SCORES, [0, 1, 3, 0, -1], CAPACITY)
    assert figures["total"] == 90 + 95 + 75 + 10
    assert figures["mean"] == pytest.approx(270 / 4)
    assert figures["worst"] == 10
    assert figures["p10"] == pytest.approx(np.percentile([90, 95, 75, 10], 10))
    assert figures["matched"] == 4 and figures["unmatched"] == 1
    # Loads 2/2, 1/1, 0/1, 1/2.
    assert figures["load"] == pytest.approx({"min": 0.0, "max": 1.0, "mean": 0.625, "std": np.std([1, 1, 0, 0.5])})
    assert figures["load_spread"] == figures["load"]["std"]
    # Mentees 0, 1 and 2 got one of their own top three; 3 did not; 4 is unmatched.
    assert figures["top3_share"] == pytest.approx(3 / 5)
    assert figures["over_capacity"] == 0 and figures["disallowed_pairs"] == 0


def test_top_three_are_among_allowed_mentors_only():
    allowed = np.ones(SCORES.shape, dtype=bool)
    allowed[3, 1:] = False  # mentee 3 may only have mentor 0, so mentor 0 is their favourite
    figures = quality(SCORES, [0, 1, 3, 0, -1], CAPACITY, allowed)
    assert figures["top3_share"] == pytest.approx(4 / 5)


def test_is_plain_json():
    figures = quality(SCORES, [0, 1, 3, 0, -1], CAPACITY)
    assert json.loads(json.dumps(figures)) == figures
    assert all(type(value) in (int, float, dict) for value in figures.values())


def test_nobody_matched_has_no_score_figures():
    figures = quality(SCORES, [-1] * 5, CAPACITY)
    assert figures["total"] == 0.0
    assert figures["mean"] is figures["worst"] is figures["p10"] is None
    assert figures["unmatched"] == 5 and figures["top3_share"] == 0.0
    assert figures["load"]["max"] == 0.0


def test_hand_edits_that_break_capacity_or_rules_are_counted_not_refused():
    allowed = np.ones(SCORES.shape, dtype=bool)
    allowed[4, 1] = False
    figures = quality(SCORES, [1, 1, 2, 3, 1], CAPACITY, allowed)
    assert figures["over_capacity"] == 1
    assert figures["disallowed_pairs"] == 1


def test_bad_assignment_gets_a_clear_message():
    with pytest.raises(ValueError, match="one entry per mentee"):
        quality(SCORES, [0, 1], CAPACITY)
    with pytest.raises(ValueError, match="mentor index"):
        quality(SCORES, [0, 1, 2, 3, 4], CAPACITY)
