"""Program managers: criteria, settings, match runs, review and publish."""

from django.urls import path

from .views import criteria, runs

urlpatterns = [
    # The matching home of a program, its criteria and settings.
    path("programs/<int:program_pk>/", criteria.matching_home, name="program"),
    path("programs/<int:program_pk>/criteria/new/", criteria.criterion_create, name="criterion_create"),
    path("programs/<int:program_pk>/criteria/from-template/", criteria.criteria_from_hints, name="criteria_from_hints"),
    path("programs/<int:program_pk>/settings/", criteria.settings_update, name="settings"),
    path("programs/<int:program_pk>/suggestions/refresh/", criteria.suggestions_refresh, name="suggestions_refresh"),
    path("criteria/<int:pk>/edit/", criteria.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/delete/", criteria.criterion_delete, name="criterion_delete"),
    # Runs: start, watch, review, publish.
    path("programs/<int:program_pk>/runs/new/", runs.run_start, name="run_start"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", runs.run_progress, name="run_progress"),
    path("runs/<int:pk>/proposals/<int:proposal_pk>/lock/", runs.proposal_lock, name="proposal_lock"),
    path("runs/<int:pk>/proposals/<int:proposal_pk>/remove/", runs.proposal_remove, name="proposal_remove"),
    path("runs/<int:pk>/swap/", runs.proposals_swap, name="proposals_swap"),
    path("runs/<int:pk>/add/", runs.proposal_add, name="proposal_add"),
    path("runs/<int:pk>/rerun/", runs.run_rerun, name="run_rerun"),
    path("runs/<int:pk>/compare/", runs.run_compare, name="run_compare"),
    path("runs/<int:pk>/publish/", runs.run_publish, name="run_publish"),
    path("runs/<int:pk>/discard/", runs.run_discard, name="run_discard"),
]
