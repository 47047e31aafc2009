"""The import services and the person write services: what lands in the directory and its history."""

from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from organizations.models import PeopleImport, Person, PersonChange, Role
from organizations.services import (
    PeopleImportError,
    people_import_apply,
    people_import_create,
    people_import_progress,
    people_import_start_apply,
    person_create,
    person_update,
)
from organizations.services import people_import as people_import_module
from organizations.services.people_import import _progress_key
from organizations.tasks import apply_people_import_task, validate_people_import_task
from tests.factories import OrganizationFactory, PersonFactory

HEADER = "Employee ID,Name,Email,Department,Manager ID,Hire date,Exit date,Exit reason\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploader(org, member_of):
    return member_of(org, Role.ADMIN)


@pytest.fixture
def upload(org, uploader):
    """upload(text) -> a dry-run PeopleImport for `org`, checked in this process."""

    def make(text, organization=None):
        return people_import_create(
            organization=organization or org,
            uploaded_by=uploader,
            file_name="people.csv",
            content=text.encode(),
            defer=False,
        )

    return make


def apply(org, people_import, **kwargs):
    return people_import_apply(organization=org, people_import=people_import, **kwargs)


def people(org):
    return {p.external_id: p for p in Person.objects.for_org(org)}


# --- dry run --------------------------------------------------------------------------------


def test_the_dry_run_counts_and_lists_rejected_rows_and_changes_nothing(org, upload):
    PersonFactory(organization=org, external_id="E1", name="Ann", email="ann@example.com", department="Sales")
    PersonFactory(organization=org, external_id="E2", name="Bob", email="bob@example.com", department="Sales")
    text = HEADER + (
        "E1,Ann,ann@example.com,Sales,,,,\n"  # unchanged
        "E2,Bob,bob@example.com,Marketing,,,,\n"  # updated
        "E3,Cy,cy@example.com,Sales,E1,,,\n"  # created
        "E4,,dee@example.com,Sales,,,,\n"  # rejected
    )

    people_import = upload(text)

    assert people_import.status == PeopleImport.Status.PREVIEWED
    summary = people_import.summary
    assert (summary["created"], summary["updated"], summary["unchanged"], summary["rejected"]) == (1, 1, 1, 1)
    assert people_import.rejected_rows == [
        {
            "line": 5,
            "reasons": ["Name is missing."],
            "values": {
                "Employee ID": "E4",
                "Name": "",
                "Email": "dee@example.com",
                "Department": "Sales",
                "Manager ID": "",
                "Hire date": "",
                "Exit date": "",
                "Exit reason": "",
            },
        }
    ]
    assert Person.objects.for_org(org).count() == 2
    assert people(org)["E2"].department == "Sales"


def test_an_unreadable_file_fails_with_the_reason(org, upload):
    people_import = upload("Department\nSales\n")

    assert people_import.status == PeopleImport.Status.FAILED
    assert "no name column" in people_import.error
    with pytest.raises(PeopleImportError, match="failed"):
        apply(org, people_import)


def test_an_empty_upload_is_refused_on_the_file_field(org, uploader):
    with pytest.raises(ValidationError) as caught:
        people_import_create(organization=org, uploaded_by=uploader, file_name="x.csv", content=b"")

    assert "file" in caught.value.message_dict


