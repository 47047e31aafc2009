"""Benchmark of the matching engine on realistic generated cohorts: `python -m matching.bench`.

    python -m matching.bench [--sizes 1000,5000,10000] [--dense-max 10000] [--seed 0]

Prints one JSON object per size (stdout; progress and machine load go to stderr):
n_mentees, n_mentors, build_seconds (matching.scoring.build_scores), solve_seconds
(matching.solver.solve_certified), peak_mib (peak resident memory of a fresh process that
generates the cohort, builds the scores and solves; the baselines run in other processes),
total, optimal (the solver's certificate), greedy_total and greedy_seconds (best pair first),
dense_lsa_total and dense_lsa_seconds (scipy's dense linear_sum_assignment over one column per
mentor place and one "unmatched" column per mentee; null, with dense_lsa_reason, when skipped:
above --dense-max, or still running after DENSE_TIMEOUT_SECONDS),
min_score, unmatched.

The cohorts imitate a company program: mentees want 1-4 skills and mentors offer 3-9, both drawn
with a skewed popularity (so a few mentors cover what many want); a Likert-style answer (1-5)
and time-zone bands make many scores tie; departments must differ and mentors must not be junior
to their mentee (hard rules), plus reporting lines and "please not" lists, together forbidding
about 17 % of the pairs; 5 % of mentees asked for a mentor; capacities 1-5; one mentor per 5 mentees.

Pure numpy/scipy, no Django: the same modules a match run uses.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

from . import scoring
from .solver import solve_certified

MIN_SCORE = 20.0
PREFERENCE_BONUS = 10.0
SKILLS = [f"skill-{k}" for k in range(40)]
DEPARTMENTS = [f"dept-{k}" for k in range(12)]
TIME_ZONE_BANDS = ["americas-west", "americas-east", "europe-west", "europe-east", "india", "asia-pacific"]
DENSE_TIMEOUT_SECONDS = 360


# --- cohorts --------------------------------------------------------------------------------------


def generate_cohort(n_mentees: int, seed: int = 0):
    """(criteria, n_mentees, n_mentors, capacity, forbidden_pairs, preferred_pairs) of a realistic cohort."""
    rng = np.random.default_rng(seed)
    n_mentors = max(1, n_mentees // 5)
    skill_popularity = _zipf(len(SKILLS), 1.1)
    department_share = _zipf(len(DEPARTMENTS), 0.8)
    zone_share = np.array([0.15, 0.25, 0.3, 0.1, 0.12, 0.08])

    def skills(count_low, count_high, size):
        counts = rng.integers(count_low, count_high + 1, size)
        return [frozenset(rng.choice(SKILLS, c, replace=False, p=skill_popularity).tolist()) for c in counts]

    def choice(values, share, size):
        return rng.choice(values, size, p=share).tolist()

    mentee_level = rng.integers(1, 5, n_mentees).astype(float)
    mentor_level = rng.integers(3, 8, n_mentors).astype(float)
    criteria = [
        scoring.Criterion(
            key="skills",
            kind="overlap",
            label="What you want to learn ↔ what they offer",
            weight=5.0,
            mentee_values=skills(1, 4, n_mentees),
            mentor_values=skills(3, 9, n_mentors),
        ),
        scoring.Criterion(
            key="zone",
            kind="same",
            label="Time zone",
            weight=2.0,
            mentee_values=choice(TIME_ZONE_BANDS, zone_share, n_mentees),
            mentor_values=choice(TIME_ZONE_BANDS, zone_share, n_mentors),
        ),
        scoring.Criterion(
            key="department",
            kind="different",
            label="Another department",
            weight=1.0,
            required=True,
            mentee_values=choice(DEPARTMENTS, department_share, n_mentees),
            mentor_values=choice(DEPARTMENTS, department_share, n_mentors),
        ),
        scoring.Criterion(
            key="level",
            kind="gap",
            label="One or two levels ahead",
            weight=2.0,
            mentee_values=mentee_level.tolist(),
            mentor_values=mentor_level.tolist(),
            gap_target=2.0,
            gap_tolerance=1.0,
            gap_hard_min=0.0,
        ),
        scoring.Criterion(
            key="style",
            kind="gap",
            label="How structured you like meetings (1-5)",
            weight=1.0,
            mentee_values=rng.integers(1, 6, n_mentees).astype(float).tolist(),
            mentor_values=rng.integers(1, 6, n_mentors).astype(float).tolist(),
            gap_target=0.0,
            gap_tolerance=0.0,
        ),
    ]
    # Reporting lines and "please not" lists: a few pairs per hundred mentees.
    forbidden = np.column_stack(
        [rng.integers(0, n_mentees, n_mentees // 20), rng.integers(0, n_mentors, n_mentees // 20)]
    )
    askers = rng.choice(n_mentees, n_mentees // 20, replace=False)
    popular = rng.choice(n_mentors, len(askers), p=_zipf(n_mentors, 1.0))
    preferred = np.column_stack([askers, popular])
    capacity = rng.integers(1, 6, n_mentors)
    return criteria, n_mentees, n_mentors, capacity, forbidden, preferred


def _zipf(count: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


def build_cohort_scores(n_mentees: int, seed: int):
    criteria, n, m, capacity, forbidden, preferred = generate_cohort(n_mentees, seed)
    started = time.perf_counter()
    matrix = scoring.build_scores(
        criteria, n, m, forbidden_pairs=forbidden, preferred_pairs=preferred, preference_bonus=PREFERENCE_BONUS
    )
    return matrix, capacity, time.perf_counter() - started


# --- baselines -------------------------------------------------------------------------------------


def greedy_assign(scores, capacity, allowed=None, min_score=None) -> np.ndarray:
    """Best pair first: the highest-scoring usable pair is taken while both sides have room.

    What most matching products do. Pairs are scanned in sorted batches; within a batch, pairs
    whose mentee is already matched or whose mentor is full are dropped with numpy before the
    (necessarily sequential) Python loop.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n, m = scores.shape
    usable = np.isfinite(scores) & (np.asarray(capacity) > 0)[None, :]
    if allowed is not None:
        usable &= allowed
    if min_score is not None:
        usable &= scores >= min_score
    flat = np.flatnonzero(usable)
    order = flat[np.argsort(-scores.ravel()[flat], kind="stable")]
    assignment = np.full(n, -1, dtype=np.int64)
    room = np.array(capacity, dtype=np.int64)
    mentee_free = np.ones(n, dtype=bool)
    batch = 4 * (n + m)
    for start in range(0, order.size, batch):
        if not mentee_free.any() or not room.any():
            break
        chunk = order[start : start + batch]
        rows, cols = chunk // m, chunk % m
        alive = mentee_free[rows] & (room[cols] > 0)
        for i, j in zip(rows[alive].tolist(), cols[alive].tolist(), strict=True):
            if mentee_free[i] and room[j] > 0:
                assignment[i] = j
                mentee_free[i] = False
                room[j] -= 1
    return assignment


