"""The signed-in user's notifications in one organization: /o/<org_slug>/notifications/."""

from django.urls import path

from .views import notifications

app_name = "notifications"

urlpatterns = [
    path("", notifications.notification_list, name="list"),
    path("<int:pk>/read/", notifications.notification_read, name="read"),
    path("read-all/", notifications.notification_read_all, name="read-all"),
    path("settings/", notifications.notification_settings, name="settings"),
]
