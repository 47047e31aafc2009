"""The anonymity promise of issue 6, end to end: no page, API call or export links an anonymous
response to a person, and no breakdown under k (nor a cell recoverable by subtraction) is shown.

Seventeen participants with unmistakable names, emails, external ids, person and user ids answer
an anonymous end-of-program survey through the real service (`survey_answer_submit`); response
rows get ids no counter reaches in a test. Departments are chosen so that one holds a single
respondent (and one 6, two 5): the single one must be hidden, and a second one with it, so that
subtracting the visible cells from the total cannot bring it back; and neither may be named, since
"Quokka Audit — hidden" would still tell that its only member answered. The wave has then closed,
so every one of the 17 answers counts (an open wave counts only whole steps of k: see
test_results). A second survey, still open, has k − 1 answers and must show nothing but counts.

Then the program manager, an organization admin and a leader read everything: the survey pages
(list, detail, settings, results with every wave and breakdown, the leaders' overview, the
questionnaire builder's pages of the survey's questions), the survey API (list, detail, waves,
results with every breakdown), the questionnaire API's responses, and both exports (CSV text,
and the XML inside the XLSX). None of it may carry a respondent's name, email, external id,
person id or user id, a response id or a completion key, nor the name of a hidden group; and every
figure shown is checked against the k rules.
"""

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from organizations.models import Person, Role
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramManager, ProgramStatus
from surveys.aggregation import suppressed_cells
from surveys.models import Response, SurveyCompletion, SurveyResponse, SurveyWave
from surveys.selectors.results import DIMENSIONS, OTHER_GROUPS, reason_other_groups
from surveys.selectors.surveys import organization_today
from surveys.services import survey_answer_submit, survey_create_from_template, survey_launch
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, UserFactory
from tests.organizations.api_helpers import NOT_FOUND, api_url, session_client

pytestmark = pytest.mark.django_db

K, K_TEXT = 5, 10
# Respondents' ids and response ids sit where no counter in a test run reaches, so finding one
# in a page is no coincidence.
PERSON_BASE, USER_BASE, RESPONSE_BASE = 8_410_000, 8_420_000, 9_130_000
SURNAME = "Quillfeather"  # every respondent's; found nowhere means no name is shown
EMAIL_DOMAIN = "anonymity-proof.example"
EXTERNAL_ID = "EXTID-SECRET-"
# (department, respondents): one alone, then 6, 5 and 5. "Lynx Sales" is the smallest visible
# cell (ties go by label), so it is the one hidden with "Quokka Audit".
DEPARTMENTS = [("Quokka Audit", 1), ("Narwhal Ops", 6), ("Lynx Sales", 5), ("Marten Legal", 5)]
SINGLE, COMPLEMENT = "Quokka Audit", "Lynx Sales"
RESPONDED = sum(n for _, n in DEPARTMENTS)
SMALL_SURVEY_ANSWERS = K - 1
MEETINGS = ["weekly", "fortnightly", "monthly", "less_often"]


def answers_of(n):
    """Respondent n's answers to the end-of-program template (required questions and text)."""
    return {
        "satisfaction": 1 + n % 5,
        "nps": (n * 3) % 11,
        "skills_gained": ["feedback"] if n % 2 else ["writing", "data"],
        "goal_attainment": 1 + (n * 2) % 5,
        "meeting_frequency": MEETINGS[n % 4],
        "mentor_again": ("yes", "maybe", "no")[n % 3],
        "highlight": f"Highlight number {n:02d}: the pairing worked.",
    }


@dataclass
class World:
    org: object
    program: Program
    respondents: list  # Person, in the order they answered
    silent: Person  # invited, never answered
    survey: object  # 17 answers
    wave: SurveyWave
    small: object  # k − 1 answers
    small_wave: SurveyWave
    manager: object
    admin: object
    leader: object

    @property
    def readers(self):
        return {"manager": self.manager, "admin": self.admin, "leader": self.leader}


def _push_response_ids():
    """Make the next Response ids RESPONSE_BASE + 1, …: distinctive in any output."""
    table = Response._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, RESPONSE_BASE])
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, RESPONSE_BASE])


