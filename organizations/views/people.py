"""(being written)"""

from django.http import Http404

from ..scoping import org_view


@org_view()
def person_list(request, pk=None):
    raise Http404


@org_view()
def person_create(request, pk=None):
    raise Http404


@org_view()
def person_detail(request, pk=None):
    raise Http404


@org_view()
def person_edit(request, pk=None):
    raise Http404
