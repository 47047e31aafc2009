"""API routes under /api/v1/o/<org_slug>/reports/: the figures (kpis/, funnel/, impact/,
objectives/), the ROI estimate and its assumptions (roi/), and the rollup runs (rollups/)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("reports/rollups", api.RollupRunViewSet, basename="report-rollup")
router.register("reports", api.ReportViewSet, basename="report")

# One resource per organization, read and changed in place: no id, so not a router route.
roi = api.RoiViewSet.as_view({"get": "retrieve", "patch": "partial_update"})

urlpatterns = [
    path("o/<slug:org_slug>/reports/roi/", roi, name="report-roi"),
    path("o/<slug:org_slug>/", include(router.urls)),
]
