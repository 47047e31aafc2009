"""A reviewer's probes of the surveys feature (issue 6), kept as regression tests.

Three families: anonymity (nothing outside the results' aggregates tells what one person
answered, or whether they answered), tenancy (another organization's survey, wave or answer is
a 404 like a missing one; a manager of another program and a leader change nothing), and bad
input (a closed wave, a second answer, someone outside the audience, a wrong answer, bad
settings: an error naming the field, and nothing stored).

Tests marked xfail(strict=True) prove a defect found in the review; each reason says where.
Run with a database of your own, e.g.
TANDEM_TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_reviewer2 \
    .venv/bin/pytest tests/surveys/test_review_surveys.py --create-db -p no:cacheprovider
"""

import re
import threading
import time as clock
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from organizations.models import Notification, Role, SentNotification
from programs.models import ProgramManager
from surveys import services
from surveys.models import (
    Response,
    SurveyCompletion,
    SurveyResponse,
    SurveyStatus,
    SurveyWave,
)
from surveys.services import surveys as survey_services
from tests.factories import OrganizationFactory
from tests.organizations.api_helpers import NOT_FOUND, api_url, error_of, session_client

from .survey_factories import ANSWERS, SURVEY_SPEC, add_responses, make_program, make_survey, make_wave
from .survey_fixtures import TODAY, build_world

pytestmark = pytest.mark.django_db

K = 3


@pytest.fixture
def org(db):
    # k = 3 keeps the data small; comments need 4.
    return OrganizationFactory(name="Acme", slug="acme", survey_min_responses=K, survey_min_text_responses=4)


@pytest.fixture
def world(org):
    return build_world(org)


def page(name, org, *args):
    return reverse(f"surveys:{name}", args=[org.slug, *args])


def launch(world, spec=SURVEY_SPEC, **fields):
    """A survey of the world's program asking `spec`, launched today: its wave is open and the
    audience (Mo, Ann, Ben, Cy, Dee) invited."""
    questionnaire = services.questionnaire_create_from_spec(organization=world.org, spec=spec)
    fields = {"title": "Review probe", "schedule": "date", "opens_on": TODAY, "reminder_days": [3], **fields}
    survey = services.survey_create(
        organization=world.org, program=world.program, questionnaire=questionnaire, **fields
    )
    survey = services.survey_launch(organization=world.org, survey=survey, today=TODAY)
    return survey, SurveyWave.objects.get(survey=survey, number=1)


