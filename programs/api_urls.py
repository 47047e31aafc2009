from django.urls import include, path

urlpatterns = [
    path("o/<slug:org_slug>/", include("programs.api.design")),
    path("o/<slug:org_slug>/", include("programs.api.recruitment")),
    path("o/<slug:org_slug>/", include("programs.api.training")),
]
