"""notify(): the send log first, the user's preference per kind, a working one-click unsubscribe
in every email; the in-app list and the settings page, each user's own and each organization's own."""

import re
import smtplib

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from organizations import notify as notify_module
from organizations.models import Notification, NotificationChannel, NotificationPreference, SentNotification
from organizations.notify import notifications_mark_read, notify, preference_set, unread_count, unsubscribe_token

from ..factories import MembershipFactory, OrganizationFactory
from .pages import text

pytestmark = pytest.mark.django_db

KIND = "goal_due"  # registered by the mentorships app
OTHER_KIND = "checkin_due"


def send(org, user, key="goal-1", kind=KIND, **extra):
    fields = {"title": "Your goal is due soon", "body": "Finish the course.", "url": f"/o/{org.slug}/", **extra}
    return notify(organization=org, user=user, kind=kind, key=key, **fields)


def unsubscribe_link(message) -> str:
    return re.search(r"http://\S+/notifications/unsubscribe/\S+/", message.body).group(0)


def path_of(url):
    """The path of an absolute link, for the test client."""
    return "/" + url.split("/", 3)[3]


# --- sending ----------------------------------------------------------------------------------


def test_the_send_log_row_is_written_before_the_email_goes_out(org, member_of, monkeypatch):
    user = member_of(org)
    seen = []

    def fake_send(template, **kwargs):
        seen.append(SentNotification.objects.filter(organization=org, key="goal-1").exists())

    monkeypatch.setattr(notify_module, "send_templated_email", fake_send)
    assert send(org, user) is True
    assert seen == [True]


def test_the_same_key_sends_once(org, member_of):
    user = member_of(org)
    assert send(org, user) is True
    assert send(org, user) is False
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=user).count() == 1
    assert SentNotification.objects.get(key="goal-1").channel == NotificationChannel.EMAIL


def test_keys_are_per_organization(org, member_of):
    user = member_of(org)
    other = OrganizationFactory()
    MembershipFactory(organization=other, user=user)
    assert send(org, user) and send(other, user)
    assert len(mail.outbox) == 2


def test_a_transient_mail_error_frees_the_key_for_a_retry(org, member_of, monkeypatch):
    user = member_of(org)

    def failing_send(template, **kwargs):
        raise smtplib.SMTPServerDisconnected("the server went away")

    monkeypatch.setattr(notify_module, "send_templated_email", failing_send)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send(org, user)
    assert not SentNotification.objects.exists()
    assert not Notification.objects.exists()

    monkeypatch.undo()
    assert send(org, user) is True
    assert len(mail.outbox) == 1


def test_in_app_only_creates_the_notification_without_email(org, member_of):
    user = member_of(org)
    preference_set(organization=org, user=user, kind=KIND, channel=NotificationChannel.IN_APP)
    assert send(org, user) is True
    assert mail.outbox == []
    assert Notification.objects.get(user=user).title == "Your goal is due soon"


def test_off_sends_nothing_but_still_logs(org, member_of):
    user = member_of(org)
    preference_set(organization=org, user=user, kind=KIND, channel=NotificationChannel.OFF)
    assert send(org, user) is True
    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert SentNotification.objects.get(key="goal-1").channel == NotificationChannel.OFF
    # Turning it on later does not resend the old news.
    preference_set(organization=org, user=user, kind=KIND, channel=NotificationChannel.EMAIL)
    assert send(org, user) is False


def test_a_preference_is_per_kind(org, member_of):
    user = member_of(org)
    preference_set(organization=org, user=user, kind=KIND, channel=NotificationChannel.OFF)
    send(org, user, key="other", kind=OTHER_KIND)
    assert len(mail.outbox) == 1


def test_an_unregistered_kind_is_refused(org, member_of):
    with pytest.raises(ValueError, match="register"):
        send(org, member_of(org), kind="made_up")


def test_every_email_carries_the_one_click_unsubscribe_link_and_headers(org, member_of):
    user = member_of(org)
    send(org, user)
    message = mail.outbox[0]
    link = unsubscribe_link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert link in html and "Stop emails about" in html
    assert "Goal due soon" in message.body  # the kind's label says what stops
    assert "http://127.0.0.1:8000/o/acme/" in message.body  # links in emails are absolute


