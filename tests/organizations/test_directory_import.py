"""The directory file reader on its own: no database, bytes in, rows and reasons out."""

from datetime import date

import pytest

from organizations.directory_import import (
    CUSTOM,
    ExistingPerson,
    parse_date,
    read_directory,
)


def read(text, existing=(), encoding="utf-8", **kwargs):
    return read_directory(text.encode(encoding), existing, **kwargs)


def reasons(result):
    """{line: [reasons]} of the rejected rows."""
    return {row.line: row.errors for row in result.rejected_rows}


def rejected_lines(result):
    return sorted(reasons(result))


# --- encodings and dialects -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "label"),
    [
        ("Name,Email\nJürgen Müller,jm@example.com\n".encode(), "UTF-8"),
        (b"\xef\xbb\xbf" + "Name,Email\nJürgen Müller,jm@example.com\n".encode(), "UTF-8 (with BOM)"),
        ("Name,Email\nJürgen Müller,jm@example.com\n".encode("latin-1"), "Windows-1252"),
        ("Name,Email\nJürgen Müller,jm@example.com\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_decodes_utf8_with_and_without_bom_latin1_and_utf16(content, label):
    result = read_directory(content)

    assert result.encoding == label
    assert result.columns == {"Name": "name", "Email": "email"}  # a BOM never sticks to the first header
    assert result.rows[0].values["name"] == "Jürgen Müller"


def test_windows_1252_keeps_western_letters_and_typographic_characters():
    text = "Name;Email;Note\nZoë Ærøskøbing;z@example.dk;“quoted” 5€\nFrançois Léger;f@example.fr;\n"

    result = read(text, encoding="cp1252")

    assert [row.values["name"] for row in result.rows] == ["Zoë Ærøskøbing", "François Léger"]
    assert result.rows[0].custom == {"Note": "“quoted” 5€"}


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_sniffs_the_delimiter(delimiter, name):
    text = delimiter.join(["Employee ID", "Name", "Languages"]) + "\n"
    text += delimiter.join(["E1", "Ann Lee", '"en, fr"']) + "\n"

    result = read(text)

    assert result.delimiter == delimiter
    assert result.rows[0].values == {"external_id": "E1", "name": "Ann Lee", "languages": ["en", "fr"]}


def test_semicolon_file_with_commas_inside_values_is_not_mistaken_for_a_comma_file():
    text = "Name;Email;Title\nLee, Ann;ann@example.com;Head of Sales, EMEA\n"

    result = read(text)

    assert result.delimiter == ";"
    assert result.rows[0].values["name"] == "Lee, Ann"
    assert result.rows[0].values["title"] == "Head of Sales, EMEA"


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Employee ID", "external_id"),
        ("employee_id", "external_id"),
        ("EmployeeId", "external_id"),
        ("id", "external_id"),
        ("Personnel number", "external_id"),
        ("Full name", "name"),
        ("E-mail", "email"),
        ("Work email", "email"),
        ("Manager ID", "manager"),
        ("manager_external_id", "manager"),
        ("Reports to", "manager"),
        ("Manager email", "manager_email"),
        ("Start date", "hire_date"),
        ("Hire date", "hire_date"),
        ("Termination date", "exit_date"),
        ("Leave date", "exit_date"),
        ("Termination type", "exit_reason"),
        ("Grade", "level"),
        ("Timezone", "time_zone"),
        ("Time zone", "time_zone"),
        ("Job title", "title"),
        ("Cost centre", CUSTOM),
    ],
)
def test_header_aliases(header, column):
    others = {"name": "Employee ID", "email": "Name,Employee ID"}.get(column, "Name,Email")

    result = read(f"{others},{header}\nAnn,E1,x\n")

    assert result.columns[header] == column


def test_first_and_last_name_columns_make_the_name():
    result = read("Employee ID,First name,Last name\nE1,Ann,Lee\nE2,,Cher\n")

    assert [row.values["name"] for row in result.rows] == ["Ann Lee", "Cher"]


