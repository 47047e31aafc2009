"""Celery tasks for reports. Each takes `organization_id` (and ids), loads, and calls a service."""

from celery import shared_task

from organizations.models import Organization


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def run_rollup_task(self, organization_id, run_id):
    """Execute a queued rollup. A duplicate finds the run claimed and does nothing; a task
    redelivered because its worker was lost takes the abandoned run over (rollup_execute)."""
    from .services.rollups import rollup_execute

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return None
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    run = rollup_execute(organization=organization, run=run_id, redelivered=redelivered)
    return run.status if run is not None else None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def nightly_rollups(organization_id=None):
    """Nightly (beat): the last 26 weeks' KPI snapshots and the impact figures of every
    organization. Beat calls it without an organization; it then enqueues one task per
    organization, so a slow or failing one does not hold up the others. Both writes are
    idempotent, so a redelivered task only recomputes the same figures."""
    if organization_id is None:
        for org_id in Organization.objects.values_list("pk", flat=True).order_by("pk"):
            nightly_rollups.delay(org_id)
        return None
    from .services.rollups import rollup_start

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return None
    # The run refreshes the impact figures too (rollup_execute's last step).
    return rollup_start(organization=organization).pk
