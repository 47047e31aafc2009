"""Meetings API: a member schedules (everyone gets the calendar invitation), reschedules, cancels
and logs; the program manager reads dates and lengths only; private notes never leave the
database through the API, not even to their author; bad input and strangers change nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from mentorships.models import Meeting, MeetingPrivateNote, MeetingStatus

from ..organizations.api_helpers import NOT_FOUND, error_of
from .api_fixtures import (
    client_of,
    foreign_pair_fixture,  # noqa: F401
    manager_fixture,  # noqa: F401
    outsider_fixture,  # noqa: F401
    pair_fixture,  # noqa: F401
    url,
)
from .meeting_fixtures import at

pytestmark = pytest.mark.django_db

PRIVATE = "I worry my mentor finds me slow"


@pytest.fixture
def calls(django_capture_on_commit_callbacks):
    """calls(request) -> the response, with the after-commit emails sent into mail.outbox."""

    def run(request):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


def schedule(client, pair, **overrides):
    body = {
        "mentorship": pair.mentorship.pk,
        "starts_at": at(7, 14).isoformat(),
        "duration_minutes": 60,
        "location": "Room 4",
        "video_url": "https://meet.example.com/grow",
        "agenda": "Goals for the spring",
        **overrides,
    }
    return client.post(url(pair.org, "meetings/"), body, format="json")


def events(outbox):
    """{recipient: (METHOD, SEQUENCE, UID)} of the invitations in the outbox."""
    found = {}
    for email in outbox:
        ((_, content, _),) = email.attachments
        calendar = Calendar.from_ical(content)
        (event,) = calendar.walk("VEVENT")
        found[email.to[0]] = (str(calendar["METHOD"]), int(event["SEQUENCE"]), str(event["UID"]))
    return found


def test_a_mentee_schedules_and_both_members_get_the_invitation(pair, calls):
    response = calls(lambda: schedule(client_of(pair.mentee.user, pair.org), pair))

    assert response.status_code == 201, response.json()
    body = response.json()
    meeting = Meeting.objects.get(pk=body["id"])
    assert (body["status"], body["duration_minutes"], body["agenda"]) == ("scheduled", 60, "Goals for the spring")
    assert body["starts_at"].startswith(at(7, 14).strftime("%Y-%m-%dT%H:%M"))
    assert events(mail.outbox) == {
        pair.mentor.email: ("REQUEST", 0, meeting.uid),
        pair.mentee.email: ("REQUEST", 0, meeting.uid),
    }


def test_rescheduling_and_cancelling_update_the_same_calendar_event(pair, calls):
    client = client_of(pair.mentee.user, pair.org)
    meeting_id = calls(lambda: schedule(client, pair)).json()["id"]
    uid = Meeting.objects.get(pk=meeting_id).uid

    moved = calls(
        lambda: client.patch(
            url(pair.org, f"meetings/{meeting_id}/"), {"starts_at": at(8, 9).isoformat()}, format="json"
        )
    )
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["sequence"], moved.json()["location"]) == (1, "Room 4")  # the rest is kept
    assert set(events(mail.outbox).values()) == {("REQUEST", 1, uid)}

    cancelled = calls(
        lambda: client_of(pair.mentor.user, pair.org).post(url(pair.org, f"meetings/{meeting_id}/cancel/"))
    )
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert set(events(mail.outbox).values()) == {("CANCEL", 2, uid)}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": (timezone.now() - timedelta(hours=2)).isoformat()}, "starts_at"),
        ({"duration_minutes": -30}, "duration_minutes"),
        ({"duration_minutes": 100_000}, "duration_minutes"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"starts_at": at(7, 14).replace(tzinfo=None).isoformat()}, "starts_at"),
        ({"starts_at": "2026-13-45T10:00:00Z"}, "starts_at"),
    ],
)
def test_bad_meetings_are_refused_naming_the_field_and_change_nothing(pair, calls, overrides, field):
    response = calls(lambda: schedule(client_of(pair.mentee.user, pair.org), pair, **overrides))
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {field}
    assert not Meeting.objects.exists() and mail.outbox == []


def test_someone_outside_the_pair_cannot_schedule_for_it(pair, manager, outsider, foreign_pair):
    # A member who cannot see the pair: its id fails exactly like a missing one.
    outsider_client = client_of(outsider, pair.org)

    def refusal(pk):
        response = schedule(outsider_client, pair, mentorship=pk)
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    assert refusal(pair.mentorship.pk) == refusal(foreign_pair.mentorship.pk) == refusal(999_999)
    assert refusal(999_999)[0] == 400
    # The program manager sees the pair, but only its members arrange its meetings.
    response = schedule(client_of(manager, pair.org), pair)
    assert response.status_code == 403
    assert "members" in error_of(response)["message"]
    assert not Meeting.objects.exists()


def test_a_member_logs_a_meeting_and_the_manager_reads_dates_and_lengths_only(pair, manager, calls):
    mentee = client_of(pair.mentee.user, pair.org)
    logged = mentee.post(
        url(pair.org, "meetings/log-unscheduled/"),
        {
            "mentorship": pair.mentorship.pk,
            "starts_at": (timezone.now() - timedelta(days=1)).isoformat(),
            "held": True,
            "actual_minutes": 50,
            "format": "video",
            "topics": ["career", "feedback"],
            "shared_notes": "Next: draft the promotion case.",
        },
        format="json",
    )
    assert logged.status_code == 201, logged.json()
    assert (logged.json()["status"], logged.json()["actual_minutes"]) == ("held", 50)
    assert logged.json()["topics"] == ["career", "feedback"]

    (seen,) = client_of(manager, pair.org).get(url(pair.org, "meetings/")).json()["results"]
    assert (seen["id"], seen["status"], seen["actual_minutes"]) == (logged.json()["id"], "held", 50)
    assert {"shared_notes", "topics", "agenda", "location", "video_url"}.isdisjoint(seen)


def test_the_log_refuses_a_missing_length_and_a_stranger(pair, outsider, calls):
    client = client_of(pair.mentee.user, pair.org)
    meeting_id = calls(
        lambda: schedule(client, pair, starts_at=(timezone.now() + timedelta(minutes=5)).isoformat())
    ).json()["id"]
    Meeting.objects.filter(pk=meeting_id).update(starts_at=timezone.now() - timedelta(hours=1))

    no_length = client.post(url(pair.org, f"meetings/{meeting_id}/log/"), {"held": True}, format="json")
    assert (no_length.status_code, set(error_of(no_length)["fields"])) == (400, {"actual_minutes"})
    stranger = client_of(outsider, pair.org).post(
        url(pair.org, f"meetings/{meeting_id}/log/"), {"held": True, "actual_minutes": 30}, format="json"
    )
    assert (stranger.status_code, stranger.json()) == (404, NOT_FOUND)
    assert Meeting.objects.get(pk=meeting_id).status == MeetingStatus.SCHEDULED


def test_private_notes_never_appear_in_any_api_response_not_even_to_their_author(pair, manager, calls):
    mentee = client_of(pair.mentee.user, pair.org)
    meeting_id = calls(
        lambda: schedule(mentee, pair, starts_at=(timezone.now() + timedelta(minutes=5)).isoformat())
    ).json()["id"]
    Meeting.objects.filter(pk=meeting_id).update(starts_at=timezone.now() - timedelta(hours=1))

    responses = [
        mentee.post(
            url(pair.org, f"meetings/{meeting_id}/log/"),
            {"held": True, "actual_minutes": 40, "shared_notes": "We met.", "private_note": PRIVATE},
            format="json",
        )
    ]
    # The note is kept, for its author's own page.
    assert MeetingPrivateNote.objects.get().text == PRIVATE
    for user in (pair.mentee.user, pair.mentor.user, manager):
        client = client_of(user, pair.org)
        responses += [
            client.get(url(pair.org, "meetings/")),
            client.get(url(pair.org, f"meetings/{meeting_id}/")),
            client.get(url(pair.org, f"mentorships/{pair.mentorship.pk}/")),
        ]
    responses.append(mentee.get(url(pair.org, f"mentorships/{pair.mentorship.pk}/workspace/")))

    assert [r.status_code for r in responses] == [200] * len(responses)
    for response in responses:
        content = response.content.decode()
        assert PRIVATE not in content and "private_note" not in content
    assert responses[1].json()["results"][0]["shared_notes"] == "We met."


def test_another_organizations_meeting_answers_like_a_missing_one(pair, foreign_pair, calls):
    foreign_id = calls(lambda: schedule(client_of(foreign_pair.mentee.user, foreign_pair.org), foreign_pair)).json()[
        "id"
    ]
    client = client_of(pair.mentee.user, pair.org)
    for method, suffix, body in (
        ("get", "", None),
        ("patch", "", {"duration_minutes": 30}),
        ("post", "cancel/", None),
        ("post", "log/", {"held": False}),
    ):
        for pk in (foreign_id, 999_999):
            response = getattr(client, method)(url(pair.org, f"meetings/{pk}/{suffix}"), body, format="json")
            assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert Meeting.objects.get(pk=foreign_id).status == MeetingStatus.SCHEDULED
