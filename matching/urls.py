"""Pages under /o/<org_slug>/matching/: the manager's side and the participant's side."""

from django.urls import include, path

app_name = "matching"

urlpatterns = [
    path("", include("matching.urls_manager")),
    path("", include("matching.urls_participant")),
]
