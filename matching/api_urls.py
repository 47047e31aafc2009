"""API routes under /api/v1/o/<org_slug>/ for matching: criteria and settings, runs and their
proposals, and the participants' self-match, rematch and private lists."""

from django.urls import include, path

urlpatterns = [
    path("o/<slug:org_slug>/", include("matching.api.criteria")),
    path("o/<slug:org_slug>/", include("matching.api.runs")),
    path("o/<slug:org_slug>/", include("matching.api.self_match")),
]
