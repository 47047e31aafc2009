"""Program design over the API: success and failure paths of every endpoint."""

from datetime import timedelta

import pytest
import yaml
from django.core.management import call_command

from organizations.models import Role
from programs.catalog import TEMPLATES
from programs.models import Objective, Program, ProgramManager, ProgramStatus, ProgramStatusChange
from programs.services import design
from tests.factories import OrganizationFactory, PersonFactory
from tests.organizations.api_helpers import NOT_FOUND, api_url, error_of, session_client, token_client

from .design_fixtures import future, make_intake, make_program, make_ready_program

pytestmark = pytest.mark.django_db
END_BEFORE_START = "The end date must be after the start date."


@pytest.fixture
def admin(org, member_of):
    return member_of(org, Role.ADMIN)


@pytest.fixture
def admin_api(org, admin):
    return token_client(admin, org)


@pytest.fixture
def member(org, member_of):
    return member_of(org, Role.MEMBER)


@pytest.fixture
def member_api(org, member):
    return token_client(member, org)


def programs(org, path=""):
    return api_url(org, f"programs/{path}")


def opened(program, actor):
    return design.program_transition(
        organization=program.organization, program=program, to_status="recruiting", actor=actor
    )


# --- programs -----------------------------------------------------------------------------


def test_list_shows_members_open_programs_and_their_own_drafts(org, admin, member, member_api, admin_api):
    opened(make_ready_program(org, admin, name="Open"), admin)
    make_program(org, admin, name="Hidden draft")
    make_program(org, member, name="Own draft")
    make_program(OrganizationFactory(), name="Elsewhere")
    assert sorted(p["name"] for p in member_api.get(programs(org)).json()["results"]) == ["Open", "Own draft"]
    assert sorted(p["name"] for p in admin_api.get(programs(org)).json()["results"]) == [
        "Hidden draft",
        "Open",
        "Own draft",
    ]
    assert [p["name"] for p in admin_api.get(programs(org), {"status": "recruiting"}).json()["results"]] == ["Open"]