def test_the_dry_run_and_the_apply_run_through_tasks_after_commit(org, uploader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        people_import = people_import_create(
            organization=org, uploaded_by=uploader, file_name="p.csv", content=(HEADER + "E1,Ann,,,,,,\n").encode()
        )
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.PREVIEWED

    with django_capture_on_commit_callbacks(execute=True):
        people_import_start_apply(organization=org, people_import=people_import)

    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.APPLIED
    assert people(org)["E1"].name == "Ann"


def test_a_redelivered_task_does_not_redo_finished_work(org, upload):
    people_import = upload(HEADER + "E1,Ann,,,,,,\n")
    apply(org, people_import)

    validate_people_import_task(org.pk, people_import.pk)
    apply_people_import_task(org.pk, people_import.pk)

    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.APPLIED
    assert Person.objects.for_org(org).count() == 1


# --- apply: all or nothing ------------------------------------------------------------------


def test_one_bad_row_changes_nothing(org, upload):
    PersonFactory(organization=org, external_id="E1", name="Ann", email="ann@example.com", department="Sales")
    people_import = upload(
        HEADER + "E1,Ann,ann@example.com,Marketing,,,,\nE2,Bob,bob@example.com,Sales,,,,\nE3,,,,,,,\n"
    )

    with pytest.raises(PeopleImportError, match="1 row was rejected, so nothing was imported") as caught:
        apply(org, people_import)

    assert caught.value.field == "import_valid_rows"
    assert set(people(org)) == {"E1"}
    assert people(org)["E1"].department == "Sales"
    assert not PersonChange.objects.for_org(org).exists()
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.PREVIEWED
    assert "nothing was imported" in people_import.error


def test_starting_an_apply_with_rejected_rows_needs_the_explicit_choice(org, upload):
    people_import = upload(HEADER + "E1,Ann,,,,,,\nE2,,,,,,,\n")

    with pytest.raises(PeopleImportError) as caught:
        people_import_start_apply(organization=org, people_import=people_import)

    assert caught.value.field == "import_valid_rows"
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.PREVIEWED


def test_import_valid_rows_imports_the_rest(org, upload):
    people_import = upload(HEADER + "E1,Ann,ann@example.com,,,,,\nE2,,,,,,,\nE3,Cy,cy@example.com,,E1,,,\n")

    people_import = apply(org, people_import, import_valid_rows=True)

    assert people_import.status == PeopleImport.Status.APPLIED
    assert set(people(org)) == {"E1", "E3"}
    assert people_import.summary["created"] == 2
    assert people_import.summary["rejected"] == 1
    assert people_import.rejected_rows[0]["line"] == 3


def test_a_crash_midway_rolls_everything_back_and_shows_as_failed(org, upload, monkeypatch):
    people_import = upload(HEADER + "E1,Ann,,,,,,\nE2,Bob,,,E1,,,\n")
    real_create = people_import_module._create_people

    def create_then_crash(*args, **kwargs):
        real_create(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(people_import_module, "_create_people", create_then_crash)

    with pytest.raises(RuntimeError):
        apply(org, people_import)

    assert not Person.objects.for_org(org).exists()
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.FAILED
    assert "nothing was changed" in people_import.error


def test_a_file_applies_once(org, upload):
    people_import = upload(HEADER + "E1,Ann,,,,,,\n")
    apply(org, people_import)

    with pytest.raises(PeopleImportError, match="already imported"):
        apply(org, people_import)

    assert Person.objects.for_org(org).count() == 1


def test_the_apply_checks_the_directory_again(org, upload):
    people_import = upload(HEADER + "E1,Ann,ann@example.com,,,,,\n")
    # Between preview and apply, someone else takes the email by hand.
    PersonFactory(organization=org, external_id="X1", email="ann@example.com")

    with pytest.raises(PeopleImportError):
        apply(org, people_import)

    assert "E1" not in people(org)


# --- upsert and history ---------------------------------------------------------------------


def test_rows_update_by_employee_id_then_by_email(org, upload):
    by_id = PersonFactory(organization=org, external_id="E1", email="ann@example.com", name="Ann")
    by_email = PersonFactory(organization=org, external_id="", email="bob@example.com", name="Bob")

    apply(org, upload(HEADER + "E1,Ann Lee,ann.lee@example.com,,,,,\nE2,Bob,BOB@example.com,Sales,,,,\n"))

    by_id.refresh_from_db()
    by_email.refresh_from_db()
    assert (by_id.name, by_id.email) == ("Ann Lee", "ann.lee@example.com")
    assert (by_email.external_id, by_email.department) == ("E2", "Sales")
    assert Person.objects.for_org(org).count() == 2


def test_a_later_import_that_sets_an_exit_date_is_recorded_not_overwritten_silently(org, upload, uploader):
    apply(org, upload(HEADER + "E1,Ann,ann@example.com,Sales,,2019-04-01,,\n"))
    second = upload(HEADER + "E1,Ann,ann@example.com,Sales,,2019-04-01,2024-06-30,voluntary\n")

    apply(org, second)

    ann = people(org)["E1"]
    assert ann.exit_date == date(2024, 6, 30)
    changes = {c.field: c for c in PersonChange.objects.for_org(org).filter(person=ann, people_import=second)}
    assert set(changes) == {"exit_date", "exit_reason"}
    exit_change = changes["exit_date"]
    assert (exit_change.old_value, exit_change.new_value) == (None, "2024-06-30")
    assert exit_change.source == PersonChange.Source.IMPORT
    assert exit_change.changed_by == uploader


def test_creation_is_the_baseline_and_writes_no_history(org, upload):
    first = upload(HEADER + "E1,Ann,ann@example.com,Sales,,2019-04-01,,\n")

    apply(org, first)

    assert people(org)["E1"].hire_date == date(2019, 4, 1)
    assert not PersonChange.objects.for_org(org).exists()


def test_unchanged_rows_are_counted_and_leave_no_history(org, upload):
    apply(org, upload(HEADER + "E1,Ann,ann@example.com,Sales,,2019-04-01,,\nE2,Bob,,,E1,,,\n"))
    history_before = PersonChange.objects.for_org(org).count()

    again = apply(org, upload(HEADER + "E1,Ann,ann@example.com,Sales,,01.04.2019,,\nE2,Bob,,,E1,,,\n"))

    assert (again.summary["unchanged"], again.summary["updated"], again.summary["created"]) == (2, 0, 0)
    assert PersonChange.objects.for_org(org).count() == history_before


def test_custom_attributes_merge_with_what_is_stored(org, upload):
    PersonFactory(organization=org, external_id="E1", custom_attributes={"Badge": "B-1", "Cost centre": "CC-0"})

    apply(org, upload("Employee ID,Name,Cost centre,Badge,Shirt\nE1,Ann,CC-9,,M\n"))

    assert people(org)["E1"].custom_attributes == {"Cost centre": "CC-9", "Shirt": "M"}


# --- managers -------------------------------------------------------------------------------


def test_managers_are_linked_across_new_and_existing_people(org, upload):
    boss = PersonFactory(organization=org, external_id="E0", name="Boss")
    PersonFactory(organization=org, external_id="E5", name="Old hand")
    text = HEADER + (
        "E3,Cy,,,E2,,,\n"  # a report listed before its (new) manager
        "E2,Bob,,,E1,,,\n"
        "E1,Ann,,,E0,,,\n"  # a new person under an existing one
        "E5,Old hand,,,E3,,,\n"  # an existing person under a new one
    )

    apply(org, upload(text))

    directory = people(org)
    assert directory["E1"].manager == boss
    assert directory["E2"].manager == directory["E1"]
    assert directory["E3"].manager == directory["E2"]
    assert directory["E5"].manager == directory["E3"]
    change = PersonChange.objects.for_org(org).get(person=directory["E5"], field="manager_id")
    assert (change.old_value, change.new_value) == (None, directory["E3"].pk)


def test_an_empty_manager_cell_removes_the_manager_and_no_column_keeps_it(org, upload):
    boss = PersonFactory(organization=org, external_id="E0")
    PersonFactory(organization=org, external_id="E1", manager=boss)
    PersonFactory(organization=org, external_id="E2", manager=boss)

    apply(org, upload("Employee ID,Name,Manager ID\nE1,Ann,\n"))
    apply(org, upload("Employee ID,Name\nE2,Bob\n"))

    assert people(org)["E1"].manager is None
    assert people(org)["E2"].manager == boss


def test_another_organizations_person_cannot_be_a_manager(org, upload):
    other = OrganizationFactory()
    PersonFactory(organization=other, external_id="E77", email="boss@other.example")
    people_import = upload(HEADER + "E1,Ann,ann@example.com,,E77,,,\n")

    assert "Manager id “E77” was not found" in people_import.rejected_rows[0]["reasons"][0]
    with pytest.raises(PeopleImportError):
        apply(org, people_import)
    assert not Person.objects.for_org(org).exists()


def test_the_apply_does_not_query_per_row(org, upload, django_assert_max_num_queries):
    rows = "".join(
        f"E{i},Person {i},p{i}@example.com,Dept {i % 7},{'E0' if i else ''},2020-01-01,,\n" for i in range(300)
    )
    people_import = upload(HEADER + rows)

    # Per-row work would be 300+ queries (plus history); batches keep it to a few dozen, and
    # that is on SQLite, whose batches are far smaller than PostgreSQL's.
    with django_assert_max_num_queries(60):
        apply(org, people_import)

    assert Person.objects.for_org(org).count() == 300


def test_progress_of_a_running_apply_comes_from_the_cache(org, upload):
    people_import = upload(HEADER + "E1,Ann,,,,,,\n")
    PeopleImport.objects.filter(pk=people_import.pk).update(status=PeopleImport.Status.APPLYING, progress=0)
    people_import.refresh_from_db()
    cache.set(_progress_key(org.pk, people_import.pk), 42)

    assert people_import_progress(people_import) == 42


# --- single-person services -----------------------------------------------------------------


def test_person_update_records_each_change_with_who_and_how(org, uploader):
    ann = PersonFactory(organization=org, name="Ann", level=3, department="Sales")

    person_update(
        organization=org,
        person=ann,
        data={"level": 4, "department": "Sales", "exit_date": date(2025, 1, 31)},
        source=PersonChange.Source.MANUAL,
        changed_by=uploader,
    )

    changes = {c.field: (c.old_value, c.new_value, c.source, c.changed_by) for c in ann.changes.all()}
    assert changes == {
        "level": (3, 4, "manual", uploader),
        "exit_date": (None, "2025-01-31", "manual", uploader),
    }


def test_person_create_then_update_records_only_the_update(org):
    person = person_create(organization=org, data={"name": "Ann", "level": 2}, source=PersonChange.Source.API)
    person_update(organization=org, person=person, data={"level": 3}, source=PersonChange.Source.API)

    assert [(c.field, c.old_value, c.new_value) for c in person.changes.all()] == [("level", 2, 3)]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "taken@example.com"}, "email"),
        ({"external_id": "T1"}, "external_id"),
        ({"hire_date": date(2024, 1, 1), "exit_date": date(2023, 1, 1)}, "exit_date"),
        ({"exit_reason": "voluntary"}, "exit_reason"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"level": -1}, "level"),
    ],
)
def test_person_services_refuse_what_the_import_refuses(org, data, field):
    PersonFactory(organization=org, external_id="T1", email="TAKEN@example.com")
    ann = PersonFactory(organization=org)

    with pytest.raises(ValidationError) as caught:
        person_update(organization=org, person=ann, data=data, source=PersonChange.Source.API)

    assert field in caught.value.message_dict


def test_person_update_refuses_a_manager_cycle_and_another_organizations_manager(org):
    ann = PersonFactory(organization=org)
    bob = PersonFactory(organization=org, manager=ann)
    stranger = PersonFactory(organization=OrganizationFactory())

    for manager in (bob, ann, stranger):
        with pytest.raises(ValidationError) as caught:
            person_update(organization=org, person=ann, data={"manager": manager}, source=PersonChange.Source.API)
        assert "manager" in caught.value.message_dict

    assert not ann.changes.exists()
