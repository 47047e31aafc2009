"""The score matrix and its explanations (matching/scoring.py): pure, no database."""

import math

import numpy as np
import pytest

from matching.scoring import (
    NO_ANSWER,
    Criterion,
    broken_rules,
    build_scores,
    explain,
    explain_pairs,
    pair_scores,
    top_reasons,
)

SKILLS = {"py": "Python", "talk": "Public speaking", "lead": "Leadership", "sql": "SQL"}
ZONES = {"utc0": "UTC+0", "utc1": "UTC+1", "utc5": "UTC+5"}


def criterion(kind, mentee_values, mentor_values, **options):
    options.setdefault("key", f"c-{kind}")
    options.setdefault("label", kind.capitalize())
    options.setdefault("weight", 1.0)
    if kind == "gap":
        options.setdefault("gap_target", 1.0)
    return Criterion(kind=kind, mentee_values=mentee_values, mentor_values=mentor_values, **options)


def grid(*criteria, **options):
    first = criteria[0]
    return build_scores(list(criteria), len(first.mentee_values), len(first.mentor_values), **options)


# --------------------------------------------------------------------------- a slow reference


def reference_share(c, i, j):
    """One criterion for one pair, straight from the definitions: (share, allowed)."""
    if c.kind == "overlap":

        def direction(wants, offers):
            wants, offers = set(wants or ()), set(offers or ())
            known = bool(wants) and bool(offers)
            return (len(wants & offers) / len(wants) if known else 0.0), known, len(wants & offers)

        share, known, common = direction(c.mentee_values[i], c.mentor_values[j])
        if c.reciprocal:
            back_share, back_known, back_common = direction(c.mentor_wants[j], c.mentee_offers[i])
            share, known, common = (share + back_share) / 2, known or back_known, common + back_common
        return share, not (c.required and known and common == 0)
    mentee, mentor = c.mentee_values[i], c.mentor_values[j]
    if mentee is None or mentor is None:
        return 0.0, True
    if c.kind == "same":
        return float(mentee == mentor), not (c.required and mentee != mentor)
    if c.kind == "different":
        return float(mentee != mentor), not (c.required and mentee == mentor)
    gap = mentor - mentee
    deviation = abs(gap - c.gap_target)
    if deviation <= c.gap_tolerance:
        share = 1.0
    else:
        share = max(0.0, 1 - (deviation - c.gap_tolerance) / max(1.0, c.gap_tolerance))
    if c.gap_hard_min is not None or c.gap_hard_max is not None:
        low = -math.inf if c.gap_hard_min is None else c.gap_hard_min
        high = math.inf if c.gap_hard_max is None else c.gap_hard_max
        return share, low <= gap <= high
    return share, not (c.required and deviation > c.gap_tolerance)


def reference_score(criteria, i, j, *, preferred=False, bonus=0.0):
    total_weight = sum(c.weight for c in criteria)
    score, allowed = 0.0, True
    for c in criteria:
        share, ok = reference_share(c, i, j)
        score += 100 * c.weight * share / total_weight if total_weight else 0.0
        allowed = allowed and ok
    return score + (bonus if preferred else 0.0), allowed


def random_criteria(rng, n_mentees, n_mentors):
    """Every kind, with missing answers, empty sets, rules, a reciprocal overlap and half steps."""
    skills = list(SKILLS)

    def sets(count):
        return [
            None if rng.random() < 0.1 else frozenset(rng.choice(skills, rng.integers(0, 4), replace=False).tolist())
            for _ in range(count)
        ]

    def choices(count, values):
        return [None if rng.random() < 0.1 else values[k] for k in rng.integers(0, len(values), count)]

    def numbers(count):
        return [None if rng.random() < 0.1 else float(x) / 2 for x in rng.integers(0, 10, count)]

    zones = list(ZONES)
    return [
        criterion("overlap", sets(n_mentees), sets(n_mentors), key="skills", weight=3, value_labels=SKILLS),
        criterion(
            "overlap",
            sets(n_mentees),
            sets(n_mentors),
            key="mutual",
            weight=1.5,
            reciprocal=True,
            required=True,
            mentee_offers=sets(n_mentees),
            mentor_wants=sets(n_mentors),
        ),
        criterion("same", choices(n_mentees, zones), choices(n_mentors, zones), key="zone", weight=2),
        criterion(
            "same", choices(n_mentees, ["en", "fr"]), choices(n_mentors, ["en", "fr"]), key="lang", required=True
        ),
        criterion("different", choices(n_mentees, ["a", "b", "c"]), choices(n_mentors, ["a", "b", "c"]), key="dept"),
        criterion(
            "gap",
            numbers(n_mentees),
            numbers(n_mentors),
            key="level",
            weight=2,
            gap_target=1.5,
            gap_tolerance=0.5,
            gap_hard_min=0.0,
        ),
        criterion("gap", numbers(n_mentees), numbers(n_mentors), key="tenure", weight=0.5, gap_tolerance=2.0),
    ]