def submit(world, wave, name, answers=None, **kwargs):
    return services.survey_answer_submit(
        organization=world.org,
        wave=wave,
        person=world[name],
        answers={"satisfaction": 4} if answers is None else answers,
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def stored_rows():
    return Response.objects.count(), SurveyResponse.objects.count(), SurveyCompletion.objects.count()


def program_manager(org, program, member_of):
    user = member_of(org, Role.MEMBER)
    ProgramManager.objects.create(organization=org, program=program, user=user)
    return user


def fields_of(response):
    assert response.status_code == 400, response.content
    return error_of(response)["fields"]


# --- anonymity --------------------------------------------------------------------------------


def test_the_builder_does_not_tell_which_choices_a_lone_respondent_picked(world, member_of, client_for):
    survey, wave = launch(world)
    submit(world, wave, "Ann", {"satisfaction": 4, "mentor_again": "maybe", "skills_gained": ["planning"]})
    manager = program_manager(world.org, world.program, member_of)
    client = client_for(manager)
    # The results say nothing: one answer is under k.
    body = session_client(manager).get(api_url(world.org, f"surveys/{survey.pk}/results/")).json()
    assert (body["responded"], body["visible"]) == (1, False)

    html = client.get(page("questionnaire-detail", world.org, survey.questionnaire_id)).content.decode()
    options = {label for question in SURVEY_SPEC["questions"] for _, label in question.get("choices", ())}
    assert all(label in html for label in options)
    verbs = {
        label: verb for verb, label in re.findall(r'aria-label="(Retire|Remove) ([^"]+)"', html) if label in options
    }
    # Every option reads alike (or offers no action at all, the questions being fixed), whatever
    # the one respondent chose.
    assert len(set(verbs.values())) <= 1, verbs
    badges = html.count('title="People have answered')
    assert badges in (0, len(SURVEY_SPEC["questions"])), badges
    questions = {q.key: q for q in survey.questionnaire.questions.all()}
    notes = {
        key: "Nobody has answered yet"
        in client.get(page("question-edit", world.org, survey.questionnaire_id, questions[key].pk)).content.decode()
        for key in ("satisfaction", "highlight")
    }
    assert notes["satisfaction"] == notes["highlight"], notes


def test_a_hidden_group_is_not_named(org, admin_user, client_for):
    """A hidden cell's label would tell that someone of that group answered (a department of one:
    that person). Quokka Audit (1) is hidden, and Marten Legal with it (the smaller of the two
    tied cells by label), so that 7 − 3 does not give Quokka back: neither is named anywhere."""
    survey = make_survey(org)
    wave = make_wave(survey, closed=True)  # closed: every answer counts (no steps of k)
    for department, n in (("Narwhal Ops", 3), ("Marten Legal", 3), ("Quokka Audit", 1)):
        add_responses(wave, [ANSWERS] * n, department=department)
    client = client_for(admin_user)
    results = page("survey-results", org, survey.pk) + "?by=department"
    html = client.get(results).content.decode()
    assert "Narwhal Ops" in html  # the breakdown is on the page
    outputs = {
        "page": html,
        "api": session_client(admin_user)
        .get(api_url(org, f"surveys/{survey.pk}/results/"), {"by": "department"})
        .content.decode(),
        "csv": client.get(page("survey-export", org, survey.pk, "csv") + "?by=department").content.decode(),
    }
    for hidden in ("Quokka Audit", "Marten Legal"):
        assert {name for name, text in outputs.items() if hidden in text} == set(), hidden


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's system columns")
@pytest.mark.django_db(transaction=True)
@pytest.mark.xfail(
    strict=True,
    reason="Known limit, stated in the docs: someone who reads the database directly is outside the "
    "anonymity guarantee. The completion and the anonymous response are written in one transaction (so a "
    "second answer can never slip in), so their transaction ids (xmin) are neighbours and a database "
    "reader can pair them. Pages, API, exports, emails and the Django admin cannot.",
)
def test_the_database_cannot_pair_a_completion_with_its_response(org):
    world = build_world(org)
    _, wave = launch(world)
    given = {"Ann": 1, "Ben": 2, "Cy": 5}
    for name, value in given.items():
        submit(world, wave, name, {"satisfaction": value})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person_id, xmin::text::bigint FROM {SurveyCompletion._meta.db_table} WHERE wave_id = %s",
            [wave.pk],
        )
        completions = cursor.fetchall()
        cursor.execute(f"SELECT id, xmin::text::bigint FROM {Response._meta.db_table}")
        responses = cursor.fetchall()
    value_of = dict(Response.objects.values_list("pk", "answers__number_value"))
    names = {world[name].pk: name for name in given}
    # Each completion with the first response written after it, as a curious reader would pair them.
    paired = {
        names[person_id]: int(value_of[min((row for row in responses if row[1] > xmin), key=lambda row: row[1])[0]])
        for person_id, xmin in completions
    }
    assert paired != given


def test_answering_tells_nobody(world, member_of):
    """No notification, email or in-app message goes out when someone answers."""
    _, wave = launch(world)
    program_manager(world.org, world.program, member_of)
    before = (Notification.objects.count(), SentNotification.objects.count(), len(mail.outbox))
    response = session_client(world["Ann"].user).post(
        api_url(world.org, f"survey-waves/{wave.pk}/answer/"), {"answers": {"satisfaction": 5}}, format="json"
    )
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"survey", "wave", "anonymous", "detail"}
    assert (Notification.objects.count(), SentNotification.objects.count(), len(mail.outbox)) == before


