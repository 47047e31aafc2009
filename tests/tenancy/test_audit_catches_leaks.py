"""A test of the test: the isolation audit must fail on each deliberately unscoped view."""

import pytest
from django.db import transaction

from organizations.models import Role

from . import registry
from .audit import audit_routes
from .conftest import signed_in
from .graph import build_tenant
from .leaky_urls import LEAKY_ROUTES

LEAKY = "tests.tenancy.leaky_urls"
# The marker is what makes pytest-django create the test database at all: without a test that
# asks for it, the module fixture below would run against the configured (real) database.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def problems(django_db_setup, django_db_blocker):
    """One audit of the leaky routes for the whole module (it takes seconds), rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        alpha, beta = build_tenant("Alpha Corp", "alpha"), build_tenant("Beta Corp", "beta")
        found = audit_routes(
            signed_in(alpha[1][Role.OWNER]),
            alpha,
            beta,
            urlconf=LEAKY,
            tenant_routes={**registry.TENANT_ROUTES, **LEAKY_ROUTES},
        )
        transaction.set_rollback(True)
    return found


def _about(problems, fragment):
    return [p for p in problems if fragment in p]


def test_a_view_that_forgets_for_org_is_caught(problems):
    assert _about(problems, "/leak/person/"), problems


def test_a_view_that_skips_the_membership_check_is_caught(problems):
    assert _about(problems, "/leak/org/"), problems


def test_403_for_an_existing_organization_is_caught_as_a_hint(problems):
    assert _about(problems, "/leak/forbidden/"), problems


def test_a_foreign_key_in_the_body_from_another_organization_is_caught(problems):
    assert _about(problems, "leak-body-fk,"), problems


def test_a_foreign_key_checked_only_after_a_required_field_is_caught(problems):
    """The base body fills the required name, so the unscoped lookup behind it is reached."""
    found = _about(problems, "(leak-body-fk-behind-name, other organization's ids in the body)")
    assert [p.split()[1] for p in found] == ["POST"], problems


def test_a_leak_on_head_only_is_caught(problems):
    found = _about(problems, "/leak/head/")
    assert found, problems
    assert {p.split()[1] for p in found} == {"HEAD"}, found


def test_a_leak_on_options_only_is_caught(problems):
    found = _about(problems, "/leak/options/")
    assert found, problems
    assert {p.split()[1] for p in found} == {"OPTIONS"}, found


def test_an_unscoped_foreign_key_filter_in_the_query_string_is_caught(problems):
    found = _about(problems, "(leak-fk-filter, other organization's ids in the query string)")
    assert {p.split()[1] for p in found} == {"GET", "HEAD"}, problems


def test_the_same_filter_through_the_tenant_filter_backend_passes(problems):
    assert _about(problems, "safe-fk-filter") == []


def test_a_foreign_key_filter_the_registry_does_not_name_fails_the_audit(problems):
    assert _about(problems, "UNKNOWN filter 'manager'"), problems
    assert all("leak-fk-filter-unregistered" in p for p in _about(problems, "UNKNOWN filter"))


def test_a_write_that_stores_another_organizations_id_is_caught(problems):
    """Both ids get the same 201, but the row written points into the other organization."""
    found = _about(problems, "WRITE POST /api/v1/o/alpha/leak/raw-fk/")
    assert found and all("points at another organization's row" in p for p in found), problems


def test_a_valid_body_that_really_writes_is_compared_on_equal_footing(problems):
    """New ids in the Location and a flash message from the first write do not count as a leak."""
    assert _about(problems, "safe-body-write") == []


def test_an_unregistered_route_fails_the_audit(problems):
    assert _about(problems, "leak-unregistered"), problems
    assert _about(problems, "leak-stray"), problems


def test_the_real_routes_pass_under_the_same_audit(problems):
    """Only the deliberate leaks are reported: the audit does not cry wolf."""
    assert all("leak" in p for p in problems), problems
