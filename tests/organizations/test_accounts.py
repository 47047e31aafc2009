"""Accounts: email login, verification, no user enumeration, rate limits, MFA, admin access."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from organizations.models import Person

from ..factories import PASSWORD, MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_sign_in_with_email_and_password(client):
    user = UserFactory(email="ada@example.com")
    response = login(client, "ada@example.com")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_unverified_email_cannot_sign_in_until_verified(client):
    UserFactory(email="ada@example.com", verified=False)
    response = login(client, "ada@example.com")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert any("confirm" in m.subject.lower() or "verify" in m.body.lower() for m in mail.outbox)


def test_signup_requires_email_verification(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert EmailAddress.objects.get(email="new@example.com").verified is False
    assert len(mail.outbox) == 1


def test_wrong_password_and_unknown_email_answer_alike(client):
    UserFactory(email="ada@example.com")
    known = login(client, "ada@example.com", "wrong-password")
    unknown = login(client, "nobody@example.com", "wrong-password")
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: r.content.decode().replace("ada@example.com", "X").replace("nobody@example.com", "X")  # noqa: E731
    assert strip(known).count("errorlist") == strip(unknown).count("errorlist")


def test_password_reset_does_not_reveal_whether_an_account_exists(client):
    UserFactory(email="ada@example.com")
    known = client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="ada@example.com")
    for _ in range(5):
        login(client, "ada@example.com", "wrong")
    # Even the right password is refused while the limit holds: guessing is throttled.
    response = login(client, "ada@example.com")
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_admin_is_for_superusers_only(client_for):
    staff = UserFactory(is_staff=True)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert client_for(staff).get("/admin/").status_code == 302
    assert client_for(superuser).get("/admin/").status_code == 200


@pytest.mark.parametrize("path", ["/orgs/", "/o/acme/", "/o/acme/people/", "/home/", "/api/docs/", "/api/redoc/"])
def test_pages_require_sign_in(client, org, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signing_in_links_the_directory_record_with_the_same_verified_email(client, org):
    user = UserFactory(email="grace@example.com")
    MembershipFactory(organization=org, user=user)
    person = PersonFactory(organization=org, email="Grace@Example.com")
    login(client, "grace@example.com")
    person.refresh_from_db()
    assert person.user == user


def test_an_unverified_address_never_links_a_directory_record(org):
    from organizations.services import person_link_user

    user = UserFactory(email="grace@example.com", verified=False)
    MembershipFactory(organization=org, user=user)
    PersonFactory(organization=org, email="grace@example.com")
    assert person_link_user(user=user) == 0
    assert not Person.objects.filter(user=user).exists()


def test_records_in_organizations_the_user_does_not_belong_to_are_not_linked(org):
    from organizations.services import person_link_user

    user = UserFactory(email="grace@example.com")
    PersonFactory(organization=org, email="grace@example.com")
    assert person_link_user(user=user) == 0


def test_user_model_is_djangos(db):
    assert get_user_model()._meta.label == "auth.User"


def _current_totp(secret):
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_user_can_turn_on_totp_and_then_sign_in_needs_the_code(client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    user = UserFactory(email="ada@example.com")
    login(client, "ada@example.com")
    # Turning on 2FA asks for the password again first.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": _current_totp(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.post("/accounts/logout/")
    response = login(client, "ada@example.com")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # the password alone is not enough
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": _current_totp(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("path", ["/api/schema/", "/api/v1/organizations/", "/api/v1/o/acme/people/"])
def test_the_api_answers_anonymous_callers_with_401_not_a_login_page(client, org, path):
    response = client.get(path)
    assert response.status_code == 401
    assert (
        response["Content-Type"].startswith("application/")
        and "json" in response["Content-Type"]
        or ("openapi" in response["Content-Type"])
    )