def test_unknown_columns_become_custom_attributes_and_empty_cells_mean_remove():
    result = read("Name,Email,Cost centre,Badge\nAnn,ann@example.com,CC-1,\n")

    assert result.rows[0].custom == {"Cost centre": "CC-1", "Badge": ""}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("Email,Department\nann@example.com,Sales\n", "no name column"),
        ("Name,Department\nAnn,Sales\n", "Employee ID"),
        ("Name,Email,E-mail\nAnn,a@example.com,b@example.com\n", "mean the same thing"),
        ("Name,Email\n", "no rows"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(text, message):
    result = read(text)

    assert message in result.error
    assert result.rows == []


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-04", date(2024, 3, 4)),
        ("2024-03-04T00:00:00", date(2024, 3, 4)),
        ("2024/03/04", date(2024, 3, 4)),
        ("04.03.2024", date(2024, 3, 4)),
        ("04/03/2024", date(2024, 3, 4)),
    ],
)
def test_date_formats(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "03-04-24", "4 March 2024", "04/03/24", "yesterday"])
def test_not_dates(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_slash_dates_are_day_first_by_default_and_the_preview_says_so():
    result = read("Name,Email,Hire date\nAnn,ann@example.com,04/03/2024\n")

    assert result.rows[0].values["hire_date"] == date(2024, 3, 4)
    assert "day first" in result.notes[0]


def test_a_file_that_proves_month_first_is_read_month_first_throughout():
    text = "Name,Email,Hire date\nAnn,ann@example.com,04/03/2024\nBob,bob@example.com,12/31/2023\n"

    result = read(text)

    assert [row.values["hire_date"] for row in result.rows] == [date(2024, 4, 3), date(2023, 12, 31)]
    assert "month first" in result.notes[0]


def test_a_file_mixing_both_orders_rejects_the_month_first_rows():
    text = "Name,Email,Hire date\nAnn,ann@example.com,25/03/2024\nBob,bob@example.com,12/31/2023\n"

    result = read(text)

    assert rejected_lines(result) == [3]
    assert "mixes" in result.notes[0]


# --- every kind of rejected row, with its line number ----------------------------------------

HEADER = "Employee ID,Name,Email,Manager ID,Hire date,Exit date,Exit reason,Level,Time zone\n"


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        ("E9,,nobody@example.com,,,,,,", "Name is missing"),
        ("E9,Ivy,not-an-email,,,,,,", "not a valid email"),
        ("E9,Ivy,ivy@example,,,,,,", "not a valid email"),
        (",Ivy,,,,,,,", "Neither an employee id nor an email"),
        ("E9,Ivy,ivy@example.com,E404,,,,,", "Manager id “E404” was not found"),
        ("E9,Ivy,ivy@example.com,E9,,,,,", "cannot be their own manager"),
        ("E9,Ivy,ivy@example.com,,2024-02-30,,,,", "Hire date “2024-02-30” is not a date"),
        ("E9,Ivy,ivy@example.com,,2020-01-01,2019-12-31,voluntary,,", "exit date 2019-12-31 is before the hire date"),
        ("E9,Ivy,ivy@example.com,,,2024-01-01,on a boat,,", "Exit reason “on a boat” is not known"),
        ("E9,Ivy,ivy@example.com,,,,voluntary,,", "exit reason is given but no exit date"),
        ("E9,Ivy,ivy@example.com,,,,,senior,", "Level “senior” is not a whole number"),
        ("E9,Ivy,ivy@example.com,,,,,,Mars/Olympus", "Time zone “Mars/Olympus” is not known"),
        ("E9,Ivy,ivy@example.com,,,,,,,surplus", "the header has 9 columns"),
    ],
)
def test_each_kind_of_bad_row_is_rejected_with_its_line_and_reason(bad_row, reason):
    text = HEADER + "E1,Ann,ann@example.com,,2020-01-01,,,5,Europe/Berlin\n" + bad_row + "\n"

    result = read(text)

    assert rejected_lines(result) == [3]
    assert any(reason in message for message in reasons(result)[3]), reasons(result)
    assert [row.line for row in result.valid_rows] == [2]


