"""Who may build questionnaires, and which ones.

Questionnaires belong to the organization, not to one program (a program links to its intake
questionnaires, and a new cycle copies them). Organization admins and owners
(Action.PROGRAM_MANAGE) build and read every one of them. Anyone who manages at least one
program (the per-program `manager` role) reaches the builder too, but sees only the
questionnaires no other program uses: their own programs' intakes and surveys and free-standing
ones. A questionnaire a program they do not manage links to or surveys with, or that the
applicants of such a program answered, answers 404 like a missing one, so the manager of
program A can neither read nor edit program B's intake answers or survey questions. Everybody else gets 403.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from organizations.permissions import Action, can

from .models import Survey

REFUSAL = "Only organization admins and program managers can build questionnaires."
# Program's foreign keys to its intake questionnaires (looked up by name: programs depends on
# surveys, not the other way round).
PROGRAM_QUESTIONNAIRE_FIELDS = ("mentor_questionnaire", "mentee_questionnaire", "peer_questionnaire")


def can_manage_questionnaires(membership) -> bool:
    if membership is None:
        return False
    if can(membership, Action.PROGRAM_MANAGE):
        return True
    program_manager = apps.get_model("programs", "ProgramManager")
    return program_manager.objects.for_org(membership.organization_id).filter(user_id=membership.user_id).exists()


def require_questionnaire_manager(membership):
    if not can_manage_questionnaires(membership):
        raise PermissionDenied(REFUSAL)


def manageable_questionnaires(membership, queryset):
    """The questionnaires of `queryset` (already scoped to the organization) this member may build
    and whose responses they may read."""
    if can(membership, Action.PROGRAM_MANAGE):
        return queryset
    org_id = membership.organization_id
    program = apps.get_model("programs", "Program")
    enrollment = apps.get_model("programs", "Enrollment")
    others = program.objects.for_org(org_id).exclude(manager_links__user_id=membership.user_id)
    # NULLs are filtered out of each subquery: NOT IN (..., NULL) would exclude every row.
    foreign = Q(
        pk__in=enrollment.objects.for_org(org_id)
        .filter(program__in=others, response__isnull=False)
        .values("response__questionnaire_id")
    )
    for field in PROGRAM_QUESTIONNAIRE_FIELDS:
        foreign |= Q(pk__in=others.filter(**{f"{field}__isnull": False}).values(field))
    # Another program's survey questions are that program's managers' business too.
    foreign |= Q(pk__in=Survey.objects.for_org(org_id).filter(program__in=others).values("questionnaire_id"))
    return queryset.exclude(foreign)
