"""Whole-cohort matching of mentees to mentors: as many matched as possible, then the best total.

Pure numpy/scipy, no Django, so it can be tested and benchmarked alone.

The problem is a transportation problem: each mentee takes at most one mentor, each mentor at
most `capacity` mentees, only allowed pairs scoring at least `min_score`. It is solved exactly:

1. Candidate graph. Each mentee keeps their best few usable mentors and each mentor their best
   few mentees (so no mentor is out of reach): a few hundred thousand pairs instead of tens of
   millions.
2. Sparse solve. Each mentor becomes `capacity` identical places, each mentee gets a private
   "stays unmatched" place, and scipy's sparse Jonker-Volgenant (LAPJVsp, C code) finds the
   best full assignment of the mentees on that graph.
3. Prices. The optimal flow leaves no negative cycle in its residual network, so shortest-path
   distances there (Bellman-Ford, vectorized; the network is folded onto the mentors, a few
   thousand nodes, and converges in a handful of passes) are exact dual prices: p_i per mentee,
   q_j per mentor, p + q >= weight on every candidate pair, equal on the matched ones.
4. Certificate. A pair left out of the candidate graph could only improve the result if its
   reduced profit w_ij - p_i - q_j is positive. Every usable pair of the FULL matrix is checked,
   vectorized, a block of mentee rows at a time (memory stays bounded). Violating pairs join
   the graph and steps 2-4 run again, until none is left.

The bound sum(p) + sum(capacity * q) + sum over mentees of their largest positive reduced profit
holds for every feasible assignment of the full problem, so `Solution.gap` is a proven bound on
how far the returned total can be from the optimum; it comes out at rounding-error level
(~1e-7 points on a 600,000-point total), and whatever float noise there is is charged to it, so
the claim stays rigorous without trusting any solver tolerance.

Cardinality first, then total, in ONE weighted problem: every usable pair's weight is
B + (score - lo) / (hi - lo), a normalized score in [0, 1] plus a bonus B per matched pair,
with B = min(n_mentees, total capacity) + 1. Any assignment with k matched mentees weighs at
most k*B + k < (k+1)*B, less than any assignment with k+1 matched, so a maximum weight is a
maximum cardinality; among equal cardinalities the bonuses cancel and the scores decide. Two
phases (maximum cardinality first, then a fixed-cardinality problem) would be exact as well,
but need a second certificate for the cardinality over the full matrix; the bonus keeps one
solve and one dual check. Normalizing keeps B ~ n: weights stay below ~1e4, so doubles still
resolve score differences of ~1e-10 points.

Measured at 10,000 x 2,000 (python -m matching.bench): HiGHS' dual simplex on the same sparse
LP needed ~2 s of CPU per round and has no warm start through scipy; LAPJVsp needs ~0.7 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

__all__ = ["Solution", "peer_circles", "quality", "rotation_round", "solve", "solve_certified"]

# Candidate graph: enough that the first sparse solve is usually already optimal, small enough
# that one solve stays well under a second at 10,000 x 2,000 (measured with matching.bench).
DEFAULT_CANDIDATES_PER_MENTEE = 12
DEFAULT_CANDIDATES_PER_MENTOR = 12
# Mentee rows per block when scanning the full matrix: 1,000 x 2,000 doubles is 16 MB per array.
ROW_BLOCK = 1_000
# Reduced profit (in normalized weight units: the score range is 1) above which a pair outside
# the graph joins it. The duals are exact up to float rounding (~1e-12 on weights ~1e4); the
# rounding that remains is charged to `Solution.gap`, so the bound holds whatever this is.
VIOLATION_TOLERANCE = 1e-9
# Bellman-Ford ignores improvements smaller than this (weights ~1e4, so ~1e4 ulps), so float
# noise cannot make a zero-cost cycle look negative and keep it relaxing forever.
RELAXATION_TOLERANCE = 1e-9
# Each round adds at least one pair, and in practice 1-3 rounds suffice; this only guards against
# a bug looping forever (the result would then say "NOT proven").
MAX_ROUNDS = 50


@dataclass
class Solution:
    assignment: np.ndarray  # int64, one per mentee: mentor index, or -1 for unmatched
    total: float  # sum of the matched pairs' scores
    matched: int
    optimal: str  # how optimality is known, in words
    rounds: int  # sparse solves until the certificate held
    candidate_edges: int  # pairs in the final candidate graph
    gap: float = 0.0  # proven upper bound on (optimal total - total), in score points
    proven: bool = True  # False only if the certificate could not be completed


def solve(scores, capacity, allowed=None, min_score=None) -> np.ndarray:
    """Each mentee's mentor index (or -1): most mentees matched, then the highest total score."""
    return solve_certified(scores, capacity, allowed, min_score).assignment


