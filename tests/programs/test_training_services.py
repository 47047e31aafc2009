"""Training services: writing modules and their quizzes, and grading a participant's attempts."""

import pytest
from django.core.exceptions import ValidationError

from programs.models import EnrollmentStatus, TrainingCompletion, TrainingModule
from programs.services import (
    training_module_create,
    training_module_delete,
    training_module_reorder,
    training_module_update,
    training_submit,
)
from programs.services.training import validate_quiz

from ..factories import OrganizationFactory
from .training_fixtures import QUIZ, RIGHT, make_enrollment, make_module, make_program


def errors_of(excinfo):
    return excinfo.value.message_dict


@pytest.fixture
def program(org):
    return make_program(org)


# --- the quiz ----------------------------------------------------------------------------


def test_a_valid_quiz_is_kept_with_its_text_trimmed():
    quiz = validate_quiz([{"question": " Why? ", "choices": [" Because ", "No"], "answer": 0}])
    assert quiz == [{"question": "Why?", "choices": ["Because", "No"], "answer": 0}]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"question": "", "choices": ["a", "b"], "answer": 0}, "quiz.1.question"),
        ({"choices": ["a", "b"], "answer": 0}, "quiz.1.question"),
        ({"question": "Q", "choices": ["only one"], "answer": 0}, "quiz.1.choices"),
        ({"question": "Q", "choices": ["a", ""], "answer": 0}, "quiz.1.choices"),
        ({"question": "Q", "choices": ["a", "a"], "answer": 0}, "quiz.1.choices"),
        ({"question": "Q", "choices": "a, b", "answer": 0}, "quiz.1.choices"),
        ({"question": "Q", "choices": ["a", "b"], "answer": 2}, "quiz.1.answer"),
        ({"question": "Q", "choices": ["a", "b"], "answer": -1}, "quiz.1.answer"),
        ({"question": "Q", "choices": ["a", "b"], "answer": "0"}, "quiz.1.answer"),
        ({"question": "Q", "choices": ["a", "b"], "answer": True}, "quiz.1.answer"),
        ({"question": "Q", "choices": ["a", "b"]}, "quiz.1.answer"),
        ("Why?", "quiz.1"),
    ],
)
def test_a_bad_quiz_question_is_refused_naming_the_field(item, field):
    good = {"question": "Fine", "choices": ["a", "b"], "answer": 1}
    with pytest.raises(ValidationError) as excinfo:
        validate_quiz([good, item])
    assert field in errors_of(excinfo)


def test_a_quiz_that_is_not_a_list_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_quiz({"question": "Q"})
    assert "quiz" in errors_of(excinfo)


# --- modules -----------------------------------------------------------------------------


