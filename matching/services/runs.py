"""Match runs: start one (validated, queued after commit), execute it (the Celery task's body),
re-run around locked pairs, discard.

A run records everything its result depends on in `parameters` (criteria, settings, the pool's
enrollment ids and capacities, the locked pairs) and an `input_digest`: the sha256 of those
parameters together with the score matrix and the allowed pairs the solver received. The same
input gives the same proposals (the solver is deterministic, the circle heuristic seeded).

Progress goes to the run row as it happens (5 % loading the pool, 30 % scoring, 60 % solving,
90 % writing proposals, 100 %), outside any long transaction, so a browser polling the run sees
it move; a failure leaves the run FAILED with a readable error, never stuck silently.
"""

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from organizations.models import Organization
from programs.models import ParticipantRole, ProgramStatus

from .. import scoring, solver
from ..cohort import build_cohort, cohort_scores
from ..models import MatchingCriterion, MatchProposal, MatchRun, MatchRunKind, MatchRunStatus, ProposalMember
from ._common import raise_errors, same_org

logger = logging.getLogger(__name__)

# A trial run while recruiting shows what the approved pool would give; publishing waits for
# the matching stage (publish.PUBLISHABLE_PROGRAM_STATUSES).
RUNNABLE_PROGRAM_STATUSES = (ProgramStatus.RECRUITING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE)
DEFAULT_GROUP_SIZE = (4, 6)
CIRCLE_SEED = 0
WRITE_BATCH = 1000
# Statuses a run can be discarded from; a published run made mentorships and stays.
DISCARDABLE = (MatchRunStatus.QUEUED, MatchRunStatus.RUNNING, MatchRunStatus.SUCCEEDED, MatchRunStatus.FAILED)


class RunInputError(Exception):
    """The pool changed between start and execution so that nothing can be matched."""


# --- starting -------------------------------------------------------------------------------


def _check_program_runnable(organization, program, *, incremental, base_run):
    from ..selectors import pool_summary

    same_org(organization, program, base_run)
    errors = {}
    if program.status not in RUNNABLE_PROGRAM_STATUSES:
        status = program.get_status_display().lower()
        errors["program"] = [f"Matching runs once the program is recruiting, matching or active; it is {status}."]
        raise_errors(errors)
    if base_run is not None:
        if base_run.program_id != program.pk:
            errors["base_run"] = ["Re-run a run of the same program."]
        elif base_run.status != MatchRunStatus.SUCCEEDED:
            errors["base_run"] = ["Only a run ready for review can be re-run around its locked pairs."]
    if not MatchingCriterion.objects.for_org(organization).filter(program=program).exists():
        errors.setdefault("program", []).append("Add at least one matching criterion first.")
    pool = pool_summary(program)
    if pool.kind == MatchRunKind.PAIRS:
        if not pool.mentors:
            errors.setdefault("program", []).append("There are no mentors ready to match.")
        if not pool.free_mentees:
            message = "Every mentee is already matched." if pool.mentees else "There are no mentees ready to match."
            errors.setdefault("program", []).append(message)
    elif pool.free_peers < 2:
        errors.setdefault("program", []).append("At least two people must be ready to match.")
    if pool.live_mentorships and not incremental and pool.kind != MatchRunKind.ROTATION and base_run is None:
        errors["incremental"] = [
            f"The program already has {pool.live_mentorships} live mentorships: run an incremental match, "
            "which keeps them and matches only the people who are free."
        ]
    raise_errors(errors)
    return pool


@transaction.atomic
def match_run_start(*, organization, program, user, incremental=False, base_run=None) -> MatchRun:
    """Queue a run of `program`. Refused: a program not recruiting (a trial run), matching or
    active, no criteria, no mentors, no mentees (or fewer than two peers), and a full run when
    live mentorships exist (run an incremental one). Fewer places than mentees is allowed, with
    a warning."""
    pool = _check_program_runnable(organization, program, incremental=incremental, base_run=base_run)
    run = MatchRun.objects.create(
        organization=organization,
        program=program,
        kind=pool.kind,
        incremental=bool(incremental),
        base_run=base_run,
        created_by=user,
        progress_message="Waiting for a worker",
        metrics={"warnings": list(pool.warnings)},
    )
    from ..tasks import execute_match_run_task

    org_id, run_id = organization.pk, run.pk
    transaction.on_commit(lambda: execute_match_run_task.delay(org_id, run_id))
    return run


