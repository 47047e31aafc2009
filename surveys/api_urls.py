"""Questionnaire API under /api/v1/o/<org_slug>/ (being written)."""

urlpatterns = []
