import smtplib
from contextlib import suppress

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from .emails import send_invitation_email
from .models import Invitation, Organization, PeopleImport
from .services import PeopleImportError, people_import_apply, people_import_validate, people_imports_purge_expired


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,  # well under the broker's one-hour visibility timeout
    max_retries=5,
)
def send_invitation_email_task(organization_id, invitation_id):
    """Email a pending invitation; an invitation revoked or used meanwhile is not sent."""
    invitation = (
        Invitation.objects.for_org(organization_id).select_related("organization").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.status != "pending":
        return False
    send_invitation_email(invitation)
    Invitation.objects.for_org(organization_id).filter(pk=invitation_id).update(
        send_count=F("send_count") + 1, last_sent_at=timezone.now()
    )
    return True


@shared_task
def ping_task(value):
    """A trivial task used by the health check and the worker test."""
    return {"pong": value}


@shared_task
def validate_people_import_task(organization_id, import_id):
    """The dry run of an uploaded directory file (idempotent: a finished one is not redone)."""
    organization = Organization.objects.get(pk=organization_id)
    people_import = PeopleImport.objects.for_org(organization).get(pk=import_id)
    people_import_validate(organization=organization, people_import=people_import)


@shared_task
def apply_people_import_task(organization_id, import_id):
    """Apply a previewed directory file; a refusal is recorded on the import, not raised."""
    organization = Organization.objects.get(pk=organization_id)
    people_import = PeopleImport.objects.for_org(organization).get(pk=import_id)
    with suppress(PeopleImportError):
        people_import_apply(
            organization=organization,
            people_import=people_import,
            import_valid_rows=people_import.import_valid_rows,
        )


@shared_task
def purge_old_people_imports_task():
    """Daily: forget uploaded directory files, and their rejected rows' values, after 30 days."""
    return people_imports_purge_expired()
