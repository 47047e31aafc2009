"""The questionnaire builder pages."""

import pytest
from django.urls import reverse

from organizations.models import Role
from programs.models import Program, ProgramManager
from surveys.models import Choice, Question, Questionnaire
from tests.factories import OrganizationFactory

from .helpers import VALID_ANSWERS, choice, make_questionnaire, question

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"surveys:{name}", args=[org.slug, *args])


@pytest.fixture
def questionnaire(org):
    return make_questionnaire(org)


@pytest.fixture
def admin_client(admin_user, client_for):
    return client_for(admin_user)


def text(response):
    return response.content.decode()


# --- who may build ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADER])
def test_plain_members_and_leaders_are_refused(org, questionnaire, member_of, client_for, role):
    client = client_for(member_of(org, role))
    assert client.get(url("questionnaire-list", org)).status_code == 403
    assert client.get(url("questionnaire-detail", org, questionnaire.pk)).status_code == 403
    response = client.post(url("question-retire", org, questionnaire.pk, question(questionnaire, "goal").pk))
    assert response.status_code == 403
    assert not Question.objects.filter(retired=True).exists()


def test_a_program_manager_who_is_a_plain_member_may_build(org, questionnaire, member_of, client_for):
    user = member_of(org, Role.MEMBER)
    program = Program.objects.create(organization=org, name="Buddies")
    ProgramManager.objects.create(organization=org, program=program, user=user)
    assert client_for(user).get(url("questionnaire-detail", org, questionnaire.pk)).status_code == 200


def test_a_program_manager_does_not_see_or_build_another_programs_intake(org, member_of, client_for):
    user = member_of(org, Role.MEMBER)
    Program.objects.create(organization=org, name="A").manager_links.create(organization=org, user=user)
    others = make_questionnaire(org, title="B intake")
    Program.objects.create(organization=org, name="B", mentor_questionnaire=others)
    client = client_for(user)
    assert "B intake" not in text(client.get(url("questionnaire-list", org)))
    assert client.get(url("questionnaire-detail", org, others.pk)).status_code == 404
    assert client.post(url("question-retire", org, others.pk, question(others, "goal").pk)).status_code == 404
    assert not Question.objects.filter(retired=True).exists()


def test_managing_a_program_elsewhere_gives_no_rights_here(org, questionnaire, member_of, client_for):
    user = member_of(org, Role.MEMBER)
    other = OrganizationFactory()
    program = Program.objects.create(organization=other, name="Elsewhere")
    ProgramManager.objects.create(organization=other, program=program, user=user)
    assert client_for(user).get(url("questionnaire-list", org)).status_code == 403


def test_another_organizations_questionnaire_is_not_found(org, admin_client):
    elsewhere = make_questionnaire(OrganizationFactory())
    assert admin_client.get(url("questionnaire-detail", org, elsewhere.pk)).status_code == 404
    q = elsewhere.questions.first()
    assert admin_client.post(url("question-retire", org, elsewhere.pk, q.pk)).status_code == 404


def test_a_question_of_another_questionnaire_is_not_found(org, questionnaire, admin_client):
    other = make_questionnaire(org, title="Other")
    response = admin_client.post(url("question-retire", org, questionnaire.pk, question(other, "goal").pk))
    assert response.status_code == 404


# --- list and create --------------------------------------------------------------------------


def test_the_list_shows_each_questionnaire_with_counts_in_bounded_queries(
    org, admin_client, django_assert_max_num_queries
):
    for n in range(12):
        make_questionnaire(org, title=f"Intake {n:02d}")
    with django_assert_max_num_queries(9):  # + the notification bell (cached)
        response = admin_client.get(url("questionnaire-list", org))
    html = text(response)
    assert "Intake 00" in html and "Intake 11" in html
    assert '<td data-label="Questions">8</td>' in html


def test_creating_a_questionnaire_then_adding_questions(org, admin_client):
    response = admin_client.post(url("questionnaire-create", org), {"title": "Mentor intake", "kind": "intake"})
    created = Questionnaire.objects.get(title="Mentor intake")
    assert response["Location"] == url("questionnaire-detail", org, created.pk)
    response = admin_client.post(
        url("question-add", org, created.pk),
        {
            "new-text": "What can you teach?",
            "new-type": "multiple",
            "new-choices": "Public speaking\nPython\n\nSQL",
            "new-required": "on",
        },
    )
    assert response.status_code == 302
    added = created.questions.get()
    assert (added.key, added.required) == ("what_can_you_teach", True)
    assert list(added.choices.values_list("label", flat=True)) == ["Public speaking", "Python", "SQL"]
    page = text(admin_client.get(url("questionnaire-detail", org, created.pk)))
    assert "What can you teach?" in page and 'name="skills"' not in page and 'name="what_can_you_teach"' in page


