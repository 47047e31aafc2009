"""API routes: /api/v1/o/<org_slug>/... for tenant data, /api/v1/... for the user's own."""

from django.urls import include, path

urlpatterns = [
    path("", include("organizations.api_urls")),
    path("", include("surveys.api_urls")),
    path("", include("programs.api_urls")),
    path("", include("matching.api_urls")),
    path("", include("mentorships.api_urls")),
    path("", include("reports.api_urls")),
]
