"""The survey pages: a program manager starts, schedules, launches and ends a survey and reads its
results; leaders read the organization's overview; a participant answers on a phone, once.

Data for the results comes straight from the models (survey_factories), as the answering service
leaves it; the answering pages go through the real service.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, ProgramManager
from surveys.models import Response, SurveyCompletion, SurveyResponse, SurveyStatus, SurveyWave
from surveys.selectors.results import OTHER_GROUPS, reason_other_groups
from tests.factories import OrganizationFactory, PersonFactory
from tests.mentorships.meeting_fixtures import linked_person

from .survey_factories import ANSWERS, add_responses, invite, make_program, make_survey, make_wave

pytestmark = pytest.mark.django_db

ANONYMOUS_PROMISE = (
    "Your answers are stored without your name. Results are shown only when at least 5 people have answered."
)
NAMED_PROMISE = "Your name is stored with your answers."


def url(name, org, *args):
    return reverse(f"surveys:{name}", args=[org.slug, *args])


def text(response):
    return response.content.decode()


def sets(n, **overrides):
    return [{**ANSWERS, **overrides} for _ in range(n)]


@pytest.fixture
def program(org):
    return make_program(org, name="Grow 2026")


@pytest.fixture
def survey(org, program):
    return make_survey(org, program=program)


@pytest.fixture
def wave(survey):
    return make_wave(survey)


@pytest.fixture
def manager(org, program, member_of):
    """A plain member who manages the program."""
    user = member_of(org, Role.MEMBER)
    ProgramManager.objects.create(organization=org, program=program, user=user)
    return user


@pytest.fixture
def manager_client(manager, client_for):
    return client_for(manager)


@pytest.fixture
def participant(org, program):
    """A member linked to their directory record, enrolled in the program as a mentee."""
    person = linked_person(org, "Pat Participant")
    Enrollment.objects.create(
        organization=org, program=program, person=person, role="mentee", status=EnrollmentStatus.APPROVED
    )
    return person


@pytest.fixture
def participant_client(participant, client_for):
    return client_for(participant.user)


# --- who may see what -------------------------------------------------------------------------


def manager_urls(org, program, survey, wave):
    return [
        url("program-surveys", org, program.pk),
        url("survey-create", org, program.pk),
        url("survey-detail", org, survey.pk),
        url("survey-edit", org, survey.pk),
        url("survey-results", org, survey.pk),
        url("survey-results", org, survey.pk) + f"?wave={wave.pk}",
        url("survey-export", org, survey.pk, "csv"),
    ]


def test_a_plain_member_is_refused_the_managers_pages(org, program, survey, wave, member_of, client_for):
    client = client_for(member_of(org, Role.MEMBER))
    for address in manager_urls(org, program, survey, wave):
        assert client.get(address).status_code == 403, address
    assert client.post(url("survey-launch", org, survey.pk)).status_code == 403
    assert client.post(url("survey-end", org, survey.pk)).status_code == 403
    assert client.get(url("overview", org)).status_code == 403
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.LIVE


def test_another_organization_sees_nothing(org, program, survey, wave, participant, member_of, client_for):
    other = OrganizationFactory(slug="globex")
    stranger = client_for(member_of(other, Role.OWNER))
    for address in manager_urls(other, program, survey, wave):
        assert stranger.get(address).status_code == 404, address
    assert stranger.post(url("survey-end", other, survey.pk)).status_code == 404
    assert stranger.get(url("answer", other, wave.pk)).status_code == 404
    # Signed in to their own organization, the ids of another one are missing too.
    assert stranger.get(url("survey-results", other, 999_999)).status_code == 404
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.LIVE


def test_a_manager_of_another_program_is_refused(org, survey, wave, member_of, client_for):
    user = member_of(org, Role.MEMBER)
    ProgramManager.objects.create(organization=org, program=make_program(org, name="Other"), user=user)
    assert client_for(user).get(url("survey-results", org, survey.pk)).status_code == 403


def test_leaders_read_the_overview_and_results_but_do_not_manage(org, program, survey, wave, member_of, client_for):
    leader = client_for(member_of(org, Role.LEADER))
    overview = leader.get(url("overview", org))
    assert overview.status_code == 200
    assert survey.title in text(overview)
    assert leader.get(url("survey-results", org, survey.pk)).status_code == 200
    assert leader.get(url("program-surveys", org, program.pk)).status_code == 403
    assert leader.post(url("survey-end", org, survey.pk)).status_code == 403


def test_the_program_page_links_to_its_surveys(org, program, manager_client):
    page = text(manager_client.get(reverse("programs:detail", args=[org.slug, program.pk])))
    assert url("program-surveys", org, program.pk) in page


# --- a manager's survey, from template to end ----------------------------------------------------


def test_a_manager_starts_a_survey_from_a_template_then_schedules_launches_and_ends_it(org, program, manager_client):
    start = manager_client.get(url("survey-create", org, program.pk))
    assert start.status_code == 200
    assert "End-of-program evaluation" in text(start)
    assert '<label for="id_title">' in text(start)

    created = manager_client.post(url("survey-create", org, program.pk), {"template": "end_of_program"})
    survey = program.surveys.get()
    assert created.status_code == 302 and created["Location"] == url("survey-edit", org, survey.pk)
    assert survey.status == SurveyStatus.DRAFT and survey.template_key == "end_of_program"
    assert survey.questionnaire.questions.filter(key="nps").exists()

    opens = timezone.localdate() - timedelta(days=1)
    form = {
        "title": "How was Grow 2026?",
        "intro": "Five minutes, please.",
        "audience": "all",
        "anonymous": "on",
        "schedule": "date",
        "opens_on": opens.isoformat(),
        "open_days": "10",
        "reminder_days": "3, 7",
    }
    saved = manager_client.post(url("survey-edit", org, survey.pk), form)
    assert saved.status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.schedule, survey.opens_on, survey.reminder_days) == (
        "How was Grow 2026?",
        "date",
        opens,
        [3, 7],
    )

    detail = text(manager_client.get(url("survey-detail", org, survey.pk)))
    assert "Launch the survey" in detail
    assert url("questionnaire-detail", org, survey.questionnaire_id) in detail

    assert manager_client.post(url("survey-launch", org, survey.pk)).status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.LIVE
    wave = SurveyWave.objects.get(survey=survey)
    assert wave.opened_at is not None  # it opened on launch: its day had come

    listing = text(manager_client.get(url("program-surveys", org, program.pk)))
    assert "How was Grow 2026?" in listing and "Scheduled" in listing

    assert manager_client.post(url("survey-end", org, survey.pk)).status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.ENDED
    # An ended survey's settings cannot change: the edit page sends back to the survey.
    assert manager_client.get(url("survey-edit", org, survey.pk)).status_code == 302


def test_a_blank_survey_needs_a_title_shown_beside_the_field(org, program, manager_client):
    page = manager_client.post(url("survey-create", org, program.pk), {"template": "blank"})
    assert page.status_code == 200
    assert "Give the blank survey a title." in text(page)
    assert 'aria-invalid="true"' in text(page)
    assert not program.surveys.exists()
    manager_client.post(url("survey-create", org, program.pk), {"template": "blank", "title": "Quick check"})
    assert program.surveys.get().title == "Quick check"


def test_the_services_refusals_show_beside_the_fields(org, program, manager_client):
    manager_client.post(url("survey-create", org, program.pk), {"template": "blank", "title": "Quick check"})
    survey = program.surveys.get()
    form = {
        "title": "Quick check",
        "audience": "all",
        "schedule": "date",
        "opens_on": timezone.localdate().isoformat(),
        "open_days": "5",
        "reminder_days": "9",
    }
    page = manager_client.post(url("survey-edit", org, survey.pk), form)
    assert page.status_code == 200
    body = text(page)
    assert "Remind between day 1 and day 4" in body
    assert 'id="id_reminder_days_error"' in body
    survey.refresh_from_db()
    assert survey.reminder_days == []


def test_a_launched_survey_locks_its_schedule_and_a_survey_with_answers_its_anonymity(
    org, survey, wave, manager_client
):
    add_responses(wave, sets(1))
    page = text(manager_client.get(url("survey-edit", org, survey.pk)))
    assert 'name="schedule"' in page and "Fixed at launch" in page
    assert "Locked: people have answered under this promise." in page
    # A crafted post cannot take the anonymity away: the field is disabled, its value kept.
    form = {"title": "Renamed", "audience": "mentees", "schedule": "pulse", "open_days": "3"}
    assert manager_client.post(url("survey-edit", org, survey.pk), form).status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.anonymous, survey.audience) == ("Renamed", True, "all")


def test_launch_refused_says_why(org, program, manager_client):
    manager_client.post(url("survey-create", org, program.pk), {"template": "blank", "title": "Empty"})
    survey = program.surveys.get()
    page = manager_client.post(url("survey-launch", org, survey.pk), follow=True)
    assert "Add at least one question before launching the survey." in text(page)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT


# --- answering ---------------------------------------------------------------------------------


def test_someone_without_an_invitation_gets_404(org, wave, participant_client, participant, member_of, client_for):
    assert participant_client.get(url("answer", org, wave.pk)).status_code == 404
    assert participant_client.post(url("answer", org, wave.pk), {"satisfaction": "4"}).status_code == 404
    assert participant_client.get(url("answer-thanks", org, wave.pk)).status_code == 404
    # A member with no directory record, and a wave that does not exist, look the same.
    assert client_for(member_of(org, Role.ADMIN)).get(url("answer", org, wave.pk)).status_code == 404
    invite(wave, [participant])
    assert participant_client.get(url("answer", org, 999_999)).status_code == 404
    assert not Response.objects.exists()


def test_a_participant_answers_an_anonymous_survey_once(org, survey, wave, participant, participant_client):
    invite(wave, [participant])
    address = url("answer", org, wave.pk)

    first = text(participant_client.get(address))
    assert ANONYMOUS_PROMISE in first
    assert NAMED_PROMISE not in first
    assert "program managers" in first and wave.closes_on.strftime("%Y") in first
    assert "?step=questions" in first

    questions = text(participant_client.get(address + "?step=questions"))
    assert "<legend>How satisfied are you with the program?" in questions
    assert '<label for="id_hours">' in questions

    # A wrong answer: the error sits beside its field and nothing is stored.
    refused = participant_client.post(address, {**ANSWERS, "skills_gained": ["speaking"], "hours": "99"})
    assert refused.status_code == 200
    assert 'id="id_hours_error"' in text(refused)
    assert not Response.objects.exists() and not SurveyCompletion.objects.exists()

    done = participant_client.post(address, {**ANSWERS, "skills_gained": ["speaking", "feedback"]})
    assert done.status_code == 302 and done["Location"] == url("answer-thanks", org, wave.pk)
    response = Response.objects.get()
    assert response.respondent is None
    assert SurveyResponse.objects.get().wave == wave
    thanks = text(participant_client.get(done["Location"]))
    assert "Thank you" in thanks and ANONYMOUS_PROMISE in thanks

    again = text(participant_client.get(address))
    assert "You have already answered" in again
    assert "You have already answered" in text(participant_client.post(address, ANSWERS))
    assert Response.objects.count() == 1


def test_a_named_survey_says_so_on_its_first_screen(org, program, participant, participant_client):
    survey = make_survey(org, program=program, anonymous=False)
    wave = make_wave(survey)
    invite(wave, [participant])
    first = text(participant_client.get(url("answer", org, wave.pk)))
    assert NAMED_PROMISE in first and "stored without your name" not in first
    participant_client.post(url("answer", org, wave.pk), ANSWERS)
    assert Response.objects.get().respondent == participant


def test_a_closed_wave_says_so_and_takes_no_answer(org, survey, participant, participant_client):
    wave = make_wave(survey, opens_on=timezone.localdate() - timedelta(days=20), days=7)
    invite(wave, [participant])
    assert "This survey has closed" in text(participant_client.get(url("answer", org, wave.pk)))
    assert "This survey has closed" in text(participant_client.post(url("answer", org, wave.pk), ANSWERS))
    assert not Response.objects.exists()


def test_your_surveys_and_your_programs_list_what_to_answer(org, survey, wave, participant, participant_client):
    invite(wave, [participant])
    mine = text(participant_client.get(url("mine", org)))
    assert survey.title in mine and url("answer", org, wave.pk) in mine
    programs = text(participant_client.get(reverse("programs:my-enrollments", args=[org.slug])))
    assert "Surveys to answer" in programs and url("answer", org, wave.pk) in programs

    participant_client.post(url("answer", org, wave.pk), ANSWERS)
    programs = text(participant_client.get(reverse("programs:my-enrollments", args=[org.slug])))
    assert "Surveys to answer" not in programs
    assert "Answered" in text(participant_client.get(url("mine", org)))


# --- results -----------------------------------------------------------------------------------


def test_results_under_k_show_the_counts_and_why_the_rest_is_hidden(org, survey, wave, manager_client, participant):
    invite(wave, [participant])
    add_responses(wave, sets(3))
    page = text(manager_client.get(url("survey-results", org, survey.pk)))
    assert "Shown when at least 5 people have answered — 3 so far" in page
    assert "Learning to listen." not in page
    assert "<canvas" not in page


def test_results_at_k_show_charts_tables_and_a_breakdown(org, survey, manager_client):
    wave = make_wave(survey, closed=True)  # every response counts
    add_responses(wave, sets(6, satisfaction=5), department="Sales")
    add_responses(wave, sets(2, satisfaction=1), department="Legal")
    page = manager_client.get(url("survey-results", org, survey.pk) + "?by=department")
    assert page.status_code == 200
    body = text(page)
    assert 'id="survey-chart-data"' in body and 'data-chart-key="satisfaction"' in body
    assert '<th scope="row">Public speaking</th>' in body
    assert "Net Promoter Score" in body
    # Legal (2) is under k, and Sales could then be subtracted back out of the total: both hidden,
    # in one row that names neither (a name beside "hidden" would tell someone there answered).
    assert "By department" in body
    assert body.count('<tr class="is-hidden">') == 1
    assert f'<th scope="row">{OTHER_GROUPS}<small class="muted">{reason_other_groups(5)}</small></th>' in body
    assert "Legal" not in body and "Sales" not in body
    # Eight free-text answers are under the bar of ten.
    assert "Written answers are shown when at least 10 people have written one — 8 so far." in body
    assert "Learning to listen." not in body
    assert "results move in steps" not in body  # a closed wave counts every answer


def test_an_open_anonymous_waves_results_say_they_count_whole_steps_of_k(
    org, survey, wave, manager_client, member_of, client_for
):
    invite(wave, PersonFactory.create_batch(10, organization=org))
    add_responses(wave, sets(5, satisfaction=2) + sets(2, satisfaction=5))
    body = text(manager_client.get(url("survey-results", org, survey.pk)))
    assert "<article><strong>7</strong><span>answered</span></article>" in body
    assert (
        "7 people have answered. While the survey is open, results move in steps of 5 answers, so no single "
        "answer can be read from a change: they include the first 5 now, and every answer once it closes."
    ) in body
    assert "5 answers</p>" in body and "7 answers</p>" not in body  # each question counts the first five
    overview = text(client_for(member_of(org, Role.LEADER)).get(url("overview", org)))
    assert "7 of 10" in overview and "figures from the first 5 until it closes" in overview


def test_a_second_wave_shows_the_change(org, survey, manager_client):
    first = make_wave(survey, opens_on=timezone.localdate() - timedelta(days=60), closed=True)
    second = make_wave(survey)
    add_responses(first, sets(5, satisfaction=3))
    add_responses(second, sets(5, satisfaction=4))
    page = text(manager_client.get(url("survey-results", org, survey.pk)))
    assert "Change since wave 1" in page and "+1.00" in page
    older = text(manager_client.get(url("survey-results", org, survey.pk) + f"?wave={first.pk}"))
    assert "Change since" not in older


def test_an_unknown_or_foreign_wave_is_a_404(org, survey, wave, manager_client, program):
    other_wave = make_wave(make_survey(org, program=program))
    foreign_wave = make_wave(make_survey(OrganizationFactory(slug="globex")))
    for wave_id in (other_wave.pk, foreign_wave.pk, 999_999, "x"):
        assert manager_client.get(url("survey-results", org, survey.pk) + f"?wave={wave_id}").status_code == 404
        assert manager_client.get(url("survey-export", org, survey.pk, "csv") + f"?wave={wave_id}").status_code == 404


def test_exports_download_the_same_tables(org, survey, wave, manager_client):
    add_responses(wave, sets(5))
    csv = manager_client.get(url("survey-export", org, survey.pk, "csv") + "?by=role")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert 'filename="end-of-program-wave-1-by-role.csv"' in csv["Content-Disposition"]
    xlsx = manager_client.get(url("survey-export", org, survey.pk, "xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert manager_client.get(url("survey-export", org, survey.pk, "pdf")).status_code == 404


def test_results_never_name_a_respondent_of_a_named_survey(org, program, participant, manager_client):
    survey = make_survey(org, program=program, anonymous=False)
    wave = make_wave(survey)
    add_responses(wave, sets(6), respondent=participant)
    page = text(manager_client.get(url("survey-results", org, survey.pk)))
    assert participant.name not in page and participant.email not in page
    csv = manager_client.get(url("survey-export", org, survey.pk, "csv")).content.decode()
    assert participant.name not in csv


# --- bounded queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("responses", [5, 60])
def test_the_results_page_runs_a_fixed_number_of_queries(
    org, survey, wave, manager_client, django_assert_max_num_queries, responses
):
    add_responses(wave, sets(responses // 2), department="Sales", role="mentor")
    add_responses(wave, sets(responses - responses // 2), department="Legal", role="mentee")
    # Eighteen: one of them finds the open wave's m-th response, where its step of k ends.
    with django_assert_max_num_queries(18):
        assert manager_client.get(url("survey-results", org, survey.pk) + "?by=department").status_code == 200


@pytest.mark.parametrize("surveys", [1, 8])
def test_the_lists_run_a_fixed_number_of_queries(
    org, program, manager_client, django_assert_max_num_queries, surveys, member_of, client_for
):
    for i in range(surveys):
        add_responses(make_wave(make_survey(org, program=program, title=f"Survey {i}")), sets(5))
    with django_assert_max_num_queries(12):
        assert manager_client.get(url("program-surveys", org, program.pk)).status_code == 200
    leader = client_for(member_of(org, Role.LEADER))
    # The overview takes one more: the m-th response of every open wave, where its step ends.
    with django_assert_max_num_queries(13):
        assert leader.get(url("overview", org)).status_code == 200
