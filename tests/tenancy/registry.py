"""What the isolation audit knows about every route. Later issues register theirs here.

Each tenant route (one with an `org_slug`) is registered by URL name with a map from its other
URL kwargs to keys of the object graph (`graph.py`): `"org:person-detail": {"pk": "person"}`.
Routes outside any organization are listed in NON_TENANT_ROUTES with a reason, and must be
covered by tests of their own. The audit fails on any route found in neither; only the
namespaces in NON_TENANT_NAMESPACES are skipped whole.

A tenant route may also give
- `body`: request-body fields that carry foreign keys, mapped to graph keys, so the audit checks
  that B's ids in a body answer exactly like missing ids;
- `base_body`: the rest of an otherwise valid body (a dict, or a function of the attacker's
  object graph returning one), so a view that refuses an incomplete body before it looks the
  foreign key up cannot hide an unscoped lookup;
- `query`: query-string parameters that carry foreign keys (API filters such as `?manager=`),
  mapped to graph keys. The audit refuses an API route whose django-filter filterset has a
  foreign-key filter this map does not name;
- `fixed`: URL kwargs that are not ids (an export's table and format), with the value every
  request uses, another organization's and a missing one's alike.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TenantRoute:
    kwargs: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)
    base_body: dict | Callable[[dict], dict] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)


TENANT_ROUTES: dict[str, TenantRoute] = {}
NON_TENANT_ROUTES: dict[str, str] = {}
# Namespaces skipped whole, each with the test that covers it instead.
NON_TENANT_NAMESPACES: dict[str, str] = {
    "admin": "Django admin, superusers only (tests/organizations/test_accounts.py)",
}


def tenant_route(name, body=None, base_body=None, query=None, fixed=None, **kwargs):
    TENANT_ROUTES[name] = TenantRoute(
        kwargs=kwargs, body=body or {}, base_body=base_body or {}, query=query or {}, fixed=fixed or {}
    )


def non_tenant_route(name, reason):
    NON_TENANT_ROUTES[name] = reason


def non_tenant_routes(names, reason):
    for name in names:
        non_tenant_route(name, reason)


# --- allauth (accounts/) ------------------------------------------------------------------
# Named one by one, so a route a settings change or an allauth upgrade adds fails the audit
# until someone decides it holds no tenant data.
non_tenant_routes(
    [
        "account_login",
        "account_logout",
        "account_inactive",
        "account_signup",
        "account_confirm_login_code",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
    ],
    "allauth sign-in, sign-up and recovery, before any organization; enumeration-safe "
    "(tests/organizations/test_accounts.py)",
)
non_tenant_routes(
    [
        "account_reauthenticate",
        "account_email",
        "account_change_password",
        "account_set_password",
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    ],
    "allauth pages about the signed-in user's own account (email, password, two-factor): "
    "no organization data (tests/organizations/test_accounts.py)",
)

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
PERSON_BODY = {"name": "Audit Person"}
tenant_route("org:person-create", body={"manager": "person"}, base_body=PERSON_BODY)
tenant_route("org:person-detail", pk="person")
tenant_route("org:person-edit", pk="person", body={"manager": "person"}, base_body=PERSON_BODY)
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
tenant_route("person-list", body={"manager": "person"}, base_body=PERSON_BODY)
tenant_route("person-detail", pk="person", body={"manager": "person"}, base_body=PERSON_BODY)
tenant_route("people-import-list")
tenant_route("people-import-detail", pk="people_import")
tenant_route("people-import-apply", pk="people_import")
tenant_route("org:person-search", query={"exclude": "person"})  # the picker leaves out the person being edited
tenant_route("org:logo")

# Later apps register their routes in modules of their own, imported here. Some reuse helpers
# of their graph builders, so the graph (which imports every builder in data-flow order) loads
# first, whichever of the two modules is imported first.
from . import graph  # noqa: E402, F401

# isort: split
from . import (  # noqa: E402
    registry_matching,  # noqa: F401
    registry_mentorships,  # noqa: F401
    registry_notifications,  # noqa: F401
    registry_programs_design,  # noqa: F401
    registry_programs_recruitment,  # noqa: F401
    registry_programs_training,  # noqa: F401
    registry_reports,  # noqa: F401
    registry_surveys,  # noqa: F401
)
