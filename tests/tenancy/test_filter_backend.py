"""TenantFilterBackend: a foreign-key filter only knows the request's organization's rows."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from organizations.api_base import TenantReadOnlyViewSet
from organizations.api_filters import TenantFilterBackend
from organizations.models import Person, Role

from ..factories import MembershipFactory, OrganizationFactory, PersonFactory, UserFactory
from .conftest import signed_in
from .leaky_urls import ManagerFilterViewSet, PersonNameSerializer

LEAKY = "tests.tenancy.leaky_urls"
MISSING_ID = 2_000_000_000


@pytest.fixture
def setup(db, settings):
    settings.ROOT_URLCONF = LEAKY
    alpha, beta = OrganizationFactory(slug="alpha"), OrganizationFactory(slug="beta")
    boss = PersonFactory(organization=alpha, name="Alpha Boss")
    report = PersonFactory(organization=alpha, name="Alpha Report", manager=boss)
    other_boss = PersonFactory(organization=beta)
    user = UserFactory()
    MembershipFactory(organization=alpha, user=user, role=Role.MEMBER)
    return signed_in(user), boss, report, other_boss


def _filter(client, flavour, manager_id):
    return client.get(f"/api/v1/o/alpha/{flavour}/filter/", {"manager": manager_id})


def test_filtering_by_an_own_manager_lists_their_reports(setup):
    client, boss, report, _ = setup
    response = _filter(client, "safe", boss.pk)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == [report.name]


def test_another_organizations_manager_is_refused_like_a_missing_one(setup):
    client, _, _, other_boss = setup
    foreign, missing = _filter(client, "safe", other_boss.pk), _filter(client, "safe", MISSING_ID)
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
    assert "manager" in foreign.json()["error"]["fields"]


def test_plain_django_filter_would_have_confirmed_the_other_organizations_id(setup):
    """Why the backend exists: unscoped, B's id is a valid choice (an empty page), a missing id is not."""
    client, _, _, other_boss = setup
    assert _filter(client, "leak", other_boss.pk).status_code == 200
    assert _filter(client, "leak", MISSING_ID).status_code == 400


def test_it_is_the_default_backend_of_tenant_viewsets():
    assert TenantFilterBackend in ManagerFilterViewSet.filter_backends


def test_a_tenant_viewset_refuses_plain_django_filter():
    with pytest.raises(TypeError, match="TenantFilterBackend"):

        class Unscoped(TenantReadOnlyViewSet):
            queryset = Person.objects.all()
            filter_backends = [DjangoFilterBackend]


def test_a_filter_on_a_model_without_organization_fails_loudly(setup):
    """Person.user points at accounts, which belong to no organization: nothing to scope by."""
    organization = setup[1].organization

    class ByUser(TenantReadOnlyViewSet):
        queryset = Person.objects.all()
        serializer_class = PersonNameSerializer
        filterset_fields = ["user"]

    request = Request(APIRequestFactory().get("/", {"user": 1}))
    queryset = Person.objects.for_org(organization)
    filterset = TenantFilterBackend().get_filterset(request, queryset, ByUser(organization=organization))
    with pytest.raises(ImproperlyConfigured, match="ByUser.user"):
        filterset.is_valid()
