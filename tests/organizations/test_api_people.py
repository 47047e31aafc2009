"""The people directory over the API: paginated, filterable, searchable, tenant-safe writes."""

import re

import pytest

from organizations.models import Person, Role

from ..factories import OrganizationFactory, PersonFactory
from .api_helpers import NOT_FOUND, api_url, error_of, token_client

pytestmark = pytest.mark.django_db

PEOPLE = "people/"


@pytest.fixture
def admin_api(org, member_of):
    return token_client(member_of(org, Role.ADMIN), org)


@pytest.fixture
def sixty(org):
    departments = ["Engineering", "Sales", "Finance"]
    return [
        PersonFactory(organization=org, name=f"Person {n:02d}", department=departments[n % 3], level=n % 7)
        for n in range(60)
    ]


def names(response):
    return [p["name"] for p in response.json()["results"]]


def test_the_list_is_paginated(org, admin_api, sixty):
    first = admin_api.get(api_url(org, PEOPLE)).json()
    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert first["previous"] is None
    second = admin_api.get(first["next"]).json()
    assert len(second["results"]) == 10
    assert second["next"] is None
    assert {p["id"] for p in first["results"]}.isdisjoint({p["id"] for p in second["results"]})


def test_page_size_can_be_chosen_up_to_a_cap(org, admin_api, sixty):
    assert len(admin_api.get(api_url(org, PEOPLE), {"page_size": 7}).json()["results"]) == 7
    PersonFactory.create_batch(150, organization=org)
    assert len(admin_api.get(api_url(org, PEOPLE), {"page_size": 5000}).json()["results"]) == 200


