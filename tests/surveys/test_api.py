"""The questionnaire API: success and failure paths of every endpoint; errors name the field."""

import pytest

from organizations.models import Role
from programs.models import Program, ProgramManager
from surveys import services
from surveys.models import Answer, Choice, Question, Questionnaire, Response
from tests.factories import OrganizationFactory, PersonFactory
from tests.organizations.api_helpers import NOT_FOUND, api_url, error_of, session_client, token_client

from .helpers import SPEC, VALID_ANSWERS, choice, make_questionnaire, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(org):
    return make_questionnaire(org)


@pytest.fixture
def api(org, admin_user):
    return token_client(admin_user, org)


def q_url(org, questionnaire, path=""):
    return api_url(org, f"questionnaires/{questionnaire.pk}/{path}")


def fields_of(response):
    assert response.status_code == 400, response.content
    return error_of(response)["fields"]


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADER])
def test_plain_members_are_refused(org, questionnaire, member_of, role):
    client = session_client(member_of(org, role))
    assert client.get(api_url(org, "questionnaires/")).status_code == 403
    response = client.post(q_url(org, questionnaire, "responses/"), {"answers": VALID_ANSWERS}, format="json")
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_a_program_manager_may_use_the_api(org, questionnaire, member_of):
    user = member_of(org, Role.MEMBER)
    program = Program.objects.create(organization=org, name="Buddies")
    ProgramManager.objects.create(organization=org, program=program, user=user)
    assert session_client(user).get(api_url(org, "questionnaires/")).status_code == 200


def test_a_program_manager_reaches_only_questionnaires_no_other_program_uses(org, questionnaire, member_of):
    """Program A's manager can neither read nor change program B's intake or its answers."""
    user = member_of(org, Role.MEMBER)
    theirs = make_questionnaire(org, title="A intake")
    Program.objects.create(organization=org, name="A", mentee_questionnaire=theirs).manager_links.create(
        organization=org, user=user
    )
    others = make_questionnaire(org, title="B intake")
    Program.objects.create(organization=org, name="B", mentee_questionnaire=others)
    answered = services.response_submit(
        organization=org, questionnaire=others, respondent=PersonFactory(organization=org), answers=VALID_ANSWERS
    )
    client = session_client(user)
    listed = [q["title"] for q in client.get(api_url(org, "questionnaires/")).json()["results"]]
    assert sorted(listed) == ["A intake", questionnaire.title]
    for method, path in [
        ("get", ""),
        ("get", "responses/"),
        ("get", f"responses/{answered.pk}/"),
        ("post", f"questions/{question(others, 'goal').pk}/retire/"),
    ]:
        response = getattr(client, method)(q_url(org, others, path), {"answers": {"goal": "lead"}}, format="json")
        assert (response.status_code, response.json()) == (404, NOT_FOUND), path
    assert client.get(q_url(org, theirs, "responses/")).status_code == 200
    assert not Question.objects.filter(retired=True).exists()
    assert Answer.objects.get(response=answered, question__key="goal").choices.get().value == "grow"


def test_a_program_manager_cannot_read_answers_a_program_they_do_not_manage_collected(org, member_of):
    """An intake a program stopped using still holds its applicants' answers."""
    user = member_of(org, Role.MEMBER)
    Program.objects.create(organization=org, name="A").manager_links.create(organization=org, user=user)
    old = make_questionnaire(org, title="B's old intake")
    program_b = Program.objects.create(organization=org, name="B")
    person = PersonFactory(organization=org)
    answered = services.response_submit(organization=org, questionnaire=old, respondent=person, answers=VALID_ANSWERS)
    program_b.enrollments.create(organization=org, person=person, role="mentee", response=answered)
    assert session_client(user).get(q_url(org, old, "responses/")).status_code == 404


