"""CSV and XLSX exports of survey results: the page's aggregate tables under the same k rules,
and nothing that could point at a respondent."""

import csv
import io
import zipfile

import openpyxl
import pytest

from surveys.exports import HIDDEN, results_csv, results_tables, results_xlsx
from surveys.selectors import survey_results
from surveys.selectors.results import OTHER_GROUPS

from ..factories import PersonFactory
from .survey_factories import ANSWERS, add_responses, invite, make_survey, make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(org):
    return make_survey(org)


@pytest.fixture
def wave(survey):
    return make_wave(survey)


def sets(n, **overrides):
    return [{**ANSWERS, **overrides} for _ in range(n)]


def csv_tables(data: bytes) -> dict[str, list[list[str]]]:
    """{title: [header, *rows]} from the CSV's sections (a title row, then the table, then a blank)."""
    tables, current = {}, None
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        if not row:
            current = None
        elif current is None:
            current = tables.setdefault(row[0], [])
        else:
            current.append(row)
    return tables


def xlsx_tables(data: bytes) -> dict[str, list[list]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def xlsx_text(data: bytes) -> str:
    """Every file inside the XLSX (a zip), decompressed: what a reader of the bytes could find."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def exports(org, survey, **kwargs):
    results = survey_results(organization=org, survey=survey, **kwargs)
    return results, results_csv(results), results_xlsx(results)


def test_under_k_only_the_counts_are_exported(org, survey, wave):
    invite(wave, PersonFactory.create_batch(6, organization=org))
    add_responses(wave, sets(4, highlight="A very private remark"))
    _, data, workbook = exports(org, survey, dimension="department")
    assert list(csv_tables(data)) == ["Summary"]
    summary = dict(csv_tables(data)["Summary"][1:])
    assert (summary["Invited"], summary["Responded"], summary["Minimum group size (k)"]) == ("6", "4", "5")
    assert "at least 5 people" in summary["Results"]
    assert list(xlsx_tables(workbook)) == ["Summary"]
    assert b"private remark" not in data and "private remark" not in xlsx_text(workbook)


def test_the_tables_of_a_shown_wave(org, survey, wave):
    add_responses(wave, sets(3, satisfaction=5) + sets(2, satisfaction=2, mentor_again="no"))
    results, data, workbook = exports(org, survey)
    tables = csv_tables(data)
    assert list(tables) == ["Summary", "Questions", "Distribution", "Comments"]
    questions = {row[1]: row for row in tables["Questions"][1:]}
    header = tables["Questions"][0]
    satisfaction = dict(zip(header, questions["satisfaction"], strict=True))
    assert (satisfaction["Answers"], satisfaction["Mean"]) == ("5", "3.8")
    assert float(satisfaction["Mean, low (95%)"]) == pytest.approx(results.questions[0].mean.low, abs=0.01)
    assert dict(zip(header, questions["nps"], strict=True))["NPS"] == "100.0"
    distribution = [row for row in tables["Distribution"][1:] if row[0] == "Would you take part again?"]
    assert [row[1:] for row in distribution] == [["Yes", "3", "60.0"], ["Maybe", "0", "0.0"], ["No", "2", "40.0"]]
    # Five comments are fewer than k_text (10): the question is listed as hidden, no text is.
    assert tables["Comments"][1:] == [["What was the highlight?", HIDDEN]]
    assert b"Learning to listen" not in data and "Learning to listen" not in xlsx_text(workbook)
    # The workbook holds the same tables, one sheet each.
    sheets = xlsx_tables(workbook)
    assert list(sheets) == list(tables)
    assert [str(v) for v in sheets["Distribution"][0]] == tables["Distribution"][0]
    assert len(sheets["Distribution"]) == len(tables["Distribution"])


def test_a_hidden_cell_and_its_complement_are_written_as_one_unnamed_hidden_row(org, survey, wave):
    add_responses(wave, sets(7, satisfaction=5), department="Sales")
    add_responses(wave, sets(6, satisfaction=4), department="Engineering")
    add_responses(wave, sets(2, satisfaction=1, nps=0), department="HR")
    _, data, workbook = exports(org, survey, dimension="department")
    for tables in (csv_tables(data), xlsx_tables(workbook)):
        breakdown = tables["Breakdown by department"]
        header, rows = breakdown[0], {row[0]: row for row in breakdown[1:]}
        assert header[:3] == ["Department", "Responses", "How satisfied are you with the program? (mean)"]
        assert list(rows) == ["Sales", OTHER_GROUPS]
        assert rows[OTHER_GROUPS][1:] == [HIDDEN] * (len(header) - 1)
        sales = dict(zip(header, rows["Sales"], strict=True))
        assert str(sales["Responses"]) == "7"
        assert float(sales["How satisfied are you with the program? (mean)"]) == 5
    # HR and Engineering are named nowhere in either file: not even as hidden.
    for label in ("HR", "Engineering"):
        assert label.encode() not in data and label not in xlsx_text(workbook)


def test_free_text_is_exported_only_from_k_text_and_never_under_it(org, survey, wave):
    add_responses(wave, [{"satisfaction": 3, "highlight": f"Private remark {i}"} for i in range(9)])
    _, data, workbook = exports(org, survey)
    assert b"Private remark" not in data and "Private remark" not in xlsx_text(workbook)

    add_responses(wave, [{"satisfaction": 3, "highlight": "Private remark 9"}])
    results, data, workbook = exports(org, survey)
    comments = csv_tables(data)["Comments"][1:]
    assert [text for _, text in comments] == next(q.texts for q in results.questions if q.key == "highlight")
    assert sorted(text for _, text in comments) == sorted(f"Private remark {i}" for i in range(10))


def test_a_comment_that_looks_like_a_formula_stays_text(org, survey, wave):
    formula = '=HYPERLINK("http://evil.example","click")'
    add_responses(wave, [{"satisfaction": 3, "highlight": formula}] + [{"highlight": f"Fine {i}"} for i in range(9)])
    _, data, workbook = exports(org, survey)
    assert ["What was the highlight?", "'" + formula] in csv_tables(data)["Comments"]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["Comments"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    (cell,) = [c for c in cells if c.value == formula]
    assert cell.data_type == "s"


@pytest.mark.parametrize("anonymous", [True, False])
def test_no_respondent_appears_anywhere_in_the_export(org, anonymous):
    survey = make_survey(org, anonymous=anonymous)
    wave = make_wave(survey)
    people = [
        PersonFactory(
            organization=org,
            pk=7_340_001 + i,
            name=f"Ottoline Quibble{i}",
            email=f"ottoline{i}@quibble.example",
            external_id=f"HR-QX-{i:04d}",
            department="Sales",
        )
        for i in range(12)
    ]
    invite(wave, people, completed=people)
    for i, person in enumerate(people):
        add_responses(
            wave,
            [{**ANSWERS, "highlight": f"Comment {i}"}],
            department="Sales",
            respondent=None if anonymous else person,
            response_pks=[9_120_001 + i],
        )
    completions = [str(c.pk) for c in wave.completions.all()]
    for dimension in (None, *("role", "department", "level", "cohort")):
        results, data, workbook = exports(org, survey, dimension=dimension)
        assert results.visible
        for haystack in (data.decode("utf-8-sig"), xlsx_text(workbook)):
            for person in people:
                for identifier in (person.name, person.email, person.external_id, str(person.pk)):
                    assert identifier not in haystack
            for response_pk in range(9_120_001, 9_120_013):
                assert str(response_pk) not in haystack
            for completion in completions:
                assert completion not in haystack


def test_exports_never_hold_a_row_per_response(org, survey, wave):
    add_responses(wave, sets(40))
    results = survey_results(organization=org, survey=survey, dimension="role")
    tables = {t.title: t for t in results_tables(results)}
    assert list(tables) == ["Summary", "Questions", "Distribution", "Breakdown by role", "Comments"]
    assert len(tables["Questions"].rows) == len(results.questions)
    assert len(tables["Breakdown by role"].rows) == 1
    assert len(tables["Distribution"].rows) == 5 + 11 + 3 + 3  # scale points and choices
    assert len(tables["Comments"].rows) == 40  # every comment, unattributed, as the page shows them


def test_the_summary_says_how_many_responses_the_figures_count(org, survey, wave):
    add_responses(wave, sets(5, satisfaction=2) + sets(2, satisfaction=5))
    results, data, workbook = exports(org, survey)
    for tables in (csv_tables(data), xlsx_tables(workbook)):
        summary = {str(item): str(value) for item, value in tables["Summary"][1:]}
        assert (summary["Responded"], summary["Counted in the results"]) == ("7", "5")
        assert summary["Note"] == results.note
        assert summary["Note"].startswith("7 people have answered. While the survey is open, results move in steps")
        questions = tables["Questions"]
        satisfaction = dict(zip(questions[0], next(row for row in questions if row[1] == "satisfaction"), strict=True))
        assert (str(satisfaction["Answers"]), float(satisfaction["Mean"])) == ("5", 2)

    wave.closed_at = wave.opened_at
    wave.save()
    _, data, _ = exports(org, survey)
    summary = dict(csv_tables(data)["Summary"][1:])
    assert (summary["Responded"], summary["Counted in the results"]) == ("7", "7")
    assert "Note" not in summary
