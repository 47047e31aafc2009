"""Reading answers back: for people (display values) and for matching (typed, in bulk)."""

import datetime
from decimal import Decimal

import pytest

from surveys import selectors, services
from tests.factories import PersonFactory

from .helpers import VALID_ANSWERS, choice, make_questionnaire, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(org):
    return make_questionnaire(org)


def submit(org, questionnaire, person, answers=VALID_ANSWERS, **kwargs):
    return services.response_submit(
        organization=org, questionnaire=questionnaire, respondent=person, answers=answers, **kwargs
    )


def test_response_answers_read_as_a_person_would(org, questionnaire, django_assert_max_num_queries):
    response = submit(org, questionnaire, PersonFactory(organization=org))
    with django_assert_max_num_queries(3):
        rows = selectors.response_answers(response)
    shown = {q.key: value for q, value in rows}
    assert shown == {
        "goal": "Grow in my role",
        "skills": "Public speaking, Python",
        "confidence": "4 (of 1–5)",
        "recommend": "9 (of 0–10)",
        "hours": "6",
        "headline": "Backend engineer",
        "story": "I want to lead a team.",
        "start": "2025-02-03",
    }
    assert [row.question.key for row in rows][:2] == ["goal", "skills"]


def test_retired_questions_and_choices_stay_readable_and_are_marked(org, questionnaire):
    response = submit(org, questionnaire, PersonFactory(organization=org), {**VALID_ANSWERS, "headline": ""})
    services.choice_retire(organization=org, choice=choice(questionnaire, "goal", "grow"))
    services.question_retire(organization=org, question=question(questionnaire, "story"))
    services.question_retire(organization=org, question=question(questionnaire, "start"))
    services.question_update(organization=org, question=question(questionnaire, "goal"), text="What is your goal?")
    rows = {row.question.key: row for row in selectors.response_answers(response)}
    assert rows["goal"].value == "Grow in my role (retired)"
    assert rows["goal"].label == "What is your goal?"
    assert rows["story"].label == "Your story (retired)" and rows["story"].value == "I want to lead a team."
    assert rows["headline"].value is None  # unanswered active question: listed, empty
    services.question_retire(organization=org, question=question(questionnaire, "headline"))
    assert "headline" not in {row.question.key for row in selectors.response_answers(response)}


def test_answers_table_gives_typed_values_per_respondent_in_fixed_queries(
    org, questionnaire, django_assert_num_queries
):
    people = PersonFactory.create_batch(5, organization=org)
    for person in people:
        submit(org, questionnaire, person)
    anonymous = submit(org, questionnaire, None)
    assert anonymous.respondent is None
    with django_assert_num_queries(4):
        table = selectors.answers_table(organization=org, questionnaire=questionnaire)
    assert set(table) == {p.pk for p in people}
    assert table[people[0].pk] == {
        "goal": "grow",
        "skills": {"speaking", "python"},
        "confidence": 4,
        "recommend": 9,
        "hours": Decimal(6),
        "headline": "Backend engineer",
        "story": "I want to lead a team.",
        "start": datetime.date(2025, 2, 3),
    }


def test_answers_table_takes_the_latest_response_and_can_be_limited(org, questionnaire):
    ada, bo = PersonFactory.create_batch(2, organization=org)
    submit(org, questionnaire, ada)
    submit(org, questionnaire, ada, {**VALID_ANSWERS, "goal": "lead"})
    submit(org, questionnaire, bo)
    table = selectors.answers_table(organization=org, questionnaire=questionnaire, respondent_ids=[ada.pk])
    assert list(table) == [ada.pk]
    assert table[ada.pk]["goal"] == "lead"


def test_answers_table_is_scoped_to_the_organization(org, questionnaire):
    from tests.factories import OrganizationFactory

    submit(org, questionnaire, PersonFactory(organization=org))
    assert selectors.answers_table(organization=OrganizationFactory(), questionnaire=questionnaire) == {}


def test_questionnaire_with_questions_loads_everything_in_two_queries(org, questionnaire, django_assert_num_queries):
    with django_assert_num_queries(2):
        loaded = selectors.questionnaire_with_questions(questionnaire)
        labels = [c.label for q in loaded.question_list for c in q.choices.all()]
    assert len(loaded.question_list) == 8 and len(labels) == 6
