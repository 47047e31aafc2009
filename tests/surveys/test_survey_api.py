"""The survey API: every endpoint's success and refusal paths, errors naming the field, and the
anonymity promise: no answer of the API links an anonymous response to a person."""

import json

import pytest
from django.utils import timezone

from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, ProgramManager
from surveys.catalog import SURVEY_TEMPLATES
from surveys.models import (
    Questionnaire,
    Response,
    Survey,
    SurveyCompletion,
    SurveyResponse,
    SurveyStatus,
    SurveyWave,
)
from surveys.selectors.results import OTHER_GROUPS, reason_other_groups
from surveys.services import response_submit
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, UserFactory
from tests.organizations.api_helpers import NOT_FOUND, api_url, error_of, session_client, token_client

from .helpers import VALID_ANSWERS, make_questionnaire
from .survey_factories import ANSWERS, add_responses, make_program, make_survey, make_wave

pytestmark = pytest.mark.django_db

# Answers to the end-of-program template, its required questions included.
END_ANSWERS = {
    "satisfaction": 4,
    "nps": 9,
    "skills_gained": ["feedback"],
    "goal_attainment": 3,
    "meeting_frequency": "fortnightly",
    "mentor_again": "yes",
    "highlight": "The listening exercises.",
}
# Respondents get ids no counter reaches in a test, so finding one in a JSON text is no accident.
PERSON_BASE, USER_BASE = 7_310_000, 7_320_000


@pytest.fixture
def org(db):
    # k = 3 keeps the tests small; free text needs 4.
    return OrganizationFactory(name="Acme", slug="acme", survey_min_responses=3, survey_min_text_responses=4)


@pytest.fixture
def program(org):
    return make_program(org)


@pytest.fixture
def api(org, admin_user):
    return token_client(admin_user, org)


def participant(org, program, n, *, role="mentee", department="Engineering"):
    """A member of the organization with a login, a directory record and an approved enrollment."""
    user = UserFactory(id=USER_BASE + n, email=f"hidden-respondent-{n}@example.org", username=f"respondent{n}")
    MembershipFactory(organization=org, user=user, role=Role.MEMBER)
    person = PersonFactory(
        pk=PERSON_BASE + n,
        organization=org,
        user=user,
        email=user.email,
        name=f"Quintessa Vantablack {n}",
        department=department,
    )
    Enrollment.objects.create(
        organization=org, program=program, person=person, role=role, status=EnrollmentStatus.APPROVED
    )
    return person


def survey_url(org, survey=None, path=""):
    return api_url(org, "surveys/" if survey is None else f"surveys/{survey.pk}/{path}")


def wave_url(org, wave, path=""):
    return api_url(org, f"survey-waves/{wave.pk}/{path}")


def fields_of(response):
    assert response.status_code == 400, response.content
    return error_of(response)["fields"]


def create(api, org, program, **body):
    response = api.post(survey_url(org), {"program": program.pk, **body}, format="json")
    assert response.status_code == 201, response.content
    return Survey.objects.get(pk=response.json()["id"])


def launched(api, org, program, **body):
    """An end-of-program survey made from its template, open today for everyone in the program."""
    fields = {"template": "end_of_program", "schedule": "date", "opens_on": timezone.localdate().isoformat()}
    survey = create(api, org, program, **{**fields, **body})
    response = api.post(survey_url(org, survey, "launch/"))
    assert response.status_code == 200, response.content
    return survey


def first_wave(survey):
    return SurveyWave.objects.get(survey=survey, number=1)


def answer(person, org, wave, answers=END_ANSWERS):
    return session_client(person.user).post(wave_url(org, wave, "answer/"), {"answers": answers}, format="json")


# --- who may do what ----------------------------------------------------------------------


