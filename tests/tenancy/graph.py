"""A full object graph for one organization, every role included.

Each app registers a builder: `builder(org, users, objects) -> dict` of graph keys to objects,
run in registration order (so a later app can use an earlier app's objects). The isolation
audit builds this graph for two organizations and tries one's keys against the other.
"""

from organizations.models import PeopleImport, PersonChange, Role
from organizations.services import api_token_create

from ..factories import InvitationFactory, MembershipFactory, OrganizationFactory, PersonFactory, UserFactory

GRAPH_BUILDERS = []


def graph_builder(func):
    GRAPH_BUILDERS.append(func)
    return func


@graph_builder
def organizations_graph(org, users, objects):
    manager = PersonFactory(organization=org, name=f"{org.name} Manager")
    person = PersonFactory(organization=org, manager=manager)
    PersonChange.objects.create(
        organization=org, person=person, field="department", old_value="Sales", new_value="Engineering", source="manual"
    )
    token, _ = api_token_create(organization=org, user=users[Role.OWNER], name="script")
    return {
        "membership": users[Role.MEMBER].memberships.get(organization=org),
        "invitation": InvitationFactory(organization=org),
        "person": person,
        "manager_person": manager,
        "people_import": PeopleImport.objects.create(
            organization=org, uploaded_by=users[Role.ADMIN], file_name="people.csv", content=b"name\nAda\n"
        ),
        "api_token": token,
    }


def build_tenant(name, slug):
    """One organization with a user in every role and every registered kind of object."""
    org = OrganizationFactory(name=name, slug=slug)
    users = {}
    for role in Role:
        user = UserFactory(email=f"{role.value}@{slug}.example.com", username=f"{role.value}-{slug}")
        MembershipFactory(organization=org, user=user, role=role)
        users[role] = user
    objects = {}
    for builder in GRAPH_BUILDERS:
        objects.update(builder(org, users, objects))
    return org, users, objects


# Later apps register their builders by being imported here, in data-flow order (a builder may
# use the objects of those before it): the organizations' notifications, surveys, then programs'
# design, recruitment, training, then matching, then the pair's workspace (mentorships), then reports.
from . import graph_notifications  # noqa: E402, F401

# isort: split
from . import graph_surveys  # noqa: E402, F401

# isort: split
from . import graph_programs_design  # noqa: E402, F401

# isort: split
from . import graph_programs_recruitment  # noqa: E402, F401

# isort: split
from . import graph_programs_training  # noqa: E402, F401

# isort: split
from . import graph_matching  # noqa: E402, F401

# isort: split
from . import graph_mentorships  # noqa: E402, F401

# isort: split
from . import graph_reports  # noqa: E402, F401
