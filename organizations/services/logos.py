"""Logo files: a replaced or cleared logo's file is deleted, so uploads do not pile up forever."""

from django.db import transaction


def organization_logo_discard(*, organization, name):
    """Delete the stored logo file `name` unless the organization still shows it.

    Call it with the logo's name from before a change. The file goes after commit: a change
    that rolls back keeps the old logo, and its file with it.
    """
    if not name or name == organization.logo.name:
        return
    storage = organization.logo.storage
    transaction.on_commit(lambda: storage.delete(name))
