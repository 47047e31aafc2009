"""Matching API: match runs (start, progress, publish, discard, re-run, compare) and the review of
their proposals (lock, remove, add by hand, swap, preview). Managers only."""

import pytest

from matching.models import MatchProposal, MatchRun
from matching.services.runs import match_run_execute, match_run_start
from mentorships.models import Mentorship
from organizations.models import Role

from ..factories import OrganizationFactory
from ..organizations.api_helpers import NOT_FOUND, api_url, error_of, session_client, token_client
from .api_fixtures import add_criteria, enroll, make_program, participant, program_manager, small_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    program = make_program(org, capacity=2)
    add_criteria(program)
    return program


@pytest.fixture
def people(program):
    return small_cohort(program)


@pytest.fixture
def manager(program):
    return program_manager(program)


@pytest.fixture
def run(program, people, manager):
    """A finished run: ada with the pythonista, bob with the analyst, cyd with the orator."""
    started = match_run_start(organization=program.organization, program=program, user=manager)
    return match_run_execute(organization=program.organization, run_id=started.pk)


def runs_url(org, suffix=""):
    return api_url(org, f"match-runs/{suffix}")


def proposals_url(org, suffix=""):
    return api_url(org, f"match-proposals/{suffix}")


def proposal_of(run, mentee):
    return MatchProposal.objects.get(run=run, members__enrollment=mentee)


def pairs(org, client, run):
    """{mentee name: mentor name} of the run's proposals, as the API lists them."""
    listed = client.get(proposals_url(org, f"?run={run.pk}")).json()["results"]
    return {
        next(m["name"] for m in p["members"] if m["role"] == "mentee"): next(
            m["name"] for m in p["members"] if m["role"] == "mentor"
        )
        for p in listed
    }


def names(people):
    return {key: enrollment.person.name for key, enrollment in people.items()}


# --- runs ----------------------------------------------------------------------------------


def test_a_manager_starts_a_run_and_follows_it_to_the_result(
    program, people, manager, django_capture_on_commit_callbacks
):
    client = token_client(manager, program.organization)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(runs_url(program.organization), {"program": program.pk}, format="json")
    assert started.status_code == 201, started.json()
    assert (started.json()["status"], started.json()["is_finished"]) == ("queued", False)
    done = client.get(runs_url(program.organization, f"{started.json()['id']}/")).json()
    assert (done["status"], done["progress"], done["is_editable"], done["proposal_count"]) == (
        "succeeded",
        100,
        True,
        3,
    )
    assert done["metrics"]["matched"] == 3 and done["metrics"]["unmatched"] == 0
    assert done["metrics"]["solver"]["optimal"] and len(done["input_digest"]) == 64
    assert {"total", "worst", "p10", "load_spread", "top3_share"} <= set(done["metrics"])
    n = names(people)
    assert pairs(program.organization, client, MatchRun.objects.get()) == {
        n["ada"]: n["pythonista"],
        n["bob"]: n["analyst"],
        n["cyd"]: n["orator"],
    }


def test_runs_are_listed_by_program_and_status(program, run, manager):
    other = make_program(program.organization, name="Other")
    client = session_client(manager)
    listed = client.get(runs_url(program.organization, f"?program={program.pk}&status=succeeded")).json()
    assert [r["id"] for r in listed["results"]] == [run.pk]
    assert client.get(runs_url(program.organization, f"?program={other.pk}")).json()["results"] == []


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_criteria", "Add at least one matching criterion first."),
        ("draft", "Matching runs once the program is recruiting, matching or active; it is draft."),
        ("no_mentors", "There are no mentors ready to match."),
    ],
)
def test_a_run_that_cannot_start_says_why_under_program(org, setup, message):
    program = make_program(org, status="draft" if setup == "draft" else "matching")
    if setup != "no_criteria":
        add_criteria(program)
    enroll(program, "mentee", ["python"])
    if setup != "no_mentors":
        enroll(program, "mentor", ["python"])
    response = session_client(program_manager(program)).post(runs_url(org), {"program": program.pk}, format="json")
    assert response.status_code == 400
    assert message in error_of(response)["fields"]["program"]
    assert not MatchRun.objects.exists()


