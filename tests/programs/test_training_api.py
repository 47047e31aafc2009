"""Training API: modules (managers write, participants read without answers), completions, the pool."""

import pytest

from organizations.models import Role
from programs.models import ProgramManager, TrainingCompletion, TrainingModule
from programs.services import training_submit

from ..factories import OrganizationFactory
from ..organizations.api_helpers import NOT_FOUND, api_url, error_of, session_client, token_client
from .training_fixtures import QUIZ, RIGHT, make_enrollment, make_module, make_program, participant


@pytest.fixture
def program(org):
    return make_program(org, requires_training=True, mentor_default_capacity=2)


@pytest.fixture
def manager(program, member_of):
    user = member_of(program.organization, Role.MEMBER)
    ProgramManager.objects.create(organization=program.organization, program=program, user=user)
    return user


def modules_url(program, suffix=""):
    return api_url(program.organization, f"training-modules/{suffix}")


def completions_url(program, suffix=""):
    return api_url(program.organization, f"training-completions/{suffix}")


def pool_url(program):
    return api_url(program.organization, f"programs/{program.pk}/matching-pool/")


# --- modules -----------------------------------------------------------------------------


def test_a_draft_someone_does_not_manage_answers_like_a_missing_program(program, manager):
    draft = make_program(program.organization, name="Secret draft", status="draft")
    client = token_client(manager, program.organization)
    body = {"title": "Listening", "content": "Listen."}

    def refusal(path, pk, extra):
        response = client.post(modules_url(program, path), {**body, **extra, "program": pk}, format="json")
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    for path, extra in (("", {}), ("reorder/", {"modules": []})):
        assert refusal(path, draft.pk, extra) == refusal(path, 999999, extra)
    assert not TrainingModule.objects.exists()


def test_a_manager_creates_a_module_with_a_quiz(program, manager):
    body = {"program": program.pk, "title": "Listening", "content": "**Listen.**", "role": "mentor", "quiz": QUIZ}
    response = token_client(manager, program.organization).post(modules_url(program), body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["quiz"] == QUIZ and data["order"] == 0 and data["pass_mark"] == 80
    assert data["content_html"] == "<p><strong>Listen.</strong></p>\n"
    assert TrainingModule.objects.get().title == "Listening"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quiz": [{"question": "Q", "choices": ["a", "b"], "answer": 3}]}, "quiz.0.answer"),
        ({"quiz": [QUIZ[0], {"question": "Q", "choices": ["a"], "answer": 0}]}, "quiz.1.choices"),
        ({"quiz": [{"question": "", "choices": ["a", "b"], "answer": 0}]}, "quiz.0.question"),
        ({"quiz": "no"}, "quiz"),
        ({"pass_mark": 101}, "pass_mark"),
        ({"pass_mark": -5}, "pass_mark"),
        ({"role": "peer"}, "role"),
        ({"title": ""}, "title"),
        ({"content": ""}, "content"),
    ],
)
def test_bad_module_fields_are_named_and_nothing_is_saved(program, manager, changes, field):
    body = {"program": program.pk, "title": "T", "content": "C", **changes}
    response = session_client(manager).post(modules_url(program), body, format="json")
    assert response.status_code == 400
    assert field in error_of(response)["fields"], error_of(response)
    assert not TrainingModule.objects.exists()


def test_a_module_cannot_be_added_to_a_program_one_does_not_manage(program, member_of):
    user = member_of(program.organization, Role.MEMBER)
    body = {"program": program.pk, "title": "T", "content": "C"}
    response = session_client(user).post(modules_url(program), body, format="json")
    assert response.status_code == 403 and not TrainingModule.objects.exists()


def test_another_organizations_program_is_refused_like_a_missing_one(program, manager):
    foreign = make_program(OrganizationFactory())
    client = session_client(manager)
    refused = client.post(modules_url(program), {"program": foreign.pk, "title": "T", "content": "C"}, format="json")
    missing = client.post(modules_url(program), {"program": 999999, "title": "T", "content": "C"}, format="json")
    assert refused.status_code == missing.status_code == 400
    assert "program" in error_of(refused)["fields"]