def _participant(org, program, n, *, department, level, role):
    user = UserFactory(id=USER_BASE + n, username=f"quillfeather{n:02d}", email=f"zq{n:02d}@{EMAIL_DOMAIN}")
    MembershipFactory(organization=org, user=user, role=Role.MEMBER)
    person = PersonFactory(
        pk=PERSON_BASE + n,
        organization=org,
        user=user,
        name=f"Ximena{n:02d} {SURNAME}",
        email=user.email,
        external_id=f"{EXTERNAL_ID}{n:02d}",
        department=department,
        level=level,
        time_zone="Europe/Lisbon",
    )
    Enrollment.objects.create(
        organization=org, program=program, person=person, role=role, status=EnrollmentStatus.APPROVED
    )
    return person


def _launched(org, program, manager, title):
    today = organization_today(org)
    survey = survey_create_from_template(
        organization=org,
        program=program,
        template_key="end_of_program",
        created_by=manager,
        title=title,
        schedule="date",
        opens_on=today,
    )
    survey = survey_launch(organization=org, survey=survey)
    return survey, SurveyWave.objects.get(survey=survey, number=1)


@pytest.fixture
def world(db):
    # Far from UTC, so "the start of the organization's day" is not the server's date by chance.
    org = OrganizationFactory(
        name="Anon Co",
        slug="anon-co",
        time_zone="Pacific/Auckland",
        survey_min_responses=K,
        survey_min_text_responses=K_TEXT,
    )
    today = timezone.localdate()
    program = Program.objects.create(
        organization=org,
        name="Grow 2026",
        status=ProgramStatus.ACTIVE,
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=60),
    )
    manager, admin, leader = (UserFactory() for _ in range(3))
    for user, role in ((manager, Role.MEMBER), (admin, Role.ADMIN), (leader, Role.LEADER)):
        MembershipFactory(organization=org, user=user, role=role)
    ProgramManager.objects.create(organization=org, program=program, user=manager)

    respondents, n = [], 0
    for department, count in DEPARTMENTS:
        for _ in range(count):
            alone = department == SINGLE
            # The lone department's respondent is also alone at level 9 and in an old cohort.
            level = 9 if alone else 2 + n % 3
            role = "mentor" if n % 3 == 0 else "mentee"
            respondents.append(_participant(org, program, n, department=department, level=level, role=role))
            n += 1
    silent = _participant(org, program, n, department="Narwhal Ops", level=3, role="mentee")
    lone = respondents[0]
    Enrollment.objects.filter(person=lone).update(created_at=timezone.now() - timedelta(days=400))

    survey, wave = _launched(org, program, manager, "Anonymous evaluation")
    small, small_wave = _launched(org, program, manager, "Small check")
    _push_response_ids()
    for index, person in enumerate(respondents):
        survey_answer_submit(organization=org, wave=wave, person=person, answers=answers_of(index))
    for index, person in enumerate(respondents[:SMALL_SURVEY_ANSWERS]):
        survey_answer_submit(organization=org, wave=small_wave, person=person, answers=answers_of(index))
    # Closed early, as the hourly scan closes an expired wave: from now on all 17 answers count.
    SurveyWave.objects.filter(pk=wave.pk).update(closed_at=timezone.now())
    wave.refresh_from_db()
    return World(org, program, respondents, silent, survey, wave, small, small_wave, manager, admin, leader)


# --- reading everything ---------------------------------------------------------------------


def page(name, org, *args):
    return reverse(f"surveys:{name}", args=[org.slug, *args])


