"""The demo data: realistic, deterministic, idempotent, and its printed logins work."""

from collections import Counter
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from organizations import demo
from organizations.models import Membership, Organization, Person, Role

TODAY = date(2025, 6, 15)


@pytest.fixture(scope="module")
def northwind():
    return demo.generate_people(demo.NORTHWIND, today=TODAY)


def test_generation_is_deterministic():
    first = demo.generate_people(demo.NORTHWIND, today=TODAY)
    again = demo.generate_people(demo.NORTHWIND, today=TODAY)

    assert first == again


def test_northwind_is_about_400_people_in_8_departments(northwind):
    departments = Counter(p.department for p in northwind)

    assert 380 <= len(northwind) <= 420
    assert len(departments) - 1 == 8  # plus the executive office
    assert all(p.team for p in northwind)
    assert len({p.email.lower() for p in northwind}) == len(northwind)
    assert len({p.external_id for p in northwind}) == len(northwind)


def test_the_manager_tree_has_one_top_and_no_cycles(northwind):
    by_id = {p.external_id: p for p in northwind}
    roots = [p for p in northwind if p.manager is None]

    assert [(r.title, r.level) for r in roots] == [("Chief Executive Officer", 8)]
    for person in northwind:
        seen, current = set(), person
        while current.manager is not None:
            assert current.external_id not in seen, f"cycle through {current.external_id}"
            seen.add(current.external_id)
            manager = by_id[current.manager]
            assert manager.level > current.level
            current = manager
        assert current is roots[0]


def test_titles_match_levels(northwind):
    engineers = {p.level: p.title for p in northwind if p.team == "Platform" and p.level <= 4}

    assert engineers == {
        1: "Associate Software Engineer",
        2: "Software Engineer",
        3: "Senior Software Engineer",
        4: "Staff Software Engineer",
    }
    assert Counter(p.level for p in northwind).keys() == set(range(1, 9))
    assert all(p.title.startswith("VP") or p.title.startswith("Chief") for p in northwind if p.level == 7)


def test_locations_carry_their_time_zone_and_languages(northwind):
    countries = {p.location.split(", ")[-1] for p in northwind}
    by_label = {loc.label: loc for loc in demo.LOCATIONS.values()}

    assert len(countries) >= 6
    for person in northwind:
        location = by_label[person.location]
        ZoneInfo(person.time_zone)
        assert person.time_zone == location.time_zone
        assert person.languages[: len(location.languages)] == list(location.languages)


def test_hire_dates_spread_over_twelve_years_and_leavers_left_after_joining(northwind):
    hires = [p.hire_date for p in northwind]
    leavers = [p for p in northwind if p.exit_date]

    assert (max(hires) - min(hires)).days > 11 * 365
    assert max(hires) < TODAY
    assert 0.10 <= len(leavers) / len(northwind) <= 0.14
    assert {p.exit_reason for p in leavers} == {"voluntary", "involuntary"}
    assert all(p.hire_date < p.exit_date < TODAY for p in leavers)
    assert all(not p.exit_reason for p in northwind if not p.exit_date)
    # Nobody left who still has reports.
    managers = {p.manager for p in northwind}
    assert not any(p.external_id in managers for p in leavers)


def test_promotions_and_custom_attributes(northwind):
    promoted = [p for p in northwind if p.last_promotion_date]

    assert len(promoted) > len(northwind) / 3
    assert all(p.hire_date < p.last_promotion_date <= (p.exit_date or TODAY) for p in promoted)
    assert any("cohort" in p.custom_attributes for p in northwind)
    assert any("ergs" in p.custom_attributes for p in northwind)
    assert {p.custom_attributes["work_arrangement"] for p in northwind} == {"onsite", "hybrid", "remote"}


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_reset_rebuilds(capsys):
    call_command("seed_demo")
    northwind = Organization.objects.get(slug="northwind")
    people = sorted(Person.objects.for_org(northwind).values_list("id", "external_id", "manager_id"))

    call_command("seed_demo")

    assert Organization.objects.filter(slug__in=["northwind", "contoso"]).count() == 2
    assert sorted(Person.objects.for_org(northwind).values_list("id", "external_id", "manager_id")) == people
    assert Membership.objects.count() == 6

    call_command("seed_demo", "--reset")

    rebuilt = Organization.objects.get(slug="northwind")
    assert rebuilt.pk != northwind.pk
    assert Person.objects.for_org(rebuilt).count() == len(people)
    assert Person.objects.filter(organization_id=northwind.pk).count() == 0


@pytest.mark.django_db
def test_printed_logins_sign_in_and_link_to_their_directory_record(client, capsys):
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "http://127.0.0.1:8000" in output

    for demo_user in demo.DEMO_USERS:
        assert demo_user.email in output
        response = client.post("/accounts/login/", {"login": demo_user.email, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, demo_user.email
        assert "confirm-email" not in response["Location"]
        for slug, role in demo_user.roles:
            membership = Membership.objects.get(user__email=demo_user.email, organization__slug=slug)
            assert membership.role == role
            assert Person.objects.get(organization__slug=slug, email=demo_user.email).user == membership.user
        client.logout()

    roles = set(Membership.objects.filter(organization__slug="northwind").values_list("role", flat=True))
    assert roles == set(Role.values)


@pytest.mark.django_db
def test_superuser_reaches_django_admin(client):
    call_command("seed_demo")

    client.post("/accounts/login/", {"login": demo.SUPERUSER_EMAIL, "password": demo.DEMO_PASSWORD})

    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="Refusing to seed demo data in production.*--force"):
        call_command("seed_demo")

    assert not Organization.objects.exists()
    assert not get_user_model().objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_seed_demo_runs_in_production_when_forced(settings, capsys):
    settings.PRODUCTION = True

    call_command("seed_demo", "--force")

    assert Organization.objects.filter(slug="northwind").exists()
    assert demo.SUPERUSER_EMAIL in capsys.readouterr().out