def test_who_has_answered_is_seen_only_by_themselves(world, client_for):
    _, wave = launch(world)
    submit(world, wave, "Ann")
    answered = {}
    for name in ("Ann", "Ben"):
        rows = session_client(world[name].user).get(api_url(world.org, "survey-waves/")).json()["results"]
        answered[name] = [row["answered"] for row in rows]
    assert answered == {"Ann": [True], "Ben": [False]}
    # Ben's own pages say nothing of Ann.
    for address in (page("mine", world.org), page("answer", world.org, wave.pk)):
        assert "Ann" not in client_for(world["Ben"].user).get(address).content.decode()


def test_an_anonymous_answer_keeps_no_person_and_only_the_day(world):
    _, wave = launch(world)
    response = submit(world, wave, "Ann")
    response.refresh_from_db()
    assert response.respondent_id is None
    assert response.submitted_at == response.updated_at == datetime.combine(TODAY, time.min, tzinfo=UTC)
    envelope = response.survey_envelope
    assert (envelope.submitted_on, envelope.role, envelope.department, envelope.level) == (
        TODAY,
        "mentee",
        "Sales",
        "Level 2",
    )


# --- tenancy ----------------------------------------------------------------------------------


def test_another_organizations_survey_wave_and_answers_are_missing(org, member_of, client_for):
    """An admin of another organization, using its own address and this organization's ids, gets
    exactly the 404 of a missing id, on every page and route, by every method; nothing changes."""
    survey = make_survey(org)
    wave = make_wave(survey)
    add_responses(wave, [ANSWERS] * K)
    other = OrganizationFactory(slug="globex")
    stranger = member_of(other, Role.ADMIN)
    missing = 987_654
    client, api = client_for(stranger), session_client(stranger)

    def pages(survey_pk, wave_pk, program_pk, questionnaire_pk):
        return [
            ("get", page("program-surveys", other, program_pk)),
            ("get", page("survey-create", other, program_pk)),
            ("get", page("survey-detail", other, survey_pk)),
            ("get", page("survey-edit", other, survey_pk)),
            ("post", page("survey-edit", other, survey_pk)),
            ("post", page("survey-launch", other, survey_pk)),
            ("post", page("survey-end", other, survey_pk)),
            ("get", page("survey-results", other, survey_pk)),
            ("get", page("survey-export", other, survey_pk, "csv")),
            ("get", page("survey-export", other, survey_pk, "xlsx")),
            ("get", page("answer", other, wave_pk)),
            ("post", page("answer", other, wave_pk)),
            ("get", page("answer-thanks", other, wave_pk)),
            ("get", page("questionnaire-detail", other, questionnaire_pk)),
            ("get", page("questionnaire-preview", other, questionnaire_pk)),
        ]

    def routes(survey_pk, wave_pk, questionnaire_pk):
        return [
            ("get", api_url(other, f"surveys/{survey_pk}/")),
            ("patch", api_url(other, f"surveys/{survey_pk}/")),
            ("post", api_url(other, f"surveys/{survey_pk}/launch/")),
            ("post", api_url(other, f"surveys/{survey_pk}/end/")),
            ("get", api_url(other, f"surveys/{survey_pk}/waves/")),
            ("get", api_url(other, f"surveys/{survey_pk}/results/")),
            ("get", api_url(other, f"survey-waves/{wave_pk}/")),
            ("post", api_url(other, f"survey-waves/{wave_pk}/answer/")),
            ("get", api_url(other, f"questionnaires/{questionnaire_pk}/responses/")),
        ]

    real = (survey.pk, wave.pk, survey.program_id, survey.questionnaire_id)
    for (method, address), (_, absent) in zip(pages(*real), pages(missing, missing, missing, missing), strict=True):
        assert getattr(client, method)(address).status_code == 404, address
        assert getattr(client, method)(absent).status_code == 404, absent
    real = (survey.pk, wave.pk, survey.questionnaire_id)
    for (method, address), (_, absent) in zip(routes(*real), routes(missing, missing, missing), strict=True):
        body = {"title": "Taken", "answers": ANSWERS}
        found, gone = (getattr(api, method)(url, body, format="json") for url in (address, absent))
        assert (found.status_code, found.json()) == (404, NOT_FOUND), address
        assert (gone.status_code, gone.json()) == (404, NOT_FOUND), absent
    # Their own survey's results refuse this organization's wave like a missing one.
    theirs = make_wave(make_survey(other))
    mine = page("survey-results", other, theirs.survey_id)
    assert client.get(f"{mine}?wave={wave.pk}").status_code == client.get(f"{mine}?wave={missing}").status_code == 404
    survey.refresh_from_db()
    assert (survey.title, survey.status, stored_rows()) == ("End of program", SurveyStatus.LIVE, (K, K, 0))


