"""Reviewing a run's proposals before publishing: lock, remove, swap, add a pair by hand.

Only a run ready for review (SUCCEEDED) can change; every edit locks the run row first (so
edits and a publish of the same run happen one after the other), never lets a mentor take more
mentees than their places, and brings the run's metrics up to date. A pair made by hand that
breaks a hard rule (a required criterion, the reporting line, an earlier pair, someone's
please-not list, the minimum score) is refused with `HardRuleConfirmationNeeded` until the
manager confirms; then the broken rules stay on the proposal as its flags.

Scores and reasons of hand-made pairs come from the same cohort and criteria a run uses (built
again from the current data), so they read exactly like the engine's.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from programs.models import ParticipantRole

from .. import solver
from ..cohort import build_cohort, cohort_scores
from ..errors import HardRuleConfirmationNeeded
from ..models import MatchProposal, MatchRun, MatchRunKind, ProposalMember, ProposalOrigin
from ._common import raise_errors, same_org


@dataclass
class PairPreview:
    score: float
    reasons: list[dict]
    flags: list[str]  # the hard rules the pair breaks, in words; empty when it breaks none


class _RunCohort:
    """The run's program as a cohort, for scoring pairs by hand and refreshing metrics."""

    def __init__(self, run):
        self.run = run
        self.cohort = build_cohort(run.program, free_only=True)
        self.mentee_at = self.cohort.mentee_index()
        self.mentor_at = self.cohort.mentor_index()

    @cached_property
    def matrix(self):
        return cohort_scores(self.cohort)

    def indices(self, mentee, mentor):
        errors = {}
        if mentee.program_id != self.run.program_id or mentee.role != ParticipantRole.MENTEE:
            errors["mentee"] = "Choose a mentee of this program."
        elif mentee.pk not in self.mentee_at:
            errors["mentee"] = f"{mentee.person.name} is not ready to match (withdrawn, left, or already matched)."
        if mentor.program_id != self.run.program_id or mentor.role != ParticipantRole.MENTOR:
            errors["mentor"] = "Choose a mentor of this program."
        elif mentor.pk not in self.mentor_at:
            errors["mentor"] = f"{mentor.person.name} is not ready to match (withdrawn or left)."
        raise_errors(errors)
        return self.mentee_at[mentee.pk], self.mentor_at[mentor.pk]

    def preview(self, i, j) -> PairPreview:
        scores, flags = self.cohort.pairs_flags([i], [j])
        return PairPreview(score=float(scores[0]), reasons=self.cohort.pair_reasons(i, j), flags=flags[0])

    def remaining_places(self, mentor_index, mentor_enrollment_id) -> int:
        used = (
            ProposalMember.objects.for_org(self.run.organization_id)
            .filter(run_id=self.run.pk, enrollment_id=mentor_enrollment_id, role=ParticipantRole.MENTOR)
            .count()
        )
        return int(self.cohort.capacity[mentor_index]) - used


def _pairs_only(run):
    if run.kind != MatchRunKind.PAIRS:
        raise ValidationError("Pairs are made by hand only in mentor–mentee programs; peer groups can be removed.")


def _editable_run(organization, run_or_id) -> MatchRun:
    """The run, row-locked, if it can still be edited."""
    run_id = run_or_id.pk if isinstance(run_or_id, MatchRun) else run_or_id
    run = MatchRun.objects.for_org(organization).select_for_update().select_related("program").get(pk=run_id)
    if not run.is_editable:
        raise ValidationError(
            {"run": [f"This run is {run.get_status_display().lower()}: only a run ready for review can change."]}
        )
    return run


def _locked_proposal(organization, proposal, run) -> MatchProposal:
    found = MatchProposal.objects.for_org(organization).select_for_update().filter(pk=proposal.pk, run=run).first()
    if found is None:
        raise ValidationError({"proposal": ["This pair is no longer in the run."]})
    return found


def pair_preview(*, organization, run, mentee, mentor) -> PairPreview:
    """What a pair would score in this run, why, and the hard rules it breaks; writes nothing."""
    same_org(organization, run, mentee, mentor)
    _pairs_only(run)
    view = _RunCohort(run)
    return view.preview(*view.indices(mentee, mentor))


