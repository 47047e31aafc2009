"""Match runs: validated and queued, executed with progress and recorded parameters, the best
matching found, the same input giving the same result, failures visible."""

import pytest
from django.core.exceptions import ValidationError

from matching.models import MatchProposal, MatchRun, MatchRunKind, MatchRunStatus, PairExclusion, ProposalOrigin
from matching.services.review import proposal_lock
from matching.services.runs import match_run_discard, match_run_execute, match_run_rerun, match_run_start
from mentorships.models import MentorshipStatus
from programs.models import EnrollmentStatus, MentoringModel, ProgramStatus

from ..factories import MentorshipFactory
from .engine_fixtures import build, make_person, pairs_of, run_match_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    """Ana's best mentor is Bo, but Cy can only go with Bo (nothing in common with Di): the
    engine must match both, Ana with Di. Best-pair-first would leave Cy out."""
    world = build(
        org,
        mentees={"Ana": {"wants": ["sql", "python"]}, "Cy": {"wants": ["python"]}},
        mentors={"Bo": ({"offers": ["sql", "python"]}, 1), "Di": ({"offers": ["sql"]}, 1)},
    )
    world.criterion("wants", "offers", weight=3, label="What you want to learn ↔ what they offer", required=True)
    return world


def _start(world, **kwargs):
    return match_run_start(organization=world.org, program=world.program, user=world.manager, **kwargs)


def test_a_run_matches_as_many_mentees_as_possible_then_the_best_total(world, run_match):
    run = run_match(world)

    assert (run.status, run.progress, run.progress_message, run.error) == ("succeeded", 100, "Ready for review", "")
    assert run.kind == MatchRunKind.PAIRS and run.started_at and run.finished_at
    assert pairs_of(run) == {("Ana", "Di"), ("Cy", "Bo")}
    ana = MatchProposal.objects.get(run=run, members__enrollment=world["Ana"])
    assert ana.score == pytest.approx(50.0) and ana.origin == ProposalOrigin.SOLVER
    assert ana.reasons[0]["criterion"] == "What you want to learn ↔ what they offer"
    assert "1 of 2" in ana.reasons[0]["text"]

    assert run.parameters["mentees"] == [world["Ana"].pk, world["Cy"].pk]
    assert run.parameters["mentors"] == [world["Bo"].pk, world["Di"].pk]
    assert run.parameters["capacity"] == [1, 1]
    assert run.parameters["criteria"][0]["required"] is True
    assert len(run.input_digest) == 64
    metrics = run.metrics
    assert (metrics["matched"], metrics["unmatched"], metrics["total"]) == (2, 0, pytest.approx(150.0))
    assert metrics["worst"] == pytest.approx(50.0)
    assert "dual certificate" in metrics["solver"]["optimal"] or metrics["solver"]["proven"]
    assert set(metrics["timings"]) >= {"load_seconds", "score_seconds", "solve_seconds", "total_seconds"}
    assert metrics["warnings"] == []


def test_the_same_input_gives_the_same_proposals(org, run_match):
    world = build(
        org,
        mentees={f"Mentee {n}": {"wants": ["sql", "python"][: 1 + n % 2], "zone": "emea"} for n in range(8)},
        mentors={f"Mentor {n}": ({"offers": ["sql"], "zone": ["emea", "amer"][n % 2]}, 2) for n in range(4)},
    )
    world.criterion("wants", "offers")
    world.criterion("zone", kind="same")  # plenty of ties
    first, second = run_match(world), run_match(world)
    assert first.input_digest == second.input_digest
    assert pairs_of(first) == pairs_of(second) and len(pairs_of(first)) == 8
    scores = lambda run: sorted(MatchProposal.objects.filter(run=run).values_list("number", "score"))  # noqa: E731
    assert scores(first) == scores(second)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ("draft", "program", "recruiting, matching or active"),
        ("no criteria", "program", "criterion"),
        ("no mentors", "program", "no mentors"),
        ("no mentees", "program", "no mentees"),
    ],
)
def test_a_run_that_cannot_work_is_refused_and_nothing_queued(org, change, field, words):
    world = build(
        org,
        status=ProgramStatus.RECRUITING,
        mentees={} if change == "no mentees" else {"Ana": {"wants": ["sql"]}},
        mentors={} if change == "no mentors" else {"Bo": ({"offers": ["sql"]}, 1)},
    )
    # "draft": as if recruitment were reopened and the program sent back to design; the others:
    # as if everyone on one side withdrew after matching opened.
    world.program.status = ProgramStatus.DRAFT if change == "draft" else ProgramStatus.MATCHING
    world.program.save()
    if change != "no criteria":
        world.criterion("wants", "offers")
    with pytest.raises(ValidationError) as caught:
        _start(world)
    assert words in " ".join(caught.value.message_dict[field])
    assert not MatchRun.objects.exists()


