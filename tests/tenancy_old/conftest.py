import pytest
from django.test import Client

from organizations.models import Role

from .graph import build_tenant


@pytest.fixture
def two_tenants(db):
    """Organizations A and B, each with every role and a full object graph."""
    return build_tenant("Alpha Corp", "alpha"), build_tenant("Beta Corp", "beta")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def attacker_client():
    return signed_in


ALL_ROLES = list(Role)
