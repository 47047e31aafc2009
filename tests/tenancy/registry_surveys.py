"""Isolation-audit routes for surveys: the questionnaire builder pages and the questionnaire API."""

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
