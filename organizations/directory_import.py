"""Reading a people-directory file (an HRIS export): bytes in, validated rows out.

Pure: no Django, no database. The service (`services/people_import.py`) hands in the file and a
snapshot of the organization's current directory (`ExistingPerson`), and gets back every row
either parsed and resolved or rejected with human reasons. It is the same code for the dry run
and for the apply, so what the preview promised is what the apply does.

The rules, written down once:

- Encoding: UTF-8 with or without a byte-order mark, UTF-16 with a BOM (Excel's "Unicode
  text"), otherwise Windows-1252 or Latin-1 as charset-normalizer judges.
- Delimiter: comma, semicolon or tab, sniffed by csv.Sniffer and checked against the header.
- Line numbers are physical lines in the file; the header is normally line 1. A quoted cell
  spanning several lines reports the line its row starts on.
- Dates: YYYY-MM-DD (a time part after it is ignored), YYYY/MM/DD, DD.MM.YYYY, and slash dates
  A/B/YYYY. Slash dates are read day first (DD/MM/YYYY) unless the file proves otherwise: when
  some slash date has a second number above 12 and none has a first number above 12, the whole
  file is read month first (MM/DD/YYYY). The order is decided once per file, never per row, so
  03/04/2024 cannot mean April on one line and March on the next. Two-digit years are refused.
- Level: a whole number 0-999, optionally written L5, G5, "Level 5" or "Grade 5".
- Exit reason: voluntary or involuntary, or a common synonym (resigned, terminated, ...); it
  needs an exit date.
- Languages: split on commas, semicolons and |. Time zone: an IANA name, any case.
- Columns: known headers are matched by alias, ignoring case, spaces and punctuation
  ("Employee ID" = "employee_id" = "EmployeeId"). Any other column becomes a custom attribute
  under its header; an empty custom cell removes that attribute.
- Columns absent from the file leave the stored value alone; a present but empty cell clears it.
- A row updates the person with the same employee id; without an id match, the person with the
  same email (ignoring case) unless that person already has a different employee id. An
  employee id is added this way but never removed: it is how the next import finds the person.
- Every copy of a duplicated employee id or email is rejected (the file does not say which one
  is right), and so is an email that another stored person holds, even if the same file moves
  that person to a new address: swap two emails in two imports.
- A manager is referred to by employee id (or by email) of a row of the file or of a stored
  person of the same organization. A row whose manager is rejected and not stored is rejected
  too; a row that closes a loop of managers, directly or through stored people, is rejected.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from charset_normalizer import from_bytes

# --- header aliases -------------------------------------------------------------------------

# Canonical column -> the headers that mean it. Person fields keep their model names; first/last
# name and manager references are inputs that are turned into fields.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "external id",
        "employee id",
        "employee number",
        "employee no",
        "employee code",
        "id",
        "personnel number",
        "person id",
        "worker id",
        "staff id",
        "staff number",
        "student id",
    ),
    "name": ("name", "full name", "display name", "employee name", "preferred name"),
    "first_name": ("first name", "given name", "firstname", "forename"),
    "last_name": ("last name", "surname", "family name", "lastname"),
    "email": ("email", "email address", "work email", "work email address", "business email", "mail"),
    "department": ("department", "dept", "department name"),
    "team": ("team", "team name"),
    "title": ("title", "job title", "position", "position title"),
    "level": ("level", "grade", "job level", "job grade"),
    "manager": (
        "manager",
        "manager id",
        "manager external id",
        "manager employee id",
        "reports to",
        "reports to id",
        "supervisor id",
        "line manager id",
    ),
    "manager_email": ("manager email", "manager email address", "supervisor email", "line manager email"),
    "location": ("location", "office", "site", "work location"),
    "time_zone": ("time zone", "timezone", "tz"),
    "languages": ("languages", "language", "spoken languages"),
    "hire_date": ("hire date", "start date", "date hired", "joining date", "date of joining", "original hire date"),
    "exit_date": ("exit date", "termination date", "leave date", "leaving date", "end date", "last day"),
    "exit_reason": ("exit reason", "termination type", "termination reason", "leaving reason", "exit type"),
    "last_promotion_date": ("last promotion date", "promotion date", "last promoted"),
}

COLUMN_LABELS = {
    "external_id": "Employee id",
    "name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "department": "Department",
    "team": "Team",
    "title": "Title",
    "level": "Level",
    "manager": "Manager id",
    "manager_email": "Manager email",
    "location": "Location",
    "time_zone": "Time zone",
    "languages": "Languages",
    "hire_date": "Hire date",
    "exit_date": "Exit date",
    "exit_reason": "Exit reason",
    "last_promotion_date": "Last promotion date",
}

DATE_COLUMNS = ("hire_date", "exit_date", "last_promotion_date")
CUSTOM = "custom"


def _header_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_ALIAS_INDEX = {_header_key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}
_ALIAS_INDEX.update({_header_key(column): column for column in COLUMN_ALIASES})

EXIT_REASON_ALIASES = {
    "voluntary": "voluntary",
    "resigned": "voluntary",
    "resignation": "voluntary",
    "voluntaryresignation": "voluntary",
    "quit": "voluntary",
    "retired": "voluntary",
    "retirement": "voluntary",
    "involuntary": "involuntary",
    "terminated": "involuntary",
    "termination": "involuntary",
    "dismissed": "involuntary",
    "dismissal": "involuntary",
    "fired": "involuntary",
    "laidoff": "involuntary",
    "layoff": "involuntary",
    "redundancy": "involuntary",
    "redundant": "involuntary",
}

MAX_LEVEL = 999

# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExistingPerson:
    """What validation needs to know about a person already in the directory."""

    pk: int
    name: str = ""
    external_id: str = ""
    email: str = ""
    manager_id: int | None = None
    hire_date: date | None = None
    exit_date: date | None = None
    exit_reason: str = ""


# A node of the manager graph: ("p", pk) for a stored person, ("r", line) for a row that will
# create one.
Node = tuple[str, int]


@dataclass
class DirectoryRow:
    line: int
    raw: dict[str, str]
    # Person field -> parsed value, only for the columns the file has.
    values: dict[str, Any] = field(default_factory=dict)
    # Custom attribute -> value; "" means "remove this attribute".
    custom: dict[str, str] = field(default_factory=dict)
    # ("external_id" | "email", value) when the file has a manager column; value "" clears it.
    manager_ref: tuple[str, str] | None = None
    errors: list[str] = field(default_factory=list)
    # Filled by validation: the stored person this row updates, and its resolved manager.
    target_pk: int | None = None
    manager: Node | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def node(self) -> Node:
        return ("p", self.target_pk) if self.target_pk is not None else ("r", self.line)

    def reject(self, reason: str) -> None:
        if reason not in self.errors:
            self.errors.append(reason)


@dataclass
class DirectoryFile:
    encoding: str = ""
    delimiter: str = ""
    # Header as written -> canonical column, or CUSTOM for a custom attribute.
    columns: dict[str, str] = field(default_factory=dict)
    rows: list[DirectoryRow] = field(default_factory=list)
    # A problem with the whole file (no usable header, undecodable...): then there are no rows.
    error: str = ""
    # Things the admin should know about how the file was read (date order, ignored columns).
    notes: list[str] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[DirectoryRow]:
        return [row for row in self.rows if row.is_valid]

    @property
    def rejected_rows(self) -> list[DirectoryRow]:
        return [row for row in self.rows if not row.is_valid]


class DirectoryFileError(Exception):
    """The file as a whole cannot be read; the message says why in words an admin understands."""


# --- decoding and dialect -------------------------------------------------------------------

_ENCODING_LABELS = {"utf_8": "UTF-8", "cp1252": "Windows-1252", "latin_1": "Latin-1"}


def decode(content: bytes) -> tuple[str, str]:
    """Return (text, encoding label)."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "UTF-8 (with BOM)"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: an older Western-European export. charset-normalizer chooses between the two
    # candidates; left free it prefers Central-European code pages that turn "Ærø" into "Ćřř".
    best = from_bytes(content, cp_isolation=["cp1252", "latin_1"]).best()
    encoding = best.encoding if best is not None else "latin_1"
    return content.decode(encoding, errors="replace"), _ENCODING_LABELS.get(encoding, encoding)


