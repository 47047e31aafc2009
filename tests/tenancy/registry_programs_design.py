"""Isolation-audit routes for programs: design."""

from .registry import tenant_route

# Pages. The designer and its preview take the executive sponsor (a Person) and the intake
# questionnaires in their bodies; the rest of the body is a valid design.
DESIGN_BODY = {
    "name": "Audit program",
    "model": "one_on_one",
    "cadence_weeks": 2,
    "meeting_minutes": 60,
    "mentor_default_capacity": 1,
}
DESIGN_FKS = {"executive_sponsor": "person", "mentor_questionnaire": "questionnaire"}
tenant_route("programs:list")
tenant_route("programs:new")
tenant_route("programs:detail", pk="program")
tenant_route("programs:transition", pk="program")
tenant_route("programs:edit", pk="program", body=DESIGN_FKS, base_body=DESIGN_BODY)
tenant_route("programs:preview", pk="program", body=DESIGN_FKS, base_body=DESIGN_BODY)
tenant_route("programs:objectives", pk="program")
tenant_route("programs:objective-edit", pk="program", objective_pk="objective")
tenant_route("programs:objective-delete", pk="program", objective_pk="objective")
tenant_route("programs:audience", pk="program")
tenant_route("programs:audience-count", pk="program")
tenant_route("programs:managers", pk="program", body={"membership": "membership"})
tenant_route("programs:manager-remove", pk="program", manager_pk="program_manager")
tenant_route("programs:copy", pk="program")

# API. Every route of a viewset names its foreign-key filters (the audit checks each).
PROGRAM_BODY = {"name": "Audit program"}
PROGRAM_FKS = {"executive_sponsor": "person", "mentee_questionnaire": "questionnaire"}
tenant_route("program-list", body=PROGRAM_FKS, base_body=PROGRAM_BODY)
tenant_route("program-detail", pk="program", body=PROGRAM_FKS, base_body=PROGRAM_BODY)
tenant_route("program-transition", pk="program")
tenant_route("program-copy-cycle", pk="program")
tenant_route("program-from-template")
tenant_route("program-templates")
tenant_route("program-audience-count", pk="program")
OBJECTIVE_BODY = {"metric": "retention", "target": "90", "deadline": "2099-01-01", "rationale": "Audit."}
tenant_route("objective-list", body={"program": "program"}, base_body=OBJECTIVE_BODY, query={"program": "program"})
tenant_route("objective-detail", pk="objective", query={"program": "program"})
MANAGER_BODY = {"program": "program", "user": "program_manager_user"}
tenant_route("program-manager-list", body=MANAGER_BODY, query={"program": "program"})
tenant_route("program-manager-detail", pk="program_manager", query={"program": "program"})