def test_a_draft_is_not_found_for_a_member(org, admin, member_api):
    draft = make_program(org, admin)
    response = member_api.get(programs(org, f"{draft.pk}/"))
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_create_makes_a_draft_managed_by_its_creator(org, admin, admin_api):
    response = admin_api.post(
        programs(org),
        {
            "name": "Buddies",
            "start_date": str(future(20)),
            "end_date": str(future(120)),
            "status": "active",
            "audience": {"departments": ["Sales"]},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["roles"] == ["mentor", "mentee"]
    assert body["audience"]["departments"] == ["Sales"]
    assert ProgramManager.objects.filter(program_id=body["id"], user=admin).exists()


@pytest.mark.parametrize(
    "body, field, message",
    [
        (
            {"start_date": "2030-02-01", "end_date": "2030-01-01"},
            "end_date",
            "The end date must be after the start date.",
        ),
        ({"mentor_default_capacity": -1}, "mentor_default_capacity", "Capacity cannot be below zero."),
        ({"cadence_weeks": 0}, "cadence_weeks", None),
        ({"model": "group", "group_size_min": 6, "group_size_max": 3}, "group_size_max", None),
        ({"audience": {"level_min": 4, "level_max": 1}}, "audience.level_max", None),
        ({"audience": {"depts": ["x"]}}, "audience.depts", None),
        ({"name": ""}, "name", "Give the program a name."),
        ({"model": "speed_dating"}, "model", None),
    ],
)
def test_create_refusals_name_the_field(org, admin_api, body, field, message):
    response = admin_api.post(programs(org), {"name": "Buddies", **body}, format="json")
    assert response.status_code == 400
    fields = error_of(response)["fields"]
    assert field in fields, fields
    if message:
        assert fields[field] == [message]
    assert not Program.objects.exists()


def test_foreign_keys_of_another_organization_are_refused_like_missing_ones(org, admin_api):
    other = OrganizationFactory()
    outsider = PersonFactory(organization=other)
    foreign = admin_api.post(programs(org), {"name": "X", "executive_sponsor": outsider.pk}, format="json")
    missing = admin_api.post(programs(org), {"name": "X", "executive_sponsor": 2_000_000_000}, format="json")
    assert foreign.status_code == missing.status_code == 400
    assert "executive_sponsor" in error_of(foreign)["fields"]
    questionnaire = make_intake(other)
    response = admin_api.post(programs(org), {"name": "X", "mentor_questionnaire": questionnaire.pk}, format="json")
    assert "mentor_questionnaire" in error_of(response)["fields"]


def test_members_cannot_create_programs(org, member_api):
    response = member_api.post(programs(org), {"name": "Mine"}, format="json")
    assert response.status_code == 403
    assert not Program.objects.exists()


def test_update_by_a_manager(org, admin, admin_api):
    program = make_program(org, admin)
    response = admin_api.patch(programs(org, f"{program.pk}/"), {"handbook": "## Hello"}, format="json")
    assert response.status_code == 200
    program.refresh_from_db()
    assert program.handbook == "## Hello"


def test_update_refusals_change_nothing(org, admin, admin_api):
    program = make_program(org, admin, description="Before")
    response = admin_api.patch(
        programs(org, f"{program.pk}/"),
        {"description": "After", "end_date": str(program.start_date - timedelta(days=3))},
        format="json",
    )
    assert response.status_code == 400 and "end_date" in error_of(response)["fields"]
    program.refresh_from_db()
    assert program.description == "Before"


def test_members_cannot_update_programs_they_do_not_manage(org, admin, member, member_api, client_for):
    program = make_ready_program(org, admin)
    opened(program, admin)
    assert member_api.get(programs(org, f"{program.pk}/")).status_code == 200
    assert member_api.patch(programs(org, f"{program.pk}/"), {"name": "Mine"}, format="json").status_code == 403
    design.program_manager_add(organization=org, program=program, user=member)
    assert member_api.patch(programs(org, f"{program.pk}/"), {"name": "Ours"}, format="json").status_code == 200


def test_session_clients_work_too(org, admin):
    program = make_program(org, admin)
    assert session_client(admin).get(programs(org, f"{program.pk}/")).json()["name"] == program.name


# --- transitions --------------------------------------------------------------------------


def test_transition_moves_and_records(org, admin, admin_api):
    program = make_ready_program(org, admin)
    response = admin_api.post(
        programs(org, f"{program.pk}/transition/"), {"status": "recruiting", "note": "Go"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "recruiting"
    change = ProgramStatusChange.objects.get(program=program)
    assert (change.changed_by, change.note) == (admin, "Go")


@pytest.mark.parametrize(
    "status, message",
    [
        ("active", "A draft program can move to recruiting, not to active."),
        ("draft", "The program is already draft."),
        ("launched", None),
        ("", None),
    ],
)
def test_refused_transitions_name_status(org, admin, admin_api, status, message):
    program = make_ready_program(org, admin)
    response = admin_api.post(programs(org, f"{program.pk}/transition/"), {"status": status}, format="json")
    assert response.status_code == 400
    fields = error_of(response)["fields"]
    assert list(fields) == ["status"]
    if message:
        assert fields["status"] == [message]
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT


def test_transition_says_what_is_missing(org, admin, admin_api):
    program = make_program(org, admin)
    response = admin_api.post(programs(org, f"{program.pk}/transition/"), {"status": "recruiting"}, format="json")
    assert error_of(response)["fields"]["status"] == [
        "Choose an intake questionnaire for mentors.",
        "Choose an intake questionnaire for mentees.",
    ]


def test_members_cannot_move_programs(org, admin, member_api):
    program = make_ready_program(org, admin)
    opened(program, admin)
    response = member_api.post(programs(org, f"{program.pk}/transition/"), {"status": "draft"}, format="json")
    assert response.status_code == 403
    program.refresh_from_db()
    assert program.status == ProgramStatus.RECRUITING


# --- templates and cycles -----------------------------------------------------------------


def test_templates_are_listed(org, member_api):
    body = member_api.get(programs(org, "templates/")).json()
    assert [t["key"] for t in body] == list(TEMPLATES)


def test_create_from_template(org, admin, admin_api):
    start = future(15)
    response = admin_api.post(
        programs(org, "from-template/"),
        {"template": "new_manager_circles", "name": "Circles 2026", "start_date": str(start)},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["template_key"], body["model"]) == (
        "Circles 2026",
        "new_manager_circles",
        "peer_circles",
    )
    assert body["peer_questionnaire"] and body["group_size_min"] == 4
    assert Objective.objects.filter(program_id=body["id"]).count() == 3


@pytest.mark.parametrize(
    "body, field",
    [({"template": "speed_dating"}, "template"), ({"template": "coffee_chats", "start_date": "soon"}, "start_date")],
)
def test_create_from_template_refusals(org, admin_api, body, field):
    response = admin_api.post(programs(org, "from-template/"), body, format="json")
    assert response.status_code == 400 and field in error_of(response)["fields"]
    assert not Program.objects.exists()


def test_members_cannot_create_from_templates(org, member_api):
    response = member_api.post(programs(org, "from-template/"), {"template": "coffee_chats"}, format="json")
    assert response.status_code == 403


def test_copy_cycle(org, admin, admin_api):
    program = design.program_create_from_template(organization=org, template_key="onboarding_buddy", actor=admin)
    start = program.end_date + timedelta(days=14)
    response = admin_api.post(
        programs(org, f"{program.pk}/copy-cycle/"), {"name": "Buddies II", "start_date": str(start)}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["copied_from"] == program.pk and body["status"] == "draft"
    assert body["mentor_questionnaire"] not in (None, program.mentor_questionnaire_id)


def test_copy_cycle_needs_the_right_to_create(org, member, member_api):
    program = make_program(org, member)
    response = member_api.post(programs(org, f"{program.pk}/copy-cycle/"), {}, format="json")
    assert response.status_code == 403
    assert Program.objects.count() == 1


def test_audience_count(org, admin, admin_api, member_api):
    PersonFactory(organization=org, department="Sales")
    PersonFactory(organization=org, department="Engineering")
    program = make_ready_program(org, admin, audience={"departments": ["sales"]})
    body = admin_api.get(programs(org, f"{program.pk}/audience-count/")).json()
    assert body["count"] == 1 and body["audience"]["departments"] == ["sales"]
    opened(program, admin)
    assert member_api.get(programs(org, f"{program.pk}/audience-count/")).status_code == 403


# --- objectives ---------------------------------------------------------------------------


def objective(program, **fields):
    return {
        "program": program.pk,
        "metric": "nps",
        "target": "30",
        "deadline": str(program.end_date),
        "rationale": "People recommend it.",
        **fields,
    }


def test_objective_crud(org, admin, admin_api):
    program = make_program(org, admin)
    created = admin_api.post(api_url(org, "objectives/"), objective(program), format="json")
    assert created.status_code == 201, created.json()
    objective_id = created.json()["id"]
    listed = admin_api.get(api_url(org, "objectives/"), {"program": program.pk}).json()["results"]
    assert [o["id"] for o in listed] == [objective_id]
    patched = admin_api.patch(api_url(org, f"objectives/{objective_id}/"), {"target": "45"}, format="json")
    assert patched.status_code == 200 and patched.json()["target"] == "45.00"
    assert admin_api.delete(api_url(org, f"objectives/{objective_id}/")).status_code == 204
    assert not Objective.objects.exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"target": None}, "target"),
        ({"deadline": None}, "deadline"),
        ({"metric": "custom", "custom_name": "Days to first PR"}, "unit"),
        ({"metric": "nps", "target": "150"}, "target"),
        ({"rationale": ""}, "rationale"),
    ],
)
def test_objective_refusals_name_the_field(org, admin, admin_api, fields, field):
    program = make_program(org, admin)
    response = admin_api.post(api_url(org, "objectives/"), objective(program, **fields), format="json")
    assert response.status_code == 400 and field in error_of(response)["fields"]
    assert not Objective.objects.exists()


def test_objective_program_must_be_visible_and_managed(org, admin, member, member_api):
    other = make_program(OrganizationFactory())
    draft = make_program(org, admin)
    missing = {**objective(draft), "program": 2_000_000_000}
    for body in (objective(other), objective(draft), missing):
        response = member_api.post(api_url(org, "objectives/"), body, format="json")
        assert response.status_code == 400 and "program" in error_of(response)["fields"]
    visible = make_ready_program(org, admin)
    opened(visible, admin)
    assert member_api.post(api_url(org, "objectives/"), objective(visible), format="json").status_code == 403
    assert not Objective.objects.exists()


def test_an_objective_cannot_move_to_another_program(org, admin, admin_api):
    program, other = make_program(org, admin), make_program(org, admin)
    created = design.objective_create(
        organization=org, program=program, data={k: v for k, v in objective(program).items() if k != "program"}
    )
    admin_api.patch(api_url(org, f"objectives/{created.pk}/"), {"program": other.pk}, format="json")
    created.refresh_from_db()
    assert created.program == program


# --- managers -----------------------------------------------------------------------------


def test_add_and_remove_a_manager(org, admin, member, admin_api):
    program = make_program(org, admin)
    response = admin_api.post(api_url(org, "program-managers/"), {"program": program.pk, "user": member.pk})
    assert response.status_code == 201 and response.json()["email"] == member.email
    again = admin_api.post(api_url(org, "program-managers/"), {"program": program.pk, "user": member.pk})
    assert again.status_code == 201 and again.json()["id"] == response.json()["id"]
    listed = admin_api.get(api_url(org, "program-managers/"), {"program": program.pk}).json()["results"]
    assert {m["email"] for m in listed} == {admin.email, member.email}
    assert admin_api.delete(api_url(org, f"program-managers/{response.json()['id']}/")).status_code == 204
    assert not ProgramManager.objects.filter(user=member).exists()


def test_only_members_can_be_managers(org, admin, admin_api, member_of):
    program = make_program(org, admin)
    outsider = member_of(OrganizationFactory(), Role.OWNER)
    response = admin_api.post(api_url(org, "program-managers/"), {"program": program.pk, "user": outsider.pk})
    assert response.status_code == 400 and "user" in error_of(response)["fields"]
    assert not ProgramManager.objects.filter(user=outsider).exists()


def test_members_cannot_add_managers_to_programs_they_do_not_manage(org, admin, member, member_api):
    program = make_ready_program(org, admin)
    opened(program, admin)
    response = member_api.post(api_url(org, "program-managers/"), {"program": program.pk, "user": member.pk})
    assert response.status_code == 403
    link = ProgramManager.objects.get(program=program, user=admin)
    assert member_api.delete(api_url(org, f"program-managers/{link.pk}/")).status_code == 403


def test_the_schema_documents_the_design_endpoints(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--file", str(path))
    paths = yaml.safe_load(path.read_text())["paths"]
    prefix = "/api/v1/o/{org_slug}/"
    expected = {
        "programs/": {"get", "post"},
        "programs/{id}/": {"get", "put", "patch"},
        "programs/{id}/transition/": {"post"},
        "programs/{id}/copy-cycle/": {"post"},
        "programs/{id}/audience-count/": {"get"},
        "programs/from-template/": {"post"},
        "programs/templates/": {"get"},
        "objectives/": {"get", "post"},
        "objectives/{id}/": {"get", "put", "patch", "delete"},
        "program-managers/": {"get", "post"},
        "program-managers/{id}/": {"get", "delete"},
    }
    for suffix, methods in expected.items():
        assert methods <= set(paths[prefix + suffix]), suffix


def test_a_program_manager_cannot_link_another_programs_intake(org, member, member_api):
    mine = make_program(org, name="Mine")
    ProgramManager.objects.create(organization=org, program=mine, user=member)
    theirs = make_program(org, name="Theirs", mentee_questionnaire=make_intake(org, title="Their intake"))
    response = member_api.patch(
        programs(org, f"{mine.pk}/"), {"mentee_questionnaire": theirs.mentee_questionnaire_id}, format="json"
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["mentee_questionnaire"]
    mine.refresh_from_db()
    assert mine.mentee_questionnaire_id is None