DELIMITERS = ",;\t"
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: csv.Sniffer's choice if the header has it, else the header's most frequent."""
    sample = text[: 16 * 1024]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    header = next((line for line in sample.splitlines() if line.strip()), "")
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ""
    if delimiter and delimiter in header:
        return delimiter
    counts = {candidate: header.count(candidate) for candidate in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def delimiter_name(delimiter: str) -> str:
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def map_headers(headers: list[str]) -> dict[int, tuple[str, str]]:
    """Column index -> (header as written, canonical column or CUSTOM). Raises DirectoryFileError."""
    mapping: dict[int, tuple[str, str]] = {}
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        header = header.strip()
        if not header:
            continue  # spreadsheets leave trailing separators; an unnamed column carries nothing
        column = _ALIAS_INDEX.get(_header_key(header), CUSTOM)
        key = column if column != CUSTOM else "custom:" + header.casefold()
        if key in seen:
            raise DirectoryFileError(
                f"The columns “{seen[key]}” and “{header}” mean the same thing. Keep one and upload again."
            )
        seen[key] = header
        mapping[index] = (header, column)
    columns = {column for _, column in mapping.values()}
    if "name" not in columns and not {"first_name", "last_name"} & columns:
        raise DirectoryFileError(
            "The file has no name column. Name it “Name” or “Full name”, or give “First name” and “Last name”."
        )
    if "external_id" not in columns and "email" not in columns:
        raise DirectoryFileError(
            "The file needs an “Employee ID” or an “Email” column so each row can be matched to a person."
        )
    return mapping


# --- cell parsers ---------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_LEVEL = re.compile(r"^(?:l|g|level|grade)?\s*(\d+)(?:\.0+)?$", re.IGNORECASE)
_LANGUAGE_SEPARATORS = re.compile(r"[,;|]")

DATE_FORMATS_HELP = "YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY"


def detect_day_first(values: Iterable[str]) -> tuple[bool, str]:
    """Decide once for the file whether A/B/YYYY is day first, and say why."""
    seen = False
    day_first_example = month_first_example = None
    for value in values:
        match = _SLASHED.match(value)
        if not match:
            continue
        seen = True
        first, second = int(match[1]), int(match[2])
        if first > 12 and day_first_example is None:
            day_first_example = value
        if second > 12 and month_first_example is None:
            month_first_example = value
    if month_first_example and not day_first_example:
        return False, (
            f"Dates written with slashes were read month first (MM/DD/YYYY), because {month_first_example} "
            "can only be read that way."
        )
    if month_first_example and day_first_example:
        return True, (
            f"This file mixes DD/MM/YYYY ({day_first_example}) and MM/DD/YYYY ({month_first_example}) dates; "
            "slash dates were read day first and the others rejected."
        )
    if day_first_example:
        return True, "Dates written with slashes were read day first (DD/MM/YYYY)."
    if seen:
        return True, (
            "Dates written with slashes were read day first (DD/MM/YYYY): none of them showed the order, "
            "so the default was used. Use YYYY-MM-DD to be sure."
        )
    return True, ""


def parse_date(value: str, *, day_first: bool = True) -> date:
    """Parse one date by the rules in the module docstring; ValueError when it is not one."""
    value = value.strip()
    if match := _ISO_DATE.match(value) or _YMD_SLASH.match(value):
        year, month, day = match[1], match[2], match[3]
    elif match := _DOTTED.match(value):
        day, month, year = match[1], match[2], match[3]
    elif match := _SLASHED.match(value):
        first, second, year = match[1], match[2], match[3]
        day, month = (first, second) if day_first else (second, first)
    else:
        raise ValueError(value)
    return date(int(year), int(month), int(day))


def parse_level(value: str) -> int:
    match = _LEVEL.match(value.strip())
    if not match or int(match[1]) > MAX_LEVEL:
        raise ValueError(value)
    return int(match[1])


def parse_exit_reason(value: str) -> str:
    return EXIT_REASON_ALIASES[re.sub(r"[^a-z]", "", value.casefold())]


def parse_languages(value: str) -> list[str]:
    languages = [part.strip() for part in _LANGUAGE_SEPARATORS.split(value)]
    return list(dict.fromkeys(language for language in languages if language))


def is_valid_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


@lru_cache(maxsize=1)
def _time_zones() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def parse_time_zone(value: str) -> str:
    return _time_zones()[value.strip().casefold()]


# --- reading --------------------------------------------------------------------------------

ProgressCallback = Callable[[float], None]


def read_directory(
    content: bytes,
    existing: Iterable[ExistingPerson] = (),
    *,
    max_lengths: Mapping[str, int] | None = None,
    on_progress: ProgressCallback | None = None,
) -> DirectoryFile:
    """Decode, parse and validate a directory file against the organization's current people.

    `max_lengths` maps text fields to the database's limits; `on_progress(fraction)` is called
    as rows are read, for a progress bar.
    """
    result = DirectoryFile()
    try:
        text, result.encoding = decode(content)
        if not text.strip():
            raise DirectoryFileError("The file is empty.")
        result.delimiter = sniff_delimiter(text)
        records = _records(text, result.delimiter)
        _, header = next(records, (0, []))
        mapping = map_headers(header)
        result.columns = dict(mapping.values())
        total_lines = max(text.count("\n"), 1)
        for line, cells in records:
            result.rows.append(_row_from_cells(line, cells, len(header), mapping))
            if on_progress and len(result.rows) % 2000 == 0:
                on_progress(min(line / total_lines, 1.0))
    except DirectoryFileError as error:
        return DirectoryFile(encoding=result.encoding, delimiter=result.delimiter, error=str(error))
    except csv.Error as error:
        return DirectoryFile(
            encoding=result.encoding, delimiter=result.delimiter, error=f"The file could not be read as CSV: {error}."
        )
    if not result.rows:
        result.error = "The file has a header but no rows."
        return result
    _parse_values(result, max_lengths or {})
    _validate(result, list(existing))
    if on_progress:
        on_progress(1.0)
    return result


def _records(text: str, delimiter: str):
    """(physical start line, cells) for every non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last_line = 0
    for cells in reader:
        line, last_line = last_line + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield line, cells


