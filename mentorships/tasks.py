"""Celery tasks for mentorships. Each takes `organization_id` and ids, loads, and calls a service."""

from celery import shared_task

from mentoring.email import TRANSIENT_MAIL_ERRORS
from organizations.models import Organization

from .models import Intervention
from .reminders import reminders_run
from .services.health import health_refresh
from .services.interventions import nudge_send
from .services.meetings import send_meeting_invitations

RETRY = {
    "autoretry_for": TRANSIENT_MAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 600,  # well under the broker's one-hour visibility timeout
    "max_retries": 5,
}


@shared_task
def refresh_pair_health_task(organization_id=None):
    """Nightly (beat): re-assess every active pair, since the days passing alone move health (a
    cadence missed, a goal going overdue). Beat calls it without an organization; it then
    enqueues one run per organization, so a failure in one does not stop the others."""
    if organization_id is None:
        for org_id in Organization.objects.values_list("pk", flat=True).order_by("pk"):
            refresh_pair_health_task.delay(org_id)
        return None
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    return health_refresh(organization=organization)


@shared_task(**RETRY)
def send_nudge_task(organization_id, intervention_id):
    """Email the members of a nudged pair; the send log makes a retry send only what is missing."""
    intervention = (
        Intervention.objects.for_org(organization_id)
        .select_related("organization", "mentorship__program", "by")
        .filter(pk=intervention_id, kind=Intervention.Kind.NUDGE)
        .first()
    )
    if intervention is None:
        return 0
    return nudge_send(organization=intervention.organization, intervention=intervention)


@shared_task(**RETRY)
def send_meeting_invitations_task(organization_id, meeting_id):
    """Email every member a meeting's calendar invitation (new, moved or cancelled); the send
    log's key (UID, sequence, member) makes a retry send only what is missing."""
    return send_meeting_invitations(organization_id=organization_id, meeting_id=meeting_id)


@shared_task
def send_reminders_task():
    """Hourly (beat): one reminder run per organization, so a slow or failing one does not hold
    up the others."""
    for organization_id in Organization.objects.values_list("pk", flat=True).order_by("pk"):
        send_organization_reminders_task.delay(organization_id)


# acks_late and reject_on_worker_lost (the project defaults, spelled out because exactly-once
# rests on them): a worker killed mid-batch leaves the message with the broker, the redelivered
# run scans again and the send log lets only the unsent reminders through.
@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def send_organization_reminders_task(organization_id):
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    return reminders_run(organization=organization)