@transaction.atomic
def match_run_rerun(*, organization, run, user) -> MatchRun:
    """A new run of the same program that keeps the run's locked pairs and solves for the rest."""
    same_org(organization, run)
    return match_run_start(
        organization=organization, program=run.program, user=user, incremental=run.incremental, base_run=run
    )


@transaction.atomic
def match_run_discard(*, organization, run, user=None) -> MatchRun:
    same_org(organization, run)
    locked = MatchRun.objects.for_org(organization).select_for_update().get(pk=run.pk)
    if locked.status not in DISCARDABLE:
        raise ValidationError(
            {"status": [f"A {locked.get_status_display().lower()} run cannot be discarded."]}, code="invalid"
        )
    locked.status = MatchRunStatus.DISCARDED
    locked.finished_at = locked.finished_at or timezone.now()
    locked.save(update_fields=["status", "finished_at"])
    run.status, run.finished_at = locked.status, locked.finished_at
    return run


# --- executing ------------------------------------------------------------------------------


@dataclass
class Draft:
    """A proposal about to be written: members as (enrollment id, role)."""

    members: list[tuple[int, str]]
    score: float
    reasons: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    origin: str = "solver"
    locked: bool = False


def _org_id(organization):
    return organization.pk if isinstance(organization, Organization) else int(organization)


def _progress(run, percent, message):
    MatchRun.objects.for_org(run.organization_id).filter(pk=run.pk, status=MatchRunStatus.RUNNING).update(
        progress=percent, progress_message=message
    )


