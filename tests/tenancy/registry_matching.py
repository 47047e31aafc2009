"""Isolation-audit routes for matching: the manager's and the participant's pages, and the API."""

from .registry import tenant_route

# --- pages: /o/<org_slug>/matching/ -----------------------------------------------------------
PROGRAM = {"program_pk": "matching_program"}
RUN = {"pk": "match_run"}
PROPOSAL = {**RUN, "proposal_pk": "match_proposal"}
QUESTIONS = {"mentee_question": "matching_question", "mentor_question": "matching_question"}
CRITERION_BODY = {"label": "Audit criterion", "kind": "overlap", "weight": "1"}
PAIR = {"mentee": "matching_enrollment", "mentor": "matching_mentor"}

tenant_route("matching:program", **PROGRAM)
tenant_route("matching:criterion_create", **PROGRAM, body=QUESTIONS, base_body=CRITERION_BODY)
tenant_route("matching:criteria_from_hints", **PROGRAM)
tenant_route("matching:settings", **PROGRAM)
tenant_route("matching:suggestions_refresh", program_pk="self_match_program")
tenant_route("matching:criterion_edit", pk="matching_criterion", body=QUESTIONS, base_body=CRITERION_BODY)
tenant_route("matching:criterion_delete", pk="matching_criterion")
tenant_route("matching:run_start", **PROGRAM)
for name in ("run_detail", "run_progress", "proposals_swap", "run_rerun", "run_publish", "run_discard"):
    tenant_route(f"matching:{name}", **RUN)
tenant_route("matching:proposal_lock", **PROPOSAL)
tenant_route("matching:proposal_remove", **PROPOSAL)
# The add-a-pair page previews from the query string and adds from the body.
tenant_route("matching:proposal_add", **RUN, body=PAIR, query=PAIR)
tenant_route("matching:run_compare", **RUN, query={"other": "match_run"})

SELF_MATCH = {"enrollment_pk": "self_match_enrollment"}
tenant_route("matching:my_suggestions", **SELF_MATCH)
tenant_route("matching:request_send", **SELF_MATCH, body={"mentor": "matching_mentor"}, base_body={"message": "Hi"})
tenant_route("matching:my_requests", **SELF_MATCH)
for name in ("request_accept", "request_decline", "request_withdraw"):
    tenant_route(f"matching:{name}", pk="mentor_request")
tenant_route(
    "matching:my_preferences",
    enrollment_pk="matching_enrollment",
    body={"person": "person"},
    base_body={"action": "exclude"},
)
tenant_route("matching:rematch_request", pk="mentorship")

# --- API: /api/v1/o/<org_slug>/ ----------------------------------------------------------------
# Every route of a viewset names the viewset's foreign-key filters (the audit checks each).
IN_PROGRAM = {"program": "matching_program"}
tenant_route(
    "matching-criterion-list",
    body={"program": "matching_program", **QUESTIONS},
    base_body={"kind": "overlap", "label": "Audit criterion", "weight": 1},
    query=IN_PROGRAM,
)
tenant_route(
    "matching-criterion-detail",
    pk="matching_criterion",
    body=QUESTIONS,
    base_body={"kind": "overlap", "label": "Audit criterion", "weight": 1},
    query=IN_PROGRAM,
)
tenant_route("matching-criterion-from-hints", body={"program": "matching_program"}, query=IN_PROGRAM)
tenant_route("program-matching-settings", pk="matching_program")

tenant_route("match-run-list", body={"program": "matching_program", "base_run": "match_run"}, query=IN_PROGRAM)
for name in ("detail", "publish", "discard", "rerun", "unmatched"):
    tenant_route(f"match-run-{name}", pk="match_run", query=IN_PROGRAM)
tenant_route("match-run-compare", pk="match_run", query={**IN_PROGRAM, "other": "match_run"})
tenant_route("match-run-pair-preview", pk="match_run", query={**IN_PROGRAM, **PAIR})

IN_RUN = {"run": "match_run"}
tenant_route("match-proposal-list", body={"run": "match_run", **PAIR}, base_body={"confirm": False}, query=IN_RUN)
for name in ("detail", "lock", "unlock"):
    tenant_route(f"match-proposal-{name}", pk="match_proposal", query=IN_RUN)
tenant_route("match-proposal-swap", body={"first": "match_proposal", "second": "match_proposal"}, query=IN_RUN)

SUGGESTION_FILTERS = {"program": "self_match_program", "mentee": "self_match_enrollment"}
tenant_route("mentor-suggestion-list", query=SUGGESTION_FILTERS)
tenant_route("mentor-suggestion-detail", pk="mentor_suggestion", query=SUGGESTION_FILTERS)
tenant_route("mentor-suggestion-refresh", body={"program": "self_match_program"}, query=SUGGESTION_FILTERS)

REQUEST_FILTERS = {"program": "self_match_program"}
tenant_route(
    "mentor-request-list", body={"mentor": "matching_mentor"}, base_body={"message": "Hi"}, query=REQUEST_FILTERS
)
for name in ("detail", "accept", "decline", "withdraw"):
    tenant_route(f"mentor-request-{name}", pk="mentor_request", query=REQUEST_FILTERS)

REMATCH_FILTERS = {"program": "matching_program", "mentorship": "mentorship"}
tenant_route(
    "rematch-request-list", body={"mentorship": "mentorship"}, base_body={"reason": "Audit"}, query=REMATCH_FILTERS
)
tenant_route("rematch-request-detail", pk="rematch_request", query=REMATCH_FILTERS)

LIST_BODY = {"enrollment": "matching_enrollment", "person": "person"}
OWN = {"enrollment": "matching_enrollment"}
tenant_route("pair-exclusion-list", body=LIST_BODY, query=OWN)
tenant_route("pair-exclusion-detail", pk="pair_exclusion", query=OWN)
tenant_route("match-preference-list", body=LIST_BODY, query=OWN)
tenant_route("match-preference-detail", pk="match_preference", query=OWN)