def test_a_title_is_required(org, admin_client):
    response = admin_client.post(url("questionnaire-create", org), {"title": "", "kind": "intake"})
    assert response.status_code == 200 and "This field is required." in text(response)


def test_adding_a_scale_uses_the_scale_selector(org, questionnaire, admin_client):
    admin_client.post(
        url("question-add", org, questionnaire.pk),
        {"new-text": "How likely to recommend?", "new-type": "scale", "new-scale": "0-10"},
    )
    added = questionnaire.questions.get(key="how_likely_to_recommend")
    assert (added.min_value, added.max_value, added.order) == (0, 10, 8)


def test_a_bad_question_shows_errors_beside_the_fields(org, questionnaire, admin_client):
    response = admin_client.post(
        url("question-add", org, questionnaire.pk),
        {"new-text": "Pick one", "new-type": "single", "new-choices": "", "new-key": "goal"},
    )
    assert response.status_code == 422
    html = text(response)
    assert "Give at least one choice." in html
    assert "already uses the key" in html
    assert questionnaire.questions.count() == 8


def test_adding_with_htmx_answers_with_the_builder_fragment(org, questionnaire, admin_client):
    response = admin_client.post(
        url("question-add", org, questionnaire.pk),
        {"new-text": "Years of experience", "new-type": "number", "new-min_value": "0", "new-max_value": "50"},
        HTTP_HX_REQUEST="true",
    )
    html = text(response)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="builder"')
    assert "Years of experience" in html and 'name="years_of_experience"' in html  # in the preview too
    assert "<html" not in html


# --- the builder ----------------------------------------------------------------------------


def test_the_builder_shows_questions_choices_and_a_preview_in_bounded_queries(
    org, questionnaire, admin_client, django_assert_max_num_queries
):
    for n in range(10):
        make_questionnaire(org, title=f"Noise {n}")
    with django_assert_max_num_queries(12):
        response = admin_client.get(url("questionnaire-detail", org, questionnaire.pk))
    html = text(response)
    assert html.count('class="question-card') == 8
    assert "Become a leader" in html
    assert 'type="radio" name="goal"' in html  # the preview renders the participant's form
    assert 'type="date" name="start"' in html


def test_the_builder_query_count_does_not_grow_with_questions(org, admin_client, django_assert_max_num_queries):
    big = make_questionnaire(
        org,
        questions=[
            {"key": f"q{n}", "text": f"Question {n}", "type": "single", "choices": ["A", "B", "C"]} for n in range(30)
        ],
    )
    with django_assert_max_num_queries(12):
        admin_client.get(url("questionnaire-detail", org, big.pk))


