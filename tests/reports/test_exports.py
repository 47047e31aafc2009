"""Every table behind a chart as CSV and XLSX: the same rows in both, formulas neutralized, and
nothing numeric about a group under the minimum size."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from programs.models import Objective
from reports import exports
from reports.services.impact import impact_refresh
from surveys.selectors.surveys import organization_today

from .impact_fixtures import build_world, enroll_in_pairs, make_kpi, make_program

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def world(org):
    today = organization_today(org)
    world = build_world(org, today=today, program_name=FORMULA)
    monday = today - timedelta(days=today.weekday())
    for weeks_ago in range(3):
        make_kpi(
            org,
            monday - timedelta(weeks=weeks_ago),
            program=world.program,
            invited=100,
            applied=70,
            matched=60,
            active_participants=55,
            completed_participants=weeks_ago,
            match_rate=0.857,
            training_completion=0.5,
            satisfaction=4.25,
            nps=12.5,
            survey_responses=20,
        )
        make_kpi(org, monday - timedelta(weeks=weeks_ago), invited=300, cadence_share=0.25)
    Objective.objects.create(
        organization=org,
        program=world.program,
        metric=Objective.Metric.CUSTOM,
        custom_name="+SUM(A1:A9)",
        unit="@people",
        target=Decimal("10"),
        deadline=today + timedelta(days=30),
    )
    Objective.objects.create(
        organization=org,
        program=world.program,
        metric=Objective.Metric.RETENTION,
        target=Decimal("90"),
        baseline=Decimal("80"),
        deadline=today + timedelta(days=30),
    )
    impact_refresh(organization=org)
    return world


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _sheet_rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _same(value, written) -> bool:
    if value in ("", None):
        return written in ("", None)
    if isinstance(written, str) and written.startswith("'"):
        written = written[1:]
    return str(value) == str(written) or (
        isinstance(value, int | float) and float(written) == pytest.approx(float(value))
    )


@pytest.mark.parametrize("name", exports.TABLES)
@pytest.mark.parametrize("scope", ["organization", "program"])
def test_every_table_in_csv_and_xlsx(org, world, name, scope):
    program = world.program if scope == "program" else None
    columns, rows = exports.table(name, organization=org, program=program)
    assert columns and rows, name
    assert all(len(row) == len(columns) for row in rows), name

    written = _csv_rows(exports.table_csv(name, organization=org, program=program))
    assert written[0] == [str(c) for c in columns]
    assert len(written) == len(rows) + 1
    for row, line in zip(rows, written[1:], strict=True):
        assert all(_same(value, cell) for value, cell in zip(row, line, strict=True)), (row, line)

    workbook = load_workbook(io.BytesIO(exports.table_xlsx(name, organization=org, program=program)))
    assert workbook.sheetnames == [exports.TITLES[name]]
    sheet_rows = _sheet_rows(workbook.active)
    assert sheet_rows[0] == columns
    for row, cells in zip(rows, sheet_rows[1:], strict=True):
        assert all(_same(value, cell) for value, cell in zip(row, cells, strict=True)), (row, cells)


def test_the_workbook_has_every_table(org, world):
    workbook = load_workbook(io.BytesIO(exports.workbook_xlsx(organization=org, program=world.program)))
    assert workbook.sheetnames == [exports.TITLES[name] for name in exports.TABLES]


def test_tables_say_what_the_dashboard_says(org, world):
    _, kpis = exports.table("kpis", organization=org, program=world.program)
    columns, _ = exports.table("kpis", organization=org, program=world.program)
    latest = dict(zip(columns, kpis[-1], strict=True))
    assert (latest["Match rate (%)"], latest["Training completion (%)"], latest["NPS"]) == (85.7, 50.0, 12.5)
    assert [row[0] for row in kpis] == sorted(row[0] for row in kpis)
    _, funnel = exports.table("funnel", organization=org, program=world.program)
    assert funnel == [["Invited", 100], ["Applied", 70], ["Matched", 60], ["Active", 55], ["Completed", 0]]
    _, retention = exports.table("retention", organization=org, program=world.program)
    twelve = [r for r in retention if r[0] == "Participants" and r[1] == "12-month retention"][0]
    assert twelve[2] == 365 and 80 < twelve[5] < 100 and twelve[6] < twelve[5] < twelve[7]
    assert any(r[0] == "Log-rank test" and r[8] < 0.05 for r in retention)
    _, roi = exports.table("roi", organization=org, program=world.program)
    conclusion = [r for r in roi if r[0] == "Conclusion"][0][1]
    assert conclusion.startswith("Between ")
    _, objectives = exports.table("objectives", organization=org)
    assert {row[1] for row in objectives} == {"+SUM(A1:A9)", "Retention (%)"}


def test_text_that_looks_like_a_formula_is_written_as_text(org, world):
    written = exports.table_csv("objectives", organization=org, program=world.program).decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in written
    assert "'+SUM(A1:A9)" in written and "'@people" in written
    workbook = load_workbook(io.BytesIO(exports.workbook_xlsx(organization=org)))
    cells = [cell for row in workbook[exports.TITLES["objectives"]].iter_rows() for cell in row]
    dangerous = [cell for cell in cells if isinstance(cell.value, str) and cell.value[:1] in "=+-@"]
    assert {cell.value for cell in dangerous} >= {FORMULA, "+SUM(A1:A9)", "@people"}
    assert all(cell.data_type == "s" for cell in dangerous)


def _numbers(rows):
    return [value for row in rows for value in row if isinstance(value, int | float) and not isinstance(value, bool)]


def test_no_number_of_a_hidden_group_is_exported(org, world):
    pilot = make_program(org, name="Pilot", start_date=organization_today(org) - timedelta(days=500))
    enroll_in_pairs(pilot, world.others[:4])
    impact_refresh(organization=org)
    for name in ("retention", "promotion", "balance"):
        _, rows = exports.table(name, organization=org, program=pilot)
        assert _numbers(rows) == [], name
        assert any("at least 5" in str(value) or "Fewer than 5" in str(value) for row in rows for value in row), name
    _, roi = exports.table("roi", organization=org, program=pilot)
    figures = {row[0]: row[1:] for row in roi}
    for item in (
        "Departures avoided",
        "Savings (EUR)",
        "Net (EUR)",
        "ROI (%)",
        "12-month retention difference (points)",
    ):
        assert figures[item] == ["", "", ""], item
    workbook = load_workbook(io.BytesIO(exports.workbook_xlsx(organization=org, program=pilot)))
    for name in ("retention", "promotion", "balance"):
        assert _numbers(_sheet_rows(workbook[exports.TITLES[name]])[1:]) == [], name


def test_before_any_refresh_the_tables_say_so(org):
    for name in ("retention", "promotion", "balance"):
        _, rows = exports.table(name, organization=org)
        assert "not computed yet" in rows[0]
    _, roi = exports.table("roi", organization=org)
    assert "not been computed" in [r for r in roi if r[0] == "Conclusion"][0][1]
    assert exports.table("kpis", organization=org)[1] == []


def test_an_unknown_table_is_refused(org):
    with pytest.raises(KeyError):
        exports.table("salaries", organization=org)
    with pytest.raises(KeyError):
        exports.table_xlsx("salaries", organization=org)
