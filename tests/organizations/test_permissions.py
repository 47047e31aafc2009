"""The permission matrix: every role against every action, written out so a change is deliberate."""

import pytest

from organizations.models import Membership, Role
from organizations.permissions import Action, actions_for, can, can_assign_role, can_change_member

OWNER, ADMIN, LEADER, MEMBER = Role.OWNER, Role.ADMIN, Role.LEADER, Role.MEMBER

# Which roles hold each action. Adding an Action without a row here fails the test below.
EXPECTED = {
    Action.ORG_VIEW: {OWNER, ADMIN, LEADER, MEMBER},
    Action.ORG_EDIT: {OWNER, ADMIN},
    Action.MEMBERS_VIEW: {OWNER, ADMIN, LEADER},
    Action.MEMBERS_MANAGE: {OWNER, ADMIN},
    Action.OWNERS_MANAGE: {OWNER},
    Action.PEOPLE_VIEW: {OWNER, ADMIN, LEADER},
    Action.PEOPLE_MANAGE: {OWNER, ADMIN},
    Action.REPORTS_VIEW: {OWNER, ADMIN, LEADER},
    Action.TOKENS_OWN: {OWNER, ADMIN, LEADER, MEMBER},
    Action.PROGRAMS_VIEW: {OWNER, ADMIN, LEADER, MEMBER},
    Action.PROGRAMS_CREATE: {OWNER, ADMIN},
    Action.PROGRAM_MANAGE: {OWNER, ADMIN},
}


def as_role(role):
    """An unsaved membership: permissions depend on the role alone, no database needed."""
    return Membership(role=role)


def test_the_table_covers_every_action():
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("action", list(Action))
def test_can_matches_the_table(role, action):
    assert can(as_role(role), action) is (role in EXPECTED[action])


@pytest.mark.parametrize("role", Role.values)
def test_actions_for_is_the_same_table_read_by_role(role):
    assert actions_for(as_role(role)) == {action for action, roles in EXPECTED.items() if role in roles}


@pytest.mark.parametrize("action", list(Action))
def test_no_membership_means_no_rights(action):
    assert can(None, action) is False
    assert actions_for(None) == frozenset()


def test_an_unknown_role_has_no_rights():
    assert actions_for(as_role("emperor")) == frozenset()
    assert not can(as_role("emperor"), Action.ORG_VIEW)


# actor role -> roles that actor may give (by invitation or role change)
ASSIGNABLE = {
    OWNER: {OWNER, ADMIN, LEADER, MEMBER},
    ADMIN: {ADMIN, LEADER, MEMBER},
    LEADER: set(),
    MEMBER: set(),
}


@pytest.mark.parametrize("actor", Role.values)
@pytest.mark.parametrize("role", Role.values)
def test_can_assign_role(actor, role):
    assert can_assign_role(as_role(actor), role) is (role in ASSIGNABLE[actor])


def test_no_membership_assigns_nothing():
    assert not any(can_assign_role(None, role) for role in Role.values)


# actor role -> roles of the members that actor may change or remove
CHANGEABLE = {
    OWNER: {OWNER, ADMIN, LEADER, MEMBER},
    ADMIN: {ADMIN, LEADER, MEMBER},
    LEADER: set(),
    MEMBER: set(),
}


@pytest.mark.parametrize("actor", Role.values)
@pytest.mark.parametrize("target", Role.values)
def test_can_change_member(actor, target):
    assert can_change_member(as_role(actor), as_role(target)) is (target in CHANGEABLE[actor])


def test_no_membership_changes_no_one():
    assert not any(can_change_member(None, as_role(role)) for role in Role.values)
