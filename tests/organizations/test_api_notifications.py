"""Notifications API: each user reads and marks read their own in-app notifications, and chooses a
channel per kind; nobody reaches anyone else's."""

import pytest
from django.core import mail

from organizations.models import Notification, NotificationPreference
from organizations.notify import NOTIFICATION_KINDS, notify

from ..factories import MembershipFactory, OrganizationFactory
from .api_helpers import NOT_FOUND, api_url, error_of, session_client, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(org, member_of):
    return member_of(org, email="ada@example.com")


@pytest.fixture
def bob(org, member_of):
    return member_of(org, email="bob@example.com")


def tell(org, user, key, title="Meeting coming up", kind="meeting_upcoming"):
    assert notify(organization=org, user=user, kind=kind, key=key, title=title, url=f"/o/{org.slug}/mentorships/")
    return Notification.objects.get(organization=org, user=user, title=title)


def test_a_user_reads_their_own_notifications_newest_first(org, ada, bob):
    tell(org, ada, "a1", "First")
    tell(org, ada, "a2", "Second")
    theirs = tell(org, bob, "b1", "Bob's news")
    client = token_client(ada, org)

    rows = client.get(api_url(org, "notifications/")).json()["results"]
    assert [(row["title"], row["read"], row["kind_label"]) for row in rows] == [
        ("Second", False, "Meeting coming up"),
        ("First", False, "Meeting coming up"),
    ]
    for pk in (theirs.pk, 999_999):
        response = client.get(api_url(org, f"notifications/{pk}/"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        marked = client.post(api_url(org, f"notifications/{pk}/read/"))
        assert (marked.status_code, marked.json()) == (404, NOT_FOUND)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_marking_one_and_then_all_read(org, ada, bob):
    first = tell(org, ada, "a1", "First")
    tell(org, ada, "a2", "Second")
    tell(org, ada, "a3", "Third")
    tell(org, bob, "b1", "Bob's news")
    client = session_client(ada)

    read = client.post(api_url(org, f"notifications/{first.pk}/read/"))
    assert (read.status_code, read.json()["read"]) == (200, True)
    unread = client.get(api_url(org, "notifications/?unread=true")).json()["results"]
    assert [row["title"] for row in unread] == ["Third", "Second"]

    assert client.post(api_url(org, "notifications/read-all/")).json() == {"marked": 2}
    assert client.get(api_url(org, "notifications/?unread=true")).json()["results"] == []
    assert Notification.objects.get(user=bob).read_at is None


def test_notifications_of_another_organization_stay_there(org, ada):
    other = OrganizationFactory(name="Globex", slug="globex")
    MembershipFactory(organization=other, user=ada)
    tell(other, ada, "g1", "Globex news")
    assert token_client(ada, org).get(api_url(org, "notifications/")).json()["results"] == []
    # A token of one organization sees nothing of the other, even the user's own.
    response = token_client(ada, org).get(api_url(other, "notifications/"))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_preferences_list_every_kind_and_change_some(org, ada, bob):
    client = token_client(ada, org)
    listed = client.get(api_url(org, "notification-preferences/")).json()
    assert {row["kind"] for row in listed} == set(NOTIFICATION_KINDS)
    assert {row["channel"] for row in listed} == {"email"}
    assert all(row["label"] for row in listed)

    changed = client.patch(
        api_url(org, "notification-preferences/"), {"nudge": "in_app", "goal_due": "off"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    channels = {row["kind"]: row["channel"] for row in changed.json()}
    assert (channels["nudge"], channels["goal_due"], channels["checkin_due"]) == ("in_app", "off", "email")
    assert not NotificationPreference.objects.filter(user=bob).exists()

    # The choice holds: a nudge now arrives in the app only, a goal reminder not at all.
    mail.outbox.clear()
    tell(org, ada, "n1", "Checking in", kind="nudge")
    assert notify(organization=org, user=ada, kind="goal_due", key="g1", title="Goal due")
    assert mail.outbox == []
    assert list(Notification.objects.filter(user=ada).values_list("title", flat=True)) == ["Checking in"]


@pytest.mark.parametrize(("body", "field"), [({"no_such_kind": "off"}, "no_such_kind"), ({"nudge": "pigeon"}, "nudge")])
def test_a_wrong_preference_is_refused_and_changes_nothing(org, ada, body, field):
    response = session_client(ada).patch(
        api_url(org, "notification-preferences/"), {**body, "goal_due": "off"}, format="json"
    )
    assert (response.status_code, list(error_of(response)["fields"])) == (400, [field])
    assert not NotificationPreference.objects.exists()


def test_an_empty_change_is_refused(org, ada):
    response = session_client(ada).patch(api_url(org, "notification-preferences/"), {}, format="json")
    assert (response.status_code, list(error_of(response)["fields"])) == (400, ["non_field_errors"])
