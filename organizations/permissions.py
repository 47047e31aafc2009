"""The one place that answers "may this user do this here?".

Actions are named capabilities; each organization role holds a fixed set of them. Views,
viewsets, templates (via `perms` in the context) and services all ask `can(...)`. Later
issues add actions and per-program roles here, not in views.
"""

from enum import StrEnum

from .models import Role


class Action(StrEnum):
    ORG_VIEW = "org.view"
    ORG_EDIT = "org.edit"
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    OWNERS_MANAGE = "owners.manage"
    PEOPLE_VIEW = "people.view"
    PEOPLE_MANAGE = "people.manage"
    REPORTS_VIEW = "reports.view"
    TOKENS_OWN = "tokens.own"
    PROGRAMS_VIEW = "programs.view"
    PROGRAMS_CREATE = "programs.create"
    # Held by org admins/owners for every program, and by a program's own managers for theirs
    # (see can_manage_program); never granted by an organization role alone below admin.
    PROGRAM_MANAGE = "program.manage"


_MEMBER = {Action.ORG_VIEW, Action.TOKENS_OWN, Action.PROGRAMS_VIEW}
_LEADER = _MEMBER | {Action.REPORTS_VIEW, Action.MEMBERS_VIEW, Action.PEOPLE_VIEW}
_ADMIN = _LEADER | {
    Action.ORG_EDIT,
    Action.MEMBERS_MANAGE,
    Action.PEOPLE_MANAGE,
    Action.PROGRAMS_CREATE,
    Action.PROGRAM_MANAGE,
}
_OWNER = _ADMIN | {Action.OWNERS_MANAGE}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.MEMBER: frozenset(_MEMBER),
    Role.LEADER: frozenset(_LEADER),
    Role.ADMIN: frozenset(_ADMIN),
    Role.OWNER: frozenset(_OWNER),
}


def can(membership, action: Action) -> bool:
    """True when the membership's role includes the action. No membership, no rights."""
    if membership is None:
        return False
    return action in ROLE_ACTIONS.get(membership.role, frozenset())


def can_assign_role(membership, role: str) -> bool:
    """Admins manage members and admins; only owners make or unmake owners."""
    if not can(membership, Action.MEMBERS_MANAGE):
        return False
    return role != Role.OWNER or can(membership, Action.OWNERS_MANAGE)


def can_change_member(actor_membership, target_membership) -> bool:
    """Whether the actor may change the role of, or remove, the target member."""
    if not can(actor_membership, Action.MEMBERS_MANAGE):
        return False
    if target_membership.role == Role.OWNER:
        return can(actor_membership, Action.OWNERS_MANAGE)
    return True


def actions_for(membership) -> frozenset[Action]:
    if membership is None:
        return frozenset()
    return ROLE_ACTIONS.get(membership.role, frozenset())


def can_manage_program(membership, program) -> bool:
    """Org admins and owners manage every program; a program manager manages their own.

    `program` is duck-typed (its `manager_links`), so this module does not import the later
    `programs` app: data flows one way.
    """
    if membership is None or membership.organization_id != program.organization_id:
        return False
    if can(membership, Action.PROGRAM_MANAGE):
        return True
    return program.manager_links.filter(user_id=membership.user_id).exists()
