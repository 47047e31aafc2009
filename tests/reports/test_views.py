"""The report pages: who may read and change what, the pages render from snapshot rows with a
bounded number of queries, the ROI form puts its errors beside the fields and its what-if
updates the range, refresh leads to a run page that polls, and the exports download."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mentorships.models import Mentorship, PairHealth
from organizations.models import Role
from programs.models import Objective, Program, ProgramStatus
from reports.models import RoiAssumptions, RollupRun, RollupStatus
from tests.factories import OrganizationFactory

from .page_fixtures import kpi_weeks, reports_world

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(org):
    return reports_world(org)


@pytest.fixture
def program(world):
    return world.program


def url(name, org, *args, query=""):
    return reverse(f"reports:{name}", args=[org.slug, *args]) + (f"?{query}" if query else "")


# --- access ---------------------------------------------------------------------------------------

READERS = {"owner": 200, "admin": 200, "leader": 200, "member": 403, "manager": 403, "outsider": 404}
PROGRAM_READERS = {**READERS, "manager": 200, "other_manager": 403}


@pytest.mark.parametrize("who,status", READERS.items())
def test_the_organization_dashboard_is_for_leaders(client_for, org, people, who, status):
    assert client_for(people[who]).get(url("dashboard", org)).status_code == status


@pytest.mark.parametrize("who,status", PROGRAM_READERS.items())
def test_a_program_dashboard_is_for_leaders_and_its_managers(client_for, org, program, people, who, status):
    assert client_for(people[who]).get(url("program-dashboard", org, program.pk)).status_code == status


@pytest.mark.parametrize(
    "name,query",
    [("impact-report", "program={pk}"), ("roi", "program={pk}"), ("export-all", "program={pk}")],
)
@pytest.mark.parametrize("who,status", PROGRAM_READERS.items())
def test_a_programs_reports_are_for_leaders_and_its_managers(
    client_for, org, program, people, name, query, who, status
):
    response = client_for(people[who]).get(url(name, org, query=query.format(pk=program.pk)))
    assert response.status_code == status


@pytest.mark.parametrize("name", ["impact-report", "roi", "export-all"])
@pytest.mark.parametrize("who,status", READERS.items())
def test_the_organizations_reports_are_for_leaders(client_for, org, people, name, who, status):
    assert client_for(people[who]).get(url(name, org)).status_code == status


def test_another_organizations_program_is_not_found(client_for, org, people):
    foreign = Program.objects.create(organization=OrganizationFactory(), name="Theirs", status=ProgramStatus.ACTIVE)
    leader = client_for(people["leader"])
    assert leader.get(url("program-dashboard", org, foreign.pk)).status_code == 404
    assert leader.get(url("export", org, "kpis", "csv", query=f"program={foreign.pk}")).status_code == 404
    assert leader.get(url("roi", org, query=f"program={foreign.pk}")).status_code == 404
    assert leader.get(url("roi", org, query="program=x1")).status_code == 404


def test_a_draft_program_is_hidden_from_leaders_who_do_not_manage_it(client_for, org, people):
    draft = Program.objects.create(organization=org, name="Draft", status=ProgramStatus.DRAFT)
    assert client_for(people["leader"]).get(url("program-dashboard", org, draft.pk)).status_code == 404
    assert client_for(people["admin"]).get(url("program-dashboard", org, draft.pk)).status_code == 200


def test_the_program_picker_leads_to_the_programs_dashboard(client_for, org, program, people):
    response = client_for(people["leader"]).get(url("dashboard", org, query=f"program={program.pk}"))
    assert response.status_code == 302
    assert response.url == url("program-dashboard", org, program.pk)


@pytest.mark.parametrize("who,status", {"admin": 302, "owner": 302, "leader": 403, "manager": 403}.items())
def test_only_admins_save_roi_assumptions(client_for, org, people, who, status):
    response = client_for(people[who]).post(url("roi", org), {**_roi_data(), "average_salary": "70000"})
    assert response.status_code == status
    saved = RoiAssumptions.objects.for_org(org).first()
    assert (saved is not None and saved.average_salary == Decimal("70000")) == (status == 302)


def test_the_nav_links_to_reports_for_leaders_only(client_for, org, people):
    link = f'href="{url("dashboard", org)}"'
    assert link in client_for(people["leader"]).get(reverse("org:home", args=[org.slug])).content.decode()
    assert link not in client_for(people["member"]).get(reverse("org:home", args=[org.slug])).content.decode()


# --- the dashboards ------------------------------------------------------------------------------


def _chart_data(response) -> dict:
    match = re.search(
        r'<script id="report-chart-data" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(match.group(1))


def test_the_organization_dashboard_shows_every_figure_with_its_charts(client_for, org, program, people):
    response = client_for(people["leader"]).get(url("dashboard", org))
    page = response.content.decode()
    charts = _chart_data(response)
    assert {"funnel", "active-pairs", "meetings", "cadence", "satisfaction", "nps", "retention", "promotion"} <= set(
        charts
    )
    assert len(charts["active-pairs"]["labels"]) == 26
    # Every chart has its canvas, and a table or a sentence with the same figures.
    for key in charts:
        assert f'data-chart-key="{key}"' in page
    assert (
        'class="retention-table stack"' in page
        and 'class="trend-table"' in page
        and 'class="promotion-table stack"' in page
    )
    assert len(charts["retention"]["groups"]) == 2
    # Objectives of every program, the picker, the ROI sentence, the people behind figures.
    assert "Retention (%)" in page and "Grow" in page
    assert f'<option value="{program.pk}"' in page
    assert 'data-testid="roi-range"' in page
    assert "left less often than comparable colleagues" in page
    assert "Behind it:" in page
    assert "Refresh now" not in page  # leaders read; admins and managers refresh


def test_a_program_dashboard_adds_the_operational_lists_for_its_managers(client_for, org, program, people):
    pair = Mentorship.objects.for_org(org).filter(program=program).order_by("pk").first()
    Mentorship.objects.filter(pk=pair.pk).update(health=PairHealth.AT_RISK, health_reasons=["Has not met in 6 weeks."])
    manager_page = client_for(people["manager"]).get(url("program-dashboard", org, program.pk)).content.decode()
    leader_page = client_for(people["leader"]).get(url("program-dashboard", org, program.pk)).content.decode()
    assert "To act on" in manager_page and "Pairs at risk" in manager_page
    # The at-risk pair links to its page among the mentorship manager's pages, with the reason.
    assert reverse("mentorships:pair", args=[org.slug, pair.pk]) in manager_page
    assert "Has not met in 6 weeks." in manager_page
    assert "Refresh now" in manager_page
    assert "To act on" not in leader_page
    assert "Progress against the target" in leader_page
    # A manager who is no leader gets no organization-wide picker.
    assert 'id="report-program"' not in manager_page and 'id="report-program"' in leader_page


def test_the_dashboard_before_any_rollup_says_so(client_for, org, admin_user):
    page = client_for(admin_user).get(url("dashboard", org)).content.decode()
    assert "No weekly figures yet" in page and "Refresh now" in page
    assert "Not computed yet" in page and "No ROI yet." in page


def test_groups_under_the_minimum_size_are_not_shown(client_for, org, member_of):
    reports_world(org, people=60, participants=4)
    page = client_for(member_of(org, Role.LEADER)).get(url("dashboard", org)).content.decode()
    assert "Fewer than 5 people in this group" in page
    assert "No ROI yet." in page


# Measured: 12, 18, 8 and 12 queries (session, membership and the page's selectors); the bound
# leaves a little room and must not move as the organization grows.
@pytest.mark.parametrize(
    "name,program_arg,bound",
    [("dashboard", False, 14), ("program-dashboard", True, 20), ("roi", False, 10), ("impact-report", False, 14)],
)
def test_the_pages_read_a_bounded_number_of_queries(
    client_for, org, program, people, name, program_arg, bound, django_assert_max_num_queries
):
    args = [program.pk] if program_arg else []
    client = client_for(people["admin"])
    client.get(url(name, org, *args))  # warm the session
    with django_assert_max_num_queries(bound):
        assert client.get(url(name, org, *args)).status_code == 200
    # More programs, weeks and objectives do not cost more queries.
    for index in range(5):
        extra = Program.objects.create(organization=org, name=f"Extra {index}", status=ProgramStatus.ACTIVE)
        kpi_weeks(org, extra, weeks=40)
        Objective.objects.create(
            organization=org, program=extra, metric=Objective.Metric.NPS, target=40, deadline="2027-01-01"
        )
    with django_assert_max_num_queries(bound):
        assert client.get(url(name, org, *args)).status_code == 200


def test_the_impact_report_is_printable(client_for, org, program, people):
    page = client_for(people["leader"]).get(url("impact-report", org, query=f"program={program.pk}")).content.decode()
    assert "The method, in plain words" in page
    assert "Kaplan–Meier" in page
    assert "Retention (%)" in page  # the program's objectives
    assert "data-print" in page
    assert 'data-chart-key="retention"' in page


# --- ROI ---------------------------------------------------------------------------------------


def _roi_data(**changes):
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


def _field_block(page, name):
    """The .field block of one input, where its errors must be."""
    match = re.search(rf'<div class="field[^"]*">(?:(?!<div class="field).)*?name="{name}".*?</div>', page, re.S)
    return match.group(0)


def test_roi_errors_show_beside_their_fields(client_for, org, program, people):
    data = _roi_data(replacement_cost_low="1.5", average_salary="-3", currency="euro", salary_by_level="3 55000")
    response = client_for(people["admin"]).post(url("roi", org), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "field-invalid" in _field_block(page, "replacement_cost_low")
    assert "cannot be above the central estimate" in page
    for name in ("average_salary", "currency", "salary_by_level", "replacement_cost_low"):
        block = _field_block(page, name)
        assert "field-invalid" in block and 'aria-invalid="true"' in block, name
    assert "field-invalid" not in _field_block(page, "platform_cost")
    assert not RoiAssumptions.objects.for_org(org).exists()


def test_saving_roi_assumptions_changes_the_range_for_everyone(client_for, org, program, people):
    before = client_for(people["leader"]).get(url("roi", org)).content.decode()
    response = client_for(people["admin"]).post(
        url("roi", org), _roi_data(average_salary="90000", salary_by_level="1: 40000\n4: 120000")
    )
    assert response.status_code == 302
    saved = RoiAssumptions.objects.for_org(org).get()
    assert saved.average_salary == Decimal("90000") and saved.salary_by_level == {"1": 40000.0, "4": 120000.0}
    after = client_for(people["leader"]).get(url("roi", org)).content.decode()
    assert _range(after) != _range(before)
    assert "1: 40000" in after  # the levels come back as they were typed


def _range(page):
    return re.search(r'data-testid="roi-range">(.*?)</p>', page, re.S).group(1)


def test_a_what_if_updates_the_range_without_saving(client_for, org, program, people):
    client = client_for(people["leader"])
    saved = _range(client.get(url("roi", org)).content.decode())
    response = client.get(url("roi", org), _roi_data(average_salary="150000"), **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment and 'id="roi-result-title"' in fragment
    assert "nothing is saved" in fragment
    assert _range(fragment) != saved
    assert not RoiAssumptions.objects.for_org(org).exists()
    # A figure that cannot be used says which, instead of a range.
    broken = client.get(url("roi", org), _roi_data(average_salary="lots"), **HTMX).content.decode()
    assert "Average yearly salary: Enter a number." in broken


# --- refresh and runs -------------------------------------------------------------------------------


def test_refresh_starts_a_run_and_leads_to_its_page(client_for, org, program, people):
    client = client_for(people["admin"])
    response = client.post(url("refresh", org))
    run = RollupRun.objects.for_org(org).latest("created_at")
    assert response.status_code == 302 and response.url == url("run", org, run.pk)
    page = client.get(response.url).content.decode()
    assert "Refresh of the figures" in page


def test_a_manager_refreshes_from_their_program_and_comes_back_to_it(client_for, org, program, people):
    client = client_for(people["manager"])
    response = client.post(url("refresh", org), {"program": program.pk})
    run = RollupRun.objects.for_org(org).latest("created_at")
    assert response.url == url("run", org, run.pk, query=f"program={program.pk}")
    page = client.get(response.url).content.decode()
    assert url("program-dashboard", org, program.pk) in page
    assert client_for(people["manager"]).post(url("refresh", org)).status_code == 403
    assert client_for(people["leader"]).post(url("refresh", org)).status_code == 403
    assert client_for(people["other_manager"]).post(url("refresh", org), {"program": program.pk}).status_code == 403


def test_the_run_page_polls_until_the_run_is_done(client_for, org, people):
    run = RollupRun.objects.create(
        organization=org,
        status=RollupStatus.RUNNING,
        first_week="2026-01-05",
        last_week="2026-06-29",
        progress=40,
        step="Counting meetings",
    )
    client = client_for(people["leader"])
    page = client.get(url("run", org, run.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="40"' in page and "Counting meetings" in page
    run.status, run.progress = RollupStatus.SUCCEEDED, 100
    run.save()
    fragment = client.get(url("run", org, run.pk), **HTMX).content.decode()
    assert "<html" not in fragment and "hx-trigger" not in fragment and "Done." in fragment
    assert client_for(people["member"]).get(url("run", org, run.pk)).status_code == 403
    foreign = RollupRun.objects.create(
        organization=OrganizationFactory(), first_week="2026-01-05", last_week="2026-06-29"
    )
    assert client.get(url("run", org, foreign.pk)).status_code == 404


# --- exports ---------------------------------------------------------------------------------------


def test_every_table_downloads_as_csv_and_xlsx(client_for, org, program, people):
    client = client_for(people["manager"])
    query = f"program={program.pk}"
    for table in ("kpis", "funnel", "objectives", "retention", "promotion", "balance", "roi"):
        csv = client.get(url("export", org, table, "csv", query=query))
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv"), table
        assert f'-grow-{table}.csv"' in csv["Content-Disposition"]
        xlsx = client.get(url("export", org, table, "xlsx", query=query))
        assert xlsx.status_code == 200
        assert len(load_workbook(io.BytesIO(xlsx.content)).sheetnames) == 1
    assert client.get(url("export", org, "nope", "csv", query=query)).status_code == 404
    assert client.get(url("export", org, "kpis", "pdf", query=query)).status_code == 404


def test_the_whole_report_downloads_as_one_workbook(client_for, org, program, people):
    response = client_for(people["leader"]).get(url("export-all", org))
    assert response.status_code == 200
    assert 'filename="acme-organization-report.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert "Weekly KPIs" in workbook.sheetnames and "Retention" in workbook.sheetnames
    assert workbook["Weekly KPIs"].max_row == 27  # a header and 26 weeks
