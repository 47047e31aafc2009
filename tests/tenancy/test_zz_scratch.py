import contextlib
import pytest
from django.db import transaction
from organizations.models import Role
from . import audit, registry
from .conftest import signed_in
from .graph import build_tenant
from .leaky_urls import LEAKY_ROUTES

pytestmark = pytest.mark.django_db

@pytest.mark.parametrize("mode", ["nomask", "noisolation"])
def test_scratch(mode, monkeypatch):
    if mode == "nomask":
        @contextlib.contextmanager
        def nothing():
            yield set()
        monkeypatch.setattr(audit, "_collect_created_ids", nothing)
    else:
        def plain(self, route, method, url, body):
            return audit._request(self.client, method, url, body), set()
        monkeypatch.setattr(audit.Auditor, "_isolated", plain)
    alpha, beta = build_tenant("Alpha Corp", "alpha"), build_tenant("Beta Corp", "beta")
    found = audit.audit_routes(signed_in(alpha[1][Role.OWNER]), alpha, beta, urlconf="tests.tenancy.leaky_urls",
                               tenant_routes={**registry.TENANT_ROUTES, **LEAKY_ROUTES})
    print(mode, [p for p in found if "safe" in p or "leak" not in p])
