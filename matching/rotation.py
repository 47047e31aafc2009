"""Rotation rounds: pair everyone in a one-sided pool, meeting new people every round.

Pure numpy, no Django.

A static pool of n people (n even) can meet everyone exactly once in n - 1 rounds, but only if
the rounds are planned together: picking each round's pairs on its own (greedily, or even with
a perfect-matching search over the pairs not met yet) can paint itself into a corner. With six
people, three rounds that form the complete bipartite graph between {0,1,2} and {3,4,5} leave
two triangles, and a triangle has no pairing. So each round is taken from a fixed 1-factorization
of the whole pool (the circle method, relabelled by `seed`): any of its rounds that repeats
nobody keeps the rest of the schedule completable. Among those, the round with the highest
total score is taken, so better pairs meet earlier.

When no schedule round fits (people joined or left, earlier rounds came from elsewhere, hard
rules forbid a pair of every remaining round), the round is searched instead: a maximum number
of new pairs (Edmonds' blossom algorithm, starting from the best-score greedy pairing), improved
by two-pair exchanges, then repeats only for those who cannot meet anyone new this round.

`met` may hold booleans or meeting counts. "New" means: among the least-met allowed partners of
both people; with booleans, an unmet pair, or a repeat between two people who have met everyone.
Pass counts to keep rotating once everyone has met everyone (with booleans every pair is then
equally new, and the same best round would come back).
"""

from __future__ import annotations

from collections import deque

import numpy as np

IMPROVEMENT_TOLERANCE = 1e-12


def rotation_round(n, met, scores=None, allowed=None, seed=0) -> list[tuple[int, ...]]:
    """One round: pairs, plus one triple when n is odd, as sorted tuples of person indices.

    Pass the same `seed` every round of a pool so the planned schedule carries on. Someone with
    no allowed partner at all appears in no tuple.
    """
    pool = _Pool(n, met, scores, allowed)
    if n < 2:
        return []
    planned = next(_schedule_rounds_by_score(pool, seed), None)
    return _with_leftovers(pool, planned if planned is not None else _searched_pairs(pool, seed))