def solve_certified(
    scores,
    capacity,
    allowed=None,
    min_score=None,
    *,
    candidates_per_mentee: int = DEFAULT_CANDIDATES_PER_MENTEE,
    candidates_per_mentor: int = DEFAULT_CANDIDATES_PER_MENTOR,
    max_rounds: int = MAX_ROUNDS,
) -> Solution:
    """`solve` plus the certificate: how many rounds, how big the candidate graph, the proven gap.

    The keyword arguments tune speed only (the result is optimal whatever they are): the size of
    the first candidate graph, and a safety cap on re-solves (reaching it is reported, never hidden).
    """
    if min(candidates_per_mentee, candidates_per_mentor, max_rounds) < 1:
        raise ValueError("candidates_per_mentee, candidates_per_mentor and max_rounds must be at least 1")
    problem = _Problem(scores, capacity, allowed, min_score)
    n, m = problem.shape
    if n == 0 or m == 0 or not problem.capacity.any():
        return _trivial_solution(n, "nothing to match: no mentees, no mentors or no capacity")

    rows, cols, lo, hi = problem.candidates(candidates_per_mentee, candidates_per_mentor)
    if rows.size == 0:
        return _trivial_solution(n, "no allowed pair at or above the minimum score: nobody can be matched")
    weights = _Weights(bonus=min(n, int(problem.capacity.sum())) + 1, lo=lo, span=(hi - lo) or 1.0)

    rounds = 0
    while True:
        rounds += 1
        assignment, p, q = _solve_sparse(rows, cols, weights.of(problem.scores[rows, cols]), problem.capacity, n, m)
        check = problem.check_duals(weights, p, q, rows, cols, add_per_mentee=candidates_per_mentee)
        if check.new_rows.size == 0 or rounds == max_rounds:
            break
        rows, cols = _merge_edges(rows, cols, check.new_rows, check.new_cols, m)
    return _certified_solution(problem, assignment, p, q, weights, check, rounds, rows.size)


# --- input --------------------------------------------------------------------------------------


class _Problem:
    """Validated input, and the passes over the full matrix (a block of mentee rows at a time)."""

    def __init__(self, scores, capacity, allowed, min_score):
        self.scores = np.asarray(scores, dtype=np.float64)
        if self.scores.ndim != 2:
            raise ValueError(f"scores must be a 2-D array (mentees x mentors), got {self.scores.ndim} dimension(s)")
        self.shape = self.scores.shape
        self.capacity = _validated_capacity(capacity, self.shape[1])
        self.allowed = None
        if allowed is not None:
            self.allowed = np.asarray(allowed)
            if self.allowed.shape != self.shape:
                raise ValueError(f"allowed has shape {self.allowed.shape}, scores has shape {self.shape}")
            if self.allowed.dtype != np.bool_:
                raise ValueError(f"allowed must be a boolean array, got dtype {self.allowed.dtype}")
        if min_score is not None:
            min_score = float(min_score)
            if not np.isfinite(min_score):
                raise ValueError(f"min_score must be a finite number or None, got {min_score}")
        self.min_score = min_score
        self._check_finite()

    def _check_finite(self):
        for start, stop in self.blocks():
            bad = ~np.isfinite(self.scores[start:stop])
            if self.allowed is not None:
                bad &= self.allowed[start:stop]
            if bad.any():
                i, j = np.argwhere(bad)[0]
                raise ValueError(
                    f"scores must be finite for allowed pairs; {int(bad.sum())} in rows {start}-{stop - 1} are not, "
                    f"the first at mentee {start + i}, mentor {j} ({self.scores[start + i, j]})"
                )

    def blocks(self):
        n = self.shape[0]
        for start in range(0, n, ROW_BLOCK):
            yield start, min(start + ROW_BLOCK, n)

    def usable_block(self, start, stop) -> np.ndarray:
        """Scores of rows start..stop, -inf where a pair cannot be made (rule, min_score, no capacity)."""
        block = self.scores[start:stop].copy()
        unusable = np.broadcast_to(self.capacity == 0, block.shape)
        if self.allowed is not None:
            unusable = unusable | ~self.allowed[start:stop]
        if self.min_score is not None:
            unusable = unusable | (block < self.min_score)
        block[unusable] = -np.inf
        return block

    def candidates(self, per_mentee: int, per_mentor: int):
        """The candidate graph (sorted, unique pairs) and the range of usable scores."""
        n, m = self.shape
        rows, cols = [], []
        lo, hi = np.inf, -np.inf
        best_for_mentor = _RunningTopPerColumn(per_mentor, m)
        for start, stop in self.blocks():
            block = self.usable_block(start, stop)
            usable = np.isfinite(block)
            if usable.any():
                lo, hi = min(lo, block[usable].min()), max(hi, block[usable].max())
            top = _top_per_row(block, per_mentee)
            r = np.repeat(np.arange(start, stop), top.shape[1])
            c = top.ravel()
            keep = np.isfinite(block[r - start, c])
            rows.append(r[keep])
            cols.append(c[keep])
            best_for_mentor.add(block, start)
        r, c = best_for_mentor.edges()
        rows.append(r)
        cols.append(c)
        empty = np.empty(0, dtype=np.int64)
        rows, cols = _merge_edges(empty, empty, np.concatenate(rows), np.concatenate(cols), m)
        return rows, cols, float(lo), float(hi)

    def check_duals(self, weights, p, q, rows, cols, add_per_mentee: int) -> _DualCheck:
        """Reduced profits w_ij - p_i - q_j of every usable pair; the violating ones outside the graph."""
        check = _DualCheck()
        new_rows, new_cols = [], []
        for start, stop in self.blocks():
            reduced = weights.of(self.usable_block(start, stop)) - p[start:stop, None] - q[None, :]
            check.usable_pairs += int(np.isfinite(reduced).sum())
            check.positive_sum += float(np.maximum(reduced.max(axis=1), 0.0).sum())
            # Pairs already in the graph are priced exactly (any float slack is charged to the gap).
            lo, hi = np.searchsorted(rows, [start, stop])
            reduced[rows[lo:hi] - start, cols[lo:hi]] = -np.inf
            violating = reduced > VIOLATION_TOLERANCE
            count = violating.sum(axis=1)
            check.violations += int(count.sum())
            # Only each mentee's most violating pairs join: bounded growth, and the next round's
            # duals usually settle the rest.
            for i in np.flatnonzero(count):
                row = reduced[i]
                worst = (
                    np.flatnonzero(violating[i]) if count[i] <= add_per_mentee else _top_indices(row, add_per_mentee)
                )
                new_rows.append(np.full(worst.size, start + i))
                new_cols.append(worst)
        if new_rows:
            check.new_rows = np.concatenate(new_rows)
            check.new_cols = np.concatenate(new_cols)
        return check


