"""Programs listen to the directory: someone whose exit date has passed leaves open programs."""

from django.dispatch import receiver

from organizations.events import directory_changed

from .services.recruitment import enrollments_withdraw_departed

# Past this many changed people, one pass over the organization is cheaper than a long IN list.
PERSON_IDS_LIMIT = 1000


@receiver(directory_changed, dispatch_uid="programs.withdraw_departed")
def withdraw_departed_on_directory_change(sender, organization_id, person_ids, **kwargs):
    person_ids = list(person_ids)
    enrollments_withdraw_departed(
        organization=organization_id, person_ids=person_ids if len(person_ids) <= PERSON_IDS_LIMIT else None
    )
