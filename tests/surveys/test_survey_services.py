"""Survey services: templates, validation, launching and ending, the audience, and answering
(with anonymity kept and every bad input refused with nothing stored)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programs.models import Enrollment, MentoringModel, Program
from surveys import services
from surveys.catalog import NPS_TEXT, SURVEY_TEMPLATES
from surveys.models import (
    Answer,
    Questionnaire,
    Response,
    Survey,
    SurveyCompletion,
    SurveyInvitation,
    SurveyResponse,
    SurveyStatus,
    SurveyWave,
)

from ..factories import OrganizationFactory
from .helpers import make_questionnaire
from .survey_fixtures import (  # noqa: F401 (world_fixture is the `world` fixture)
    GOOD_ANSWERS,
    INVITABLE,
    TODAY,
    build_world,
    invited_names,
    launched,
    make_survey,
    world_fixture,
)

pytestmark = pytest.mark.django_db


def errors_of(caught) -> dict:
    return caught.value.message_dict


def stored():
    """Everything an answer writes, counted: an error must leave all of it unchanged."""
    return (
        Response.objects.count(),
        Answer.objects.count(),
        SurveyResponse.objects.count(),
        SurveyCompletion.objects.count(),
    )


def answer(world, survey, name, answers=GOOD_ANSWERS, today=TODAY):
    wave = survey.waves.get(number=1)
    return services.survey_answer_submit(
        organization=world.org, wave=wave, person=world[name], answers=answers, today=today
    )


# --- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(SURVEY_TEMPLATES))
def test_every_template_makes_a_draft_survey_with_its_questions(world, key):
    survey = services.survey_create_from_template(organization=world.org, program=world.program, template_key=key)
    template = SURVEY_TEMPLATES[key]
    assert survey.status == SurveyStatus.DRAFT
    assert survey.template_key == key
    assert survey.title == template["title"]
    assert survey.schedule == template["schedule"]
    assert survey.anonymous is True
    assert survey.questionnaire.kind == Questionnaire.Kind.SURVEY
    keys = list(survey.questionnaire.questions.order_by("order").values_list("key", flat=True))
    assert keys == [q["key"] for q in template["questionnaire"]["questions"]]
    # The survey can be launched as it comes.
    services.survey_launch(organization=world.org, survey=survey, today=world.program.start_date)


def test_the_shared_question_keys_mean_the_same_in_every_template(world):
    shapes = {}
    for key in SURVEY_TEMPLATES:
        survey = services.survey_create_from_template(organization=world.org, program=world.program, template_key=key)
        for q in survey.questionnaire.questions.all():
            values = tuple(q.choices.values_list("value", flat=True))
            shapes.setdefault(q.key, set()).add((q.type, q.min_value, q.max_value, values))
    assert shapes["satisfaction"] == {("scale", 1, 5, ())}
    assert shapes["nps"] == {("scale", 0, 10, ())}
    assert shapes["goal_attainment"] == {("scale", 1, 5, ())}
    assert {shape[:1] + shape[3:] for shape in shapes["mentor_again"]} == {("single", ("yes", "maybe", "no"))}
    assert len(shapes["meeting_frequency"]) == 1
    assert len(shapes["skills_gained"]) == 1
    assert {shape[0] for shape in shapes["highlight"] | shapes["improve"]} == {"long_text"}


def test_the_end_of_program_evaluation_asks_the_nps_question(world):
    survey = services.survey_create_from_template(
        organization=world.org, program=world.program, template_key="end_of_program"
    )
    assert survey.questionnaire.questions.get(key="nps").text == NPS_TEXT
    assert "colleague" in NPS_TEXT


def test_the_first_month_pulse_opens_a_month_in_and_repeats(world):
    survey = services.survey_create_from_template(
        organization=world.org, program=world.program, template_key="first_month_pulse"
    )
    assert survey.opens_on == world.program.start_date + timedelta(days=28)
    assert survey.pulse_weeks == 4


def test_overrides_change_a_templates_fields(world):
    survey = services.survey_create_from_template(
        organization=world.org,
        program=world.program,
        template_key="mid_program",
        title="Halfway",
        audience="mentees",
        anonymous=False,
    )
    assert (survey.title, survey.audience, survey.anonymous) == ("Halfway", "mentees", False)
    assert survey.questionnaire.title == "Halfway"


def test_an_unknown_template_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.survey_create_from_template(organization=world.org, program=world.program, template_key="nope")
    assert "template_key" in errors_of(caught)


def test_a_template_needing_program_dates_is_refused_without_them_and_leaves_nothing(org):
    program = Program.objects.create(organization=org, name="Undated")
    with pytest.raises(ValidationError) as caught:
        services.survey_create_from_template(organization=org, program=program, template_key="end_of_program")
    assert "schedule" in errors_of(caught)
    assert not Questionnaire.objects.exists()
    assert not Survey.objects.exists()


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"schedule": "pulse", "pulse_weeks": None}, "pulse_weeks"),
        ({"schedule": "pulse", "pulse_weeks": 0}, "pulse_weeks"),
        ({"schedule": "pulse", "pulse_weeks": 27}, "pulse_weeks"),
        ({"schedule": "pulse", "pulse_weeks": 1, "open_days": 8, "reminder_days": []}, "open_days"),
        ({"schedule": "date", "opens_on": None}, "opens_on"),
        ({"opens_on": "next tuesday"}, "opens_on"),
        ({"schedule": "weekly"}, "schedule"),
        ({"open_days": 0, "reminder_days": []}, "open_days"),
        ({"open_days": 91}, "open_days"),
        ({"open_days": "ten"}, "open_days"),
        ({"open_days": 2.5}, "open_days"),
        ({"open_days": 14, "reminder_days": [0]}, "reminder_days"),
        ({"open_days": 14, "reminder_days": [14]}, "reminder_days"),
        ({"open_days": 14, "reminder_days": [3, 3]}, "reminder_days"),
        ({"open_days": 14, "reminder_days": ["soon"]}, "reminder_days"),
        ({"open_days": 14, "reminder_days": [True]}, "reminder_days"),
        ({"open_days": 1, "reminder_days": [1]}, "reminder_days"),
        ({"audience": "bosses"}, "audience"),
        ({"audience": "peers"}, "audience"),  # a one-on-one program has no peers
    ],
)
def test_bad_fields_are_refused_by_name_and_nothing_is_created(world, fields, field):
    before = Survey.objects.count()
    with pytest.raises(ValidationError) as caught:
        make_survey(world, **fields)
    assert field in errors_of(caught)
    assert Survey.objects.count() == before


@pytest.mark.parametrize("schedule", ["midpoint", "end"])
def test_midpoint_and_end_need_the_programs_dates(org, schedule):
    world = build_world(org)
    Program.objects.filter(pk=world.program.pk).update(end_date=None)
    world.program.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        make_survey(world, schedule=schedule)
    assert "schedule" in errors_of(caught)


def test_a_peer_program_accepts_a_peer_audience_but_not_mentors(org):
    world = build_world(org)
    Program.objects.filter(pk=world.program.pk).update(model=MentoringModel.PEER_CIRCLES)
    world.program.refresh_from_db()
    assert make_survey(world, audience="peers").audience == "peers"
    with pytest.raises(ValidationError) as caught:
        make_survey(world, audience="mentors")
    assert "audience" in errors_of(caught)


def test_reminder_days_are_read_from_text_and_sorted(world):
    assert make_survey(world, reminder_days="7, 3").reminder_days == [3, 7]
    assert make_survey(world, reminder_days="").reminder_days == []


def test_a_non_pulse_survey_keeps_no_pulse_weeks(world):
    assert make_survey(world, pulse_weeks=4).pulse_weeks is None


def test_an_intake_form_cannot_be_a_surveys_questionnaire(world):
    intake = make_questionnaire(world.org)
    with pytest.raises(ValidationError) as caught:
        services.survey_create(organization=world.org, program=world.program, questionnaire=intake, title="T")
    assert "questionnaire" in errors_of(caught)


def test_a_blank_survey_gets_a_fresh_survey_questionnaire(world):
    survey = services.survey_create(
        organization=world.org, program=world.program, title="Blank", schedule="date", opens_on=TODAY
    )
    assert survey.questionnaire.kind == Questionnaire.Kind.SURVEY
    assert survey.questionnaire.title == "Blank"
    with pytest.raises(ValidationError) as caught:
        services.survey_launch(organization=world.org, survey=survey, today=TODAY)
    assert "questionnaire" in errors_of(caught)


def test_another_organizations_program_is_refused(world):
    other = build_world(OrganizationFactory(slug="globex"))
    with pytest.raises(PermissionDenied):
        services.survey_create(organization=world.org, program=other.program, title="T", opens_on=TODAY)


def test_unknown_fields_are_a_programming_error(world):
    survey = make_survey(world)
    with pytest.raises(TypeError):
        services.survey_update(organization=world.org, survey=survey, status="live")


# --- updating ---------------------------------------------------------------------------------


def test_a_draft_changes_freely(world):
    survey = make_survey(world)
    survey = services.survey_update(
        organization=world.org, survey=survey, schedule="pulse", pulse_weeks=2, open_days=7, reminder_days=[2]
    )
    assert (survey.schedule, survey.pulse_weeks, survey.open_days) == ("pulse", 2, 7)
    with pytest.raises(ValidationError) as caught:
        services.survey_update(organization=world.org, survey=survey, open_days=20)
    assert "open_days" in errors_of(caught)  # longer than a 2-week pulse
    survey.refresh_from_db()
    assert survey.open_days == 7


def test_a_launched_survey_keeps_its_schedule_and_audience_but_may_be_renamed(world):
    survey = launched(world)
    for fields in ({"audience": "mentors"}, {"open_days": 10}, {"opens_on": TODAY + timedelta(days=1)}):
        with pytest.raises(ValidationError) as caught:
            services.survey_update(organization=world.org, survey=survey, **fields)
        assert set(errors_of(caught)) == set(fields)
    survey = services.survey_update(
        organization=world.org,
        survey=survey,
        title="How is it going, really?",
        intro="Five minutes.",
        # A form posting the unchanged schedule back is fine.
        audience="all",
        opens_on=TODAY.isoformat(),
        open_days="14",
        reminder_days="3",
        pulse_weeks="",
    )
    assert (survey.title, survey.intro) == ("How is it going, really?", "Five minutes.")


def test_anonymity_cannot_change_once_someone_has_answered(world):
    survey = launched(world, anonymous=False)
    answer(world, survey, "Mo")
    with pytest.raises(ValidationError) as caught:
        services.survey_update(organization=world.org, survey=survey, anonymous=True)
    assert "anonymous" in errors_of(caught)
    survey.refresh_from_db()
    assert survey.anonymous is False


def test_a_launched_anonymous_survey_never_stops_being_anonymous(world):
    survey = launched(world)
    with pytest.raises(ValidationError) as caught:
        services.survey_update(organization=world.org, survey=survey, anonymous=False)
    assert "anonymous" in errors_of(caught)


def test_anonymity_is_settled_at_launch_either_way(world):
    # The invitations said whether answers carry names; an answer may be on its way meanwhile.
    for anonymous in (False, True):
        survey = launched(world, anonymous=anonymous)
        with pytest.raises(ValidationError) as error:
            services.survey_update(organization=world.org, survey=survey, anonymous=not anonymous)
        assert "cannot change now" in error.value.message_dict["anonymous"][0]
        survey.refresh_from_db()
        assert survey.anonymous is anonymous


# --- launching, the audience, ending ----------------------------------------------------------


def test_launching_on_the_opening_day_opens_the_first_wave_for_the_audience(world):
    survey = launched(world)
    assert survey.status == SurveyStatus.LIVE
    wave = survey.waves.get()
    assert (wave.number, wave.opens_on, wave.closes_on) == (1, TODAY, TODAY + timedelta(days=13))
    assert wave.opened_at is not None
    # Not the applicant (Eve), not the person without a login (Fay), not the one who left (Gus).
    assert invited_names(wave) == INVITABLE
    assert dict(wave.invitations.values_list("person__name", "role"))["Mo"] == "mentor"


def test_launching_before_the_opening_day_only_plans_the_wave(world):
    survey = launched(world, opens_on=TODAY + timedelta(days=5))
    wave = survey.waves.get()
    assert wave.opens_on == TODAY + timedelta(days=5)
    assert wave.opened_at is None
    assert not wave.invitations.exists()


def test_a_midpoint_survey_opens_halfway_through_the_program(world):
    survey = launched(world, schedule="midpoint", today=world.program.start_date)
    start, end = world.program.start_date, world.program.end_date
    assert survey.waves.get().opens_on == start + (end - start) // 2


def test_a_survey_whose_wave_has_passed_cannot_launch(world):
    with pytest.raises(ValidationError) as caught:
        launched(world, opens_on=TODAY - timedelta(days=20))
    assert "opens_on" in errors_of(caught)
    assert not SurveyWave.objects.exists()


def test_a_pulse_launched_late_joins_its_next_period(world):
    survey = launched(
        world, schedule="pulse", pulse_weeks=2, open_days=3, reminder_days=[], opens_on=TODAY - timedelta(days=20)
    )
    wave = survey.waves.get()
    assert wave.opens_on == TODAY - timedelta(days=20) + timedelta(weeks=2) * 2  # the first period still to come


def test_launching_twice_is_refused(world):
    survey = launched(world)
    with pytest.raises(ValidationError) as caught:
        services.survey_launch(organization=world.org, survey=survey, today=TODAY)
    assert "survey" in errors_of(caught)
    assert survey.waves.count() == 1


def test_an_audience_of_mentors_invites_only_mentors(world):
    assert invited_names(launched(world, audience="mentors").waves.get()) == {"Mo", "Ben"}


def test_active_pairs_only_leaves_out_paused_and_unmatched_people(world):
    assert invited_names(launched(world, active_pairs_only=True).waves.get()) == {"Mo", "Ann"}


def test_the_audience_is_the_approved_enrollments(world):
    survey = make_survey(world)
    names = set(services.survey_audience(organization=world.org, survey=survey).values_list("person__name", flat=True))
    assert names == INVITABLE | {"Fay"}  # Fay is in the audience, but has no login to be invited with


def test_opening_a_wave_twice_changes_nothing(world):
    survey = launched(world)
    wave = survey.waves.get()
    opened_at = wave.opened_at
    assert services.wave_open(organization=world.org, wave=wave) == len(INVITABLE)
    wave.refresh_from_db()
    assert wave.opened_at == opened_at
    assert wave.invitations.count() == len(INVITABLE)


def test_ending_closes_the_open_wave(world):
    survey = services.survey_end(organization=world.org, survey=launched(world))
    assert survey.status == SurveyStatus.ENDED
    assert survey.waves.get().closed_at is not None
    assert services.survey_end(organization=world.org, survey=survey).status == SurveyStatus.ENDED


def test_a_draft_cannot_end(world):
    with pytest.raises(ValidationError):
        services.survey_end(organization=world.org, survey=make_survey(world))


# --- answering --------------------------------------------------------------------------------


def test_an_anonymous_answer_holds_no_person_and_only_the_day(world):
    survey = launched(world)
    Enrollment.objects.filter(pk=world.enrollments["Ann"].pk).update(created_at=datetime(2026, 8, 15, 12, tzinfo=UTC))
    response = answer(world, survey, "Ann", today=TODAY + timedelta(days=2))
    response.refresh_from_db()
    midnight = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC) + timedelta(days=2)
    assert response.respondent_id is None
    assert response.submitted_at == midnight
    assert response.updated_at == midnight
    envelope = SurveyResponse.objects.get(pk=response.pk)
    assert envelope.wave_id == survey.waves.get().pk
    assert envelope.submitted_on == TODAY + timedelta(days=2)
    assert (envelope.role, envelope.department, envelope.level, envelope.cohort) == (
        "mentee",
        "Sales",
        "Level 2",
        "2026 Q3",
    )
    # The envelope has no field that could name a person, an enrollment or a finer time.
    names = {f.name for f in SurveyResponse._meta.get_fields()}
    assert names == {"organization", "response", "wave", "submitted_on", "role", "department", "level", "cohort"}
    assert SurveyCompletion.objects.filter(person=world["Ann"]).count() == 1
    assert (
        dict(Answer.objects.filter(response=response).values_list("question__key", "number_value"))["satisfaction"] == 4
    )


def test_a_named_answer_stores_the_respondent(world):
    survey = launched(world, anonymous=False)
    response = answer(world, survey, "Mo")
    assert response.respondent == world["Mo"]
    assert SurveyResponse.objects.get(pk=response.pk).role == "mentor"


def test_a_person_without_a_level_has_an_empty_level(world):
    survey = launched(world)
    world["Mo"].level = None
    world["Mo"].save()
    response = answer(world, survey, "Mo")
    assert SurveyResponse.objects.get(pk=response.pk).level == ""


def refused(world, survey, name, field, answers=GOOD_ANSWERS, today=TODAY):
    before = stored()
    with pytest.raises(ValidationError) as caught:
        answer(world, survey, name, answers=answers, today=today)
    assert field in errors_of(caught), errors_of(caught)
    assert stored() == before
    return errors_of(caught)[field][0]


def test_an_answer_to_an_ended_survey_is_refused(world):
    survey = launched(world)
    services.survey_end(organization=world.org, survey=survey)
    assert "closed" in refused(world, survey, "Mo", "survey")


def test_an_answer_after_the_last_day_is_refused(world):
    survey = launched(world)
    assert "closed" in refused(world, survey, "Mo", "survey", today=TODAY + timedelta(days=14))
    answer(world, survey, "Mo", today=TODAY + timedelta(days=13))  # the last day itself is open


def test_an_answer_before_the_wave_opens_is_refused(world):
    survey = launched(world, opens_on=TODAY + timedelta(days=3))
    assert "not open yet" in refused(world, survey, "Mo", "survey")


def test_a_second_answer_from_the_same_person_is_refused(world):
    survey = launched(world)
    answer(world, survey, "Mo")
    assert "already answered" in refused(world, survey, "Mo", "person")


def test_an_answer_from_outside_the_audience_is_refused(world):
    survey = launched(world, audience="mentees")
    assert "audience" in refused(world, survey, "Mo", "person")  # a mentor
    assert "audience" in refused(world, survey, "Eve", "person")  # an applicant


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**GOOD_ANSWERS, "satisfaction": "great"}, "satisfaction"),
        ({**GOOD_ANSWERS, "nps": 11}, "nps"),
        ({**GOOD_ANSWERS, "highlight": ["a", "list"]}, "highlight"),
        ({"nps": 9}, "satisfaction"),  # required
        ({**GOOD_ANSWERS, "shoe_size": 42}, "shoe_size"),
    ],
)
def test_an_answer_of_the_wrong_type_is_refused(world, answers, field):
    survey = launched(world)
    refused(world, survey, "Ann", field, answers=answers)
    # ... and the person may then answer properly: nothing was recorded as done.
    answer(world, survey, "Ann")


def test_an_answer_in_another_organization_is_refused(world):
    survey = launched(world)
    other = build_world(OrganizationFactory(slug="globex"))
    with pytest.raises(PermissionDenied):
        services.survey_answer_submit(
            organization=other.org, wave=survey.waves.get(), person=other["Mo"], answers=GOOD_ANSWERS, today=TODAY
        )


def test_answer_url_points_at_the_answer_page(world):
    survey = launched(world)
    wave = survey.waves.get()
    assert services.answer_url(world.org, wave).startswith("/o/acme/surveys/")
    assert str(wave.pk) in services.answer_url(world.org, wave)


def test_invitations_are_kept_when_people_answer(world):
    survey = launched(world)
    answer(world, survey, "Ann")
    assert SurveyInvitation.objects.filter(person=world["Ann"]).exists()


# --- the builder and launched surveys (lead) ---------------------------------------------------


def test_a_launched_surveys_questions_are_fixed_but_a_drafts_can_change(world):
    from surveys.models import SurveyStatus
    from surveys.services import questionnaires as questionnaire_services

    from .survey_fixtures import make_survey

    survey = make_survey(world)
    question = survey.questionnaire.questions.first()
    questionnaire_services.question_update(organization=world.org, question=question, text="Still a draft: fine")
    type(survey).objects.filter(pk=survey.pk).update(status=SurveyStatus.LIVE)
    with pytest.raises(ValidationError) as error:
        questionnaire_services.question_update(organization=world.org, question=question, text="Changed mid-survey")
    assert "questions are fixed" in str(error.value.message_dict["questionnaire"])
    with pytest.raises(ValidationError):
        questionnaire_services.question_add(
            organization=world.org, questionnaire=survey.questionnaire, text="New", type="short_text"
        )
    question.refresh_from_db()
    assert question.text == "Still a draft: fine"