@transaction.atomic
def proposal_lock(*, organization, proposal, user=None, locked=True) -> MatchProposal:
    """Keep a proposal through a re-run (or let it go again)."""
    same_org(organization, proposal)
    run = _editable_run(organization, proposal.run_id)
    row = _locked_proposal(organization, proposal, run)
    row.locked = bool(locked)
    row.save(update_fields=["locked", "updated_at"])
    proposal.locked, proposal.updated_at = row.locked, row.updated_at
    return proposal


@transaction.atomic
def proposal_remove(*, organization, proposal, user=None) -> None:
    """Take a proposal out of the run; its people go back to the unmatched."""
    same_org(organization, proposal)
    run = _editable_run(organization, proposal.run_id)
    row = _locked_proposal(organization, proposal, run)
    if row.locked:
        raise ValidationError({"proposal": [f"Pair #{row.number} is locked: unlock it before removing it."]})
    row.delete()
    refresh_run_metrics(run)


def _pair_members(organization, proposal):
    members = list(
        ProposalMember.objects.for_org(organization).filter(proposal=proposal).select_related("enrollment__person")
    )
    mentees = [m for m in members if m.role == ParticipantRole.MENTEE]
    mentors = [m for m in members if m.role == ParticipantRole.MENTOR]
    if len(mentees) != 1 or len(mentors) != 1:
        raise ValidationError({"proposal": [f"Pair #{proposal.number} is not a mentee–mentor pair."]})
    return mentees[0], mentors[0]


def _named(flags, mentee, mentor):
    return [f"{mentee.enrollment.person.name} with {mentor.enrollment.person.name}: {flag}" for flag in flags]


@transaction.atomic
def proposals_swap(*, organization, first, second, user=None, confirm=False) -> tuple[MatchProposal, MatchProposal]:
    """The two pairs exchange mentors; both are scored and explained again. Places are unchanged
    (each mentor still has one mentee from these two)."""
    same_org(organization, first, second)
    if first.run_id != second.run_id:
        raise ValidationError({"second": ["Choose two pairs of the same run."]})
    if first.pk == second.pk:
        raise ValidationError({"second": ["Choose two different pairs."]})
    run = _editable_run(organization, first.run_id)
    _pairs_only(run)
    # Locked in id order so two managers swapping overlapping pairs cannot deadlock.
    rows = {p.pk: _locked_proposal(organization, p, run) for p in sorted((first, second), key=lambda p: p.pk)}
    one, two = rows[first.pk], rows[second.pk]
    for row in (one, two):
        if row.locked:
            raise ValidationError({"proposal": [f"Pair #{row.number} is locked: unlock it before swapping."]})
    mentee_one, mentor_one = _pair_members(organization, one)
    mentee_two, mentor_two = _pair_members(organization, two)
    if mentor_one.enrollment_id == mentor_two.enrollment_id:
        raise ValidationError({"second": ["Both pairs have the same mentor: swapping changes nothing."]})

    view = _RunCohort(run)
    previews = [
        view.preview(*view.indices(mentee_one.enrollment, mentor_two.enrollment)),
        view.preview(*view.indices(mentee_two.enrollment, mentor_one.enrollment)),
    ]
    flags = _named(previews[0].flags, mentee_one, mentor_two) + _named(previews[1].flags, mentee_two, mentor_one)
    if flags and not confirm:
        raise HardRuleConfirmationNeeded(flags)

    mentor_one_id, mentor_two_id = mentor_one.enrollment_id, mentor_two.enrollment_id
    ProposalMember.objects.for_org(organization).filter(pk=mentor_one.pk).update(enrollment_id=mentor_two_id)
    ProposalMember.objects.for_org(organization).filter(pk=mentor_two.pk).update(enrollment_id=mentor_one_id)
    for row, preview in ((one, previews[0]), (two, previews[1])):
        row.score, row.reasons, row.flags, row.origin = (
            preview.score,
            preview.reasons,
            preview.flags,
            ProposalOrigin.SWAPPED,
        )
        row.save(update_fields=["score", "reasons", "flags", "origin", "updated_at"])
    refresh_run_metrics(run, view)
    for given, row in ((first, one), (second, two)):
        for name in ("score", "reasons", "flags", "origin", "updated_at"):
            setattr(given, name, getattr(row, name))
    return first, second


