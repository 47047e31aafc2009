"""Shared fixtures of the reports tests (each module brings its own `program`)."""

import pytest

from organizations.models import Role
from programs.models import Program, ProgramManager, ProgramStatus

from ..factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def people(org, program, member_of):
    """A user per role, a manager of the program (a member by organization role), a manager of
    another program, and someone from another organization."""
    other_program = Program.objects.create(organization=org, name="Other", status=ProgramStatus.ACTIVE)
    manager = member_of(org, Role.MEMBER)
    ProgramManager.objects.create(organization=org, program=program, user=manager)
    other_manager = member_of(org, Role.MEMBER)
    ProgramManager.objects.create(organization=org, program=other_program, user=other_manager)
    outsider = UserFactory()
    MembershipFactory(organization=OrganizationFactory(), user=outsider, role=Role.OWNER)
    return {
        "owner": member_of(org, Role.OWNER),
        "admin": member_of(org, Role.ADMIN),
        "leader": member_of(org, Role.LEADER),
        "member": member_of(org, Role.MEMBER),
        "manager": manager,
        "other_manager": other_manager,
        "outsider": outsider,
    }