def test_a_template_gets_the_context_and_attachments_go_along(org, member_of):
    user = member_of(org)
    send(
        org,
        user,
        email_template="mentorships/emails/reminder_checkin_due",
        email_context={"name": "Ana", "program_name": "Grow"},
        attachments=[("note.txt", "hello", "text/plain")],
    )
    message = mail.outbox[0]
    assert "Hello Ana" in message.body and "Grow" in message.body
    assert "/notifications/unsubscribe/" in message.body  # added whatever the template
    assert message.attachments[0][0] == "note.txt"


# --- unsubscribe ------------------------------------------------------------------------------


def test_the_unsubscribe_link_works_signed_out_and_only_for_its_kind(org, member_of):
    user = member_of(org)
    send(org, user)
    path = path_of(unsubscribe_link(mail.outbox[0]))
    anonymous = Client()

    confirm = anonymous.get(path)
    assert confirm.status_code == 200
    assert "Stop emails about “Goal due soon”?" in text(confirm)
    assert not NotificationPreference.objects.exists()  # a GET (a link scanner) changes nothing

    done = anonymous.post(path)
    assert done.status_code == 200
    assert "no more emails" in text(done)
    assert notify_module.channel_for(organization=org, user=user, kind=KIND) == NotificationChannel.IN_APP
    assert notify_module.channel_for(organization=org, user=user, kind=OTHER_KIND) == NotificationChannel.EMAIL

    mail.outbox.clear()
    send(org, user, key="goal-2")
    send(org, user, key="checkin-2", kind=OTHER_KIND)
    assert [m.subject for m in mail.outbox] == ["Your goal is due soon"]
    assert Notification.objects.filter(user=user, kind=KIND).count() == 2  # still in the app


def test_the_one_click_post_needs_no_csrf_token(org, member_of):
    user = member_of(org)
    path = f"/notifications/unsubscribe/{unsubscribe_token(user, org, KIND)}/"
    client = Client(enforce_csrf_checks=True)
    response = client.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert notify_module.channel_for(organization=org, user=user, kind=KIND) == NotificationChannel.IN_APP


def test_unsubscribing_keeps_a_kind_that_was_off_off(org, member_of):
    user = member_of(org)
    preference_set(organization=org, user=user, kind=KIND, channel=NotificationChannel.OFF)
    Client().post(f"/notifications/unsubscribe/{unsubscribe_token(user, org, KIND)}/")
    assert notify_module.channel_for(organization=org, user=user, kind=KIND) == NotificationChannel.OFF


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "nonsense", lambda t: t.replace(":", ":0", 1)])
def test_a_tampered_link_changes_nothing(org, member_of, mangle):
    user = member_of(org)
    response = Client().post(f"/notifications/unsubscribe/{mangle(unsubscribe_token(user, org, KIND))}/")
    assert response.status_code == 404
    assert "does not work" in text(response)
    assert not NotificationPreference.objects.exists()


def test_a_token_signed_for_something_else_is_refused(org, member_of):
    from django.core import signing

    user = member_of(org)
    # The invitation salt's signature must not open the unsubscribe page.
    forged = signing.dumps({"u": user.pk, "o": org.pk, "k": KIND}, salt="another.purpose")
    assert Client().post(f"/notifications/unsubscribe/{forged}/").status_code == 404
    assert not NotificationPreference.objects.exists()


# --- the in-app list --------------------------------------------------------------------------

LIST = "/o/acme/notifications/"


def test_the_list_shows_my_notifications_in_this_organization_only(org, member_of, client_for):
    me, colleague = member_of(org), member_of(org)
    elsewhere = OrganizationFactory(slug="globex")
    MembershipFactory(organization=elsewhere, user=me)
    send(org, me, key="a", title="Mine here")
    send(org, colleague, key="b", title="My colleague's")
    send(elsewhere, me, key="c", title="Mine in Globex")

    page = text(client_for(me).get(LIST))
    assert "Mine here" in page
    assert "My colleague's" not in page and "Mine in Globex" not in page


