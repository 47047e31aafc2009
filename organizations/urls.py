"""Pages under /o/<org_slug>/. Every view here is org-scoped through organizations.scoping."""

from django.urls import path

from .views import imports, members, org, people, tokens

app_name = "org"

urlpatterns = [
    path("", org.org_home, name="home"),
    path("settings/", org.org_settings, name="settings"),
    path("logo/", org.org_logo, name="logo"),
    # members and invitations
    path("members/", members.member_list, name="members"),
    path("members/<int:pk>/role/", members.member_change_role, name="member-role"),
    path("members/<int:pk>/remove/", members.member_remove, name="member-remove"),
    path("invitations/", members.invitation_list, name="invitations"),
    path("invitations/<int:pk>/revoke/", members.invitation_revoke, name="invitation-revoke"),
    path("invitations/<int:pk>/resend/", members.invitation_resend, name="invitation-resend"),
    # people directory
    path("people/", people.person_list, name="people"),
    path("people/new/", people.person_create, name="person-create"),
    path("people/search/", people.person_search_options, name="person-search"),
    path("people/<int:pk>/", people.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person-edit"),
    # directory import
    path("people/import/", imports.import_upload, name="people-import"),
    path("people/import/<int:pk>/", imports.import_detail, name="people-import-detail"),
    path("people/import/<int:pk>/status/", imports.import_status, name="people-import-status"),
    path("people/import/<int:pk>/apply/", imports.import_apply, name="people-import-apply"),
    # personal API tokens
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
]
