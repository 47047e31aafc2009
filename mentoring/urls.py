from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from mentoring.health import healthz
from organizations import views as org_views

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
    path("orgs/", include("organizations.urls_account")),
    path("o/<slug:org_slug>/", include("organizations.urls")),
    path("api/v1/", include("mentoring.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
