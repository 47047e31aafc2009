"""python manage.py import_people <org-slug> <file.csv> [--dry-run] [--import-valid-rows]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organizations.models import Organization, PeopleImport
from organizations.services import PeopleImportError, people_import_apply, people_import_create


class Command(BaseCommand):
    help = (
        "Import a people-directory CSV (an HRIS export) into an organization: a dry run, then an "
        "all-or-nothing apply. Exits non-zero when rows are rejected and nothing was applied."
    )

    def add_arguments(self, parser):
        parser.add_argument("org_slug", help="The organization's slug, as in /o/<slug>/.")
        parser.add_argument("file", type=Path, help="The CSV file (comma or semicolon, UTF-8 or Latin-1).")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; change nothing.")
        parser.add_argument(
            "--import-valid-rows",
            action="store_true",
            help="Import the valid rows and skip the rejected ones (otherwise one bad row changes nothing).",
        )

    def handle(self, *args, org_slug, file, dry_run=False, import_valid_rows=False, **options):
        organization = Organization.objects.filter(slug=org_slug).first()
        if organization is None:
            raise CommandError(f"No organization with the slug “{org_slug}”.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from error

        people_import = _translate(
            lambda: people_import_create(
                organization=organization, uploaded_by=None, file_name=file.name, content=content, defer=False
            )
        )
        if people_import.status == PeopleImport.Status.FAILED:
            raise CommandError(people_import.error)
        self._report(people_import, applied=False)
        rejected = people_import.summary["rejected"]

        if dry_run:
            if rejected:
                raise CommandError(f"{rejected} row(s) rejected. Dry run: nothing was changed.", returncode=1)
            self.stdout.write(self.style.SUCCESS("Dry run: every row is valid; nothing was changed."))
            return

        applied = _translate(
            lambda: people_import_apply(
                organization=organization, people_import=people_import, import_valid_rows=import_valid_rows
            )
        )
        summary = applied.summary
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied: {summary['created']} created, {summary['updated']} updated, "
                f"{summary['unchanged']} unchanged, {summary['rejected']} rejected row(s) skipped."
            )
        )

    def _report(self, people_import, *, applied):
        summary = people_import.summary
        self.stdout.write(
            f"Read {people_import.file_name}: {summary['rows']} row(s), "
            f"{summary['encoding']}, {summary['delimiter']}-separated."
        )
        for label, key in (("to create", "created"), ("to update", "updated"), ("unchanged", "unchanged")):
            self.stdout.write(f"  {label:<10} {summary[key]}")
        self.stdout.write(f"  {'rejected':<10} {summary['rejected']}")
        for note in summary.get("notes", []):
            self.stdout.write(f"Note: {note}")
        if people_import.rejected_rows:
            self.stdout.write("Rejected rows:")
            for row in people_import.rejected_rows:
                self.stdout.write(f"  line {row['line']}: {' '.join(row['reasons'])}")


def _translate(call):
    try:
        return call()
    except PeopleImportError as error:
        raise CommandError(error.message, returncode=1) from error
    except Exception as error:
        messages = getattr(error, "messages", None)
        if messages is None:
            raise
        raise CommandError(" ".join(messages)) from error
