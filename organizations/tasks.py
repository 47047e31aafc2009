from celery import shared_task
from django.utils import timezone

from .models import Invitation


@shared_task
def expire_invitations_task():
    """Housekeeping: count invitations that expired unused (they are already unusable)."""
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=timezone.now()
    ).count()


@shared_task
def ping_task(value):
    """A trivial task used by the health check and the worker test."""
    return {"pong": value}
