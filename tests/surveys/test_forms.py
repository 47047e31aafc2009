"""QuestionnaireForm: the questionnaire as a participant fills it in."""

import pytest

from surveys import services
from surveys.forms import QuestionnaireForm
from tests.factories import PersonFactory

from .helpers import VALID_ANSWERS, choice, make_questionnaire, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(org):
    return make_questionnaire(org)


FORM_DATA = {
    "goal": "grow",
    "skills": ["python", "speaking"],
    "confidence": "4",
    "recommend": "9",
    "hours": "6",
    "headline": "Backend engineer",
    "story": "I want to lead a team.",
    "start": "2025-02-03",
}


def test_one_field_per_active_question_with_the_right_widget(org, questionnaire):
    services.question_retire(organization=org, question=question(questionnaire, "story"))
    form = QuestionnaireForm(questionnaire)
    assert list(form.fields) == ["goal", "skills", "confidence", "recommend", "hours", "headline", "start"]
    widgets = {name: type(field.widget).__name__ for name, field in form.fields.items()}
    assert widgets == {
        "goal": "RadioSelect",
        "skills": "CheckboxSelectMultiple",
        "confidence": "RadioSelect",
        "recommend": "RadioSelect",
        "hours": "NumberInput",
        "headline": "TextInput",
        "start": "DateInput",
    }
    html = str(form)
    assert 'type="number" name="hours"' in html and 'min="1"' in html and 'max="20"' in html
    assert 'type="date" name="start"' in html
    assert 'maxlength="80"' in html
    assert "Your main goal" in html and "required-mark" in html
    assert [value for value, _ in form.fields["recommend"].widget.choices] == list(range(11))
    assert 'class="scale-row"' in html


def test_retired_choices_are_not_offered(org, questionnaire):
    services.choice_retire(organization=org, choice=choice(questionnaire, "goal", "switch"))
    assert [v for v, _ in QuestionnaireForm(questionnaire).fields["goal"].widget.choices] == ["grow", "lead"]


def test_valid_answers_clean_to_what_response_submit_takes(org, questionnaire):
    form = QuestionnaireForm(questionnaire, data=FORM_DATA)
    assert form.is_valid(), form.errors
    response = services.response_submit(
        organization=org,
        questionnaire=questionnaire,
        respondent=PersonFactory(organization=org),
        answers=form.cleaned_answers(),
    )
    assert response.answers.count() == 8


def test_errors_sit_beside_their_fields(org, questionnaire):
    data = {**FORM_DATA, "goal": "", "confidence": "7", "hours": "lots", "start": "31/12/2025"}
    form = QuestionnaireForm(questionnaire, data=data)
    assert not form.is_valid()
    assert form.errors == {
        "goal": ["This question is required."],
        "confidence": ["Choose a number from 1 to 5."],
        "hours": ["Enter a number."],
        "start": ["Enter a real date as YYYY-MM-DD."],
    }
    html = str(form)
    assert 'aria-invalid="true"' in html and "Choose a number from 1 to 5." in html


def test_a_form_for_an_existing_response_starts_from_its_answers(org, questionnaire):
    response = services.response_submit(
        organization=org, questionnaire=questionnaire, respondent=None, answers=VALID_ANSWERS
    )
    form = QuestionnaireForm(questionnaire, response=response, prefix="intake")
    html = str(form)
    assert 'name="intake-goal" value="grow" required id="id_intake-goal_0" checked' in html
    assert 'value="Backend engineer"' in html and 'value="2025-02-03"' in html
    assert form.initial["skills"] == ["speaking", "python"]


def test_service_errors_are_shown_beside_the_field(org, questionnaire):
    form = QuestionnaireForm(questionnaire, data=FORM_DATA)
    assert form.is_valid()
    from django.core.exceptions import ValidationError

    form.add_service_errors(ValidationError({"goal": ["Taken meanwhile."], "other": ["Odd."]}))
    assert form.errors["goal"] == ["Taken meanwhile."]
    assert form.non_field_errors() == ["Odd."]
