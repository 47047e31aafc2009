"""The scoping toolkit's own guarantees, beyond the route-walking audit."""

import pytest
from django.apps import apps
from django.db.models import UniqueConstraint
from django.http import Http404

from organizations.api_base import TenantModelViewSet
from organizations.models import Organization, Person
from organizations.scoping import get_for_org_or_404, resolve_organization
from organizations.tenancy import TenantModel

from ..factories import OrganizationFactory, PersonFactory, UserFactory

TANDEM_APPS = {"organizations", "programs", "surveys", "matching", "mentorships", "reports"}


def tenant_models():
    return [m for m in apps.get_models() if m._meta.app_label in TANDEM_APPS and m is not Organization]


def test_every_tandem_table_carries_its_own_organization_key():
    for model in tenant_models():
        assert issubclass(model, TenantModel), f"{model.__name__} must inherit TenantModel"
        field = model._meta.get_field("organization")
        assert field.related_model is Organization


def test_unique_constraints_and_indexes_lead_with_the_organization():
    for model in tenant_models():
        for constraint in model._meta.constraints:
            if not isinstance(constraint, UniqueConstraint):
                continue  # a check constraint looks at one row: no index to lead
            leading = constraint.fields[0] if constraint.fields else constraint.expressions[0]
            leading = getattr(leading, "name", leading)  # an F() expression names its field
            assert leading == "organization", f"{model.__name__}.{constraint.name} must lead with organization"
        for index in model._meta.indexes:
            assert index.fields[0] == "organization", f"{model.__name__}.{index.name} must lead with organization"


def test_for_org_refuses_to_run_unscoped():
    with pytest.raises(ValueError):
        Person.objects.for_org(None)


@pytest.mark.django_db
def test_another_organizations_object_is_a_plain_404():
    mine, theirs = OrganizationFactory(), OrganizationFactory()
    person = PersonFactory(organization=theirs)
    with pytest.raises(Http404) as foreign:
        get_for_org_or_404(Person, mine, pk=person.pk)
    with pytest.raises(Http404) as missing:
        get_for_org_or_404(Person, mine, pk=10**9)
    assert str(foreign.value) == str(missing.value)


@pytest.mark.django_db
def test_non_members_cannot_resolve_an_organization_that_exists():
    org = OrganizationFactory()
    with pytest.raises(Http404):
        resolve_organization(UserFactory(), org.slug)


def test_a_viewset_cannot_replace_the_scoped_get_queryset():
    with pytest.raises(TypeError):

        class Unscoped(TenantModelViewSet):
            queryset = Person.objects.all()

            def get_queryset(self):
                return Person.objects.all()
