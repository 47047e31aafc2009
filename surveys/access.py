"""Who may build questionnaires.

Questionnaires belong to the organization, not to one program (a program links to its intake
questionnaires, and a new cycle copies them), so the rule is organization-wide and simple:
organization admins and owners (Action.PROGRAM_MANAGE), and anyone who manages at least one
program of the organization (the per-program `manager` role), may build and edit the
organization's questionnaires and read their responses. Everybody else gets 403.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied

from organizations.permissions import Action, can

REFUSAL = "Only organization admins and program managers can build questionnaires."


def can_manage_questionnaires(membership) -> bool:
    if membership is None:
        return False
    if can(membership, Action.PROGRAM_MANAGE):
        return True
    # Looked up by name: programs depends on surveys, not the other way round.
    program_manager = apps.get_model("programs", "ProgramManager")
    return program_manager.objects.for_org(membership.organization_id).filter(user_id=membership.user_id).exists()


def require_questionnaire_manager(membership):
    if not can_manage_questionnaires(membership):
        raise PermissionDenied(REFUSAL)
