"""Shared test data for the questionnaire engine: a spec with one question of every type."""

from surveys import services

SPEC = {
    "title": "Mentee intake",
    "description": "Tell us what you want from the program.",
    "kind": "intake",
    "questions": [
        {
            "key": "goal",
            "text": "Your main goal",
            "type": "single",
            "required": True,
            "choices": [["grow", "Grow in my role"], ["switch", "Switch careers"], ["lead", "Become a leader"]],
        },
        {
            "key": "skills",
            "text": "Skills you want to build",
            "type": "multiple",
            "max": 2,
            "choices": [["speaking", "Public speaking"], ["python", "Python"], ["sql", "SQL"]],
        },
        {"key": "confidence", "text": "How confident are you?", "type": "scale", "min": 1, "max": 5, "required": True},
        {"key": "recommend", "text": "Would you recommend us?", "type": "scale", "min": 0, "max": 10},
        {"key": "hours", "text": "Hours a month", "type": "number", "min": 1, "max": 20},
        {"key": "headline", "text": "One line about you", "type": "short_text", "max": 80},
        {"key": "story", "text": "Your story", "type": "long_text", "help_text": "A few sentences."},
        {"key": "start", "text": "When can you start?", "type": "date"},
    ],
}

VALID_ANSWERS = {
    "goal": "grow",
    "skills": ["python", "speaking"],
    "confidence": 4,
    "recommend": 9,
    "hours": 6,
    "headline": "Backend engineer",
    "story": "I want to lead a team.",
    "start": "2025-02-03",
}


def make_questionnaire(organization, **overrides):
    return services.questionnaire_create_from_spec(organization=organization, spec={**SPEC, **overrides})


def question(questionnaire, key):
    return questionnaire.questions.get(key=key)


def choice(questionnaire, key, value):
    return question(questionnaire, key).choices.get(value=value)
