"""The program manager's matching pages: criteria and settings, running, reviewing, adjusting,
comparing, publishing; as managers, plain members and other organizations use them."""

import pytest
from django.urls import reverse

from matching.models import (
    MatchingCriterion,
    MatchingSettings,
    MatchProposal,
    MatchRun,
    MatchRunStatus,
    MentorSuggestion,
)
from matching.services.runs import match_run_execute, match_run_start
from mentorships.models import Mentorship
from organizations.models import Role
from programs.models import ProgramManager, ProgramStatus
from tests.factories import OrganizationFactory
from tests.organizations.pages import field_error, text

from .engine_fixtures import build
from .participant_fixtures import self_match_program

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def url(name, org, *args, **query):
    address = reverse(f"matching:{name}", args=[org.slug, *args])
    if query:
        address += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return address


@pytest.fixture
def world(org):
    """Ana wants SQL, Ben Python, Cy public speaking; Dee offers SQL (1 place), Eve Python (2
    places). Sharing a skill is a hard rule, so Cy stays unmatched."""
    world = build(
        org,
        mentees={"Ana": {"wants": ["sql"]}, "Ben": {"wants": ["python"]}, "Cy": {"wants": ["speaking"]}},
        mentors={"Dee": ({"offers": ["sql"]}, 1), "Eve": ({"offers": ["python"]}, 2)},
    )
    world.criterion("wants", "offers", label="Shares the skills you want", weight=3, required=True)
    return world


@pytest.fixture
def manager_client(world, client_for):
    return client_for(world.manager)


@pytest.fixture
def run_now(django_capture_on_commit_callbacks):
    """run_now(world) -> a run started and executed (the task runs on commit, eagerly)."""

    def start(world, **options):
        with django_capture_on_commit_callbacks(execute=True):
            run = match_run_start(organization=world.org, program=world.program, user=world.manager, **options)
        run.refresh_from_db()
        return run

    return start


@pytest.fixture
def run(world, run_now):
    return run_now(world)


def proposal_with(run, name, world):
    return MatchProposal.objects.get(run=run, members__enrollment=world[name])


# --- who may see what -------------------------------------------------------------------------


def test_a_plain_member_is_refused_and_another_organization_sees_nothing(world, run, client_for, member_of):
    member = client_for(member_of(world.org, Role.MEMBER))
    assert member.get(url("program", world.org, world.program.pk)).status_code == 403
    assert member.get(url("run_detail", world.org, run.pk)).status_code == 403
    other_org = OrganizationFactory()
    outsider = client_for(member_of(other_org, Role.ADMIN))
    assert outsider.get(url("run_detail", other_org, run.pk)).status_code == 404
    assert outsider.get(url("program", other_org, world.program.pk)).status_code == 404
    criterion = MatchingCriterion.objects.get(program=world.program)
    assert outsider.post(url("criterion_delete", other_org, criterion.pk)).status_code == 404
    assert MatchingCriterion.objects.filter(pk=criterion.pk).exists()


def test_a_program_manager_who_is_a_plain_member_runs_the_matching(world, run, client_for, member_of):
    user = member_of(world.org, Role.MEMBER)
    ProgramManager.objects.create(organization=world.org, program=world.program, user=user)
    response = client_for(user).get(url("run_detail", world.org, run.pk))
    assert response.status_code == 200 and "Publish the matches" in text(response)


def test_changes_are_post_only(manager_client, world, run):
    proposal = proposal_with(run, "Ana", world)
    assert manager_client.get(url("proposal_lock", world.org, run.pk, proposal.pk)).status_code == 405
    assert manager_client.get(url("run_publish", world.org, run.pk)).status_code == 405
    assert manager_client.get(url("run_start", world.org, world.program.pk)).status_code == 405


def test_the_program_page_links_to_matching(manager_client, world):
    page = manager_client.get(reverse("programs:detail", args=[world.org.slug, world.program.pk])).content.decode()
    assert url("program", world.org, world.program.pk) in page


# --- the matching home: pool, criteria, settings ----------------------------------------------


def test_the_home_shows_the_pool_the_criteria_and_a_run_button(manager_client, world):
    page = text(manager_client.get(url("program", world.org, world.program.pk)))
    assert "3 mentees to match" in page and "2 mentors ready" in page and "3 mentor places free" in page
    assert "Shares the skills you want" in page and "Required" in page
    assert "Run matching" in page


