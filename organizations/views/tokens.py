"""(being written)"""

from django.http import Http404

from ..scoping import org_view


@org_view()
def token_list(request, pk=None):
    raise Http404


@org_view()
def token_revoke(request, pk=None):
    raise Http404
