"""Who may read which report.

Leaders (Action.REPORTS_VIEW: leaders, admins, owners) read the organization's reports and
every program's; a program's own managers read that program's. The program comes through
programs.access.program_for, so another tenant's program, a missing one and a draft the member
cannot see all answer the same 404; a member who may see the program but not its reports gets
a 403, as elsewhere.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from organizations.permissions import Action, can, can_manage_program
from organizations.scoping import NOT_FOUND_MESSAGE
from programs.access import program_for, visible_programs

REFUSAL = "Only leaders, organization admins and this program's managers can see these reports."


def readable_program(request, program_pk):
    """The program `program_pk` when this member may read its reports; else 404 or 403."""
    program = program_for(request, program_pk)
    if not (can(request.membership, Action.REPORTS_VIEW) or can_manage_program(request.membership, program)):
        raise PermissionDenied(REFUSAL)
    return program


def report_scope(request):
    """The program the query names (?program=), or None for the whole organization, checked
    like readable_program; the organization as a whole needs Action.REPORTS_VIEW."""
    value = request.GET.get("program") or request.POST.get("program") or ""
    if not value:
        if not can(request.membership, Action.REPORTS_VIEW):
            raise PermissionDenied(REFUSAL)
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404(NOT_FOUND_MESSAGE)
    return readable_program(request, int(value))


def can_refresh(request, program=None) -> bool:
    """Admins refresh the figures; a program's managers may too, from their program's pages.
    A rollup always computes the whole organization: it is cheap, and the organization's
    totals and every program's must come from the same run."""
    if can(request.membership, Action.ORG_EDIT):
        return True
    return program is not None and can_manage_program(request.membership, program)


def picker_programs(request):
    """The programs a leader can pick on the organization dashboard."""
    return visible_programs(request).order_by("name", "pk").only("pk", "name", "status")
