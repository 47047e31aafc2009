"""Program API: training (being written). Exposes `urlpatterns` (relative to /api/v1/o/<org_slug>/)."""

urlpatterns = []