def test_another_organizations_questionnaire_is_the_same_404_as_a_missing_one(org, api):
    elsewhere = make_questionnaire(OrganizationFactory())
    for path in ("", "questions/", "responses/", f"questions/{elsewhere.questions.first().pk}/choices/"):
        response = api.get(api_url(org, f"questionnaires/{elsewhere.pk}/{path}"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        missing = api.get(api_url(org, f"questionnaires/999999/{path}"))
        assert (missing.status_code, missing.json()) == (404, NOT_FOUND)


# --- questionnaires -------------------------------------------------------------------------


def test_list_and_retrieve(org, questionnaire, api, django_assert_max_num_queries):
    make_questionnaire(org, title="Another", kind="survey")
    listed = api.get(api_url(org, "questionnaires/"))
    assert [q["title"] for q in listed.json()["results"]] == ["Another", "Mentee intake"]
    assert "questions" not in listed.json()["results"][0]
    assert [q["title"] for q in api.get(api_url(org, "questionnaires/?kind=survey")).json()["results"]] == ["Another"]
    with django_assert_max_num_queries(8):
        detail = api.get(q_url(org, questionnaire)).json()
    assert [q["key"] for q in detail["questions"]] == [q["key"] for q in SPEC["questions"]]
    goal = detail["questions"][0]
    assert goal["choices"][0] == {
        "id": goal["choices"][0]["id"],
        "value": "grow",
        "label": "Grow in my role",
        "order": 0,
        "retired": False,
    }
    assert detail["questions"][3]["min_value"] == 0 and detail["questions"][3]["max_value"] == 10


def test_create_with_questions(org, api):
    body = {
        "title": "Mentor intake",
        "questions": [
            {
                "key": "teach",
                "text": "What can you teach?",
                "type": "multiple",
                "choices": [{"label": "Python"}, {"value": "sql", "label": "SQL"}],
            },
            {"text": "Recommend?", "type": "scale", "min_value": 0, "max_value": 10, "required": True},
        ],
    }
    response = api.post(api_url(org, "questionnaires/"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "intake"
    assert [c["value"] for c in data["questions"][0]["choices"]] == ["python", "sql"]
    assert data["questions"][1]["key"] == "recommend"


def test_create_errors_name_the_question_field_and_create_nothing(org, api):
    body = {
        "title": "Broken",
        "questions": [
            {"key": "nps", "text": "NPS", "type": "scale", "min_value": 1, "max_value": 7},
            {"key": "pick", "text": "Pick", "type": "single"},
            {"text": "Essay", "type": "essay"},
        ],
    }
    fields = fields_of(api.post(api_url(org, "questionnaires/"), body, format="json"))
    assert fields == {"questions.2.type": ['"essay" is not a valid choice.']}
    del body["questions"][2]
    fields = fields_of(api.post(api_url(org, "questionnaires/"), body, format="json"))
    assert fields == {
        "questions.0.max_value": ["A scale runs 1–5, 1–10 or 0–10."],
        "questions.1.choices": ["Give at least one choice."],
    }
    assert fields_of(api.post(api_url(org, "questionnaires/"), {"title": ""}, format="json")) == {
        "title": ["This field may not be blank."]
    }
    assert not Questionnaire.objects.exists()


def test_update(org, questionnaire, api):
    response = api.patch(q_url(org, questionnaire), {"title": "Renamed", "kind": "survey"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Renamed"
    assert fields_of(api.patch(q_url(org, questionnaire), {"kind": "poll"}, format="json")) == {
        "kind": ['"poll" is not a valid choice.']
    }
    assert api.delete(q_url(org, questionnaire)).status_code == 405


def test_copy_and_reorder(org, questionnaire, api):
    copy = api.post(q_url(org, questionnaire, "copy/"))
    assert copy.status_code == 201 and len(copy.json()["questions"]) == 8
    ids = [question(questionnaire, "start").pk]
    response = api.post(q_url(org, questionnaire, "reorder/"), {"question_ids": ids}, format="json")
    assert response.status_code == 200 and response.json()[0]["key"] == "start"
    other = Questionnaire.objects.exclude(pk=questionnaire.pk).get()
    foreign = [other.questions.first().pk]
    fields = fields_of(api.post(q_url(org, questionnaire, "reorder/"), {"question_ids": foreign}, format="json"))
    assert fields == {"question_ids": [f"{foreign[0]} is not a question of this questionnaire."]}


# --- questions ----------------------------------------------------------------------------


def test_questions_list_create_update_retire_restore(org, questionnaire, api):
    assert len(api.get(q_url(org, questionnaire, "questions/")).json()) == 8
    created = api.post(
        q_url(org, questionnaire, "questions/"),
        {"text": "Team size", "type": "number", "min_value": 1, "max_value": 500},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["key"] == "team_size" and created.json()["order"] == 8
    detail = q_url(org, questionnaire, f"questions/{pk}/")
    changed = api.patch(detail, {"text": "Team size?", "required": True}, format="json")
    assert changed.status_code == 200 and changed.json()["required"] is True
    assert api.post(detail + "retire/").json()["retired"] is True
    assert api.post(detail + "restore/").json()["retired"] is False


def test_question_failures_name_the_field(org, questionnaire, api):
    create = q_url(org, questionnaire, "questions/")
    assert fields_of(api.post(create, {"text": "NPS", "type": "scale", "max_value": 7}, format="json")) == {
        "max_value": ["A scale runs 1–5, 1–10 or 0–10."]
    }
    assert "key" in fields_of(api.post(create, {"text": "Dup", "type": "date", "key": "goal"}, format="json"))
    assert "type" in fields_of(api.post(create, {"text": "X", "type": "essay"}, format="json"))
    assert "choices" in fields_of(
        api.post(create, {"text": "X", "type": "number", "choices": [{"label": "A"}]}, format="json")
    )


def test_a_questions_type_cannot_change_once_answered(org, questionnaire, api):
    services.response_submit(organization=org, questionnaire=questionnaire, respondent=None, answers=VALID_ANSWERS)
    detail = q_url(org, questionnaire, f"questions/{question(questionnaire, 'hours').pk}/")
    fields = fields_of(api.patch(detail, {"type": "short_text"}, format="json"))
    assert list(fields) == ["type"] and "cannot change" in fields["type"][0]
    assert question(questionnaire, "hours").type == "number"


def test_a_question_of_another_questionnaire_is_not_found(org, questionnaire, api):
    other = make_questionnaire(org, title="Other")
    response = api.get(q_url(org, questionnaire, f"questions/{question(other, 'goal').pk}/"))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


# --- choices ------------------------------------------------------------------------------


def test_choices_create_rename_retire_delete_restore(org, questionnaire, api):
    goal = question(questionnaire, "goal")
    base = q_url(org, questionnaire, f"questions/{goal.pk}/choices/")
    created = api.post(base, {"label": "Find a mentor"}, format="json")
    assert created.status_code == 201 and created.json()["value"] == "find_a_mentor"
    assert fields_of(api.post(base, {"label": "Again", "value": "grow"}, format="json")) == {
        "value": ["Another choice of this question already uses the value “grow”."]
    }
    assert fields_of(api.post(base, {"label": ""}, format="json")) == {"label": ["This field may not be blank."]}
    services.response_submit(organization=org, questionnaire=questionnaire, respondent=None, answers=VALID_ANSWERS)
    grow = choice(questionnaire, "goal", "grow")
    assert api.patch(f"{base}{grow.pk}/", {"label": "Grow"}, format="json").json()["label"] == "Grow"
    assert "value" in fields_of(api.patch(f"{base}{grow.pk}/", {"value": "growth"}, format="json"))
    retired = api.post(f"{base}{grow.pk}/retire/")
    assert retired.status_code == 200 and retired.json()["retired"] is True
    switch = choice(questionnaire, "goal", "switch")
    assert api.post(f"{base}{switch.pk}/retire/").status_code == 204
    assert not Choice.objects.filter(pk=switch.pk).exists()
    assert api.post(f"{base}{grow.pk}/restore/").json()["retired"] is False
    assert len(api.get(base).json()) == 3


def test_choices_only_on_choice_questions(org, questionnaire, api):
    hours = question(questionnaire, "hours")
    response = api.post(q_url(org, questionnaire, f"questions/{hours.pk}/choices/"), {"label": "A"}, format="json")
    assert fields_of(response) == {"choices": ["Only single- and multiple-choice questions have choices."]}


def test_the_last_offered_choice_cannot_be_retired(org, questionnaire, api):
    q = services.question_add(organization=org, questionnaire=questionnaire, text="Only", type="single", choices=["A"])
    only = q.choices.get()
    response = api.post(q_url(org, questionnaire, f"questions/{q.pk}/choices/{only.pk}/retire/"))
    assert fields_of(response) == {"choices": ["A choice question needs at least one choice on offer."]}


# --- responses ----------------------------------------------------------------------------


def test_read_a_response(org, questionnaire, api, django_assert_max_num_queries):
    person = PersonFactory(organization=org)
    answers = {**VALID_ANSWERS, "goal": choice(questionnaire, "goal", "grow").pk}
    submitted = services.response_submit(
        organization=org, questionnaire=questionnaire, respondent=person, answers=answers
    )
    with django_assert_max_num_queries(12):
        data = api.get(q_url(org, questionnaire, f"responses/{submitted.pk}/")).json()
    assert data["respondent"] == person.pk
    assert data["answers"] == {
        "goal": "grow",
        "skills": ["speaking", "python"],
        "confidence": 4,
        "recommend": 9,
        "hours": 6,
        "headline": "Backend engineer",
        "story": "I want to lead a team.",
        "start": "2025-02-03",
    }
    assert data["display"][0] == {"key": "goal", "question": "Your main goal", "value": "Grow in my role"}
    listed = api.get(q_url(org, questionnaire, "responses/")).json()
    assert [r["id"] for r in listed["results"]] == [submitted.pk]


def test_responses_cannot_be_written_here_not_even_by_an_admin(org, questionnaire, api):
    """Answers are written by the flow that owns them (the join flow for an intake): a response
    posted or overwritten in someone else's name would silently become their matching answers."""
    submitted = services.response_submit(
        organization=org, questionnaire=questionnaire, respondent=None, answers=VALID_ANSWERS
    )
    body = {"answers": {**VALID_ANSWERS, "goal": "lead"}}
    assert api.post(q_url(org, questionnaire, "responses/"), body, format="json").status_code == 405
    assert api.put(q_url(org, questionnaire, f"responses/{submitted.pk}/"), body, format="json").status_code == 405
    assert Response.objects.count() == 1
    assert Answer.objects.get(response=submitted, question__key="goal").choices.get().value == "grow"


def test_a_response_of_another_questionnaire_is_not_found(org, questionnaire, api):
    other = make_questionnaire(org, title="Other")
    response = services.response_submit(organization=org, questionnaire=other, respondent=None, answers=VALID_ANSWERS)
    got = api.get(q_url(org, questionnaire, f"responses/{response.pk}/"))
    assert (got.status_code, got.json()) == (404, NOT_FOUND)
    assert Question.objects.count() == 16
