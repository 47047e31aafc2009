"""API routes under /api/v1/o/<org_slug>/ for matching."""

urlpatterns = []
