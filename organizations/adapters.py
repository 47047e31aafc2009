from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


def user_display(user):
    return user.email or user.get_username()


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request)

    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)
