"""Program managers: criteria, settings, match runs, review and publish."""

urlpatterns = []
