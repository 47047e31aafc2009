"""Isolation-audit routes for notifications: the in-app list, mark read, the settings page, and
the signed unsubscribe link (outside any organization)."""

from .registry import non_tenant_route, tenant_route

tenant_route("notifications:list")
tenant_route("notifications:read", pk="notification")
tenant_route("notifications:read-all")
tenant_route("notifications:settings")

non_tenant_route(
    "notification-unsubscribe",
    "signed token naming one user, organization and kind; stops only that kind's emails, works "
    "signed out (tests/organizations/test_notify.py)",
)
