"""Program pages: design (list, new, overview and lifecycle, designer, objectives, audience,
managers, copying into a new cycle)."""

from django.urls import path

from .views import design

urlpatterns = [
    path("", design.program_list, name="list"),
    path("new/", design.program_new, name="new"),
    path("<int:pk>/", design.program_detail, name="detail"),
    path("<int:pk>/status/", design.program_transition, name="transition"),
    path("<int:pk>/edit/", design.program_edit, name="edit"),
    path("<int:pk>/preview/", design.program_preview, name="preview"),
    path("<int:pk>/objectives/", design.objective_list, name="objectives"),
    path("<int:pk>/objectives/<int:objective_pk>/edit/", design.objective_edit, name="objective-edit"),
    path("<int:pk>/objectives/<int:objective_pk>/delete/", design.objective_delete, name="objective-delete"),
    path("<int:pk>/audience/", design.program_audience, name="audience"),
    path("<int:pk>/audience/count/", design.audience_count_view, name="audience-count"),
    path("<int:pk>/managers/", design.program_manager_list, name="managers"),
    path("<int:pk>/managers/<int:manager_pk>/remove/", design.program_manager_remove, name="manager-remove"),
    path("<int:pk>/copy/", design.program_copy, name="copy"),
]
