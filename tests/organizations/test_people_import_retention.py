"""Uploaded directory files are personal data: forgotten once applied, and after 30 days at most."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.models import PeopleImport, Person, Role
from organizations.services import (
    PeopleImportError,
    people_import_apply,
    people_import_create,
    people_import_purge_content,
    people_import_start_apply,
    people_imports_purge_expired,
)
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

GOOD = "Employee ID,Name,Email\nE1,Ann Lee,ann@example.com\nE2,Bob Ray,bob@example.com\n"
Status = PeopleImport.Status


@pytest.fixture
def admin(org, member_of):
    return member_of(org, Role.ADMIN)


@pytest.fixture
def upload(org, admin):
    """upload(organization=org, days_ago=0) -> a previewed import, uploaded that many days ago."""

    def make(organization=None, days_ago=0):
        people_import = people_import_create(
            organization=organization or org,
            uploaded_by=admin,
            file_name="people.csv",
            content=GOOD.encode(),
            defer=False,
        )
        if days_ago:
            PeopleImport.objects.filter(pk=people_import.pk).update(
                created_at=timezone.now() - timedelta(days=days_ago)
            )
        return people_import

    return make


def stored_file(people_import):
    return bytes(PeopleImport.objects.get(pk=people_import.pk).content)


def detail_url(org, people_import):
    return reverse("org:people-import-detail", args=[org.slug, people_import.pk])


def test_a_successful_apply_forgets_the_file_and_its_page_still_shows_what_happened(org, admin, upload, client_for):
    people_import = upload()
    assert stored_file(people_import) == GOOD.encode()

    people_import_apply(organization=org, people_import=people_import)

    assert stored_file(people_import) == b""
    assert Person.objects.for_org(org).count() == 2
    response = client_for(admin).get(detail_url(org, people_import))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported" in page and "deleted once imported" in page
    assert response.context["summary"]["created"] == 2


def test_a_refused_apply_keeps_the_file_so_it_can_be_applied_later(org, upload):
    people_import = upload()
    bad = people_import_create(
        organization=org,
        uploaded_by=None,
        file_name="bad.csv",
        content=(GOOD + "E3,,x@example.com\n").encode(),
        defer=False,
    )

    with pytest.raises(PeopleImportError):
        people_import_apply(organization=org, people_import=bad)

    assert stored_file(bad) != b""
    assert stored_file(people_import) == GOOD.encode()


def test_the_daily_sweep_forgets_files_older_than_30_days_in_every_organization(org, upload):
    other = OrganizationFactory()
    old_here, old_there = upload(days_ago=31), upload(organization=other, days_ago=45)
    recent = upload(days_ago=29)

    assert people_imports_purge_expired() == 2

    assert stored_file(old_here) == stored_file(old_there) == b""
    assert stored_file(recent) == GOOD.encode()
    assert people_imports_purge_expired() == 0  # nothing left to forget


def test_an_expired_preview_can_no_longer_be_applied_and_says_why(org, admin, upload, client_for):
    people_import = upload(days_ago=31)

    people_imports_purge_expired()

    people_import.refresh_from_db()
    assert people_import.status == Status.FAILED
    with pytest.raises(PeopleImportError):
        people_import_start_apply(organization=org, people_import=people_import)
    assert not Person.objects.for_org(org).exists()
    page = client_for(admin).get(detail_url(org, people_import)).content.decode()
    assert "files are kept for 30 days at most" in page
    assert "Apply import" not in page


def test_a_file_being_applied_is_kept_until_the_apply_ends(org, upload):
    people_import = upload(days_ago=31)
    PeopleImport.objects.filter(pk=people_import.pk).update(status=Status.APPLYING)

    people_import_purge_content(organization=org, people_import=people_import)

    assert stored_file(people_import) == GOOD.encode()
    assert PeopleImport.objects.get(pk=people_import.pk).status == Status.APPLYING


def test_purging_is_scoped_to_the_organization(org, upload):
    theirs = upload(organization=OrganizationFactory())

    people_import_purge_content(organization=org, people_import=theirs)

    assert stored_file(theirs) == GOOD.encode()


def test_after_thirty_days_the_rejected_rows_keep_their_reasons_but_not_their_values(org, admin):
    from organizations.tasks import purge_old_people_imports_task

    bad = people_import_create(
        organization=org,
        uploaded_by=admin,
        file_name="people.csv",
        content=b"Employee ID,Name,Email\nE1,,secret.person@example.com\nE2,Bob Ray,bob@example.com\n",
        defer=False,
    )
    people_import_apply(organization=org, people_import=bad, import_valid_rows=True)
    PeopleImport.objects.filter(pk=bad.pk).update(created_at=timezone.now() - timedelta(days=31))

    assert purge_old_people_imports_task.delay().get() == 1

    bad.refresh_from_db()
    assert bad.rejected_rows == [{"line": 2, "reasons": bad.rejected_rows[0]["reasons"]}]
    assert bad.rejected_rows[0]["reasons"]
    assert "secret.person" not in str(bad.rejected_rows)
    assert purge_old_people_imports_task.delay().get() == 0  # nothing left to forget
