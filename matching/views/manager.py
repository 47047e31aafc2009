"""Finding the objects of the program manager's matching pages.

Runs, proposals and criteria are loaded through the organization (another tenant's id is a 404
like a missing one), then their program goes through programs.access.managed_program: the same
404 for a draft the member cannot see and 403 for a program they do not manage as every other
program page.
"""

from organizations.scoping import get_for_org_or_404
from programs.access import managed_program

from ..models import MatchingCriterion, MatchProposal, MatchRun


def managed_run(request, pk, *, queryset=None) -> MatchRun:
    runs = queryset if queryset is not None else MatchRun.objects.select_related("created_by", "published_by")
    run = get_for_org_or_404(runs, request.organization, pk=pk)
    run.program = managed_program(request, run.program_id)
    return run


def managed_proposal(request, run, pk) -> MatchProposal:
    proposal = get_for_org_or_404(MatchProposal.objects.filter(run=run), request.organization, pk=pk)
    proposal.run = run
    return proposal


def managed_criterion(request, pk, *, program_queryset=None) -> MatchingCriterion:
    criterion = get_for_org_or_404(MatchingCriterion, request.organization, pk=pk)
    criterion.program = managed_program(request, criterion.program_id, queryset=program_queryset)
    return criterion