def _row_from_cells(line, cells, width, mapping) -> DirectoryRow:
    # Short rows are fine (spreadsheets drop trailing empty cells); surplus values are not.
    raw = {name: cells[index].strip() if index < len(cells) else "" for index, (name, _) in mapping.items()}
    row = DirectoryRow(line=line, raw=raw)
    extra = [cell for cell in cells[width:] if cell.strip()]
    if extra:
        row.reject(
            f"This row has {width + len(extra)} values but the header has {width} columns "
            "(check for an unquoted separator inside a value)."
        )
    return row


def _parse_values(result: DirectoryFile, max_lengths: Mapping[str, int]) -> None:
    by_column = {column: header for header, column in result.columns.items() if column != CUSTOM}
    custom_headers = [header for header, column in result.columns.items() if column == CUSTOM]
    date_headers = [by_column[column] for column in DATE_COLUMNS if column in by_column]
    day_first, note = detect_day_first(row.raw[header] for row in result.rows for header in date_headers)
    if note:
        result.notes.append(note)

    for row in result.rows:
        cell = {column: row.raw[header] for column, header in by_column.items()}
        _parse_name(row, cell)
        for column in ("external_id", "email", "department", "team", "title", "location"):
            if column in cell:
                row.values[column] = cell[column]
        if row.values.get("email") and not is_valid_email(row.values["email"]):
            row.reject(f"“{row.values['email']}” is not a valid email address.")
        if not row.values.get("external_id") and not row.values.get("email"):
            row.reject("Neither an employee id nor an email identifies this person.")
        _parse_optional(
            row, cell, "level", parse_level, "Level “{}” is not a whole number from 0 to 999 (like 3 or L3)."
        )
        _parse_optional(
            row, cell, "exit_reason", parse_exit_reason, "Exit reason “{}” is not known; use voluntary or involuntary."
        )
        _parse_optional(
            row, cell, "time_zone", parse_time_zone, "Time zone “{}” is not known; use a name like Europe/Berlin."
        )
        if "languages" in cell:
            row.values["languages"] = parse_languages(cell["languages"])
        for column in DATE_COLUMNS:
            _parse_optional(
                row,
                cell,
                column,
                lambda value: parse_date(value, day_first=day_first),
                f"{COLUMN_LABELS[column]} “{{}}” is not a date ({DATE_FORMATS_HELP}).",
            )
        if "manager" in cell or "manager_email" in cell:
            manager_id, manager_email = cell.get("manager", ""), cell.get("manager_email", "")
            row.manager_ref = (
                ("external_id", manager_id) if manager_id or not manager_email else ("email", manager_email)
            )
        row.custom = {header: row.raw[header] for header in custom_headers}
        for column, limit in max_lengths.items():
            value = row.values.get(column)
            if isinstance(value, str) and len(value) > limit:
                row.reject(f"{COLUMN_LABELS[column]} is longer than {limit} characters.")


