"""The people-directory import: upload, dry run, and an all-or-nothing apply.

Flow: `people_import_create` stores the file and enqueues the dry run
(`people_import_validate`, run by `validate_people_import_task`); the admin reads the preview
and asks for `people_import_start_apply`, which enqueues `people_import_apply`
(`apply_people_import_task`). Both passes read the file with the same pure reader
(`organizations/directory_import.py`) against the directory as it is at that moment, so the
apply re-checks everything instead of trusting a preview that may have gone stale.

The apply runs in ONE transaction: a file with a rejected row changes nothing unless the admin
chose to import the valid rows. New people are inserted level by level down the management
chain, so every manager already has its id when its reports are inserted, and nobody needs a
second UPDATE for the manager column; existing people are written with one bulk_update. No
query runs per row.

Progress: the dry run commits as it goes; the apply cannot (its transaction is invisible to
the browser until it commits), so in-flight progress is kept in the cache under a key that
carries the organization, and `people_import_progress` reads it from there.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..directory_import import (
    CUSTOM,
    DirectoryFile,
    DirectoryRow,
    ExistingPerson,
    delimiter_name,
    read_directory,
    rejected_row_report,
)
from ..events import announce_directory_change
from ..models import Organization, PeopleImport, Person, PersonChange
from .links import people_relink
from .people import blank_person_values, person_change_rows, person_diff

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 25 * 1024 * 1024
BATCH_SIZE = 1000
UPDATE_BATCH_SIZE = 500
# The text fields whose length the database enforces (SQLite does not, PostgreSQL does).
LIMITED_FIELDS = ("external_id", "name", "email", "department", "team", "title", "location")
PROGRESS_TIMEOUT = 60 * 60
# Uploaded files are personal data: kept until applied, and never longer than this.
RETENTION = timedelta(days=30)
FILE_DELETED_MESSAGE = (
    f"The uploaded file was deleted: files are kept for {RETENTION.days} days at most. Upload it again to import it."
)

Status = PeopleImport.Status


class PeopleImportError(Exception):
    """A refusal the admin can act on. `field` names the request field at fault, if any."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


@contextmanager
def _failing_visibly(organization, import_id, doing):
    """An unexpected crash marks the import failed (its transaction, if any, rolled back), then re-raises."""
    try:
        yield
    except Exception:
        logger.exception("People import %s of organization %s: %s failed", import_id, organization.pk, doing)
        PeopleImport.objects.for_org(organization).filter(pk=import_id).update(
            status=Status.FAILED,
            progress=0,
            error=f"{doing} failed unexpectedly, so nothing was changed. Upload the file again to retry.",
        )
        raise


# --- upload and dry run ---------------------------------------------------------------------