def test_a_row_with_several_problems_lists_them_all():
    result = read(HEADER + "E9,,bad,E404,someday,,fired?,x,\n")

    assert len(reasons(result)[2]) == 6


def test_duplicate_ids_reject_every_copy_and_name_the_other_lines():
    text = HEADER + "E1,Ann,ann@example.com,,,,,,\nE2,Bob,bob@example.com,,,,,,\nE1,Ann B,annb@example.com,,,,,,\n"

    result = read(text)

    assert rejected_lines(result) == [2, 4]
    assert "appears more than once in the file (also on line 4)" in reasons(result)[2][0]
    assert "also on line 2" in reasons(result)[4][0]


def test_duplicate_emails_ignore_case():
    text = HEADER + "E1,Ann,ann@example.com,,,,,,\nE2,Ann,ANN@Example.com,,,,,,\n"

    assert rejected_lines(read(text)) == [2, 3]


def test_line_numbers_are_physical_lines_even_with_blank_lines_and_multiline_cells():
    text = (
        "Employee ID,Name,Email,Title\n"  # 1
        "E1,Ann,ann@example.com,\n"  # 2
        "\n"  # 3 (blank, skipped)
        'E2,Bob,bob@example.com,"Head of\n'  # 4
        'Sales"\n'  # 5
        "E3,,carl@example.com,\n"  # 6
    )

    result = read(text)

    assert [row.line for row in result.rows] == [2, 4, 6]
    assert rejected_lines(result) == [6]
    assert result.rows[1].values["title"] == "Head of\nSales"


def test_windows_line_endings_count_lines_the_same():
    text = HEADER.replace("\n", "\r\n") + "E1,Ann,ann@example.com,,,,,,\r\nE2,,b@example.com,,,,,,\r\n"

    assert rejected_lines(read(text)) == [3]


# --- managers and cycles --------------------------------------------------------------------


def test_managers_resolve_to_rows_of_the_file_or_people_already_in_the_directory():
    existing = [ExistingPerson(pk=10, name="Dana", external_id="E10")]
    text = HEADER + "E1,Ann,ann@example.com,E10,,,,,\nE2,Bob,bob@example.com,E1,,,,,\nE3,Cy,cy@example.com,,,,,,\n"

    result = read(text, existing)

    assert result.rejected_rows == []
    assert [row.manager for row in result.rows] == [("p", 10), ("r", 2), None]


def test_managers_can_be_given_by_email():
    text = "Name,Email,Manager email\nAnn,ann@example.com,\nBob,bob@example.com,ANN@example.com\n"

    result = read(text)

    assert result.rows[1].manager == ("r", 2)


@pytest.mark.parametrize(
    ("rows", "cycle_lines"),
    [
        (["E1,Ann,a@example.com,E2", "E2,Bob,b@example.com,E1"], [2, 3]),
        (["E1,Ann,a@example.com,E3", "E2,Bob,b@example.com,E1", "E3,Cy,c@example.com,E2"], [2, 3, 4]),
    ],
)
def test_manager_cycles_in_the_file_are_rejected(rows, cycle_lines):
    text = "Employee ID,Name,Email,Manager ID\nE0,Boss,boss@example.com,\n" + "\n".join(rows) + "\n"
    # E0 sits outside the loop and stays valid; a row merely reporting into the loop is not part of it.
    text += "E9,Ivy,ivy@example.com,E0\n"

    result = read(text)

    assert rejected_lines(result) == [line + 1 for line in cycle_lines]
    assert all("Manager cycle" in reasons(result)[line + 1][0] for line in cycle_lines)
    assert "E1 → E2" in reasons(result)[3][0] or "E2 → E1" in reasons(result)[3][0]


def test_a_cycle_closed_through_the_existing_directory_is_rejected():
    # Stored: Bob (E2) reports to Ann (E1). The file makes Ann report to Bob.
    existing = [
        ExistingPerson(pk=1, name="Ann", external_id="E1"),
        ExistingPerson(pk=2, name="Bob", external_id="E2", manager_id=1),
    ]

    result = read("Employee ID,Name,Manager ID\nE1,Ann,E2\n", existing)

    assert rejected_lines(result) == [2]
    assert "Manager cycle" in reasons(result)[2][0]


