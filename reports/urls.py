"""Pages under /o/<org_slug>/reports/: the leadership and program dashboards, ROI, refresh runs,
exports and the printable impact report."""

from django.urls import path

from .views import dashboards, downloads, roi, runs

app_name = "reports"

urlpatterns = [
    path("", dashboards.dashboard, name="dashboard"),
    path("program/<int:program_pk>/", dashboards.program_dashboard, name="program-dashboard"),
    path("impact-report/", dashboards.impact_report, name="impact-report"),
    path("roi/", roi.roi, name="roi"),
    path("refresh/", runs.refresh, name="refresh"),
    path("runs/<int:pk>/", runs.run, name="run"),
    # all.xlsx first: the table pattern would read it as a table called "all".
    path("export/all.xlsx", downloads.export_all, name="export-all"),
    path("export/<slug:table>.<slug:fmt>", downloads.export, name="export"),
]