def test_pages_never_repeat_or_skip_people_who_share_a_name(org, admin_api):
    PersonFactory.create_batch(12, organization=org, name="Sam Lee")
    seen = []
    url = api_url(org, PEOPLE) + "?page_size=5"
    while url:
        body = admin_api.get(url).json()
        seen += [p["id"] for p in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(Person.objects.values_list("id", flat=True))


def test_list_queries_are_bounded(org, admin_api, sixty, django_assert_max_num_queries):
    for person in sixty[1:]:
        person.manager = sixty[0]
        person.save()
    with django_assert_max_num_queries(6):
        response = admin_api.get(api_url(org, PEOPLE), {"page_size": 100})
    assert len(response.json()["results"]) == 60


def test_filter_by_department(org, admin_api, sixty):
    response = admin_api.get(api_url(org, PEOPLE), {"department": "Sales"})
    assert response.json()["count"] == 20
    assert {p["department"] for p in response.json()["results"]} == {"Sales"}


def test_search_by_name_or_email(org, admin_api, sixty):
    PersonFactory(organization=org, name="Grace Hopper", email="grace@navy.example")
    assert names(admin_api.get(api_url(org, PEOPLE), {"search": "hopper"})) == ["Grace Hopper"]
    assert names(admin_api.get(api_url(org, PEOPLE), {"search": "grace@navy"})) == ["Grace Hopper"]


def test_ordering(org, admin_api, sixty):
    by_name_desc = names(admin_api.get(api_url(org, PEOPLE), {"ordering": "-name", "page_size": 3}))
    assert by_name_desc == ["Person 59", "Person 58", "Person 57"]
    levels = [p["level"] for p in admin_api.get(api_url(org, PEOPLE), {"ordering": "-level"}).json()["results"]]
    assert levels == sorted(levels, reverse=True)


def test_another_organizations_people_never_appear(org, admin_api):
    PersonFactory(organization=org, name="Ours")
    PersonFactory(organization=OrganizationFactory(), name="Theirs", department="Engineering")
    assert names(admin_api.get(api_url(org, PEOPLE))) == ["Ours"]
    assert names(admin_api.get(api_url(org, PEOPLE), {"search": "Theirs"})) == []


def test_leaders_read_members_cannot(org, member_of):
    PersonFactory(organization=org)
    assert token_client(member_of(org, Role.LEADER), org).get(api_url(org, PEOPLE)).status_code == 200
    assert token_client(member_of(org, Role.MEMBER), org).get(api_url(org, PEOPLE)).status_code == 403


def test_an_admin_creates_reads_and_updates_a_person_but_never_deletes_one(org, admin_api):
    manager = PersonFactory(organization=org, name="Maria Manager")
    created = admin_api.post(
        api_url(org, PEOPLE),
        {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "external_id": "E-1",
            "department": "Engineering",
            "level": 4,
            "manager": manager.pk,
            "languages": ["en", "fr"],
            "hire_date": "2020-01-15",
            "custom_attributes": {"cost_centre": "R&D"},
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    person_id = created.json()["id"]
    person = Person.objects.get(pk=person_id)
    assert (person.organization, person.manager, person.languages) == (org, manager, ["en", "fr"])

    detail = admin_api.get(api_url(org, f"people/{person_id}/")).json()
    assert detail["manager"] == manager.pk
    assert detail["custom_attributes"] == {"cost_centre": "R&D"}

    updated = admin_api.patch(api_url(org, f"people/{person_id}/"), {"title": "Analyst"}, format="json")
    assert updated.status_code == 200
    assert updated.json()["title"] == "Analyst"

    # The directory is history: people leave with an exit date, they are not deleted.
    assert admin_api.delete(api_url(org, f"people/{person_id}/")).status_code == 405
    assert Person.objects.filter(pk=person_id).exists()


def test_leaders_cannot_write(org, member_of):
    person = PersonFactory(organization=org)
    client = token_client(member_of(org, Role.LEADER), org)
    assert client.post(api_url(org, PEOPLE), {"name": "X"}, format="json").status_code == 403
    assert client.patch(api_url(org, f"people/{person.pk}/"), {"name": "X"}, format="json").status_code == 403
    assert client.put(api_url(org, f"people/{person.pk}/"), {"name": "X"}, format="json").status_code == 403


def test_a_person_needs_a_name_and_a_valid_email(org, admin_api):
    response = admin_api.post(api_url(org, PEOPLE), {"email": "nope"}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"name", "email"}


def test_an_exit_date_before_the_hire_date_is_an_error_on_exit_date(org, admin_api):
    response = admin_api.post(
        api_url(org, PEOPLE),
        {"name": "Ada", "hire_date": "2020-01-01", "exit_date": "2019-12-31"},
        format="json",
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["exit_date"]


def _without_ids(error):
    return re.sub(r"\d+", "N", str(error))


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_manager_from_another_organization_is_rejected_like_a_missing_id(org, admin_api, method):
    foreign = PersonFactory(organization=OrganizationFactory())
    missing_id = Person.objects.order_by("-pk").first().pk + 1000
    target = PersonFactory(organization=org)
    url = api_url(org, PEOPLE) if method == "post" else api_url(org, f"people/{target.pk}/")

    def send(manager_id):
        return getattr(admin_api, method)(url, {"name": "Ada", "manager": manager_id}, format="json")

    as_foreign, as_missing = send(foreign.pk), send(missing_id)

    assert as_foreign.status_code == as_missing.status_code == 400
    assert list(error_of(as_foreign)["fields"]) == ["manager"]
    assert _without_ids(as_foreign.json()) == _without_ids(as_missing.json())
    target.refresh_from_db()
    assert target.manager is None
    assert Person.objects.for_org(org).count() == 1


@pytest.mark.parametrize("method", ["get", "patch", "put"])
def test_another_organizations_person_answers_like_a_missing_one(org, admin_api, method):
    foreign = PersonFactory(organization=OrganizationFactory(), name="Theirs")
    body = {"name": "Hacked"}
    a = getattr(admin_api, method)(api_url(org, f"people/{foreign.pk}/"), body, format="json")
    b = getattr(admin_api, method)(api_url(org, "people/999999/"), body, format="json")
    assert a.status_code == b.status_code == 404
    assert a.json() == b.json() == NOT_FOUND
    foreign.refresh_from_db()
    assert foreign.name == "Theirs"
