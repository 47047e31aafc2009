"""Program pages: design (being written)."""

urlpatterns = []
