"""Matching's emails go through the shared send log: exactly once per recipient however often a
task runs, each user's choice per kind respected, and people without a login still emailed."""

import smtplib
from unittest import mock

import pytest
from django.core import mail

from matching import notification_kinds as kinds
from matching.services.publish import match_run_publish
from matching.tasks import send_match_notifications_task, send_mentor_request_emails_task
from mentorships.models import Mentorship
from organizations.models import Notification, NotificationChannel, SentNotification
from organizations.notify import preference_set

from ..cache import clear_test_cache
from .engine_fixtures import build, run_match_fixture  # noqa: F401
from .participant_fixtures import self_match_program, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def managed(org):
    """A program the team matches; its people are directory records without a login."""
    world = build(
        org,
        mentees={"Ana": {"wants": ["sql"]}},
        mentors={"Bo": ({"offers": ["sql"]}, 1)},
    )
    world.criterion("wants", "offers", label="What you want to learn ↔ what they offer")
    return world


@pytest.fixture
def self_match(org):
    """Mentees choose their mentor; everyone has a login."""
    return self_match_program(org, mentees={"Ann": ["sql"]}, mentors={"Mo": (["sql"], 1)})


def _published(world, run_match, capture):
    """Publish without running the notification task, so the test runs it itself."""
    with capture(execute=False):
        match_run_publish(organization=world.org, run=run_match(world), user=world.manager)
    return list(Mentorship.objects.filter(program=world.program).values_list("pk", flat=True))


def test_a_redelivered_match_notification_emails_each_person_once(
    managed, run_match, django_capture_on_commit_callbacks
):
    mentorship_ids = _published(managed, run_match, django_capture_on_commit_callbacks)
    assert send_match_notifications_task(managed.org.pk, mentorship_ids) == 2
    clear_test_cache()  # the guard is the database's send log, not a cache entry that may expire
    assert send_match_notifications_task(managed.org.pk, mentorship_ids) == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted(managed.people[n].email for n in ("Ana", "Bo"))
    logged = SentNotification.objects.filter(organization=managed.org, kind=kinds.MATCH_PUBLISHED)
    assert logged.count() == 2 and not logged.filter(user__isnull=False).exists()
    # No login, so no unsubscribe link: the email signs off as it always did.
    assert all("Stop emails" not in m.body and m.body.rstrip().endswith("— Tandem") for m in mail.outbox)


def test_a_mail_server_failure_frees_the_send_for_the_retry(managed, run_match, django_capture_on_commit_callbacks):
    mentorship_ids = _published(managed, run_match, django_capture_on_commit_callbacks)
    failing = mock.patch("organizations.notify.send_templated_email", side_effect=smtplib.SMTPServerDisconnected)
    with failing, pytest.raises(smtplib.SMTPServerDisconnected):
        send_match_notifications_task(managed.org.pk, mentorship_ids)
    assert not SentNotification.objects.filter(organization=managed.org).exists()

    assert send_match_notifications_task(managed.org.pk, mentorship_ids) == 2
    assert len(mail.outbox) == 2


def test_a_member_with_a_login_is_told_once_with_an_unsubscribe_link_and_in_the_app(
    self_match, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        request = send(self_match, "Ann", "Mo", message="Could we talk about SQL?")
    assert send_mentor_request_emails_task(self_match.org.pk, [request.pk]) == 1
    assert send_mentor_request_emails_task(self_match.org.pk, [request.pk]) == 0

    [email] = mail.outbox
    mo = self_match.user("Mo")
    assert email.to == [mo.email] and email.subject == "Ann would like you as their mentor"
    assert "Could we talk about SQL?" in email.body
    assert 'Stop emails about "Requests from mentees"' in email.body and "List-Unsubscribe" in email.extra_headers
    assert email.body.count("— Tandem") == 1  # the unsubscribe footer's sign-off, not a second one
    [notification] = Notification.objects.filter(organization=self_match.org, user=mo)
    assert notification.kind == kinds.MENTOR_REQUEST and notification.url.endswith("/requests/")


def test_a_mentor_who_chose_in_app_only_gets_no_email(self_match, django_capture_on_commit_callbacks):
    mo = self_match.user("Mo")
    preference_set(organization=self_match.org, user=mo, kind=kinds.MENTOR_REQUEST, channel=NotificationChannel.IN_APP)
    with django_capture_on_commit_callbacks(execute=True):
        send(self_match, "Ann", "Mo")
    assert mail.outbox == []
    assert Notification.objects.filter(organization=self_match.org, user=mo, kind=kinds.MENTOR_REQUEST).count() == 1