def dense_lsa_assign(scores, capacity, allowed=None, min_score=None) -> np.ndarray:
    """The textbook exact method: one column per mentor place plus one "unmatched" column per
    mentee, scipy's dense linear_sum_assignment over the whole matrix (memory n x (places + n)).

    Same lexicographic weights as the solver (a bonus per matched pair above any score sum);
    an unusable pair costs more than staying unmatched, so it is never chosen.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n, m = scores.shape
    capacity = np.asarray(capacity, dtype=np.int64)
    place_mentor = np.repeat(np.arange(m), capacity)
    places = place_mentor.size
    usable = np.isfinite(scores) & (capacity > 0)[None, :]
    if allowed is not None:
        usable &= allowed
    if min_score is not None:
        usable &= scores >= min_score
    assignment = np.full(n, -1, dtype=np.int64)
    if n == 0 or places == 0 or not usable.any():
        return assignment
    lo, hi = scores[usable].min(), scores[usable].max()
    bonus = min(n, places) + 1
    cost = np.zeros((n, places + n))
    for start in range(0, n, 1000):
        block = slice(start, start + 1000)
        weight = bonus + (scores[block] - lo) / ((hi - lo) or 1.0)
        cost[block, :places] = np.where(usable[block], -weight, 1.0)[:, place_mentor]
    rows, cols = linear_sum_assignment(cost)
    taken = cols < places
    assignment[rows[taken]] = place_mentor[cols[taken]]
    return assignment


# --- measuring -------------------------------------------------------------------------------------


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def measure_engine(n_mentees: int, seed: int) -> dict:
    matrix, capacity, build_seconds = build_cohort_scores(n_mentees, seed)
    started, cpu_started = time.perf_counter(), time.process_time()
    solution = solve_certified(matrix.scores, capacity, matrix.allowed, MIN_SCORE)
    solve_seconds = time.perf_counter() - started
    solve_cpu_seconds = time.process_time() - cpu_started
    n, m = matrix.scores.shape
    return {
        "n_mentees": n,
        "n_mentors": m,
        "build_seconds": round(build_seconds, 3),
        "solve_seconds": round(solve_seconds, 3),
        "peak_mib": round(_peak_mib(), 1),
        "total": round(solution.total, 6),
        "optimal": solution.optimal,
        "min_score": MIN_SCORE,
        "unmatched": int(n - solution.matched),
        "_forbidden_share": round(float(1 - matrix.allowed.mean()), 4),
        "_solve_cpu_seconds": round(solve_cpu_seconds, 3),
    }


def measure_baseline(name: str, n_mentees: int, seed: int) -> dict:
    matrix, capacity, _ = build_cohort_scores(n_mentees, seed)
    baseline = {"greedy": greedy_assign, "dense_lsa": dense_lsa_assign}[name]
    started = time.perf_counter()
    assignment = baseline(matrix.scores, capacity, matrix.allowed, MIN_SCORE)
    seconds = time.perf_counter() - started
    matched = np.flatnonzero(assignment >= 0)
    total = float(matrix.scores[matched, assignment[matched]].sum())
    return {
        f"{name}_total": round(total, 6),
        f"{name}_seconds": round(seconds, 3),
        f"_{name}_unmatched": int(assignment.size - matched.size),
    }


def _in_fresh_process(part: str, n_mentees: int, seed: int, timeout: float | None = None) -> dict:
    """Each measurement in its own process, so peak memory is that part's alone."""
    command = [sys.executable, "-m", "matching.bench", "--part", part, "--sizes", str(n_mentees), "--seed", str(seed)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(done.stdout)


def bench_size(n_mentees: int, seed: int, dense_max: int) -> dict:
    row = _in_fresh_process("engine", n_mentees, seed)
    row.update(_in_fresh_process("greedy", n_mentees, seed))
    if n_mentees > dense_max:
        row.update(
            dense_lsa_total=None, dense_lsa_seconds=None, dense_lsa_reason=f"skipped: above --dense-max {dense_max}"
        )
    else:
        try:
            row.update(_in_fresh_process("dense_lsa", n_mentees, seed, timeout=DENSE_TIMEOUT_SECONDS))
        except subprocess.TimeoutExpired:
            row.update(
                dense_lsa_total=None,
                dense_lsa_seconds=None,
                dense_lsa_reason=f"skipped: still running after {DENSE_TIMEOUT_SECONDS} s",
            )
    return row


def _report(row: dict) -> dict:
    """The published fields, in a fixed order (internal cross-checks are dropped)."""
    keys = [
        "n_mentees",
        "n_mentors",
        "build_seconds",
        "solve_seconds",
        "peak_mib",
        "total",
        "optimal",
        "greedy_total",
        "greedy_seconds",
        "dense_lsa_total",
        "dense_lsa_seconds",
        "min_score",
        "unmatched",
    ]
    report = {key: row[key] for key in keys}
    if "dense_lsa_reason" in row:
        report["dense_lsa_reason"] = row["dense_lsa_reason"]
    return report


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m matching.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,10000", help="mentee counts, comma-separated")
    parser.add_argument("--dense-max", type=int, default=10000, help="largest size for the dense baseline")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--part", choices=["engine", "greedy", "dense_lsa"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if args.part == "engine":
        print(json.dumps(measure_engine(sizes[0], args.seed)))
        return
    if args.part:
        print(json.dumps(measure_baseline(args.part, sizes[0], args.seed)))
        return
    print(f"# {os.cpu_count()} cores, load average {os.getloadavg()}", file=sys.stderr)
    for size in sizes:
        row = bench_size(size, args.seed, args.dense_max)
        print(
            f"# {size}: solve CPU {row['_solve_cpu_seconds']} s, forbidden share {row['_forbidden_share']}, "
            f"greedy unmatched {row['_greedy_unmatched']}, "
            f"dense unmatched {row.get('_dense_lsa_unmatched')}, load average {os.getloadavg()}",
            file=sys.stderr,
        )
        print(json.dumps(_report(row)), flush=True)


if __name__ == "__main__":
    main()
