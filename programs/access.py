"""Finding a program for a request, and who may do what with it.

Every program page and endpoint gets its program through `program_for(...)`: scoped to the
organization (another tenant's program is a 404 like a missing one), and a draft program is
invisible (404) to anyone who cannot manage it. `require_manage` is the one check for the
per-program manager role (organizations.permissions.can_manage_program).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from organizations.permissions import can_manage_program
from organizations.scoping import NOT_FOUND_MESSAGE

from .models import Program, ProgramStatus


def program_for(request, pk, *, queryset=None):
    """The request organization's program `pk`, as this member may see it, else 404."""
    programs = (queryset if queryset is not None else Program.objects.all()).for_org(request.organization)
    program = programs.filter(pk=pk).first()
    if program is None:
        raise Http404(NOT_FOUND_MESSAGE)
    if program.status == ProgramStatus.DRAFT and not can_manage_program(request.membership, program):
        raise Http404(NOT_FOUND_MESSAGE)
    return program


def require_manage(request, program):
    if not can_manage_program(request.membership, program):
        raise PermissionDenied("Only this program's managers and organization admins can do this.")


def managed_program(request, pk, *, queryset=None):
    """The program `pk` for a manager's page: scoped like program_for, then require_manage."""
    program = program_for(request, pk, queryset=queryset)
    require_manage(request, program)
    return program


def visible_programs(request):
    """Programs this member may see: all for admins; for others every non-draft program and
    the drafts they manage."""
    from django.db.models import Q

    from organizations.permissions import Action, can

    programs = Program.objects.for_org(request.organization)
    if can(request.membership, Action.PROGRAM_MANAGE):
        return programs
    return programs.filter(~Q(status=ProgramStatus.DRAFT) | Q(manager_links__user=request.user)).distinct()
