"""What the isolation audit knows about every route. Later issues register theirs here.

Each tenant route (one with an `org_slug`) is registered by URL name with a map from its other
URL kwargs to keys of the object graph (`graph.py`): `"org:person-detail": {"pk": "person"}`.
Routes outside any organization are listed in NON_TENANT_ROUTES with a reason, and must be
covered by tests of their own. The audit fails on any route found in neither.

A route may also give `body`: request-body fields that carry foreign keys, mapped to graph
keys, so the audit checks that B's ids in a body answer exactly like missing ids.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TenantRoute:
    kwargs: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)


TENANT_ROUTES: dict[str, TenantRoute] = {}
NON_TENANT_ROUTES: dict[str, str] = {}
# URL prefixes served by third-party apps that hold no tenant data (checked by their own tests).
NON_TENANT_PREFIXES: dict[str, str] = {
    "admin/": "Django admin, superusers only (tests/organizations/test_accounts.py)",
    "accounts/": "allauth sign-in, sign-up, password and MFA pages: the user's own account only",
}


def tenant_route(name, body=None, **kwargs):
    TENANT_ROUTES[name] = TenantRoute(kwargs=kwargs, body=body or {})


def non_tenant_route(name, reason):
    NON_TENANT_ROUTES[name] = reason


# --- organizations (issue 2) -----------------------------------------------------------
non_tenant_route("landing", "public landing page")
non_tenant_route("home", "redirects to one of the user's own organizations")
non_tenant_route("org-list", "lists only the user's own memberships")
non_tenant_route("org-create", "creates a new organization owned by the user")
non_tenant_route("invitation_accept", "signed single-use token; tests/organizations/test_invitations.py")
non_tenant_route("api-my-organizations", "lists only the caller's organizations; test_api_auth.py")
non_tenant_route("api-schema", "static OpenAPI document")
non_tenant_route("api-docs", "static Swagger UI")
non_tenant_route("api-redoc", "static Redoc")
non_tenant_route("healthz", "liveness check, no tenant data")

tenant_route("org:home")
tenant_route("org:settings")
tenant_route("org:members")
tenant_route("org:member-role", pk="membership")
tenant_route("org:member-remove", pk="membership")
tenant_route("org:invitations")
tenant_route("org:invitation-revoke", pk="invitation")
tenant_route("org:invitation-resend", pk="invitation")
tenant_route("org:people")
tenant_route("org:person-create", body={"manager": "person"})
tenant_route("org:person-detail", pk="person")
tenant_route("org:person-edit", pk="person", body={"manager": "person"})
tenant_route("org:people-import")
tenant_route("org:people-import-detail", pk="people_import")
tenant_route("org:people-import-status", pk="people_import")
tenant_route("org:people-import-apply", pk="people_import")
tenant_route("org:tokens")
tenant_route("org:token-revoke", pk="api_token")

tenant_route("api-organization")
tenant_route("member-list")
tenant_route("member-detail", pk="membership")
tenant_route("invitation-list")
tenant_route("invitation-detail", pk="invitation")
tenant_route("person-list", body={"manager": "person"})
tenant_route("person-detail", pk="person", body={"manager": "person"})
tenant_route("people-import-list")
tenant_route("people-import-detail", pk="people_import")
tenant_route("people-import-apply", pk="people_import")
tenant_route("org:person-search")
