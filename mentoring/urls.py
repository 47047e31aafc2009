from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from mentoring.health import healthz
from organizations import views as org_views
from organizations.views.notifications import notification_unsubscribe

# Django's admin is for superusers only, and signs in through allauth (rate limits, MFA).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("", org_views.landing, name="landing"),
    path("healthz", healthz, name="healthz"),
    path("home/", org_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("invitations/<str:token>/", org_views.invitation_accept, name="invitation_accept"),
    path("notifications/unsubscribe/<str:token>/", notification_unsubscribe, name="notification-unsubscribe"),
    path("orgs/", include("organizations.urls_account")),
    path("o/<slug:org_slug>/", include("organizations.urls")),
    path("o/<slug:org_slug>/programs/", include("programs.urls")),
    path("o/<slug:org_slug>/", include("surveys.urls")),  # questionnaires/ and surveys/
    path("o/<slug:org_slug>/matching/", include("matching.urls")),
    path("o/<slug:org_slug>/mentorships/", include("mentorships.urls")),
    path("o/<slug:org_slug>/resources/", include("mentorships.urls_resources")),
    path("o/<slug:org_slug>/notifications/", include("organizations.urls_notifications")),
    path("o/<slug:org_slug>/reports/", include("reports.urls")),
    path("api/v1/", include("mentoring.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The browsable docs are pages: a signed-out visitor is sent to the login page.
    path("api/docs/", login_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/redoc/", login_required(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
]

# No media URL, in development either: uploads are tenant data, served by org-scoped views
# (the logo by org:logo) to members only.
