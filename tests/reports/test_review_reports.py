"""A reviewer's pass over the reports feature (issue 7), end to end through the pages, the API and
the files: tenancy (another organization's program answers like a missing one; program managers,
plain members and leaders see and change only what reports/views/access.py allows), small groups
(nothing under the organization's minimum size k, also after k is raised), bad input (ROI
assumptions, week ranges, unknown exports) and the numbers (one week's KPIs counted by hand, the
ROI arithmetic on the page). The data goes through the real rollup and impact refresh."""

import csv
import io
import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mentorships.models import MeetingStatus
from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, ParticipantRole, Program, ProgramManager, ProgramStatus
from reports import exports, selectors
from reports.models import KpiSnapshot, RoiAssumptions, RollupRun
from reports.services.impact import impact_refresh
from surveys.selectors.surveys import organization_today
from tests.factories import HeldMeetingFactory, MembershipFactory, OrganizationFactory, PersonFactory, UserFactory

from ..mentorships.meeting_fixtures import make_pair
from ..organizations.api_helpers import api_url, error_of, session_client
from .impact_fixtures import build_world
from .page_fixtures import monday, reports_world
from .test_rollup_services import run_now, survey_answers

pytestmark = pytest.mark.django_db

MISSING_ID = 2_000_000_000
HTMX = {"HTTP_HX_REQUEST": "true"}


def page_url(name, org, *args, query=""):
    return reverse(f"reports:{name}", args=[org.slug, *args]) + (f"?{query}" if query else "")


def api(org, path, **query):
    text = "&".join(f"{key}={value}" for key, value in query.items())
    return api_url(org, f"reports/{path}") + (f"?{text}" if text else "")


