"""Isolation-audit graph builders for surveys: the questionnaire engine (questionnaires,
questions, choices, responses), and a launched survey of a program of its own (it runs before the
programs builders) with its open wave, the audience's invitations, one person's completion and
their anonymous response. The organization's member is invited and has not answered."""

from datetime import timedelta

from django.utils import timezone

from organizations.models import Person, Role
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramManager, ProgramStatus
from surveys import services
from surveys.models import SurveyCompletion, SurveyInvitation

from ..factories import PersonFactory, UserFactory
from .graph import graph_builder

# One question of every type; "team" (single choice) is the graph's "question", its first choice
# the graph's "choice". Every question is optional, so the audit's base body can be small.
AUDIT_SPEC = {
    "title": "Audit intake",
    "description": "One question of each type.",
    "kind": "intake",
    "questions": [
        {"key": "team", "text": "Your team", "type": "single", "choices": [["eng", "Engineering"], ["ops", "Ops"]]},
        {"key": "skills", "text": "Skills", "type": "multiple", "choices": [["python", "Python"], ["sql", "SQL"]]},
        {"key": "nps", "text": "Recommend?", "type": "scale", "min": 0, "max": 10},
        {"key": "years", "text": "Years here", "type": "number", "min": 0, "max": 60},
        {"key": "headline", "text": "Headline", "type": "short_text"},
        {"key": "story", "text": "Your story", "type": "long_text"},
        {"key": "start", "text": "Start date", "type": "date"},
    ],
}

AUDIT_ANSWERS = {
    "team": "eng",
    "skills": ["python", "sql"],
    "nps": 9,
    "years": "4.5",
    "headline": "Builder",
    "story": "A long story.",
    "start": "2024-03-01",
}


def audit_response_body(objects):
    return {"answers": AUDIT_ANSWERS}


@graph_builder
def build(org, users, objects):
    questionnaire = services.questionnaire_create_from_spec(organization=org, spec=AUDIT_SPEC)
    question = questionnaire.questions.get(key="team")
    choice = question.choices.get(value="eng")
    response = services.response_submit(
        organization=org, questionnaire=questionnaire, respondent=objects["person"], answers=AUDIT_ANSWERS
    )
    return {
        "questionnaire": questionnaire,
        "question": question,
        "choice": choice,
        "response": response,
        "question_scale": questionnaire.questions.get(key="nps"),
    }


# Answers to the end-of-program template (surveys/catalog.py), its required questions included.
SURVEY_ANSWERS = {
    "satisfaction": 4,
    "nps": 9,
    "skills_gained": ["feedback"],
    "goal_attainment": 3,
    "meeting_frequency": "fortnightly",
    "mentor_again": "yes",
    "highlight": "Audit highlight",
}


@graph_builder
def surveys_graph(org, users, objects):
    today = timezone.localdate()
    member = users[Role.MEMBER]
    program = Program.objects.create(
        organization=org,
        name=f"{org.name} surveyed",
        status=ProgramStatus.ACTIVE,
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=60),
        created_by=users[Role.ADMIN],
    )
    ProgramManager.objects.create(organization=org, program=program, user=users[Role.LEADER])
    me = Person.objects.for_org(org).filter(user=member).first() or PersonFactory(
        organization=org, user=member, email=member.email, name=f"{org.name} Member"
    )
    # Invitations go to people who can sign in, so the respondent has a login too.
    respondent_user = UserFactory(email=f"respondent@{org.slug}.example.com", username=f"respondent-{org.slug}")
    respondent = PersonFactory(
        organization=org, user=respondent_user, email=respondent_user.email, name=f"{org.name} Survey Respondent"
    )
    for person, role in ((me, "mentee"), (respondent, "mentor")):
        Enrollment.objects.create(
            organization=org, program=program, person=person, role=role, status=EnrollmentStatus.APPROVED
        )
    survey = services.survey_create_from_template(
        organization=org,
        program=program,
        template_key="end_of_program",
        created_by=users[Role.ADMIN],
        schedule="date",
        opens_on=today,
        anonymous=True,
    )
    survey = services.survey_launch(organization=org, survey=survey, today=today)
    wave = survey.waves.get(number=1)
    response = services.survey_answer_submit(
        organization=org, wave=wave, person=respondent, answers=SURVEY_ANSWERS, today=today
    )
    return {
        "survey_program": program,
        "survey": survey,
        "survey_questionnaire": survey.questionnaire,
        "survey_wave": wave,
        "survey_invitation": SurveyInvitation.objects.for_org(org).get(wave=wave, person=me),
        "survey_completion": SurveyCompletion.objects.for_org(org).get(wave=wave, person=respondent),
        "survey_response": response,
    }