def test_the_pool_warns_when_places_are_short(org, client_for):
    world = build(org, mentees={"Ana": {"wants": ["sql"]}, "Ben": {"wants": ["sql"]}}, mentors={"Dee": ({}, 1)})
    page = text(client_for(world.manager).get(url("program", org, world.program.pk)))
    assert "2 mentees but only 1 mentor places: at least 1 will stay unmatched." in page


def test_adding_a_criterion(manager_client, world):
    response = manager_client.post(
        url("criterion_create", world.org, world.program.pk),
        {
            "label": "Same region",
            "kind": "same",
            "weight": "2",
            "mentee_question": world.question("mentee", "zone").pk,
            "mentor_question": world.question("mentor", "zone").pk,
        },
        follow=True,
    )
    assert "Same region" in text(response)
    assert MatchingCriterion.objects.filter(program=world.program, label="Same region", weight=2).exists()


def test_a_criterion_on_a_question_of_the_wrong_type_is_refused_beside_the_field(manager_client, world):
    response = manager_client.post(
        url("criterion_create", world.org, world.program.pk),
        {
            "label": "Year gap",
            "kind": "gap",
            "weight": "1",
            "mentee_question": world.question("mentee", "wants").pk,
            "mentor_question": world.question("mentor", "year").pk,
            "gap_target": "1",
        },
    )
    assert response.status_code == 200
    assert "multiple choice question" in field_error(response, "mentee_question")
    assert not MatchingCriterion.objects.filter(label="Year gap").exists()


def test_a_weight_that_is_not_finite_is_refused(manager_client, world):
    response = manager_client.post(
        url("criterion_create", world.org, world.program.pk),
        {"label": "Languages", "kind": "overlap", "weight": "inf", "attribute": "languages"},
    )
    assert field_error(response, "weight")
    assert not MatchingCriterion.objects.filter(label="Languages").exists()


def test_editing_and_removing_a_criterion(manager_client, world):
    criterion = MatchingCriterion.objects.get(program=world.program)
    edit = url("criterion_edit", world.org, criterion.pk)
    form = manager_client.get(edit)
    assert 'value="Shares the skills you want"' in form.content.decode()
    manager_client.post(
        edit,
        {
            "label": "Can teach what you want",
            "kind": "overlap",
            "weight": "5",
            "mentee_question": world.question("mentee", "wants").pk,
            "mentor_question": world.question("mentor", "offers").pk,
        },
    )
    criterion.refresh_from_db()
    assert (criterion.label, criterion.weight, criterion.required) == ("Can teach what you want", 5, False)
    page = text(manager_client.post(url("criterion_delete", world.org, criterion.pk), follow=True))
    assert "was removed" in page and "No criteria yet" in page


def test_the_templates_suggested_criteria(manager_client, world):
    world.program.matching_hints = [
        {"kind": "overlap", "mentee_key": "wants", "mentor_key": "offers", "weight": 3, "label": "Skills"},
        {"kind": "same", "key": "zone", "weight": 2, "label": "Same region"},
        {"kind": "exclude", "rule": "same_reporting_line", "label": "Never the manager chain"},
    ]
    world.program.save()
    home = text(manager_client.get(url("program", world.org, world.program.pk)))
    assert "Use the template’s suggested criteria" in home
    page = text(manager_client.post(url("criteria_from_hints", world.org, world.program.pk), follow=True))
    assert "1 suggested criterion was added" in page  # the skills overlap exists already
    assert MatchingCriterion.objects.filter(program=world.program, label="Same region").exists()


SETTINGS_FORM = {
    "mode": "managed",
    "min_score": "",
    "exclude_reporting_line": "on",
    "preference_bonus": "10",
    "suggestions_shown": "5",
    "max_pending_requests": "3",
}


def test_settings_are_saved_and_bad_values_shown_beside_the_field(manager_client, world):
    settings_url = url("settings", world.org, world.program.pk)
    data = {**SETTINGS_FORM, "min_score": "150"}
    response = manager_client.post(settings_url, data)
    assert response.status_code == 200 and "100" in field_error(response, "min_score")
    manager_client.post(settings_url, {**data, "min_score": "40"})
    saved = MatchingSettings.objects.get(program=world.program)
    assert (saved.min_score, saved.exclude_reporting_line, saved.exclude_previous_pairs) == (40, True, False)


# --- running ------------------------------------------------------------------------------------


