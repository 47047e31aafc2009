"""Pages under /o/<org_slug>/mentorships/: the members' workspace, and the program manager's pages
(mentorships/urls_manager.py)."""

from django.urls import path

from . import urls_manager
from .views import checkins, goals, meetings, workspace

app_name = "mentorships"

urlpatterns = [
    path("", workspace.my_mentorships, name="mine"),
    path("<int:pk>/", workspace.workspace, name="workspace"),
    path("<int:pk>/prompts/", workspace.prompts, name="prompts"),
    path("<int:pk>/handbook/", workspace.handbook, name="handbook"),
    path("<int:pk>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("<int:pk>/meetings/log/", meetings.meeting_log_unscheduled, name="meeting_log_unscheduled"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/log/", meetings.meeting_log, name="meeting_log"),
    path("<int:pk>/goals/new/", goals.goal_new, name="goal_new"),
    path("goals/<int:pk>/", goals.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/edit/", goals.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/milestones/", goals.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/toggle/", goals.milestone_toggle, name="milestone_toggle"),
    path("goals/<int:pk>/comments/", goals.comment_add, name="goal_comment_add"),
    path("<int:pk>/checkin/", checkins.checkin, name="checkin"),
    *urls_manager.urlpatterns,
]
