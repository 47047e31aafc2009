"""Survey test data built straight from the models, so the results, export and page tests do not
depend on the answering service: a program's survey, its waves, invitations, completions and
anonymous responses (respondent empty, the envelope holding only the coarse facts).

    survey = make_survey(org)
    wave = make_wave(survey)
    add_responses(wave, [{"satisfaction": 4, "nps": 9}] * 5, department="Sales")
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from programs.models import Program, ProgramStatus
from surveys.models import (
    Answer,
    AnswerChoice,
    Question,
    Response,
    Survey,
    SurveyCompletion,
    SurveyInvitation,
    SurveyResponse,
    SurveyStatus,
    SurveyWave,
)
from surveys.services import questionnaire_create_from_spec

# The end-of-program questions, with the keys the catalog shares across templates.
SURVEY_SPEC = {
    "title": "End of program",
    "kind": "survey",
    "questions": [
        {"key": "satisfaction", "text": "How satisfied are you with the program?", "type": "scale", "min": 1, "max": 5},
        {
            "key": "nps",
            "text": "How likely are you to recommend it to a colleague?",
            "type": "scale",
            "min": 0,
            "max": 10,
        },
        {
            "key": "skills_gained",
            "text": "Which skills did you build?",
            "type": "multiple",
            "choices": [["speaking", "Public speaking"], ["feedback", "Giving feedback"], ["planning", "Planning"]],
        },
        {
            "key": "mentor_again",
            "text": "Would you take part again?",
            "type": "single",
            "choices": [["yes", "Yes"], ["maybe", "Maybe"], ["no", "No"]],
        },
        {"key": "hours", "text": "Hours spent a month", "type": "number", "min": 0, "max": 40},
        {"key": "highlight", "text": "What was the highlight?", "type": "long_text"},
    ],
}

# One complete answer set, for tests that only need "some answers".
ANSWERS = {
    "satisfaction": 4,
    "nps": 9,
    "skills_gained": ["speaking", "feedback"],
    "mentor_again": "yes",
    "hours": 3,
    "highlight": "Learning to listen.",
}


def make_program(organization, **fields):
    today = timezone.localdate()
    data = {
        "name": "Mentoring 2026",
        "status": ProgramStatus.ACTIVE,
        "start_date": today - timedelta(days=90),
        "end_date": today + timedelta(days=90),
        **fields,
    }
    return Program.objects.create(organization=organization, **data)


def make_survey(organization, *, program=None, spec=SURVEY_SPEC, **fields) -> Survey:
    """A live survey of `program` (a fresh one when None) with the questions of `spec`."""
    program = program or make_program(organization)
    questionnaire = questionnaire_create_from_spec(organization=organization, spec=spec)
    data = {"title": spec["title"], "status": SurveyStatus.LIVE, "anonymous": True, **fields}
    return Survey.objects.create(organization=organization, program=program, questionnaire=questionnaire, **data)


def make_wave(survey, *, number=None, opens_on=None, days=14, opened=True, closed=False) -> SurveyWave:
    if number is None:
        number = survey.waves.count() + 1
    opens_on = opens_on or timezone.localdate() - timedelta(days=3)
    now = timezone.now()
    return SurveyWave.objects.create(
        organization_id=survey.organization_id,
        survey=survey,
        number=number,
        opens_on=opens_on,
        closes_on=opens_on + timedelta(days=days - 1),
        opened_at=now if opened else None,
        closed_at=now if closed else None,
    )


def invite(wave, people, *, role="mentee", completed=()):
    """Invite `people` to `wave`; those in `completed` are recorded as having answered."""
    SurveyInvitation.objects.bulk_create(
        SurveyInvitation(organization_id=wave.organization_id, wave=wave, person=p, role=role) for p in people
    )
    SurveyCompletion.objects.bulk_create(
        SurveyCompletion(organization_id=wave.organization_id, wave=wave, person=p) for p in completed
    )


def add_responses(
    wave,
    answer_sets,
    *,
    role="mentee",
    department="",
    level="",
    cohort="",
    submitted_on: date | None = None,
    respondent=None,
    response_pks=None,
) -> list[Response]:
    """One response per answer set ({question key: value}), with the same envelope facts.

    Values as a participant gives them: a number for a scale or number question, a choice value
    (or a list of them for multiple choice), text, or a date. Bulk inserts, so hundreds are quick.
    `respondent` is only for a non-anonymous survey; `response_pks` picks the rows' ids.
    """
    organization_id = wave.organization_id
    survey = wave.survey
    questions = {
        q.key: q for q in Question.objects.filter(questionnaire_id=survey.questionnaire_id).prefetch_related("choices")
    }
    day = submitted_on or timezone.localdate()
    start_of_day = datetime.combine(day, time(0), tzinfo=UTC)
    answer_sets = list(answer_sets)
    responses = [
        Response(
            organization_id=organization_id,
            questionnaire_id=survey.questionnaire_id,
            respondent=respondent,
            submitted_at=start_of_day,
            updated_at=start_of_day,
            **({"pk": response_pks[i]} if response_pks else {}),
        )
        for i in range(len(answer_sets))
    ]
    Response.objects.bulk_create(responses)
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            organization_id=organization_id,
            response=response,
            wave=wave,
            submitted_on=day,
            role=role,
            department=department,
            level=level,
            cohort=cohort,
        )
        for response in responses
    )
    answers, chosen = [], []
    for response, answer_set in zip(responses, answer_sets, strict=True):
        for key, value in answer_set.items():
            question = questions[key]
            answer = Answer(organization_id=organization_id, response=response, question=question)
            if question.type in Question.CHOICE_TYPES:
                values = value if isinstance(value, list | tuple) else [value]
                by_value = {c.value: c for c in question.choices.all()}
                chosen.append((answer, [by_value[v] for v in values]))
            elif question.type in (Question.Type.SCALE, Question.Type.NUMBER):
                answer.number_value = Decimal(str(value))
            elif question.type == Question.Type.DATE:
                answer.date_value = value
            else:
                answer.text_value = value
            answers.append(answer)
    Answer.objects.bulk_create(answers)
    AnswerChoice.objects.bulk_create(
        AnswerChoice(organization_id=organization_id, answer=answer, choice=choice)
        for answer, choices in chosen
        for choice in choices
    )
    return responses
