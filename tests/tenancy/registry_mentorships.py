"""Isolation-audit routes for the pair's workspace: the members' pages, the program manager's
pages, the resource hub, and the API (mentorships, meetings, goals, check-ins, interventions,
resources, and the caller's notifications). The notifications pages are in
registry_notifications.py."""

from datetime import timedelta

from django.utils import timezone

from .registry import tenant_route

PAIR = {"pk": "pair"}
GOAL_BODY = {
    "statement": "Audit goal",
    "measure": "Audit measure",
    "target_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
}
RESOURCE_BODY = {"title": "Audit resource", "kind": "guide", "body": "Audit"}

# --- pages: /o/<org_slug>/mentorships/ and /o/<org_slug>/resources/ ---------------------------
tenant_route("mentorships:mine")
for name in ("workspace", "prompts", "handbook", "meeting_new", "meeting_log_unscheduled", "checkin"):
    tenant_route(f"mentorships:{name}", **PAIR)
for name in ("meeting_edit", "meeting_cancel", "meeting_log"):
    tenant_route(f"mentorships:{name}", pk="meeting")
tenant_route("mentorships:goal_new", **PAIR, body={"owner": "pair_member"}, base_body=GOAL_BODY)
tenant_route("mentorships:goal_edit", pk="goal", body={"owner": "pair_member"}, base_body=GOAL_BODY)
for name in ("goal_detail", "milestone_add", "goal_comment_add"):
    tenant_route(f"mentorships:{name}", pk="goal")
tenant_route("mentorships:milestone_toggle", pk="milestone")

tenant_route("mentorships:program", program_pk="pair_program")
for name in ("pair", "nudge", "intervention_note"):
    tenant_route(f"mentorships:{name}", **PAIR)

IN_PROGRAM = {"program": "pair_program"}
tenant_route("resources:list", query=IN_PROGRAM)
tenant_route("resources:create", body=IN_PROGRAM, base_body=RESOURCE_BODY, query=IN_PROGRAM)
for name in ("detail", "download", "delete"):
    tenant_route(f"resources:{name}", pk="resource")
tenant_route("resources:edit", pk="resource", body=IN_PROGRAM, base_body=RESOURCE_BODY)

# --- API: /api/v1/o/<org_slug>/ ----------------------------------------------------------------
# Every route of a viewset names the viewset's foreign-key filters (the audit checks each).
tenant_route("mentorship-list", query=IN_PROGRAM)
tenant_route("mentorship-detail", **PAIR, query=IN_PROGRAM)
tenant_route("mentorship-workspace", **PAIR, query=IN_PROGRAM)

PAIR_FILTERS = {"mentorship": "pair", "program": "pair_program"}
SCHEDULE = {"starts_at": (timezone.now() + timedelta(days=9)).isoformat(), "duration_minutes": 30}
PAST_LOG = {"starts_at": (timezone.now() - timedelta(days=1)).isoformat(), "held": True, "actual_minutes": 30}
tenant_route("meeting-list", body={"mentorship": "pair"}, base_body=SCHEDULE, query=PAIR_FILTERS)
tenant_route("meeting-log-unscheduled", body={"mentorship": "pair"}, base_body=PAST_LOG, query=PAIR_FILTERS)
for name in ("detail", "cancel", "log"):
    tenant_route(f"meeting-{name}", pk="meeting", query=PAIR_FILTERS)

IN_PAIR = {"mentorship": "pair"}
tenant_route("goal-list", body={"mentorship": "pair", "owner": "pair_member"}, base_body=GOAL_BODY, query=IN_PAIR)
tenant_route("goal-detail", pk="goal", body={"owner": "pair_member"}, query=IN_PAIR)
OF_GOAL = {"goal": "goal"}
tenant_route("milestone-list", body=OF_GOAL, base_body={"title": "Audit milestone"}, query=OF_GOAL)
tenant_route("milestone-detail", pk="milestone", query=OF_GOAL)
tenant_route("goal-comment-list", body=OF_GOAL, base_body={"text": "Audit comment"}, query=OF_GOAL)
tenant_route("goal-comment-detail", pk="goal_comment", query=OF_GOAL)

tenant_route("checkin-list", body=IN_PAIR, base_body={"score": 4}, query=PAIR_FILTERS)
tenant_route("checkin-detail", pk="checkin", query=PAIR_FILTERS)
tenant_route("intervention-list", body=IN_PAIR, base_body={"kind": "note", "note": "Audit note"}, query=PAIR_FILTERS)
tenant_route("intervention-detail", pk="intervention", query=PAIR_FILTERS)

tenant_route("resource-list", body=IN_PROGRAM, base_body=RESOURCE_BODY, query=IN_PROGRAM)
tenant_route("resource-detail", pk="resource", body=IN_PROGRAM, base_body=RESOURCE_BODY, query=IN_PROGRAM)

tenant_route("notification-list")
tenant_route("notification-read-all")
for name in ("detail", "read"):
    tenant_route(f"notification-{name}", pk="notification")
tenant_route("notification-preferences")
