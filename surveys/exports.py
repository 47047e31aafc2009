"""Survey results as CSV and XLSX: the aggregate tables the results page shows, nothing more.

Both formats are written from the same tables (`results_tables`), built from a SurveyResults
that the k rules have already been applied to: what is hidden there is written as "hidden
(fewer than k)" here. Never a row per response, never a respondent, never a free-text answer
under k_text (the results carry none).

Text in the tables comes from people (comments, department names, question texts), so a cell
that a spreadsheet would read as a formula is neutralized: quoted in CSV, typed as text in XLSX.
"""

from dataclasses import dataclass

from mentoring.spreadsheets import csv_bytes, xlsx_bytes

from .selectors.results import SurveyResults

HIDDEN = "hidden (fewer than k)"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]


def _percent(share):
    return "" if share is None else round(100 * share, 1)


def _number(value, digits=2):
    return "" if value is None else round(value, digits)


def _estimate(estimate, digits=2, *, hidden=False):
    """[value, low, high] of an Estimate: blanks when there is none, HIDDEN when hidden."""
    if hidden:
        return [HIDDEN] * 3
    if estimate is None:
        return [""] * 3
    return [_number(estimate.value, digits), _number(estimate.low, digits), _number(estimate.high, digits)]


def _summary(results: SurveyResults) -> Table:
    survey, wave, rate = results.survey, results.wave, results.response_rate
    rows = [
        ["Survey", survey.title],
        ["Program", survey.program.name],
        ["Anonymous", "Yes" if survey.anonymous else "No"],
        ["Wave", wave.number if wave else ""],
        ["Opens on", wave.opens_on.isoformat() if wave else ""],
        ["Closes on", wave.closes_on.isoformat() if wave else ""],
        ["Invited", results.invited],
        ["Responded", results.responded],
        ["Counted in the results", results.counted],
        ["Response rate (%)", _percent(rate.value)],
        ["Response rate, low (95%)", _percent(rate.low)],
        ["Response rate, high (95%)", _percent(rate.high)],
        ["Minimum group size (k)", results.k],
        ["Minimum for comments", results.k_text],
        ["Results", "shown" if results.visible else results.hidden_reason],
    ]
    if results.note:
        rows.append(["Note", results.note])
    if results.visible and results.dimension:
        rows.append(["Broken down by", results.dimension_label])
    if results.visible and results.previous_wave:
        rows.append(["Changes compared with wave", results.previous_wave.number])
    return Table("Summary", ["Item", "Value"], rows)


def _questions(results: SurveyResults) -> Table:
    since = f" since wave {results.previous_wave.number}" if results.previous_wave else ""
    header = ["Question", "Key", "Type", "Answers", "Mean", "Mean, low (95%)", "Mean, high (95%)"]
    header += ["NPS", "NPS, low (95%)", "NPS, high (95%)", f"Change{since}", "Change, low (95%)", "Change, high (95%)"]
    rows = []
    for q in results.questions:
        # Comments are not summarised by a figure; their threshold is told in the comments table.
        figures_hidden = q.hidden and q.type not in ("short_text", "long_text")
        change = results.changes.get(q.key)
        rows.append(
            [q.text, q.key, q.type, q.n]
            + _estimate(q.mean, hidden=figures_hidden)
            + _estimate(q.nps, 1, hidden=figures_hidden)
            + _estimate(change, 2 if q.nps is None else 1, hidden=figures_hidden)
        )
    return Table("Questions", header, rows)


def _distribution(results: SurveyResults) -> Table:
    rows = []
    for q in results.questions:
        if q.hidden and q.type in ("single", "multiple", "scale"):
            rows.append([q.text, HIDDEN, HIDDEN, HIDDEN])
        for option in q.distribution:
            rows.append([q.text, option["label"], option["count"], _percent(option["share"])])
    return Table("Distribution", ["Question", "Answer", "Count", "Share (%)"], rows)


def _breakdown(results: SurveyResults) -> Table:
    keys = results.breakdown_keys
    texts = {q.key: q.text for q in results.questions}
    with_nps = any(q.nps is not None for q in results.questions)
    header = [results.dimension_label, "Responses"]
    for key in keys:
        header += [f"{texts[key]} (mean)", f"{texts[key]} (low, 95%)", f"{texts[key]} (high, 95%)"]
    if with_nps:
        header += ["NPS", "NPS, low (95%)", "NPS, high (95%)"]
    rows = []
    for cell in results.cells:
        if cell.hidden:
            rows.append([cell.label] + [HIDDEN] * (len(header) - 1))
            continue
        row = [cell.label, cell.n]
        for key in keys:
            mean = cell.means.get(key)
            row += _estimate(mean, hidden=mean is None)
        if with_nps:
            row += _estimate(cell.nps, 1, hidden=cell.nps is None)
        rows.append(row)
    return Table(f"Breakdown by {results.dimension_label.lower()}", header, rows)


def _comments(results: SurveyResults) -> Table:
    rows = []
    for q in results.questions:
        if q.type not in ("short_text", "long_text"):
            continue
        if q.hidden:
            rows.append([q.text, HIDDEN])
        rows.extend([q.text, text] for text in q.texts)
    return Table("Comments", ["Question", "Comment"], rows)


def results_tables(results: SurveyResults) -> list[Table]:
    """The tables of the results page, in its order; only the summary while results are hidden."""
    tables = [_summary(results)]
    if not results.visible:
        return tables
    tables += [_questions(results), _distribution(results)]
    if results.dimension:
        tables.append(_breakdown(results))
    comments = _comments(results)
    if comments.rows:
        tables.append(comments)
    return [table for table in tables if table.rows]


def results_csv(results: SurveyResults) -> bytes:
    """The tables one after another, each under its title and separated by an empty line."""
    return csv_bytes((table.title, table.header, table.rows) for table in results_tables(results))


def results_xlsx(results: SurveyResults) -> bytes:
    """One sheet per table."""
    return xlsx_bytes(
        ((table.title, table.header, table.rows) for table in results_tables(results)), first_column_width=48
    )
