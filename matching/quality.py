"""How good an assignment is beyond its total: the worst-off, the spread, who got a favourite.

Pure numpy, no Django. Every value is a plain int, float or None (JSON-ready), so a match run
can store the dict as is.
"""

from __future__ import annotations

import numpy as np

TOP_CHOICES = 3
ROW_BLOCK = 1_000  # mentee rows at a time, so a 10,000 x 2,000 cohort needs no full-size copy


def quality(scores, assignment, capacity, allowed=None) -> dict:
    """Figures a program manager reads next to the total.

    `assignment` holds each mentee's mentor index or -1. It may come from a manager's edits, so
    pairs over capacity or against a hard rule are counted (`over_capacity`, `disallowed_pairs`)
    rather than refused. Score figures are None when nobody is matched.
    """
    scores = np.asarray(scores, dtype=np.float64)
    assignment = np.asarray(assignment, dtype=np.int64)
    capacity = np.asarray(capacity, dtype=np.int64)
    n, m = scores.shape
    if assignment.shape != (n,):
        raise ValueError(f"assignment must hold one entry per mentee ({n}), got shape {assignment.shape}")
    if capacity.shape != (m,):
        raise ValueError(f"capacity must hold one entry per mentor ({m}), got shape {capacity.shape}")
    if ((assignment < -1) | (assignment >= m)).any():
        raise ValueError(f"assignment entries must be -1 or a mentor index below {m}")
    if allowed is not None:
        allowed = np.asarray(allowed, dtype=bool)
        if allowed.shape != (n, m):
            raise ValueError(f"allowed has shape {allowed.shape}, scores has shape {(n, m)}")

    matched = np.flatnonzero(assignment >= 0)
    mentors = assignment[matched]
    pair_scores = scores[matched, mentors]
    load = np.bincount(mentors, minlength=m)
    load_figures = _load_figures(load, capacity)
    return {
        "total": float(pair_scores.sum()),
        "mean": float(pair_scores.mean()) if matched.size else None,
        "worst": float(pair_scores.min()) if matched.size else None,
        "p10": float(np.percentile(pair_scores, 10)) if matched.size else None,
        "matched": int(matched.size),
        "unmatched": int(n - matched.size),
        "load": load_figures,
        "load_spread": load_figures["std"],  # the contract's name for load["std"]
        "top3_share": _top_choice_share(scores, allowed, matched, mentors, n),
        "over_capacity": int((load > capacity).sum()),
        "disallowed_pairs": 0 if allowed is None else int((~allowed[matched, mentors]).sum()),
    }


def _load_figures(load: np.ndarray, capacity: np.ndarray) -> dict:
    """Load as a share of capacity, over mentors who have room (0-capacity mentors take nobody)."""
    open_mentors = capacity > 0
    if not open_mentors.any():
        return {"min": None, "max": None, "mean": None, "std": None}
    share = load[open_mentors] / capacity[open_mentors]
    return {
        "min": float(share.min()),
        "max": float(share.max()),
        "mean": float(share.mean()),
        "std": float(share.std()),
    }


def _top_choice_share(scores, allowed, matched, mentors, n) -> float:
    """Share of ALL mentees whose mentor scores at least their own 3rd-best allowed mentor (ties count)."""
    got_top = 0
    for start in range(0, matched.size, ROW_BLOCK):
        rows, chosen = matched[start : start + ROW_BLOCK], mentors[start : start + ROW_BLOCK]
        options = scores[rows] if allowed is None else np.where(allowed[rows], scores[rows], -np.inf)
        k = min(TOP_CHOICES, options.shape[1])
        third_best = -np.partition(-options, k - 1, axis=1)[:, k - 1]
        ok = scores[rows, chosen] >= third_best
        if allowed is not None:
            ok &= allowed[rows, chosen]
        got_top += int(ok.sum())
    return got_top / n if n else 0.0