def test_mark_read_and_open(org, member_of, client_for):
    me = member_of(org)
    send(org, me, key="a", title="First", url="/o/acme/notifications/settings/")
    send(org, me, key="b", title="Second")
    first, second = Notification.objects.get(title="First"), Notification.objects.get(title="Second")
    client = client_for(me)

    response = client.post(f"{LIST}{first.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response.url == "/o/acme/notifications/settings/"
    first.refresh_from_db()
    assert first.read_at is not None

    unread = text(client.get(LIST + "?show=unread"))
    assert "Second" in unread and "First" not in unread

    client.post(f"{LIST}read-all/")
    second.refresh_from_db()
    assert second.read_at is not None
    assert "You have read everything" in text(client.get(LIST + "?show=unread"))


def test_open_never_redirects_off_site(org, member_of, client_for):
    me = member_of(org)
    send(org, me, url="https://evil.example/")
    notification = Notification.objects.get()
    response = client_for(me).post(f"{LIST}{notification.pk}/read/", {"open": "1"})
    assert response.url == LIST


def test_someone_elses_notification_is_a_404(org, member_of, client_for):
    me, colleague = member_of(org), member_of(org)
    send(org, colleague)
    theirs = Notification.objects.get()
    assert client_for(me).post(f"{LIST}{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_organizations_notification_is_a_404_even_for_its_user(org, member_of, client_for):
    me = member_of(org)
    elsewhere = OrganizationFactory(slug="globex")
    MembershipFactory(organization=elsewhere, user=me)
    send(elsewhere, me)
    foreign = Notification.objects.get()
    assert client_for(me).post(f"{LIST}{foreign.pk}/read/").status_code == 404


def test_an_outsider_gets_404(org, member_of, client_for):
    outsider = member_of(OrganizationFactory())
    assert client_for(outsider).get(LIST).status_code == 404
    assert client_for(outsider).get(LIST + "settings/").status_code == 404


# --- the bell ---------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_with_one_query(org, member_of, client_for):
    me = member_of(org)
    for n in range(3):
        send(org, me, key=f"k{n}")
    client = client_for(me)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/o/acme/").content.decode()
    assert re.search(r'data-testid="unread-count">3<', page)
    assert 'aria-label="Notifications, 3 unread"' in page
    notification_queries = [q for q in queries if "organizations_notification" in q["sql"]]
    assert len(notification_queries) == 1

    client.post(f"{LIST}read-all/")
    assert 'data-testid="unread-count"' not in client.get("/o/acme/").content.decode()


# --- settings ---------------------------------------------------------------------------------


def test_settings_list_every_kind_and_save_a_choice(org, member_of, client_for):
    me = member_of(org)
    client = client_for(me)
    page = text(client.get(LIST + "settings/"))
    assert "Goal due soon" in page and "Check-in due" in page and "Meeting coming up" in page

    choices = dict.fromkeys(notify_module.NOTIFICATION_KINDS, NotificationChannel.EMAIL)
    response = client.post(LIST + "settings/", {**choices, KIND: NotificationChannel.OFF})
    assert response.status_code == 302
    assert notify_module.channels_for(organization=org, user=me)[KIND] == NotificationChannel.OFF
    assert NotificationPreference.objects.count() == 1  # unchanged kinds store nothing


def test_settings_refuse_a_made_up_channel(org, member_of, client_for):
    me = member_of(org)
    choices = dict.fromkeys(notify_module.NOTIFICATION_KINDS, NotificationChannel.EMAIL)
    response = client_for(me).post(LIST + "settings/", {**choices, KIND: "carrier_pigeon"})
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_settings_are_per_organization(org, member_of, client_for):
    me = member_of(org)
    elsewhere = OrganizationFactory(slug="globex")
    MembershipFactory(organization=elsewhere, user=me)
    preference_set(organization=org, user=me, kind=KIND, channel=NotificationChannel.OFF)
    send(elsewhere, me)
    assert len(mail.outbox) == 1


def test_the_bell_count_is_cached_and_follows_new_and_read_notifications(
    org, member_of, django_capture_on_commit_callbacks
):
    user = member_of(org)
    assert unread_count(organization=org, user=user) == 0
    with django_capture_on_commit_callbacks(execute=True):
        send(org, user, key="a")
        send(org, user, key="b")
    with CaptureQueriesContext(connection) as first:
        assert unread_count(organization=org, user=user) == 2
    with CaptureQueriesContext(connection) as second:
        assert unread_count(organization=org, user=user) == 2
    assert len(first.captured_queries) == 1 and len(second.captured_queries) == 0
    assert notifications_mark_read(organization=org, user=user) == 2
    assert unread_count(organization=org, user=user) == 0