def test_a_trial_run_while_recruiting_shows_the_result_but_cannot_be_published(org):
    program = make_program(org, status="recruiting")
    add_criteria(program)
    small_cohort(program)
    manager = program_manager(program)
    started = match_run_start(organization=org, program=program, user=manager)
    trial = match_run_execute(organization=org, run_id=started.pk)
    client = session_client(manager)
    assert client.get(runs_url(org, f"{trial.pk}/")).json()["proposal_count"] == 3
    refused = client.post(runs_url(org, f"{trial.pk}/publish/"))
    assert refused.status_code == 400 and "recruiting" in error_of(refused)["fields"]["run"][0]
    assert not Mentorship.objects.exists()


def test_members_who_do_not_manage_the_program_see_no_runs_and_cannot_start_one(program, people, run):
    user, _ = participant(program, "mentee", ["python"])
    client = session_client(user)
    assert client.get(runs_url(program.organization)).json()["results"] == []
    assert client.get(runs_url(program.organization, f"{run.pk}/")).json() == NOT_FOUND
    assert client.post(runs_url(program.organization, f"{run.pk}/publish/")).json() == NOT_FOUND
    assert client.get(proposals_url(program.organization, f"?run={run.pk}")).json()["results"] == []
    refused = client.post(runs_url(program.organization), {"program": program.pk}, format="json")
    assert refused.status_code == 403 and MatchRun.objects.count() == 1
    # A run of a program one does not manage, named in a body, is as unknown as a missing one.
    pair = {"mentee": people["ada"].pk, "mentor": people["orator"].pk}

    def refusal(pk):
        response = client.post(proposals_url(program.organization), {**pair, "run": pk}, format="json")
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    assert refusal(run.pk) == refusal(999999)


def test_another_organizations_base_run_answers_like_a_missing_one(program, run, manager):
    foreign_program = make_program(OrganizationFactory())
    foreign = MatchRun.objects.create(organization=foreign_program.organization, program=foreign_program)
    client = session_client(manager)

    def refusal(pk):
        response = client.post(runs_url(program.organization), {"program": program.pk, "base_run": pk}, format="json")
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    assert refusal(foreign.pk) == refusal(999999)
    assert MatchRun.objects.filter(organization=program.organization).count() == 1


def test_publishing_makes_the_mentorships_once(program, run, manager, member_of):
    client = token_client(manager, program.organization)
    published = client.post(runs_url(program.organization, f"{run.pk}/publish/"))
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published" and published.json()["published_by"] == manager.email
    assert sorted(published.json()["mentorships"]) == sorted(Mentorship.objects.values_list("pk", flat=True))
    assert Mentorship.objects.filter(match_run=run).count() == 3
    # A second manager a moment later gets a clear refusal, and nothing more is made.
    other_manager = session_client(member_of(program.organization, Role.ADMIN))
    again = other_manager.post(runs_url(program.organization, f"{run.pk}/publish/"))
    assert again.status_code == 400 and "already published" in error_of(again)["fields"]["run"][0]
    assert Mentorship.objects.count() == 3


def test_a_discarded_run_cannot_be_published(program, run, manager):
    client = session_client(manager)
    discarded = client.post(runs_url(program.organization, f"{run.pk}/discard/"))
    assert (discarded.status_code, discarded.json()["status"]) == (200, "discarded")
    refused = client.post(runs_url(program.organization, f"{run.pk}/publish/"))
    assert refused.status_code == 400 and "run" in error_of(refused)["fields"]
    assert not Mentorship.objects.exists()