def test_move_retire_and_restore_work_without_javascript(org, questionnaire, admin_client):
    start = question(questionnaire, "start")
    response = admin_client.post(url("question-move", org, questionnaire.pk, start.pk), {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#q-{start.pk}")
    assert list(questionnaire.questions.order_by("order").values_list("key", flat=True))[-2:] == ["start", "story"]
    admin_client.post(url("question-retire", org, questionnaire.pk, start.pk))
    start.refresh_from_db()
    assert start.retired
    page = text(admin_client.get(url("questionnaire-detail", org, questionnaire.pk)))
    assert 'type="date" name="start"' not in page  # gone from the preview
    assert "Ask again" in page
    admin_client.post(url("question-restore", org, questionnaire.pk, start.pk))
    start.refresh_from_db()
    assert not start.retired


def test_actions_refuse_get(org, questionnaire, admin_client):
    response = admin_client.get(url("question-retire", org, questionnaire.pk, question(questionnaire, "goal").pk))
    assert response.status_code == 405


def test_choices_are_added_and_retired_from_the_builder(org, questionnaire, admin_client):
    from surveys import services

    goal = question(questionnaire, "goal")
    admin_client.post(url("choice-add", org, questionnaire.pk, goal.pk), {f"choice-{goal.pk}-label": "Find my path"})
    assert goal.choices.filter(label="Find my path", value="find_my_path").exists()
    services.response_submit(organization=org, questionnaire=questionnaire, respondent=None, answers=VALID_ANSWERS)
    grow = choice(questionnaire, "goal", "grow")
    admin_client.post(url("choice-retire", org, questionnaire.pk, goal.pk, grow.pk), HTTP_HX_REQUEST="true")
    grow.refresh_from_db()
    assert grow.retired
    switch = choice(questionnaire, "goal", "switch")
    admin_client.post(url("choice-retire", org, questionnaire.pk, goal.pk, switch.pk))
    assert not Choice.objects.filter(pk=switch.pk).exists()
    admin_client.post(url("choice-restore", org, questionnaire.pk, goal.pk, grow.pk))
    grow.refresh_from_db()
    assert not grow.retired


def test_an_empty_choice_label_is_shown_beside_the_field(org, questionnaire, admin_client):
    goal = question(questionnaire, "goal")
    response = admin_client.post(url("choice-add", org, questionnaire.pk, goal.pk), {f"choice-{goal.pk}-label": ""})
    assert response.status_code == 422 and "This field is required." in text(response)


def test_a_choice_of_another_question_is_not_found(org, questionnaire, admin_client):
    goal, skills = question(questionnaire, "goal"), question(questionnaire, "skills")
    sql = choice(questionnaire, "skills", "sql")
    assert admin_client.post(url("choice-retire", org, questionnaire.pk, goal.pk, sql.pk)).status_code == 404
    assert admin_client.post(url("choice-retire", org, questionnaire.pk, skills.pk, sql.pk)).status_code == 302


# --- editing a question -----------------------------------------------------------------------


def test_editing_an_answered_question_keeps_its_type(org, questionnaire, admin_client):
    from surveys import services

    services.response_submit(organization=org, questionnaire=questionnaire, respondent=None, answers=VALID_ANSWERS)
    hours = question(questionnaire, "hours")
    edit = url("question-edit", org, questionnaire.pk, hours.pk)
    page = text(admin_client.get(edit))
    assert "People have answered this question" in page
    assert "Locked: people have answered this question." in page
    # The type and key are locked: a posted change is ignored, the rest is saved.
    response = admin_client.post(
        edit, {"text": "Hours a month?", "type": "short_text", "key": "h", "min_value": "1", "max_value": "30"}
    )
    assert response.status_code == 302
    hours.refresh_from_db()
    assert (hours.text, hours.type, hours.key, hours.max_value) == ("Hours a month?", "number", "hours", 30)


def test_an_unanswered_question_can_become_a_choice_question(org, questionnaire, admin_client):
    headline = question(questionnaire, "headline")
    edit = url("question-edit", org, questionnaire.pk, headline.pk)
    response = admin_client.post(edit, {"text": "Your track", "type": "single", "key": "headline", "choices": ""})
    assert response.status_code == 422 and "Give at least one choice." in text(response)
    response = admin_client.post(
        edit, {"text": "Your track", "type": "single", "key": "track", "choices": "Engineering\nDesign"}
    )
    assert response.status_code == 302
    headline.refresh_from_db()
    assert (headline.type, headline.key) == ("single", "track")
    assert list(headline.choices.values_list("value", flat=True)) == ["engineering", "design"]


def test_renaming_a_choice_keeps_its_value(org, questionnaire, admin_client):
    goal = question(questionnaire, "goal")
    grow = choice(questionnaire, "goal", "grow")
    admin_client.post(url("choice-edit", org, questionnaire.pk, goal.pk, grow.pk), {"label": "Grow where I am"})
    grow.refresh_from_db()
    assert (grow.label, grow.value) == ("Grow where I am", "grow")


# --- preview and copy ------------------------------------------------------------------------


def test_the_preview_checks_answers_and_saves_nothing(org, questionnaire, admin_client):
    preview = url("questionnaire-preview", org, questionnaire.pk)
    response = admin_client.post(preview, {"confidence": "9"})
    html = text(response)
    assert "This question is required." in html and "Choose a number from 1 to 5." in html
    response = admin_client.post(preview, {"goal": "grow", "confidence": "3"})
    assert "Every answer is valid" in text(response)
    assert not questionnaire.responses.exists()


def test_copying_makes_a_new_questionnaire(org, questionnaire, admin_client):
    response = admin_client.post(url("questionnaire-copy", org, questionnaire.pk))
    copy = Questionnaire.objects.exclude(pk=questionnaire.pk).get()
    assert response["Location"] == url("questionnaire-detail", org, copy.pk)
    assert copy.title == "Mentee intake (copy)" and copy.questions.count() == 8


def test_editing_the_details(org, questionnaire, admin_client):
    admin_client.post(
        url("questionnaire-edit", org, questionnaire.pk), {"title": "New title", "description": "Hi", "kind": "survey"}
    )
    questionnaire.refresh_from_db()
    assert (questionnaire.title, questionnaire.kind) == ("New title", "survey")
