"""API routes under /api/v1/o/<org_slug>/ for the pair's workspace: mentorships, meetings, goals
(with milestones and comments), check-ins and interventions, and the resource hub."""

from django.urls import include, path

urlpatterns = [
    path("o/<slug:org_slug>/", include("mentorships.api.mentorships")),
    path("o/<slug:org_slug>/", include("mentorships.api.meetings")),
    path("o/<slug:org_slug>/", include("mentorships.api.goals")),
    path("o/<slug:org_slug>/", include("mentorships.api.checkins")),
    path("o/<slug:org_slug>/", include("mentorships.api.resources")),
]