def test_a_rerun_keeps_the_locked_pairs_and_compares_with_the_first(
    program, people, run, manager, django_capture_on_commit_callbacks
):
    org = program.organization
    client = session_client(manager)
    locked = proposal_of(run, people["cyd"])
    assert client.post(proposals_url(org, f"{locked.pk}/lock/")).json()["locked"] is True
    with django_capture_on_commit_callbacks(execute=True):
        rerun = client.post(runs_url(org, f"{run.pk}/rerun/"))
    assert rerun.status_code == 201, rerun.json()
    assert rerun.json()["base_run"] == run.pk
    second = MatchRun.objects.get(pk=rerun.json()["id"])
    assert second.status == "succeeded"
    assert MatchProposal.objects.get(run=second, members__enrollment=people["cyd"]).origin == "locked"
    compared = client.get(runs_url(org, f"{run.pk}/compare/?other={second.pk}"))
    assert compared.status_code == 200, compared.json()
    assert (len(compared.json()["same_pairs"]), compared.json()["only_in_first"]) == (3, [])


def test_comparing_with_another_organizations_run_answers_like_a_missing_one(program, run, manager):
    foreign_program = make_program(OrganizationFactory())
    foreign = MatchRun.objects.create(organization=foreign_program.organization, program=foreign_program)
    client = session_client(manager)

    def refusal(pk):
        response = client.get(runs_url(program.organization, f"{run.pk}/compare/?other={pk}"))
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    assert refusal(foreign.pk) == refusal(999999)


def test_the_unmatched_are_listed(org):
    program = make_program(org)  # one place per mentor
    add_criteria(program)
    mentees = {enroll(program, "mentee", ["python"]).pk, enroll(program, "mentee", ["python"]).pk}
    enroll(program, "mentor", ["python"])
    manager = program_manager(program)
    run = match_run_start(organization=org, program=program, user=manager)
    run = match_run_execute(organization=org, run_id=run.pk)
    placed = MatchProposal.objects.get(run=run).members.get(role="mentee").enrollment_id
    response = session_client(manager).get(runs_url(org, f"{run.pk}/unmatched/"))
    assert response.status_code == 200
    assert [p["enrollment"] for p in response.json()] == list(mentees - {placed})


# --- proposals -----------------------------------------------------------------------------


def test_proposals_carry_scores_reasons_and_people_in_few_queries(program, run, manager, django_assert_max_num_queries):
    client = session_client(manager)
    with django_assert_max_num_queries(10):
        listed = client.get(proposals_url(program.organization, f"?run={run.pk}"))
    first = listed.json()["results"][0]
    assert first["score"] == 100 and first["origin"] == "solver" and first["flags"] == []
    assert first["top_reasons"] and first["top_reasons"][0]["text"]
    assert {m["role"] for m in first["members"]} == {"mentee", "mentor"}


def test_a_locked_pair_is_kept_from_removal_until_unlocked(program, people, run, manager):
    org = program.organization
    client = session_client(manager)
    proposal = proposal_of(run, people["ada"])
    client.post(proposals_url(org, f"{proposal.pk}/lock/"))
    refused = client.delete(proposals_url(org, f"{proposal.pk}/"))
    assert refused.status_code == 400 and "locked" in error_of(refused)["fields"]["proposal"][0]
    assert client.post(proposals_url(org, f"{proposal.pk}/unlock/")).json()["locked"] is False
    assert client.delete(proposals_url(org, f"{proposal.pk}/")).status_code == 204
    done = client.get(runs_url(org, f"{run.pk}/")).json()
    assert (done["proposal_count"], done["metrics"]["unmatched"]) == (2, 1)


def test_a_pair_breaking_a_hard_rule_is_added_only_once_confirmed(program, people, run, manager):
    org = program.organization
    client = token_client(manager, org)
    client.delete(proposals_url(org, f"{proposal_of(run, people['ada']).pk}/"))
    body = {"run": run.pk, "mentee": people["ada"].pk, "mentor": people["orator"].pk}
    preview = client.get(
        runs_url(org, f"{run.pk}/pair-preview/?mentee={people['ada'].pk}&mentor={people['orator'].pk}")
    )
    assert preview.status_code == 200 and preview.json()["flags"], preview.json()
    refused = client.post(proposals_url(org), body, format="json")
    assert refused.status_code == 400
    assert "breaks a hard rule" in error_of(refused)["fields"]["confirm"][0]
    assert MatchProposal.objects.filter(run=run).count() == 2
    added = client.post(proposals_url(org), {**body, "confirm": True}, format="json")
    assert added.status_code == 201, added.json()
    assert added.json()["origin"] == "manual" and added.json()["flags"] == preview.json()["flags"]
    assert added.json()["score"] == preview.json()["score"]


