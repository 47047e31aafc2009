"""The default filter backend of the API (REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]).

It lives apart from api_base.py on purpose: DRF imports the default backends while
`rest_framework.generics` is being imported, so this module must not import DRF's views.
"""

from django.core.exceptions import ImproperlyConfigured
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend


class TenantFilterBackend(DjangoFilterBackend):
    """django-filter, with every foreign-key filter limited to the request's organization.

    django-filter validates `?manager=<id>` against the related model's default manager, so
    without this another organization's id would be accepted (an empty page) where a missing
    one is refused (400): an existence oracle. Scoped, both are refused alike.
    """

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        organization = getattr(view, "organization", None)
        for name, filter_ in filterset.filters.items():
            if isinstance(filter_, QuerySetRequestMixin):
                filter_.queryset = _scoped_choices(filter_.queryset, organization, f"{type(view).__name__}.{name}")
        return filterset


def _scoped_choices(choices, organization, where):
    """Wrap a filter's queryset (or callable taking the request) so it resolves inside organization."""

    def resolve(request):
        queryset = choices(request) if callable(choices) else choices
        if queryset is None:
            return None
        if not hasattr(queryset, "for_org"):
            # Failing loudly beats a filter that quietly confirms ids of other tenants' rows.
            raise ImproperlyConfigured(
                f"Filter {where} chooses among {queryset.model.__name__} rows, which have no organization: "
                "filter on a tenant model's field instead."
            )
        return queryset.none() if organization is None else queryset.for_org(organization)

    return resolve
