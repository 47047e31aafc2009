"""The tenant-scoping toolkit: every org-scoped view and API endpoint goes through here.

- The organization comes from the URL (`/o/<org_slug>/...`, `/api/v1/o/<org_slug>/...`).
- `resolve_organization` checks membership once. A non-member gets the same 404 as a slug
  that does not exist, so the existence of another tenant is never revealed.
- Querysets start from `Model.objects.for_org(org)`; single objects come from
  `get_for_org_or_404`, so another tenant's id answers exactly like a missing id.
- Foreign keys in request bodies are resolved by `TenantPrimaryKeyRelatedField` (API) and
  `scope_form_querysets` (HTML forms) against the same organization.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership
from .permissions import Action, can

NOT_FOUND_MESSAGE = "Not found."
SESSION_LAST_ORG = "tandem_last_org"


def resolve_organization(user, slug):
    """Return (organization, membership) for a member; raise Http404 for anyone else."""
    if not user or not user.is_authenticated:
        raise Http404(NOT_FOUND_MESSAGE)
    membership = Membership.objects.select_related("organization").filter(organization__slug=slug, user=user).first()
    if membership is None:
        raise Http404(NOT_FOUND_MESSAGE)
    return membership.organization, membership


def get_for_org_or_404(queryset_or_model, organization, **lookup):
    """Fetch one tenant object; another organization's id is indistinguishable from a missing one."""
    manager = getattr(queryset_or_model, "objects", None)
    queryset = manager.all() if manager is not None else queryset_or_model
    return get_object_or_404(queryset.for_org(organization), **lookup)


def _bind(request, organization, membership):
    request.organization = organization
    request.membership = membership
    # Only a change is written: an unchanged session costs no UPDATE per page.
    if hasattr(request, "session") and request.session.get(SESSION_LAST_ORG) != organization.slug:
        request.session[SESSION_LAST_ORG] = organization.slug


def require(membership, action):
    if action is not None and not can(membership, action):
        raise PermissionDenied("Your role in this organization does not allow this.")


def org_view(action: Action | None = Action.ORG_VIEW):
    """Decorator for function views under /o/<org_slug>/: resolves the tenant, checks `action`.

    The view receives `request.organization` and `request.membership` and no `org_slug`.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, org_slug, *args, **kwargs):
            organization, membership = resolve_organization(request.user, org_slug)
            _bind(request, organization, membership)
            require(membership, action)
            return view(request, *args, **kwargs)

        wrapper.tandem_org_scoped = True
        return wrapper

    return decorator


class OrgScopedMixin:
    """Class-based view mixin: the same resolution as `org_view`, before anything else runs."""

    required_action: Action | None = Action.ORG_VIEW
    tandem_org_scoped = True

    def dispatch(self, request, *args, **kwargs):
        organization, membership = resolve_organization(request.user, kwargs.pop("org_slug"))
        _bind(request, organization, membership)
        self.organization, self.membership = organization, membership
        require(membership, self.required_action)
        return super().dispatch(request, *args, **kwargs)


def scope_form_querysets(form, organization):
    """Limit every model-choice field of a form to the organization's own rows."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "for_org"):
            field.queryset = queryset.for_org(organization)
    return form
