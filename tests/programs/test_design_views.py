"""Program design pages, as managers, members and outsiders use them."""

from datetime import timedelta

import pytest
from django.urls import reverse

from organizations.models import Role
from programs.catalog import TEMPLATES
from programs.models import Objective, Program, ProgramManager, ProgramStatus, ProgramStatusChange
from programs.services import design
from tests.factories import OrganizationFactory, PersonFactory
from tests.organizations.pages import field_error, text

from .design_fixtures import future, make_program, make_ready_program


def url(name, org, *args):
    return reverse(f"programs:{name}", args=[org.slug, *args])


@pytest.fixture
def admin_client(client_for, admin_user):
    return client_for(admin_user)


@pytest.fixture
def member(org, member_of):
    return member_of(org, Role.MEMBER)


def opened(program, actor):
    return design.program_transition(
        organization=program.organization, program=program, to_status="recruiting", actor=actor
    )


# --- list ---------------------------------------------------------------------------------------


def test_members_see_open_programs_and_drafts_they_manage(org, admin_user, member, client_for):
    opened(make_ready_program(org, admin_user, name="Open for all"), admin_user)
    make_program(org, admin_user, name="Secret draft")
    make_program(org, member, name="My own draft")
    page = text(client_for(member).get(url("list", org)))
    assert "Open for all" in page and "My own draft" in page
    assert "Secret draft" not in page
    assert "New program" not in page
    assert "waiting for review" not in page  # applicant numbers are for the program team


def test_admins_see_every_program_and_can_create(org, admin_user, admin_client):
    make_program(org, admin_user, name="Secret draft")
    make_program(OrganizationFactory(), name="Elsewhere")
    page = text(admin_client.get(url("list", org)))
    assert "Secret draft" in page and "Elsewhere" not in page
    assert "New program" in page


def test_list_search_and_status_filter(org, admin_user, admin_client):
    opened(make_ready_program(org, admin_user, name="Coffee chats"), admin_user)
    make_program(org, admin_user, name="Buddies")
    assert "Buddies" not in text(admin_client.get(url("list", org), {"q": "coffee"}))
    page = text(admin_client.get(url("list", org), {"status": "draft"}))
    assert "Buddies" in page and "Coffee chats" not in page


