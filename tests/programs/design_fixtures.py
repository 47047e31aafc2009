"""Programs for the design tests, built through the design services."""

from datetime import date, timedelta

from django.utils import timezone

from programs.services.design import program_create
from surveys.services import questionnaire_create_from_spec

INTAKE = {
    "title": "Intake",
    "kind": "intake",
    "questions": [{"key": "goals", "text": "What are your goals?", "type": "long_text", "required": True}],
}


def future(days=30) -> date:
    return timezone.localdate() + timedelta(days=days)


def make_program(organization, actor=None, **fields):
    """A valid draft program (one-on-one, dates set) with any fields overridden."""
    data = {"name": "Mentoring", "start_date": future(30), "end_date": future(200), **fields}
    return program_create(organization=organization, actor=actor, data=data)


def make_intake(organization, title="Intake"):
    return questionnaire_create_from_spec(organization=organization, spec={**INTAKE, "title": title})


def make_ready_program(organization, actor=None, **fields):
    """A draft that may open recruitment: dates and an intake questionnaire for each role."""
    fields.setdefault("mentor_questionnaire", make_intake(organization, "Mentor intake"))
    fields.setdefault("mentee_questionnaire", make_intake(organization, "Mentee intake"))
    return make_program(organization, actor, **fields)
