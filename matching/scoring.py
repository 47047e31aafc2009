"""Match scores for a cohort, and the words that explain them. Pure: numpy and scipy only.

A pair's score is ``100 × Σ wᵢ·sᵢ / Σ wᵢ`` over the criteria (0 when every weight is 0), where
each share ``sᵢ`` is in [0, 1], plus ``preference_bonus`` points when the mentee asked for that
mentor. A criterion's rule, when it has one, makes a pair impossible (``allowed`` False), never
merely unlikely.

The criteria (mentee i, mentor j; ``None`` is "no answer"):

- **overlap**: the share of the mentee's wants that the mentor offers, |wants ∩ offers| / |wants|.
  Reciprocal (peer programs): the mean of both directions, each direction scoring 0 when one
  side did not answer. An empty selection counts as no answer: a blank multiple-choice question
  says nothing, so it must neither score nor forbid. Required: forbidden when both answered and
  they have nothing in common.
- **same** / **different**: 1 when both answered and the values are equal / unequal. Required:
  forbidden on a known mismatch (an unknown value never forbids).
- **gap**: d = mentor − mentee. Full marks while |d − target| ≤ tolerance; beyond that the share
  falls linearly to 0 over a further max(1, tolerance) units (so a 0-tolerance target still
  gives partial credit one unit away). Hard bounds forbid d outside [hard_min, hard_max]
  whether or not the criterion is required (they are hard by definition); a required gap
  without bounds forbids d outside the full-marks band. A non-finite number is no answer.

Every criterion's math is written once: an encoder turns the answers into arrays, a share
function scores a *block* of cells from them. On the grid (build_scores) a block is a band of
whole rows, the mentee side broadcast down and the mentor side across, so there is no Python
loop over pairs and the work buffers stay at 2 MiB whatever the cohort; for a list of pairs
(pair_scores, explain, broken_rules) the block is the list itself, and only the people in it
are encoded. Both paths run the same float operations, so they agree to the last bit.

Memory: the float64 score matrix and the boolean `allowed` matrix, plus a few MiB of
per-block buffers (about 190 MiB in all at 10,000 × 2,000). Everything stays float64 (float32
would make scores differ from their explanation in the 7th digit); equal answers give exactly
equal scores, so ties stay ties for the solver.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

KINDS = ("overlap", "same", "different", "gap")

NO_ANSWER = "No answer from one of you, so this did not count"
PREFERENCE_LABEL = "Your preference"
_MAX_LISTED = 6  # values named in one sentence before "and N more"


@dataclass(frozen=True)
class Criterion:
    key: str  # stable id, e.g. "c12" (the MatchingCriterion pk as "c<pk>")
    kind: str  # "overlap" | "same" | "different" | "gap"
    label: str  # plain words, e.g. "What you want to learn ↔ what they offer"
    weight: float  # finite, >= 0
    mentee_values: Sequence  # one per mentee. overlap: frozenset[str] | None;
    mentor_values: Sequence  # same/different: str | None; gap: float | None. None = no answer
    required: bool = False  # hard rule (see MatchingCriterion docstring)
    reciprocal: bool = False  # overlap both ways; then mentee_offers/mentor_wants are given
    mentee_offers: Sequence | None = None
    mentor_wants: Sequence | None = None
    gap_target: float | None = None  # wanted mentor − mentee
    gap_tolerance: float = 0.0
    gap_hard_min: float | None = None
    gap_hard_max: float | None = None
    value_labels: Mapping[str, str] = field(default_factory=dict)  # choice value -> label, for words


@dataclass
class ScoreMatrix:
    scores: np.ndarray  # float64, n_mentees × n_mentors, 0..100 (+ bonus)
    allowed: np.ndarray  # bool, same shape; False where a required criterion fails or a pair is forbidden


# --------------------------------------------------------------------------- public API


def build_scores(
    criteria: Sequence[Criterion],
    n_mentees: int,
    n_mentors: int,
    *,
    forbidden_pairs=None,
    preferred_pairs=None,
    preference_bonus: float = 0.0,
) -> ScoreMatrix:
    """Every mentee against every mentor. forbidden_pairs / preferred_pairs: int arrays of shape
    (k, 2) holding (mentee index, mentor index)."""
    n_mentees, n_mentors = _count(n_mentees, "n_mentees"), _count(n_mentors, "n_mentors")
    _check_criteria(criteria, n_mentees, n_mentors)
    bonus = _bonus(preference_bonus)
    forbidden = _index_pairs(forbidden_pairs, n_mentees, n_mentors, "forbidden_pairs")
    preferred = _index_pairs(preferred_pairs, n_mentees, n_mentors, "preferred_pairs")

    scores, allowed = _evaluate(criteria, _Grid(n_mentees, n_mentors))
    if bonus and len(preferred):
        # Fancy-index += adds once per distinct cell, so a pair listed twice is not paid twice.
        scores[preferred[:, 0], preferred[:, 1]] += bonus
    allowed[forbidden[:, 0], forbidden[:, 1]] = False
    return ScoreMatrix(scores=scores, allowed=allowed)


def pair_scores(criteria, mentee_idx, mentor_idx, *, preferred=None, preference_bonus=0.0):
    """The same scores as build_scores for the given (mentee_idx[k], mentor_idx[k]) pairs only.

    Returns (scores, allowed by the criteria' rules). `preferred` is either a boolean array, one
    per pair, or an int array of shape (k, 2) of preferred (mentee, mentor) pairs as given to
    build_scores.
    """
    pairs = _PairList(criteria, mentee_idx, mentor_idx)
    bonus = _bonus(preference_bonus)
    scores, allowed = _evaluate(criteria, pairs.layout)
    if bonus:
        scores[pairs.preferred_mask(preferred)] += bonus
    return scores, allowed


def explain(criteria, i, j, *, preferred=False, preference_bonus=0.0) -> list[dict]:
    """What each criterion (and the preference bonus) brings to the score of mentee i with
    mentor j, in words the mentee understands ("you" is the mentee, "they" the mentor).

    One dict per criterion, {"key", "kind", "criterion", "points", "max_points", "text"}, plus one
    for the bonus when there is a bonus to give; sorted by points, highest first (ties keep the
    criteria's order). The points add up to the pair's score. For many pairs, use explain_pairs.
    """
    flags = np.array([bool(preferred)])
    return explain_pairs(criteria, [i], [j], preferred=flags, preference_bonus=preference_bonus)[0]


def explain_pairs(criteria, mentee_idx, mentor_idx, *, preferred=None, preference_bonus=0.0) -> list[list[dict]]:
    """explain() for many pairs at once (one list per pair): each criterion's math runs once for
    all the pairs, so explaining a whole run's proposals stays fast. `preferred` as in pair_scores."""
    pairs = _PairList(criteria, mentee_idx, mentor_idx)
    bonus = _bonus(preference_bonus)
    explained = [[] for _ in range(len(pairs.mentee_idx))]
    for criterion, max_points, points, _forbidden in pairs.components(criteria):
        for reasons, i, j, pair_points in zip(
            explained, pairs.mentee_idx, pairs.mentor_idx, points.tolist(), strict=True
        ):
            reasons.append(
                {
                    "key": criterion.key,
                    "kind": criterion.kind,
                    "criterion": criterion.label,
                    "points": pair_points,
                    "max_points": float(max_points),
                    "text": _TEXTS[criterion.kind](criterion, i, j),
                }
            )
    if bonus:
        for reasons, is_preferred in zip(explained, pairs.preferred_mask(preferred).tolist(), strict=True):
            reasons.append(
                {
                    "key": "preference",
                    "kind": "preference",
                    "criterion": PREFERENCE_LABEL,
                    "points": bonus if is_preferred else 0.0,
                    "max_points": bonus,
                    "text": "You asked to be matched with them"
                    if is_preferred
                    else "Not one of the mentors you asked for",
                }
            )
    for reasons in explained:
        reasons.sort(key=lambda reason: -reason["points"])
    return explained


def broken_rules(criteria, i, j) -> list[str]:
    """The hard rules (required criteria and hard gap bounds) that mentee i with mentor j breaks,
    in words for the program manager. Forbidden pairs (reporting line, please-not lists, …) are
    the caller's to describe."""
    pairs = _PairList(criteria, [i], [j])
    return [
        _RULE_TEXTS[criterion.kind](criterion, i, j)
        for criterion, _most, _points, forbidden in pairs.components(criteria)
        if forbidden is not None and forbidden[0]
    ]


def top_reasons(reasons: list[dict], n=3) -> list[dict]:
    """The n biggest positive contributions of an explain() list, biggest first."""
    positive = [reason for reason in reasons if reason["points"] > 0]
    return sorted(positive, key=lambda reason: -reason["points"])[:n]


# --------------------------------------------------------------------------- evaluation


def _evaluate(criteria, layout) -> tuple[np.ndarray, np.ndarray]:
    """Scores and rule verdicts for every cell of the layout. Answers are encoded once per
    criterion; the math then runs a block of rows at a time, so the work buffers stay small
    (and warm in cache) whatever the cohort size."""
    weights, total = _weights(criteria)
    active = [
        (criterion, weight, _ENCODERS[criterion.kind](criterion, layout))
        for criterion, weight in zip(criteria, weights, strict=True)
        if weight or _has_rule(criterion)  # otherwise it adds nothing and forbids nothing
    ]
    scores = np.zeros(layout.shape)
    allowed = np.ones(layout.shape, dtype=bool)
    for block in layout.blocks():
        block_scores, block_allowed = scores[block.cells], allowed[block.cells]  # views
        for criterion, weight, answers in active:
            share, forbidden = _SHARES[criterion.kind](criterion, answers, block)
            if weight:
                share *= weight
                block_scores += share
            if forbidden is not None:
                block_allowed &= np.logical_not(forbidden, out=forbidden)
    if total > 0:
        # Σ w·s / Σ w first, then × 100: a pair perfect on every criterion scores exactly 100.
        scores /= total
        scores *= 100.0
    return scores, allowed


class _PairList:
    """Validated (mentee, mentor) index pairs and their layout."""

    def __init__(self, criteria, mentee_idx, mentor_idx):
        if criteria:
            n_mentees, n_mentors = len(criteria[0].mentee_values), len(criteria[0].mentor_values)
        else:  # no answers to index: any index goes
            n_mentees = int(np.max(mentee_idx, initial=-1)) + 1
            n_mentors = int(np.max(mentor_idx, initial=-1)) + 1
        _check_criteria(criteria, n_mentees, n_mentors)
        self.n_mentees, self.n_mentors = n_mentees, n_mentors
        mentee_idx = _indices(mentee_idx, n_mentees, "mentee index")
        mentor_idx = _indices(mentor_idx, n_mentors, "mentor index")
        if mentee_idx.shape != mentor_idx.shape:
            raise ValueError(f"{len(mentee_idx)} mentee indices for {len(mentor_idx)} mentor indices.")
        self.mentee_idx, self.mentor_idx = mentee_idx.tolist(), mentor_idx.tolist()
        self.layout = _Pairs(mentee_idx, mentor_idx)

    def components(self, criteria):
        """(criterion, max points, points, forbidden or None) for each criterion, points being
        each pair's contribution to its score."""
        weights, total = _weights(criteria)
        for criterion, weight in zip(criteria, weights, strict=True):
            answers = _ENCODERS[criterion.kind](criterion, self.layout)
            share, forbidden = _SHARES[criterion.kind](criterion, answers, self.layout)
            points = share * weight / total * 100.0 if total > 0 else np.zeros(self.layout.shape)
            yield criterion, (weight / total * 100.0 if total > 0 else 0.0), points, forbidden

    def preferred_mask(self, preferred) -> np.ndarray:
        count = len(self.mentee_idx)
        if preferred is None:
            return np.zeros(count, dtype=bool)
        array = np.asarray(preferred)
        if array.ndim == 1 and array.dtype == bool:
            if len(array) != count:
                raise ValueError(f"preferred has {len(array)} flags for {count} pairs.")
            return array
        wanted = _index_pairs(array, self.n_mentees, self.n_mentors, "preferred")
        wanted_cells = wanted[:, 0] * self.n_mentors + wanted[:, 1]
        cells = np.asarray(self.mentee_idx, dtype=np.int64) * self.n_mentors + np.asarray(
            self.mentor_idx, dtype=np.int64
        )
        return np.isin(cells, wanted_cells)


def _weights(criteria) -> tuple[list[float], float]:
    """The weights and their sum, added in the same order as the scores are."""
    weights = [float(criterion.weight) for criterion in criteria]
    total = 0.0
    for weight in weights:
        total += weight
    return weights, total


def _has_rule(criterion) -> bool:
    return criterion.required or (
        criterion.kind == "gap" and (criterion.gap_hard_min is not None or criterion.gap_hard_max is not None)
    )


# A layout says whose answers to encode (`mentees`, `mentors`: indices, None for everyone) and
# hands out blocks. A block is what the criteria math runs on: `rows(per_mentee)` and
# `cols(per_mentor)` line the two sides up cell by cell (by broadcasting on the grid, by
# indexing for pairs), `cells` says where the block sits in the result, `buffer(slot)` is a
# reusable float64 work array of the block's shape.


class _Grid:
    """Every mentee (rows) against every mentor (columns), in blocks of whole rows."""

    block_cells = 1 << 18  # 2 MiB per float64 work buffer: fits in cache, measured fastest

    def __init__(self, n_mentees, n_mentors):
        self.shape = (n_mentees, n_mentors)
        self.mentees = self.mentors = None

    def mentor_sets(self, one_hot):
        # Values × mentors, dense: each block multiplies its sparse mentee rows by it, one C pass
        # over the values the mentees chose (sparse × sparse is far slower for a dense result).
        return one_hot.T.toarray()

    def blocks(self):
        n_mentees, n_mentors = self.shape
        step = max(1, self.block_cells // max(n_mentors, 1))
        buffers = {}
        for start in range(0, n_mentees, step):
            yield _GridBlock(start, min(n_mentees, start + step), n_mentors, step, buffers)


class _GridBlock:
    def __init__(self, start, stop, n_mentors, step, buffers):
        self.cells = slice(start, stop)
        self.shape = (stop - start, n_mentors)
        self._step, self._buffers = step, buffers

    def rows(self, per_mentee):
        return per_mentee[self.cells, None]

    def cols(self, per_mentor):
        return per_mentor[None, :]

    def overlap_counts(self, mentee_sets, mentor_sets):
        return mentee_sets[self.cells] @ mentor_sets

    def buffer(self, slot=0):
        if slot not in self._buffers:  # shared by the blocks: the last one may use only its top rows
            self._buffers[slot] = np.empty((self._step, self.shape[1]))
        return self._buffers[slot][: self.shape[0]]


class _Pairs:
    """Aligned (mentee_idx[k], mentor_idx[k]) pairs, as one block. Only the people in the pairs
    are encoded, once each, so explaining one pair costs nothing like scoring the cohort."""

    def __init__(self, mentee_idx, mentor_idx):
        self.shape = (len(mentee_idx),)
        self.cells = slice(None)
        self.mentees, self._mentee_pos = np.unique(mentee_idx, return_inverse=True)
        self.mentors, self._mentor_pos = np.unique(mentor_idx, return_inverse=True)
        self._buffers = {}

    def mentor_sets(self, one_hot):
        return one_hot

    def blocks(self):
        yield self

    def rows(self, per_mentee):
        return per_mentee[self._mentee_pos]

    def cols(self, per_mentor):
        return per_mentor[self._mentor_pos]

    def overlap_counts(self, mentee_sets, mentor_sets):
        paired = mentee_sets[self._mentee_pos].multiply(mentor_sets[self._mentor_pos])
        return np.asarray(paired.sum(axis=1), dtype=float).reshape(self.shape)

    def buffer(self, slot=0):
        if slot not in self._buffers:
            self._buffers[slot] = np.empty(self.shape)
        return self._buffers[slot]


# --------------------------------------------------------------------------- criteria math
# Each kind has an encoder (answers -> arrays, once per layout) and a share function (arrays ->
# the share of every cell of a block, plus the forbidden mask when the criterion has a rule).
# The share may be a work buffer or a fresh array; the caller may scale it in place.


@dataclass
class _SetAnswers:
    """One direction of an overlap: what one side wants against what the other offers."""

    mentee_sets: sp.csr_array  # mentees × values
    mentor_sets: object  # mentors' values, as the layout multiplies them
    wanted: np.ndarray  # per wanting person: max(1, how many values they want), the divisor
    mentee_answered: np.ndarray  # chose something
    mentor_answered: np.ndarray


def _encode_overlap(criterion, layout) -> list[_SetAnswers]:
    mentees, mentors = layout.mentees, layout.mentors
    answers = [_take(criterion.mentee_values, mentees), _take(criterion.mentor_values, mentors)]
    if criterion.reciprocal:
        answers += [_take(criterion.mentee_offers, mentees), _take(criterion.mentor_wants, mentors)]
    one_hots = _one_hots(*answers)
    sizes = [np.diff(one_hot.indptr) for one_hot in one_hots]
    # Forward, the mentee wants (sizes[0]); backward, the mentor wants (sizes[3]).
    directions = [(0, 1, sizes[0])] + ([(2, 3, sizes[3])] if criterion.reciprocal else [])
    return [
        _SetAnswers(
            mentee_sets=one_hots[mentee],
            mentor_sets=layout.mentor_sets(one_hots[mentor]),
            wanted=np.maximum(wanted, 1).astype(float),  # an empty want set has count 0: 0 / 1
            mentee_answered=sizes[mentee] > 0,
            mentor_answered=sizes[mentor] > 0,
        )
        for mentee, mentor, wanted in directions
    ]


def _overlap_share(criterion, directions, block):
    forward = directions[0]
    share = block.overlap_counts(forward.mentee_sets, forward.mentor_sets)  # fresh: divided in place
    share /= block.rows(forward.wanted)
    if criterion.reciprocal:
        backward = directions[1]
        back = block.overlap_counts(backward.mentee_sets, backward.mentor_sets)
        back /= block.cols(backward.wanted)
        share += back
        share *= 0.5
    if not criterion.required:
        return share, None
    answered = np.zeros(block.shape, dtype=bool)
    for direction in directions:
        answered |= np.logical_and(block.rows(direction.mentee_answered), block.cols(direction.mentor_answered))
    forbidden = share == 0  # exactly when nothing is in common
    forbidden &= answered
    return share, forbidden


@dataclass
class _ChoiceAnswers:
    # Different codes for "no answer" on each side (-1, -2), so two missing answers never match.
    mentee: np.ndarray
    mentor: np.ndarray


def _encode_choice(criterion, layout) -> _ChoiceAnswers:
    vocabulary: dict = {}
    return _ChoiceAnswers(
        mentee=_codes(_take(criterion.mentee_values, layout.mentees), vocabulary, missing=-1),
        mentor=_codes(_take(criterion.mentor_values, layout.mentors), vocabulary, missing=-2),
    )


def _choice_share(criterion, answers, block):
    equal = np.equal(block.rows(answers.mentee), block.cols(answers.mentor))
    share = block.buffer(0)
    if criterion.kind == "same":
        np.copyto(share, equal)
        if not criterion.required:
            return share, None
        mismatch = np.logical_not(equal, out=equal)
        mismatch &= block.rows(answers.mentee >= 0)
        mismatch &= block.cols(answers.mentor >= 0)
        return share, mismatch
    different = np.logical_not(equal)
    different &= block.rows(answers.mentee >= 0)
    different &= block.cols(answers.mentor >= 0)
    np.copyto(share, different)
    return share, (equal if criterion.required else None)


@dataclass
class _NumberAnswers:
    mentee: np.ndarray  # NaN where unknown
    mentor: np.ndarray


def _encode_numbers(criterion, layout) -> _NumberAnswers:
    return _NumberAnswers(
        mentee=_numbers(criterion.mentee_values, layout.mentees),
        mentor=_numbers(criterion.mentor_values, layout.mentors),
    )


def _gap_share(criterion, answers, block):
    target, tolerance = float(criterion.gap_target), float(criterion.gap_tolerance)
    share = block.buffer(0)
    gap = np.subtract(block.cols(answers.mentor), block.rows(answers.mentee), out=share)  # NaN if unknown
    forbidden = None
    low, high = criterion.gap_hard_min, criterion.gap_hard_max
    if low is not None or high is not None:
        forbidden = np.zeros(block.shape, dtype=bool)
        if low is not None:
            forbidden |= gap < low
        if high is not None:
            forbidden |= gap > high
    deviation = np.abs(np.subtract(gap, target, out=share), out=share)
    if forbidden is None and criterion.required:
        forbidden = deviation > tolerance  # the full-marks band is the rule; NaN compares False
    # 1 − (deviation − tolerance) / ramp, as one subtraction and one division.
    ramp = max(1.0, tolerance)
    share = np.subtract(tolerance + ramp, deviation, out=share)
    share /= ramp
    np.fmax(share, 0.0, out=share)  # fmax also turns NaN (no answer) into 0
    np.fmin(share, 1.0, out=share)
    return share, forbidden


_ENCODERS = {"overlap": _encode_overlap, "same": _encode_choice, "different": _encode_choice, "gap": _encode_numbers}
_SHARES = {"overlap": _overlap_share, "same": _choice_share, "different": _choice_share, "gap": _gap_share}


# --------------------------------------------------------------------------- encoding


def _take(values, people):
    """The answers of the given people (all when people is None), as a list."""
    if people is None:
        return list(values)
    return [values[p] for p in people.tolist()]


def _as_set(value) -> frozenset:
    if value is None:
        return frozenset()
    if isinstance(value, str):  # a single choice, not its letters
        return frozenset((value,))
    return frozenset(value)


def _one_hots(*answer_lists) -> list[sp.csr_array]:
    """For each list of answers, people × values with a 1 where a person chose the value. The
    columns (one per value seen in any of the lists) line up across the matrices."""
    vocabulary: dict = {}
    parts = []
    for answers in answer_lists:
        indptr = np.zeros(len(answers) + 1, dtype=np.int64)
        indices = []
        for person, answer in enumerate(answers):
            indices.extend(vocabulary.setdefault(value, len(vocabulary)) for value in _as_set(answer))
            indptr[person + 1] = len(indices)
        parts.append((np.asarray(indices, dtype=np.int64), indptr))
    width = max(len(vocabulary), 1)
    return [
        sp.csr_array((np.ones(len(indices)), indices, indptr), shape=(len(indptr) - 1, width))
        for indices, indptr in parts
    ]


def _codes(answers, vocabulary, *, missing) -> np.ndarray:
    return np.array(
        [missing if answer is None else vocabulary.setdefault(answer, len(vocabulary)) for answer in answers],
        dtype=np.int64,
    )


def _numbers(values, people) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        numbers = values.astype(float)
        numbers = numbers if people is None else numbers[people]
    else:
        numbers = np.array([np.nan if v is None else float(v) for v in _take(values, people)], dtype=float)
    numbers[~np.isfinite(numbers)] = np.nan
    return numbers


# --------------------------------------------------------------------------- validation


def _count(value, name) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"{name} must be a whole number of people (0 or more), got {value!r}.")
    return int(value)


def _bonus(value) -> float:
    bonus = _finite(value, "preference_bonus")
    if bonus < 0:
        raise ValueError(f"preference_bonus must not be negative, got {value!r}.")
    return bonus


def _finite(value, name) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}.") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    return number


def _check_criteria(criteria, n_mentees, n_mentors) -> None:
    for criterion in criteria:
        name = f"criterion {criterion.key!r}"
        if criterion.kind not in KINDS:
            raise ValueError(f"{name}: unknown kind {criterion.kind!r} (expected one of {', '.join(KINDS)}).")
        weight = _finite(criterion.weight, f"{name}: weight")
        if weight < 0:
            raise ValueError(f"{name}: weight must not be negative, got {criterion.weight!r}.")
        sides = [("mentee_values", n_mentees), ("mentor_values", n_mentors)]
        if criterion.kind == "overlap" and criterion.reciprocal:
            sides += [("mentee_offers", n_mentees), ("mentor_wants", n_mentors)]
        for attribute, expected in sides:
            values = getattr(criterion, attribute)
            if values is None:
                raise ValueError(f"{name}: {attribute} is required (reciprocal overlap needs both directions).")
            if len(values) != expected:
                raise ValueError(f"{name}: {attribute} has {len(values)} answers, expected {expected}.")
        if criterion.kind == "gap":
            _check_gap(criterion, name)


def _check_gap(criterion, name) -> None:
    if criterion.gap_target is None:
        raise ValueError(f"{name}: a gap criterion needs a gap_target (the wanted mentor − mentee difference).")
    _finite(criterion.gap_target, f"{name}: gap_target")
    if _finite(criterion.gap_tolerance, f"{name}: gap_tolerance") < 0:
        raise ValueError(f"{name}: gap_tolerance must not be negative, got {criterion.gap_tolerance!r}.")
    low, high = criterion.gap_hard_min, criterion.gap_hard_max
    if low is not None:
        _finite(low, f"{name}: gap_hard_min")
    if high is not None:
        _finite(high, f"{name}: gap_hard_max")
    if low is not None and high is not None and low > high:
        raise ValueError(f"{name}: gap_hard_min ({low}) is above gap_hard_max ({high}).")


def _index_pairs(pairs, n_mentees, n_mentors, name) -> np.ndarray:
    if pairs is None:
        return np.zeros((0, 2), dtype=np.int64)
    array = np.asarray(pairs)
    if array.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if array.ndim != 2 or array.shape[1] != 2 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be an int array of shape (k, 2), got shape {array.shape} ({array.dtype}).")
    _check_range(array[:, 0], n_mentees, f"{name} mentee index")
    _check_range(array[:, 1], n_mentors, f"{name} mentor index")
    return array.astype(np.int64, copy=False)


def _indices(values, n, name) -> np.ndarray:
    array = np.asarray(values)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be a 1-d array of int indices, got shape {array.shape} ({array.dtype}).")
    _check_range(array, n, name)
    return array.astype(np.int64, copy=False)


def _check_range(indices, n, name) -> None:
    if len(indices) and (indices.min() < 0 or indices.max() >= n):
        raise ValueError(f"{name} out of range: must be within 0..{n - 1}.")


# --------------------------------------------------------------------------- words


def _label(criterion, value) -> str:
    return str(criterion.value_labels.get(value, value))


def _noun(criterion) -> str:
    return _noun_from_label(criterion.label)


@functools.lru_cache(maxsize=256)  # asked once per criterion per explained pair
def _noun_from_label(label: str) -> str:
    """A label as a noun inside a sentence: "Same time zone band" -> "time zone band"."""
    noun = label.strip()
    for prefix in ("same ", "different ", "similar "):
        if noun.lower().startswith(prefix):
            noun = noun[len(prefix) :]
    keeps_case = len(noun) > 1 and noun[1].isupper()  # an acronym like "UTC offset"
    return noun if keeps_case or not noun else noun[0].lower() + noun[1:]


def _and_list(words: list[str]) -> str:
    if len(words) > _MAX_LISTED:
        words = [*words[: _MAX_LISTED - 1], f"{len(words) - _MAX_LISTED + 1} more"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _num(x: float) -> str:
    return f"{x:g}"


def _sorted_labels(criterion, values: Iterable) -> list[str]:
    return sorted((_label(criterion, value) for value in values), key=str.casefold)


def _overlap_sentence(criterion, wants, offers, wanter, offerer) -> str:
    wants, offers = _as_set(wants), _as_set(offers)
    shared = wants & offers
    n, k = len(wants), len(shared)
    wanted = _and_list(_sorted_labels(criterion, wants))
    if k == 0:
        return (
            f"{wanter} want to learn {wanted}; {offerer} do not offer {'it' if n == 1 else 'any of these'} (0 of {n})"
        )
    if k == n:
        offered = "it" if n == 1 else ("both" if n == 2 else "all of them")
    else:
        offered = _and_list(_sorted_labels(criterion, shared))
    return f"{wanter} want to learn {wanted}; {offerer} offer {offered} ({k} of {n})"


def _overlap_text(criterion, i, j) -> str:
    forward = _answered_sets(criterion.mentee_values[i], criterion.mentor_values[j])
    if not criterion.reciprocal:
        return _overlap_sentence(criterion, *forward, "You", "they") if forward else NO_ANSWER
    backward = _answered_sets(criterion.mentor_wants[j], criterion.mentee_offers[i])
    if not forward and not backward:
        return NO_ANSWER
    halves = [
        _overlap_sentence(criterion, *forward, "You", "they")
        if forward
        else "For what you want to learn: no answer from one of you, so this half did not count",
        _overlap_sentence(criterion, *backward, "They", "you")
        if backward
        else "For what they want to learn: no answer from one of you, so this half did not count",
    ]
    return ". ".join(halves)


def _answered_sets(wants, offers):
    wants, offers = _as_set(wants), _as_set(offers)
    return (wants, offers) if wants and offers else None


def _same_text(criterion, i, j) -> str:
    mentee, mentor = criterion.mentee_values[i], criterion.mentor_values[j]
    if mentee is None or mentor is None:
        return NO_ANSWER
    # The label leads, verbatim, so any wording a manager chose ("From another department",
    # "Works in the same region") reads well; the values follow.
    label = criterion.label.strip()
    met = (mentee == mentor) == (criterion.kind == "same")
    if mentee == mentor:
        return f"{label}: {'yes' if met else 'no'}, both {_label(criterion, mentee)}"
    values = f"you: {_label(criterion, mentee)}, them: {_label(criterion, mentor)}"
    return f"{label}: {'yes' if met else 'no'} ({values})"


def _position(gap: float) -> str:
    if gap == 0:
        return "the same"
    return f"{_num(abs(gap))} {'ahead' if gap > 0 else 'behind'}"


def _span(low: float | None, high: float | None) -> str:
    """A range of gaps (mentor − mentee) in words: "1–2 ahead", "never behind", …"""
    if low is not None and high is not None:
        if low == high:
            return _position(low)
        if low >= 0:
            return f"{_num(low)}–{_num(high)} ahead"
        if high <= 0:
            return f"{_num(-high)}–{_num(-low)} behind"
        return f"between {_num(-low)} behind and {_num(high)} ahead"
    if low is not None:
        return (
            "never behind" if low == 0 else (f"at least {_position(low)}" if low > 0 else f"at most {_position(low)}")
        )
    return "never ahead" if high == 0 else (f"at most {_position(high)}" if high > 0 else f"at least {_position(high)}")


def _gap_values(criterion, i, j):
    mentee, mentor = criterion.mentee_values[i], criterion.mentor_values[j]
    if mentee is None or mentor is None or not (math.isfinite(float(mentee)) and math.isfinite(float(mentor))):
        return None
    return float(mentor) - float(mentee)


def _aim(criterion) -> str:
    target, tolerance = float(criterion.gap_target), float(criterion.gap_tolerance)
    return _span(target - tolerance, target + tolerance)


def _gap_text(criterion, i, j) -> str:
    gap = _gap_values(criterion, i, j)
    if gap is None:
        return NO_ANSWER
    noun = _noun(criterion)
    where = f"You are at the same {noun}" if gap == 0 else f"They are {_position(gap)} {_of_you(gap)} in {noun}"
    return f"{where} (aim: {_aim(criterion)})"


def _of_you(gap: float) -> str:
    return "of you" if gap > 0 else "you"


_TEXTS = {"overlap": _overlap_text, "same": _same_text, "different": _same_text, "gap": _gap_text}


def _overlap_rule_text(criterion, i, j) -> str:
    return f"{criterion.label}: nothing in common, but at least one match is required"


def _same_rule_text(criterion, i, j) -> str:
    mentee, mentor = criterion.mentee_values[i], criterion.mentor_values[j]
    noun = _noun(criterion)
    if criterion.kind == "same":
        return (
            f"Different {noun} (mentee: {_label(criterion, mentee)}, mentor: {_label(criterion, mentor)}), "
            "but it must be the same"
        )
    return f"Same {noun} ({_label(criterion, mentee)}), but it must be different"


def _gap_rule_text(criterion, i, j) -> str:
    gap = _gap_values(criterion, i, j)
    noun = _noun(criterion)
    where = (
        f"Mentor and mentee are at the same {noun}"
        if gap == 0
        else f"The mentor is {_position(gap)} {'of the mentee' if gap > 0 else 'the mentee'} in {noun}"
    )
    if criterion.gap_hard_min is None and criterion.gap_hard_max is None:
        return f"{where}; required: {_aim(criterion)}"
    return f"{where}; allowed: {_span(criterion.gap_hard_min, criterion.gap_hard_max)}"


_RULE_TEXTS = {
    "overlap": _overlap_rule_text,
    "same": _same_rule_text,
    "different": _same_rule_text,
    "gap": _gap_rule_text,
}