def test_run_matching_goes_to_the_run_page_with_the_proposals(
    manager_client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url("run_start", world.org, world.program.pk))
    run = MatchRun.objects.get(program=world.program)
    assert response.url == url("run_detail", world.org, run.pk)
    page = text(manager_client.get(response.url))
    assert "Ready for review" in page
    assert "2 of 3 mentees matched" in page
    assert "The best possible result, proven" in page
    assert "Ana" in page and "Dee" in page and "Ben" in page and "Eve" in page
    assert "Unmatched (1)" in page and "Cy" in page


def test_a_run_that_cannot_start_says_why(manager_client, world):
    MatchingCriterion.objects.filter(program=world.program).delete()
    page = text(manager_client.post(url("run_start", world.org, world.program.pk), follow=True))
    assert "Add at least one matching criterion first." in page
    assert not MatchRun.objects.exists()


def test_while_recruiting_a_trial_run_is_offered_but_publishing_waits(
    org, client_for, django_capture_on_commit_callbacks
):
    world = build(
        org,
        mentees={"Ana": {"wants": ["sql"]}},
        mentors={"Dee": ({"offers": ["sql"]}, 1)},
        status=ProgramStatus.RECRUITING,
    )
    world.criterion("wants", "offers")
    client = client_for(world.manager)
    page = text(client.get(url("program", org, world.program.pk)))
    assert "Try a matching run" in page and "Publishing waits until recruitment is closed" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run_start", org, world.program.pk))
    page = text(client.get(response.url))
    assert "This is a trial run" in page and "Publish the matches" not in page


def test_the_progress_bar_is_polled_until_the_result_replaces_it(manager_client, world):
    queued = match_run_start(organization=world.org, program=world.program, user=world.manager)  # not executed
    page = manager_client.get(url("run_detail", world.org, queued.pk)).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    assert url("run_progress", world.org, queued.pk) in page
    poll = manager_client.get(url("run_progress", world.org, queued.pk), **HX).content.decode()
    assert "<progress" in poll and 'hx-trigger="every 1s"' in poll

    match_run_execute(organization=world.org, run_id=queued.pk)
    done = manager_client.get(url("run_progress", world.org, queued.pk), **HX).content.decode()
    assert "<progress" not in done and 'hx-trigger="every 1s"' not in done
    assert 'class="stack proposals-table"' in done
    # Outside htmx the progress address leads to the run page.
    assert manager_client.get(url("run_progress", world.org, queued.pk)).status_code == 302


def test_a_failed_run_says_so(manager_client, world):
    MatchRun.objects.create(
        organization=world.org, program=world.program, status=MatchRunStatus.FAILED, error="Boom, in words."
    )
    failed = MatchRun.objects.get(program=world.program)
    page = text(manager_client.get(url("run_detail", world.org, failed.pk)))
    assert "This run failed. Boom, in words." in page and "Publish" not in page


# --- reviewing and adjusting -------------------------------------------------------------------


def test_lock_and_unlock_a_pair(manager_client, world, run):
    proposal = proposal_with(run, "Ana", world)
    lock = url("proposal_lock", world.org, run.pk, proposal.pk)
    response = manager_client.post(lock, {"locked": "1", "q": "Ana"})
    assert response.url == url("run_detail", world.org, run.pk) + "?q=Ana"
    proposal.refresh_from_db()
    assert proposal.locked
    page = text(manager_client.get(response.url))
    assert "Unlock pair" in page and "keeps the 1 locked pair as it is" in page
    manager_client.post(lock, {"locked": "0"})
    proposal.refresh_from_db()
    assert not proposal.locked


def test_removing_a_pair_puts_its_mentee_back_among_the_unmatched(manager_client, world, run):
    proposal = proposal_with(run, "Ana", world)
    page = text(manager_client.post(url("proposal_remove", world.org, run.pk, proposal.pk), follow=True))
    assert "back among the unmatched" in page
    assert "Unmatched (2)" in page
    assert not MatchProposal.objects.filter(pk=proposal.pk).exists()


def test_a_locked_pair_cannot_be_removed(manager_client, world, run):
    proposal = proposal_with(run, "Ana", world)
    manager_client.post(url("proposal_lock", world.org, run.pk, proposal.pk), {"locked": "1"})
    page = text(manager_client.post(url("proposal_remove", world.org, run.pk, proposal.pk), follow=True))
    assert "unlock it before removing it" in page
    assert MatchProposal.objects.filter(pk=proposal.pk).exists()