def masked(response, value) -> str:
    """The page's main content with the asked-for id masked, to compare two refusals (the rest
    of the page differs by its CSRF token)."""
    main = re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)
    return re.sub(rf"\b{value}\b", "<id>", main)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def sheet_rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def keys_anywhere(value) -> set:
    """Every dict key in a JSON document, however deep."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_anywhere(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_anywhere(item)}
    return set()


def roi_form(**changes):
    data = {
        "currency": "EUR",
        "average_salary": "60000",
        "salary_by_level": "",
        "replacement_cost_low": "0.5",
        "replacement_cost": "1.0",
        "replacement_cost_high": "2.0",
        "platform_cost": "10000",
        "coordinator_hours": "200",
        "coordinator_hourly_rate": "50",
        "participant_hours": "12",
        "loaded_hourly_rate": "45",
    }
    return {**data, **changes}


# --- 1. Tenancy ---------------------------------------------------------------------------------


@pytest.fixture
def two_programs(org):
    """Programs A and B of the organization, each with snapshots and impact figures, and a
    program of another organization."""
    world = reports_world(org, people=200, participants=40)
    program_b = world.program
    program_a = Program.objects.create(
        organization=org, name="Program A", status=ProgramStatus.ACTIVE, start_date=program_b.start_date
    )
    foreign = Program.objects.create(
        organization=OrganizationFactory(slug="globex"), name="Theirs", status=ProgramStatus.ACTIVE
    )
    return program_a, program_b, foreign


@pytest.fixture
def cast(org, two_programs, member_of):
    program_a, program_b, _ = two_programs
    manager_a = member_of(org, Role.MEMBER)
    ProgramManager.objects.create(organization=org, program=program_a, user=manager_a)
    outsider = UserFactory()
    MembershipFactory(organization=two_programs[2].organization, user=outsider, role=Role.OWNER)
    return {
        "admin": member_of(org, Role.ADMIN),
        "leader": member_of(org, Role.LEADER),
        "member": member_of(org, Role.MEMBER),
        "manager_a": manager_a,
        "outsider": outsider,
    }


PROGRAM_QUERY_PAGES = ["impact-report", "roi", "export-all", "export:kpis.csv", "export:retention.xlsx"]


def _program_page(org, name, program_pk=None):
    """A page of PROGRAM_QUERY_PAGES ("export:<table>.<fmt>" for one table's file) for the
    program, or for the organization when program_pk is None."""
    query = f"program={program_pk}" if program_pk is not None else ""
    if name.startswith("export:"):
        table, fmt = name.split(":")[1].split(".")
        return page_url("export", org, table, fmt, query=query)
    return page_url(name, org, query=query)


@pytest.mark.parametrize("name", ["program-dashboard", *PROGRAM_QUERY_PAGES])
def test_another_organizations_program_answers_like_a_missing_one_on_every_page(
    client_for, org, two_programs, cast, name
):
    foreign = two_programs[2]
    client = client_for(cast["admin"])

    def fetch(pk):
        if name == "program-dashboard":
            return client.get(page_url(name, org, pk))
        return client.get(_program_page(org, name, pk))

    theirs, missing = fetch(foreign.pk), fetch(MISSING_ID)
    assert theirs.status_code == missing.status_code == 404
    assert masked(theirs, foreign.pk) == masked(missing, MISSING_ID)


def test_another_organizations_program_in_a_post_body_answers_like_a_missing_one(client_for, org, two_programs, cast):
    foreign = two_programs[2]
    admin = client_for(cast["admin"])
    for pk in (foreign.pk, MISSING_ID):
        assert admin.post(page_url("refresh", org), {"program": pk}).status_code == 404
        assert admin.post(page_url("roi", org), roi_form(program=pk, average_salary="1")).status_code == 404
    assert not RollupRun.objects.exists()
    assert not RoiAssumptions.objects.exists()


def test_another_organizations_run_answers_like_a_missing_one(client_for, org, two_programs, cast):
    foreign_org = two_programs[2].organization
    theirs = RollupRun.objects.create(
        organization=foreign_org, first_week=monday(organization_today(org)), last_week=monday(organization_today(org))
    )
    admin = client_for(cast["admin"])
    assert admin.get(page_url("run", org, theirs.pk)).status_code == 404
    assert admin.get(page_url("run", org, MISSING_ID)).status_code == 404
    api_theirs = session_client(cast["admin"]).get(api(org, f"rollups/{theirs.pk}/"))
    api_missing = session_client(cast["admin"]).get(api(org, f"rollups/{MISSING_ID}/"))
    assert api_theirs.status_code == api_missing.status_code == 404
    assert api_theirs.json() == api_missing.json()


@pytest.mark.parametrize("name", ["program-dashboard", *PROGRAM_QUERY_PAGES])
def test_a_manager_of_a_cannot_read_bs_reports(client_for, org, two_programs, cast, name):
    program_a, program_b, _ = two_programs
    client = client_for(cast["manager_a"])
    if name == "program-dashboard":
        mine, theirs = client.get(page_url(name, org, program_a.pk)), client.get(page_url(name, org, program_b.pk))
    else:
        mine = client.get(_program_page(org, name, program_a.pk))
        theirs = client.get(_program_page(org, name, program_b.pk))
        # Nor the organization's as a whole.
        assert client.get(_program_page(org, name)).status_code == 403
    assert mine.status_code == 200
    assert theirs.status_code == 403


@pytest.mark.parametrize("path", ["kpis/", "funnel/", "impact/", "roi/", "objectives/"])
def test_a_manager_of_a_cannot_read_bs_figures_through_the_api(org, two_programs, cast, path):
    program_a, program_b, _ = two_programs
    client = session_client(cast["manager_a"])
    assert client.get(api(org, path, program=program_a.pk)).status_code == 200
    assert client.get(api(org, path, program=program_b.pk)).status_code == 403


def test_a_manager_sees_only_the_runs_they_asked_for(client_for, org, two_programs, cast):
    program_a, program_b, _ = two_programs
    today = monday(organization_today(org))
    nightly = RollupRun.objects.create(organization=org, first_week=today, last_week=today)
    by_admin = RollupRun.objects.create(organization=org, first_week=today, last_week=today, requested_by=cast["admin"])
    manager = client_for(cast["manager_a"])
    response = manager.post(page_url("refresh", org), {"program": program_a.pk})
    assert response.status_code == 302
    mine = RollupRun.objects.for_org(org).get(requested_by=cast["manager_a"])
    assert manager.get(page_url("run", org, mine.pk)).status_code == 200
    for other in (nightly, by_admin):
        assert manager.get(page_url("run", org, other.pk)).status_code == 403
        assert session_client(cast["manager_a"]).get(api(org, f"rollups/{other.pk}/")).status_code == 404
    listed = session_client(cast["manager_a"]).get(api(org, "rollups/")).json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    # A manager refreshes from their own program only, and never starts a run through the API.
    assert manager.post(page_url("refresh", org), {"program": program_b.pk}).status_code == 403
    assert manager.post(page_url("refresh", org)).status_code == 403
    assert session_client(cast["manager_a"]).post(api(org, "rollups/"), {}, format="json").status_code == 403
    assert RollupRun.objects.for_org(org).filter(requested_by=cast["manager_a"]).count() == 1


def test_a_plain_member_sees_nothing(client_for, org, two_programs, cast):
    program_a, _, _ = two_programs
    client = client_for(cast["member"])
    run = RollupRun.objects.create(
        organization=org, first_week=monday(organization_today(org)), last_week=monday(organization_today(org))
    )
    pages = [
        page_url("dashboard", org),
        page_url("program-dashboard", org, program_a.pk),
        page_url("impact-report", org),
        page_url("roi", org),
        page_url("run", org, run.pk),
        page_url("export-all", org),
        page_url("export", org, "kpis", "csv"),
        *(_program_page(org, name, program_a.pk) for name in PROGRAM_QUERY_PAGES),
    ]
    for address in pages:
        assert client.get(address).status_code == 403, address
    assert client.post(page_url("refresh", org)).status_code == 403
    assert client.post(page_url("roi", org), roi_form()).status_code == 403
    member_api = session_client(cast["member"])
    for path in ("kpis/", "funnel/", "impact/", "roi/", "rollups/", f"rollups/{run.pk}/"):
        assert member_api.get(api(org, path)).status_code == 403, path
    assert member_api.get(api(org, "objectives/", program=program_a.pk)).status_code == 403
    assert member_api.patch(api(org, "roi/"), {"average_salary": 1}, format="json").status_code == 403
    assert member_api.post(api(org, "rollups/"), {}, format="json").status_code == 403
    assert not RoiAssumptions.objects.exists()
    assert RollupRun.objects.count() == 1


def test_leaders_read_everything_and_change_nothing(client_for, org, two_programs, cast):
    """access.py: leaders read every report; saving the ROI assumptions needs ORG_EDIT and a
    refresh needs ORG_EDIT or managing the program. A what-if is allowed and saves nothing."""
    program_a, program_b, _ = two_programs
    leader = client_for(cast["leader"])
    run = RollupRun.objects.create(
        organization=org, first_week=monday(organization_today(org)), last_week=monday(organization_today(org))
    )
    for address in (
        page_url("dashboard", org),
        page_url("program-dashboard", org, program_b.pk),
        page_url("run", org, run.pk),
        *(_program_page(org, name, program_b.pk) for name in PROGRAM_QUERY_PAGES),
    ):
        assert leader.get(address).status_code == 200, address
    assert leader.post(page_url("roi", org), roi_form(average_salary="1")).status_code == 403
    assert leader.post(page_url("roi", org), roi_form(average_salary="1", program=program_b.pk)).status_code == 403
    assert leader.get(page_url("roi", org), roi_form(average_salary="99999"), **HTMX).status_code == 200
    assert leader.post(page_url("refresh", org)).status_code == 403
    assert leader.post(page_url("refresh", org), {"program": program_b.pk}).status_code == 403
    leader_api = session_client(cast["leader"])
    assert leader_api.patch(api(org, "roi/"), {"average_salary": 1}, format="json").status_code == 403
    assert leader_api.post(api(org, "rollups/"), {}, format="json").status_code == 403
    assert leader_api.get(api(org, "rollups/")).status_code == 200
    assert not RoiAssumptions.objects.exists()
    assert RollupRun.objects.count() == 1
    # Nor does the dashboard offer them the button.
    assert "Refresh now" not in leader.get(page_url("dashboard", org)).content.decode()
    # A leader who also manages program A refreshes from A's pages, as its managers do.
    ProgramManager.objects.create(organization=org, program=program_a, user=cast["leader"])
    assert leader.post(page_url("refresh", org), {"program": program_b.pk}).status_code == 403
    assert leader.post(page_url("refresh", org), {"program": program_a.pk}).status_code == 302


# --- 2. Small groups ------------------------------------------------------------------------------


@pytest.fixture
def tiny(org):
    """k = 5; a program with 3 participants (among 80 people) and 4 survey answers, through the
    real rollup and impact refresh."""
    assert org.survey_min_responses == 5
    world = build_world(org, today=organization_today(org), people=80, participants=3, program_name="Tiny")
    survey_answers(org, world.program, satisfaction=[5, 4, 4, 3], promoters=[10, 9, 8, 6])
    run = run_now(org)
    assert run.status == "succeeded", run.error
    return world.program


HIDDEN_IMPACT = ("participants", "comparison", "difference", "logrank", "balance")


def _assert_impact_hidden(figures):
    for key in HIDDEN_IMPACT:
        assert figures[key]["hidden"] is True, key
    for key in ("participants", "comparison", "difference"):
        assert figures["promotion"][key]["hidden"] is True, key
    # No curve, horizon or rate of any group anywhere in the document.
    assert not keys_anywhere(figures) & {"curve", "retention", "rate", "events", "survival", "smd_before"}


@pytest.mark.parametrize("scope", ["organization", "program"])
def test_a_small_program_shows_no_impact_figure_through_the_api(org, tiny, admin_user, scope):
    query = {"program": tiny.pk} if scope == "program" else {}
    client = session_client(admin_user)
    body = client.get(api(org, "impact/", **query)).json()
    assert body["available"] is True
    _assert_impact_hidden(body["figures"])
    roi = client.get(api(org, "roi/", **query)).json()["estimate"]
    assert roi["hidden"] is True and "Fewer than 5" in roi["hidden_reason"]
    for key in ("difference", "avoided", "savings", "net", "roi"):
        assert roi[key] == {"value": None, "low": None, "high": None}, key
    rows = client.get(api(org, "kpis/", **query)).json()["results"]
    assert rows and all((row["satisfaction"], row["nps"], row["survey_responses"]) == (None, None, 0) for row in rows)


@pytest.mark.parametrize("scope", ["organization", "program"])
def test_a_small_program_shows_no_impact_figure_on_the_pages(client_for, org, tiny, admin_user, scope):
    client = client_for(admin_user)
    query = f"program={tiny.pk}" if scope == "program" else ""
    dashboard = (
        client.get(page_url("program-dashboard", org, tiny.pk))
        if scope == "program"
        else client.get(page_url("dashboard", org))
    )
    report = client.get(page_url("impact-report", org, query=query))
    roi = client.get(page_url("roi", org, query=query))
    for response in (dashboard, report, roi):
        assert response.status_code == 200
        page = response.content.decode()
        assert "Fewer than 5 people in this group" in page
    for response in (dashboard, report):
        context = response.context
        assert all(group.get("hidden") for group in context["retention"]["groups"])
        assert context["retention"]["differences"] == []
        assert all(group.get("hidden") for group in context["promotion"]["groups"])
        assert {"retention", "promotion"}.isdisjoint(context["charts"])
        assert context["estimate"]["hidden"] is True
    charts = dashboard.context["charts"]
    assert set(charts["satisfaction"]["series"][0]["values"]) == {None}
    assert set(charts["nps"]["series"][0]["values"]) == {None}
    assert roi.context["estimate"]["hidden"] is True
    assert "No ROI yet." in roi.content.decode()


def _as_text(rows) -> list[list[str]]:
    return [["" if value is None else str(value) for value in row] for row in rows]


@pytest.mark.parametrize("scope", ["organization", "program"])
def test_a_small_program_exports_no_hidden_number(client_for, org, tiny, admin_user, scope):
    client = client_for(admin_user)
    program_pk = tiny.pk if scope == "program" else None
    csv_files, xlsx_files = {}, {}
    for name in exports.TABLES:
        response = client.get(_program_page(org, f"export:{name}.csv", program_pk))
        assert response.status_code == 200, name
        csv_files[name] = csv_rows(response.content)
        response = client.get(_program_page(org, f"export:{name}.xlsx", program_pk))
        assert response.status_code == 200, name
        xlsx_files[name] = _as_text(sheet_rows(load_workbook(io.BytesIO(response.content)).active))
    workbook = load_workbook(io.BytesIO(client.get(_program_page(org, "export-all", program_pk)).content))
    sheets = {name: _as_text(sheet_rows(workbook[exports.TITLES[name]])) for name in exports.TABLES}
    for written in (csv_files, xlsx_files, sheets):
        kpis = written["kpis"]
        header = kpis[0]
        for column in ("Satisfaction (1–5)", "NPS"):
            index = header.index(column)
            assert {row[index] for row in kpis[1:]} == {""}, column
        assert {row[header.index("Survey responses")] for row in kpis[1:]} == {"0"}
        for name in ("retention", "promotion", "balance"):
            numbers = [cell for row in written[name][1:] for cell in row[1:] if cell.replace(".", "").isdigit()]
            assert numbers == [], (name, written[name])
        roi = {row[0]: row[1:] for row in written["roi"][1:]}
        for item in ("12-month retention difference (points)", "Departures avoided", "Savings (EUR)", "ROI (%)"):
            assert roi[item] == ["", "", ""], item


@pytest.fixture
def leavers(org):
    """k = 5; 12 participants who leave fast (a yearly hazard of 1.5): the curves' tails and the
    12-month horizon rest on fewer than k people."""
    world = build_world(
        org,
        today=organization_today(org),
        people=300,
        participants=12,
        hazard_participants=1.5,
        program_name="Leavers",
    )
    impact_refresh(organization=org)
    return world.program


def _curve_rests_on_k(group, k):
    assert group["curve"]["at_risk"], "a curve to check"
    assert min(group["curve"]["at_risk"]) >= k
    for horizon in group["retention"].values():
        assert horizon["value"] is not None or horizon["followed"] < k
        if horizon["followed"] < k:
            assert (horizon["value"], horizon["low"], horizon["high"]) == (None, None, None)


@pytest.mark.parametrize("k", [5, 7])
def test_curve_tails_and_horizons_rest_on_at_least_k_people(client_for, org, leavers, admin_user, k):
    if k != org.survey_min_responses:  # raised after the refresh: trimmed when read
        org.survey_min_responses = k
        org.survey_min_text_responses = max(org.survey_min_text_responses, k)
        org.save()
    figures = session_client(admin_user).get(api(org, "impact/", program=leavers.pk)).json()["figures"]
    participants = figures["participants"]
    assert not participants.get("hidden") and participants["n"] >= k
    assert participants["retention"]["12"]["value"] is None  # too few followed for a year
    assert figures["difference"]["12"]["value"] is None
    _curve_rests_on_k(participants, k)
    _curve_rests_on_k(figures["comparison"], k)
    # The export's curve rows and horizons say no more.
    rows = csv_rows(client_for(admin_user).get(_program_page(org, "export:retention.csv", leavers.pk)).content)
    header = rows[0]
    followed, retention = header.index("Still followed (n)"), header.index("Retention (%)")
    curve = [row for row in rows[1:] if row[1] == "curve"]
    assert curve and min(int(row[followed]) for row in curve) >= k
    twelve = [row for row in rows[1:] if row[0] == "Participants" and row[1].startswith("12-month")]
    assert twelve[0][retention] == ""
    # The chart draws no point the table would not show.
    chart = client_for(admin_user).get(page_url("program-dashboard", org, leavers.pk)).context["charts"]["retention"]
    drawn = {group["label"].split(" (")[0]: len(group["times"]) - 1 for group in chart["groups"]}
    assert drawn["Participants"] == len(participants["curve"]["times"])


@pytest.fixture
def medium(org):
    """k = 5 at the refresh; a program of 8 participants among 300 people, and a pulse survey of
    6 answers, all shown at k = 5."""
    world = build_world(org, today=organization_today(org), people=300, participants=8, program_name="Medium")
    survey_answers(org, world.program, satisfaction=[5, 4, 4, 3, 5, 4], promoters=[10, 9, 8, 6, 10, 9])
    run = run_now(org)
    assert run.status == "succeeded", run.error
    figures = selectors.impact_figures(organization=org, program=world.program)
    # Shown at k = 5: the test below is about raising k over them.
    assert not figures["participants"].get("hidden") and 5 <= figures["participants"]["n"] < 10
    assert not figures["comparison"].get("hidden")
    assert selectors.latest_kpis(organization=org, program=world.program).satisfaction is not None
    org.survey_min_responses = 10
    org.survey_min_text_responses = max(org.survey_min_text_responses, 10)
    org.save()
    return world.program


def test_impact_follows_a_raised_k_on_the_pages_the_impact_api_and_the_impact_tables(
    client_for, org, medium, admin_user
):
    body = session_client(admin_user).get(api(org, "impact/", program=medium.pk)).json()
    for key in ("participants", "comparison", "difference", "logrank", "balance"):
        assert body["figures"][key]["hidden"] is True, key
    client = client_for(admin_user)
    for response in (
        client.get(page_url("program-dashboard", org, medium.pk)),
        client.get(page_url("impact-report", org, query=f"program={medium.pk}")),
        client.get(page_url("roi", org, query=f"program={medium.pk}")),
    ):
        assert "Fewer than 10 people in this group" in response.content.decode()
        assert response.context["estimate"]["hidden"] is True
    for name in ("retention", "promotion", "balance"):
        rows = csv_rows(client.get(_program_page(org, f"export:{name}.csv", medium.pk)).content)
        assert [cell for row in rows[1:] for cell in row[1:] if cell.replace(".", "").isdigit()] == [], name


def test_the_roi_follows_a_raised_k_in_the_api_and_the_export(client_for, org, medium, admin_user):
    estimate = session_client(admin_user).get(api(org, "roi/", program=medium.pk)).json()["estimate"]
    assert estimate["hidden"] is True
    assert estimate["difference"] == {"value": None, "low": None, "high": None}
    rows = csv_rows(client_for(admin_user).get(_program_page(org, "export:roi.csv", medium.pk)).content)
    roi = {row[0]: row[1:] for row in rows[1:]}
    assert roi["12-month retention difference (points)"] == ["", "", ""]
    assert roi["Participants compared"] == ["", "0", ""]


def test_survey_figures_follow_a_raised_k_before_the_next_rollup(client_for, org, medium, admin_user):
    rows = session_client(admin_user).get(api(org, "kpis/", program=medium.pk)).json()["results"]
    assert all(row["satisfaction"] is None and row["nps"] is None for row in rows)
    charts = client_for(admin_user).get(page_url("program-dashboard", org, medium.pk)).context["charts"]
    assert set(charts["satisfaction"]["series"][0]["values"]) == {None}


def test_survey_figures_follow_a_raised_k_after_the_next_rollup(org, medium):
    run_now(org)
    latest = selectors.latest_kpis(organization=org, program=medium)
    assert (latest.satisfaction, latest.nps, latest.survey_responses) == (None, None, 0)


# --- 3. Bad input ------------------------------------------------------------------------------------


BAD_FORMS = [
    ({"average_salary": "-1"}, "average_salary"),
    ({"platform_cost": "-0.01"}, "platform_cost"),
    ({"loaded_hourly_rate": "-45"}, "loaded_hourly_rate"),
    ({"coordinator_hours": "-1"}, "coordinator_hours"),
    ({"replacement_cost_low": "1.5"}, "replacement_cost_low"),  # low > central
    ({"replacement_cost_high": "0.8"}, "replacement_cost_high"),  # high < central
    ({"replacement_cost_low": "0.05"}, "replacement_cost_low"),
    ({"replacement_cost_high": "4.5"}, "replacement_cost_high"),
    ({"replacement_cost": "5", "replacement_cost_high": "5"}, "replacement_cost"),
    ({"salary_by_level": "senior: 90000"}, "salary_by_level"),
    ({"salary_by_level": "3: lots"}, "salary_by_level"),
    ({"salary_by_level": "3: -5"}, "salary_by_level"),
    ({"salary_by_level": "3: 0"}, "salary_by_level"),
    ({"salary_by_level": "3 55000"}, "salary_by_level"),
    ({"currency": "EURO"}, "currency"),
    ({"currency": "E1R"}, "currency"),
    ({"currency": "€"}, "currency"),
    ({"currency": ""}, "currency"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_FORMS)
def test_bad_assumptions_on_the_page_are_marked_beside_the_field_and_nothing_is_saved(
    client_for, org, admin_user, changes, field
):
    response = client_for(admin_user).post(page_url("roi", org), roi_form(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert not form.non_field_errors()
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert 'aria-invalid="true"' in page
    assert not RoiAssumptions.objects.exists()


BAD_BODIES = [
    ({"average_salary": -1}, "average_salary"),
    ({"platform_cost": "-5"}, "platform_cost"),
    ({"participant_hours": -1}, "participant_hours"),
    ({"replacement_cost_low": 1.5}, "replacement_cost_low"),
    ({"replacement_cost_high": 0.8}, "replacement_cost_high"),
    ({"replacement_cost_low": 0.05}, "replacement_cost_low"),
    ({"replacement_cost_high": 4.01}, "replacement_cost_high"),
    ({"salary_by_level": {"senior": 90000}}, "salary_by_level"),
    ({"salary_by_level": {"3": "lots"}}, "salary_by_level"),
    ({"salary_by_level": {"3": -5}}, "salary_by_level"),
    ({"salary_by_level": {"3": 0}}, "salary_by_level"),
    ({"salary_by_level": [40000]}, "salary_by_level"),
    ({"currency": "EURO"}, "currency"),
    ({"currency": "E1"}, "currency"),
    ({"currency": "1€R"}, "currency"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_bad_assumptions_through_the_api_are_a_400_naming_the_field(org, admin_user, body, field):
    response = session_client(admin_user).patch(api(org, "roi/"), body, format="json")
    assert response.status_code == 400
    # A value inside salary_by_level is named by its key: "salary_by_level.3".
    assert any(name.split(".")[0] == field for name in error_of(response)["fields"]), response.json()
    assert not RoiAssumptions.objects.exists()


def test_low_above_central_through_the_api_names_the_field_against_the_saved_values(org, admin_user):
    client = session_client(admin_user)
    assert client.patch(api(org, "roi/"), {"replacement_cost": 1.2}, format="json").status_code == 200
    response = client.patch(api(org, "roi/"), {"replacement_cost_low": 1.3}, format="json")
    assert response.status_code == 400 and "replacement_cost_low" in error_of(response)["fields"]
    assert RoiAssumptions.objects.for_org(org).get().replacement_cost_low == Decimal("0.5")


def test_a_currency_of_non_latin_letters_is_refused_by_the_api_as_by_the_page(client_for, org, admin_user):
    page = client_for(admin_user).post(page_url("roi", org), roi_form(currency="ÄÖÜ"))
    assert "currency" in page.context["form"].errors
    response = session_client(admin_user).patch(api(org, "roi/"), {"currency": "ÄÖÜ"}, format="json")
    assert response.status_code == 400 and "currency" in error_of(response)["fields"]


@pytest.mark.parametrize("weeks", ["0", "-1", "157", "abc", "1e3"])
def test_weeks_out_of_range_are_refused_under_weeks(org, admin_user, weeks):
    response = session_client(admin_user).get(api(org, "kpis/", weeks=weeks))
    assert response.status_code == 400 and "weeks" in error_of(response)["fields"]


@pytest.mark.parametrize("weeks", ["1", "156"])
def test_weeks_at_the_ends_of_the_range_are_accepted(org, admin_user, weeks):
    assert session_client(admin_user).get(api(org, "kpis/", weeks=weeks)).status_code == 200


def test_rollup_weeks_out_of_range_are_refused_under_their_field(client_for, org, admin_user):
    client = session_client(admin_user)
    this_monday = monday(organization_today(org))
    cases = [
        ({"last_week": (this_monday + timedelta(days=7)).isoformat()}, "last_week"),
        ({"first_week": (this_monday - timedelta(weeks=156)).isoformat()}, "first_week"),  # 157 weeks
        (
            {"first_week": this_monday.isoformat(), "last_week": (this_monday - timedelta(weeks=1)).isoformat()},
            "first_week",
        ),
        ({"first_week": "not a date"}, "first_week"),
    ]
    for body, field in cases:
        response = client.post(api(org, "rollups/"), body, format="json")
        assert response.status_code == 400, body
        assert field in error_of(response)["fields"], (body, response.json())
    assert not RollupRun.objects.exists()
    widest = {"first_week": (this_monday - timedelta(weeks=155)).isoformat()}
    assert client.post(api(org, "rollups/"), widest, format="json").status_code == 202


@pytest.mark.parametrize(
    "path", ["export/foo.csv", "export/kpis.pdf", "export/all.csv", "export/kpis.CSV", "export/all.xls"]
)
def test_an_unknown_export_is_not_found(client_for, org, admin_user, path):
    address = reverse("reports:dashboard", args=[org.slug]) + path
    assert client_for(admin_user).get(address).status_code == 404


# --- 4. The numbers ----------------------------------------------------------------------------------


@pytest.fixture
def counted(org):
    """Three pairs and a fourth approved mentee without a mentor, enrolled 60 days ago; last
    week: pair 1 met twice (60 minutes logged, and once without minutes: the planned 45),
    pair 2 once for 30 minutes; a cancelled meeting and one still 'scheduled' do not count."""
    program = Program.objects.create(organization=org, name="Counted", status=ProgramStatus.ACTIVE)
    pairs = [
        make_pair(org, names=(f"Mentor {n}", f"Mentee {n}"), started_days_ago=30, program=program) for n in range(3)
    ]
    waiting = PersonFactory(organization=org)
    Enrollment.objects.create(
        organization=org,
        program=program,
        person=waiting,
        role=ParticipantRole.MENTEE,
        status=EnrollmentStatus.APPROVED,
    )
    Enrollment.objects.for_org(org).filter(program=program).update(
        created_at=datetime.now(UTC) - timedelta(days=60), decided_at=None
    )
    week = monday(organization_today(org)) - timedelta(weeks=1)
    tuesday = datetime.combine(week + timedelta(days=1), time(10), tzinfo=UTC)  # the org is on UTC
    HeldMeetingFactory(mentorship=pairs[0].mentorship, starts_at=tuesday, actual_minutes=60)
    HeldMeetingFactory(mentorship=pairs[0].mentorship, starts_at=tuesday + timedelta(days=2), actual_minutes=None)
    HeldMeetingFactory(mentorship=pairs[1].mentorship, starts_at=tuesday, actual_minutes=30, duration_minutes=60)
    HeldMeetingFactory(mentorship=pairs[2].mentorship, starts_at=tuesday, status=MeetingStatus.CANCELLED)
    HeldMeetingFactory(mentorship=pairs[2].mentorship, starts_at=tuesday, status=MeetingStatus.SCHEDULED)
    run = run_now(org)
    assert run.status == "succeeded", run.error
    return program, week


def test_one_weeks_kpis_counted_by_hand(client_for, org, counted, admin_user):
    program, week = counted
    for scope in (program, None):
        row = KpiSnapshot.objects.for_org(org).get(program=scope, week_start=week)
        assert row.meetings_held == 3
        assert row.mentoring_hours == pytest.approx((60 + 45 + 30) / 60)
        assert row.active_pairs == 3
        assert (row.enrolled_mentors, row.enrolled_mentees, row.matched) == (3, 4, 6)
        assert row.match_rate == pytest.approx(3 / 4)  # matched mentees / enrolled mentees
    # The same figures through the API, the dashboard and the export.
    rows = session_client(admin_user).get(api(org, "kpis/", program=program.pk)).json()["results"]
    mine = next(row for row in rows if row["week_start"] == week.isoformat())
    assert (mine["meetings_held"], mine["mentoring_hours"], mine["active_pairs"], mine["match_rate"]) == (
        3,
        2.25,
        3,
        0.75,
    )
    context = client_for(admin_user).get(page_url("program-dashboard", org, program.pk)).context
    assert (context["totals"]["meetings"], context["totals"]["hours"]) == (3, pytest.approx(2.25))
    table = csv_rows(client_for(admin_user).get(_program_page(org, "export:kpis.csv", program.pk)).content)
    header, line = table[0], next(row for row in table if row[0] == week.isoformat())
    written = dict(zip(header, line, strict=True))
    assert (written["Meetings held"], written["Mentoring hours"], written["Match rate (%)"]) == ("3", "2.25", "75.0")


def test_the_roi_on_the_page_is_the_assumptions_times_the_measured_difference(client_for, org, admin_user):
    world = reports_world(org)
    client = client_for(admin_user)
    saved = client.post(
        page_url("roi", org),
        roi_form(
            average_salary="50000",
            replacement_cost_low="0.6",
            replacement_cost="1.2",
            replacement_cost_high="2.4",
            platform_cost="8000",
            coordinator_hours="100",
            coordinator_hourly_rate="40",
            participant_hours="10",
            loaded_hourly_rate="30",
        ),
    )
    assert saved.status_code == 302
    response = client.get(page_url("roi", org, query=f"program={world.program.pk}"))
    estimate = response.context["estimate"]
    assert estimate["significant"] is True
    figures = selectors.impact_figures(organization=org, program=world.program)
    difference = figures["difference"]["12"]
    compared = figures["participants"]["n"]
    participants = figures["counts"]["participants"]
    cost = 8000 + 100 * 40 + participants * 10 * 30
    assert estimate["cost"]["value"] == pytest.approx(cost)
    for end, multiplier in (("low", 0.6), ("value", 1.2), ("high", 2.4)):
        avoided = difference[end] * compared
        savings = avoided * 50000 * multiplier
        assert estimate["avoided"][end] == pytest.approx(avoided)
        assert estimate["savings"][end] == pytest.approx(savings)
        assert estimate["net"][end] == pytest.approx(savings - cost)
        assert estimate["roi"][end] == pytest.approx((savings - cost) / cost)
    page = response.content.decode()
    for end in ("low", "value", "high"):
        net = estimate["net"][end]
        assert f"EUR {abs(net):,.0f}" in page, end
    assert f"{round(cost):,}" in page
