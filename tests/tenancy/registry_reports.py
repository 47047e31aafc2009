"""Isolation-audit routes for reports: the dashboards, ROI, refresh runs, exports and the impact
report pages, and the reports API."""

from reports.forms import FIELDS as ROI_FIELDS
from reports.models import RoiAssumptions

from .registry import tenant_route

# Every figure can be asked for one program with ?program=.
IN_PROGRAM = {"program": "program"}

# --- pages: /o/<org_slug>/reports/ ----------------------------------------------------------
tenant_route("reports:dashboard", query=IN_PROGRAM)
tenant_route("reports:program-dashboard", program_pk="program")
tenant_route("reports:impact-report", query=IN_PROGRAM)


def _roi_form(objects):
    """The default assumptions as a valid form, so the page would save them unless the program
    in the body stops it first."""
    defaults = RoiAssumptions()
    return {name: getattr(defaults, name) for name in ROI_FIELDS} | {"salary_by_level": ""}


tenant_route("reports:roi", query=IN_PROGRAM, body=IN_PROGRAM, base_body=_roi_form)
tenant_route("reports:refresh", body=IN_PROGRAM)
tenant_route("reports:run", pk="rollup_run", query=IN_PROGRAM)
tenant_route("reports:export-all", query=IN_PROGRAM)
tenant_route("reports:export", fixed={"table": "kpis", "fmt": "csv"}, query=IN_PROGRAM)

# --- API: /api/v1/o/<org_slug>/reports/ -----------------------------------------------------
for name in ("kpis", "funnel", "impact", "objectives"):
    tenant_route(f"report-{name}", query=IN_PROGRAM)
tenant_route("report-roi", query=IN_PROGRAM)
tenant_route("report-rollup-list")
tenant_route("report-rollup-detail", pk="rollup_run")