def test_adding_a_pair_by_hand_shows_the_broken_rule_and_needs_a_confirmation(manager_client, world, run):
    add = url("proposal_add", world.org, run.pk)
    first_visit = manager_client.get(add, {"mentee": world["Cy"].pk})
    assert first_visit.status_code == 200 and not field_error(first_visit, "mentor")
    preview = manager_client.get(add, {"mentee": world["Cy"].pk, "mentor": world["Eve"].pk})
    page = text(preview)
    assert "Cy (mentee) with Eve (mentor)" in page and "breaks 1 hard rule" in page
    assert "I know this pair breaks a hard rule" in page

    refused = manager_client.post(add, {"mentee": world["Cy"].pk, "mentor": world["Eve"].pk})
    assert "breaks a hard rule" in field_error(refused, "confirm")
    assert MatchProposal.objects.filter(run=run).count() == 2

    done = manager_client.post(add, {"mentee": world["Cy"].pk, "mentor": world["Eve"].pk, "confirm": "on"}, follow=True)
    page = text(done)
    assert "Cy and Eve were added as pair 3" in page
    added = proposal_with(run, "Cy", world)
    assert added.flags and added.origin == "manual"
    assert "Added by hand" in page and "Unmatched" not in page


def test_a_mentor_without_a_place_is_not_offered(manager_client, world, run):
    page = manager_client.get(url("proposal_add", world.org, run.pk)).content.decode()
    assert "Eve · Engineering (1 place free)" in page and "Dee" not in page
    refused = manager_client.get(
        url("proposal_add", world.org, run.pk), {"mentee": world["Cy"].pk, "mentor": world["Dee"].pk}
    )
    assert field_error(refused, "mentor")


def test_swapping_two_mentors_previews_then_swaps(manager_client, world, run):
    ana, ben = proposal_with(run, "Ana", world), proposal_with(run, "Ben", world)
    swap = url("proposals_swap", world.org, run.pk)
    page = text(manager_client.get(swap, {"first": ana.number, "second": ben.number}))
    assert "Ana (mentee) with Eve (mentor)" in page and "Ben (mentee) with Dee (mentor)" in page
    assert "hard rule" in page

    refused = manager_client.post(swap, {"first": ana.number, "second": ben.number})
    assert "breaks a hard rule" in field_error(refused, "confirm")
    manager_client.post(swap, {"first": ana.number, "second": ben.number, "confirm": "on"})
    assert {m.enrollment_id for m in proposal_with(run, "Ana", world).members.all()} == {
        world["Ana"].pk,
        world["Eve"].pk,
    }


def test_a_swap_with_a_number_not_in_the_run_is_refused_beside_it(manager_client, world, run):
    response = manager_client.get(url("proposals_swap", world.org, run.pk), {"first": 1, "second": 99})
    assert "no pair 99" in field_error(response, "second")


