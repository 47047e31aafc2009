"""A test of the test: the isolation audit must fail on each deliberately unscoped view."""

import pytest

from organizations.models import Role

from . import registry
from .audit import audit_routes
from .conftest import signed_in

LEAKY = "tests.tenancy_old.leaky_urls"


@pytest.fixture
def leaky_registry(monkeypatch):
    routes = dict(registry.TENANT_ROUTES)
    routes["leak-unscoped-person"] = registry.TenantRoute(kwargs={"pk": "person"})
    routes["leak-no-membership"] = registry.TenantRoute()
    routes["leak-forbidden"] = registry.TenantRoute()
    routes["leak-body-fk"] = registry.TenantRoute(body={"manager": "person"})
    monkeypatch.setattr(registry, "TENANT_ROUTES", routes)
    from . import audit

    monkeypatch.setattr(audit, "TENANT_ROUTES", routes)


@pytest.fixture
def problems(two_tenants, leaky_registry):
    alpha, beta = two_tenants
    return audit_routes(signed_in(alpha[1][Role.OWNER]), alpha, beta, urlconf=LEAKY)


def _about(problems, fragment):
    return [p for p in problems if fragment in p]


def test_a_view_that_forgets_for_org_is_caught(problems):
    assert _about(problems, "/leak/person/"), problems


def test_a_view_that_skips_the_membership_check_is_caught(problems):
    assert _about(problems, "/leak/org/"), problems


def test_403_for_an_existing_organization_is_caught_as_a_hint(problems):
    assert _about(problems, "/leak/forbidden/"), problems


def test_a_foreign_key_in_the_body_from_another_organization_is_caught(problems):
    assert _about(problems, "leak-body-fk"), problems


def test_an_unregistered_route_fails_the_audit(problems):
    assert _about(problems, "leak-unregistered"), problems
    assert _about(problems, "leak-stray"), problems


def test_the_real_routes_pass_under_the_same_audit(problems):
    """Only the deliberate leaks are reported: the audit does not cry wolf."""
    assert all("leak" in p for p in problems), problems
