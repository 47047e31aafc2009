"""The program manager's mentorship pages (the pairs with their health, the at-risk queue, one
pair, nudges and notes), included by mentorships/urls.py under /o/<org_slug>/mentorships/."""

from django.urls import path

from .views import manager

urlpatterns = [
    path("programs/<int:program_pk>/", manager.program_pairs, name="program"),
    path("<int:pk>/manage/", manager.pair, name="pair"),
    path("<int:pk>/nudge/", manager.nudge, name="nudge"),
    path("<int:pk>/note/", manager.intervention_note, name="intervention_note"),
]
