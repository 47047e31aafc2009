"""(being written)"""

from django.http import Http404

from ..scoping import org_view


@org_view()
def org_home(request, pk=None):
    raise Http404


@org_view()
def org_settings(request, pk=None):
    raise Http404