def test_a_manager_of_another_program_reaches_nothing_of_it(org, member_of, client_for):
    program_a, program_b = make_program(org, name="A"), make_program(org, name="B")
    theirs = make_survey(org, program=program_b)
    wave = make_wave(theirs)
    manager = program_manager(org, program_a, member_of)
    client, api = client_for(manager), session_client(manager)
    # The pages refuse, as every program page refuses a program one does not manage.
    for address in (
        page("program-surveys", org, program_b.pk),
        page("survey-create", org, program_b.pk),
        page("survey-detail", org, theirs.pk),
        page("survey-edit", org, theirs.pk),
        page("survey-results", org, theirs.pk),
        page("survey-export", org, theirs.pk, "csv"),
    ):
        assert client.get(address).status_code == 403, address
    for address in (page("survey-launch", org, theirs.pk), page("survey-end", org, theirs.pk)):
        assert client.post(address).status_code == 403, address
    # The builder and the API do not know the other program's survey or its questions.
    assert client.get(page("questionnaire-detail", org, theirs.questionnaire_id)).status_code == 404
    questionnaire = api_url(org, f"questionnaires/{theirs.questionnaire_id}/")
    assert api.get(questionnaire).status_code == 404
    assert api.patch(questionnaire, {"title": "Mine"}, format="json").status_code == 404
    for method, address in (
        ("get", api_url(org, f"surveys/{theirs.pk}/")),
        ("patch", api_url(org, f"surveys/{theirs.pk}/")),
        ("post", api_url(org, f"surveys/{theirs.pk}/end/")),
        ("get", api_url(org, f"surveys/{theirs.pk}/results/")),
        ("get", api_url(org, f"surveys/{theirs.pk}/waves/")),
    ):
        response = getattr(api, method)(address, {"title": "Mine"}, format="json")
        assert (response.status_code, response.json()) == (404, NOT_FOUND), address
    assert api.get(api_url(org, "surveys/")).json()["results"] == []
    # Nor can they start a survey in it, or around its questionnaire in their own program.
    create = api_url(org, "surveys/")
    response = api.post(create, {"program": program_b.pk, "template": "mid_program"}, format="json")
    assert response.status_code == 403, response.content
    response = api.post(
        create,
        {"program": program_a.pk, "questionnaire": theirs.questionnaire_id, "title": "Copycat", "opens_on": str(TODAY)},
        format="json",
    )
    assert set(fields_of(response)) == {"questionnaire"}
    theirs.refresh_from_db()
    assert (theirs.status, theirs.title, program_a.surveys.count(), wave.closed_at) == (
        SurveyStatus.LIVE,
        "End of program",
        0,
        None,
    )


def test_leaders_read_results_but_cannot_build_change_or_answer(org, member_of, client_for):
    survey = make_survey(org)
    wave = make_wave(survey)
    leader = member_of(org, Role.LEADER)
    client, api = client_for(leader), session_client(leader)
    assert client.get(page("survey-results", org, survey.pk)).status_code == 200
    assert api.get(api_url(org, f"surveys/{survey.pk}/results/")).status_code == 200
    for address in (page("survey-edit", org, survey.pk), page("questionnaire-detail", org, survey.questionnaire_id)):
        assert client.get(address).status_code == 403, address
    for address in (page("survey-edit", org, survey.pk), page("survey-end", org, survey.pk)):
        assert client.post(address, {"title": "Leader's"}).status_code == 403, address
    assert api.patch(api_url(org, f"surveys/{survey.pk}/"), {"title": "x"}, format="json").status_code == 403
    assert api.post(api_url(org, f"surveys/{survey.pk}/end/")).status_code == 403
    assert api.get(api_url(org, f"questionnaires/{survey.questionnaire_id}/")).status_code == 403
    # Not invited: the wave does not exist for them.
    assert client.get(page("answer", org, wave.pk)).status_code == 404
    response = api.post(api_url(org, f"survey-waves/{wave.pk}/answer/"), {"answers": ANSWERS}, format="json")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    survey.refresh_from_db()
    assert (survey.title, survey.status) == ("End of program", SurveyStatus.LIVE)


