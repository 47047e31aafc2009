"""Pages under /o/<org_slug>/programs/, one module per area."""

from django.urls import include, path

app_name = "programs"

urlpatterns = [
    path("", include("programs.urls_design")),
    path("", include("programs.urls_recruitment")),
    path("", include("programs.urls_training")),
]
