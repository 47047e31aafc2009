"""seed_demo runs a match on Northwind's reverse mentoring program, once."""

import pytest

from matching.models import MatchingCriterion, MatchProposal, MatchRun, MatchRunStatus
from matching.services.criteria import matching_settings_for
from organizations import demo
from programs.models import ProgramStatus

pytestmark = pytest.mark.django_db


def test_the_demo_opens_on_proposals_to_review_and_a_second_seed_adds_nothing():
    context = demo.seed_demo()
    northwind = context.organizations["northwind"]

    # The recruiting program's trial run (the active program's published run is the mentorships step's).
    run = MatchRun.objects.for_org(northwind).select_related("program").get(program__template_key="reverse_mentoring")
    program = run.program
    assert program.template_key == "reverse_mentoring" and program.status == ProgramStatus.RECRUITING
    assert MatchingCriterion.objects.for_org(northwind).filter(program=program).count() == 5
    assert matching_settings_for(program).exclude_reporting_line
    assert run.status == MatchRunStatus.SUCCEEDED, run.error
    proposals = MatchProposal.objects.for_org(northwind).filter(run=run)
    # Leaders apply as mentees, early-career colleagues as mentors: most ready mentees get a match.
    assert proposals.count() >= 15 and run.metrics["matched"] == proposals.count()
    assert all(p.reasons and not p.flags for p in proposals)
    assert run.metrics["timings"]["total_seconds"] < 10

    demo.seed_demo()
    assert MatchRun.objects.for_org(northwind).filter(program=program).count() == 1