class _Pool:
    def __init__(self, n, met, scores, allowed):
        if int(n) != n or n < 0:
            raise ValueError(f"n must be a whole number >= 0, got {n}")
        self.n = n = int(n)
        counts = np.asarray(met)
        if counts.shape != (n, n):
            raise ValueError(f"met must be an n x n array ({n} x {n}), got shape {counts.shape}")
        counts = counts.astype(np.int64)
        self.counts = np.maximum(counts, counts.T)
        self.allowed = np.ones((n, n), dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
        if self.allowed.shape != (n, n):
            raise ValueError(f"allowed must be an n x n array ({n} x {n}), got shape {self.allowed.shape}")
        self.allowed = self.allowed & self.allowed.T
        np.fill_diagonal(self.allowed, False)
        if scores is None:
            self.scores = np.zeros((n, n))
        else:
            self.scores = np.asarray(scores, dtype=np.float64)
            if self.scores.shape != (n, n):
                raise ValueError(f"scores must be an n x n array ({n} x {n}), got shape {self.scores.shape}")
            if not np.isfinite(self.scores[self.allowed]).all():
                raise ValueError("scores must be finite for allowed pairs")
            self.scores = (self.scores + self.scores.T) / 2
        # A pair is new when it is among the least-met allowed partners of both people.
        never = np.iinfo(np.int64).max
        least_met = np.where(self.allowed, self.counts, never).min(axis=1, initial=never)
        self.new = self.allowed & (self.counts <= np.minimum(least_met[:, None], least_met[None, :]))


# --- the planned schedule -----------------------------------------------------------------------


def _circle_schedule(n: int, seed: int) -> list[list[tuple[int, int]]]:
    """The circle method: n - 1 rounds (n rounds if n is odd, -1 standing for "sits out")."""
    slots = n + n % 2
    person = np.random.default_rng(seed).permutation(n).tolist() + [-1] * (slots - n)
    rounds = []
    for r in range(slots - 1):
        pairs = [(r, slots - 1)]
        pairs += [((r + k) % (slots - 1), (r - k) % (slots - 1)) for k in range(1, slots // 2)]
        rounds.append([(person[a], person[b]) for a, b in pairs])
    return rounds


def _schedule_rounds_by_score(pool: _Pool, seed: int):
    """The schedule's rounds that pair nobody again, best total score first (then schedule order)."""
    fitting = []
    for index, pairs in enumerate(_circle_schedule(pool.n, seed)):
        real = [(a, b) for a, b in pairs if a >= 0 and b >= 0]
        if all(pool.new[a, b] for a, b in real):
            fitting.append((-sum(pool.scores[a, b] for a, b in real), index, real))
    for _, _, real in sorted(fitting):
        yield real


# --- the searched round -------------------------------------------------------------------------


def _searched_pairs(pool: _Pool, seed: int) -> list[tuple[int, int]]:
    # Random tie-breaking among equal scores, fixed by the seed.
    jitter = np.random.default_rng(seed).random((pool.n, pool.n))
    mate = _greedy_pairing(pool.new, pool.scores, jitter, list(range(pool.n)))
    _augment_to_maximum(pool.new, mate)
    _improve_by_exchanges(pool.new, pool.scores, mate)
    # Whoever is left cannot meet anyone new this round: a repeat, least-met partner first.
    left = [a for a in range(pool.n) if mate[a] < 0]
    repeat_score = pool.scores - 1e6 * pool.counts
    sub_mate = _greedy_pairing(pool.allowed, repeat_score, jitter, left)
    _augment_to_maximum(pool.allowed, sub_mate, among=left)
    for a in left:
        if sub_mate[a] >= 0:
            mate[a] = sub_mate[a]
    return [(a, mate[a]) for a in range(pool.n) if a < mate[a]]


def _greedy_pairing(edges, scores, jitter, people) -> list[int]:
    """Best pair first among `people`; returns each person's mate or -1 (everyone else -1)."""
    n = edges.shape[0]
    mate = [-1] * n
    people = np.asarray(people, dtype=np.int64)
    if people.size < 2:
        return mate
    sub = edges[np.ix_(people, people)]
    a, b = np.nonzero(np.triu(sub, k=1))
    a, b = people[a], people[b]
    order = np.lexsort((jitter[a, b], -scores[a, b]))
    for x, y in zip(a[order].tolist(), b[order].tolist(), strict=True):
        if mate[x] < 0 and mate[y] < 0:
            mate[x], mate[y] = y, x
    return mate


def _augment_to_maximum(edges, mate: list[int], among=None) -> None:
    """Edmonds' blossom algorithm: augment `mate` (in place) to a maximum matching of `edges`."""
    n = edges.shape[0]
    members = range(n) if among is None else among
    inside = np.zeros(n, dtype=bool)
    inside[list(members)] = True
    neighbours = [np.flatnonzero(edges[v] & inside).tolist() if inside[v] else [] for v in range(n)]
    for root in members:
        if mate[root] < 0:
            end, parent = _augmenting_path(neighbours, mate, root)
            while end >= 0:  # flip the path found
                parent_end = parent[end]
                next_end = mate[parent_end]
                mate[end], mate[parent_end] = parent_end, end
                end = next_end


def _augmenting_path(neighbours, mate, root) -> tuple[int, list[int]]:
    """Breadth-first search for an augmenting path from root, contracting odd cycles (blossoms).

    Returns the path's free end (or -1) and the parent links to read the path back.
    """
    n = len(neighbours)
    used = [False] * n
    parent = [-1] * n
    base = list(range(n))
    used[root] = True
    queue = deque([root])

    def lowest_common_ancestor(a, b):
        seen = [False] * n
        while True:
            a = base[a]
            seen[a] = True
            if mate[a] < 0:
                break
            a = parent[mate[a]]
        while True:
            b = base[b]
            if seen[b]:
                return b
            b = parent[mate[b]]

    def mark_path(v, blossom_base, child, in_blossom):
        while base[v] != blossom_base:
            in_blossom[base[v]] = in_blossom[base[mate[v]]] = True
            parent[v] = child
            child = mate[v]
            v = parent[mate[v]]

    while queue:
        v = queue.popleft()
        for to in neighbours[v]:
            if base[v] == base[to] or mate[v] == to:
                continue
            if to == root or (mate[to] >= 0 and parent[mate[to]] >= 0):
                blossom_base = lowest_common_ancestor(v, to)
                in_blossom = [False] * n
                mark_path(v, blossom_base, to, in_blossom)
                mark_path(to, blossom_base, v, in_blossom)
                for i in range(n):
                    if in_blossom[base[i]]:
                        base[i] = blossom_base
                        if not used[i]:
                            used[i] = True
                            queue.append(i)
            elif parent[to] < 0:
                parent[to] = v
                if mate[to] < 0:
                    return to, parent
                used[mate[to]] = True
                queue.append(mate[to])
    return -1, parent


def _improve_by_exchanges(edges, scores, mate: list[int]) -> None:
    """Swap partners between two pairs, (a,b)(c,d) -> (a,c)(b,d) or (a,d)(b,c), while the total rises."""
    improved = True
    while improved:
        improved = False
        pairs = [(a, mate[a]) for a in range(len(mate)) if a < mate[a]]
        for first in range(len(pairs)):
            a, b = pairs[first]
            for second in range(first + 1, len(pairs)):
                c, d = pairs[second]
                now = scores[a, b] + scores[c, d]
                for x, y, z, w in ((a, c, b, d), (a, d, b, c)):
                    if edges[x, y] and edges[z, w] and scores[x, y] + scores[z, w] > now + IMPROVEMENT_TOLERANCE:
                        mate[x], mate[y], mate[z], mate[w] = y, x, w, z
                        pairs[first], pairs[second] = (x, y), (z, w)
                        a, b = x, y
                        now = scores[x, y] + scores[z, w]
                        improved = True
                        break


# --- the odd one out ------------------------------------------------------------------------------


def _with_leftovers(pool: _Pool, pairs: list[tuple[int, int]]) -> list[tuple[int, ...]]:
    """Whoever has no partner joins the pair that suits them best (new partners first): a triple."""
    groups = [tuple(sorted(pair)) for pair in pairs]
    placed = np.zeros(pool.n, dtype=bool)
    for group in groups:
        placed[list(group)] = True
    for person in np.flatnonzero(~placed).tolist():
        best, best_key = None, None
        for index, group in enumerate(groups):
            if not pool.allowed[person, list(group)].all():
                continue
            # A pair before a triple (two leftovers should not make a foursome), then new
            # partners, then score.
            key = (
                -len(group),
                int(pool.new[person, list(group)].sum()),
                float(pool.scores[person, list(group)].sum()),
                -index,
            )
            if best_key is None or key > best_key:
                best, best_key = index, key
        if best is not None:
            groups[best] = tuple(sorted((*groups[best], person)))
    return sorted(groups)
