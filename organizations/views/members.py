"""(being written)"""

from django.http import Http404

from ..scoping import org_view


@org_view()
def member_list(request, pk=None):
    raise Http404


@org_view()
def member_change_role(request, pk=None):
    raise Http404


@org_view()
def member_remove(request, pk=None):
    raise Http404


@org_view()
def invitation_list(request, pk=None):
    raise Http404


@org_view()
def invitation_revoke(request, pk=None):
    raise Http404


@org_view()
def invitation_resend(request, pk=None):
    raise Http404