def random_pairs(rng, n_mentees, n_mentors, count):
    return np.column_stack([rng.integers(0, n_mentees, count), rng.integers(0, n_mentors, count)])


# --------------------------------------------------------------------------- overlap


def test_overlap_scores_the_share_of_the_mentees_wants_the_mentor_offers():
    wants = [frozenset({"py", "talk"})]
    offers = [frozenset({"py", "talk", "sql"}), frozenset({"py"}), frozenset({"sql"})]
    result = grid(criterion("overlap", wants, offers))
    np.testing.assert_allclose(result.scores, [[100.0, 50.0, 0.0]])
    assert result.allowed.all()


def test_overlap_without_an_answer_or_with_an_empty_selection_scores_zero_and_never_forbids():
    wants = [None, frozenset(), frozenset({"py"})]
    offers = [frozenset({"py"}), None, frozenset()]
    result = grid(criterion("overlap", wants, offers, required=True))
    np.testing.assert_array_equal(result.scores, [[0, 0, 0], [0, 0, 0], [100, 0, 0]])
    assert result.allowed.all()


def test_required_overlap_forbids_only_when_both_answered_with_nothing_in_common():
    wants = [frozenset({"py", "sql"})]
    offers = [frozenset({"lead"}), frozenset({"sql", "lead"})]
    result = grid(criterion("overlap", wants, offers, required=True))
    assert result.allowed.tolist() == [[False, True]]
    np.testing.assert_allclose(result.scores, [[0.0, 50.0]])


def test_a_single_choice_answer_counts_as_one_value_not_its_letters():
    result = grid(criterion("overlap", ["py"], [frozenset({"py"}), "yp"]))
    np.testing.assert_allclose(result.scores, [[100.0, 0.0]])


def test_reciprocal_overlap_is_the_mean_of_both_directions():
    mutual = criterion(
        "overlap",
        [frozenset({"py", "sql"})],  # the mentee wants these
        [frozenset({"py"}), frozenset({"py", "sql"}), None],  # the mentors offer these
        reciprocal=True,
        mentee_offers=[frozenset({"talk"})],
        mentor_wants=[frozenset({"talk"}), frozenset({"lead"}), frozenset({"talk"})],
    )
    # Mentor 0: 1/2 one way, 1/1 the other. Mentor 1: 2/2 and 0/1. Mentor 2 offers nothing: 0 and 1/1.
    np.testing.assert_allclose(grid(mutual).scores, [[75.0, 50.0, 50.0]])


def test_required_reciprocal_overlap_forbids_only_when_nothing_is_shared_either_way():
    mutual = criterion(
        "overlap",
        [frozenset({"py"})],
        [frozenset({"sql"}), frozenset({"sql"}), None],
        reciprocal=True,
        required=True,
        mentee_offers=[frozenset({"talk"})],
        mentor_wants=[frozenset({"talk"}), frozenset({"lead"}), None],
    )
    assert grid(mutual).allowed.tolist() == [[True, False, True]]


# --------------------------------------------------------------------------- same / different


def test_same_scores_equal_known_values_and_nothing_for_a_missing_answer():
    result = grid(criterion("same", ["utc1", None], ["utc1", "utc5", None]))
    np.testing.assert_array_equal(result.scores, [[100, 0, 0], [0, 0, 0]])


def test_required_same_forbids_a_known_mismatch_but_not_a_missing_answer():
    result = grid(criterion("same", ["fr", None], ["fr", "en", None], required=True))
    assert result.allowed.tolist() == [[True, False, True], [True, True, True]]


def test_different_scores_unequal_known_values_only():
    result = grid(criterion("different", ["sales", None], ["sales", "eng", None]))
    np.testing.assert_array_equal(result.scores, [[0, 100, 0], [0, 0, 0]])