def _parse_name(row: DirectoryRow, cell: dict[str, str]) -> None:
    name = cell.get("name", "")
    if not name:
        name = " ".join(part for part in (cell.get("first_name", ""), cell.get("last_name", "")) if part)
    row.values["name"] = name
    if not name:
        row.reject("Name is missing.")


def _parse_optional(row, cell, column, parser, message) -> None:
    """Parse a column the file has; an empty cell clears the field."""
    if column not in cell:
        return
    value = cell[column]
    if not value:
        row.values[column] = None if column in (*DATE_COLUMNS, "level") else ""
        return
    try:
        row.values[column] = parser(value)
    except (KeyError, ValueError):
        row.reject(message.format(value))


# --- validation across rows and against the directory ---------------------------------------


def _validate(result: DirectoryFile, existing: list[ExistingPerson]) -> None:
    people = {person.pk: person for person in existing}
    by_external_id = {person.external_id: person for person in existing if person.external_id}
    by_email = {person.email.casefold(): person for person in existing if person.email}

    _reject_duplicates(result.rows, "external_id", "Employee id", lambda value: value)
    _reject_duplicates(result.rows, "email", "Email", str.casefold)

    for row in result.rows:
        _match_existing(row, by_external_id, by_email)
    _reject_same_target(result.rows, people)

    for row in result.rows:
        stored = people.get(row.target_pk)
        hire = row.values["hire_date"] if "hire_date" in row.values else getattr(stored, "hire_date", None)
        exit_ = row.values["exit_date"] if "exit_date" in row.values else getattr(stored, "exit_date", None)
        if hire and exit_ and exit_ < hire:
            row.reject(f"The exit date {exit_.isoformat()} is before the hire date {hire.isoformat()}.")
        reason = row.values["exit_reason"] if "exit_reason" in row.values else getattr(stored, "exit_reason", "")
        if reason and not exit_:
            row.reject("An exit reason is given but no exit date.")

    _resolve_managers(result.rows, people, by_external_id, by_email)