def test_plain_members_are_refused(org, program, member_of, api):
    survey = create(api, org, program, template="mid_program")
    client = session_client(member_of(org, Role.MEMBER))
    for url in (
        survey_url(org),
        survey_url(org, survey),
        survey_url(org, survey, "results/"),
        api_url(org, "survey-templates/"),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(survey_url(org), {"program": program.pk, "template": "mid_program"}, format="json")
    assert response.status_code == 403
    assert Survey.objects.count() == 1


def test_leaders_read_surveys_and_results_but_change_nothing(org, program, member_of, api):
    survey = launched(api, org, program)
    client = session_client(member_of(org, Role.LEADER))
    assert [row["id"] for row in client.get(survey_url(org)).json()["results"]] == [survey.pk]
    for path in ("", "waves/", "results/"):
        assert client.get(survey_url(org, survey, path)).status_code == 200, path
    assert client.patch(survey_url(org, survey), {"title": "Mine now"}, format="json").status_code == 403
    assert client.post(survey_url(org, survey, "end/")).status_code == 403
    assert (
        client.post(survey_url(org), {"program": program.pk, "template": "mid_program"}, format="json").status_code
        == 403
    )
    assert client.get(api_url(org, "survey-templates/")).status_code == 403
    survey.refresh_from_db()
    assert (survey.title, survey.status) == ("End-of-program evaluation", SurveyStatus.LIVE)


def test_a_program_manager_reaches_only_their_programs_surveys(org, program, member_of, api):
    mine = create(api, org, program, template="mid_program")
    other_program = make_program(org, name="Other")
    theirs = create(api, org, other_program, template="mid_program")
    user = member_of(org, Role.MEMBER)
    ProgramManager.objects.create(organization=org, program=program, user=user)
    client = session_client(user)
    assert [row["id"] for row in client.get(survey_url(org)).json()["results"]] == [mine.pk]
    for path in ("", "waves/", "results/"):
        response = client.get(survey_url(org, theirs, path))
        assert (response.status_code, response.json()) == (404, NOT_FOUND), path
    assert client.post(survey_url(org, theirs, "launch/")).status_code == 404
    # They can see the other (active) program but do not manage it.
    response = client.post(survey_url(org), {"program": other_program.pk, "template": "mid_program"}, format="json")
    assert response.status_code == 403
    assert client.patch(survey_url(org, mine), {"title": "Halfway"}, format="json").status_code == 200


def test_another_organizations_survey_is_missing(org, program, api):
    other = OrganizationFactory(slug="globex")
    theirs = make_survey(other)
    wave = make_wave(theirs)
    for url in (survey_url(org, theirs), survey_url(org, theirs, "results/"), survey_url(other, theirs)):
        response = api.get(url)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), url
    response = api.post(survey_url(org), {"program": theirs.program_id, "template": "mid_program"}, format="json")
    assert set(fields_of(response)) == {"program"}
    response = api.get(survey_url(org, make_survey(org, program=program), "results/"), {"wave": wave.pk})
    assert set(fields_of(response)) == {"wave"}


# --- templates ----------------------------------------------------------------------------


def test_templates_list_every_template_with_its_questions(org, api):
    body = api.get(api_url(org, "survey-templates/")).json()
    assert [row["key"] for row in body] == list(SURVEY_TEMPLATES)
    end = next(row for row in body if row["key"] == "end_of_program")
    assert end["schedule"] == "end" and end["audience"] == "all"
    nps = next(q for q in end["questions"] if q["key"] == "nps")
    assert (nps["type"], nps["min"], nps["max"], nps["required"]) == ("scale", 0, 10, True)
    again = next(q for q in end["questions"] if q["key"] == "mentor_again")
    assert [c["value"] for c in again["choices"]] == ["yes", "maybe", "no"]


# --- create, update -----------------------------------------------------------------------


