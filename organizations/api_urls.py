from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("members", api.MembershipViewSet, basename="member")
router.register("invitations", api.InvitationViewSet, basename="invitation")
router.register("people", api.PersonViewSet, basename="person")
router.register("people-imports", api.PeopleImportViewSet, basename="people-import")

urlpatterns = [
    path("organizations/", api.MyOrganizationsView.as_view(), name="api-my-organizations"),
    path("o/<slug:org_slug>/organization/", api.OrganizationDetailView.as_view(), name="api-organization"),
    path("o/<slug:org_slug>/", include(router.urls)),
    path("", include("organizations.api_notifications")),
]