def test_list_queries_do_not_grow_with_programs(org, admin_user, admin_client, django_assert_max_num_queries):
    for n in range(3):
        make_program(org, admin_user, name=f"Program {n}")
    with django_assert_max_num_queries(12) as few:
        admin_client.get(url("list", org))
    for n in range(3, 20):
        make_program(org, admin_user, name=f"Program {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url("list", org))
    assert text(response).count("waiting for review") == 20


def test_nav_links_to_programs(org, member, client_for):
    response = client_for(member).get(reverse("org:home", args=[org.slug]))
    assert url("list", org) in response.content.decode()


# --- new ----------------------------------------------------------------------------------------


def test_new_program_offers_every_template(org, admin_client):
    page = text(admin_client.get(url("new", org)))
    for template in TEMPLATES.values():
        assert template.name in page
    assert "Blank program" in page


def test_new_program_from_a_template(org, admin_user, admin_client):
    form = admin_client.get(url("new", org), {"template": "reverse_mentoring"})
    assert "Reverse mentoring" in text(form)
    start = future(21)
    response = admin_client.post(
        url("new", org), {"template": "reverse_mentoring", "name": "Leaders learn", "start_date": start}
    )
    program = Program.objects.get(name="Leaders learn")
    assert response.status_code == 302 and response["Location"] == url("detail", org, program.pk)
    assert program.template_key == "reverse_mentoring" and program.start_date == start
    assert program.objectives.count() == 3
    assert ProgramManager.objects.filter(program=program, user=admin_user).exists()


def test_new_blank_program(org, admin_client):
    response = admin_client.post(url("new", org), {"template": "blank", "name": "Circles", "model": "peer_circles"})
    program = Program.objects.get(name="Circles")
    assert response.status_code == 302
    assert (program.model, program.group_size_min, program.group_size_max) == ("peer_circles", 3, 6)


def test_new_program_needs_a_name(org, admin_client):
    response = admin_client.post(url("new", org), {"template": "blank", "name": ""})
    assert field_error(response, "name") == "This field is required."
    assert not Program.objects.exists()


def test_members_cannot_create_programs(org, member, client_for):
    assert client_for(member).get(url("new", org)).status_code == 403
    assert client_for(member).post(url("new", org), {"template": "blank", "name": "Mine"}).status_code == 403
    assert not Program.objects.exists()


# --- overview and lifecycle ---------------------------------------------------------------------


def test_overview_shows_lifecycle_checklist_and_next_steps(org, admin_user, admin_client):
    program = make_program(org, admin_user, name="Buddies")
    page = text(admin_client.get(url("detail", org, program.pk)))
    assert "Draft Recruiting Matching Active Closed" in page.replace("1 ", "").replace("2 ", "").replace(
        "3 ", ""
    ).replace("4 ", "").replace("5 ", "")
    assert "Open recruitment" in page
    assert "Choose an intake questionnaire for mentors." in page
    assert "Close the program" not in page


def test_overview_counts_the_audience(org, admin_user, admin_client):
    PersonFactory(organization=org, department="Sales")
    PersonFactory(organization=org, department="Sales")
    PersonFactory(organization=org, department="Engineering")
    program = make_program(org, admin_user, audience={"departments": ["Sales"]})
    page = text(admin_client.get(url("detail", org, program.pk)))
    assert "2 people in the audience" in page
    assert "In Sales" in page


def test_overview_queries_are_bounded(org, admin_user, admin_client, django_assert_max_num_queries):
    program = design.program_create_from_template(organization=org, template_key="onboarding_buddy", actor=admin_user)
    with django_assert_max_num_queries(17):  # + the notification bell (cached)
        response = admin_client.get(url("detail", org, program.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["edit", "objectives", "audience", "managers", "copy"])
def test_design_pages_queries_are_bounded(
    org, admin_user, admin_client, member_of, page, django_assert_max_num_queries
):
    program = design.program_create_from_template(organization=org, template_key="erg_peer_mentoring", actor=admin_user)
    for n in range(10):
        design.program_manager_add(organization=org, program=program, user=member_of(org, Role.MEMBER))
        PersonFactory(organization=org, department=f"Department {n}", location=f"City {n}")
    with django_assert_max_num_queries(12):
        response = admin_client.get(url(page, org, program.pk))
    assert response.status_code == 200


def test_a_member_sees_the_participant_page(org, admin_user, member, client_for):
    program = make_ready_program(org, admin_user, handbook="## Welcome\n\n**Be kind.**")
    opened(program, admin_user)
    response = client_for(member).get(url("detail", org, program.pk))
    html = response.content.decode()
    assert "<strong>Be kind.</strong>" in html
    assert "Open recruitment" not in html and "Edit design" not in html


def test_drafts_and_other_organizations_programs_are_not_found(org, admin_user, member, client_for):
    draft = make_program(org, admin_user)
    assert client_for(member).get(url("detail", org, draft.pk)).status_code == 404
    elsewhere = make_program(OrganizationFactory())
    assert client_for(admin_user).get(url("detail", org, elsewhere.pk)).status_code == 404


def test_transition_from_the_overview(org, admin_user, admin_client):
    program = make_ready_program(org, admin_user)
    response = admin_client.post(
        url("transition", org, program.pk), {"status": "recruiting", "note": "Go"}, follow=True
    )
    program.refresh_from_db()
    assert program.status == ProgramStatus.RECRUITING
    assert "is now recruiting" in text(response)
    assert ProgramStatusChange.objects.get(program=program).note == "Go"


def test_a_refused_transition_says_why(org, admin_user, admin_client):
    program = make_program(org, admin_user)
    response = admin_client.post(url("transition", org, program.pk), {"status": "active"}, follow=True)
    assert "A draft program can move to recruiting, not to active." in text(response)
    response = admin_client.post(url("transition", org, program.pk), {"status": "recruiting"}, follow=True)
    assert "Choose an intake questionnaire for mentees." in text(response)
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT


def test_only_managers_move_a_program(org, admin_user, member, client_for):
    program = make_ready_program(org, admin_user)
    opened(program, admin_user)
    response = client_for(member).post(url("transition", org, program.pk), {"status": "draft"})
    assert response.status_code == 403
    program.refresh_from_db()
    assert program.status == ProgramStatus.RECRUITING


def test_a_program_manager_who_is_a_member_manages_their_program(org, member, client_for):
    program = make_ready_program(org, member)
    client = client_for(member)
    assert client.get(url("edit", org, program.pk)).status_code == 200
    client.post(url("transition", org, program.pk), {"status": "recruiting"})
    program.refresh_from_db()
    assert program.status == ProgramStatus.RECRUITING


# --- the designer -------------------------------------------------------------------------------


def designer_data(program, **changes):
    data = {
        "name": program.name,
        "description": program.description,
        "model": program.model,
        "start_date": program.start_date,
        "end_date": program.end_date,
        "cadence_weeks": program.cadence_weeks,
        "meeting_minutes": program.meeting_minutes,
        "mentor_default_capacity": program.mentor_default_capacity,
        "ground_rules": "",
        "confidentiality": "",
        "handbook": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_designer_saves(org, admin_user, admin_client):
    program = make_program(org, admin_user)
    sponsor = PersonFactory(organization=org, name="Grace Hopper")
    response = admin_client.post(
        url("edit", org, program.pk),
        designer_data(program, description="Pairs that learn", executive_sponsor=sponsor.pk, requires_training="on"),
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.description == "Pairs that learn"
    assert program.executive_sponsor == sponsor and program.requires_training


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"end_date": "2020-01-01", "start_date": "2020-02-01"},
            "end_date",
            "The end date must be after the start date.",
        ),
        ({"mentor_default_capacity": -1}, "mentor_default_capacity", "Capacity cannot be below zero."),
        ({"model": "group", "group_size_min": 5, "group_size_max": 2}, "group_size_max", "largest group size"),
    ],
)
def test_designer_errors_sit_beside_the_field(org, admin_user, admin_client, changes, field, message):
    program = make_program(org, admin_user, description="Before")
    response = admin_client.post(url("edit", org, program.pk), designer_data(program, description="After", **changes))
    assert response.status_code == 200
    assert message in field_error(response, field)
    program.refresh_from_db()
    assert program.description == "Before"