def test_required_different_forbids_the_same_value_but_not_a_missing_answer():
    result = grid(criterion("different", ["sales", None], ["sales", "eng", None], required=True))
    assert result.allowed.tolist() == [[False, True, True], [True, True, True]]


# --------------------------------------------------------------------------- gap


def test_gap_gives_full_marks_within_the_tolerance_then_decays_linearly_over_one_unit():
    # Aim 1.5 ± 0.5 ahead: the band is 1..2; the ramp is max(1, 0.5) = 1 unit wide.
    level = criterion("gap", [0.0], [1.0, 2.0, 2.5, 3.0, 0.5, -1.0], gap_target=1.5, gap_tolerance=0.5)
    np.testing.assert_allclose(grid(level).scores, [[100, 100, 50, 0, 50, 0]])


def test_gap_ramp_is_as_wide_as_a_tolerance_above_one():
    # Aim 1 ± 2: full marks up to 3 ahead, then down to 0 over 2 more units.
    tenure = criterion("gap", [0.0], [3.0, 4.0, 5.0, -2.0], gap_target=1.0, gap_tolerance=2.0)
    np.testing.assert_allclose(grid(tenure).scores, [[100, 50, 0, 50]])


def test_gap_with_a_missing_or_non_finite_answer_scores_zero_and_never_forbids():
    level = criterion("gap", [None, 1.0], [2.0, float("nan"), None], required=True, gap_hard_min=0.0)
    result = grid(level)
    np.testing.assert_array_equal(result.scores, [[0, 0, 0], [100, 0, 0]])
    assert result.allowed.all()


def test_hard_gap_bounds_forbid_even_when_the_criterion_is_not_required():
    never_behind = criterion("gap", [2.0], [1.0, 2.0, 6.0], gap_tolerance=0.5, gap_hard_min=0.0, gap_hard_max=3.0)
    assert grid(never_behind).allowed.tolist() == [[False, True, False]]


def test_a_required_gap_without_bounds_forbids_outside_the_full_marks_band():
    level = criterion("gap", [0.0], [0.0, 0.5, 1.0, 1.5, 2.0], required=True, gap_tolerance=0.5)
    assert grid(level).allowed.tolist() == [[False, True, True, True, False]]


def test_a_required_gap_with_bounds_forbids_only_outside_the_bounds():
    level = criterion("gap", [0.0], [0.0, 3.0, 4.0], required=True, gap_hard_min=0.0, gap_hard_max=3.0)
    assert grid(level).allowed.tolist() == [[True, True, False]]


# --------------------------------------------------------------------------- weights, pairs


def test_weights_are_normalized_to_a_0_to_100_scale():
    skills = criterion("overlap", [frozenset({"py"})], [frozenset({"py"}), frozenset()], weight=3)
    zone = criterion("same", ["utc1"], ["utc0", "utc1"], weight=1)
    np.testing.assert_allclose(grid(skills, zone).scores, [[75.0, 25.0]])
    ten_times = [criterion(c.kind, c.mentee_values, c.mentor_values, weight=c.weight * 10) for c in (skills, zone)]
    np.testing.assert_allclose(grid(*ten_times).scores, [[75.0, 25.0]])


def test_zero_weights_score_nothing_but_their_rules_still_hold():
    language = criterion("same", ["fr"], ["fr", "en"], weight=0, required=True)
    zone = criterion("same", ["utc1"], ["utc1", "utc1"], weight=0)
    result = grid(language, zone)
    np.testing.assert_array_equal(result.scores, [[0.0, 0.0]])
    assert result.allowed.tolist() == [[True, False]]


def test_no_criteria_gives_zero_scores_and_every_pair_allowed():
    result = build_scores([], 2, 3)
    assert result.scores.shape == (2, 3) and result.scores.dtype == np.float64
    assert not result.scores.any() and result.allowed.all()


def test_an_empty_side_gives_an_empty_matrix():
    result = build_scores([criterion("same", ["a", "b"], [])], 2, 0)
    assert result.scores.shape == result.allowed.shape == (2, 0)


def test_forbidden_pairs_are_not_allowed_and_keep_their_score():
    zone = criterion("same", ["utc1", "utc1"], ["utc1", "utc1"])
    result = grid(zone, forbidden_pairs=np.array([[0, 1], [1, 0]]))
    assert result.allowed.tolist() == [[True, False], [False, True]]
    np.testing.assert_array_equal(result.scores, np.full((2, 2), 100.0))