def test_someone_not_invited_finds_no_wave_exactly_like_a_missing_one(world, client_for):
    """Eve applied but was never approved, so she holds no invitation."""
    _, wave = launch(world)
    eve = world["Eve"].user
    client, api = client_for(eve), session_client(eve)
    for wave_pk in (wave.pk, 987_654):
        for address in (page("answer", world.org, wave_pk), page("answer-thanks", world.org, wave_pk)):
            assert client.get(address).status_code == 404
        assert client.post(page("answer", world.org, wave_pk), {"satisfaction": "4"}).status_code == 404
        for response in (
            api.get(api_url(world.org, f"survey-waves/{wave_pk}/")),
            api.post(api_url(world.org, f"survey-waves/{wave_pk}/answer/"), {"answers": {}}, format="json"),
        ):
            assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert stored_rows() == (0, 0, 0)


# --- bad input: answers -----------------------------------------------------------------------


def _closed_by_date(wave):
    return {"today": wave.closes_on + timedelta(days=1)}


def _not_open_yet(wave):
    return {"today": wave.opens_on - timedelta(days=1)}


def _closed_early(wave):
    SurveyWave.objects.filter(pk=wave.pk).update(closed_at=wave.opened_at)
    return {}


def _survey_ended(wave):
    wave.survey.__class__.objects.filter(pk=wave.survey_id).update(status=SurveyStatus.ENDED)
    return {}


def _never_opened(wave):
    SurveyWave.objects.filter(pk=wave.pk).update(opened_at=None)
    return {}


@pytest.mark.parametrize("close", [_closed_by_date, _not_open_yet, _closed_early, _survey_ended, _never_opened])
def test_an_answer_to_a_wave_that_is_not_open_is_refused_under_survey(world, close):
    _, wave = launch(world)
    kwargs = close(wave)
    with pytest.raises(ValidationError) as refused:
        submit(world, wave, "Ann", today=kwargs.get("today", TODAY))
    assert set(refused.value.message_dict) == {"survey"}
    assert stored_rows() == (0, 0, 0)


def test_the_answer_page_of_an_ended_survey_takes_nothing(world, client_for):
    survey, wave = launch(world)
    services.survey_end(organization=world.org, survey=survey)
    client = client_for(world["Ann"].user)
    response = client.post(page("answer", world.org, wave.pk), {"satisfaction": "4"})
    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()
    assert stored_rows() == (0, 0, 0)


def test_someone_outside_the_audience_is_refused_under_person(world):
    _, wave = launch(world)
    for name in ("Eve", "Fay", "Gus"):  # an applicant, no login, left the organization
        with pytest.raises(ValidationError) as refused:
            submit(world, wave, name)
        assert set(refused.value.message_dict) == {"person"}, name
    assert stored_rows() == (0, 0, 0)


def test_a_second_answer_is_refused_under_person_and_changes_nothing(world, client_for):
    _, wave = launch(world)
    submit(world, wave, "Ann", {"satisfaction": 2})
    with pytest.raises(ValidationError) as refused:
        submit(world, wave, "Ann", {"satisfaction": 5})
    assert set(refused.value.message_dict) == {"person"}
    # The page says it was already answered and stores nothing either.
    response = client_for(world["Ann"].user).post(page("answer", world.org, wave.pk), {"satisfaction": "5"})
    assert response.status_code == 200
    assert stored_rows() == (1, 1, 1)
    assert list(Response.objects.values_list("answers__number_value", flat=True)) == [2]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"satisfaction": "lots"}, "answers.satisfaction"),
        ({"satisfaction": 6}, "answers.satisfaction"),
        ({"satisfaction": 0}, "answers.satisfaction"),
        ({"satisfaction": 3.5}, "answers.satisfaction"),
        ({"hours": 41}, "answers.hours"),
        ({"hours": "three"}, "answers.hours"),
        ({"mentor_again": ["yes", "no"]}, "answers.mentor_again"),
        ({"mentor_again": "perhaps"}, "answers.mentor_again"),
        ({"skills_gained": ["speaking", "juggling"]}, "answers.skills_gained"),
        ({"highlight": {"text": "nested"}}, "answers.highlight"),
        ({"favourite_colour": "blue"}, "answers.favourite_colour"),
    ],
)
def test_a_wrong_answer_names_the_question_and_stores_nothing(world, answers, field):
    _, wave = launch(world)
    client = session_client(world["Ann"].user)
    address = api_url(world.org, f"survey-waves/{wave.pk}/answer/")
    assert field in fields_of(client.post(address, {"answers": answers}, format="json"))
    assert stored_rows() == (0, 0, 0)
    assert client.post(address, {"answers": {"satisfaction": 3}}, format="json").status_code == 201


