"""The resource hub under /o/<org_slug>/resources/: guides, templates, links and files."""

from django.urls import path

from .views import resources

app_name = "resources"

urlpatterns = [
    path("", resources.resource_list, name="list"),
    path("new/", resources.resource_create, name="create"),
    path("<int:pk>/", resources.resource_detail, name="detail"),
    path("<int:pk>/download/", resources.resource_download, name="download"),
    path("<int:pk>/edit/", resources.resource_edit, name="edit"),
    path("<int:pk>/delete/", resources.resource_delete, name="delete"),
]