def _validated_capacity(capacity, n_mentors: int) -> np.ndarray:
    raw = np.asarray(capacity)
    if raw.ndim != 1 or raw.shape[0] != n_mentors:
        raise ValueError(f"capacity must hold one number per mentor ({n_mentors}), got shape {raw.shape}")
    whole = np.issubdtype(raw.dtype, np.integer) or (
        np.issubdtype(raw.dtype, np.floating) and np.isfinite(raw).all() and (raw == np.round(raw)).all()
    )
    if raw.size and not whole:
        raise ValueError("capacity must hold whole numbers")
    capacity = raw.astype(np.int64)
    if (capacity < 0).any():
        j = int(np.flatnonzero(capacity < 0)[0])
        raise ValueError(f"capacity must not be negative; mentor {j} has {capacity[j]}")
    return capacity


# --- candidate graph -------------------------------------------------------------------------------


def _top_indices(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest entries of a 1-D array (any order)."""
    if k >= values.size:
        return np.arange(values.size)
    return np.argpartition(-values, k - 1)[:k]


def _top_per_row(block: np.ndarray, k: int) -> np.ndarray:
    k = min(k, block.shape[1])
    if k == block.shape[1]:
        return np.broadcast_to(np.arange(k), block.shape)
    return np.argpartition(-block, k - 1, axis=1)[:, :k]


class _RunningTopPerColumn:
    """Each mentor's best `k` mentees, kept while the row blocks stream past."""

    def __init__(self, k: int, n_columns: int):
        self.k = k
        self.values = np.full((0, n_columns), -np.inf)
        self.rows = np.empty((0, n_columns), dtype=np.int64)

    def add(self, block: np.ndarray, start: int):
        # This block's best first (on the transposed block: a contiguous row per mentor is the
        # fast direction for argpartition), then merged with the best so far.
        by_mentor = np.ascontiguousarray(block.T)
        top = _top_per_row(by_mentor, self.k)
        values = np.vstack([self.values, np.take_along_axis(by_mentor, top, axis=1).T])
        rows = np.vstack([self.rows, start + top.T])
        if values.shape[0] > self.k:
            keep = np.argpartition(-values, self.k - 1, axis=0)[: self.k]
            values = np.take_along_axis(values, keep, axis=0)
            rows = np.take_along_axis(rows, keep, axis=0)
        self.values, self.rows = values, rows

    def edges(self):
        usable = np.isfinite(self.values)
        return self.rows[usable], np.broadcast_to(np.arange(self.values.shape[1]), self.values.shape)[usable]


def _merge_edges(rows, cols, more_rows, more_cols, n_columns):
    """Union of two edge lists, sorted by (mentee, mentor): the order the solver sees never depends on history."""
    keys = np.unique(np.concatenate([rows * n_columns + cols, np.asarray(more_rows, np.int64) * n_columns + more_cols]))
    return keys // n_columns, keys % n_columns


# --- sparse solve and certificate ----------------------------------------------------------------


@dataclass(frozen=True)
class _Weights:
    bonus: float
    lo: float
    span: float

    def of(self, scores):
        return self.bonus + (scores - self.lo) / self.span


@dataclass
class _DualCheck:
    usable_pairs: int = 0
    violations: int = 0  # pairs outside the graph with positive reduced profit
    positive_sum: float = 0.0  # sum over mentees of their largest positive reduced profit
    new_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # pairs joining the graph
    new_cols: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


def _solve_sparse(rows, cols, weights, capacity, n, m):
    """Maximum-weight transportation over the candidate pairs: (assignment, mentee prices, mentor prices)."""
    assignment = _best_assignment(rows, cols, weights, capacity, n)
    p, q = _prices(rows, cols, weights, capacity, assignment, n, m)
    return assignment, p, q


def _best_assignment(rows, cols, weights, capacity, n) -> np.ndarray:
    """LAPJVsp on the place graph: mentor j as min(capacity, candidates of j) identical places,
    plus one "unmatched" place per mentee so a full assignment of the mentees always exists."""
    places = np.minimum(capacity, np.bincount(cols, minlength=capacity.size))
    first_place = np.cumsum(places) - places
    copies = places[cols]
    edge = np.repeat(np.arange(rows.size), copies)
    copy_number = np.arange(edge.size) - np.repeat(np.cumsum(copies) - copies, copies)
    total_places = int(places.sum())
    # Every mentee takes exactly one place, so adding 1 to every weight changes no choice; it
    # keeps the "unmatched" weight nonzero, as the sparse format requires.
    graph = sp.csr_matrix(
        (
            np.concatenate([weights[edge] + 1.0, np.ones(n)]),
            (
                np.concatenate([rows[edge], np.arange(n)]),
                np.concatenate([first_place[cols[edge]] + copy_number, total_places + np.arange(n)]),
            ),
        ),
        shape=(n, total_places + n),
    )
    mentee, place = min_weight_full_bipartite_matching(graph, maximize=True)
    place_mentor = np.repeat(np.arange(capacity.size), places)
    assignment = np.full(n, -1, dtype=np.int64)
    real = place < total_places
    assignment[mentee[real]] = place_mentor[place[real]]
    return assignment


def _prices(rows, cols, weights, capacity, assignment, n, m):
    """Exact dual prices of an optimal assignment, from shortest paths in its residual network.

    The residual network of the flow source -> mentee -> mentor/"unmatched" -> sink, folded onto
    the mentors (a path mentor a -> mentee i -> mentor j becomes one arc of cost w_ia - w_ij),
    with the sink t as node m:
      a -> j   cost w_ia - w_ij   mentee i matched to a, j another candidate of i
      a -> t   cost w_ia          mentee i matched to a could drop out
      t -> j   cost -w_ij         unmatched mentee i could take j
      j -> t   cost 0             j has room;   t -> j  cost 0   j has someone
    With D the distances from t: q_j = -D_j, p_i = D_a + w_ia for mentee i matched to a, 0 for
    an unmatched mentee. Then p + q >= w on every candidate pair (a shortest path cannot be
    shortened), with equality on matched pairs, p >= 0, q >= 0, and q_j = 0 when j has room.
    A mentor no arc reaches has no candidate at all and gets q_j = 0.
    """
    matched = assignment >= 0
    own_weight = np.zeros(n)
    own_weight[matched] = weights[_edge_positions(rows, cols, np.flatnonzero(matched), assignment[matched], m)]
    edge_matched = matched[rows]
    mentor_of = assignment[rows]
    load = np.bincount(assignment[matched], minlength=m)
    sink = m
    with_room, with_someone, matched_mentees = (
        np.flatnonzero(load < capacity),
        np.flatnonzero(load > 0),
        np.flatnonzero(matched),
    )
    tails = [
        mentor_of[edge_matched],
        np.full(int((~edge_matched).sum()), sink),
        assignment[matched_mentees],
        with_room,
        np.full(with_someone.size, sink),
    ]
    heads = [
        cols[edge_matched],
        cols[~edge_matched],
        np.full(matched_mentees.size, sink),
        np.full(with_room.size, sink),
        with_someone,
    ]
    costs = [
        own_weight[rows[edge_matched]] - weights[edge_matched],
        -weights[~edge_matched],
        own_weight[matched_mentees],
        np.zeros(with_room.size),
        np.zeros(with_someone.size),
    ]
    distance = _bellman_ford(np.concatenate(tails), np.concatenate(heads), np.concatenate(costs), m + 1, sink)
    reachable = np.isfinite(distance[:m])
    q = np.zeros(m)
    q[reachable] = np.maximum(-distance[:m][reachable], 0.0)
    p = np.zeros(n)
    p[matched] = np.maximum(distance[assignment[matched]] + own_weight[matched], 0.0)
    return p, q


def _edge_positions(rows, cols, mentees, mentors, m) -> np.ndarray:
    """Positions of the given pairs in the (sorted, unique) candidate edge list."""
    return np.searchsorted(rows * m + cols, mentees * m + mentors)


def _bellman_ford(tails, heads, costs, nodes, source) -> np.ndarray:
    """Shortest distances from source; all arcs relaxed at once per pass (numpy), passes until stable."""
    keep = tails != heads  # self-loops cost >= 0 in an optimal residual network; they carry nothing
    tails, heads, costs = tails[keep], heads[keep], costs[keep]
    by_head = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[by_head], heads[by_head], costs[by_head]
    targets, starts = np.unique(heads, return_index=True)
    distance = np.full(nodes, np.inf)
    distance[source] = 0.0
    for _ in range(nodes + 1):
        best_in = np.minimum.reduceat(distance[tails] + costs, starts) if tails.size else np.empty(0)
        better = best_in < distance[targets] - RELAXATION_TOLERANCE
        if not better.any():
            return distance
        distance[targets[better]] = best_in[better]
    raise RuntimeError("the sparse assignment is not optimal (a negative cycle remains); this should not happen")


def _certified_solution(problem, assignment, p, q, weights, check, rounds, candidate_edges) -> Solution:
    n, m = problem.shape
    matched = np.flatnonzero(assignment >= 0)
    mentors = assignment[matched]
    load = np.bincount(mentors, minlength=m)
    if (load > problem.capacity).any() or len(matched) != len(set(matched.tolist())):
        raise RuntimeError("the sparse assignment is infeasible; this should not happen")
    scores = problem.scores[matched, mentors]
    # Upper bound minus achieved weight, summed term by term so the large bonuses cancel exactly:
    # each term is a slack, ~1e-12 when the duals are exact.
    unmatched = np.ones(n, dtype=bool)
    unmatched[matched] = False
    gap_weight = (
        float(np.sum(p[matched] + q[mentors] - weights.of(scores)))
        + float(p[unmatched].sum())
        + float(q @ (problem.capacity - load))
        + check.positive_sum
    )
    gap_weight = max(gap_weight, 0.0)
    normalized_total = float(((scores - weights.lo) / weights.span).sum())
    cardinality_proven = normalized_total + gap_weight < weights.bonus
    gap = gap_weight * weights.span
    pairs = f"{check.usable_pairs:,} possible pairs (allowed, at or above the minimum score)"
    if check.new_rows.size or not cardinality_proven:
        optimal = (
            f"NOT proven: {check.violations:,} of {pairs} still violate the dual certificate after {rounds} rounds"
            if check.new_rows.size
            else "NOT proven: the dual bound does not settle the number matched"
        )
        proven = False
    else:
        optimal = (
            f"proven by LP duality over all {pairs}: no mentee more can be matched, and no assignment "
            f"scores more than {gap:.2g} points above this one ({rounds} round{'s' if rounds > 1 else ''}, "
            f"{candidate_edges:,} candidate pairs)"
        )
        proven = True
    return Solution(
        assignment=assignment,
        total=float(scores.sum()),
        matched=int(matched.size),
        optimal=optimal,
        rounds=rounds,
        candidate_edges=int(candidate_edges),
        gap=gap,
        proven=proven,
    )


def _trivial_solution(n: int, reason: str) -> Solution:
    return Solution(
        assignment=np.full(n, -1, dtype=np.int64),
        total=0.0,
        matched=0,
        optimal=f"trivially optimal: {reason}",
        rounds=0,
        candidate_edges=0,
    )


# Callers import every pure entry point from one place (see the module docstring of each).
from .circles import peer_circles  # noqa: E402
from .quality import quality  # noqa: E402
from .rotation import rotation_round  # noqa: E402