def test_a_wrong_answer_on_the_page_shows_beside_the_question(world, client_for):
    _, wave = launch(world)
    response = client_for(world["Ann"].user).post(page("answer", world.org, wave.pk), {"satisfaction": "9"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert stored_rows() == (0, 0, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_at_the_same_moment_stores_one_answer(org, monkeypatch):
    """Two tabs post at once: both pass the checks before either has written, unless the
    invitation's row lock makes the second wait; then it finds the first's completion."""
    world = build_world(org)
    _, wave = launch(world)
    store = survey_services._response_submit

    def slowly(**kwargs):
        clock.sleep(0.3)
        return store(**kwargs)

    monkeypatch.setattr(survey_services, "_response_submit", slowly)
    start, outcomes = threading.Barrier(2), []

    def answer(value):
        try:
            start.wait()
            submit(world, wave, "Ann", {"satisfaction": value})
            outcomes.append("stored")
        except ValidationError as error:
            outcomes.append(sorted(error.message_dict))
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(value,)) for value in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str) == [["person"], "stored"]
    assert stored_rows() == (1, 1, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_making_a_survey_anonymous_during_the_first_answer_leaves_no_named_answer(org, monkeypatch):
    world = build_world(org)
    survey, wave = launch(world, anonymous=False)
    store, writing = survey_services._response_submit, threading.Event()

    def slowly(**kwargs):
        writing.set()  # the respondent has been decided: the survey was still named
        clock.sleep(0.5)
        return store(**kwargs)

    monkeypatch.setattr(survey_services, "_response_submit", slowly)
    outcomes = []

    def answer():
        try:
            submit(world, wave, "Ann")
            outcomes.append("answered")
        finally:
            connection.close()

    def make_anonymous():
        try:
            writing.wait(10)
            services.survey_update(organization=world.org, survey=survey, anonymous=True)
            outcomes.append("made anonymous")
        except ValidationError as error:
            outcomes.append(sorted(error.message_dict))
        finally:
            connection.close()

    threads = [threading.Thread(target=answer), threading.Thread(target=make_anonymous)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    survey.refresh_from_db()
    named = Response.objects.filter(respondent__isnull=False).exists()
    assert "answered" in outcomes
    assert not (survey.anonymous and named), outcomes


# --- bad input: settings ----------------------------------------------------------------------


def settings_of(survey):
    survey.refresh_from_db()
    return {name: getattr(survey, name) for name in services.SURVEY_FIELDS}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"schedule": "pulse", "pulse_weeks": 0, "open_days": 7}, "pulse_weeks"),
        ({"schedule": "pulse", "pulse_weeks": 27, "open_days": 7}, "pulse_weeks"),
        ({"schedule": "pulse", "pulse_weeks": None, "open_days": 7}, "pulse_weeks"),
        ({"schedule": "pulse", "pulse_weeks": 1, "open_days": 8}, "open_days"),
        ({"open_days": 0}, "open_days"),
        ({"open_days": 91}, "open_days"),
        ({"open_days": 14, "reminder_days": [0]}, "reminder_days"),
        ({"open_days": 14, "reminder_days": [14]}, "reminder_days"),
        ({"open_days": 14, "reminder_days": [-2]}, "reminder_days"),
        ({"open_days": 14, "reminder_days": [3, 3]}, "reminder_days"),
        ({"open_days": 1, "reminder_days": [1]}, "reminder_days"),
        ({"opens_on": "2026-02-30"}, "opens_on"),
        ({"opens_on": None}, "opens_on"),
        ({"schedule": "weekly"}, "schedule"),
        ({"audience": "everyone"}, "audience"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_settings_through_the_api_name_the_field_and_change_nothing(world, admin_user, changes, field):
    questionnaire = services.questionnaire_create_from_spec(organization=world.org, spec=SURVEY_SPEC)
    survey = services.survey_create(
        organization=world.org, program=world.program, questionnaire=questionnaire, title="Draft", opens_on=TODAY
    )
    before = settings_of(survey)
    response = session_client(admin_user).patch(api_url(world.org, f"surveys/{survey.pk}/"), changes, format="json")
    assert field in fields_of(response), response.content
    assert settings_of(survey) == before


def test_a_launch_whose_first_wave_has_passed_names_the_date_and_stays_a_draft(world):
    questionnaire = services.questionnaire_create_from_spec(organization=world.org, spec=SURVEY_SPEC)
    survey = services.survey_create(
        organization=world.org,
        program=world.program,
        questionnaire=questionnaire,
        title="Late",
        opens_on=TODAY - timedelta(days=20),
        open_days=7,
    )
    with pytest.raises(ValidationError) as refused:
        services.survey_launch(organization=world.org, survey=survey, today=TODAY)
    assert set(refused.value.message_dict) == {"opens_on"}
    survey.refresh_from_db()
    assert (survey.status, survey.waves.count()) == (SurveyStatus.DRAFT, 0)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"schedule": "pulse", "pulse_weeks": "0"}, "pulse_weeks"),
        ({"schedule": "pulse", "pulse_weeks": "27"}, "pulse_weeks"),
        ({"reminder_days": "0, 3"}, "reminder_days"),
        ({"reminder_days": "14"}, "reminder_days"),
        ({"reminder_days": "soon"}, "reminder_days"),
        ({"opens_on": "2026-02-30"}, "opens_on"),
    ],
)
def test_bad_settings_on_the_page_show_beside_the_field_and_change_nothing(world, member_of, client_for, form, field):
    questionnaire = services.questionnaire_create_from_spec(organization=world.org, spec=SURVEY_SPEC)
    survey = services.survey_create(
        organization=world.org, program=world.program, questionnaire=questionnaire, title="Draft", opens_on=TODAY
    )
    before = settings_of(survey)
    data = {"title": "Draft", "audience": "all", "schedule": "date", "opens_on": str(TODAY), "open_days": "14"}
    client = client_for(program_manager(world.org, world.program, member_of))
    response = client.post(page("survey-edit", world.org, survey.pk), {**data, **form})
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert settings_of(survey) == before