@transaction.atomic
def proposal_add(*, organization, run, mentee, mentor, user=None, confirm=False) -> MatchProposal:
    """A pair made by hand: an unmatched mentee with a mentor who still has a place in this run."""
    same_org(organization, run, mentee, mentor)
    run = _editable_run(organization, run)
    _pairs_only(run)
    view = _RunCohort(run)
    i, j = view.indices(mentee, mentor)
    placed = (
        ProposalMember.objects.for_org(organization)
        .filter(run_id=run.pk, enrollment_id=mentee.pk)
        .exclude(role=ParticipantRole.MENTOR)
        .select_related("proposal")
        .first()
    )
    if placed is not None:
        raise ValidationError({"mentee": [f"{mentee.person.name} is already in pair #{placed.proposal.number}."]})
    places = view.remaining_places(j, mentor.pk)
    if places <= 0:
        raise ValidationError(
            {"mentor": [f"{mentor.person.name} has no place left in this run ({view.cohort.capacity[j]} in all)."]}
        )
    preview = view.preview(i, j)
    if preview.flags and not confirm:
        raise HardRuleConfirmationNeeded(preview.flags)
    last = MatchProposal.objects.for_org(organization).filter(run=run).aggregate(n=Max("number"))["n"] or 0
    proposal = MatchProposal.objects.create(
        organization=organization,
        run=run,
        number=last + 1,
        score=preview.score,
        reasons=preview.reasons,
        flags=preview.flags,
        origin=ProposalOrigin.MANUAL,
    )
    ProposalMember.objects.bulk_create(
        [
            ProposalMember(
                organization=organization, proposal=proposal, run=run, enrollment=mentee, role=ParticipantRole.MENTEE
            ),
            ProposalMember(
                organization=organization, proposal=proposal, run=run, enrollment=mentor, role=ParticipantRole.MENTOR
            ),
        ]
    )
    refresh_run_metrics(run, view)
    return proposal


def refresh_run_metrics(run, view=None) -> dict:
    """The run's quality figures for its proposals as they are now (after an edit); the solver's
    certificate, timings and warnings of the original solve stay as they were."""
    proposals = list(
        MatchProposal.objects.for_org(run.organization_id).filter(run_id=run.pk).values_list("pk", "score")
    )
    metrics = dict(run.metrics or {})
    metrics["proposals"] = len(proposals)
    metrics["edited"] = True
    if run.kind == MatchRunKind.PAIRS:
        view = view or _RunCohort(run)
        metrics.update(_pair_quality(run, view))
    else:
        scores = [score for _, score in proposals]
        placed = (
            ProposalMember.objects.for_org(run.organization_id).filter(run_id=run.pk).values("enrollment_id").count()
        )
        pool = len((run.parameters or {}).get("mentees", []))
        metrics.update(
            {
                "matched": placed,
                "unmatched": max(pool - placed, 0),
                "mean": float(np.mean(scores)) if scores else None,
                "worst": float(min(scores)) if scores else None,
            }
        )
    MatchRun.objects.for_org(run.organization_id).filter(pk=run.pk).update(metrics=metrics)
    run.metrics = metrics
    return metrics


def _pair_quality(run, view) -> dict:
    cohort, matrix = view.cohort, view.matrix
    assignment = np.full(len(cohort.mentees), -1, dtype=np.int64)
    rows = list(
        ProposalMember.objects.for_org(run.organization_id)
        .filter(run_id=run.pk)
        .values_list("proposal_id", "enrollment_id", "role")
    )
    mentor_of = {proposal: enrollment for proposal, enrollment, role in rows if role == ParticipantRole.MENTOR}
    for proposal_id, enrollment_id, role in rows:
        mentor = mentor_of.get(proposal_id)
        if role != ParticipantRole.MENTOR and enrollment_id in view.mentee_at and mentor in view.mentor_at:
            assignment[view.mentee_at[enrollment_id]] = view.mentor_at[mentor]
    # The run's own pool, and anyone paired by hand since: a mentee who became ready after the
    # run is not one of its unmatched (run_unmatched lists the same people).
    recorded = (run.parameters or {}).get("mentees")
    pool = None if recorded is None else set(recorded)
    in_run = np.array([pool is None or e.pk in pool for e in cohort.mentees], dtype=bool)
    rows = np.flatnonzero(in_run | (assignment >= 0))
    if len(rows) == len(cohort.mentees):
        return solver.quality(matrix.scores, assignment, cohort.capacity, matrix.allowed)
    return solver.quality(matrix.scores[rows], assignment[rows], cohort.capacity, matrix.allowed[rows])