def test_a_preferred_pair_gets_the_bonus_once_even_when_listed_twice():
    zone = criterion("same", ["utc1"], ["utc1", "utc0"])
    result = grid(zone, preferred_pairs=np.array([[0, 1], [0, 1]]), preference_bonus=5.0)
    np.testing.assert_allclose(result.scores, [[100.0, 5.0]])


def test_pair_scores_equal_the_matrix_cells_on_random_cohorts(monkeypatch):
    monkeypatch.setattr("matching.scoring._Grid.block_cells", 7 * 25)  # several blocks, the last one short
    rng = np.random.default_rng(7)
    criteria = random_criteria(rng, 60, 25)
    preferred = random_pairs(rng, 60, 25, 40)
    matrix = build_scores(criteria, 60, 25, preferred_pairs=preferred, preference_bonus=4.0)
    pairs = random_pairs(rng, 60, 25, 500)
    scores, allowed = pair_scores(criteria, pairs[:, 0], pairs[:, 1], preferred=preferred, preference_bonus=4.0)
    np.testing.assert_array_equal(scores, matrix.scores[pairs[:, 0], pairs[:, 1]])
    np.testing.assert_array_equal(allowed, matrix.allowed[pairs[:, 0], pairs[:, 1]])
    assert not allowed.all() and allowed.any()  # the rules did bite somewhere


def test_pair_scores_take_preference_flags_one_per_pair():
    zone = criterion("same", ["utc1", "utc0"], ["utc1"])
    scores, allowed = pair_scores([zone], [0, 1], [0, 0], preferred=np.array([False, True]), preference_bonus=3.0)
    np.testing.assert_allclose(scores, [100.0, 3.0])
    assert allowed.tolist() == [True, True]


def test_build_scores_matches_a_slow_reference_loop(monkeypatch):
    monkeypatch.setattr("matching.scoring._Grid.block_cells", 100)  # blocks of 6 rows, the last one short
    rng = np.random.default_rng(11)
    n_mentees, n_mentors = 40, 15
    criteria = random_criteria(rng, n_mentees, n_mentors)
    preferred = random_pairs(rng, n_mentees, n_mentors, 30)
    forbidden = random_pairs(rng, n_mentees, n_mentors, 30)
    result = build_scores(
        criteria, n_mentees, n_mentors, forbidden_pairs=forbidden, preferred_pairs=preferred, preference_bonus=6.0
    )
    preferred_cells, forbidden_cells = set(map(tuple, preferred.tolist())), set(map(tuple, forbidden.tolist()))
    for i in range(n_mentees):
        for j in range(n_mentors):
            score, allowed = reference_score(criteria, i, j, preferred=(i, j) in preferred_cells, bonus=6.0)
            assert result.scores[i, j] == pytest.approx(score, abs=1e-9)
            assert result.allowed[i, j] == (allowed and (i, j) not in forbidden_cells)


def test_a_cohort_sized_build_agrees_with_the_reference_on_sampled_cells():
    rng = np.random.default_rng(3)
    criteria = random_criteria(rng, 2000, 400)
    result = build_scores(criteria, 2000, 400)
    assert result.scores.shape == (2000, 400) and result.scores.dtype == np.float64
    assert result.scores.min() >= 0.0 and result.scores.max() <= 100.0
    for i, j in random_pairs(rng, 2000, 400, 300).tolist():
        score, allowed = reference_score(criteria, i, j)
        assert result.scores[i, j] == pytest.approx(score, abs=1e-9)
        assert result.allowed[i, j] == allowed


# --------------------------------------------------------------------------- explain


def test_explanation_points_add_up_to_the_score_and_come_highest_first():
    rng = np.random.default_rng(5)
    criteria = random_criteria(rng, 30, 12)
    preferred = random_pairs(rng, 30, 12, 20)
    matrix = build_scores(criteria, 30, 12, preferred_pairs=preferred, preference_bonus=8.0)
    preferred_cells = set(map(tuple, preferred.tolist()))
    for i in range(30):
        for j in range(12):
            reasons = explain(criteria, i, j, preferred=(i, j) in preferred_cells, preference_bonus=8.0)
            assert len(reasons) == len(criteria) + 1
            assert sum(reason["points"] for reason in reasons) == pytest.approx(matrix.scores[i, j], abs=1e-9)
            points = [reason["points"] for reason in reasons]
            assert points == sorted(points, reverse=True)
            assert sum(reason["max_points"] for reason in reasons) == pytest.approx(108.0)


