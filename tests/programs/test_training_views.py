"""Training pages: managers write modules and follow completion; participants take them."""

import pytest
from django.urls import reverse

from organizations.models import Role
from programs.models import EnrollmentStatus, ProgramManager, TrainingCompletion, TrainingModule
from programs.services import training_submit

from ..organizations.pages import field_error, text
from .training_fixtures import QUIZ, RIGHT, make_enrollment, make_module, make_program, participant


def url(name, program, module=None, **query):
    args = [program.organization.slug, program.pk] + ([module.pk] if module else [])
    base = reverse(f"programs:{name}", args=args)
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def program(org):
    return make_program(org, requires_training=True)


@pytest.fixture
def manager(program, member_of):
    """A plain member who manages this one program."""
    user = member_of(program.organization, Role.MEMBER)
    ProgramManager.objects.create(organization=program.organization, program=program, user=user)
    return user


def module_post(**overrides):
    data = {
        "title": "Asking good questions",
        "role": "mentor",
        "content": "# Open questions\n\nAsk *what* and *how*.",
        "pass_mark": "50",
        "requires_acknowledgement": "on",
        "quiz-TOTAL_FORMS": "2",
        "quiz-INITIAL_FORMS": "0",
        "quiz-MIN_NUM_FORMS": "0",
        "quiz-MAX_NUM_FORMS": "30",
        "quiz-0-question": "Which is an open question?",
        "quiz-0-choices": "Did you like it?\n*What did you learn?\nWas it good?",
        "quiz-1-question": "",
        "quiz-1-choices": "",
    }
    return {**data, **overrides}


# --- managers ----------------------------------------------------------------------------


def test_a_program_manager_adds_a_module_with_a_quiz(program, manager, client_for):
    response = client_for(manager).post(url("training-module-create", program), module_post())
    assert response.status_code == 302 and response["Location"] == url("training", program)
    module = TrainingModule.objects.get()
    assert module.role == "mentor" and module.pass_mark == 50
    assert module.quiz == [
        {
            "question": "Which is an open question?",
            "choices": ["Did you like it?", "What did you learn?", "Was it good?"],
            "answer": 1,
        }
    ]
    listing = client_for(manager).get(url("training", program))
    assert "Asking good questions" in text(listing) and "1 question · pass 50%" in text(listing)


def test_the_quiz_builder_shows_errors_beside_the_question(program, manager, client_for):
    response = client_for(manager).post(
        url("training-module-create", program),
        module_post(**{"quiz-0-choices": "Yes\nNo", "pass_mark": "120", "title": ""}),
    )
    assert response.status_code == 200
    assert "Mark exactly one choice" in field_error(response, "quiz-0-choices")
    assert field_error(response, "pass_mark") and field_error(response, "title")
    assert not TrainingModule.objects.exists()


def test_a_question_needs_two_choices(program, manager, client_for):
    response = client_for(manager).post(
        url("training-module-create", program), module_post(**{"quiz-0-choices": "*Yes"})
    )
    assert "at least two choices" in field_error(response, "quiz-0-choices")


def test_add_a_question_shows_one_more_row_and_saves_nothing(program, manager, client_for):
    response = client_for(manager).post(url("training-module-create", program), module_post(add_question="1"))
    assert response.status_code == 200
    assert 'name="quiz-2-question"' in response.content.decode()
    assert not TrainingModule.objects.exists()


def test_editing_shows_the_quiz_with_the_right_answer_marked_and_saves_changes(program, manager, client_for):
    module = make_module(program)
    page = client_for(manager).get(url("training-module-edit", program, module))
    assert "*Listen" in page.content.decode()
    data = module_post(
        title="Listening",
        role="",
        **{
            "quiz-TOTAL_FORMS": "2",
            "quiz-INITIAL_FORMS": "1",
            "quiz-0-question": "Listen or talk?",
            "quiz-0-choices": "*Listen\nTalk",
            "quiz-1-DELETE": "on",
        },
    )
    response = client_for(manager).post(url("training-module-edit", program, module), data)
    assert response.status_code == 302
    module.refresh_from_db()
    assert (module.title, module.role) == ("Listening", "")
    assert module.quiz == [{"question": "Listen or talk?", "choices": ["Listen", "Talk"], "answer": 0}]