def test_anonymity_cannot_change_once_anyone_answered(world, admin_user, client_for):
    survey, wave = launch(world, anonymous=False)
    submit(world, wave, "Ann")
    response = session_client(admin_user).patch(
        api_url(world.org, f"surveys/{survey.pk}/"), {"anonymous": True}, format="json"
    )
    assert set(fields_of(response)) == {"anonymous"}
    with pytest.raises(ValidationError) as refused:
        services.survey_update(organization=world.org, survey=survey, anonymous=True)
    assert set(refused.value.message_dict) == {"anonymous"}
    # The page shows the field disabled and keeps the stored value whatever is posted.
    data = {"title": "Renamed", "anonymous": "on"}
    assert client_for(admin_user).post(page("survey-edit", world.org, survey.pk), data).status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.anonymous) == ("Renamed", False)
    assert Response.objects.get().respondent == world["Ann"]


def test_a_launched_anonymous_survey_stays_anonymous_before_anyone_answers(world, admin_user):
    survey, _ = launch(world)
    response = session_client(admin_user).patch(
        api_url(world.org, f"surveys/{survey.pk}/"), {"anonymous": False}, format="json"
    )
    assert set(fields_of(response)) == {"anonymous"}
    survey.refresh_from_db()
    assert survey.anonymous
