"""Celery tasks for surveys. Each takes `organization_id` and ids, loads, and calls a service."""

from celery import shared_task

from mentoring.email import TRANSIENT_MAIL_ERRORS
from organizations.models import Organization

from .models import Survey, SurveyStatus, SurveyWave
from .services.surveys import surveys_run, wave_notifications_send

RETRY = {
    "autoretry_for": TRANSIENT_MAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 600,  # well under the broker's one-hour visibility timeout
    "max_retries": 5,
}


@shared_task
def run_surveys(organization_id=None):
    """Hourly (beat): open and close waves, plan pulses, invite and remind. Beat calls it without
    an organization; it then enqueues one run per organization with a live survey, so a slow or
    failing one does not hold up the others."""
    if organization_id is None:
        live = Survey.objects.filter(status=SurveyStatus.LIVE).values_list("organization_id", flat=True)
        for org_id in sorted(set(live)):
            run_organization_surveys_task.delay(org_id)
        return None
    return run_organization_surveys_task(organization_id)


# acks_late and reject_on_worker_lost (spelled out because exactly-once rests on them): a worker
# killed mid-batch leaves the message with the broker; the redelivered run scans again and the
# send log lets only the unsent invitations and reminders through.
@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def run_organization_surveys_task(organization_id):
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return {}
    return surveys_run(organization=organization)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY)
def send_wave_notifications_task(organization_id, wave_id):
    """Right after a wave opens: invite the people whose morning it is; the hourly run does the rest."""
    wave = SurveyWave.objects.for_org(organization_id).select_related("organization").filter(pk=wave_id).first()
    if wave is None:
        return {}
    return wave_notifications_send(organization=wave.organization, wave=wave)
