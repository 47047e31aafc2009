"""Peer circles: partition a pool into groups of a size range, maximizing within-group compatibility.

Pure numpy, no Django.

The exact optimum is NP-hard (it contains graph partitioning), so this is a strong heuristic with
an honest yardstick:
- construction: one seed per circle, chosen far apart (least similar to the seeds so far), then
  the hardest-to-place people first (fewest allowed partners), each into the open circle they
  add most to;
- local search: moving one person to another circle and swapping two people across circles,
  every gain computed in O(1) from a person x circle table of summed similarities, each person's
  options evaluated at once with numpy, until no move or swap helps;
- iterated local search: a random kick of a few swaps, local search again, keep the best; a fixed
  number of rounds, so the result depends only on the input and `seed`;
- an upper bound that no partition can beat: each person's best (size_max - 1) positive allowed
  similarities, summed and halved. `gap` is (bound - objective) / bound.

A disallowed pair is never put together: conflicts are penalized above any similarity during the
search, and any left at the end (only when the rules leave no way out) are resolved by leaving
people unplaced, said in `note`.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

DEFAULT_ROUNDS = 200
KICK_SWAPS = 3
# Kicks in a row without a better partition before the search stops early.
PATIENCE = 60
# Circle counts tried at most (each one more circle than the last, while results improve).
MAX_LAYOUTS_TRIED = 10
IMPROVEMENT_TOLERANCE = 1e-9


@dataclass
class CircleResult:
    groups: list[list[int]]  # sorted person indices per circle
    objective: float  # sum of similarities over pairs sharing a circle
    upper_bound: float
    gap: float  # (upper_bound - objective) / upper_bound; 0 when both are 0
    unplaced: list[int] = field(default_factory=list)  # people no circle could take
    note: str = ""  # why some people are unplaced, in words


def peer_circles(
    similarity, size_min, size_max, allowed=None, seed=0, time_limit=None, rounds=DEFAULT_ROUNDS
) -> CircleResult:
    """Circles of size_min..size_max people covering the pool (everyone, whenever the sizes allow).

    `similarity` is n x n (symmetrized here); `allowed` False keeps a pair apart. `time_limit`
    (seconds) only caps the improvement rounds; without it the result is fully deterministic.
    """
    board = _Board(similarity, allowed)
    n = board.n
    size_min, size_max = int(size_min), int(size_max)
    if not 1 <= size_min <= size_max:
        raise ValueError(f"need 1 <= size_min <= size_max, got {size_min} and {size_max}")
    bound = _upper_bound(board, size_max)
    layouts, note = _circle_layouts(n, size_min, size_max)
    if not layouts:
        return CircleResult([], 0.0, bound, _gap(0.0, bound), list(range(n)), note)
    # Fewest circles first (bigger circles, more pairs), then one more circle at a time while
    # that seats more people or scores higher: similar people may form more, smaller circles.
    best = None
    for sizes in layouts[:MAX_LAYOUTS_TRIED]:
        search = _Search(board, sizes, size_min, size_max, np.random.default_rng(seed))
        _iterated_local_search(search, rounds, time_limit)
        groups, unplaced, repair_note = search.result()
        objective = float(sum(board.similarity[np.ix_(g, g)].sum() / 2 for g in groups))
        result = CircleResult(
            groups=groups,
            objective=objective,
            upper_bound=bound,
            gap=_gap(objective, bound),
            unplaced=unplaced,
            note=" ".join(part for part in (note, repair_note) if part),
        )
        if best is not None and (-len(unplaced), objective) <= (-len(best.unplaced), best.objective):
            break
        best = result
    return best


def _iterated_local_search(search: _Search, rounds: int, time_limit: float | None) -> None:
    search.local_search()
    search.checkpoint()
    best_value = search.value()
    started = time.monotonic()
    since_best = 0
    for _ in range(rounds):
        if since_best >= PATIENCE or (time_limit is not None and time.monotonic() - started > time_limit):
            break
        search.local_search(search.kick())
        if search.value() > best_value + IMPROVEMENT_TOLERANCE:
            search.checkpoint()
            best_value = search.value()
            since_best = 0
        else:
            search.rollback()
            since_best += 1


class _Board:
    def __init__(self, similarity, allowed):
        similarity = np.asarray(similarity, dtype=np.float64)
        if similarity.ndim != 2 or similarity.shape[0] != similarity.shape[1]:
            raise ValueError(f"similarity must be a square n x n array, got shape {similarity.shape}")
        self.n = n = similarity.shape[0]
        if allowed is None:
            allowed = np.ones((n, n), dtype=bool)
        allowed = np.asarray(allowed, dtype=bool)
        if allowed.shape != (n, n):
            raise ValueError(f"allowed must have the shape of similarity {(n, n)}, got {allowed.shape}")
        self.allowed = allowed & allowed.T
        np.fill_diagonal(self.allowed, True)  # being with oneself is no conflict
        if not np.isfinite(similarity[self.allowed]).all():
            raise ValueError("similarity must be finite for allowed pairs")
        similarity = np.where(self.allowed, similarity, 0.0)
        self.similarity = (similarity + similarity.T) / 2
        np.fill_diagonal(self.similarity, 0.0)
        self.conflict = (~self.allowed).astype(np.float64)
        # One conflict outweighs any change of similarity a single move or swap can make.
        self.penalty = 4.0 * n * float(np.abs(self.similarity).max(initial=0.0)) + 1.0


def _circle_layouts(n: int, size_min: int, size_max: int) -> tuple[list[list[int]], str]:
    """Circle sizes for each workable number of circles (fewest first), as even as possible.

    When no number of circles fits n, as many people as possible are placed and the note says so.
    """
    fewest, most = math.ceil(n / size_max), n // size_min
    placed, note = n, ""
    if fewest > most:
        fewest = most
        placed = most * size_max
        note = f"{n} people cannot be split into circles of {size_min} to {size_max}: {n - placed} must stay unplaced."
    layouts = []
    for circles in range(max(fewest, 1), most + 1):
        base, extra = divmod(placed, circles)
        layouts.append([base + 1] * extra + [base] * (circles - extra))
    return layouts, note


def _upper_bound(board: _Board, size_max: int) -> float:
    partners = size_max - 1
    if partners <= 0 or board.n < 2:
        return 0.0
    positive = np.where(board.allowed & (board.similarity > 0), board.similarity, 0.0)
    k = min(partners, board.n - 1)
    best = -np.partition(-positive, k - 1, axis=1)[:, :k]
    return float(best.sum() / 2)


def _gap(objective: float, bound: float) -> float:
    if bound <= 0:
        return 0.0
    return max(0.0, (bound - objective) / bound)


class _Search:
    """Circle labels and the person x circle tables, kept in step by every move.

    Label `len(sizes)` is the bench: people left out when the sizes cannot cover everyone.
    The bench's size is fixed (people enter it only by a swap) and it adds nothing.
    """

    def __init__(self, board: _Board, sizes: list[int], size_min: int, size_max: int, rng):
        self.board = board
        self.circles = len(sizes)
        self.size_min, self.size_max = size_min, size_max
        self.rng = rng
        self.log = []
        self._construct(sizes)

    # -- state --

    def _recount(self):
        one_hot = np.zeros((self.board.n, self.circles + 1))
        one_hot[np.arange(self.board.n), self.labels] = 1.0
        self.together = self.board.similarity @ one_hot  # person x circle: summed similarity
        self.clashes = self.board.conflict @ one_hot  # person x circle: disallowed members
        self.sizes = one_hot.sum(axis=0).astype(np.int64)

    def checkpoint(self):
        """The current circles become the ones `rollback` returns to."""
        self.log = []

    def rollback(self):
        while self.log:
            person, frm = self.log.pop()
            self._move(person, frm, record=False)

    def _adds(self, people, circles) -> np.ndarray:
        """What people add to circles (0 on the bench), each conflict penalized above any similarity."""
        adds = self.together[people, circles] - self.board.penalty * self.clashes[people, circles]
        return np.where(circles == self.circles, 0.0, adds)

    def _own(self) -> np.ndarray:
        return self._adds(np.arange(self.board.n), self.labels)

    def value(self) -> float:
        return float(self._own().sum() / 2)

    def _move(self, person, to, record=True):
        frm = self.labels[person]
        if record:
            self.log.append((person, frm))
        self.together[:, frm] -= self.board.similarity[:, person]
        self.together[:, to] += self.board.similarity[:, person]
        self.clashes[:, frm] -= self.board.conflict[:, person]
        self.clashes[:, to] += self.board.conflict[:, person]
        self.sizes[frm] -= 1
        self.sizes[to] += 1
        self.labels[person] = to

    # -- construction --

    def _construct(self, sizes: list[int]) -> np.ndarray:
        board, n = self.board, self.board.n
        bench = len(sizes)
        self.labels = np.full(n, bench)
        self._recount()
        room = np.array([*sizes, n - sum(sizes)])
        # Hardest first: fewest allowed partners; random order among equals.
        difficulty = np.lexsort((self.rng.random(n), board.allowed.sum(axis=1)))
        # Seeds far apart: each the least similar to the seeds so far.
        seeds = [int(difficulty[0])]
        while len(seeds) < bench:
            closeness = board.similarity[:, seeds].max(axis=1)
            closeness[seeds] = np.inf
            seeds.append(int(np.argmin(closeness)))
        for circle, person in enumerate(seeds):
            room[circle] -= 1
            self._move(person, circle)
        chosen = set(seeds)
        for person in (int(p) for p in difficulty if int(p) not in chosen):
            gains = self._adds(np.full(bench, person), np.arange(bench))
            gains[room[:bench] == 0] = -np.inf
            circle = int(np.argmax(gains)) if np.isfinite(gains).any() else bench
            # When not everyone fits, the bench takes whoever would only bring conflicts or dislike.
            if room[bench] > 0 and (circle == bench or gains[circle] < 0):
                circle = bench
            room[circle] -= 1
            self._move(person, circle)

    # -- improvement --

    def local_search(self, people=None):
        """Improve until no move or swap helps anyone waiting in the queue.

        Don't-look bits: after a change only the members of the two circles involved are looked
        at again (a swap's gain is symmetric, so it is found from either side).
        """
        queue = deque(self.rng.permutation(self.board.n).tolist() if people is None else people)
        waiting = np.zeros(self.board.n, dtype=bool)
        waiting[list(queue)] = True
        while queue:
            person = queue.popleft()
            waiting[person] = False
            changed = self._improve(person)
            if changed:
                touched = np.flatnonzero(np.isin(self.labels, changed) & ~waiting)
                queue.extend(self.rng.permutation(touched).tolist())
                waiting[touched] = True

    def _improve(self, a) -> list[int]:
        """Apply the best move or swap for person a, if any helps; the circles it changed."""
        bench, n = self.circles, self.board.n
        labels = self.labels
        k = labels[a]
        penalty = self.board.penalty
        row = self.together[a] - penalty * self.clashes[a]  # a in each circle
        row[bench] = 0.0
        # each person in a's circle
        col = np.zeros(n) if k == bench else self.together[:, k] - penalty * self.clashes[:, k]
        own = self._own()
        # Swaps with everyone in another circle (bench included).
        pair = self.board.similarity[a] - self.board.penalty * self.board.conflict[a]
        swap = row[labels] + col - own[a] - own
        swap -= pair * ((labels != bench).astype(float) + float(k != bench))
        swap[labels == k] = -np.inf
        b = int(np.argmax(swap))
        best_gain, best = swap[b], ("swap", b)
        # Moves between circles, within the size range (the bench keeps its size).
        if k != bench and self.sizes[k] > self.size_min:
            move = row[:bench] - own[a]
            move[self.sizes[:bench] >= self.size_max] = -np.inf
            move[k] = -np.inf
            to = int(np.argmax(move))
            if move[to] > best_gain:
                best_gain, best = move[to], ("move", to)
        if best_gain <= IMPROVEMENT_TOLERANCE:
            return []
        kind, target = best
        if kind == "move":
            self._move(a, target)
            return [k, target]
        other = labels[target]
        self._move(a, other)
        self._move(target, k)
        return [k, other]

    def kick(self) -> list[int]:
        """A few random swaps across circles, to leave the current local optimum; who to look at again."""
        n = self.board.n
        touched = set()
        for _ in range(KICK_SWAPS):
            a, b = self.rng.integers(n, size=2).tolist()
            if self.labels[a] != self.labels[b]:
                frm, to = int(self.labels[a]), int(self.labels[b])
                self._move(a, to)
                self._move(b, frm)
                touched.update((frm, to))
        return np.flatnonzero(np.isin(self.labels, list(touched))).tolist()

    # -- result --

    def result(self) -> tuple[list[list[int]], list[int], str]:
        """Groups with no disallowed pair; people who had to be left out; why."""
        bench = self.circles
        labels = self.labels.copy()
        clashing = 0
        while True:
            placed = labels != bench
            clashes = (self.board.conflict[:, placed] * (labels[:, None] == labels[placed][None, :])).sum(axis=1)
            clashes[~placed] = 0
            if clashes.max(initial=0) == 0:
                break
            labels[int(np.argmax(clashes))] = bench
            clashing += 1
        note = ""
        if clashing:
            # Circles that fell below the minimum are dissolved, then the unplaced are seated where
            # there is room and no conflict.
            for circle in range(bench):
                if 0 < (labels == circle).sum() < self.size_min:
                    labels[labels == circle] = bench
            for person in np.flatnonzero(labels == bench):
                for circle in range(bench):
                    members = labels == circle
                    if self.size_min <= members.sum() < self.size_max and self.board.allowed[person, members].all():
                        labels[person] = circle
                        break
            extra = int((labels == bench).sum() - (self.labels == bench).sum())
            if extra:
                note = f"The hard rules leave no way to seat everyone: {extra} more unplaced."
        groups = [np.flatnonzero(labels == circle).tolist() for circle in range(bench)]
        return [g for g in groups if g], np.flatnonzero(labels == bench).tolist(), note
