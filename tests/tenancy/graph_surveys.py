"""Isolation-audit graph builder for surveys (questionnaires, questions, choices, responses)."""

from surveys import services

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
