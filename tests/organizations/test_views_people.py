"""The people directory pages: who may see and edit them, search, paging, history, form errors."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

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


def test_the_manager_list_offers_only_this_organizations_people_and_not_the_person(org, admin_client):
    person = PersonFactory(organization=org, name="Ada Lovelace")
    PersonFactory(organization=org, name="Colleague")
    PersonFactory(organization=OrganizationFactory(), name="Stranger")
    form = admin_client.get(url("person-edit", org, person.pk)).context["form"]
    assert [p.name for p in form.fields["manager"].queryset] == ["Colleague"]