def test_a_row_whose_manager_was_rejected_is_rejected_too_unless_the_manager_already_exists():
    existing = [ExistingPerson(pk=5, name="Dana", external_id="E5")]
    text = (
        "Employee ID,Name,Email,Manager ID\n"
        "E1,,a@example.com,\n"  # rejected: no name, and E1 is new
        "E2,Bob,b@example.com,E1\n"  # so Bob's manager does not exist: rejected
        "E5,,d@example.com,\n"  # rejected, but Dana is already in the directory
        "E6,Eve,e@example.com,E5\n"  # so Eve keeps her: valid
    )

    result = read(text, existing)

    assert rejected_lines(result) == [2, 3, 4]
    assert "is on line 2, which was rejected" in reasons(result)[3][0]
    assert result.rows[3].manager == ("p", 5)


# --- matching people already in the directory ------------------------------------------------


def test_rows_match_by_employee_id_then_by_email_ignoring_case():
    existing = [
        ExistingPerson(pk=1, name="Ann", external_id="E1", email="ann@example.com"),
        ExistingPerson(pk=2, name="Bob", email="bob@example.com"),
    ]
    text = "Employee ID,Name,Email\nE1,Ann,ann.new@example.com\nE2,Bob,BOB@example.com\nE3,Cy,cy@example.com\n"

    result = read(text, existing)

    assert [row.target_pk for row in result.rows] == [1, 2, None]


def test_an_email_held_by_someone_with_another_employee_id_is_rejected():
    existing = [ExistingPerson(pk=1, name="Ann", external_id="E1", email="ann@example.com")]

    result = read("Employee ID,Name,Email\nE2,Impostor,ann@example.com\n", existing)

    assert "belongs to Ann (E1)" in reasons(result)[2][0]


def test_two_rows_describing_the_same_stored_person_are_both_rejected():
    existing = [ExistingPerson(pk=1, name="Ann", external_id="E1", email="ann@example.com")]

    result = read("Employee ID,Name,Email\nE1,Ann,\n,Ann,ann@example.com\n", existing)

    assert rejected_lines(result) == [2, 3]


def test_exit_date_before_a_stored_hire_date_is_rejected():
    existing = [ExistingPerson(pk=1, name="Ann", external_id="E1", hire_date=date(2022, 1, 1))]

    result = read("Employee ID,Name,Exit date\nE1,Ann,2021-06-30\n", existing)

    assert "before the hire date 2022-01-01" in reasons(result)[2][0]


# --- values ---------------------------------------------------------------------------------


def test_values_are_parsed_into_person_fields():
    text = (
        "Employee ID;Name;Level;Languages;Exit date;Termination type;Timezone\n"
        "E1;Ann;L5;en, fr | de;31.12.2023;Resigned;europe/berlin\n"
    )

    values = read(text).rows[0].values

    assert values["level"] == 5
    assert values["languages"] == ["en", "fr", "de"]
    assert values["exit_date"] == date(2023, 12, 31)
    assert values["exit_reason"] == "voluntary"
    assert values["time_zone"] == "Europe/Berlin"


def test_empty_cells_clear_and_absent_columns_are_not_touched():
    values = read("Employee ID,Name,Level,Hire date\nE1,Ann,,\n").rows[0].values

    assert values == {"external_id": "E1", "name": "Ann", "level": None, "hire_date": None}


def test_values_longer_than_the_database_allows_are_rejected():
    result = read("Name,Email\n" + "A" * 201 + ",a@example.com\n", max_lengths={"name": 200})

    assert "Name is longer than 200 characters" in reasons(result)[2][0]


def test_progress_is_reported_while_reading():
    seen = []
    text = "Name,Email\n" + "".join(f"P{i},p{i}@example.com\n" for i in range(5000))

    read(text, on_progress=seen.append)

    assert seen[-1] == 1.0
    assert seen == sorted(seen)
