"""Questionnaire services: building, editing without corrupting answers, and submitting."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from surveys import services
from surveys.models import Answer, AnswerChoice, Choice, Question, Questionnaire, Response
from tests.factories import OrganizationFactory, PersonFactory

from .helpers import SPEC, VALID_ANSWERS, choice, make_questionnaire, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(org):
    return make_questionnaire(org)


@pytest.fixture
def person(org):
    return PersonFactory(organization=org)


def submit(org, questionnaire, person, answers, **kwargs):
    return services.response_submit(
        organization=org, questionnaire=questionnaire, respondent=person, answers=answers, **kwargs
    )


def errors_of(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- creating from a spec -------------------------------------------------------------------


def test_a_spec_creates_questions_in_order_with_their_choices(org, questionnaire):
    questions = list(questionnaire.questions.order_by("order"))
    assert [q.key for q in questions] == [q["key"] for q in SPEC["questions"]]
    assert [q.order for q in questions] == list(range(len(questions)))
    goal = questions[0]
    assert goal.required and goal.type == "single"
    assert list(goal.choices.values_list("value", "label", "order")) == [
        ("grow", "Grow in my role", 0),
        ("switch", "Switch careers", 1),
        ("lead", "Become a leader", 2),
    ]
    assert (questions[3].min_value, questions[3].max_value) == (0, 10)
    assert all(c.organization_id == org.pk for c in Choice.objects.filter(question__questionnaire=questionnaire))


def test_a_bad_spec_names_each_question_field_and_creates_nothing(org):
    spec = {
        "title": "Broken",
        "questions": [
            {"key": "ok", "text": "Fine", "type": "short_text"},
            {"key": "nps", "text": "NPS", "type": "scale", "min": 1, "max": 7},
            {"key": "pick", "text": "Pick", "type": "single", "choices": []},
            {"key": "ok", "text": "Again", "type": "essay"},
        ],
    }
    errors = errors_of(lambda: services.questionnaire_create_from_spec(organization=org, spec=spec))
    assert errors == {
        "questions.1.max_value": ["A scale runs 1–5, 1–10 or 0–10."],
        "questions.2.choices": ["Give at least one choice."],
        "questions.3.type": ["Choose one of: single, multiple, scale, number, short_text, long_text, date."],
        "questions.3.key": ["Another question of this questionnaire already uses the key “ok”."],
    }
    assert not Questionnaire.objects.filter(title="Broken").exists()


def test_keys_and_choice_values_are_made_when_left_out(org):
    q = services.questionnaire_create_from_spec(
        organization=org,
        spec={
            "title": "T",
            "questions": [{"text": "What skills?", "type": "multiple", "choices": ["Public speaking"]}],
        },
    )
    made = q.questions.get()
    assert made.key == "what_skills"
    assert made.choices.get().value == "public_speaking"


def test_a_duplicate_key_is_refused(org, questionnaire):
    errors = errors_of(
        lambda: services.question_add(
            organization=org, questionnaire=questionnaire, text="Again", type="date", key="goal"
        )
    )
    assert errors == {"key": ["Another question of this questionnaire already uses the key “goal”."]}


# --- copying --------------------------------------------------------------------------------


def test_a_copy_has_the_active_questions_and_offered_choices_only(org, questionnaire, person):
    submit(org, questionnaire, person, VALID_ANSWERS)
    services.question_retire(organization=org, question=question(questionnaire, "story"))
    services.choice_retire(organization=org, choice=choice(questionnaire, "goal", "grow"))  # answered: retired
    copy = services.questionnaire_copy(organization=org, questionnaire=questionnaire)
    assert copy.pk != questionnaire.pk and copy.title == questionnaire.title
    keys = list(copy.questions.order_by("order").values_list("key", flat=True))
    assert "story" not in keys and keys[0] == "goal"
    assert list(question(copy, "goal").choices.values_list("value", "order")) == [("switch", 0), ("lead", 1)]
    assert not copy.responses.exists()
    assert question(copy, "recommend").max_value == 10


# --- editing questions ----------------------------------------------------------------------


def test_text_help_and_required_change_freely_even_once_answered(org, questionnaire, person):
    submit(org, questionnaire, person, VALID_ANSWERS)
    goal = question(questionnaire, "goal")
    services.question_update(organization=org, question=goal, text="Main goal?", help_text="Pick one", required=False)
    goal.refresh_from_db()
    assert (goal.text, goal.help_text, goal.required) == ("Main goal?", "Pick one", False)


def test_the_type_cannot_change_once_answered(org, questionnaire, person):
    hours = question(questionnaire, "hours")
    services.question_update(organization=org, question=hours, type="short_text")  # unanswered: fine
    services.question_update(organization=org, question=hours, type="number", min_value=1, max_value=20)
    submit(org, questionnaire, person, VALID_ANSWERS)
    errors = errors_of(lambda: services.question_update(organization=org, question=hours, type="short_text"))
    assert "cannot change" in errors["type"][0]
    hours.refresh_from_db()
    assert hours.type == "number"
    assert Answer.objects.get(question=hours).number_value == 6


def test_changing_an_unanswered_question_into_and_out_of_a_choice_question(org, questionnaire):
    hours = question(questionnaire, "hours")
    errors = errors_of(lambda: services.question_update(organization=org, question=hours, type="multiple"))
    assert errors == {"choices": ["Give at least one choice."]}
    services.question_update(organization=org, question=hours, type="multiple", choices=["1–5", "6–10"])
    assert list(hours.choices.values_list("value", "order")) == [("1_5", 0), ("6_10", 1)]
    services.question_update(organization=org, question=hours, type="number")
    assert not hours.choices.exists()
    errors = errors_of(lambda: services.question_update(organization=org, question=hours, choices=["A"]))
    assert errors == {"choices": ["Only single- and multiple-choice questions have choices."]}


def test_the_key_and_a_scales_range_are_locked_once_answered(org, questionnaire, person):
    submit(org, questionnaire, person, VALID_ANSWERS)
    recommend = question(questionnaire, "recommend")
    assert "key" in errors_of(lambda: services.question_update(organization=org, question=recommend, key="nps"))
    errors = errors_of(lambda: services.question_update(organization=org, question=recommend, min_value=1))
    assert errors["max_value"] == ["This scale already has answers, so its range cannot change."]


def test_retiring_a_question_keeps_it_and_its_answers(org, questionnaire, person):
    response = submit(org, questionnaire, person, VALID_ANSWERS)
    story = question(questionnaire, "story")
    services.question_retire(organization=org, question=story)
    assert Question.objects.get(pk=story.pk).retired
    assert Answer.objects.filter(response=response, question=story).exists()
    services.question_restore(organization=org, question=story)
    assert not Question.objects.get(pk=story.pk).retired


def test_moving_and_reordering_questions(org, questionnaire):
    start = question(questionnaire, "start")
    services.question_move(organization=org, question=start, direction="up")
    keys = list(questionnaire.questions.order_by("order").values_list("key", flat=True))
    assert keys[-2:] == ["start", "story"]
    services.question_move(organization=org, question=question(questionnaire, "goal"), direction="up")  # first: no-op
    assert list(questionnaire.questions.order_by("order").values_list("key", flat=True)) == keys
    ids = [question(questionnaire, k).pk for k in ("hours", "goal")]
    services.question_reorder(organization=org, questionnaire=questionnaire, question_ids=ids)
    assert list(questionnaire.questions.order_by("order").values_list("key", flat=True))[:3] == [
        "hours",
        "goal",
        "skills",
    ]
    other = make_questionnaire(org, title="Other")
    errors = errors_of(
        lambda: services.question_reorder(
            organization=org, questionnaire=questionnaire, question_ids=[other.questions.first().pk]
        )
    )
    assert "question_ids" in errors


# --- choices --------------------------------------------------------------------------------


def test_an_unanswered_choice_is_deleted_an_answered_one_retired(org, questionnaire, person):
    submit(org, questionnaire, person, VALID_ANSWERS)
    assert services.choice_retire(organization=org, choice=choice(questionnaire, "goal", "switch")) is None
    assert not Choice.objects.filter(value="switch").exists()
    grow = choice(questionnaire, "goal", "grow")
    assert services.choice_retire(organization=org, choice=grow) == grow
    grow.refresh_from_db()
    assert grow.retired
    assert AnswerChoice.objects.filter(choice=grow).exists()


def test_the_last_offered_choice_cannot_be_retired(org, questionnaire):
    services.choice_retire(organization=org, choice=choice(questionnaire, "goal", "switch"))
    services.choice_retire(organization=org, choice=choice(questionnaire, "goal", "lead"))
    errors = errors_of(lambda: services.choice_retire(organization=org, choice=choice(questionnaire, "goal", "grow")))
    assert errors == {"choices": ["A choice question needs at least one choice on offer."]}


def test_an_answered_choice_keeps_its_value_but_may_be_renamed(org, questionnaire, person):
    submit(org, questionnaire, person, VALID_ANSWERS)
    grow = choice(questionnaire, "goal", "grow")
    services.choice_update(organization=org, choice=grow, label="Grow where I am")
    errors = errors_of(lambda: services.choice_update(organization=org, choice=grow, value="growth"))
    assert "cannot change" in errors["value"][0]
    grow.refresh_from_db()
    assert (grow.value, grow.label) == ("grow", "Grow where I am")


def test_choices_are_added_at_the_end_and_only_to_choice_questions(org, questionnaire):
    added = services.choice_add(organization=org, question=question(questionnaire, "goal"), label="Find a mentor")
    assert (added.value, added.order) == ("find_a_mentor", 3)
    errors = errors_of(
        lambda: services.choice_add(organization=org, question=question(questionnaire, "hours"), label="x")
    )
    assert "choices" in errors
    dup = errors_of(
        lambda: services.choice_add(organization=org, question=question(questionnaire, "goal"), label="G", value="grow")
    )
    assert "value" in dup


# --- submitting responses -------------------------------------------------------------------


def test_a_valid_response_is_stored_typed(org, questionnaire, person):
    response = submit(org, questionnaire, person, VALID_ANSWERS)
    answers = {a.question.key: a for a in response.answers.select_related("question")}
    assert answers["confidence"].number_value == 4
    assert answers["hours"].number_value == Decimal(6)
    assert answers["headline"].text_value == "Backend engineer"
    assert answers["start"].date_value == datetime.date(2025, 2, 3)
    assert {c.value for c in answers["skills"].choices.all()} == {"python", "speaking"}
    assert [c.value for c in answers["goal"].choices.all()] == ["grow"]
    assert all(a.organization_id == org.pk for a in answers.values())
    assert AnswerChoice.objects.filter(organization=org).count() == 3


BAD_ANSWERS = [
    ("goal", None, "This question is required."),
    ("goal", "nope", "“nope” is not one of the choices for this question."),
    ("confidence", 6, "Choose a number from 1 to 5."),
    ("confidence", "high", "Enter a number."),
    ("recommend", 11, "Choose a number from 0 to 10."),
    ("hours", 25, "Enter a number of at most 20."),
    ("hours", 0, "Enter a number of at least 1."),
    ("hours", "lots", "Enter a number."),
    ("headline", 42, "Enter text."),
    ("start", "2025-13-01", "Enter a real date as YYYY-MM-DD."),
    ("skills", ["python", "sql", "speaking"], "Choose at most 2."),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD_ANSWERS)
def test_a_bad_answer_names_its_question_and_saves_nothing(org, questionnaire, person, key, value, message):
    errors = errors_of(lambda: submit(org, questionnaire, person, {**VALID_ANSWERS, key: value}))
    assert errors == {key: [message]}
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_every_bad_answer_is_reported_at_once(org, questionnaire, person):
    answers = {**VALID_ANSWERS, "goal": "", "confidence": 9, "start": "soon", "unknown": "x"}
    errors = errors_of(lambda: submit(org, questionnaire, person, answers))
    assert set(errors) == {"goal", "confidence", "start", "unknown"}
    assert errors["unknown"] == ["This questionnaire has no question with this key."]


def test_a_choice_id_of_another_question_is_refused(org, questionnaire, person):
    sql = choice(questionnaire, "skills", "sql")
    errors = errors_of(lambda: submit(org, questionnaire, person, {**VALID_ANSWERS, "goal": sql.pk}))
    assert errors == {"goal": [f"“{sql.pk}” is not one of the choices for this question."]}


def test_a_choice_id_of_another_organization_is_refused(org, questionnaire, person):
    elsewhere = make_questionnaire(OrganizationFactory())
    foreign = choice(elsewhere, "goal", "grow")
    errors = errors_of(lambda: submit(org, questionnaire, person, {**VALID_ANSWERS, "goal": foreign.pk}))
    assert errors == {"goal": [f"“{foreign.pk}” is not one of the choices for this question."]}
    errors = errors_of(lambda: submit(org, questionnaire, person, {**VALID_ANSWERS, "skills": [foreign.pk]}))
    assert "skills" in errors


def test_a_retired_choice_is_refused(org, questionnaire, person):
    submit(org, questionnaire, person, VALID_ANSWERS)
    services.choice_retire(organization=org, choice=choice(questionnaire, "goal", "grow"))
    errors = errors_of(lambda: submit(org, questionnaire, person, VALID_ANSWERS))
    assert errors == {"goal": ["“Grow in my role” is no longer offered; choose another option."]}
    assert Response.objects.count() == 1


def test_an_answer_to_a_retired_question_is_refused(org, questionnaire, person):
    services.question_retire(organization=org, question=question(questionnaire, "story"))
    errors = errors_of(lambda: submit(org, questionnaire, person, VALID_ANSWERS))
    assert errors == {"story": ["This question is no longer asked."]}
    answers = {k: v for k, v in VALID_ANSWERS.items() if k != "story"}
    assert submit(org, questionnaire, person, answers).answers.count() == 7


def test_another_organizations_questionnaire_or_person_is_refused(org, questionnaire, person):
    other = OrganizationFactory()
    with pytest.raises(PermissionDenied):
        submit(org, questionnaire, PersonFactory(organization=other), VALID_ANSWERS)
    with pytest.raises(PermissionDenied):
        services.response_submit(organization=other, questionnaire=questionnaire, respondent=None, answers={})


def test_resubmitting_updates_the_response_in_place(org, questionnaire, person):
    response = submit(org, questionnaire, person, VALID_ANSWERS)
    services.question_retire(organization=org, question=question(questionnaire, "story"))
    answers = {**VALID_ANSWERS, "goal": "lead", "skills": ["sql"], "headline": ""}
    del answers["story"]
    again = submit(org, questionnaire, person, answers, response=response)
    assert again.pk == response.pk and Response.objects.count() == 1
    by_key = {a.question.key: a for a in again.answers.select_related("question")}
    assert [c.value for c in by_key["goal"].choices.all()] == ["lead"]
    assert [c.value for c in by_key["skills"].choices.all()] == ["sql"]
    assert "headline" not in by_key  # cleared
    assert by_key["story"].text_value == "I want to lead a team."  # retired question's answer kept


def test_a_failed_resubmission_changes_nothing(org, questionnaire, person):
    response = submit(org, questionnaire, person, VALID_ANSWERS)
    before = list(Answer.objects.order_by("pk").values())
    errors_of(lambda: submit(org, questionnaire, person, {**VALID_ANSWERS, "hours": 99}, response=response))
    assert list(Answer.objects.order_by("pk").values()) == before


def test_submitting_takes_a_fixed_number_of_queries(org, questionnaire, person, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        submit(org, questionnaire, person, VALID_ANSWERS)
