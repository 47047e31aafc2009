from contextlib import suppress

from celery import shared_task
from django.utils import timezone

from .models import Invitation, Organization, PeopleImport
from .services import PeopleImportError, people_import_apply, people_import_validate


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
