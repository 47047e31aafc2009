"""(being written)"""

from django.http import Http404

from ..scoping import org_view


@org_view()
def import_upload(request, pk=None):
    raise Http404


@org_view()
def import_detail(request, pk=None):
    raise Http404


@org_view()
def import_status(request, pk=None):
    raise Http404


@org_view()
def import_apply(request, pk=None):
    raise Http404
