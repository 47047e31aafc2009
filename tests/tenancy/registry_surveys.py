"""Isolation-audit routes for surveys: the questionnaire builder pages and the questionnaire API,
the survey pages and the survey API."""

from .graph_surveys import audit_response_body
from .registry import tenant_route

# --- pages: /o/<org_slug>/questionnaires/ -------------------------------------------------
QUESTIONNAIRE = {"pk": "questionnaire"}
QUESTION = {**QUESTIONNAIRE, "question_pk": "question"}
CHOICE = {**QUESTION, "choice_pk": "choice"}

tenant_route("surveys:questionnaire-list")
tenant_route("surveys:questionnaire-create")
for name in (
    "questionnaire-detail",
    "questionnaire-edit",
    "questionnaire-copy",
    "questionnaire-preview",
    "question-add",
):
    tenant_route(f"surveys:{name}", **QUESTIONNAIRE)
for name in ("question-edit", "question-retire", "question-restore", "question-move", "choice-add"):
    tenant_route(f"surveys:{name}", **QUESTION)
for name in ("choice-edit", "choice-retire", "choice-restore"):
    tenant_route(f"surveys:{name}", **CHOICE)

# --- API: /api/v1/o/<org_slug>/questionnaires/ ---------------------------------------------
tenant_route("questionnaire-list")
for name in ("questionnaire-detail", "questionnaire-copy", "questionnaire-reorder"):
    tenant_route(name, pk="questionnaire")

NESTED = {"questionnaire_pk": "questionnaire"}
tenant_route("questionnaire-question-list", **NESTED)
for name in ("questionnaire-question-detail", "questionnaire-question-retire", "questionnaire-question-restore"):
    tenant_route(name, **NESTED, pk="question")

IN_QUESTION = {**NESTED, "question_pk": "question"}
tenant_route("questionnaire-choice-list", **IN_QUESTION)
for name in ("questionnaire-choice-detail", "questionnaire-choice-retire", "questionnaire-choice-restore"):
    tenant_route(name, **IN_QUESTION, pk="choice")

RESPONDENT = {"respondent": "person"}
tenant_route("questionnaire-response-list", **NESTED, body=RESPONDENT, base_body=audit_response_body)
tenant_route("questionnaire-response-detail", **NESTED, pk="response", body=RESPONDENT, base_body=audit_response_body)

# --- survey pages: /o/<org_slug>/surveys/ ---------------------------------------------------
SURVEY = {"pk": "survey"}
ANSWER = {"wave_pk": "survey_wave"}

tenant_route("surveys:program-surveys", program_pk="survey_program")
tenant_route("surveys:survey-create", program_pk="survey_program")
for name in ("survey-detail", "survey-edit", "survey-launch", "survey-end"):
    tenant_route(f"surveys:{name}", **SURVEY)
tenant_route("surveys:survey-results", **SURVEY, query={"wave": "survey_wave"})
tenant_route("surveys:survey-export", **SURVEY, fixed={"fmt": "csv"}, query={"wave": "survey_wave"})
tenant_route("surveys:overview")
tenant_route("surveys:mine")
tenant_route("surveys:answer", **ANSWER)
tenant_route("surveys:answer-thanks", **ANSWER)

# --- survey API: /api/v1/o/<org_slug>/surveys/, survey-templates/, survey-waves/ -----------
# Every route of the surveys viewset names its foreign-key filter (the audit checks each).
IN_PROGRAM = {"program": "survey_program"}
tenant_route(
    "survey-list",
    body={"program": "survey_program", "questionnaire": "survey_questionnaire"},
    base_body={"title": "Audit survey"},
    query=IN_PROGRAM,
)
for name in ("detail", "launch", "end", "waves"):
    tenant_route(f"survey-{name}", **SURVEY, query=IN_PROGRAM)
tenant_route("survey-results", **SURVEY, query={**IN_PROGRAM, "wave": "survey_wave"})
tenant_route("survey-template-list")
tenant_route("survey-wave-list")
for name in ("detail", "answer"):
    tenant_route(f"survey-wave-{name}", pk="survey_wave")
