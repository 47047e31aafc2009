"""Program pages: recruitment (being written)."""

urlpatterns = []
