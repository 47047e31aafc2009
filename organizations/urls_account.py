"""The signed-in user's own pages that belong to no single organization."""

from django.urls import path

from .views import account

urlpatterns = [
    path("", account.org_list, name="org-list"),
    path("new/", account.org_create, name="org-create"),
]