def test_designer_sponsor_from_another_organization_is_refused(org, admin_user, admin_client):
    program = make_program(org, admin_user)
    outsider = PersonFactory(organization=OrganizationFactory())
    response = admin_client.post(url("edit", org, program.pk), designer_data(program, executive_sponsor=outsider.pk))
    assert field_error(response, "executive_sponsor")
    program.refresh_from_db()
    assert program.executive_sponsor is None


def test_live_preview_renders_markdown_safely_and_saves_nothing(org, admin_user, admin_client):
    program = make_program(org, admin_user, name="Before")
    data = designer_data(
        program,
        name="After",
        handbook="## How it works\n\n**Meet often.** <script>alert(1)</script>",
        ground_rules="1. Be kind",
    )
    response = admin_client.post(url("preview", org, program.pk), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Meet often.</strong>" in html and "<h2>How it works</h2>" in html
    assert "<script>" not in html
    assert "After" in html and "<li>Be kind</li>" in html
    program.refresh_from_db()
    assert program.name == "Before" and program.handbook == ""


def test_preview_shows_saved_values_for_invalid_fields(org, admin_user, admin_client):
    program = make_program(org, admin_user)
    response = admin_client.post(url("preview", org, program.pk), designer_data(program, cadence_weeks="often"))
    assert "Some fields need attention" in text(response)


def test_members_cannot_open_the_designer(org, admin_user, member, client_for):
    program = make_ready_program(org, admin_user)
    opened(program, admin_user)
    assert client_for(member).get(url("edit", org, program.pk)).status_code == 403
    assert client_for(member).post(url("preview", org, program.pk), designer_data(program)).status_code == 403


# --- objectives ---------------------------------------------------------------------------------


def objective_form(program, **changes):
    return {
        "metric": "retention",
        "target": "90",
        "deadline": program.end_date,
        "rationale": "People who stay are the point.",
        **changes,
    }


def test_objectives_add_edit_remove(org, admin_user, admin_client):
    program = make_program(org, admin_user)
    response = admin_client.post(url("objectives", org, program.pk), objective_form(program))
    assert response.status_code == 302
    objective = Objective.objects.get(program=program)
    page = text(admin_client.get(url("objectives", org, program.pk)))
    assert "Retention (%)" in page and "People who stay are the point." in page
    admin_client.post(url("objective-edit", org, program.pk, objective.pk), objective_form(program, target="95"))
    objective.refresh_from_db()
    assert objective.target == 95
    admin_client.post(url("objective-delete", org, program.pk, objective.pk))
    assert not Objective.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"metric": "custom", "unit": "days"}, "custom_name"),
        ({"target": ""}, "target"),
        ({"target": "140"}, "target"),
        ({"deadline": ""}, "deadline"),
        ({"rationale": ""}, "rationale"),
    ],
)
def test_objective_errors_sit_beside_the_field(org, admin_user, admin_client, changes, field):
    program = make_program(org, admin_user)
    response = admin_client.post(url("objectives", org, program.pk), objective_form(program, **changes))
    assert response.status_code == 200
    assert field_error(response, field)
    assert not Objective.objects.exists()