def _reject_duplicates(rows, column, label, normalise) -> None:
    first_line: dict[str, int] = {}
    duplicated: dict[str, list[DirectoryRow]] = {}
    for row in rows:
        value = row.values.get(column)
        if not value:
            continue
        key = normalise(value)
        duplicated.setdefault(key, []).append(row)
        first_line.setdefault(key, row.line)
    for group in duplicated.values():
        if len(group) < 2:
            continue
        # Every copy is rejected: the file does not say which one is right.
        lines = [row.line for row in group]
        for row in group:
            others = ", ".join(str(line) for line in lines if line != row.line)
            row.reject(f"{label} “{row.values[column]}” appears more than once in the file (also on line {others}).")


def _match_existing(row: DirectoryRow, by_external_id, by_email) -> None:
    external_id, email = row.values.get("external_id"), row.values.get("email")
    person = by_external_id.get(external_id) if external_id else None
    holder = by_email.get(email.casefold()) if email else None
    if person is None and holder is not None:
        if external_id and holder.external_id and holder.external_id != external_id:
            row.reject(
                f"Email “{email}” belongs to {_describe(holder)} in the directory, "
                f"who has a different employee id than “{external_id}”."
            )
            return
        person = holder
    if person is not None:
        row.target_pk = person.pk
    if holder is not None and person is not None and holder.pk != person.pk:
        row.reject(f"Email “{email}” is already used by {_describe(holder)} in the directory.")