def test_a_mentee_already_placed_or_a_full_mentor_is_refused(program, people, run, manager):
    org = program.organization
    client = session_client(manager)
    placed = client.post(
        proposals_url(org), {"run": run.pk, "mentee": people["ada"].pk, "mentor": people["analyst"].pk}, format="json"
    )
    assert placed.status_code == 400 and "already in pair" in error_of(placed)["fields"]["mentee"][0]


def test_swapping_two_pairs_exchanges_their_mentors(program, people, run, manager):
    org = program.organization
    client = session_client(manager)
    first, second = proposal_of(run, people["ada"]), proposal_of(run, people["bob"])
    swapped = client.post(proposals_url(org, "swap/"), {"first": first.pk, "second": second.pk}, format="json")
    assert swapped.status_code == 200, swapped.json()
    assert {p["origin"] for p in swapped.json()} == {"swapped"}
    n = names(people)
    assert pairs(org, client, run)[n["ada"]] == n["analyst"]


def test_a_swap_that_breaks_a_hard_rule_needs_confirming(program, people, run, manager):
    org = program.organization
    client = session_client(manager)
    body = {"first": proposal_of(run, people["ada"]).pk, "second": proposal_of(run, people["cyd"]).pk}
    refused = client.post(proposals_url(org, "swap/"), body, format="json")
    assert refused.status_code == 400 and "confirm" in error_of(refused)["fields"]
    n = names(people)
    assert pairs(org, client, run)[n["ada"]] == n["pythonista"]
    confirmed = client.post(proposals_url(org, "swap/"), {**body, "confirm": True}, format="json")
    assert confirmed.status_code == 200 and all(p["flags"] for p in confirmed.json())


def test_a_published_run_can_no_longer_change(program, people, run, manager):
    org = program.organization
    client = session_client(manager)
    client.post(runs_url(org, f"{run.pk}/publish/"))
    proposal = proposal_of(run, people["ada"])
    refused = client.delete(proposals_url(org, f"{proposal.pk}/"))
    assert (
        refused.status_code == 400 and "only a run ready for review can change" in error_of(refused)["fields"]["run"][0]
    )


def test_another_organizations_people_and_proposals_answer_like_missing_ones(program, people, run, manager):
    foreign_program = make_program(OrganizationFactory())
    foreign_mentee = enroll(foreign_program, "mentee", ["python"])
    foreign_run = MatchRun.objects.create(organization=foreign_program.organization, program=foreign_program)
    foreign_proposal = MatchProposal.objects.create(
        organization=foreign_program.organization, run=foreign_run, number=1, score=1
    )
    org = program.organization
    client = session_client(manager)

    def refusal(method, path, body, pk):
        response = getattr(client, method)(api_url(org, path), body, format="json")
        return response.status_code, str(response.json()).replace(str(pk), "N")

    add = {"run": run.pk, "mentor": people["orator"].pk}
    assert refusal("post", "match-proposals/", {**add, "mentee": foreign_mentee.pk}, foreign_mentee.pk) == refusal(
        "post", "match-proposals/", {**add, "mentee": 999999}, 999999
    )
    swap = {"first": proposal_of(run, people["ada"]).pk}
    assert refusal("post", "match-proposals/swap/", {**swap, "second": foreign_proposal.pk}, foreign_proposal.pk) == (
        refusal("post", "match-proposals/swap/", {**swap, "second": 999999}, 999999)
    )
    preview = f"match-runs/{run.pk}/pair-preview/?mentor={people['orator'].pk}&mentee="
    assert refusal("get", preview + str(foreign_mentee.pk), None, foreign_mentee.pk) == refusal(
        "get", preview + "999999", None, 999999
    )
    assert client.get(proposals_url(org, f"{foreign_proposal.pk}/")).json() == NOT_FOUND