def test_with_live_mentorships_only_an_incremental_run_is_allowed(world, run_match):
    MentorshipFactory(program=world.program, members=[world["Bo"], world["Cy"]])
    with pytest.raises(ValidationError) as caught:
        _start(world)
    assert "incremental" in caught.value.message_dict["incremental"][0]

    run = run_match(world, incremental=True)
    # Cy keeps Bo; Bo has no place left; Ana gets Di.
    assert run.incremental and pairs_of(run) == {("Ana", "Di")}
    assert run.parameters["mentees"] == [world["Ana"].pk]
    assert run.parameters["capacity"] == [0, 1]


def test_fewer_places_than_mentees_is_a_warning_not_an_error(org, run_match):
    world = build(
        org,
        mentees={name: {"wants": ["sql"]} for name in ("Ana", "Cy", "Ed")},
        mentors={"Bo": ({"offers": ["sql"]}, 2)},
    )
    world.criterion("wants", "offers")
    run = run_match(world)
    assert run.status == MatchRunStatus.SUCCEEDED
    assert len(pairs_of(run)) == 2 and run.metrics["unmatched"] == 1
    assert any("only 2 mentor places" in w for w in run.metrics["warnings"])
    assert "1 mentee stays unmatched: there are 2 places for 3 mentees." in run.metrics["warnings"]


def test_hard_rules_and_the_minimum_score_leave_people_unmatched_rather_than_badly_matched(org, run_match):
    boss = make_person(org, "Boss")
    world = build(
        org,
        mentees={"Report": {"wants": ["sql"], "zone": "emea"}, "Ana": {"wants": ["python"], "zone": "emea"}},
        mentors={"Boss": ({"offers": ["sql"], "zone": "emea"}, 2)},
        people={"Boss": boss, "Report": {"manager": boss}},
    )
    world.criterion("wants", "offers", weight=3)
    world.criterion("zone", kind="same", weight=1)
    world.settings(min_score=30)
    run = run_match(world)
    # Report is in Boss's reporting line; Ana shares only the zone (25 points, under 30).
    assert pairs_of(run) == set()
    assert run.metrics["unmatched"] == 2
    assert run.metrics["warnings"] == [
        "2 mentees stay unmatched: the hard rules and the minimum score of 30 leave no mentor with room for them."
    ]


