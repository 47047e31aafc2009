"""The world of the mentorship API tests: a live pair (meeting_fixtures.make_pair: a mentor and a
mentee in different time zones) with its program's manager, a member of the organization outside
the pair, and a pair in another organization."""

import pytest

from programs.models import ProgramManager

from ..factories import OrganizationFactory
from ..organizations.api_helpers import api_url, session_client, token_client
from .meeting_fixtures import linked_person, make_pair


def manager_of(program):
    """A plain member of the organization who manages `program`."""
    person = linked_person(program.organization, "Pat Manager")
    ProgramManager.objects.create(organization=program.organization, program=program, user=person.user)
    return person.user


def client_of(user, org):
    """A script's client: a personal token of `user` in `org`."""
    return token_client(user, org)


def browser_of(user):
    return session_client(user)


def url(org, path):
    return api_url(org, path)


@pytest.fixture(name="pair")
def pair_fixture(org):
    return make_pair(org)


@pytest.fixture(name="manager")
def manager_fixture(pair):
    return manager_of(pair.program)


@pytest.fixture(name="outsider")
def outsider_fixture(org):
    """A member of the same organization who is not in the pair and manages nothing."""
    return linked_person(org, "Olly").user


@pytest.fixture(name="foreign_pair")
def foreign_pair_fixture(db):
    return make_pair(OrganizationFactory(name="Globex", slug="globex"), names=("Gus", "Gia"))