def test_a_removed_question_leaves_the_quiz(program, manager, client_for):
    module = make_module(program, quiz=QUIZ[:1])
    data = module_post(**{"quiz-INITIAL_FORMS": "1", "quiz-0-DELETE": "on", "quiz-0-choices": "*Talk\nListen"})
    client_for(manager).post(url("training-module-edit", program, module), data)
    module.refresh_from_db()
    assert module.quiz == []


def test_the_markdown_preview_is_rendered_safely(program, manager, client_for):
    response = client_for(manager).post(
        url("training-preview", program), {"content": "**Bold** <script>alert(1)</script>"}
    )
    body = response.content.decode()
    assert "<strong>Bold</strong>" in body and "<script>" not in body


def test_modules_move_up_and_down(program, manager, client_for):
    first, second = make_module(program, title="First", order=0), make_module(program, title="Second", order=1)
    client_for(manager).post(url("training-module-move", program, second), {"direction": "up"})
    assert list(TrainingModule.objects.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_deleting_a_completed_module_is_refused_with_an_explanation(program, manager, client_for):
    module = make_module(program)
    enrollment = make_enrollment(program)
    training_submit(
        organization=program.organization, module=module, enrollment=enrollment, quiz_answers=RIGHT, acknowledged=True
    )
    page = client_for(manager).get(url("training-module-delete", program, module))
    assert "1 person has completed" in text(page)
    response = client_for(manager).post(url("training-module-delete", program, module), follow=True)
    assert "record of their training" in text(response)
    assert TrainingModule.objects.filter(pk=module.pk).exists()


def test_deleting_an_unfinished_module(program, manager, client_for):
    module = make_module(program)
    response = client_for(manager).post(url("training-module-delete", program, module))
    assert response.status_code == 302 and not TrainingModule.objects.exists()


@pytest.mark.parametrize("name", ["training", "training-module-create", "training-overview"])
def test_members_who_do_not_manage_the_program_are_refused(program, member_of, client_for, name):
    user = member_of(program.organization, Role.MEMBER)
    assert client_for(user).get(url(name, program)).status_code == 403


def test_a_module_of_another_program_is_not_found(program, manager, client_for):
    other = make_module(make_program(program.organization, name="Other"))
    assert client_for(manager).get(url("training-module-edit", program, other)).status_code == 404


def test_the_overview_shows_who_completed_what_and_the_ready_count(
    program, admin_user, client_for, django_assert_max_num_queries
):
    everyone, _ = (
        make_module(program, title="Welcome", order=0),
        make_module(program, title="Mentoring", role="mentor", order=1),
    )
    ready = make_enrollment(program, role="mentee")
    training_submit(
        organization=program.organization, module=everyone, enrollment=ready, quiz_answers=RIGHT, acknowledged=True
    )
    for _ in range(30):
        make_enrollment(program, role="mentor")
    client = client_for(admin_user)
    client.get(url("training-overview", program))  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(url("training-overview", program))
    page = text(response)
    assert "31 people" in page and "1 ready to match" in page
    assert "All 1" in page and "0 of 2" in page
    mentors_only = text(client.get(url("training-overview", program, role="mentor")))
    assert "30 mentors" in mentors_only and "0 ready to match" in mentors_only


# --- participants ------------------------------------------------------------------------


def test_your_training_lists_the_roles_modules_with_status(program, client_for):
    user, enrollment = participant(program.organization, program, role="mentee")
    done, _ = (
        make_module(program, title="Welcome", order=0),
        make_module(program, title="Owning it", role="mentee", order=1),
    )
    make_module(program, title="Mentor craft", role="mentor", order=2)
    training_submit(
        organization=program.organization, module=done, enrollment=enrollment, quiz_answers=RIGHT, acknowledged=True
    )
    page = text(client_for(user).get(url("my-training", program)))
    assert "1 of 2 modules completed" in page and "Complete them all to be matched" in page
    assert "Welcome" in page and "Owning it" in page and "Mentor craft" not in page


def test_someone_not_in_the_program_is_told_so(program, member_of, client_for):
    user = member_of(program.organization)
    assert "not taking part" in text(client_for(user).get(url("my-training", program)))


def test_a_participant_passes_a_module(program, client_for):
    user, enrollment = participant(program.organization, program)
    module = make_module(program)
    client = client_for(user)
    page = client.get(url("training-module", program, module))
    assert "<h1>Listen</h1>" in page.content.decode() and 'type="radio"' in page.content.decode()
    data = {f"q{i}": str(a) for i, a in enumerate(RIGHT)} | {"acknowledged": "on"}
    response = client.post(url("training-module", program, module), data)
    assert response.status_code == 302
    result = text(client.get(response["Location"]))
    assert "Well done" in result and "100%" in result
    assert TrainingCompletion.objects.get(enrollment=enrollment).passed
    # The result is shown once: a reload does not repeat it (nor submit again).
    assert "Well done" not in text(client.get(url("training-module", program, module)))


def test_a_failed_attempt_says_which_questions_were_wrong_without_the_answers(program, client_for):
    user, enrollment = participant(program.organization, program)
    module = make_module(program)
    client = client_for(user)
    data = {"q0": "0", "q1": "0", "q2": "1", "q3": "0", "acknowledged": "on"}
    response = client.post(url("training-module", program, module), data, follow=True)
    page = text(response)
    assert "try again" in page and "50%" in page and "Questions 1 and 3 were not right" in page
    assert page.count("Not right last time") == 2
    completion = TrainingCompletion.objects.get(enrollment=enrollment)
    assert (completion.passed, completion.attempts, completion.score) == (False, 1, 50)


def test_missing_answers_and_acknowledgement_are_shown_beside_their_fields(program, client_for):
    user, _ = participant(program.organization, program)
    module = make_module(program)
    response = client_for(user).post(url("training-module", program, module), {"q0": "1", "q1": "9"})
    assert response.status_code == 200
    assert field_error(response, "q0") == ""
    assert "Select a valid choice" in field_error(response, "q1")  # out of range
    assert field_error(response, "q2") == field_error(response, "q3") == "Choose an answer."
    assert "Confirm that you have read" in field_error(response, "acknowledged")
    assert not TrainingCompletion.objects.exists()


def test_a_module_for_another_role_is_not_found_for_a_participant(program, client_for):
    user, _ = participant(program.organization, program, role="mentee")
    mentors = make_module(program, role="mentor")
    assert client_for(user).get(url("training-module", program, mentors)).status_code == 404
    assert client_for(user).post(url("training-module", program, mentors), {"acknowledged": "on"}).status_code == 404


def test_a_withdrawn_participant_cannot_take_training(program, client_for):
    user, _ = participant(program.organization, program, status=EnrollmentStatus.WITHDRAWN)
    module = make_module(program)
    assert client_for(user).get(url("training-module", program, module)).status_code == 404


def test_a_manager_previews_a_module_without_a_submit_button(program, manager, client_for):
    module = make_module(program)
    page = client_for(manager).get(url("training-module", program, module))
    assert "Preview: this is what participants see" in text(page)
    assert "Submit answers" not in text(page)
    assert client_for(manager).post(url("training-module", program, module), {}).status_code == 404


def test_the_module_list_costs_the_same_for_many_modules(program, manager, client_for, django_assert_max_num_queries):
    for index in range(25):
        module = make_module(program, title=f"Module {index}", order=index)
    training_submit(
        organization=program.organization,
        module=module,
        enrollment=make_enrollment(program),
        quiz_answers=RIGHT,
        acknowledged=True,
    )
    client = client_for(manager)
    client.get(url("training", program))
    with django_assert_max_num_queries(10):
        response = client.get(url("training", program))
    assert "Module 24" in text(response)


def test_your_training_costs_the_same_for_many_modules(program, client_for, django_assert_max_num_queries):
    user, enrollment = participant(program.organization, program)
    for index in range(25):
        module = make_module(program, title=f"Module {index}", order=index)
        training_submit(
            organization=program.organization,
            module=module,
            enrollment=enrollment,
            quiz_answers=RIGHT,
            acknowledged=True,
        )
    client = client_for(user)
    client.get(url("my-training", program))
    with django_assert_max_num_queries(10):
        response = client.get(url("my-training", program))
    assert "You completed all 25 modules" in text(response)