def test_a_manager_updates_a_module_but_cannot_move_it_to_another_program(program, manager):
    module = make_module(program)
    other = make_program(program.organization, name="Other")
    response = session_client(manager).patch(
        modules_url(program, f"{module.pk}/"), {"title": "New", "program": other.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    module.refresh_from_db()
    assert (module.title, module.program_id) == ("New", program.pk)


def test_update_refuses_a_bad_quiz(program, manager):
    module = make_module(program)
    response = session_client(manager).patch(
        modules_url(program, f"{module.pk}/"), {"quiz": [{"question": "Q", "choices": ["a", "b"]}]}, format="json"
    )
    assert response.status_code == 400 and "quiz.0.answer" in error_of(response)["fields"]


def test_delete_is_refused_once_completed_and_allowed_before(program, manager):
    done, fresh = make_module(program, order=0), make_module(program, order=1)
    training_submit(
        organization=program.organization,
        module=done,
        enrollment=make_enrollment(program),
        quiz_answers=RIGHT,
        acknowledged=True,
    )
    client = session_client(manager)
    refused = client.delete(modules_url(program, f"{done.pk}/"))
    assert refused.status_code == 400 and "module" in error_of(refused)["fields"]
    assert client.delete(modules_url(program, f"{fresh.pk}/")).status_code == 204
    assert list(TrainingModule.objects.all()) == [done]


def test_reorder(program, manager):
    a, b = make_module(program, title="a", order=0), make_module(program, title="b", order=1)
    client = session_client(manager)
    response = client.post(
        modules_url(program, "reorder/"), {"program": program.pk, "modules": [b.pk, a.pk]}, format="json"
    )
    assert response.status_code == 200 and [m["title"] for m in response.json()] == ["b", "a"]
    bad = client.post(modules_url(program, "reorder/"), {"program": program.pk, "modules": [b.pk]}, format="json")
    assert bad.status_code == 400 and "modules" in error_of(bad)["fields"]


def test_participants_list_their_roles_modules_without_the_answers(program):
    user, _ = participant(program.organization, program, role="mentee")
    everyone, mentees = make_module(program, order=0), make_module(program, role="mentee", order=1)
    make_module(program, role="mentor", order=2)
    make_module(make_program(program.organization, name="Not mine"))
    response = token_client(user, program.organization).get(modules_url(program))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [m["id"] for m in results] == [everyone.pk, mentees.pk]
    assert all("answer" not in q for m in results for q in m["quiz"])
    assert results[0]["quiz"][0] == {"question": QUIZ[0]["question"], "choices": QUIZ[0]["choices"]}


def test_a_participant_cannot_write_modules(program):
    user, _ = participant(program.organization, program)
    module = make_module(program)
    client = session_client(user)
    assert client.patch(modules_url(program, f"{module.pk}/"), {"title": "X"}, format="json").status_code == 403
    assert client.delete(modules_url(program, f"{module.pk}/")).status_code == 403


def test_a_member_outside_the_program_sees_no_modules(program, member_of):
    make_module(program)
    user = member_of(program.organization, Role.MEMBER)
    assert session_client(user).get(modules_url(program)).json()["results"] == []


def test_managers_list_modules_with_answers_in_few_queries(program, admin_user, django_assert_max_num_queries):
    for index in range(20):
        make_module(program, order=index)
    client = session_client(admin_user)
    with django_assert_max_num_queries(8):
        response = client.get(modules_url(program) + f"?program={program.pk}")
    assert len(response.json()["results"]) == 20
    assert response.json()["results"][0]["quiz"] == QUIZ


# --- completions -------------------------------------------------------------------------


def test_a_participant_submits_and_passes(program):
    user, enrollment = participant(program.organization, program)
    module = make_module(program)
    response = token_client(user, program.organization).post(
        completions_url(program), {"module": module.pk, "quiz_answers": RIGHT, "acknowledged": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["score"], data["passed"], data["attempts"], data["enrollment"]) == (100, True, 1, enrollment.pk)
    assert data["attempt"] == {"score": 100, "passed": True, "wrong": []}


def test_a_failed_attempt_names_the_wrong_questions_and_keeps_the_best_score(program):
    user, _ = participant(program.organization, program)
    module = make_module(program)
    client = session_client(user)
    first = client.post(
        completions_url(program),
        {"module": module.pk, "quiz_answers": [1, 0, 1, 1], "acknowledged": True},
        format="json",
    ).json()
    second = client.post(
        completions_url(program),
        {"module": module.pk, "quiz_answers": [0, 1, 1, 1], "acknowledged": True},
        format="json",
    ).json()
    assert first["attempt"] == {"score": 50, "passed": False, "wrong": [2, 3]}
    assert (second["score"], second["passed"], second["attempts"]) == (50, False, 2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quiz_answers": [1, 0, 0, 5], "acknowledged": True}, "quiz_answers.3"),
        ({"quiz_answers": [1, 0], "acknowledged": True}, "quiz_answers.2"),
        ({"quiz_answers": [1, 0, 0, "x"], "acknowledged": True}, "quiz_answers.3"),
        ({"quiz_answers": RIGHT, "acknowledged": False}, "acknowledged"),
        ({"quiz_answers": RIGHT}, "acknowledged"),
        ({"quiz_answers": [1, 0, 0, 0, 0], "acknowledged": True}, "quiz_answers"),
    ],
)
def test_bad_attempts_are_refused_naming_the_field(program, body, field):
    user, _ = participant(program.organization, program)
    module = make_module(program)
    response = session_client(user).post(completions_url(program), {"module": module.pk, **body}, format="json")
    assert response.status_code == 400
    assert field in error_of(response)["fields"], error_of(response)
    assert not TrainingCompletion.objects.exists()


def test_someone_not_in_the_program_cannot_submit(program, member_of):
    user = member_of(program.organization, Role.MEMBER)
    module = make_module(program)
    response = session_client(user).post(
        completions_url(program), {"module": module.pk, "quiz_answers": RIGHT, "acknowledged": True}, format="json"
    )
    assert response.status_code == 400 and "not taking part" in error_of(response)["fields"]["module"][0]


def test_another_programs_or_organizations_module_is_refused(program):
    user, _ = participant(program.organization, program, role="mentee")
    elsewhere = make_module(make_program(program.organization, name="Elsewhere"))
    foreign = make_module(make_program(OrganizationFactory()))
    mentors = make_module(program, role="mentor")
    client = session_client(user)
    for module in (elsewhere, foreign, mentors):
        body = {"module": module.pk, "quiz_answers": RIGHT, "acknowledged": True}
        response = client.post(completions_url(program), body, format="json")
        assert response.status_code == 400 and "module" in error_of(response)["fields"]
    assert not TrainingCompletion.objects.exists()


def test_participants_list_their_own_completions_and_managers_their_programs(program, manager, member_of):
    module = make_module(program)
    mine_user, mine = participant(program.organization, program)
    _, theirs = participant(program.organization, program)
    for enrollment in (mine, theirs):
        training_submit(
            organization=program.organization,
            module=module,
            enrollment=enrollment,
            quiz_answers=RIGHT,
            acknowledged=True,
        )
    own = session_client(mine_user).get(completions_url(program)).json()["results"]
    assert [c["enrollment"] for c in own] == [mine.pk]
    managed = session_client(manager).get(completions_url(program) + f"?module={module.pk}").json()["results"]
    assert {c["enrollment"] for c in managed} == {mine.pk, theirs.pk}
    outsider = member_of(program.organization, Role.MEMBER)
    assert session_client(outsider).get(completions_url(program)).json()["results"] == []


def test_completions_cannot_be_changed_or_deleted(program, admin_user):
    module = make_module(program)
    completion = training_submit(
        organization=program.organization,
        module=module,
        enrollment=make_enrollment(program),
        quiz_answers=RIGHT,
        acknowledged=True,
    )
    client = session_client(admin_user)
    assert (
        client.patch(completions_url(program, f"{completion.pk}/"), {"passed": False}, format="json").status_code == 405
    )
    assert client.delete(completions_url(program, f"{completion.pk}/")).status_code == 405


# --- the matching pool -------------------------------------------------------------------


def test_the_pool_lists_approved_trained_people_with_capacity(program, manager, django_assert_max_num_queries):
    module = make_module(program)
    mentor, mentee, untrained = (
        make_enrollment(program, role="mentor"),
        make_enrollment(program, role="mentee"),
        make_enrollment(program),
    )
    for enrollment in (mentor, mentee):
        training_submit(
            organization=program.organization,
            module=module,
            enrollment=enrollment,
            quiz_answers=RIGHT,
            acknowledged=True,
        )
    client = token_client(manager, program.organization)
    with django_assert_max_num_queries(10):
        response = client.get(pool_url(program))
    assert response.status_code == 200
    rows = {row["id"]: (row["role"], row["capacity"]) for row in response.json()["results"]}
    assert rows == {mentor.pk: ("mentor", 2), mentee.pk: ("mentee", 1)}
    assert untrained.pk not in rows
    mentors = client.get(pool_url(program) + "?role=mentor").json()["results"]
    assert [row["id"] for row in mentors] == [mentor.pk]


def test_the_pool_is_for_managers_only(program, member_of):
    user = member_of(program.organization, Role.MEMBER)
    response = session_client(user).get(pool_url(program))
    assert response.status_code == 403


def test_another_organizations_pool_is_not_found(program, manager):
    foreign = make_program(OrganizationFactory())
    response = session_client(manager).get(api_url(program.organization, f"programs/{foreign.pk}/matching-pool/"))
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_managers_list_completions_in_few_queries(program, manager, django_assert_max_num_queries):
    module = make_module(program)
    for _ in range(20):
        training_submit(
            organization=program.organization,
            module=module,
            enrollment=make_enrollment(program),
            quiz_answers=RIGHT,
            acknowledged=True,
        )
    client = session_client(manager)
    with django_assert_max_num_queries(8):
        response = client.get(completions_url(program))
    assert len(response.json()["results"]) == 20
    assert all(row["person_name"] for row in response.json()["results"])