def _reject_same_target(rows, people) -> None:
    by_target: dict[int, list[DirectoryRow]] = {}
    for row in rows:
        if row.target_pk is not None:
            by_target.setdefault(row.target_pk, []).append(row)
    for pk, group in by_target.items():
        if len(group) < 2:
            continue
        lines = ", ".join(str(row.line) for row in group)
        for row in group:
            row.reject(f"Lines {lines} all describe the same person, {_describe(people[pk])}.")


def _describe(person: ExistingPerson) -> str:
    label = person.name or person.email or person.external_id
    return f"{label} ({person.external_id})" if person.external_id and person.external_id != label else label


def _resolve_managers(rows, people, by_external_id, by_email) -> None:
    """Point each row at its manager and reject what cannot stand, until nothing changes.

    Rejections feed each other: a row whose manager only exists as a rejected row loses its
    manager, and rejecting one row of a cycle changes the graph. So resolve, check, repeat.
    """
    with_ref = [row for row in rows if row.manager_ref is not None]
    if not with_ref:
        return
    all_by_key = {
        (kind, _key(kind, row.values.get(kind))): row
        for row in rows
        for kind in ("external_id", "email")
        if row.values.get(kind)
    }
    # Problems that hold whatever else is rejected, reported even on rows already rejected.
    for row in with_ref:
        kind, value = row.manager_ref
        if not value:
            continue
        key = (kind, _key(kind, value))
        if all_by_key.get(key) is row:
            row.reject("A person cannot be their own manager.")
        elif key not in all_by_key and key[1] not in (by_external_id if kind == "external_id" else by_email):
            row.reject(_manager_missing_reason(kind, value, None))

    changed = True
    while changed:
        changed = False
        valid_by_key = {key: row for key, row in all_by_key.items() if row.is_valid}
        for row in with_ref:
            if not row.is_valid:
                continue
            row.manager = None
            kind, value = row.manager_ref
            if not value:
                continue
            key = (kind, _key(kind, value))
            target = valid_by_key.get(key)
            stored = (by_external_id if kind == "external_id" else by_email).get(key[1])
            if target is not None:
                row.manager = target.node
            elif stored is not None:
                row.manager = ("p", stored.pk)
            else:
                row.reject(_manager_missing_reason(kind, value, all_by_key.get(key)))
                changed = True
        changed |= _reject_cycles(rows, people)


def _key(kind: str, value: str) -> str:
    return value.casefold() if kind == "email" else value


def _manager_missing_reason(kind, value, rejected_row) -> str:
    label = "Manager id" if kind == "external_id" else "Manager email"
    if rejected_row is not None:
        return f"{label} “{value}” is on line {rejected_row.line}, which was rejected."
    return f"{label} “{value}” was not found in the file or in the directory."


def _reject_cycles(rows, people) -> bool:
    """Reject every valid row whose manager link (as the file sets it) closes a loop."""
    manager_of: dict[Node, Node | None] = {
        ("p", pk): ("p", p.manager_id) if p.manager_id else None for pk, p in people.items()
    }
    from_file: dict[Node, DirectoryRow] = {}
    for row in rows:
        if row.is_valid and row.manager_ref is not None:
            manager_of[row.node] = row.manager
            from_file[row.node] = row
    labels = {row.node: _row_label(row) for row in rows if row.is_valid}

    state: dict[Node, int] = {}  # 1 = on the current path, 2 = done
    rejected = False
    for start in from_file:
        path: list[Node] = []
        node: Node | None = start
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = manager_of.get(node)
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node) :]
            for member in cycle:
                row = from_file.get(member)
                if row is None:
                    continue
                if len(cycle) == 1:
                    row.reject("A person cannot be their own manager.")
                else:
                    names = [labels.get(n) or _describe(people[n[1]]) for n in (*cycle, cycle[0])]
                    row.reject("Manager cycle: " + " → ".join(names) + ".")
                rejected = True
        for visited in path:
            state[visited] = 2
    return rejected


def _row_label(row: DirectoryRow) -> str:
    return row.values.get("external_id") or row.values.get("email") or row.values.get("name") or f"line {row.line}"


def rejected_row_report(row: DirectoryRow) -> dict[str, Any]:
    """The JSON shape stored on the import and shown in the preview."""
    return {"line": row.line, "reasons": list(row.errors), "values": dict(row.raw)}