def test_a_failure_ends_the_run_failed_with_a_readable_error(world, run_match, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the solver exploded")

    monkeypatch.setattr("matching.services.runs.solver.solve_certified", broken)
    run = run_match(world)
    assert run.status == MatchRunStatus.FAILED and run.progress_message == "Failed"
    assert "the solver exploded" in run.error and run.finished_at
    assert not MatchProposal.objects.filter(run=run).exists()


def test_a_pool_that_emptied_before_the_worker_ran_fails_clearly(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = _start(world)
    assert run.status == MatchRunStatus.QUEUED and len(callbacks) == 1
    for name in ("Ana", "Cy"):
        world[name].status = EnrollmentStatus.WITHDRAWN
        world[name].save()
    callbacks[0]()
    run.refresh_from_db()
    assert run.status == MatchRunStatus.FAILED
    assert run.error == "Matching could not run: nobody is left to match: the pool changed since the run was started."


def test_a_redelivered_task_does_not_run_the_match_twice(world, run_match):
    run = run_match(world)
    before = list(MatchProposal.objects.filter(run=run).values_list("pk", flat=True))
    again = match_run_execute(organization=world.org.pk, run_id=run.pk)
    assert again.status == MatchRunStatus.SUCCEEDED
    assert list(MatchProposal.objects.filter(run=run).values_list("pk", flat=True)) == before


def test_a_rerun_keeps_the_locked_pairs_and_solves_for_everyone_else(org, run_match):
    world = build(
        org,
        mentees={"Ana": {"wants": ["sql"]}, "Cy": {"wants": ["python"]}, "Ed": {"wants": ["sql"]}},
        mentors={"Bo": ({"offers": ["sql"]}, 1), "Di": ({"offers": ["python"]}, 1), "Fa": ({"offers": ["sql"]}, 1)},
    )
    world.criterion("wants", "offers")
    first = run_match(world)
    kept = MatchProposal.objects.get(run=first, members__enrollment=world["Ana"])
    kept_mentor = kept.members.get(role="mentor").enrollment.person.name
    proposal_lock(organization=org, proposal=kept, user=world.manager)

    rerun = match_run_rerun(organization=org, run=first, user=world.manager)
    rerun.refresh_from_db()
    assert rerun.status == MatchRunStatus.QUEUED and rerun.base_run == first
    match_run_execute(organization=org, run_id=rerun.pk)
    rerun.refresh_from_db()

    assert rerun.status == MatchRunStatus.SUCCEEDED
    locked = MatchProposal.objects.get(run=rerun, origin=ProposalOrigin.LOCKED)
    assert locked.locked and locked.number == 1 and locked.score == kept.score
    assert ("Ana", kept_mentor) in pairs_of(rerun) and len(pairs_of(rerun)) == 3
    assert rerun.parameters["locked"] == [
        [[world["Ana"].pk, "mentee"], [kept.members.get(role="mentor").enrollment_id, "mentor"]]
    ]


def test_a_locked_pair_whose_mentee_left_is_dropped_with_a_warning(world, run_match):
    first = run_match(world)
    proposal = MatchProposal.objects.get(run=first, members__enrollment=world["Ana"])
    proposal_lock(organization=world.org, proposal=proposal)
    world["Ana"].status = EnrollmentStatus.WITHDRAWN
    world["Ana"].save()
    rerun = run_match(world, base_run=first)
    assert pairs_of(rerun) == {("Cy", "Bo")}
    assert any("#1 was not kept: Ana can no longer be matched" in w for w in rerun.metrics["warnings"])


def test_a_locked_pair_that_now_breaks_a_hard_rule_is_dropped_with_a_warning(world, run_match):
    first = run_match(world)
    proposal = MatchProposal.objects.get(run=first, members__enrollment=world["Ana"])
    proposal_lock(organization=world.org, proposal=proposal)
    mentor = proposal.members.get(role="mentor").enrollment
    # After the lock, Ana's mentor asks never to be matched with her.
    PairExclusion.objects.create(organization=world.org, enrollment=mentor, excluded_person=world.people["Ana"])
    rerun = run_match(world, base_run=first)
    assert (world.name_of(world["Ana"].pk), mentor.person.name) not in pairs_of(rerun)
    assert not rerun.proposals.filter(origin=ProposalOrigin.LOCKED).exists()
    assert (
        "The locked pair #1 was not kept: it now breaks a hard rule "
        "(One of them asked not to be matched with the other)." in rerun.metrics["warnings"]
    )


def test_a_run_whose_worker_was_lost_is_taken_over_by_the_redelivered_task(world):
    run = _start(world)
    # The worker claimed it and died: the run says RUNNING and nobody works on it.
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRunStatus.RUNNING, progress=30)
    assert match_run_execute(organization=world.org.pk, run_id=run.pk).status == MatchRunStatus.RUNNING
    taken_over = match_run_execute(organization=world.org.pk, run_id=run.pk, redelivered=True)
    assert taken_over.status == MatchRunStatus.SUCCEEDED and pairs_of(taken_over) == {("Ana", "Di"), ("Cy", "Bo")}


def test_only_a_run_ready_for_review_can_be_rerun_and_any_unpublished_run_discarded(world, run_match):
    run = run_match(world)
    match_run_discard(organization=world.org, run=run, user=world.manager)
    run.refresh_from_db()
    assert run.status == MatchRunStatus.DISCARDED
    with pytest.raises(ValidationError) as caught:
        match_run_rerun(organization=world.org, run=run, user=world.manager)
    assert "ready for review" in caught.value.message_dict["base_run"][0]
    with pytest.raises(ValidationError):
        match_run_discard(organization=world.org, run=run, user=world.manager)


def test_peer_circles_take_the_programs_group_sizes(org, run_match):
    world = build(
        org,
        model=MentoringModel.PEER_CIRCLES,
        peers={f"Peer {n}": {"wants": ["sql"], "zone": ["emea", "amer"][n % 2]} for n in range(9)},
        group_size_min=3,
        group_size_max=4,
    )
    world.criterion("zone", kind="same")
    run = run_match(world)
    assert run.status == MatchRunStatus.SUCCEEDED and run.kind == MatchRunKind.CIRCLES
    sizes = sorted(len(group) for group in pairs_of(run))
    assert sum(sizes) == 9 and all(3 <= size <= 4 for size in sizes)
    assert run.metrics["circles"] == len(sizes) and run.metrics["unmatched"] == 0
    assert "upper bound" in run.metrics["solver"]["optimal"]
    proposal = MatchProposal.objects.filter(run=run).first()
    assert {m.role for m in proposal.members.all()} == {"peer"}
    assert sum(r["points"] for r in proposal.reasons) == pytest.approx(proposal.score)


def test_a_rotation_round_pairs_everyone_avoiding_who_already_met(org, run_match):
    world = build(org, model=MentoringModel.ROTATION, peers={name: {} for name in ("Ana", "Bo", "Cy", "Di", "Ed")})
    world.criterion(kind="different", attribute="department")
    MentorshipFactory(program=world.program, members=[world["Ana"], world["Bo"]], status=MentorshipStatus.COMPLETED)
    run = run_match(world)
    groups = pairs_of(run)
    assert sorted(len(g) for g in groups) == [2, 3]  # the odd one out makes a triple
    assert not any({"Ana", "Bo"} <= set(g) for g in groups)
    assert run.metrics["repeats"] == 0


def test_peer_coaching_pairs_the_peers(org, run_match):
    world = build(
        org,
        model=MentoringModel.PEER_COACHING,
        peers={
            "Ana": {"wants": ["sql"], "offers": ["python"]},
            "Bo": {"wants": ["python"], "offers": ["sql"]},
            "Cy": {"wants": ["leadership"], "offers": ["speaking"]},
            "Di": {"wants": ["speaking"], "offers": ["leadership"]},
        },
    )
    world.criterion("wants", "offers", reciprocal=True)
    run = run_match(world)
    assert run.kind == MatchRunKind.ROTATION
    assert pairs_of(run) == {("Ana", "Bo"), ("Cy", "Di")}
