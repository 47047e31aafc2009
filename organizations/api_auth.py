"""Personal API tokens: `Authorization: Bearer tdm_...`, looked up by SHA-256 hash.

Authentication only says who the caller is. Which organization the token may touch is
checked by `TenantViewSetMixin` (a token works in its own organization only, and with the
user's current role there), so a token never carries rights of its own.
"""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken

# Writing last_used_at on every request would turn each read into a write; a minute is
# precise enough to tell a token in use from a forgotten one.
LAST_USED_RESOLUTION_SECONDS = 60


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: use 'Bearer <token>'.")
        raw_key = header[1].decode(errors="replace")
        token = ApiToken.objects.active().select_related("user").filter(key_hash=ApiToken.hash_key(raw_key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a missing or bad token.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the bearer token in the OpenAPI schema (Swagger's "Authorize" button)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "tdm_…",
            "description": (
                "A personal API token, created on the organization's API tokens page. "
                "Send `Authorization: Bearer tdm_…`. A token works only in its own organization."
            ),
        }