def test_rerun_around_the_locked_pairs(manager_client, world, run, django_capture_on_commit_callbacks):
    proposal = proposal_with(run, "Ana", world)
    manager_client.post(url("proposal_lock", world.org, run.pk, proposal.pk), {"locked": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url("run_rerun", world.org, run.pk))
    rerun = MatchRun.objects.exclude(pk=run.pk).get()
    assert rerun.base_run_id == run.pk and response.url == url("run_detail", world.org, rerun.pk)
    kept = proposal_with(rerun, "Ana", world)
    assert kept.locked and kept.origin == "locked"


def test_comparing_two_runs(manager_client, world, run, run_now):
    manager_client.post(url("proposal_remove", world.org, run.pk, proposal_with(run, "Ana", world).pk))
    second = run_now(world)
    page = text(manager_client.get(url("run_compare", world.org, run.pk), {"other": second.pk}))
    assert f"Compare run {run.pk} with run {second.pk}" in page
    assert "1 in both runs" in page and f"1 only in run {second.pk}" in page
    assert "Ana · Dee" in page


def test_compare_refuses_a_run_of_another_organization(manager_client, world, run, org):
    other = build(OrganizationFactory(), mentees={"Zed": {}}, mentors={"Yan": ({}, 1)})
    foreign = MatchRun.objects.create(organization=other.org, program=other.program)
    response = manager_client.get(url("run_compare", world.org, run.pk), {"other": foreign.pk})
    assert response.status_code == 200 and "Select a valid choice" in text(response)


# --- publishing ---------------------------------------------------------------------------------


def test_publishing_needs_the_confirmation_then_creates_the_mentorships(manager_client, world, run, mailoutbox):
    publish = url("run_publish", world.org, run.pk)
    page = text(manager_client.post(publish, follow=True))
    assert "Tick the box to confirm" in page and not Mentorship.objects.exists()

    page = text(manager_client.post(publish, {"confirm": "on"}, follow=True))
    assert "Published: 2 mentorships created; 4 people are being told by email." in page
    assert "2 mentorships created, and everyone in them was told" in page
    assert Mentorship.objects.filter(program=world.program, match_run=run).count() == 2
    assert "Publish the matches" not in page  # nothing left to change

    again = text(manager_client.post(publish, {"confirm": "on"}, follow=True))
    assert "already published" in again
    assert Mentorship.objects.count() == 2


def test_discarding_a_run(manager_client, world, run):
    response = manager_client.post(url("run_discard", world.org, run.pk), follow=True)
    run.refresh_from_db()
    assert run.status == MatchRunStatus.DISCARDED
    assert response.redirect_chain[-1][0] == url("program", world.org, world.program.pk)
    assert "Discarded" in text(response)


# --- bounded queries ------------------------------------------------------------------------------


def _run_with_proposals(world, count, *, unmatched=()):
    """A finished run holding `count` proposals, written directly: the table's cost is what is
    measured; the people named in `unmatched` are in its pool but in no pair, and Eve has two
    places left."""
    from matching.models import ProposalMember
    from programs.models import Enrollment, EnrollmentStatus

    from ..factories import PersonFactory

    org, program = world.org, world.program
    mentor = world["Eve"]
    people = PersonFactory.create_batch(count, organization=org)
    people += [PersonFactory(organization=org, name=name) for name in unmatched]
    mentees = Enrollment.objects.bulk_create(
        Enrollment(organization=org, program=program, person=p, role="mentee", status=EnrollmentStatus.APPROVED)
        for p in people
    )
    run = MatchRun.objects.create(
        organization=org,
        program=program,
        status=MatchRunStatus.SUCCEEDED,
        parameters={"mentees": [e.pk for e in mentees], "mentors": [mentor.pk], "capacity": [count + 2]},
        metrics={"matched": count, "unmatched": 0, "proposals": count, "solver": {"proven": True, "optimal": "test"}},
    )
    reasons = [{"criterion": "Skills", "points": 50.0, "max_points": 100.0, "text": "You both like SQL"}] * 4
    proposals = MatchProposal.objects.bulk_create(
        MatchProposal(organization=org, run=run, number=n, score=50, reasons=reasons, flags=["A flag"] if n % 2 else [])
        for n in range(1, count + 1)
    )
    ProposalMember.objects.bulk_create(
        member
        for proposal, mentee in zip(proposals, mentees[:count], strict=True)
        for member in (
            ProposalMember(organization=org, proposal=proposal, run=run, enrollment=mentee, role="mentee"),
            ProposalMember(organization=org, proposal=proposal, run=run, enrollment=mentor, role="mentor"),
        )
    )
    return run


def test_the_review_page_queries_do_not_grow_with_the_proposals(manager_client, world, django_assert_max_num_queries):
    small, big = _run_with_proposals(world, 30), _run_with_proposals(world, 300)
    manager_client.get(url("run_detail", world.org, small.pk))  # warm the session and caches
    with django_assert_max_num_queries(40) as measured:
        page = text(manager_client.get(url("run_detail", world.org, small.pk)))
    assert page.count("You both like SQL") == 30 * 3  # the top three reasons of each row
    with django_assert_max_num_queries(len(measured.captured_queries)):
        page = text(manager_client.get(url("run_detail", world.org, big.pk)))
    assert page.count("You both like SQL") == 100 * 3 and "Page 1 of 3" in page


def test_many_unmatched_show_the_first_by_name_and_the_search_finds_anyone(manager_client, world):
    run = _run_with_proposals(world, 3, unmatched=[*(f"Mentee {n:03d}" for n in range(120)), "Zoë Quill"])
    page = text(manager_client.get(url("run_detail", world.org, run.pk)))
    assert "Unmatched (121)" in page and "The first 50 by name: find anyone else with the search above." in page
    assert "Mentee 049" in page and "Mentee 050" not in page and "Zoë Quill" not in page
    assert "The first 20 by name: type part of a name" in page  # the add-a-pair list under it

    found = text(manager_client.get(url("run_detail", world.org, run.pk, q="quill")))
    assert "Unmatched (1 for “quill”)" in found and "Zoë Quill" in found and "Mentee 000" not in found

    # As the manager types in the add-a-pair search, htmx asks for that list alone.
    add = url("proposal_add", world.org, run.pk)
    listed = manager_client.get(add, {"mentee_q": "quill"}, **HX, HTTP_HX_TARGET="add-mentee-choices")
    html = listed.content.decode()
    assert html.strip().startswith('<div id="add-mentee-choices"') and "<html" not in html
    assert html.count("<option") == 2 and "Zoë Quill · Engineering</option>" in html
    nobody = manager_client.get(add, {"mentee_q": "Xavier"}, **HX, HTTP_HX_TARGET="add-mentee-choices")
    assert "No unmatched mentee has “Xavier” in their name." in text(nobody)

    # Without JavaScript the search sends the form: the page lists the matches.
    page = manager_client.get(add, {"mentee_q": "quill", "mentee": "", "mentor": ""})
    assert page.content.decode().count("Zoë Quill · Engineering</option>") == 1 and not field_error(page, "mentee")
    # The unmatched list's link chooses the mentee, even one beyond the first twenty.
    zoe = run.parameters["mentees"][-1]
    chosen = manager_client.get(add, {"mentee": zoe}).content.decode()
    assert f'<option value="{zoe}" selected>Zoë Quill · Engineering</option>' in chosen


def test_the_review_page_stays_small_however_many_are_unmatched(manager_client, world, django_assert_max_num_queries):
    few = _run_with_proposals(world, 3, unmatched=[f"Mentee {n:03d}" for n in range(60)])
    many = _run_with_proposals(world, 3, unmatched=[f"Mentee {n:03d}" for n in range(400)])
    for address in (url("run_detail", world.org, few.pk), url("proposal_add", world.org, few.pk)):
        manager_client.get(address)  # warm the session and caches
        with django_assert_max_num_queries(40) as measured:
            small = manager_client.get(address).content
        with django_assert_max_num_queries(len(measured.captured_queries)):
            big = manager_client.get(address.replace(f"/runs/{few.pk}/", f"/runs/{many.pk}/")).content
        assert len(big) < len(small) * 1.05


def test_a_peer_circles_run_shows_its_circles_and_the_bound(org, client_for, run_now):
    from programs.models import MentoringModel

    peers = {f"Peer {n}": {"wants": ["sql"], "offers": ["sql"]} for n in range(8)}
    world = build(org, peers=peers, model=MentoringModel.PEER_CIRCLES, group_size_min=3, group_size_max=4)
    world.criterion("wants", "offers", label="Skills to learn")
    run = run_now(world)
    page = text(client_for(world.manager).get(url("run_detail", org, run.pk)))
    assert "Peer circles" in page and "Members" in page and "Mentee" not in page
    assert "2 circles of 4 to 4" in page and "8 people in a circle" in page
    assert "of the best possible" in page and "Lock circle 1" in page
    assert "Add a pair by hand" not in page and "Re-run around the locked circles" in page


def test_saving_self_match_settings_and_the_refresh_button_give_mentees_suggestions(
    org, client_for, django_capture_on_commit_callbacks
):
    world = self_match_program(org, mentees={"Ann": ["sql"]}, mentors={"Mo": (["sql"], 1)}, mode="managed")
    client = client_for(world.manager)
    MentorSuggestion.objects.all().delete()
    settings_url = reverse("matching:settings", args=[org.slug, world.program.pk])
    home = client.get(reverse("matching:program", args=[org.slug, world.program.pk]))
    assert "Refresh suggestions" not in home.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(settings_url, {**SETTINGS_FORM, "mode": "self_match"})
    assert [s.mentor.person.name for s in MentorSuggestion.objects.filter(mentee=world.enrollment("Ann"))] == ["Mo"]

    MentorSuggestion.objects.all().delete()
    home = client.get(reverse("matching:program", args=[org.slug, world.program.pk]))
    assert "Refresh suggestions" in home.content.decode()
    response = client.post(reverse("matching:suggestions_refresh", args=[org.slug, world.program.pk]), follow=True)
    assert "Suggestions refreshed (1 in all)." in response.content.decode()
    assert MentorSuggestion.objects.filter(mentee=world.enrollment("Ann")).count() == 1