def test_create_from_a_template_copies_its_questions(org, program, api, admin_user):
    response = api.post(
        survey_url(org), {"program": program.pk, "template": "end_of_program", "title": "Goodbye"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["template_key"], body["title"], body["program"]) == (
        "draft",
        "end_of_program",
        "Goodbye",
        program.pk,
    )
    assert body["created_by"] == admin_user.email and body["wave_count"] == 0
    keys = list(Questionnaire.objects.get(pk=body["questionnaire"]).questions.values_list("key", flat=True))
    assert keys == [q["key"] for q in SURVEY_TEMPLATES["end_of_program"]["questionnaire"]["questions"]]


def test_create_blank_or_around_an_existing_survey_questionnaire(org, program, api):
    blank = create(api, org, program, title="Pulse", schedule="pulse", pulse_weeks=2, open_days=7)
    assert blank.questionnaire.kind == Questionnaire.Kind.SURVEY
    assert not blank.questionnaire.questions.exists()
    assert (blank.schedule, blank.pulse_weeks, blank.open_days) == ("pulse", 2, 7)
    questionnaire = make_questionnaire(org, kind="survey")
    around = create(api, org, program, title="Around", questionnaire=questionnaire.pk, schedule="end")
    assert around.questionnaire == questionnaire


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"template": "no_such_template"}, "template"),
        ({"template": "mid_program", "questionnaire": "SURVEY_Q"}, "questionnaire"),
        ({"title": "Intake", "questionnaire": "INTAKE_Q"}, "questionnaire"),
        ({"template": "mid_program", "audience": "everyone"}, "audience"),
        ({"template": "mid_program", "audience": "peers"}, "audience"),  # the program has no peers
        ({"template": "mid_program", "open_days": 0}, "open_days"),
        ({"template": "mid_program", "open_days": "two weeks"}, "open_days"),
        ({"template": "mid_program", "reminder_days": "soon"}, "reminder_days"),
        ({"template": "mid_program", "reminder_days": [3, 30]}, "reminder_days"),
        ({"title": "Pulse", "schedule": "pulse"}, "pulse_weeks"),
        ({"title": "Dated", "schedule": "date"}, "opens_on"),
        ({"title": "Dated", "schedule": "date", "opens_on": "tomorrow"}, "opens_on"),
        ({"title": ""}, "title"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(org, program, api, body, field):
    placeholders = {
        "SURVEY_Q": make_questionnaire(org, kind="survey").pk,
        "INTAKE_Q": make_questionnaire(org, title="Intake").pk,
    }
    body = {key: placeholders.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    before = Questionnaire.objects.count()
    response = api.post(survey_url(org), {"program": program.pk, **body}, format="json")
    assert field in fields_of(response)
    assert not Survey.objects.exists()
    assert Questionnaire.objects.count() == before


def test_create_without_a_program_names_it(org, api):
    assert set(fields_of(api.post(survey_url(org), {"template": "mid_program"}, format="json"))) == {"program"}


def test_update_changes_settings_and_refuses_bad_values(org, program, api):
    survey = create(api, org, program, template="mid_program")
    response = api.patch(survey_url(org, survey), {"title": "Halfway there", "reminder_days": [2, 5]}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["reminder_days"]) == ("Halfway there", [2, 5])
    assert "open_days" in fields_of(api.patch(survey_url(org, survey), {"open_days": 500}, format="json"))
    survey.refresh_from_db()
    assert survey.open_days == 14


def test_a_launched_survey_keeps_its_schedule_and_anonymity_once_answered(org, program, api):
    person = participant(org, program, 1)
    survey = launched(api, org, program)
    assert set(fields_of(api.patch(survey_url(org, survey), {"schedule": "end"}, format="json"))) == {"schedule"}
    assert answer(person, org, first_wave(survey)).status_code == 201
    assert set(fields_of(api.patch(survey_url(org, survey), {"anonymous": False}, format="json"))) == {"anonymous"}
    survey.refresh_from_db()
    assert (survey.schedule, survey.anonymous) == ("date", True)


# --- launch, end, waves -------------------------------------------------------------------


def test_launch_opens_the_first_wave_and_invites_the_audience(org, program, api):
    people = [participant(org, program, n) for n in range(3)]
    PersonFactory(organization=org)  # in the directory, not in the program
    survey = launched(api, org, program)
    body = api.get(survey_url(org, survey)).json()
    assert (body["status"], body["wave_count"]) == ("live", 1)
    waves = api.get(survey_url(org, survey, "waves/")).json()
    assert len(waves) == 1
    wave = waves[0]
    assert (wave["number"], wave["invited"], wave["responded"], wave["response_rate"]) == (1, 3, 0, 0.0)
    assert wave["opens_on"] == timezone.localdate().isoformat() and wave["opened_at"] and wave["closed_at"] is None
    answer(people[0], org, first_wave(survey))
    wave = api.get(survey_url(org, survey, "waves/")).json()[0]
    assert (wave["responded"], wave["response_rate"]) == (1, pytest.approx(1 / 3))


def test_launch_refuses_twice_and_an_empty_questionnaire(org, program, api):
    survey = launched(api, org, program)
    assert set(fields_of(api.post(survey_url(org, survey, "launch/")))) == {"survey"}
    assert SurveyWave.objects.filter(survey=survey).count() == 1
    today = timezone.localdate().isoformat()
    blank = create(api, org, program, title="Blank", schedule="date", opens_on=today)
    assert set(fields_of(api.post(survey_url(org, blank, "launch/")))) == {"questionnaire"}
    blank.refresh_from_db()
    assert blank.status == SurveyStatus.DRAFT


def test_end_closes_the_open_wave(org, program, api):
    survey = launched(api, org, program)
    response = api.post(survey_url(org, survey, "end/"))
    assert (response.status_code, response.json()["status"]) == (200, "ended")
    assert first_wave(survey).closed_at is not None
    draft = create(api, org, program, template="mid_program")
    assert set(fields_of(api.post(survey_url(org, draft, "end/")))) == {"survey"}


# --- results ------------------------------------------------------------------------------


def test_results_are_hidden_until_k_people_answered(org, program, api):
    people = [participant(org, program, n) for n in range(2)]
    survey = launched(api, org, program)
    for person in people:
        assert answer(person, org, first_wave(survey)).status_code == 201
    body = api.get(survey_url(org, survey, "results/")).json()
    assert (body["invited"], body["responded"], body["k"], body["visible"]) == (2, 2, 3, False)
    assert (body["counted"], body["note"]) == (0, "")  # the wave is open: no whole step of k yet
    assert body["hidden_reason"]
    assert body["questions"], "every question is listed, flagged"
    for question in body["questions"]:
        assert question["hidden"] and question["hidden_reason"]
        assert (question["distribution"], question["mean"], question["nps"], question["texts"]) == ([], None, None, [])
    by = api.get(survey_url(org, survey, "results/"), {"by": "department"}).json()
    assert (by["cells"], by["changes"]) == ([], {})


def test_results_show_aggregates_and_flag_every_hidden_part(org, api):
    survey = make_survey(org)
    wave = make_wave(survey)
    add_responses(wave, [{**ANSWERS, "satisfaction": 5}] * 4, department="Sales")
    add_responses(wave, [{**ANSWERS, "satisfaction": 3}] * 3, department="Support")
    add_responses(wave, [{**ANSWERS, "satisfaction": 1}] * 2, department="Legal")
    response = api.get(survey_url(org, survey, "results/"), {"wave": wave.pk, "by": "department"})
    body = response.json()
    assert (body["visible"], body["responded"], body["dimension"], body["wave"]["id"]) == (
        True,
        9,
        "department",
        wave.pk,
    )
    questions = {q["key"]: q for q in body["questions"]}
    satisfaction = questions["satisfaction"]
    assert not satisfaction["hidden"] and satisfaction["n"] == 9
    assert {row["value"]: row["count"] for row in satisfaction["distribution"]} == {1: 2, 2: 0, 3: 3, 4: 0, 5: 4}
    assert satisfaction["mean"]["value"] == pytest.approx(31 / 9)
    assert questions["nps"]["nps"]["value"] == pytest.approx(100)
    # Nine texts, all alike, but free text needs k_text = 4 answers: shown, unattributed.
    assert questions["highlight"]["texts"] == ["Learning to listen."] * 9
    # Legal (2) is under k; hiding it alone would leave 2 recoverable from the total, so the
    # smallest visible cell (Support, 3) goes too. Both are one unnamed row, last: a name beside
    # "hidden" would still tell that someone in Legal answered.
    assert [cell["label"] for cell in body["cells"]] == ["Sales", OTHER_GROUPS]
    sales, other = body["cells"]
    assert other["hidden"] and other["hidden_reason"] == reason_other_groups(3)
    assert (other["n"], other["means"], other["nps"]) == (None, {}, None)
    for label in ("Legal", "Support"):
        assert label not in response.content.decode()
    assert not sales["hidden"] and sales["n"] == 4
    assert sales["means"]["satisfaction"]["value"] == pytest.approx(5)


def test_free_text_needs_its_own_threshold(org, api):
    survey = make_survey(org)
    wave = make_wave(survey)
    add_responses(wave, [ANSWERS] * 3)
    highlight = next(
        q for q in api.get(survey_url(org, survey, "results/")).json()["questions"] if q["key"] == "highlight"
    )
    assert highlight["hidden"] and highlight["texts"] == [] and "4" in highlight["hidden_reason"]


def test_results_compare_with_the_previous_wave(org, api):
    survey = make_survey(org)
    first = make_wave(survey, closed=True)
    second = make_wave(survey)
    add_responses(first, [{**ANSWERS, "satisfaction": 2}] * 3)
    add_responses(second, [{**ANSWERS, "satisfaction": 4}] * 3)
    body = api.get(survey_url(org, survey, "results/")).json()
    assert body["wave"]["id"] == second.pk and [w["id"] for w in body["waves"]] == [first.pk, second.pk]
    assert body["previous_wave"]["id"] == first.pk
    assert body["changes"]["satisfaction"]["value"] == pytest.approx(2)


def test_an_open_anonymous_waves_results_count_whole_steps_of_k(org, api):
    survey = make_survey(org)
    wave = make_wave(survey)
    add_responses(wave, [{**ANSWERS, "satisfaction": 2}] * 3 + [{**ANSWERS, "satisfaction": 5}] * 2)
    body = api.get(survey_url(org, survey, "results/")).json()
    assert (body["responded"], body["counted"], body["visible"]) == (5, 3, True)
    assert body["note"] == (
        "5 people have answered. While the survey is open, results move in steps of 3 answers, so no single "
        "answer can be read from a change: they include the first 3 now, and every answer once it closes."
    )
    satisfaction = next(q for q in body["questions"] if q["key"] == "satisfaction")
    assert (satisfaction["n"], satisfaction["mean"]["value"]) == (3, pytest.approx(2))

    wave.closed_at = wave.opened_at
    wave.save()
    body = api.get(survey_url(org, survey, "results/")).json()
    assert (body["responded"], body["counted"], body["note"]) == (5, 5, "")
    satisfaction = next(q for q in body["questions"] if q["key"] == "satisfaction")
    assert (satisfaction["n"], satisfaction["mean"]["value"]) == (5, pytest.approx(3.2))


@pytest.mark.parametrize(
    ("query", "field"), [({"by": "shoe_size"}, "by"), ({"wave": "abc"}, "wave"), ({"wave": 0}, "wave")]
)
def test_results_refuse_a_bad_query(org, api, query, field):
    survey = make_survey(org)
    make_wave(survey)
    assert set(fields_of(api.get(survey_url(org, survey, "results/"), query))) == {field}


def test_results_refuse_another_surveys_wave(org, program, api):
    survey, other = make_survey(org, program=program), make_survey(org, program=program)
    wave = make_wave(other)
    assert set(fields_of(api.get(survey_url(org, survey, "results/"), {"wave": wave.pk}))) == {"wave"}


def test_results_before_any_wave(org, program, api):
    survey = create(api, org, program, template="mid_program")
    body = api.get(survey_url(org, survey, "results/")).json()
    assert (body["wave"], body["waves"], body["visible"], body["responded"]) == (None, [], False, 0)
    assert body["hidden_reason"]


# --- answering ----------------------------------------------------------------------------


def test_a_participant_sees_their_wave_and_answers_it(org, program, api):
    person = participant(org, program, 1)
    survey = launched(api, org, program)
    wave = first_wave(survey)
    client = session_client(person.user)
    listed = client.get(api_url(org, "survey-waves/")).json()["results"]
    assert [(row["id"], row["answered"], row["is_open"]) for row in listed] == [(wave.pk, False, True)]
    detail = client.get(wave_url(org, wave)).json()
    assert detail["anonymous"] and "anonymous" in detail["notice"]
    assert [q["key"] for q in detail["questions"]][:2] == ["satisfaction", "nps"]

    response = answer(person, org, wave)
    assert response.status_code == 201, response.content
    assert response.json() == {
        "survey": survey.pk,
        "wave": wave.pk,
        "anonymous": True,
        "detail": "Thank you: your answers are in.",
    }
    stored = Response.objects.get(survey_envelope__wave=wave)
    assert stored.respondent is None
    assert stored.submitted_at == stored.updated_at and stored.submitted_at.time().isoformat() == "00:00:00"
    assert SurveyCompletion.objects.filter(wave=wave, person=person).exists()
    assert client.get(wave_url(org, wave)).json()["answered"] is True


def test_a_named_survey_says_so(org, program, api):
    person = participant(org, program, 1)
    survey = launched(api, org, program, anonymous=False)
    detail = session_client(person.user).get(wave_url(org, first_wave(survey))).json()
    assert detail["anonymous"] is False and detail["notice"] == "Your name is stored with your answers."
    response = answer(person, org, first_wave(survey))
    assert response.status_code == 201 and "id" not in response.json()
    assert Response.objects.get(survey_envelope__wave__survey=survey).respondent == person


def stored_rows():
    return Response.objects.count(), SurveyResponse.objects.count(), SurveyCompletion.objects.count()


def test_a_second_answer_is_refused(org, program, api):
    person = participant(org, program, 1)
    wave = first_wave(launched(api, org, program))
    assert answer(person, org, wave).status_code == 201
    before = stored_rows()
    assert set(fields_of(answer(person, org, wave))) == {"person"}
    assert stored_rows() == before


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**END_ANSWERS, "nps": "very likely"}, "answers.nps"),
        ({**END_ANSWERS, "nps": 11}, "answers.nps"),
        ({**END_ANSWERS, "mentor_again": "perhaps"}, "answers.mentor_again"),
        ({**END_ANSWERS, "skills_gained": "feedback, writing"}, "answers.skills_gained"),
        ({key: value for key, value in END_ANSWERS.items() if key != "satisfaction"}, "answers.satisfaction"),
        ({**END_ANSWERS, "shoe_size": 44}, "answers.shoe_size"),
    ],
)
def test_a_wrong_answer_is_refused_and_nothing_is_stored(org, program, api, answers, field):
    person = participant(org, program, 1)
    wave = first_wave(launched(api, org, program))
    assert field in fields_of(answer(person, org, wave, answers))
    assert stored_rows() == (0, 0, 0)
    assert answer(person, org, wave).status_code == 201, "a refusal leaves the person free to answer"