def test_create_a_module_goes_after_the_last_one(org, program):
    first = training_module_create(organization=org, program=program, title="Listening", content="Listen.")
    second = training_module_create(
        organization=org, program=program, title="Goals", content="SMART.", role="mentor", quiz=QUIZ, pass_mark=50
    )
    assert (first.order, second.order) == (0, 1)
    assert second.quiz == QUIZ and second.pass_mark == 50 and second.role == "mentor"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": " "}, "title"),
        ({"content": ""}, "content"),
        ({"role": "peer"}, "role"),  # a one-on-one program has mentors and mentees only
        ({"role": "boss"}, "role"),
        ({"pass_mark": 101}, "pass_mark"),
        ({"pass_mark": -1}, "pass_mark"),
        ({"quiz": [{"question": "Q", "choices": ["a", "b"], "answer": 5}]}, "quiz.0.answer"),
    ],
)
def test_create_refuses_bad_fields_and_saves_nothing(org, program, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        training_module_create(organization=org, program=program, **{"title": "T", "content": "C", **kwargs})
    assert field in errors_of(excinfo)
    assert not TrainingModule.objects.exists()


def test_create_refuses_another_organizations_program(org):
    other = make_program(OrganizationFactory())
    with pytest.raises(ValidationError) as excinfo:
        training_module_create(organization=org, program=other, title="T", content="C")
    assert "program" in errors_of(excinfo)


def test_update_changes_only_the_given_fields(org, program):
    module = make_module(program)
    training_module_update(organization=org, module=module, title="Listening well", pass_mark=100)
    module.refresh_from_db()
    assert (module.title, module.pass_mark, module.quiz) == ("Listening well", 100, QUIZ)


def test_update_refuses_a_bad_quiz_and_changes_nothing(org, program):
    module = make_module(program)
    with pytest.raises(ValidationError) as excinfo:
        training_module_update(organization=org, module=module, title="New", quiz=[{"question": "Q"}])
    assert {"quiz.0.choices", "quiz.0.answer"} <= set(errors_of(excinfo))
    module.refresh_from_db()
    assert module.title == "Active listening"


def test_update_refuses_unknown_fields(org, program):
    with pytest.raises(ValidationError) as excinfo:
        training_module_update(organization=org, module=make_module(program), program=make_program(org))
    assert "program" in errors_of(excinfo)


def test_delete_a_module_nobody_completed_takes_failed_attempts_with_it(org, program):
    module = make_module(program)
    training_submit(
        organization=org,
        module=module,
        enrollment=make_enrollment(program),
        quiz_answers=[0, 1, 1, 1],
        acknowledged=True,
    )
    training_module_delete(organization=org, module=module)
    assert not TrainingModule.objects.exists() and not TrainingCompletion.objects.exists()


def test_delete_is_refused_once_someone_completed_the_module(org, program):
    module = make_module(program)
    training_submit(
        organization=org, module=module, enrollment=make_enrollment(program), quiz_answers=RIGHT, acknowledged=True
    )
    with pytest.raises(ValidationError) as excinfo:
        training_module_delete(organization=org, module=module)
    assert "1 person has completed" in errors_of(excinfo)["module"][0]
    assert TrainingModule.objects.filter(pk=module.pk).exists()


def test_reorder_puts_modules_in_the_given_order(org, program):
    a, b, c = (make_module(program, title=t, order=i) for i, t in enumerate("abc"))
    training_module_reorder(organization=org, program=program, module_ids=[c.pk, a.pk, b.pk])
    assert list(TrainingModule.objects.filter(program=program).values_list("title", flat=True)) == ["c", "a", "b"]


@pytest.mark.parametrize("ids", ["missing one", "duplicate", "foreign", "garbage"])
def test_reorder_needs_every_module_exactly_once(org, program, ids):
    a, b = make_module(program, order=0), make_module(program, order=1)
    foreign = make_module(make_program(org, name="Other"))
    module_ids = {
        "missing one": [a.pk],
        "duplicate": [a.pk, a.pk],
        "foreign": [a.pk, foreign.pk],
        "garbage": [a.pk, "x"],
    }[ids]
    with pytest.raises(ValidationError) as excinfo:
        training_module_reorder(organization=org, program=program, module_ids=module_ids)
    assert "modules" in errors_of(excinfo)
    assert list(TrainingModule.objects.filter(program=program).values_list("pk", flat=True)) == [a.pk, b.pk]


# --- attempts ----------------------------------------------------------------------------


def test_a_right_answer_sheet_passes_and_completes(org, program):
    module, enrollment = make_module(program), make_enrollment(program)
    completion = training_submit(
        organization=org, module=module, enrollment=enrollment, quiz_answers=RIGHT, acknowledged=True
    )
    completion.refresh_from_db()
    assert (completion.score, completion.passed, completion.attempts) == (100, True, 1)
    assert completion.completed_at is not None and completion.acknowledged_at is not None


def test_a_score_below_the_pass_mark_fails_shows_the_wrong_questions_and_keeps_the_best(org, program):
    module, enrollment = make_module(program), make_enrollment(program)  # pass mark 75
    first = training_submit(
        organization=org, module=module, enrollment=enrollment, quiz_answers=[1, 1, 0, 1], acknowledged=True
    )
    assert (first.attempt.score, first.attempt.passed, first.attempt.wrong) == (50, False, [1, 3])
    worse = training_submit(
        organization=org, module=module, enrollment=enrollment, quiz_answers=[0, 1, 1, 1], acknowledged=True
    )
    assert worse.attempt.score == 0
    worse.refresh_from_db()
    assert (worse.score, worse.passed, worse.attempts, worse.completed_at) == (50, False, 2, None)


def test_a_retry_after_failing_passes_and_a_later_failure_keeps_the_pass(org, program):
    module, enrollment = make_module(program), make_enrollment(program)
    training_submit(
        organization=org, module=module, enrollment=enrollment, quiz_answers=[0, 1, 1, 1], acknowledged=True
    )
    passed = training_submit(
        organization=org, module=module, enrollment=enrollment, quiz_answers=[1, 0, 0, 1], acknowledged=True
    )
    assert (passed.score, passed.passed, passed.attempts) == (75, True, 2)  # 75 is exactly the pass mark
    completed_at = passed.completed_at
    again = training_submit(
        organization=org, module=module, enrollment=enrollment, quiz_answers=[0, 1, 1, 1], acknowledged=True
    )
    again.refresh_from_db()
    assert (again.passed, again.score, again.attempts, again.completed_at) == (True, 75, 3, completed_at)


def test_answers_may_be_given_by_question_index(org, program):
    module = make_module(program)
    completion = training_submit(
        organization=org,
        module=module,
        enrollment=make_enrollment(program),
        quiz_answers={"0": "1", "1": 0, "2": 0, "3": 0},
        acknowledged=True,
    )
    assert completion.passed


def test_a_module_without_a_quiz_is_completed_by_acknowledging_it(org, program):
    module = make_module(program, quiz=[])
    completion = training_submit(
        organization=org, module=module, enrollment=make_enrollment(program), quiz_answers=[], acknowledged=True
    )
    assert completion.passed and completion.score is None


def test_acknowledgement_is_required_when_the_module_asks_for_it(org, program):
    module, enrollment = make_module(program), make_enrollment(program)
    with pytest.raises(ValidationError) as excinfo:
        training_submit(organization=org, module=module, enrollment=enrollment, quiz_answers=RIGHT, acknowledged=False)
    assert set(errors_of(excinfo)) == {"acknowledged"}
    assert not TrainingCompletion.objects.exists()


def test_a_module_without_acknowledgement_passes_on_the_quiz_alone(org, program):
    module = make_module(program, requires_acknowledgement=False)
    completion = training_submit(
        organization=org, module=module, enrollment=make_enrollment(program), quiz_answers=RIGHT, acknowledged=False
    )
    assert completion.passed and completion.acknowledged_at is None


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([1, 0, 0, 2], "quiz_answers.3"),  # question 3 has two choices
        ([1, 0, 0, -1], "quiz_answers.3"),
        ([1, 0, 0, "x"], "quiz_answers.3"),
        ([1, 0, 0], "quiz_answers.3"),
        ([1, None, 0, 0], "quiz_answers.1"),
        ({"0": 1, "1": 0, "2": 0}, "quiz_answers.3"),
        ({"0": 1, "1": 0, "2": 0, "3": 0, "9": 0}, "quiz_answers"),
        ([1, 0, 0, 0, 0], "quiz_answers"),
        ("1000", "quiz_answers"),
    ],
)
def test_bad_answers_are_refused_naming_the_question_and_nothing_is_saved(org, program, answers, field):
    module, enrollment = make_module(program), make_enrollment(program)
    with pytest.raises(ValidationError) as excinfo:
        training_submit(organization=org, module=module, enrollment=enrollment, quiz_answers=answers, acknowledged=True)
    assert field in errors_of(excinfo)
    assert not TrainingCompletion.objects.exists()