def people_import_check_size(size):
    """Refuse an empty or oversized upload; callers check before reading the file into memory."""
    if not size:
        raise ValidationError({"file": ["The file is empty."]})
    if size > MAX_FILE_BYTES:
        raise ValidationError({"file": [f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."]})


def people_import_create(*, organization, uploaded_by, file_name, content, defer=True):
    """Store an uploaded file and start its dry run (after commit, in a worker or eagerly).

    `defer=False` runs the dry run now, in this process: for the management command, which
    must not wait for, or race with, a worker.
    """
    people_import_check_size(len(content))
    people_import = PeopleImport.objects.create(
        organization=organization, uploaded_by=uploaded_by, file_name=file_name[:255], content=content
    )
    if defer:
        from ..tasks import validate_people_import_task

        transaction.on_commit(lambda: validate_people_import_task.delay(organization.pk, people_import.pk))
    else:
        people_import = people_import_validate(organization=organization, people_import=people_import)
    return people_import


def people_import_validate(*, organization, people_import):
    """The dry run: count what the file would create, update and leave alone, and list every rejected row."""
    imports = PeopleImport.objects.for_org(organization)
    # Compare-and-set: a redelivered task re-runs a dry run cut short, never a finished one.
    claimed = imports.filter(pk=people_import.pk, status__in=[Status.PENDING, Status.VALIDATING]).update(
        status=Status.VALIDATING, progress=0, error=""
    )
    people_import = imports.get(pk=people_import.pk)
    if not claimed:
        return people_import
    progress = _Progress(organization.pk, people_import.pk, Status.VALIDATING, commit=True)
    with _failing_visibly(organization, people_import.pk, "Checking the file"):
        directory, plan = _read_and_plan(organization, people_import, progress)
    imports.filter(pk=people_import.pk).update(
        status=Status.FAILED if directory.error else Status.PREVIEWED,
        progress=100,
        summary=_summary(directory, plan),
        rejected_rows=[rejected_row_report(row) for row in directory.rejected_rows],
        error=directory.error,
    )
    progress.clear()
    return imports.get(pk=people_import.pk)


# --- apply ----------------------------------------------------------------------------------


def people_import_start_apply(*, organization, people_import, import_valid_rows=False):
    """Ask for the apply from a view or the API: checks what can be checked now, then enqueues."""
    from ..tasks import apply_people_import_task

    people_import = PeopleImport.objects.for_org(organization).get(pk=people_import.pk)
    _check_can_apply(people_import)
    rejected = people_import.summary.get("rejected", 0)
    if rejected and not import_valid_rows:
        raise PeopleImportError(_rejected_message(rejected), field="import_valid_rows")
    claimed = (
        PeopleImport.objects.for_org(organization)
        .filter(pk=people_import.pk, status=Status.PREVIEWED)
        .update(status=Status.APPLYING, progress=0, import_valid_rows=import_valid_rows, error="")
    )
    if not claimed:
        raise PeopleImportError("This import is already being applied.")
    transaction.on_commit(lambda: apply_people_import_task.delay(organization.pk, people_import.pk))
    return PeopleImport.objects.for_org(organization).get(pk=people_import.pk)


def people_import_apply(*, organization, people_import, import_valid_rows=False):
    """Apply the file in one transaction; raise PeopleImportError when it is refused.

    Refused, nothing changes: when a row is rejected and `import_valid_rows` is False, when no
    row can be imported, or when the import is not in a state to apply.
    """
    imports = PeopleImport.objects.for_org(organization)
    _check_can_apply(imports.get(pk=people_import.pk), applying_ok=True)
    claimed = imports.filter(pk=people_import.pk, status__in=[Status.PREVIEWED, Status.APPLYING]).update(
        status=Status.APPLYING, progress=0, import_valid_rows=import_valid_rows, error=""
    )
    if not claimed:
        _check_can_apply(imports.get(pk=people_import.pk))
    progress = _Progress(organization.pk, people_import.pk, Status.APPLYING)
    refusal = None
    try:
        with _failing_visibly(organization, people_import.pk, "Applying the file"), transaction.atomic():
            # One apply at a time per organization; a redelivered task waits here, then finds it done.
            Organization.objects.select_for_update().filter(pk=organization.pk).first()
            people_import = imports.select_for_update().get(pk=people_import.pk)
            if people_import.status != Status.APPLYING:
                return people_import
            directory, plan = _read_and_plan(organization, people_import, progress, share=0.2)
            refusal = _refusal(directory, import_valid_rows)
            if refusal is None:
                _execute(organization, people_import, plan, progress)
            imports.filter(pk=people_import.pk).update(
                status=Status.PREVIEWED if refusal else Status.APPLIED,
                progress=0 if refusal else 100,
                applied_at=None if refusal else timezone.now(),
                summary=_summary(directory, plan),
                rejected_rows=[rejected_row_report(row) for row in directory.rejected_rows],
                error=refusal.message if refusal else "",
            )
    finally:
        progress.clear()
    if refusal:
        raise refusal
    people_import_purge_content(organization=organization, people_import=people_import)
    return imports.get(pk=people_import.pk)


# --- forgetting the file --------------------------------------------------------------------


def people_import_purge_content(*, organization, people_import):
    """Empty the stored file: the summary, rejected rows and history stay for the record.

    Called once an import is applied, and by the daily sweep once RETENTION has passed. An
    import never applied can no longer be: it is marked failed and says why. One being applied
    right now keeps its file (the apply purges it when it ends).
    """
    imports = PeopleImport.objects.for_org(organization).filter(pk=people_import.pk)
    imports.filter(status__in=[Status.PENDING, Status.VALIDATING, Status.PREVIEWED]).update(
        status=Status.FAILED, progress=0, error=FILE_DELETED_MESSAGE
    )
    imports.exclude(status=Status.APPLYING).update(content=b"")


def people_imports_purge_expired(*, now=None) -> int:
    """The daily sweep, across organizations: once RETENTION has passed, forget the file and the
    cell values of its rejected rows (personal data); line numbers and reasons stay."""
    cutoff = (now or timezone.now()) - RETENTION
    expired = (
        PeopleImport.objects.filter(created_at__lt=cutoff)
        .filter(~Q(content=b"") | Q(rejected_rows__0__values__isnull=False))
        .exclude(status=Status.APPLYING)
        .defer("content", "summary")
        .select_related("organization")
    )
    purged = 0
    for people_import in expired.iterator():
        people_import_purge_content(organization=people_import.organization, people_import=people_import)
        PeopleImport.objects.for_org(people_import.organization).filter(pk=people_import.pk).update(
            rejected_rows=[{k: v for k, v in row.items() if k != "values"} for row in people_import.rejected_rows]
        )
        purged += 1
    return purged


def _check_can_apply(people_import, *, applying_ok=False):
    allowed = {Status.PREVIEWED, Status.APPLYING} if applying_ok else {Status.PREVIEWED}
    if people_import.status in allowed:
        return
    messages = {
        Status.PENDING: "The file is still being checked.",
        Status.VALIDATING: "The file is still being checked.",
        Status.APPLYING: "This import is already being applied.",
        Status.APPLIED: "This file was already imported.",
        Status.FAILED: "This import failed and cannot be applied. Upload the file again.",
    }
    raise PeopleImportError(messages[people_import.status])


def _rejected_message(rejected):
    rows = "1 row was" if rejected == 1 else f"{rejected} rows were"
    return (
        f"{rows} rejected, so nothing was imported. Fix the file and upload it again, "
        "or choose to import the valid rows and skip the rejected ones."
    )


def _refusal(directory: DirectoryFile, import_valid_rows: bool) -> PeopleImportError | None:
    if directory.error:
        return PeopleImportError(directory.error)
    rejected = len(directory.rejected_rows)
    if rejected and not import_valid_rows:
        return PeopleImportError(_rejected_message(rejected), field="import_valid_rows")
    if not directory.valid_rows:
        return PeopleImportError("No row of this file can be imported.")
    return None


# --- reading and planning (shared by the dry run and the apply) -----------------------------

# Stored columns the plan compares against and writes.
_STORED_FIELDS = ("id", "external_id", *Person.TRACKED_FIELDS)
# Stands for "the id of a person this apply is about to create".
_NEW_MANAGER = object()


@dataclass
class _Plan:
    creates: list[DirectoryRow] = field(default_factory=list)
    # (row, stored values, the values to write: only fields that change)
    updates: list[tuple[DirectoryRow, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0


def _read_and_plan(organization, people_import, progress, share=0.9):
    stored = {
        values["id"]: values
        for values in Person.objects.for_org(organization).order_by().values(*_STORED_FIELDS).iterator(chunk_size=5000)
    }
    existing = [
        ExistingPerson(
            pk=pk,
            name=values["name"],
            external_id=values["external_id"],
            email=values["email"],
            manager_id=values["manager_id"],
            hire_date=values["hire_date"],
            exit_date=values["exit_date"],
            exit_reason=values["exit_reason"],
        )
        for pk, values in stored.items()
    ]
    limits = {name: Person._meta.get_field(name).max_length for name in LIMITED_FIELDS}
    directory = read_directory(
        bytes(people_import.content),
        existing,
        max_lengths=limits,
        on_progress=lambda fraction: progress.update(fraction * share),
    )
    return directory, _plan(directory, stored)


def _plan(directory: DirectoryFile, stored: dict[int, dict[str, Any]]) -> _Plan:
    plan = _Plan()
    for row in directory.valid_rows:
        if row.target_pk is None:
            plan.creates.append(row)
            continue
        before = stored[row.target_pk]
        after = _row_values(row, before)
        changes = {name: value for name, value in after.items() if before.get(name) != value}
        # An unresolved new manager always differs from what is stored.
        if changes:
            plan.updates.append((row, before, changes))
        else:
            plan.unchanged += 1
    return plan


def _row_values(row: DirectoryRow, before: dict[str, Any]) -> dict[str, Any]:
    """What the row says the person's stored fields should be (only fields the file has)."""
    after = {name: value for name, value in row.values.items() if name != "external_id"}
    # An employee id is added (to someone matched by email), never removed: it is how the next
    # import finds the person.
    if row.values.get("external_id"):
        after["external_id"] = row.values["external_id"]
    if row.custom:
        custom = dict(before.get("custom_attributes") or {})
        for key, value in row.custom.items():
            if value:
                custom[key] = value
            else:
                custom.pop(key, None)
        after["custom_attributes"] = custom
    if row.manager_ref is not None:
        kind, pk_or_line = row.manager or (None, None)
        after["manager_id"] = pk_or_line if kind == "p" else (_NEW_MANAGER if kind == "r" else None)
    return after


def _summary(directory: DirectoryFile, plan: _Plan) -> dict[str, Any]:
    return {
        "rows": len(directory.rows),
        "created": len(plan.creates),
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
        "rejected": len(directory.rejected_rows),
        "encoding": directory.encoding,
        "delimiter": delimiter_name(directory.delimiter) if directory.delimiter else "",
        "columns": [
            {"header": header, "field": "custom attribute" if column == CUSTOM else column}
            for header, column in directory.columns.items()
        ],
        "notes": directory.notes,
    }


# --- executing the plan ---------------------------------------------------------------------


def _execute(organization, people_import, plan: _Plan, progress) -> None:
    now = timezone.now()
    history = _History(organization, people_import, now)
    blank = blank_person_values()

    created_pks = _create_people(organization, plan.creates, blank, progress, now)
    progress.update(0.7)

    # One bulk_update per changed column, holding only the rows where it changed: Django writes a
    # CASE branch per row for every listed column, so a union of columns costs rows x columns.
    by_field: dict[str, list[Person]] = {}
    for row, before, changes in plan.updates:
        if changes.get("manager_id") is _NEW_MANAGER:
            changes["manager_id"] = created_pks[row.manager[1]]
        history.add(row.target_pk, person_diff(before, {**before, **changes}))
        for name, value in changes.items():
            by_field.setdefault(name, []).append(Person(pk=row.target_pk, **{name: value}))
    scoped = Person.objects.for_org(organization)
    for name, objects in by_field.items():
        scoped.bulk_update(objects, [name], batch_size=UPDATE_BATCH_SIZE)
    updated = [row.target_pk for row, _, _ in plan.updates]
    for start in range(0, len(updated), BATCH_SIZE):
        scoped.filter(pk__in=updated[start : start + BATCH_SIZE]).update(updated_at=now)
    progress.update(0.85)
    history.flush()
    # New people and changed emails may match, or stop matching, a member's verified address.
    people_relink(organization=organization)
    announce_directory_change(
        organization_id=organization.pk,
        person_ids=[*created_pks.values(), *(row.target_pk for row, _, _ in plan.updates)],
    )


def _create_people(organization, rows, blank, progress, now) -> dict[int, int]:
    """Insert new people managers first; return {file line: new person id}."""
    created: dict[int, int] = {}
    total = max(len(rows), 1)
    for level in _levels(rows):
        people = []
        for row in level:
            values = {**blank, **_row_values(row, blank)}
            kind, pk_or_line = row.manager or (None, None)
            values["manager_id"] = created[pk_or_line] if kind == "r" else pk_or_line
            people.append(Person(organization_id=organization.pk, created_at=now, updated_at=now, **values))
        Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
        created.update((row.line, person.pk) for row, person in zip(level, people, strict=True))
        progress.update(0.2 + 0.5 * len(created) / total)
    return created


def _levels(rows: list[DirectoryRow]) -> list[list[DirectoryRow]]:
    """New rows grouped by how many new managers stand above them (validation ruled out cycles)."""
    by_line = {row.line: row for row in rows}
    depth: dict[int, int] = {}
    for row in rows:
        chain, current = [], row
        while current is not None and current.line not in depth:
            chain.append(current)
            kind, line = current.manager or (None, None)
            current = by_line.get(line) if kind == "r" else None
        base = depth[current.line] if current is not None else -1
        for offset, member in enumerate(reversed(chain), start=1):
            depth[member.line] = base + offset
    levels: dict[int, list[DirectoryRow]] = {}
    for row in rows:
        levels.setdefault(depth[row.line], []).append(row)
    return [levels[key] for key in sorted(levels)]


class _History:
    """PersonChange rows, written in batches so a 50,000-person import never holds them all."""

    def __init__(self, organization, people_import, now):
        self.organization, self.people_import, self.now = organization, people_import, now
        self.pending: list[PersonChange] = []

    def add(self, person_id, diff):
        self.pending += person_change_rows(
            organization=self.organization,
            person_id=person_id,
            diff=diff,
            source=PersonChange.Source.IMPORT,
            changed_by=self.people_import.uploaded_by,
            people_import=self.people_import,
            changed_at=self.now,
        )
        if len(self.pending) >= 10 * BATCH_SIZE:
            self.flush()

    def flush(self):
        PersonChange.objects.bulk_create(self.pending, batch_size=BATCH_SIZE)
        self.pending = []


# --- progress -------------------------------------------------------------------------------


def _progress_key(organization_id, import_id):
    return f"org:{organization_id}:people-import:{import_id}:progress"


class _Progress:
    """Percent done, in the cache (visible mid-transaction) and, for the dry run, in the row too."""

    def __init__(self, organization_id, import_id, status, *, commit=False):
        self.key = _progress_key(organization_id, import_id)
        self.organization_id, self.import_id, self.status, self.commit = organization_id, import_id, status, commit
        self.percent = -1

    def update(self, fraction):
        percent = max(0, min(99, int(fraction * 100)))
        if percent - self.percent < 2:
            return
        self.percent = percent
        cache.set(self.key, percent, PROGRESS_TIMEOUT)
        if self.commit:
            PeopleImport.objects.for_org(self.organization_id).filter(pk=self.import_id, status=self.status).update(
                progress=percent
            )

    def clear(self):
        cache.delete(self.key)


def people_import_progress(people_import) -> int:
    """Percent done of a running check or apply, for the progress bar."""
    if people_import.status in (Status.VALIDATING, Status.APPLYING):
        cached = cache.get(_progress_key(people_import.organization_id, people_import.pk))
        return max(cached or 0, people_import.progress)
    return people_import.progress
