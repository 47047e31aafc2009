"""Proof of tenant isolation: every route, every method, every role of A against B's data."""

import pytest
from django.test import Client

from organizations.models import Role

from .audit import audit_routes, iter_routes
from .conftest import signed_in
from .registry import TENANT_ROUTES


@pytest.mark.parametrize("role", list(Role))
def test_no_route_leaks_across_organizations(two_tenants, role):
    alpha, beta = two_tenants
    problems = audit_routes(signed_in(alpha[1][role]), alpha, beta)
    assert problems == [], "\n".join(problems)


def test_an_api_token_of_one_organization_sees_nothing_of_another(two_tenants):
    from organizations.services import api_token_create

    alpha, beta = two_tenants
    _, raw_key = api_token_create(organization=alpha[0], user=alpha[1][Role.OWNER], name="audit")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    problems = [p for p in audit_routes(client, alpha, beta) if "/api/" in p or p.startswith(("UNKNOWN", "WRITE"))]
    assert problems == [], "\n".join(problems)


def test_every_registered_route_still_exists():
    """A stale registry entry would silently stop covering a renamed route."""
    names = {route.name for route in iter_routes()}
    assert set(TENANT_ROUTES) - names == set()