def test_explain_pairs_gives_the_same_lists_as_explain_one_by_one():
    rng = np.random.default_rng(9)
    criteria = random_criteria(rng, 20, 10)
    pairs = random_pairs(rng, 20, 10, 30)
    preferred = pairs[:5]
    many = explain_pairs(criteria, pairs[:, 0], pairs[:, 1], preferred=preferred, preference_bonus=2.0)
    one_by_one = [
        explain(criteria, i, j, preferred=k < 5 or [i, j] in preferred.tolist(), preference_bonus=2.0)
        for k, (i, j) in enumerate(pairs.tolist())
    ]
    assert many == one_by_one


def test_overlap_explanations_name_the_shared_values():
    skills = criterion(
        "overlap",
        [frozenset({"py", "talk"}), frozenset({"py", "talk", "sql"}), frozenset({"lead"})],
        [frozenset({"talk", "py", "lead"}), frozenset({"sql"})],
        label="What you want to learn",
        value_labels=SKILLS,
    )
    [reason] = explain([skills], 0, 0)
    assert reason["text"] == "You want to learn Public speaking and Python; they offer both (2 of 2)"
    assert reason["points"] == reason["max_points"] == 100.0
    assert reason["criterion"] == "What you want to learn"
    assert explain([skills], 1, 0)[0]["text"] == (
        "You want to learn Public speaking, Python and SQL; they offer Public speaking and Python (2 of 3)"
    )
    assert explain([skills], 2, 1)[0]["text"] == "You want to learn Leadership; they do not offer it (0 of 1)"


def test_reciprocal_overlap_explains_both_directions():
    mutual = criterion(
        "overlap",
        [frozenset({"py"})],
        [frozenset({"py"})],
        reciprocal=True,
        mentee_offers=[frozenset({"sql"})],
        mentor_wants=[frozenset({"lead", "talk"})],
        value_labels=SKILLS,
    )
    [reason] = explain([mutual], 0, 0)
    assert reason["text"] == (
        "You want to learn Python; they offer it (1 of 1). "
        "They want to learn Leadership and Public speaking; you do not offer any of these (0 of 2)"
    )
    assert reason["points"] == 50.0


def test_same_and_different_explanations_name_the_values():
    zone = criterion("same", ["utc1"], ["utc1", "utc5"], label="Same time zone band", value_labels=ZONES)
    department = criterion("different", ["Sales"], ["Engineering", "Sales"], label="From another department")
    assert explain([zone], 0, 0)[0]["text"] == "Same time zone band: yes, both UTC+1"
    assert explain([zone], 0, 1)[0]["text"] == "Same time zone band: no (you: UTC+1, them: UTC+5)"
    assert explain([department], 0, 0)[0]["text"] == "From another department: yes (you: Sales, them: Engineering)"
    assert explain([department], 0, 1)[0]["text"] == "From another department: no, both Sales"


def test_gap_explanations_say_how_far_ahead_and_the_aim():
    level = criterion("gap", [3.0], [5.0, 2.0, 3.0], label="Level", gap_target=1.5, gap_tolerance=0.5)
    assert explain([level], 0, 0)[0]["text"] == "They are 2 ahead of you in level (aim: 1–2 ahead)"
    assert explain([level], 0, 1)[0]["text"] == "They are 1 behind you in level (aim: 1–2 ahead)"
    assert explain([level], 0, 2)[0]["text"] == "You are at the same level (aim: 1–2 ahead)"


def test_a_missing_answer_is_explained_as_not_counted():
    criteria = [
        criterion("overlap", [None], [frozenset({"py"})], key="a"),
        criterion("same", ["fr"], [None], key="b"),
        criterion("gap", [None], [2.0], key="c"),
    ]
    reasons = explain(criteria, 0, 0)
    assert [reason["text"] for reason in reasons] == [NO_ANSWER] * 3
    assert all(reason["points"] == 0 for reason in reasons)


def test_the_preference_bonus_is_its_own_reason():
    zone = criterion("same", ["utc1"], ["utc0"])
    [bonus, _zone] = explain([zone], 0, 0, preferred=True, preference_bonus=5.0)
    assert bonus["points"] == bonus["max_points"] == 5.0
    assert bonus["text"] == "You asked to be matched with them"
    assert len(explain([zone], 0, 0)) == 1  # no bonus to give, no line for it