def test_answers_must_be_an_object(org, program, api):
    person = participant(org, program, 1)
    wave = first_wave(launched(api, org, program))
    response = session_client(person.user).post(wave_url(org, wave, "answer/"), {"answers": [4, 9]}, format="json")
    assert set(fields_of(response)) == {"answers"}


def test_a_closed_survey_refuses_answers(org, program, api):
    person = participant(org, program, 1)
    survey = launched(api, org, program)
    api.post(survey_url(org, survey, "end/"))
    assert set(fields_of(answer(person, org, first_wave(survey)))) == {"survey"}
    assert stored_rows() == (0, 0, 0)


def test_people_outside_the_audience_find_no_wave(org, program, api, member_of):
    """Whoever holds no invitation (outside the audience, not in the program, another
    organization's member) gets the 404 of a missing wave, and nothing is stored."""
    mentor = participant(org, program, 1, role="mentor")
    participant(org, program, 2, role="mentee")
    wave = first_wave(launched(api, org, program, audience="mentees"))
    outsider = member_of(org, Role.MEMBER)
    PersonFactory(organization=org, user=outsider, email=outsider.email)
    stranger = member_of(OrganizationFactory(slug="globex"), Role.OWNER)
    admin = member_of(org, Role.ADMIN)  # manages the survey, was not invited
    for user in (mentor.user, outsider, admin):
        client = session_client(user)
        for response in (
            client.get(wave_url(org, wave)),
            client.post(wave_url(org, wave, "answer/"), {"answers": END_ANSWERS}, format="json"),
        ):
            assert (response.status_code, response.json()) == (404, NOT_FOUND)
        assert client.get(api_url(org, "survey-waves/")).json()["results"] == []
    response = session_client(stranger).post(wave_url(org, wave, "answer/"), {"answers": END_ANSWERS}, format="json")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert stored_rows() == (0, 0, 0)


