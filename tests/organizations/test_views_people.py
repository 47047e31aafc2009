"""The people directory pages: who may see and edit them, search, paging, history, form errors."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.forms import PersonForm
from organizations.models import Person, PersonChange, Role

from ..factories import OrganizationFactory, PersonFactory
from .pages import field_error, text

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"org:{name}", args=[org.slug, *args])


@pytest.fixture
def admin_client(org, admin_user, client_for):
    return client_for(admin_user)


def person_form_data(**overrides):
    data = {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "external_id": "E-100",
        "title": "Rear Admiral",
        "department": "Engineering",
        "team": "Compilers",
        "level": "6",
        "manager": "",
        "location": "Arlington",
        "time_zone": "America/New_York",
        "languages": "en, fr",
        "hire_date": "2001-03-01",
        "last_promotion_date": "",
        "exit_date": "",
        "exit_reason": "",
        "custom_attributes": "",
    }
    data.update(overrides)
    return data


# --- who may see what ------------------------------------------------------------------


def test_a_member_cannot_see_the_directory(org, member_of, client_for):
    person = PersonFactory(organization=org)
    client = client_for(member_of(org, Role.MEMBER))
    assert client.get(url("people", org)).status_code == 403
    assert client.get(url("person-detail", org, person.pk)).status_code == 403


def test_a_leader_reads_the_directory_but_cannot_edit_it(org, member_of, client_for):
    person = PersonFactory(organization=org, name="Ada Lovelace")
    client = client_for(member_of(org, Role.LEADER))
    response = client.get(url("people", org))
    assert response.status_code == 200
    assert "Ada Lovelace" in text(response)
    assert "Import CSV" not in text(response)
    assert client.get(url("person-create", org)).status_code == 403
    assert client.post(url("person-edit", org, person.pk), person_form_data()).status_code == 403


def test_admins_see_the_import_button(org, admin_client):
    response = admin_client.get(url("people", org))
    assert "Import CSV" in text(response)
    assert url("people-import", org) in response.content.decode()


def test_another_organizations_person_is_not_found(org, admin_client):
    stranger = PersonFactory(organization=OrganizationFactory())
    assert admin_client.get(url("person-detail", org, stranger.pk)).status_code == 404
    assert admin_client.get(url("person-edit", org, stranger.pk)).status_code == 404


# --- search, filters and paging ------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["ada", "LOVELACE", "analytical@engines", "Mathematics", "X-1815", "ada math"],
    ids=["first-name", "last-name-any-case", "email", "department", "external-id", "two-words"],
)
def test_search_finds_a_person_by_name_email_department_or_id(org, admin_client, query):
    PersonFactory(
        organization=org,
        name="Ada Lovelace",
        email="analytical@engines.example",
        department="Mathematics",
        external_id="X-1815",
    )
    PersonFactory(organization=org, name="Charles Babbage", email="cb@example.com", department="Engineering")
    names = text(admin_client.get(url("people", org), {"q": query}))
    assert "Ada Lovelace" in names
    assert "Charles Babbage" not in names


def test_department_and_status_filters(org, admin_client):
    today = timezone.localdate()
    PersonFactory(organization=org, name="Still Here", department="Sales")
    PersonFactory(organization=org, name="Long Gone", department="Sales", exit_date=today - timedelta(days=30))
    PersonFactory(organization=org, name="Other Dept", department="Legal")

    sales = text(admin_client.get(url("people", org), {"department": "Sales"}))
    assert "Still Here" in sales and "Long Gone" in sales and "Other Dept" not in sales

    active = text(admin_client.get(url("people", org), {"department": "Sales", "status": "active"}))
    assert "Still Here" in active and "Long Gone" not in active

    left = text(admin_client.get(url("people", org), {"status": "left"}))
    assert "Long Gone" in left and "Still Here" not in left


def test_an_unknown_filter_value_keeps_the_search(org, admin_client):
    PersonFactory(organization=org, name="Ada Lovelace")
    PersonFactory(organization=org, name="Charles Babbage")
    names = text(admin_client.get(url("people", org), {"q": "ada", "department": "No such"}))
    assert "Ada Lovelace" in names and "Charles Babbage" not in names


def test_the_list_pages_fifty_people_at_a_time_in_bounded_queries(org, admin_client, django_assert_max_num_queries):
    managers = PersonFactory.create_batch(5, organization=org)
    for i in range(55):
        PersonFactory(organization=org, name=f"Person {i:02d}", manager=managers[i % 5])
    with django_assert_max_num_queries(12):
        first = admin_client.get(url("people", org))
    assert first.context["page"].paginator.count == 60
    assert len(first.context["page"].object_list) == 50
    with django_assert_max_num_queries(12):
        second = admin_client.get(url("people", org), {"page": 2})
    assert len(second.context["page"].object_list) == 10
    assert "Page 2 of 2" in text(second)


def test_page_links_keep_the_search(org, admin_client):
    for i in range(55):
        PersonFactory(organization=org, name=f"Engineer {i:02d}", department="Engineering")
    html = admin_client.get(url("people", org), {"department": "Engineering"}).content.decode()
    assert "?department=Engineering&amp;page=2" in html


def test_live_search_answers_htmx_with_the_results_only(org, admin_client):
    PersonFactory(organization=org, name="Ada Lovelace")
    response = admin_client.get(
        url("people", org), {"q": "ada"}, headers={"HX-Request": "true", "HX-Target": "people-results"}
    )
    assert "Ada Lovelace" in text(response)
    assert "<html" not in response.content.decode()


# --- a person's page -----------------------------------------------------------------------


def test_the_detail_page_shows_the_record_the_manager_and_the_reports(org, admin_client):
    boss = PersonFactory(organization=org, name="Boss Person")
    person = PersonFactory(
        organization=org,
        name="Ada Lovelace",
        manager=boss,
        title="Analyst",
        location="London",
        languages=["en", "fr"],
        hire_date=date(2020, 1, 6),
        custom_attributes={"cohort": "2024"},
    )
    PersonFactory(organization=org, name="Report One", manager=person)
    response = admin_client.get(url("person-detail", org, person.pk))
    page = text(response)
    for expected in ("Ada Lovelace", "Analyst", "London", "en, fr", "6 Jan 2020", "cohort", "2024", "Report One"):
        assert expected in page
    assert url("person-detail", org, boss.pk) in response.content.decode()


def test_edits_by_hand_appear_in_the_history_with_who_and_what(org, admin_user, admin_client):
    old_boss = PersonFactory(organization=org, name="Old Boss")
    new_boss = PersonFactory(organization=org, name="New Boss")
    person = PersonFactory(organization=org, name="Ada Lovelace", department="Research", manager=old_boss)
    data = person_form_data(
        name="Ada Lovelace", email=person.email, external_id=person.external_id, department="Mathematics"
    )
    data["manager"] = str(new_boss.pk)
    response = admin_client.post(url("person-edit", org, person.pk), data)
    assert response.status_code == 302

    change = PersonChange.objects.for_org(org).get(person=person, field="department")
    assert (change.old_value, change.new_value, change.source) == ("Research", "Mathematics", "manual")
    assert change.changed_by == admin_user

    page = text(admin_client.get(url("person-detail", org, person.pk)))
    assert "What changed From To Source When" in page
    assert "Department Research Mathematics Edited by hand" in page
    assert "Manager Old Boss New Boss" in page  # names, not ids


# --- creating and editing ------------------------------------------------------------------


def test_adding_a_person(org, admin_client):
    response = admin_client.post(url("person-create", org), person_form_data())
    person = Person.objects.for_org(org).get(email="grace@example.com")
    assert response.status_code == 302
    assert response["Location"] == url("person-detail", org, person.pk)
    assert person.languages == ["en", "fr"]
    assert person.level == 6
    assert "Grace Hopper was added." in text(admin_client.get(response["Location"]))


def test_an_exit_date_before_the_hire_date_is_shown_beside_the_exit_date(org, admin_client):
    response = admin_client.post(url("person-create", org), person_form_data(exit_date="2000-01-01"))
    assert response.status_code == 200
    assert "before the hire date" in field_error(response, "exit_date")
    assert field_error(response, "name") == ""
    assert not Person.objects.for_org(org).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("email", "not-an-email", "valid email"),
        ("level", "many", "whole number"),
        ("hire_date", "31/31/2020", "valid date"),
        ("custom_attributes", "[1, 2]", "JSON object"),
        ("exit_reason", "voluntary", "exit date"),
    ],
)
def test_each_invalid_field_gets_its_error_beside_it(org, admin_client, field, value, message):
    response = admin_client.post(url("person-create", org), person_form_data(**{field: value}))
    assert message in field_error(response, field)
    assert not Person.objects.for_org(org).exists()


def test_duplicates_and_manager_cycles_are_refused_beside_the_field(org, admin_client):
    PersonFactory(organization=org, email="grace@example.com")
    response = admin_client.post(url("person-create", org), person_form_data())
    assert "already" in field_error(response, "email")

    boss = PersonFactory(organization=org, name="Boss")
    report = PersonFactory(organization=org, name="Report", manager=boss)
    data = person_form_data(name="Boss", email=boss.email, external_id=boss.external_id, manager=str(report.pk))
    response = admin_client.post(url("person-edit", org, boss.pk), data)
    assert "cycle" in field_error(response, "manager")
    boss.refresh_from_db()
    assert boss.manager is None


def test_a_manager_from_another_organization_is_not_a_choice(org, admin_client):
    stranger = PersonFactory(organization=OrganizationFactory(), name="Stranger")
    response = admin_client.post(url("person-create", org), person_form_data(manager=str(stranger.pk)))
    assert "valid choice" in field_error(response, "manager")
    assert "Stranger" not in text(response)


def test_the_form_itself_scopes_managers_to_its_organization_and_not_the_person(org):
    person = PersonFactory(organization=org, name="Ada Lovelace")
    PersonFactory(organization=org, name="Colleague")
    PersonFactory(organization=OrganizationFactory(), name="Stranger")
    # No view helper involved: building the form for an organization is enough.
    form = PersonForm(instance=person, organization=org)
    assert [p.name for p in form.fields["manager"].queryset] == ["Colleague"]
    assert not PersonForm.base_fields["manager"].queryset.exists()


# --- the manager picker ----------------------------------------------------------------------


def search(client, org, q, **params):
    return client.get(url("person-search", org), {"q": q, **params}, headers={"HX-Request": "true"})


def option_labels(response):
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def test_the_edit_page_has_a_search_box_not_a_list_of_everyone(org, admin_client):
    boss = PersonFactory(organization=org, name="Boss Person", title="VP Research")
    person = PersonFactory(organization=org, name="Ada Lovelace", manager=boss)
    PersonFactory.create_batch(5, organization=org)
    html = admin_client.get(url("person-edit", org, person.pk)).content.decode()
    assert "<option" not in html.split('name="manager"', 1)[1].split("</div>", 1)[0]
    assert '<label for="id_manager_1">Manager</label>' in html
    assert 'value="Boss Person · VP Research"' in html  # the current manager, readable
    assert f'name="manager" value="{boss.pk}"' in html
    assert f'hx-get="{url("person-search", org)}"' in html


def test_suggestions_are_active_people_of_this_organization_with_title_and_department(org, admin_client):
    PersonFactory(organization=org, name="Ada Lovelace", title="Analyst", department="Mathematics")
    PersonFactory(organization=org, name="Ada Gone", exit_date=timezone.localdate() - timedelta(days=1))
    PersonFactory(organization=OrganizationFactory(), name="Ada Elsewhere")
    response = search(admin_client, org, "ada")
    assert response.status_code == 200
    assert option_labels(response) == ["Ada Lovelace · Analyst"]
    assert "Analyst · Mathematics" in text(response)
    assert "<html" not in response.content.decode()


def test_suggestions_leave_out_the_person_being_edited_and_stop_at_twenty(
    org, admin_client, django_assert_max_num_queries
):
    me = PersonFactory(organization=org, name="Engineer Me")
    for i in range(25):
        PersonFactory(organization=org, name=f"Engineer {i:02d}")
    search(admin_client, org, "warm-up")  # the first page of an organization also saves the session
    with django_assert_max_num_queries(4):  # session, user, membership, people
        response = search(admin_client, org, "engineer", exclude=me.pk)
    labels = option_labels(response)
    assert len(labels) == 20 and "Engineer Me" not in labels
    assert "type more to narrow" in text(response)


def test_no_suggestion_says_what_else_to_type(org, admin_client):
    assert "You can also enter an employee ID or email" in text(search(admin_client, org, "zzz"))
    assert option_labels(search(admin_client, org, "  ")) == []


def test_suggestions_need_the_right_to_see_people(org, member_of, client_for):
    PersonFactory(organization=org, name="Ada Lovelace")
    assert search(client_for(member_of(org, Role.MEMBER)), org, "ada").status_code == 403
    assert search(client_for(member_of(org, Role.LEADER)), org, "ada").status_code == 200


def test_a_picked_manager_is_kept_while_the_box_shows_their_name(org, admin_client):
    boss = PersonFactory(organization=org, name="Boss Person", title="VP")
    data = person_form_data(manager=str(boss.pk), manager_lookup="Boss Person · VP")
    assert admin_client.post(url("person-create", org), data).status_code == 302
    assert Person.objects.for_org(org).get(email="grace@example.com").manager == boss


@pytest.mark.parametrize("typed", ["E-7", "boss@example.com", "BOSS@EXAMPLE.COM", "boss person"])
def test_without_javascript_the_box_takes_an_employee_id_email_or_unique_name(org, admin_client, typed):
    boss = PersonFactory(organization=org, name="Boss Person", external_id="E-7", email="boss@example.com")
    response = admin_client.post(url("person-create", org), person_form_data(manager="", manager_lookup=typed))
    assert response.status_code == 302
    assert Person.objects.for_org(org).get(email="grace@example.com").manager == boss


def test_typing_over_a_picked_manager_uses_what_was_typed(org, admin_client):
    old_boss = PersonFactory(organization=org, name="Old Boss")
    new_boss = PersonFactory(organization=org, name="New Boss", external_id="NB-1")
    person = PersonFactory(organization=org, name="Ada Lovelace", manager=old_boss)
    data = person_form_data(
        name=person.name, email=person.email, external_id=person.external_id, manager=str(old_boss.pk)
    )
    data["manager_lookup"] = "NB-1"  # typed over "Old Boss" with the page's id still set (no JS)
    assert admin_client.post(url("person-edit", org, person.pk), data).status_code == 302
    person.refresh_from_db()
    assert person.manager == new_boss

    data.update(manager=str(new_boss.pk), manager_lookup="")  # emptied the box: no manager
    assert admin_client.post(url("person-edit", org, person.pk), data).status_code == 302
    person.refresh_from_db()
    assert person.manager is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [("nobody@example.com", "No one in the directory"), ("Sam Lee", "More than one person matches")],
    ids=["unknown", "two-people-with-the-name"],
)
def test_a_manager_that_cannot_be_found_is_explained_beside_the_box(org, admin_client, typed, message):
    PersonFactory.create_batch(2, organization=org, name="Sam Lee")
    response = admin_client.post(url("person-create", org), person_form_data(manager="", manager_lookup=typed))
    assert response.status_code == 200
    assert message in field_error(response, "manager_lookup")
    assert f'value="{typed}"' in response.content.decode()  # what was typed stays in the box
    assert not Person.objects.for_org(org).filter(email="grace@example.com").exists()


def test_a_person_of_another_organization_cannot_be_typed_in_either(org, admin_client):
    PersonFactory(organization=OrganizationFactory(), external_id="X-1", email="x@example.com")
    for typed in ("X-1", "x@example.com"):
        response = admin_client.post(url("person-create", org), person_form_data(manager="", manager_lookup=typed))
        assert "No one in the directory" in field_error(response, "manager")
