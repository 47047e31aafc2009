"""Program pages: training (being written)."""

urlpatterns = []