def test_an_api_token_answers_for_its_owner(org, program, api):
    person = participant(org, program, 1)
    wave = first_wave(launched(api, org, program))
    response = token_client(person.user, org).post(
        wave_url(org, wave, "answer/"), {"answers": END_ANSWERS}, format="json"
    )
    assert response.status_code == 201
    assert SurveyCompletion.objects.filter(wave=wave, person=person).exists()


# --- anonymity ----------------------------------------------------------------------------


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_no_api_answer_about_an_anonymous_survey_names_a_respondent(org, program, api, admin_user, member_of):
    people = [participant(org, program, n, department=("Sales", "Legal")[n % 2]) for n in range(1, 6)]
    survey = launched(api, org, program, reminder_days=[3])
    wave = first_wave(survey)
    texts = []
    for person in people:
        receipt = answer(person, org, wave)
        assert receipt.status_code == 201
        texts.append(receipt.content.decode())
        texts.append(session_client(person.user).get(api_url(org, "survey-waves/")).content.decode())
        texts.append(session_client(person.user).get(wave_url(org, wave)).content.decode())
    leader = session_client(member_of(org, Role.LEADER))
    for client in (api, session_client(admin_user), leader):
        texts.append(client.get(survey_url(org)).content.decode())
        for path in ("", "waves/", "results/"):
            texts.append(client.get(survey_url(org, survey, path)).content.decode())
        for dimension in ("role", "department", "level", "cohort"):
            response = client.get(survey_url(org, survey, "results/"), {"by": dimension, "wave": wave.pk})
            assert response.status_code == 200
            texts.append(response.content.decode())
    # The questionnaire API does not hand the survey's responses out either.
    questionnaire_url = api_url(org, f"questionnaires/{survey.questionnaire_id}/")
    texts.append(api.get(questionnaire_url).content.decode())
    texts.append(api.get(questionnaire_url + "responses/").content.decode())
    assert api.get(questionnaire_url + "responses/").json()["count"] == 0
    for response in Response.objects.filter(survey_envelope__wave=wave):
        assert api.get(f"{questionnaire_url}responses/{response.pk}/").json() == NOT_FOUND
    body = api.get(survey_url(org, survey, "results/"), {"by": "department"}).json()
    assert body["visible"] and body["responded"] == 5

    everything = "\n".join(texts)
    for person in people:
        for secret in (person.name, person.email, person.user.email, str(person.pk), str(person.user_id)):
            assert secret not in everything, secret
    for text in texts:
        keys = set(_keys(json.loads(text)))
        assert not keys & {"respondent", "response", "responses", "person", "email", "submitted_at"}, keys


def test_the_questionnaire_api_lists_intake_responses_but_never_survey_responses(org, program, api):
    questionnaire = make_questionnaire(org, kind="survey")
    intake = response_submit(
        organization=org, questionnaire=questionnaire, respondent=PersonFactory(organization=org), answers=VALID_ANSWERS
    )
    survey = make_survey(org, program=program)
    survey.questionnaire = questionnaire
    survey.save()
    (in_survey,) = add_responses(make_wave(survey), [{}])
    url = api_url(org, f"questionnaires/{questionnaire.pk}/responses/")
    assert [row["id"] for row in api.get(url).json()["results"]] == [intake.pk]
    assert api.get(f"{url}{intake.pk}/").status_code == 200
    response = api.get(f"{url}{in_survey.pk}/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