def test_missing_answers_and_acknowledgement_are_reported_together(org, program):
    with pytest.raises(ValidationError) as excinfo:
        training_submit(
            organization=org, module=make_module(program), enrollment=make_enrollment(program), quiz_answers=[]
        )
    assert set(errors_of(excinfo)) == {f"quiz_answers.{i}" for i in range(4)} | {"acknowledged"}


def test_another_programs_module_is_refused(org, program):
    other = make_module(make_program(org, name="Other program"))
    with pytest.raises(ValidationError) as excinfo:
        training_submit(
            organization=org, module=other, enrollment=make_enrollment(program), quiz_answers=RIGHT, acknowledged=True
        )
    assert "another program" in errors_of(excinfo)["module"][0]
    assert not TrainingCompletion.objects.exists()


def test_another_roles_module_is_refused(org, program):
    mentor_module = make_module(program, role="mentor")
    with pytest.raises(ValidationError) as excinfo:
        training_submit(
            organization=org,
            module=mentor_module,
            enrollment=make_enrollment(program, role="mentee"),
            quiz_answers=RIGHT,
            acknowledged=True,
        )
    assert "mentors" in errors_of(excinfo)["module"][0]


def test_another_organizations_module_is_refused_like_a_missing_one(org, program):
    foreign = make_module(make_program(OrganizationFactory()))
    with pytest.raises(ValidationError) as excinfo:
        training_submit(
            organization=org, module=foreign, enrollment=make_enrollment(program), quiz_answers=RIGHT, acknowledged=True
        )
    assert errors_of(excinfo) == {"module": ["Not found."]}
    assert not TrainingCompletion.objects.exists()


def test_a_withdrawn_enrollment_cannot_train(org, program):
    enrollment = make_enrollment(program, status=EnrollmentStatus.WITHDRAWN)
    with pytest.raises(ValidationError) as excinfo:
        training_submit(
            organization=org, module=make_module(program), enrollment=enrollment, quiz_answers=RIGHT, acknowledged=True
        )
    assert "enrollment" in errors_of(excinfo)
