"""The leadership dashboard in a real browser (the issue's "done when").

A leader signs in through the login form and opens Reports: every chart has drawn (Chart.js
holds a chart for each canvas, and each canvas has coloured pixels), the page fits a phone.
On the ROI page she changes an assumption and the range changes as she types (a what-if:
leaders cannot save). Back on the dashboard she downloads the whole report as an Excel
workbook and it opens with the figures in it.

The figures come from the real impact service on a generated directory with a known retention
effect, and from weekly snapshots written straight to their table. Screenshots go to
var/screenshots/ for people to look at.
"""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from organizations.models import Role
from reports.models import RoiAssumptions, RollupRun, RollupStatus

from ..factories import PASSWORD, MembershipFactory, UserFactory
from ..reports.page_fixtures import reports_world
from . import screenshots
from .conftest import DESKTOP, PHONE, body_overflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEADER_EMAIL = "lena.leader@example.com"
CHARTS = ("funnel", "active-pairs", "meetings", "cadence", "satisfaction", "nps", "retention", "promotion")

# For each canvas: does Chart.js hold a chart for it, and how many of its pixels are not blank?
DRAWN = """() => Array.from(document.querySelectorAll("canvas[data-chart-key]")).map((canvas) => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
  return { key: canvas.dataset.chartKey, chart: Boolean(Chart.getChart(canvas)), inked, width: canvas.width };
})"""
ALL_CHARTS = """() => typeof Chart !== "undefined" &&
  Array.from(document.querySelectorAll("canvas[data-chart-key]")).every((canvas) => Chart.getChart(canvas))"""


@pytest.fixture
def world(org):
    world = reports_world(org)
    leader = UserFactory(email=LEADER_EMAIL)
    MembershipFactory(organization=org, user=leader, role=Role.LEADER)
    world.leader = leader
    return world


def snap(page, name, viewport_name="desktop"):
    screenshots.OUT_DIR.mkdir(parents=True, exist_ok=True)
    screenshots.shoot(page, name, viewport_name)


def assert_charts_drawn(page):
    page.wait_for_function(ALL_CHARTS)
    drawn = {row["key"]: row for row in page.evaluate(DRAWN)}
    assert set(CHARTS) <= set(drawn)
    for key, row in drawn.items():
        assert row["chart"], f"no chart on the {key} canvas"
        assert row["width"] > 0 and row["inked"] > 500, f"the {key} canvas is blank: {row}"


def test_a_leader_reads_the_dashboard_tries_an_roi_assumption_and_downloads_the_workbook(new_page, world, tmp_path):
    page = new_page(DESKTOP)
    page.emulate_media(reduced_motion="reduce")  # charts draw at once, no animation to wait for

    # 1. The leader signs in and opens Reports from the navigation.
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(LEADER_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()

    # 2. Every chart has drawn; every figure says who stands behind it.
    assert_charts_drawn(page)
    expect(page.get_by_role("heading", name="Retention", level=2)).to_be_visible()
    expect(page.locator(".retention-table")).to_contain_text("Comparable colleagues")
    expect(page.get_by_test_id("roi-range")).to_contain_text("Net savings a year")
    expect(page.locator(".roi-sentence").first).to_contain_text("left less often than comparable colleagues")
    snap(page, "reports-dashboard")

    # The program's own dashboard, through the picker.
    page.get_by_label("Show").select_option(label="Grow")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_role("heading", name="Grow: report", level=1)).to_be_visible()
    assert_charts_drawn(page)
    expect(page.locator(".objectives")).to_contain_text("Retention (%)")
    snap(page, "reports-program-dashboard")

    # 3. At phone width nothing scrolls sideways and the charts still draw.
    phone = new_page(PHONE, user=world.leader)
    phone.emulate_media(reduced_motion="reduce")
    phone.goto(page.url)
    assert_charts_drawn(phone)
    assert not body_overflows(phone), "the dashboard must not scroll sideways on a phone"
    snap(phone, "reports-program-dashboard", "phone")

    # 4. The ROI: she changes an assumption and the range follows as she types; nothing is saved.
    page.get_by_role("link", name="The assumptions and the working").click()
    expect(page.get_by_role("heading", name="Return on investment", level=1)).to_be_visible()
    range_ = page.get_by_test_id("roi-range")
    before = range_.inner_text()
    assert re.search(r"EUR [\d,]+ to EUR [\d,]+", before), before
    page.get_by_label("Average yearly salary").fill("150000")
    expect(page.locator(".what-if-note")).to_contain_text("nothing is saved")
    expect(range_).not_to_have_text(before)
    after = range_.inner_text()
    assert re.search(r"EUR [\d,]+ to EUR [\d,]+", after), after
    assert not RoiAssumptions.objects.for_org(world.organization).exists()
    snap(page, "reports-roi-what-if")
    phone.goto(page.url)
    assert not body_overflows(phone), "the ROI page must not scroll sideways on a phone"

    # 5. The whole report as one workbook.
    page.goto(f"/o/{world.organization.slug}/reports/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download all (Excel)").click()
    download = download_info.value
    assert download.suggested_filename == f"{world.organization.slug}-organization-report.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path)
    assert {"Weekly KPIs", "Participation funnel", "Retention", "ROI"} <= set(workbook.sheetnames)
    assert workbook["Weekly KPIs"].max_row == 27  # a header and 26 weeks
    retention = [[cell.value for cell in row] for row in workbook["Retention"].iter_rows()]
    assert any("Participants" in str(row[0]) for row in retention[1:])


def test_the_impact_report_prints_on_paper(new_page, world):
    page = new_page(DESKTOP, user=world.leader)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"/o/{world.organization.slug}/reports/impact-report/?program={world.program.pk}")
    page.wait_for_function(ALL_CHARTS)
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    page.emulate_media(media="print")
    # On paper: no navigation, no buttons, the method in plain words.
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(page.get_by_role("heading", name="The method, in plain words")).to_be_visible()
    snap(page, "reports-impact-report-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_the_run_page_polls_until_the_refresh_is_done(new_page, world):
    run = RollupRun.objects.create(
        organization=world.organization,
        status=RollupStatus.RUNNING,
        first_week="2026-05-25",
        last_week="2026-11-16",
        progress=45,
        step="Computing the weeks",
    )
    page = new_page(DESKTOP, user=world.leader)
    page.goto(f"/o/{world.organization.slug}/reports/runs/{run.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Computing the weeks")
    expect(page.locator("progress")).to_have_attribute("value", "45")
    RollupRun.objects.filter(pk=run.pk).update(status=RollupStatus.SUCCEEDED, progress=100)
    # htmx asks every second; the finished body replaces the bar and stops the polling.
    expect(page.get_by_role("button", name="See the dashboard")).to_be_visible(timeout=5000)
    expect(page.locator("progress")).to_have_count(0)
    expect(page.locator("[hx-trigger]")).to_have_count(0)
