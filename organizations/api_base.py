"""Base classes every tenant API endpoint builds on.

`TenantViewSetMixin` owns `get_queryset`: it resolves the organization from the URL, checks the
membership (and that an API token belongs to this organization) and scopes the queryset with
`for_org`. Subclasses refine the scoped queryset in `refine_queryset`; overriding
`get_queryset` is refused at class creation, so scoping cannot be forgotten or bypassed.
Their foreign-key query-string filters are scoped by `api_filters.TenantFilterBackend`, the
default filter backend.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, viewsets
from rest_framework.settings import api_settings

from .api_filters import TenantFilterBackend
from .models import ApiToken
from .permissions import Action
from .scoping import NOT_FOUND_MESSAGE, require, resolve_organization

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TenantViewSetMixin:
    read_action: Action | None = Action.ORG_VIEW
    # None makes the endpoint read-only for every role.
    write_action: Action | None = None
    organization = None
    membership = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must refine refine_queryset(), not override get_queryset()")
        # Plain django-filter checks foreign-key filter values against every organization's rows.
        for backend in getattr(cls, "filter_backends", ()):
            if issubclass(backend, DjangoFilterBackend) and not issubclass(backend, TenantFilterBackend):
                raise TypeError(f"{cls.__name__} must filter with TenantFilterBackend, not {backend.__name__}")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        organization, membership = resolve_organization(request.user, kwargs.get("org_slug"))
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and token.organization_id != organization.pk:
            # A token is scoped to one organization; elsewhere it sees nothing at all.
            raise Http404(NOT_FOUND_MESSAGE)
        self.organization, self.membership = organization, membership
        request.organization, request.membership = organization, membership
        if request.method in SAFE_METHODS:
            require(membership, self.read_action)
        elif self.write_action is None:
            raise exceptions.MethodNotAllowed(request.method)
        else:
            require(membership, self.write_action)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        if self.organization is None:
            raise Http404(NOT_FOUND_MESSAGE)
        return self.refine_queryset(self.queryset.all().for_org(self.organization))

    def refine_queryset(self, queryset):
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["organization"] = self.organization
        context["membership"] = self.membership
        return context

    def perform_create(self, serializer):
        serializer.save(organization=self.organization)


class TenantModelViewSet(TenantViewSetMixin, viewsets.ModelViewSet):
    pass


class TenantReadOnlyViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key in a request body, looked up only inside the request's organization.

    Another organization's id fails exactly like an id that does not exist.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        organization = self.context.get("organization")
        if organization is None:
            return queryset.none()
        return queryset.for_org(organization)


def translate_service_errors(call, *, field=None):
    """Run a service call, turning its Django errors into API errors naming the field.

    Services raise django ValidationError({field: [...]}) and PermissionDenied; every API
    endpoint calls services through this, so their errors reach clients in one shape. A bare
    message (no field) is reported under `field`, or under non_field_errors.
    """
    try:
        return call()
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error)) from error
    except DjangoValidationError as error:
        non_field = api_settings.NON_FIELD_ERRORS_KEY
        if hasattr(error, "error_dict"):
            detail = {non_field if k == NON_FIELD_ERRORS else k: v for k, v in error.message_dict.items()}
        else:
            detail = {field or non_field: error.messages}
        raise exceptions.ValidationError(detail) from error