def match_run_execute(*, organization, run_id, redelivered=False) -> MatchRun | None:
    """Run a queued match: claim it, score, solve, write the proposals, record metrics; FAILED
    with a readable error otherwise.

    A task delivered again finds the run claimed and does nothing, except when the broker
    redelivered it because the worker running it was lost (`redelivered`): the run is then
    RUNNING with nobody working on it, so this attempt takes it over rather than leave it
    stuck (write_proposals replaces whatever the lost attempt wrote)."""
    runs = MatchRun.objects.for_org(_org_id(organization))
    claimable = (MatchRunStatus.QUEUED, MatchRunStatus.RUNNING) if redelivered else (MatchRunStatus.QUEUED,)
    claimed = runs.filter(pk=run_id, status__in=claimable).update(
        status=MatchRunStatus.RUNNING, started_at=timezone.now(), progress=1, progress_message="Starting"
    )
    if not claimed:
        return runs.filter(pk=run_id).first()
    run = runs.select_related("program").get(pk=run_id)
    try:
        _execute(run)
    except Exception as error:  # the run must end visibly FAILED whatever went wrong
        logger.exception("Match run %s failed", run.pk)
        runs.filter(pk=run.pk, status=MatchRunStatus.RUNNING).update(
            status=MatchRunStatus.FAILED,
            error=_readable(error),
            progress_message="Failed",
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


def _readable(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, RunInputError | ValueError):
        return f"Matching could not run: {error}"
    return f"Matching failed unexpectedly ({type(error).__name__}: {error}). Try again, or contact support."


class _Clock:
    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.laps = {}

    def lap(self, name):
        now = time.perf_counter()
        self.laps[f"{name}_seconds"] = round(now - self.last, 3)
        self.last = now

    def timings(self):
        return {**self.laps, "total_seconds": round(time.perf_counter() - self.start, 3)}


def _execute(run):
    clock = _Clock()
    _progress(run, 5, "Loading the pool")
    cohort = build_cohort(run.program, free_only=True)
    if not cohort.mentees:
        raise RunInputError("nobody is left to match: the pool changed since the run was started.")
    if cohort.kind == MatchRunKind.PAIRS and not cohort.mentors:
        raise RunInputError("there are no mentors ready to match any more.")
    locks = _Locks(run, cohort)
    clock.lap("load")

    _progress(run, 30, "Scoring every possible pair")
    matrix = cohort_scores(cohort)
    clock.lap("score")

    parameters = run_parameters(run, cohort, locks)
    digest = input_digest(parameters, matrix, cohort)
    MatchRun.objects.for_org(run.organization_id).filter(pk=run.pk).update(parameters=parameters, input_digest=digest)

    _progress(run, 60, "Finding the best matches")
    outcome = _solve(cohort, matrix, locks)
    clock.lap("solve")

    _progress(run, 90, "Writing the proposals")
    drafts = locks.drafts + outcome.drafts(cohort, matrix)
    clock.lap("explain")
    with transaction.atomic():
        write_proposals(run, drafts)
    clock.lap("write")

    metrics = {
        **outcome.metrics,
        "solver": outcome.certificate,
        "proposals": len(drafts),
        "timings": clock.timings(),
        "warnings": [*cohort.warnings, *locks.warnings, *outcome.warnings],
    }
    MatchRun.objects.for_org(run.organization_id).filter(pk=run.pk, status=MatchRunStatus.RUNNING).update(
        status=MatchRunStatus.SUCCEEDED,
        progress=100,
        progress_message="Ready for review",
        metrics=metrics,
        finished_at=timezone.now(),
    )


class _Locks:
    """The base run's locked proposals that still fit the pool and break no hard rule they were
    not confirmed against: kept as they are (origin LOCKED), their people out of the solve and
    their mentors' capacity reduced. The rest are dropped with a warning naming the people."""

    def __init__(self, run, cohort):
        self.drafts, self.warnings = [], []
        self.assignment = np.full(len(cohort.mentees), -1, dtype=np.int64)  # pairs: locked mentee -> mentor
        self.taken = np.zeros(len(cohort.mentees), dtype=bool)
        self.capacity_left = cohort.capacity.copy()
        if not run.base_run_id:
            return
        mentee_at, mentor_at = cohort.mentee_index(), cohort.mentor_index()
        names = {e.pk: e.person.name for e in [*cohort.mentees, *cohort.mentors]}
        proposals = list(
            MatchProposal.objects.for_org(run.organization_id)
            .filter(run_id=run.base_run_id, locked=True)
            .prefetch_related("members__enrollment__person")
            .order_by("number")
        )
        # A please-not entry or a changed answer since the lock: keeping the pair would break a
        # hard rule nobody confirmed.
        broken = cohort.unconfirmed_flags(
            [(p.pk, [(m.enrollment_id, m.role) for m in p.members.all()], p.flags) for p in proposals]
        )
        for proposal in proposals:
            members = [(m.enrollment_id, m.role) for m in proposal.members.all()]
            others = [eid for eid, role in members if role != ParticipantRole.MENTOR]
            mentors = [eid for eid, role in members if role == ParticipantRole.MENTOR]
            missing = [eid for eid in others if eid not in mentee_at] + [eid for eid in mentors if eid not in mentor_at]
            rows = [mentee_at[eid] for eid in others if eid in mentee_at]
            problem = ""
            if missing:
                who = ", ".join(m.enrollment.person.name for m in proposal.members.all() if m.enrollment_id in missing)
                problem = f"{who} can no longer be matched (left the pool or matched meanwhile)"
            elif any(self.taken[i] for i in rows):
                problem = "one of them is already in another locked pair"
            elif mentors and self.capacity_left[mentor_at[mentors[0]]] < len(rows):
                problem = f"{names[mentors[0]]} has no place left"
            elif proposal.pk in broken:
                problem = f"it now breaks a hard rule ({'; '.join(broken[proposal.pk])})"
            if problem:
                self.warnings.append(f"The locked pair #{proposal.number} was not kept: {problem}.")
                continue
            self.taken[rows] = True
            if mentors:
                j = mentor_at[mentors[0]]
                self.capacity_left[j] -= len(rows)
                self.assignment[rows] = j
            self.drafts.append(
                Draft(
                    members=members,
                    score=proposal.score,
                    reasons=proposal.reasons,
                    flags=proposal.flags,
                    origin="locked",
                    locked=True,
                )
            )

    def free_rows(self) -> np.ndarray:
        return np.flatnonzero(~self.taken)


# --- solving ----------------------------------------------------------------------------------


@dataclass
class _Outcome:
    groups: list  # pairs: (mentee index, mentor index); peers: tuples of peer indices
    metrics: dict
    certificate: dict
    warnings: list = field(default_factory=list)

    def drafts(self, cohort, matrix) -> list[Draft]:
        if cohort.kind == MatchRunKind.PAIRS:
            mentee_idx = np.array([i for i, _ in self.groups], dtype=np.int64)
            mentor_idx = np.array([j for _, j in self.groups], dtype=np.int64)
            # One batched explanation for the whole run: per-pair explain() costs ~0.7 ms a pair.
            explained = scoring.explain_pairs(
                cohort.criteria,
                mentee_idx,
                mentor_idx,
                preferred=np.array([(i, j) in cohort.preferred for i, j in self.groups], dtype=bool),
                preference_bonus=cohort.preference_bonus,
            )
            return [
                Draft(
                    members=[
                        (cohort.mentees[i].pk, ParticipantRole.MENTEE),
                        (cohort.mentors[j].pk, ParticipantRole.MENTOR),
                    ],
                    score=float(matrix.scores[i, j]),
                    # A mentee who asked for nobody needs no "not one you asked for" line.
                    reasons=[r for r in reasons if r["key"] != "preference" or r["points"]],
                )
                for (i, j), reasons in zip(self.groups, explained, strict=True)
            ]
        return [
            Draft(
                members=[(cohort.mentees[i].pk, ParticipantRole.PEER) for i in group],
                score=group_score(matrix.scores, group),
                reasons=group_reasons(cohort, group),
            )
            for group in self.groups
        ]


def group_score(scores, group) -> float:
    """A peer group's score: the mean of its members' pair scores (symmetric); 0 for one person."""
    pairs = [(a, b) for pos, a in enumerate(group) for b in group[pos + 1 :]]
    return float(np.mean([scores[a, b] for a, b in pairs])) if pairs else 0.0


def group_reasons(cohort, group) -> list[dict]:
    """What each criterion brings to a peer group, over its pairs both ways (so the points add
    up to the group's score)."""
    return merge_reasons([cohort.pair_reasons(a, b) for a in group for b in group if a != b])


def merge_reasons(reason_lists) -> list[dict]:
    """Several pairs' explanations as one: each criterion's points averaged over the pairs, in
    the words of the pair that did best on it; sorted by points, highest first."""
    merged = {}
    for reasons in reason_lists:
        for reason in reasons:
            entry = merged.setdefault(reason["key"], {**reason, "points": 0.0, "best": -1.0})
            entry["points"] += reason["points"]
            if reason["points"] > entry["best"]:
                entry["best"], entry["text"] = reason["points"], reason["text"]
    count = max(len(reason_lists), 1)
    for entry in merged.values():
        entry.pop("best")
        entry["points"] /= count
    return sorted(merged.values(), key=lambda reason: -reason["points"])


def _solve(cohort, matrix, locks) -> _Outcome:
    if cohort.kind == MatchRunKind.PAIRS:
        return _solve_pairs(cohort, matrix, locks)
    free = locks.free_rows()
    scores = matrix.scores[np.ix_(free, free)]
    allowed = matrix.allowed[np.ix_(free, free)]
    if cohort.kind == MatchRunKind.CIRCLES:
        return _solve_circles(cohort, free, scores, allowed)
    return _solve_rotation(cohort, free, scores, allowed)


def _solve_pairs(cohort, matrix, locks) -> _Outcome:
    free = locks.free_rows()
    everyone = len(free) == len(cohort.mentees)
    scores = matrix.scores if everyone else matrix.scores[free]
    allowed = matrix.allowed if everyone else matrix.allowed[free]
    solution = solver.solve_certified(scores, locks.capacity_left, allowed, cohort.min_score)
    assignment = locks.assignment.copy()
    assignment[free] = solution.assignment
    groups = [(int(i), int(solution.assignment[k])) for k, i in enumerate(free) if solution.assignment[k] >= 0]
    quality = solver.quality(matrix.scores, assignment, cohort.capacity, matrix.allowed)
    certificate = {
        "optimal": solution.optimal,
        "proven": bool(solution.proven),
        "gap": float(solution.gap),
        "rounds": int(solution.rounds),
        "candidate_edges": int(solution.candidate_edges),
        "total": float(solution.total),
        "matched": int(solution.matched),
    }
    warnings = []
    unmatched = int((solution.assignment < 0).sum())
    if unmatched:
        warnings.append(_unmatched_warning(unmatched, cohort, int(locks.capacity_left.sum()), len(free)))
    return _Outcome(groups=groups, metrics=_jsonable(quality), certificate=certificate, warnings=warnings)


def _unmatched_warning(unmatched, cohort, places, mentees) -> str:
    """Why people stay unmatched: too few places, and/or no allowed mentor with room."""
    why = []
    short = max(mentees - places, 0)
    if short:
        why.append(f"there are {places} places for {mentees} mentees")
    if unmatched > short:
        rules = (
            "the hard rules"
            if cohort.min_score is None
            else f"the hard rules and the minimum score of {cohort.min_score:g}"
        )
        why.append(f"{rules} leave no mentor with room for {'the others' if short else 'them'}")
    return f"{unmatched} {'mentee stays' if unmatched == 1 else 'mentees stay'} unmatched: {'; '.join(why)}."


def _group_size(program):
    low = program.group_size_min or DEFAULT_GROUP_SIZE[0]
    high = program.group_size_max or max(DEFAULT_GROUP_SIZE[1], low)
    return low, max(low, high)


def _solve_circles(cohort, free, scores, allowed) -> _Outcome:
    low, high = _group_size(cohort.program)
    result = solver.peer_circles(scores, low, high, allowed=allowed, seed=CIRCLE_SEED)
    groups = [tuple(int(free[k]) for k in group) for group in result.groups]
    in_group = sum(len(g) for g in groups)
    group_means = [group_score(scores, group) for group in result.groups]
    metrics = {
        "circles": len(groups),
        "matched": in_group,
        "unmatched": len(free) - in_group,
        "size_min": min((len(g) for g in groups), default=0),
        "size_max": max((len(g) for g in groups), default=0),
        "mean": float(np.mean(group_means)) if group_means else 0.0,
        "worst": float(min(group_means)) if group_means else 0.0,
    }
    certificate = {
        "objective": float(result.objective),
        "upper_bound": float(result.upper_bound),
        "gap": float(result.gap),
        "optimal": f"heuristic with local search; within {100 * float(result.gap):.1f} % of an upper bound",
    }
    warnings = []
    if metrics["unmatched"]:
        warnings.append(f"{metrics['unmatched']} people are in no circle: circles take {low} to {high} people.")
    if result.note:
        warnings.append(result.note)
    return _Outcome(groups=groups, metrics=metrics, certificate=certificate, warnings=warnings)


def _solve_rotation(cohort, free, scores, allowed) -> _Outcome:
    n = len(free)
    met = np.zeros((n, n), dtype=bool)
    position = {int(i): k for k, i in enumerate(free)}
    for a, b in cohort.met_pairs.tolist():
        if a in position and b in position:
            met[position[a], position[b]] = met[position[b], position[a]] = True
    rounds = solver.rotation_round(n, met, scores=scores, allowed=allowed, seed=CIRCLE_SEED)
    groups = [tuple(int(free[k]) for k in group) for group in rounds]
    repeats = sum(1 for group in rounds for pos, a in enumerate(group) for b in group[pos + 1 :] if met[a, b])
    means = [group_score(scores, group) for group in rounds]
    in_group = sum(len(g) for g in groups)
    metrics = {
        "pairs": sum(1 for g in groups if len(g) == 2),
        "triples": sum(1 for g in groups if len(g) == 3),
        "matched": in_group,
        "unmatched": n - in_group,
        "repeats": repeats,
        "mean": float(np.mean(means)) if means else 0.0,
        "worst": float(min(means)) if means else 0.0,
    }
    certificate = {"optimal": "rotation round: everyone paired, pairs that already met avoided while possible"}
    warnings = [f"{repeats} pairs meet again: everyone has already met everyone they may."] if repeats else []
    return _Outcome(groups=groups, metrics=metrics, certificate=certificate, warnings=warnings)


def _jsonable(values: dict) -> dict:
    """numpy scalars and non-finite floats (a worst score of an empty run) as JSON can hold them."""
    clean = {}
    for key, value in values.items():
        if isinstance(value, dict):
            clean[key] = _jsonable(value)
        elif isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not np.isfinite(value):
            value = None
        clean.setdefault(key, value)
    return clean


# --- recording --------------------------------------------------------------------------------


def run_parameters(run, cohort, locks) -> dict:
    settings_fields = {"min_score": cohort.min_score, "preference_bonus": cohort.preference_bonus}
    criteria = [
        {
            "key": c.key,
            "kind": c.kind,
            "label": c.label,
            "weight": c.weight,
            "required": c.required,
            "reciprocal": c.reciprocal,
            "gap_target": c.gap_target,
            "gap_tolerance": c.gap_tolerance,
            "gap_hard_min": c.gap_hard_min,
            "gap_hard_max": c.gap_hard_max,
        }
        for c in cohort.criteria
    ]
    parameters = {
        "kind": cohort.kind,
        "model": cohort.program.model,
        "incremental": run.incremental,
        "base_run": run.base_run_id,
        "criteria": criteria,
        "settings": settings_fields,
        "mentees": [e.pk for e in cohort.mentees],
        "mentors": [e.pk for e in cohort.mentors],
        "capacity": [int(c) for c in cohort.capacity],
        "locked": [[list(member) for member in draft.members] for draft in locks.drafts],
        "forbidden_pairs": len(cohort.forbidden_pairs),
        "preferred_pairs": len(cohort.preferred_pairs),
    }
    if cohort.kind == MatchRunKind.CIRCLES:
        parameters["group_size"] = list(_group_size(cohort.program))
    return parameters


def input_digest(parameters, matrix, cohort) -> str:
    """sha256 of everything the solver sees: the parameters (less which run they came from),
    the score matrix, the allowed pairs and, for rotation rounds, who met before."""
    canonical = {key: value for key, value in parameters.items() if key != "base_run"}
    digest = hashlib.sha256(json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode())
    digest.update(np.ascontiguousarray(matrix.scores).tobytes())
    digest.update(np.packbits(matrix.allowed).tobytes())
    digest.update(np.ascontiguousarray(cohort.met_pairs).tobytes())
    return digest.hexdigest()


def write_proposals(run, drafts, *, start=1) -> list[MatchProposal]:
    """The drafts as numbered proposals with their members, in bulk (a handful of queries).
    Anything a crashed earlier attempt of the same run wrote is replaced."""
    MatchProposal.objects.for_org(run.organization_id).filter(run=run).delete()
    proposals = MatchProposal.objects.bulk_create(
        [
            MatchProposal(
                organization_id=run.organization_id,
                run=run,
                number=number,
                score=draft.score,
                reasons=draft.reasons,
                flags=draft.flags,
                origin=draft.origin,
                locked=draft.locked,
            )
            for number, draft in enumerate(drafts, start=start)
        ],
        batch_size=WRITE_BATCH,
    )
    ProposalMember.objects.bulk_create(
        [
            ProposalMember(
                organization_id=run.organization_id, proposal=proposal, run=run, enrollment_id=eid, role=role
            )
            for proposal, draft in zip(proposals, drafts, strict=True)
            for eid, role in draft.members
        ],
        batch_size=WRITE_BATCH,
    )
    return proposals