def xlsx_xml(content: bytes) -> str:
    """Every XML part of an XLSX file, as one text."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


def page_urls(world, survey, wave):
    org = world.org
    results = page("survey-results", org, survey.pk)
    urls = [
        page("program-surveys", org, world.program.pk),
        page("survey-detail", org, survey.pk),
        page("survey-edit", org, survey.pk),
        page("overview", org),
        page("questionnaire-list", org),
        page("questionnaire-detail", org, survey.questionnaire_id),
        page("questionnaire-preview", org, survey.questionnaire_id),
        results,
        f"{results}?wave={wave.pk}",
    ]
    urls += [f"{results}?wave={wave.pk}&by={dimension}" for dimension in DIMENSIONS]
    return urls


def export_urls(world, survey, wave):
    urls = []
    for fmt in ("csv", "xlsx"):
        base = page("survey-export", world.org, survey.pk, fmt)
        urls += [base, f"{base}?wave={wave.pk}"]
        urls += [f"{base}?wave={wave.pk}&by={dimension}" for dimension in DIMENSIONS]
    return urls


def api_urls(world, survey, wave):
    org = world.org
    base = api_url(org, f"surveys/{survey.pk}/")
    questionnaire = api_url(org, f"questionnaires/{survey.questionnaire_id}/")
    urls = [api_url(org, "surveys/"), base, base + "waves/", base + "results/", f"{base}results/?wave={wave.pk}"]
    urls += [f"{base}results/?wave={wave.pk}&by={dimension}" for dimension in DIMENSIONS]
    urls += [questionnaire, questionnaire + "responses/"]
    return urls


def read_everything(world):
    """[(reader, url, status, text)] of every page, export and API answer, for all three readers."""
    seen = []
    for name, user in world.readers.items():
        browser, api = Client(), session_client(user)
        browser.force_login(user)
        for survey, wave in ((world.survey, world.wave), (world.small, world.small_wave)):
            for url in page_urls(world, survey, wave):
                response = browser.get(url)
                seen.append((name, url, response.status_code, response.content.decode()))
            for url in export_urls(world, survey, wave):
                response = browser.get(url)
                if response.status_code != 200:
                    text = response.content.decode()
                elif ".xlsx" in url:
                    text = xlsx_xml(response.content)
                else:
                    text = response.content.decode("utf-8-sig")
                seen.append((name, url, response.status_code, text))
            for url in api_urls(world, survey, wave):
                response = api.get(url)
                seen.append((name, url, response.status_code, response.content.decode()))
    return seen


def secrets_of(world):
    """{what: text} that must appear in no output: who answered, and the rows' own keys."""
    secrets = {SURNAME.lower(): "a respondent's surname", EMAIL_DOMAIN: "a respondent's email domain"}
    secrets[EXTERNAL_ID.lower()] = "a respondent's external id"
    for person in [*world.respondents, world.silent]:
        secrets[person.name.lower()] = f"name of {person.pk}"
        secrets[person.email.lower()] = f"email of {person.pk}"
        secrets[str(person.pk)] = f"person id {person.pk}"
        secrets[str(person.user_id)] = f"user id of {person.pk}"
        secrets[person.user.username.lower()] = f"username of {person.pk}"
    for response_id in Response.objects.filter(survey_envelope__isnull=False).values_list("pk", flat=True):
        assert response_id > RESPONSE_BASE  # the ids are distinctive, or this check proves nothing
        secrets[str(response_id)] = f"response id {response_id}"
    for completion in SurveyCompletion.objects.all():
        secrets[str(completion.pk)] = "a completion key"
        secrets[completion.pk.hex] = "a completion key"
    for dimension, labels in hidden_groups(world).items():
        for label in labels:
            secrets[label.lower()] = f"the hidden {dimension} {label!r}"
    return secrets


def hidden_groups(world):
    """{dimension: the groups of the big survey's breakdown that the k rules hide}, worked out
    here from the stored envelopes. None of them may be named anywhere: not even as "hidden"."""
    hidden = {}
    for dimension in DIMENSIONS:
        counts = {}
        for value in SurveyResponse.objects.filter(wave=world.wave).values_list(dimension, flat=True):
            counts[value] = counts.get(value, 0) + 1
        assert "" not in counts  # every respondent has each fact, so no group is "Not stated"
        hidden[dimension] = suppressed_cells(counts, K)
    # The lone respondent's department, level and cohort, each with a second group.
    assert hidden["department"] == {SINGLE, COMPLEMENT}
    assert "Level 9" in hidden["level"] and len(hidden["level"]) == 2
    assert len(hidden["cohort"]) == 2 and hidden["role"] == set()
    return hidden


