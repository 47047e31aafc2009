"""The one pagination for every API list (kept apart from viewsets: DRF imports it at startup)."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=N`, and `?page_size=N` up to a cap so one request cannot ask for a whole directory.

    Pages are cut from a total order: the primary key is appended to any ordering that lacks
    it, or rows sharing a name could appear on two pages, or on none.
    """

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        ordering = list(queryset.query.order_by or queryset.query.get_meta().ordering)
        if not any(key in ("pk", "-pk", "id", "-id") for key in ordering if isinstance(key, str)):
            queryset = queryset.order_by(*ordering, "pk")
        return super().paginate_queryset(queryset, request, view)