def test_equal_points_keep_the_criteria_order():
    criteria = [
        criterion("same", ["x"], ["x"], key="first"),
        criterion("same", ["y"], ["y"], key="second"),
        criterion("same", ["z"], ["w"], key="third"),
    ]
    assert [reason["key"] for reason in explain(criteria, 0, 0)] == ["first", "second", "third"]


def test_top_reasons_keeps_the_biggest_positive_contributions():
    reasons = [
        {"criterion": "a", "points": 10.0},
        {"criterion": "b", "points": 0.0},
        {"criterion": "c", "points": 30.0},
        {"criterion": "d", "points": 20.0},
        {"criterion": "e", "points": 5.0},
    ]
    assert [reason["criterion"] for reason in top_reasons(reasons)] == ["c", "d", "a"]
    assert [reason["criterion"] for reason in top_reasons(reasons, n=10)] == ["c", "d", "a", "e"]


# --------------------------------------------------------------------------- broken rules


def test_broken_rules_name_each_failed_hard_rule():
    criteria = [
        criterion(
            "same", ["fr"], ["en"], label="Language", required=True, value_labels={"fr": "French", "en": "English"}
        ),
        criterion("different", ["Sales"], ["Sales"], label="Department", required=True),
        criterion("overlap", [frozenset({"py"})], [frozenset({"sql"})], label="Skills", required=True),
        criterion("gap", [3.0], [2.0], label="Level", gap_hard_min=0.0),
        criterion("gap", [1.0], [4.0], label="Year", required=True, gap_tolerance=0.5),
        criterion("same", ["utc1"], ["utc5"], label="Time zone"),  # not a rule: never listed
    ]
    assert broken_rules(criteria, 0, 0) == [
        "Different language (mentee: French, mentor: English), but it must be the same",
        "Same department (Sales), but it must be different",
        "Skills: nothing in common, but at least one match is required",
        "The mentor is 1 behind the mentee in level; allowed: never behind",
        "The mentor is 3 ahead of the mentee in year; required: 0.5–1.5 ahead",
    ]


def test_a_pair_within_the_rules_breaks_none():
    criteria = [
        criterion("same", ["fr"], ["fr"], required=True),
        criterion("gap", [1.0], [2.0], gap_hard_min=0.0, gap_hard_max=3.0),
        criterion("overlap", [None], [frozenset({"py"})], required=True),
    ]
    assert broken_rules(criteria, 0, 0) == []


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("weight", [float("nan"), float("inf"), -1.0, "heavy"])
def test_weights_must_be_finite_and_not_negative(weight):
    with pytest.raises(ValueError, match="weight"):
        grid(criterion("same", ["a"], ["a"], weight=weight))


def test_answers_must_match_the_cohort_size():
    with pytest.raises(ValueError, match="mentor_values has 1 answers, expected 2"):
        build_scores([criterion("same", ["a"], ["a"])], 1, 2)


def test_a_gap_needs_a_target():
    with pytest.raises(ValueError, match="gap_target"):
        grid(criterion("gap", [1.0], [2.0], gap_target=None))


def test_gap_bounds_must_be_in_order():
    with pytest.raises(ValueError, match="gap_hard_min"):
        grid(criterion("gap", [1.0], [2.0], gap_hard_min=3.0, gap_hard_max=1.0))


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind 'similar'"):
        grid(criterion("similar", ["a"], ["a"]))


def test_a_reciprocal_overlap_needs_both_directions():
    with pytest.raises(ValueError, match="mentee_offers is required"):
        grid(criterion("overlap", [frozenset()], [frozenset()], reciprocal=True))


def test_pairs_must_be_index_pairs_within_the_cohort():
    zone = criterion("same", ["a"], ["a"])
    with pytest.raises(ValueError, match="shape"):
        grid(zone, forbidden_pairs=np.array([0, 0]))
    with pytest.raises(ValueError, match="out of range"):
        grid(zone, preferred_pairs=np.array([[0, 1]]))
    with pytest.raises(ValueError, match="out of range"):
        pair_scores([zone], [0], [1])
    with pytest.raises(ValueError, match="preference_bonus"):
        grid(zone, preference_bonus=float("nan"))