def test_another_programs_objective_is_not_found(org, admin_user, admin_client):
    program, other = make_program(org, admin_user), make_program(org, admin_user)
    objective = design.objective_create(
        organization=org, program=other, data={**objective_form(other), "deadline": other.end_date}
    )
    assert admin_client.get(url("objective-edit", org, program.pk, objective.pk)).status_code == 404
    assert admin_client.post(url("objective-delete", org, program.pk, objective.pk)).status_code == 404
    assert Objective.objects.filter(pk=objective.pk).exists()


# --- audience -----------------------------------------------------------------------------------


def test_audience_count_updates_live(org, admin_user, admin_client):
    PersonFactory(organization=org, department="Sales", level=2)
    PersonFactory(organization=org, department="Sales", level=5)
    PersonFactory(organization=org, department="Engineering", level=5)
    program = make_program(org, admin_user)
    count = admin_client.get(url("audience-count", org, program.pk), {"departments": ["Sales"], "level_min": "3"})
    assert text(count) == "1 person matches these rules today."
    bad = admin_client.get(url("audience-count", org, program.pk), {"level_min": "5", "level_max": "2"})
    assert "Fix the highlighted rules" in text(bad)


def test_audience_saves_and_shows_departments(org, admin_user, admin_client):
    PersonFactory(organization=org, department="Sales")
    program = make_program(org, admin_user)
    page = admin_client.get(url("audience", org, program.pk))
    assert 'value="Sales"' in page.content.decode()
    response = admin_client.post(
        url("audience", org, program.pk),
        {"departments": ["Sales"], "tenure_months_min": "6", "custom": "cohort = 2025, 2026"},
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.audience["departments"] == ["Sales"]
    assert program.audience["tenure_months_min"] == 6
    assert program.audience["custom"] == {"cohort": ["2025", "2026"]}


@pytest.mark.parametrize(
    "data, field",
    [
        ({"level_min": "5", "level_max": "2"}, "level_max"),
        ({"hired_after": "2025-05-01", "hired_before": "2025-01-01"}, "hired_before"),
        ({"custom": "cohort"}, "custom"),
    ],
)
def test_audience_errors_sit_beside_the_field(org, admin_user, admin_client, data, field):
    program = make_program(org, admin_user)
    response = admin_client.post(url("audience", org, program.pk), data)
    assert response.status_code == 200
    assert field_error(response, field)
    program.refresh_from_db()
    assert program.audience["level_min"] is None


# --- managers -----------------------------------------------------------------------------------


def test_add_and_remove_managers(org, admin_user, member, admin_client):
    program = make_program(org, admin_user)
    membership = member.memberships.get(organization=org)
    response = admin_client.post(url("managers", org, program.pk), {"membership": membership.pk})
    assert response.status_code == 302
    link = ProgramManager.objects.get(program=program, user=member)
    assert member.email in text(admin_client.get(url("managers", org, program.pk)))
    admin_client.post(url("manager-remove", org, program.pk, link.pk))
    assert not ProgramManager.objects.filter(pk=link.pk).exists()


def test_another_organizations_member_cannot_be_added(org, admin_user, admin_client, member_of):
    program = make_program(org, admin_user)
    outsider = member_of(OrganizationFactory(), Role.MEMBER)
    response = admin_client.post(url("managers", org, program.pk), {"membership": outsider.memberships.get().pk})
    assert field_error(response, "membership")
    assert not ProgramManager.objects.filter(user=outsider).exists()


# --- copy ---------------------------------------------------------------------------------------


def test_copy_into_a_new_cycle(org, admin_user, admin_client):
    program = design.program_create_from_template(organization=org, template_key="coffee_chats", actor=admin_user)
    start = program.end_date + timedelta(days=7)
    response = admin_client.post(url("copy", org, program.pk), {"name": "Chats, round two", "start_date": start})
    copy = Program.objects.get(name="Chats, round two")
    assert response.status_code == 302 and response["Location"] == url("detail", org, copy.pk)
    assert copy.copied_from == program and copy.start_date == start
    assert copy.peer_questionnaire != program.peer_questionnaire


def test_a_member_manager_cannot_copy(org, member, client_for):
    program = make_program(org, member)
    assert client_for(member).post(url("copy", org, program.pk), {"name": "Again"}).status_code == 403
    assert Program.objects.count() == 1
