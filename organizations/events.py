"""Events the directory announces to later apps, which subscribe without being imported here."""

from django.db import transaction
from django.dispatch import Signal

# Sent after commit when directory records changed (an import, the API or a hand edit).
# Arguments: organization_id, person_ids. Programs listen to withdraw people who left; the
# directory never imports programs, so data keeps flowing one way.
directory_changed = Signal()


def announce_directory_change(*, organization_id, person_ids):
    person_ids = list(person_ids)
    if person_ids:
        transaction.on_commit(
            lambda: directory_changed.send(sender=None, organization_id=organization_id, person_ids=person_ids)
        )