def is_other_row(row):
    """A breakdown row of the page for the hidden groups: its heading holds the label and reason."""
    return row[0] == OTHER_GROUPS + reason_other_groups(K)


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_no_page_api_call_or_export_names_a_respondent(world):
    seen = read_everything(world)
    allowed = {200, 403}  # a leader may not open the manager's settings pages, for instance
    assert {(reader, url, status) for reader, url, status, _ in seen if status not in allowed} == set()
    # Each reader really reads the results, both exports and the results API of both surveys.
    for reader in world.readers:
        read = {url for who, url, status, _ in seen if who == reader and status == 200}
        for survey in (world.survey, world.small):
            assert page("survey-results", world.org, survey.pk) in read, reader
            assert page("survey-export", world.org, survey.pk, "csv") in read, reader
            assert page("survey-export", world.org, survey.pk, "xlsx") in read, reader
            assert api_url(world.org, f"surveys/{survey.pk}/results/") in read, reader
    # …and every address was read by someone.
    assert {url for _, url, _, _ in seen} == {url for _, url, status, _ in seen if status == 200}

    secrets = secrets_of(world)
    # The check can see: the directory page of a respondent names them (and is no survey page).
    client = Client()
    client.force_login(world.admin)
    directory = client.get(reverse("org:person-detail", args=[world.org.slug, world.respondents[0].pk]))
    assert {"a respondent's surname", "a respondent's email domain"} <= {
        what for secret, what in secrets.items() if secret in directory.content.decode().lower()
    }
    # …and the survey outputs hold the breakdown's visible labels and its one unnamed row for the
    # hidden groups, so they were really read.
    big = f"surveys/{world.survey.pk}/"
    by_department = [text for _, url, status, text in seen if big in url and "by=department" in url and status == 200]
    assert by_department and all("Narwhal Ops" in text and OTHER_GROUPS in text for text in by_department)
    for reader, url, _, text in seen:
        lowered = text.lower()
        found = {what for secret, what in secrets.items() if secret in lowered}
        assert not found, f"{reader} reads {sorted(found)} at {url}"
        if url.startswith("/api/") and text:
            keys = set(_keys(json.loads(text)))
            assert not keys & {"respondent", "person", "email", "submitted_at", "submitted_on"}, (url, keys)
    # The questionnaire API hands out none of the survey's responses, in a list or one by one.
    admin = session_client(world.admin)
    questionnaire = api_url(world.org, f"questionnaires/{world.survey.questionnaire_id}/responses/")
    assert admin.get(questionnaire).json()["count"] == 0
    for response_id in Response.objects.filter(survey_envelope__wave=world.wave).values_list("pk", flat=True):
        response = admin.get(f"{questionnaire}{response_id}/")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_the_stored_rows_hold_no_person_and_no_time_finer_than_the_day(world):
    midnight = datetime.combine(organization_today(world.org), time.min, tzinfo=UTC)
    responses = Response.objects.filter(survey_envelope__wave__survey__in=[world.survey, world.small])
    assert responses.count() == RESPONDED + SMALL_SURVEY_ANSWERS
    for response in responses:
        assert response.respondent_id is None
        assert response.submitted_at == midnight and response.updated_at == midnight
        assert response.survey_envelope.submitted_on == midnight.date()

    # The envelope holds the coarse facts only: no person, enrollment or user, no finer time.
    envelope = {f.name for f in SurveyResponse._meta.concrete_fields}
    assert envelope == {"organization", "response", "wave", "submitted_on", "role", "department", "level", "cohort"}
    assert not [f for f in SurveyResponse._meta.concrete_fields if isinstance(f, models.DateTimeField)]
    lone = SurveyResponse.objects.get(wave=world.wave, department=SINGLE)
    assert (lone.level, lone.role) == ("Level 9", "mentor")

    # Who answered is a separate table: a random key, no time of any kind, no link to a response.
    fields = SurveyCompletion._meta.get_fields()
    assert isinstance(SurveyCompletion._meta.pk, models.UUIDField)
    assert not [f for f in fields if isinstance(f, models.DateField | models.DateTimeField | models.TimeField)]
    assert {f.name for f in SurveyCompletion._meta.concrete_fields} == {"organization", "id", "wave", "person"}
    for model in (Response, SurveyResponse):
        related = {getattr(f, "related_model", None) for f in model._meta.get_fields()}
        assert SurveyCompletion not in related
    assert {f.related_model for f in fields if f.is_relation} <= {world.org.__class__, SurveyWave, Person}
    answered = set(SurveyCompletion.objects.filter(wave=world.wave).values_list("person_id", flat=True))
    assert answered == {person.pk for person in world.respondents}


