"""Pages under /o/<org_slug>/questionnaires/ (being written)."""

app_name = "surveys"

urlpatterns = []
