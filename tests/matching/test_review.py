"""Reviewing proposals: lock, remove, swap, add by hand with the broken rules shown first; places
never exceeded; metrics kept in step; only a run ready for review changes. And the review's reads:
the proposals table, the unmatched, the comparison of two runs."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.cohort import REPORTING_LINE
from matching.errors import HardRuleConfirmationNeeded
from matching.models import MatchProposal, MatchRunStatus, ProposalOrigin
from matching.selectors import pool_summary, proposals_table, run_unmatched, runs_compare
from matching.services.review import pair_preview, proposal_add, proposal_lock, proposal_remove, proposals_swap
from matching.services.runs import match_run_discard
from programs.models import EnrollmentStatus

from .engine_fixtures import build, make_person, pairs_of, run_match_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    """Ana, Cy and Ed each have a mentor offering what they want; Gus wants what Fa (two places)
    offers, but Fa manages him; a score of 0 is below the minimum, so Gus stays unmatched."""
    fa = make_person(org, "Fa")
    world = build(
        org,
        mentees={
            "Ana": {"wants": ["sql"]},
            "Cy": {"wants": ["python"]},
            "Ed": {"wants": ["leadership"]},
            "Gus": {"wants": ["speaking"]},
        },
        mentors={
            "Bo": ({"offers": ["sql"]}, 1),
            "Di": ({"offers": ["python"]}, 1),
            "Fa": ({"offers": ["leadership", "speaking"]}, 2),
        },
        people={"Fa": fa, "Gus": {"manager": fa}},
    )
    world.criterion("wants", "offers", label="What you want ↔ what they offer")
    world.settings(min_score=1)
    return world


@pytest.fixture
def run(world, run_match):
    run = run_match(world)
    assert pairs_of(run) == {("Ana", "Bo"), ("Cy", "Di"), ("Ed", "Fa")}
    return run


def _proposal(run, world, name):
    return MatchProposal.objects.get(run=run, members__enrollment=world[name])


def test_lock_and_unlock(world, run):
    proposal = _proposal(run, world, "Ana")
    proposal_lock(organization=world.org, proposal=proposal, user=world.manager)
    assert MatchProposal.objects.get(pk=proposal.pk).locked
    proposal_lock(organization=world.org, proposal=proposal, user=world.manager, locked=False)
    assert not MatchProposal.objects.get(pk=proposal.pk).locked


def test_removing_a_pair_puts_its_people_back_and_updates_the_metrics(world, run):
    assert (run.metrics["matched"], run.metrics["unmatched"]) == (3, 1)
    proposal_remove(organization=world.org, proposal=_proposal(run, world, "Cy"), user=world.manager)
    run.refresh_from_db()
    assert pairs_of(run) == {("Ana", "Bo"), ("Ed", "Fa")}
    assert (run.metrics["matched"], run.metrics["unmatched"], run.metrics["proposals"]) == (2, 2, 2)
    assert [e.person.name for e in run_unmatched(run)] == ["Cy", "Gus"]


def test_after_an_edit_the_unmatched_are_still_those_of_the_runs_pool(world, run_match):
    world["Gus"].status = EnrollmentStatus.WAITLISTED
    world["Gus"].save()
    run = run_match(world)
    assert (run.metrics["matched"], run.metrics["unmatched"]) == (3, 0)
    world["Gus"].status = EnrollmentStatus.APPROVED  # ready after the run: not one of its people
    world["Gus"].save()
    proposal_remove(organization=world.org, proposal=_proposal(run, world, "Cy"), user=world.manager)
    run.refresh_from_db()
    assert (run.metrics["matched"], run.metrics["unmatched"]) == (2, 1)
    assert [e.person.name for e in run_unmatched(run)] == ["Cy"]


def test_a_locked_pair_must_be_unlocked_before_it_is_removed_or_swapped(world, run):
    locked = proposal_lock(organization=world.org, proposal=_proposal(run, world, "Ana"))
    with pytest.raises(ValidationError, match="unlock it before removing"):
        proposal_remove(organization=world.org, proposal=locked)
    with pytest.raises(ValidationError, match="unlock it before swapping"):
        proposals_swap(organization=world.org, first=locked, second=_proposal(run, world, "Cy"))


def test_a_swap_exchanges_mentors_and_scores_both_pairs_again(world, run):
    first, second = _proposal(run, world, "Ana"), _proposal(run, world, "Cy")
    before = run.metrics["total"]
    proposals_swap(organization=world.org, first=first, second=second, user=world.manager, confirm=True)
    run.refresh_from_db()
    assert pairs_of(run) == {("Ana", "Di"), ("Cy", "Bo"), ("Ed", "Fa")}
    first.refresh_from_db()
    assert (first.score, first.origin) == (0.0, ProposalOrigin.SWAPPED)
    assert first.flags == ["The score 0 is below the program's minimum of 1"]
    assert "they do not offer it" in first.reasons[0]["text"]
    assert run.metrics["total"] == pytest.approx(before - 200)


def test_a_swap_breaking_a_hard_rule_needs_confirmation_and_then_records_the_flags(world, run):
    ana, ed = _proposal(run, world, "Ana"), _proposal(run, world, "Ed")
    world.settings(min_score=50)  # the minimum score is a hard rule too
    with pytest.raises(HardRuleConfirmationNeeded) as caught:
        proposals_swap(organization=world.org, first=ana, second=ed, user=world.manager)
    assert caught.value.flags == [
        "Ana with Fa: The score 0 is below the program's minimum of 50",
        "Ed with Bo: The score 0 is below the program's minimum of 50",
    ]
    assert "confirm" in caught.value.message_dict
    assert pairs_of(run) == {("Ana", "Bo"), ("Cy", "Di"), ("Ed", "Fa")}  # nothing changed

    proposals_swap(organization=world.org, first=ana, second=ed, user=world.manager, confirm=True)
    assert ana.flags == ["The score 0 is below the program's minimum of 50"]
    assert pairs_of(run) == {("Ana", "Fa"), ("Cy", "Di"), ("Ed", "Bo")}


def test_pairs_of_different_runs_or_the_same_mentor_cannot_be_swapped(world, run, run_match):
    match_run_discard(organization=world.org, run=run)
    other = run_match(world)
    with pytest.raises(ValidationError, match="same run"):
        proposals_swap(organization=world.org, first=_proposal(run, world, "Ana"), second=_proposal(other, world, "Cy"))


def test_the_preview_shows_score_reasons_and_broken_rules_before_adding(world, run):
    preview = pair_preview(organization=world.org, run=run, mentee=world["Gus"], mentor=world["Fa"])
    assert preview.score == 100.0
    assert preview.reasons[0]["criterion"] == "What you want ↔ what they offer"
    assert preview.flags == [REPORTING_LINE]
    low = pair_preview(organization=world.org, run=run, mentee=world["Gus"], mentor=world["Bo"])
    assert (low.score, low.flags) == (0.0, ["The score 0 is below the program's minimum of 1"])


def test_adding_a_pair_by_hand(world, run):
    with pytest.raises(HardRuleConfirmationNeeded) as caught:
        proposal_add(organization=world.org, run=run, mentee=world["Gus"], mentor=world["Fa"], user=world.manager)
    assert caught.value.flags == [REPORTING_LINE]
    assert len(pairs_of(run)) == 3

    added = proposal_add(
        organization=world.org, run=run, mentee=world["Gus"], mentor=world["Fa"], user=world.manager, confirm=True
    )
    assert (added.number, added.origin, added.flags, added.score) == (4, ProposalOrigin.MANUAL, [REPORTING_LINE], 100)
    run.refresh_from_db()
    assert ("Gus", "Fa") in pairs_of(run)
    assert (run.metrics["matched"], run.metrics["unmatched"], run.metrics["disallowed_pairs"]) == (4, 0, 1)


def test_adding_never_overfills_a_mentor_or_places_a_mentee_twice(world, run):
    with pytest.raises(ValidationError) as caught:
        proposal_add(organization=world.org, run=run, mentee=world["Gus"], mentor=world["Bo"])
    assert "Bo has no place left in this run" in caught.value.message_dict["mentor"][0]
    with pytest.raises(ValidationError) as caught:
        proposal_add(organization=world.org, run=run, mentee=world["Ana"], mentor=world["Fa"])
    assert "Ana is already in pair #" in caught.value.message_dict["mentee"][0]
    with pytest.raises(ValidationError) as caught:
        proposal_add(organization=world.org, run=run, mentee=world["Bo"], mentor=world["Fa"])
    assert "mentee" in caught.value.message_dict


def test_only_a_run_ready_for_review_can_change(world, run):
    proposal = _proposal(run, world, "Ana")
    match_run_discard(organization=world.org, run=run)
    for call in (
        lambda: proposal_lock(organization=world.org, proposal=proposal),
        lambda: proposal_remove(organization=world.org, proposal=proposal),
        lambda: proposal_add(organization=world.org, run=run, mentee=world["Gus"], mentor=world["Fa"], confirm=True),
    ):
        with pytest.raises(ValidationError) as caught:
            call()
        assert "only a run ready for review can change" in caught.value.message_dict["run"][0]
    assert run.status == MatchRunStatus.DISCARDED


def test_the_proposals_table_reads_in_two_queries_whatever_its_length(world, run):
    with CaptureQueriesContext(connection) as captured:
        rows = proposals_table(run)
    assert len(captured.captured_queries) == 2
    row = next(r for r in rows if r.mentees[0]["name"] == "Ana")
    assert [m["name"] for m in row.mentors] == ["Bo"] and row.score == 100.0
    assert row.top_reasons[0]["text"].startswith("You want to learn SQL")
    assert (row.flags, row.locked, row.origin) == ([], False, "solver")
    assert row.names == "Ana · Bo"


def test_two_runs_compared(world, run, run_match):
    second = run_match(world)
    proposal_remove(organization=world.org, proposal=_proposal(second, world, "Cy"))
    second.refresh_from_db()
    comparison = runs_compare(run, second)
    assert [p["people"] for p in comparison["same_pairs"]] == [["Ana", "Bo"], ["Ed", "Fa"]]
    assert [p["people"] for p in comparison["only_in_first"]] == [["Cy", "Di"]]
    assert comparison["only_in_second"] == []
    assert comparison["same_pairs"][0]["delta"] == 0
    assert comparison["metrics"]["matched"] == {"first": 3, "second": 2, "delta": -1}


def test_the_pool_summary_counts_places_and_warns(world):
    summary = pool_summary(world.program)
    assert (summary.mentors, summary.mentees, summary.capacity, summary.places_left) == (3, 4, 4, 4)
    assert summary.free_mentees == 4 and summary.live_mentorships == 0 and summary.warnings == []
    world["Fa"].capacity = 1
    world["Fa"].save()
    assert pool_summary(world.program).warnings == [
        "4 mentees but only 3 mentor places: at least 1 will stay unmatched."
    ]
