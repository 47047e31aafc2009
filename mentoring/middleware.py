from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's login-required default, except for the API.

    API requests authenticate inside DRF (session or bearer token) and must answer 401/403
    JSON, never a redirect to the login page. The browsable docs (/api/docs/, /api/redoc/)
    are pages like any other and need a signed-in user.
    """

    API_PREFIXES = ("/api/v1/", "/api/schema/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.API_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
