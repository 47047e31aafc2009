"""CSV and XLSX files made from tables, safe to open in a spreadsheet.

One place for what every export needs: text that a spreadsheet would run as a formula
(starting with = + - @ or a control character) is written as text (a leading apostrophe in
CSV, typed as a string in XLSX); characters XLSX cannot hold are dropped; CSV carries a
byte-order mark so spreadsheets read accented names as UTF-8.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# (title or None, header, rows)
Section = tuple[str | None, Sequence, Iterable[Sequence]]


def csv_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(sections: Iterable[Section]) -> bytes:
    """The tables one after another, each under its title (when it has one), separated by an
    empty line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for index, (title, header, rows) in enumerate(sections):
        if index:
            writer.writerow([])
        if title:
            writer.writerow([csv_safe(title)])
        writer.writerow([csv_safe(value) for value in header])
        writer.writerows([csv_safe(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: Iterable[Section], *, first_column_width: int = 40) -> bytes:
    """One sheet per table, its header bold and frozen."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "Tandem"
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet((title or "Sheet")[:31])
        for row_index, row in enumerate([header, *rows], start=1):
            for column, value in enumerate(row, start=1):
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell = sheet.cell(row=row_index, column=column, value=value)
                if isinstance(value, str):
                    # Typed as text: a comment or a name starting with "=" stays text, never a formula.
                    cell.data_type = "s"
                if row_index == 1:
                    cell.font = bold
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = first_column_width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
