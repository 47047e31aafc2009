"""Isolation-audit routes for programs: recruitment."""

from .registry import tenant_route

# Pages: joining, one's own programs, the review queue, invitations, nominations.
tenant_route("programs:join", pk="program")
tenant_route("programs:my-enrollments")
tenant_route("programs:enrollment-withdraw", pk="enrollment")
tenant_route("programs:review", pk="program", body={"enrollments": "enrollment"}, base_body={"decision": "waitlisted"})
tenant_route("programs:review-applicant", pk="program", enrollment_pk="enrollment")
tenant_route("programs:invite", pk="program")
tenant_route(
    "programs:nominations",
    body={"nominee": "nominee"},
    base_body=lambda objects: {"program": objects["program"].pk, "note": "Audit nomination"},
)
tenant_route("programs:nomination-respond", pk="nomination")

# API. Every route of a viewset carries its filters, so each names the program filter.
PROGRAM_FILTER = {"program": "program"}
tenant_route(
    "enrollment-list",
    body={"program": "program"},
    base_body={"role": "mentee", "answers": {}},
    query=PROGRAM_FILTER,
)
tenant_route("enrollment-detail", pk="enrollment", query=PROGRAM_FILTER)
tenant_route(
    "enrollment-decide",
    body={"program": "program"},
    base_body=lambda objects: {"enrollments": [objects["enrollment"].pk], "decision": "waitlisted"},
    query=PROGRAM_FILTER,
)
tenant_route("enrollment-withdraw", pk="enrollment", base_body={"reason": "Audit"}, query=PROGRAM_FILTER)
tenant_route(
    "program-invitation-list",
    body={"program": "program"},
    base_body={"emails": ["nobody@example.com"]},
    query=PROGRAM_FILTER,
)
tenant_route("program-invitation-detail", pk="program_invitation", query=PROGRAM_FILTER)
tenant_route(
    "nomination-list",
    body={"program": "program", "nominee": "nominee"},
    base_body={"note": "Audit nomination"},
    query=PROGRAM_FILTER,
)
tenant_route("nomination-detail", pk="nomination", query=PROGRAM_FILTER)
tenant_route("nomination-respond", pk="nomination", base_body={"accept": False}, query=PROGRAM_FILTER)
