"""Program API: design (being written). Exposes `urlpatterns` (relative to /api/v1/o/<org_slug>/)."""

urlpatterns = []
