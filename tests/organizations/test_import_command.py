"""`manage.py import_people` and `manage.py bench_import`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from organizations.models import Organization, PeopleImport, Person

HEADER = "Personnel number,First name,Last name,Work email,Reports to,Hire date,Termination date\n"
GOOD = HEADER + "P1,Ann,Lee,ann@example.com,,2020-01-01,\nP2,Bob,Ray,bob@example.com,P1,2021-02-01,\n"
BAD = GOOD + "P3,,,carl@example.com,P9,2022-01-01,2021-01-01\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def csv_path(tmp_path):
    def write(text, encoding="utf-8"):
        path = tmp_path / "people.csv"
        path.write_bytes(text.encode(encoding))
        return path

    return write


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_imports_a_clean_file_and_prints_the_counts(org, csv_path):
    out = run("import_people", org.slug, str(csv_path(GOOD, encoding="latin-1")))

    assert "2 row(s)" in out
    assert "to create  2" in out
    assert "Applied: 2 created, 0 updated, 0 unchanged" in out
    assert Person.objects.for_org(org).get(external_id="P2").manager.name == "Ann Lee"


def test_rejected_rows_are_printed_with_line_and_reason_and_nothing_is_applied(org, csv_path):
    out = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_people", org.slug, str(csv_path(BAD)), stdout=out)

    assert caught.value.returncode == 1
    assert "1 row was rejected, so nothing was imported" in str(caught.value)
    report = out.getvalue()
    assert "line 4: Name is missing." in report
    assert "Manager id “P9” was not found" in report
    assert "exit date 2021-01-01 is before the hire date 2022-01-01" in report
    assert not Person.objects.for_org(org).exists()


def test_import_valid_rows_skips_the_rejected_ones(org, csv_path):
    out = run("import_people", org.slug, str(csv_path(BAD)), "--import-valid-rows")

    assert "Applied: 2 created" in out
    assert "1 rejected row(s) skipped" in out
    assert Person.objects.for_org(org).count() == 2


def test_dry_run_changes_nothing(org, csv_path):
    out = run("import_people", org.slug, str(csv_path(GOOD)), "--dry-run")

    assert "Dry run" in out
    assert not Person.objects.for_org(org).exists()
    assert PeopleImport.objects.for_org(org).get().status == PeopleImport.Status.PREVIEWED


def test_dry_run_with_rejected_rows_exits_non_zero(org, csv_path):
    with pytest.raises(CommandError) as caught:
        run("import_people", org.slug, str(csv_path(BAD)), "--dry-run")

    assert caught.value.returncode == 1


@pytest.mark.parametrize(
    ("slug", "text", "message"),
    [
        ("nope", GOOD, "No organization"),
        ("acme", "Department\nSales\n", "no name column"),
    ],
)
def test_unusable_input_is_refused(org, csv_path, slug, text, message):
    with pytest.raises(CommandError, match=message):
        run("import_people", slug, str(csv_path(text)))


def test_a_missing_file_is_refused(org, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_people", org.slug, str(tmp_path / "missing.csv"))


def test_bench_import_times_the_import_and_cleans_up(db):
    out = run("bench_import", "--rows", "400")

    assert "first import: 400 rows → 400 created" in out
    assert "re-import with 5% changed: 400 rows → 0 created, 20 updated, 380 unchanged" in out
    assert "parse + validate (dry run)" in out
    assert not Organization.objects.filter(slug__startswith="bench-").exists()