# --- breakdowns -------------------------------------------------------------------------------


class TableReader(HTMLParser):
    """The rows of the HTML tables with a given class: [[cell text, …], …] (head rows left out)."""

    def __init__(self, css_class):
        super().__init__()
        self.css_class, self.depth, self.in_body = css_class, 0, False
        self.rows, self.row, self.cell = [], None, None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and (self.depth or self.css_class in classes):
            self.depth += 1
        elif self.depth and tag == "tbody":
            self.in_body = True
        elif self.depth and self.in_body and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag == "tbody":
            self.in_body = False
        elif tag in ("th", "td") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def html_rows(html, css_class):
    reader = TableReader(css_class)
    reader.feed(html)
    return reader.rows


def csv_tables(content: bytes) -> dict[str, list[list[str]]]:
    """{table title: [header, *rows]} of an export's CSV (tables under a title, blank-separated)."""
    tables, current = {}, None
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        if not row:
            current = None
        elif current is None:
            current = tables.setdefault(row[0], [])
        else:
            current.append(row)
    return tables


def xlsx_tables(content: bytes) -> dict[str, list[list]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


def results_api(world, user, survey, **query):
    response = session_client(user).get(api_url(world.org, f"surveys/{survey.pk}/results/"), query)
    assert response.status_code == 200, response.content
    return response.json()


def assert_nothing_recoverable(body, k=K):
    """Every visible figure stands on at least k responses, and what is hidden, taken together,
    is 0 or at least k: subtracting the visible cells from the total recovers no small group."""
    total = body["responded"]
    visible = [cell for cell in body["cells"] if not cell["hidden"]]
    for cell in body["cells"]:
        if cell["hidden"]:
            assert (cell["n"], cell["means"], cell["nps"]) == (None, {}, None), cell
        else:
            assert cell["n"] >= k, cell
    rest = total - sum(cell["n"] for cell in visible)
    assert rest == 0 or rest >= k, (body["dimension"], rest, body["cells"])
    # The same for each question's means in the cells (and the NPS).
    questions = {q["key"]: q for q in body["questions"]}
    for key in {key for cell in visible for key in cell["means"]}:
        shown = [cell["means"][key] for cell in visible if cell["means"].get(key)]
        assert all(estimate["n"] >= k for estimate in shown)
        rest = questions[key]["n"] - sum(estimate["n"] for estimate in shown)
        assert rest == 0 or rest >= k, (body["dimension"], key, rest)
    shown = [cell["nps"] for cell in visible if cell["nps"]]
    if shown:
        assert all(estimate["n"] >= k for estimate in shown)
        rest = questions["nps"]["n"] - sum(estimate["n"] for estimate in shown)
        assert rest == 0 or rest >= k, (body["dimension"], "nps", rest)


def test_the_lone_department_is_hidden_with_a_second_one_and_neither_is_named(world, client_for):
    org, survey, wave = world.org, world.survey, world.wave
    expected_visible = {"Marten Legal": 5, "Narwhal Ops": 6}
    unnamed = (SINGLE, COMPLEMENT)

    body = results_api(world, world.manager, survey, wave=wave.pk, by="department")
    assert (body["visible"], body["responded"], body["invited"]) == (True, RESPONDED, RESPONDED + 1)
    # The visible groups in order, then one unnamed row for the two hidden ones.
    assert [cell["label"] for cell in body["cells"]] == [*expected_visible, OTHER_GROUPS]
    other = body["cells"][-1]
    assert other == {
        "label": OTHER_GROUPS,
        "n": None,
        "hidden": True,
        "hidden_reason": reason_other_groups(K),
        "means": {},
        "nps": None,
    }
    assert other["hidden_reason"] == (
        f"Groups with fewer than {K} answers are shown together without names, with one more group "
        "where needed so none can be worked out from the total."
    )
    assert {cell["label"]: cell["n"] for cell in body["cells"] if not cell["hidden"]} == expected_visible
    # Subtraction: 17 − (6 + 5) = 6 people behind the hidden row, never the lone one alone.
    assert RESPONDED - sum(expected_visible.values()) >= K
    assert_nothing_recoverable(body)
    raw = json.dumps(body)
    assert not [label for label in unnamed if label in raw]

    # The page: the same rows, the hidden one without a name or a number; the totals tell no more.
    html = client_for(world.manager).get(f"{page('survey-results', org, survey.pk)}?by=department").content.decode()
    rows = html_rows(html, "breakdown-table")
    assert is_other_row(rows[-1]) and rows[-1][1:] == ["hidden"], rows[-1]
    assert {row[0]: int(row[1]) for row in rows[:-1]} == expected_visible
    stats = re.findall(r"<article><strong>([\d,]+)</strong><span>answered", html)
    assert stats == [str(RESPONDED)]
    assert not [label for label in unnamed if label in html]

    # The exports: the same table, the hidden row hidden in every column and unnamed.
    export = page("survey-export", org, survey.pk, "csv") + f"?wave={wave.pk}&by=department"
    content = client_for(world.admin).get(export).content
    header, *data = csv_tables(content)["Breakdown by department"]
    assert header[:2] == ["Department", "Responses"]
    assert [row[0] for row in data] == [*expected_visible, OTHER_GROUPS]
    assert set(data[-1][1:]) == {"hidden (fewer than k)"}, data[-1]
    assert {row[0]: int(row[1]) for row in data[:-1]} == expected_visible
    assert not [label for label in unnamed if label in content.decode("utf-8-sig")]

    export = page("survey-export", org, survey.pk, "xlsx") + f"?wave={wave.pk}&by=department"
    content = client_for(world.leader).get(export).content
    sheet = xlsx_tables(content)["Breakdown by department"]
    assert [row[0] for row in sheet[1:]] == [*expected_visible, OTHER_GROUPS]
    assert set(sheet[-1][1:]) == {"hidden (fewer than k)"}, sheet[-1]
    assert {row[0]: row[1] for row in sheet[1:-1]} == expected_visible
    assert not [label for label in unnamed if label in xlsx_xml(content)]


def test_every_breakdown_keeps_what_is_hidden_at_zero_or_k(world, client_for):
    """Role, level and cohort too (the lone respondent is also alone at level 9 and in an old
    cohort), through the API, the page and the CSV, for every reader."""
    for user in world.readers.values():
        for dimension in DIMENSIONS:
            body = results_api(world, user, world.survey, by=dimension)
            assert body["dimension"] == dimension and body["cells"]
            assert_nothing_recoverable(body)
            visible = {cell["label"]: cell["n"] for cell in body["cells"] if not cell["hidden"]}
            assert "Level 9" not in visible

            html = client_for(user).get(f"{page('survey-results', world.org, world.survey.pk)}?by={dimension}")
            rows = html_rows(html.content.decode(), "breakdown-table")
            assert len(rows) == len(body["cells"])
            shown = {row[0]: int(row[1]) for row in rows if not is_other_row(row)}
            assert shown == visible
            assert all(row[1:] == ["hidden"] for row in rows if is_other_row(row))

            export = page("survey-export", world.org, world.survey.pk, "csv") + f"?by={dimension}"
            tables = csv_tables(client_for(user).get(export).content)
            (title,) = [title for title in tables if title.startswith("Breakdown")]
            data = tables[title][1:]
            assert {row[0]: int(row[1]) for row in data if row[1] != "hidden (fewer than k)"} == visible
    # The lone respondent's level and cohort are hidden, each with a second group, in one
    # unnamed row; no hidden group is named in any output (checked everywhere in
    # test_no_page_api_call_or_export_names_a_respondent).
    hidden = hidden_groups(world)
    for dimension in DIMENSIONS:
        body = results_api(world, world.admin, world.survey, by=dimension)
        others = [cell for cell in body["cells"] if cell["hidden"]]
        assert [cell["label"] for cell in others] == ([OTHER_GROUPS] if hidden[dimension] else []), dimension
        assert body["cells"][len(body["cells"]) - len(others) :] == others  # last
        assert not {cell["label"] for cell in body["cells"]} & hidden[dimension]


def test_a_wave_under_k_shows_nothing_but_the_counts(world, client_for):
    org, small, wave = world.org, world.small, world.small_wave
    for name, user in world.readers.items():
        for dimension in ("", *DIMENSIONS):
            body = results_api(world, user, small, wave=wave.pk, by=dimension)
            assert (body["visible"], body["responded"], body["invited"]) == (False, K - 1, RESPONDED + 1), name
            assert body["hidden_reason"] == f"Results appear once at least {K} people have answered."
            assert (body["cells"], body["changes"], body["previous_wave"]) == ([], {}, None)
            for question in body["questions"]:
                assert question["hidden"], question
                assert (question["distribution"], question["mean"], question["nps"], question["texts"]) == (
                    [],
                    None,
                    None,
                    [],
                )

        client = client_for(user)
        for dimension in ("", *DIMENSIONS):
            html = client.get(f"{page('survey-results', org, small.pk)}?wave={wave.pk}&by={dimension}")
            text = html.content.decode()
            assert html.status_code == 200
            assert f"Shown when at least {K} people have answered — {K - 1} so far." in text
            assert re.findall(r"<article><strong>([\d,]+)</strong><span>answered", text) == [str(K - 1)]
            for absent in ("question-result", "<canvas", "result-figures", "breakdown-table", "Average"):
                assert absent not in text, (name, dimension, absent)
            assert json.loads(re.search(r'id="survey-chart-data"[^>]*>(.*?)</script>', text).group(1)) == {}

            base = f"?wave={wave.pk}&by={dimension}"
            csv_export = client.get(page("survey-export", org, small.pk, "csv") + base).content
            assert list(csv_tables(csv_export)) == ["Summary"]
            summary = dict(row[:2] for row in csv_tables(csv_export)["Summary"][1:])
            assert (summary["Responded"], summary["Results"]) == (str(K - 1), body["hidden_reason"])
            xlsx_export = client.get(page("survey-export", org, small.pk, "xlsx") + base).content
            assert list(xlsx_tables(xlsx_export)) == ["Summary"]

    overview = client_for(world.leader).get(page("overview", org)).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*Small check(?:(?!</tr>).)*</tr>", overview, re.S).group(0)
    assert f"Shown when at least {K} people have answered — {K - 1} so far" in row


def test_comments_are_shown_without_names_and_not_in_the_order_given(world, client_for):
    submitted = [answers_of(index)["highlight"] for index in range(RESPONDED)]
    body = results_api(world, world.admin, world.survey)
    (highlight,) = [q for q in body["questions"] if q["key"] == "highlight"]
    assert not highlight["hidden"] and sorted(highlight["texts"]) == sorted(submitted)
    assert highlight["texts"] != submitted
    assert highlight["texts"] != sorted(submitted)
    # Comments are never broken down: no cell carries a text.
    for dimension in DIMENSIONS:
        cells = results_api(world, world.admin, world.survey, by=dimension)["cells"]
        assert "highlight" not in {key for cell in cells for key in cell["means"]}

    html = client_for(world.manager).get(page("survey-results", world.org, world.survey.pk)).content.decode()
    shown = re.findall(r"Highlight number \d\d: the pairing worked\.", html)
    assert shown == highlight["texts"]  # the page and the API agree on the one order
    comments = csv_tables(
        client_for(world.manager).get(page("survey-export", world.org, world.survey.pk, "csv")).content
    )["Comments"]
    assert comments[0] == ["Question", "Comment"]
    assert all(len(row) == 2 for row in comments)  # never a column beside a comment
    assert [row[1] for row in comments[1:] if row[1].startswith("Highlight")] == highlight["texts"]
