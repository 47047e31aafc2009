"""The tenant key every tenant-owned table carries.

Every tenant model inherits `TenantModel`: it gets an `organization` column of its own (child
tables too, never only through a parent) and a manager whose `for_org(org)` is the one way
views, APIs and tasks start a query. Unique constraints and indexes lead with organization.
"""

from django.db import models


class TenantQuerySet(models.QuerySet):
    def for_org(self, organization):
        if organization is None:
            raise ValueError("for_org() needs an organization; refusing an unscoped query")
        org_id = organization if isinstance(organization, int) else organization.pk
        return self.filter(organization_id=org_id)


class TenantModel(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
