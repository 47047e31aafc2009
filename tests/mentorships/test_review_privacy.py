"""A review of the pair's workspace for privacy, tenancy and bad input, across pages, API and email.

Privacy: a private meeting note is read by its author alone; shared notes, goals' wording and
check-in comments never reach the program team (they read dates, counts, scores, help flags).
Tenancy: another organization's object answers exactly like a missing one, and so does a pair the
caller is not in. Bad input: refused naming the field, and nothing changes.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentorships.api.meetings import LogSerializer
from mentorships.models import CheckIn, Goal, Meeting, MeetingPrivateNote, MeetingStatus, Milestone
from organizations.models import Notification, Role

from ..factories import CheckInFactory, GoalFactory, HeldMeetingFactory, MembershipFactory, MilestoneFactory
from ..organizations.api_helpers import NOT_FOUND, error_of
from .api_fixtures import (
    client_of,
    foreign_pair_fixture,  # noqa: F401
    manager_fixture,  # noqa: F401
    outsider_fixture,  # noqa: F401
    pair_fixture,  # noqa: F401
    url,
)
from .meeting_fixtures import at, linked_person, make_pair

pytestmark = pytest.mark.django_db

PRIVATE = "PRIVATE-only-Ann-reads-this"
SHARED = "SHARED-notes-of-the-pair"
TOPIC = "TOPIC-of-the-pair"
AGENDA = "AGENDA-of-the-pair"
COMMENT = "CHECKIN-comment-of-Ann"
STATEMENT = "GOAL-statement-of-Ann"
GOAL_COMMENT = "GOAL-comment-of-Mo"
MILESTONE = "MILESTONE-title-of-Ann"
SECRETS = (PRIVATE, SHARED, TOPIC, AGENDA, COMMENT, STATEMENT, GOAL_COMMENT, MILESTONE)
TEAM_NEVER_READS = (PRIVATE, SHARED, TOPIC, COMMENT, STATEMENT, GOAL_COMMENT, MILESTONE)


def page(name, org, *args):
    return reverse(f"mentorships:{name}", args=[org.slug, *args])


def without_tokens(response) -> str:
    """The page with its CSRF token blanked: the token is masked afresh on every response."""
    content = re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content)


def browser(client_for, user):
    return client_for(user)


@pytest.fixture
def calls(django_capture_on_commit_callbacks):
    """calls(request) -> its response, with the after-commit emails sent into mail.outbox."""

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run


@pytest.fixture
def admin(pair):
    """An organization admin: manages every program, is in no pair."""
    person = linked_person(pair.org, "Ada Admin")
    person.user.memberships.update(role=Role.ADMIN)
    return person.user


def _past_meeting(pair, hours_ago=2, **fields):
    """A meeting scheduled (with an agenda) that started `hours_ago` hours ago and is not logged yet."""
    return HeldMeetingFactory(
        mentorship=pair.mentorship,
        status=MeetingStatus.SCHEDULED,
        starts_at=timezone.now() - timedelta(hours=hours_ago),
        actual_minutes=None,
        agenda=AGENDA,
        **fields,
    )


@pytest.fixture
def full_history(pair, calls):
    """Everything private or pair-only a pair can write, written through the real endpoints: Ann
    schedules (with an agenda) and logs a meeting with shared notes, topics and a private note,
    checks in asking for help with a comment, sets a goal with a milestone, and Mo comments on it."""
    ann = client_of(pair.mentee.user, pair.org)
    mo = client_of(pair.mentor.user, pair.org)
    scheduled = calls(
        lambda: ann.post(
            url(pair.org, "meetings/"),
            {
                "mentorship": pair.mentorship.pk,
                "starts_at": at(3).isoformat(),
                "duration_minutes": 45,
                "agenda": AGENDA,
            },
            format="json",
        )
    )
    assert scheduled.status_code == 201, scheduled.json()
    meeting = Meeting.objects.get(pk=scheduled.json()["id"])
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    logged = calls(
        lambda: ann.post(
            url(pair.org, f"meetings/{meeting.pk}/log/"),
            {
                "held": True,
                "actual_minutes": 40,
                "format": "video",
                "topics": [TOPIC],
                "shared_notes": SHARED,
                "private_note": PRIVATE,
            },
            format="json",
        )
    )
    assert logged.status_code == 200, logged.json()
    checked = calls(
        lambda: ann.post(
            url(pair.org, "checkins/"),
            {"mentorship": pair.mentorship.pk, "score": 2, "comment": COMMENT, "wants_help": True},
            format="json",
        )
    )
    assert checked.status_code == 201, checked.json()
    goal = ann.post(
        url(pair.org, "goals/"),
        {
            "mentorship": pair.mentorship.pk,
            "statement": STATEMENT,
            "measure": "Two reviews run alone",
            "target_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
        format="json",
    )
    assert goal.status_code == 201, goal.json()
    goal_id = goal.json()["id"]
    assert (
        ann.post(url(pair.org, "milestones/"), {"goal": goal_id, "title": MILESTONE}, format="json").status_code == 201
    )
    assert (
        mo.post(url(pair.org, "goal-comments/"), {"goal": goal_id, "text": GOAL_COMMENT}, format="json").status_code
        == 201
    )
    return {"meeting": Meeting.objects.get(pk=meeting.pk), "goal": Goal.objects.get(pk=goal_id)}


def _contents(responses):
    for response in responses:
        assert response.status_code in (200, 403, 404), (response.status_code, getattr(response, "url", ""))
        yield response.content.decode()


def _api_reads(client, pair, history):
    meeting, goal = history["meeting"], history["goal"]
    mentorship = pair.mentorship.pk
    paths = [
        "mentorships/",
        f"mentorships/{mentorship}/",
        f"mentorships/{mentorship}/workspace/",
        "meetings/",
        f"meetings/{meeting.pk}/",
        f"meetings/?mentorship={mentorship}",
        "checkins/",
        f"checkins/?mentorship={mentorship}&wants_help=true",
        "goals/",
        f"goals/{goal.pk}/",
        "milestones/",
        "goal-comments/",
        "interventions/",
        "notifications/",
    ]
    return [client.get(url(pair.org, path)) for path in paths]


# --- privacy: private notes -----------------------------------------------------------------------


def test_a_private_note_reaches_its_author_alone_on_every_page_api_email_and_notification(
    pair, full_history, manager, admin, client_for
):
    meeting = full_history["meeting"]
    assert MeetingPrivateNote.objects.get().text == PRIVATE

    # Ann herself reads it on her own log page and nowhere else (never through the API).
    ann_page = browser(client_for, pair.mentee.user).get(page("meeting_log", pair.org, meeting.pk))
    assert PRIVATE in ann_page.content.decode()
    for content in _contents(_api_reads(client_of(pair.mentee.user, pair.org), pair, full_history)):
        assert PRIVATE not in content and "private_note" not in content

    # The partner, the program manager and an organization admin: nowhere at all.
    for user in (pair.mentor.user, manager, admin):
        site = browser(client_for, user)
        pages = [
            site.get(page("mine", pair.org)),
            site.get(page("workspace", pair.org, pair.mentorship.pk)),
            site.get(page("meeting_log", pair.org, meeting.pk)),
            site.get(page("pair", pair.org, pair.mentorship.pk)),
            site.get(page("program", pair.org, pair.program.pk)),
            site.get(reverse("notifications:list", args=[pair.org.slug])),
        ]
        for content in _contents(pages + _api_reads(client_of(user, pair.org), pair, full_history)):
            assert PRIVATE not in content

    # Nor in any email or in-app notification sent so far (invitations, the log, the check-in).
    assert mail.outbox, "the invitations should have been sent"
    for email in mail.outbox:
        bodies = [email.body, *(alternative for alternative, _ in getattr(email, "alternatives", []))]
        bodies += [
            attachment[1].decode() if isinstance(attachment[1], bytes) else str(attachment[1])
            for attachment in email.attachments
        ]
        assert all(PRIVATE not in body for body in bodies), email.subject
    for notification in Notification.objects.all():
        assert PRIVATE not in f"{notification.title} {notification.body}"


def test_the_partner_logging_again_never_touches_or_reveals_the_authors_private_note(pair, full_history, client_for):
    meeting = full_history["meeting"]
    mo_api = client_of(pair.mentor.user, pair.org)
    # Through the API, an empty note removes Mo's own (he has none), never Ann's.
    again = mo_api.post(
        url(pair.org, f"meetings/{meeting.pk}/log/"),
        {"held": True, "actual_minutes": 45, "shared_notes": SHARED, "private_note": ""},
        format="json",
    )
    assert again.status_code == 200, again.json()
    # Through the page, the form Mo sees starts from his own (empty) note, never Ann's.
    mo = browser(client_for, pair.mentor.user)
    form = mo.get(page("meeting_log", pair.org, meeting.pk))
    assert form.context["form"].initial["private_note"] == ""
    posted = mo.post(
        page("meeting_log", pair.org, meeting.pk),
        {"held": "yes", "actual_minutes": 45, "format": "video", "topics": TOPIC, "shared_notes": SHARED},
    )
    assert posted.status_code == 302
    assert list(MeetingPrivateNote.objects.values_list("author_id", "text")) == [(pair.mentee.pk, PRIVATE)]


# --- privacy: what the program team reads -----------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_the_program_team_reads_counts_scores_and_help_flags_never_the_pairs_words(
    who, pair, full_history, manager, admin, client_for
):
    user = {"manager": manager, "admin": admin}[who]
    site = browser(client_for, user)
    pair_page = site.get(page("pair", pair.org, pair.mentorship.pk))
    program_page = site.get(page("program", pair.org, pair.program.pk))
    assert (pair_page.status_code, program_page.status_code) == (200, 200)
    assert "Asked for help" in pair_page.content.decode()  # the help flag is theirs to act on

    api = client_of(user, pair.org)
    (meeting,) = api.get(url(pair.org, "meetings/")).json()["results"]
    assert (meeting["status"], meeting["actual_minutes"]) == ("held", 40)
    assert {"shared_notes", "topics", "agenda", "location", "video_url"}.isdisjoint(meeting)
    (checkin,) = api.get(url(pair.org, "checkins/")).json()["results"]
    assert (checkin["score"], checkin["wants_help"]) == (2, True) and "comment" not in checkin
    mentorship = api.get(url(pair.org, f"mentorships/{pair.mentorship.pk}/")).json()
    assert (mentorship["goals"]["total"], mentorship["meetings"]["held"]) == (1, 1)
    # The workspace, goals, milestones and comments are the pair's own: refused, with nothing in the body.
    goal = full_history["goal"]
    refused = [
        api.get(url(pair.org, f"mentorships/{pair.mentorship.pk}/workspace/")),
        api.get(url(pair.org, f"goals/{goal.pk}/")),
        api.get(url(pair.org, f"milestones/{goal.milestones.get().pk}/")),
        api.get(url(pair.org, f"goal-comments/{goal.comments.get().pk}/")),
    ]
    assert [r.status_code for r in refused] == [403, 404, 404, 404]
    for listing in ("goals/", "milestones/", "goal-comments/"):
        assert api.get(url(pair.org, listing)).json()["results"] == []

    pages = [pair_page, program_page, site.get(page("goal_detail", pair.org, goal.pk))]
    for content in _contents(pages + refused + _api_reads(api, pair, full_history)):
        for secret in TEAM_NEVER_READS:
            assert secret not in content, secret


def test_a_check_in_comment_and_help_flag_stay_from_the_partner(pair, full_history, client_for):
    mo = client_of(pair.mentor.user, pair.org)
    assert mo.get(url(pair.org, "checkins/")).json()["results"] == []
    ann_checkin = CheckIn.objects.get()
    assert mo.get(url(pair.org, f"checkins/{ann_checkin.pk}/")).json() == NOT_FOUND
    workspace = browser(client_for, pair.mentor.user).get(page("workspace", pair.org, pair.mentorship.pk))
    assert COMMENT not in workspace.content.decode()
    # Ann reads her own comment back.
    (own,) = client_of(pair.mentee.user, pair.org).get(url(pair.org, "checkins/")).json()["results"]
    assert own["comment"] == COMMENT


def test_a_nudge_carries_none_of_the_pairs_words_nor_the_managers_note(pair, full_history, manager, calls):
    mail.outbox.clear()
    nudged = calls(
        lambda: client_of(manager, pair.org).post(
            url(pair.org, "interventions/"),
            {"mentorship": pair.mentorship.pk, "kind": "nudge", "note": "MANAGER-NOTE about Ann's help request"},
            format="json",
        )
    )
    assert nudged.status_code == 201, nudged.json()
    assert len(mail.outbox) == 2
    for email in mail.outbox:
        for secret in (*SECRETS, "MANAGER-NOTE"):
            assert secret not in email.body
    for notification in Notification.objects.filter(kind="nudge"):
        assert "MANAGER-NOTE" not in notification.body
    for user in (pair.mentee.user, pair.mentor.user):
        assert client_of(user, pair.org).get(url(pair.org, "interventions/")).json()["results"] == []


# --- tenancy ------------------------------------------------------------------------------------------


def _member_routes(pair):
    meeting = _past_meeting(pair)
    goal = GoalFactory(mentorship=pair.mentorship)
    milestone = MilestoneFactory(goal=goal)
    mentorship = pair.mentorship.pk
    return [
        ("get", "workspace", mentorship),
        ("get", "prompts", mentorship),
        ("get", "handbook", mentorship),
        ("get", "meeting_new", mentorship),
        ("post", "meeting_log_unscheduled", mentorship),
        ("get", "goal_new", mentorship),
        ("get", "checkin", mentorship),
        ("get", "meeting_edit", meeting.pk),
        ("post", "meeting_cancel", meeting.pk),
        ("post", "meeting_log", meeting.pk),
        ("get", "goal_detail", goal.pk),
        ("post", "goal_edit", goal.pk),
        ("post", "milestone_add", goal.pk),
        ("post", "goal_comment_add", goal.pk),
        ("post", "milestone_toggle", milestone.pk),
    ]


def test_another_organizations_ids_and_someone_elses_pair_answer_exactly_like_missing_ones(
    pair, foreign_pair, client_for
):
    """Ann, a member of Acme, tries Globex's objects under Acme's address, and Olly (in Acme, not in
    the pair) tries the pair's: the page is the very one a missing id gives, and nothing changes."""
    foreign = {(method, name): pk for method, name, pk in _member_routes(foreign_pair)}
    own = _member_routes(pair)
    ann = browser(client_for, pair.mentee.user)
    olly = browser(client_for, linked_person(pair.org, "Olly").user)
    before = (Meeting.objects.count(), Goal.objects.count(), Milestone.objects.count())
    for method, name, pk in own:
        missing = getattr(ann, method)(page(name, pair.org, 999_999))
        theirs = getattr(ann, method)(page(name, pair.org, foreign[(method, name)]))
        not_ours = getattr(olly, method)(page(name, pair.org, pk))
        assert missing.status_code == theirs.status_code == not_ours.status_code == 404, name
        assert without_tokens(theirs) == without_tokens(missing), name
    assert (Meeting.objects.count(), Goal.objects.count(), Milestone.objects.count()) == before


def test_the_manager_pages_of_a_pair_answer_a_non_manager_like_a_missing_pair(pair, client_for):
    for stranger in (pair.mentee.user, linked_person(pair.org, "Olly").user):
        site = browser(client_for, stranger)
        for method, name in (("get", "pair"), ("post", "nudge"), ("post", "intervention_note")):
            existing = getattr(site, method)(page(name, pair.org, pair.mentorship.pk))
            missing = getattr(site, method)(page(name, pair.org, 999_999))
            assert (existing.status_code, without_tokens(existing)) == (missing.status_code, without_tokens(missing)), (
                name
            )


def test_the_api_answers_another_organizations_and_an_unseen_pairs_ids_like_missing_ones(pair, foreign_pair, calls):
    foreign_meeting = _past_meeting(foreign_pair)
    foreign_goal = GoalFactory(mentorship=foreign_pair.mentorship)
    olly = linked_person(pair.org, "Olly").user
    own_meeting = _past_meeting(pair)
    own_goal = GoalFactory(mentorship=pair.mentorship)
    ann = client_of(pair.mentee.user, pair.org)
    stranger = client_of(olly, pair.org)
    for method, path, body in (
        ("get", "mentorships/{m}/", None),
        ("get", "mentorships/{m}/workspace/", None),
        ("get", "meetings/{meeting}/", None),
        ("patch", "meetings/{meeting}/", {"duration_minutes": 30}),
        ("post", "meetings/{meeting}/cancel/", None),
        ("post", "meetings/{meeting}/log/", {"held": True, "actual_minutes": 30}),
        ("get", "goals/{goal}/", None),
        ("patch", "goals/{goal}/", {"statement": "Mine now"}),
    ):

        def call(client, m, meeting, goal, method=method, path=path, body=body):
            return getattr(client, method)(
                url(pair.org, path.format(m=m, meeting=meeting, goal=goal)), body, format="json"
            )

        theirs = call(ann, foreign_pair.mentorship.pk, foreign_meeting.pk, foreign_goal.pk)
        missing = call(ann, 999_999, 999_999, 999_999)
        unseen = call(stranger, pair.mentorship.pk, own_meeting.pk, own_goal.pk)
        assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json()) == (404, NOT_FOUND), path
        assert (unseen.status_code, unseen.json()) == (404, NOT_FOUND), path
    # Ids in a body and in a filter: another pair's or organization's fail exactly like a missing one.
    for path, body in (
        ("checkins/", {"score": 3}),
        ("goals/", {"statement": "S", "measure": "M", "target_date": timezone.localdate().isoformat()}),
        ("meetings/log-unscheduled/", {"held": True, "actual_minutes": 30, "starts_at": timezone.now().isoformat()}),
    ):
        answers = {
            str(error_of(stranger.post(url(pair.org, path), {**body, "mentorship": pk}, format="json"))).replace(
                str(pk), "N"
            )
            for pk in (pair.mentorship.pk, foreign_pair.mentorship.pk, 999_999)
        }
        assert len(answers) == 1, (path, answers)
    for path in ("goal-comments/", "milestones/"):
        answers = {
            str(
                error_of(stranger.post(url(pair.org, path), {"goal": pk, "text": "x", "title": "x"}, format="json"))
            ).replace(str(pk), "N")
            for pk in (own_goal.pk, foreign_goal.pk, 999_999)
        }
        assert len(answers) == 1, (path, answers)
    for path in ("meetings/?mentorship={}", "checkins/?mentorship={}", "goals/?mentorship={}"):
        theirs = ann.get(url(pair.org, path.format(foreign_pair.mentorship.pk)))
        missing = ann.get(url(pair.org, path.format(999_999)))
        assert theirs.status_code == missing.status_code, path
        assert str(theirs.json()).replace(str(foreign_pair.mentorship.pk), "N") == str(missing.json()).replace(
            "999999", "N"
        ), path
    assert Meeting.objects.get(pk=own_meeting.pk).status == MeetingStatus.SCHEDULED
    assert not CheckIn.objects.exists()


def test_a_member_of_two_organizations_sees_each_ones_pairs_only_there(pair, foreign_pair, client_for):
    """Ann also belongs to Globex: Acme's address never shows Globex's pair, and a Globex token is refused at Acme."""
    MembershipFactory(organization=foreign_pair.org, user=pair.mentee.user, role=Role.MEMBER)
    ann = client_of(pair.mentee.user, pair.org)
    ids = [row["id"] for row in ann.get(url(pair.org, "mentorships/")).json()["results"]]
    assert ids == [pair.mentorship.pk]
    globex_token = client_of(pair.mentee.user, foreign_pair.org)
    refused = globex_token.get(url(pair.org, "mentorships/"))
    assert (refused.status_code, refused.json()) == (404, NOT_FOUND)


# --- bad input: the API names the field and changes nothing -------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"actual_minutes": -10}, "actual_minutes"),
        ({"actual_minutes": 0}, "actual_minutes"),
        ({"actual_minutes": 601}, "actual_minutes"),
        ({"actual_minutes": 10**9}, "actual_minutes"),
        ({"actual_minutes": "half an hour"}, "actual_minutes"),
        ({"actual_minutes": 30, "format": "telepathy"}, "format"),
        ({"actual_minutes": 30, "starts_at": at(2).isoformat()}, "starts_at"),
        ({"actual_minutes": 30, "starts_at": "2020-01-01T10:00:00Z"}, "starts_at"),
        ({"actual_minutes": 30, "starts_at": "2020-01-01T10:00:00"}, "starts_at"),
        ({"actual_minutes": 30, "topics": ["x" * 500]}, "topics"),
    ],
)
def test_a_bad_log_is_refused_naming_the_field_and_changes_nothing(pair, body, field):
    meeting = _past_meeting(pair)
    response = client_of(pair.mentee.user, pair.org).post(
        url(pair.org, f"meetings/{meeting.pk}/log/"), {"held": True, "private_note": PRIVATE, **body}, format="json"
    )
    assert (response.status_code, set(error_of(response)["fields"])) == (400, {field})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.actual_minutes, meeting.logged_at) == (MeetingStatus.SCHEDULED, None, None)
    assert not MeetingPrivateNote.objects.exists()


@pytest.mark.parametrize(
    ("starts_at", "field"),
    [
        (lambda: at(1).isoformat(), "starts_at"),  # still to come: schedule it instead
        (lambda: (timezone.now() - timedelta(days=400)).isoformat(), "starts_at"),  # before the pair began
        (lambda: (timezone.now() - timedelta(hours=1)).replace(tzinfo=None).isoformat(), "starts_at"),
    ],
)
def test_a_meeting_logged_after_the_fact_must_have_happened_within_the_mentorship(pair, starts_at, field):
    response = client_of(pair.mentee.user, pair.org).post(
        url(pair.org, "meetings/log-unscheduled/"),
        {"mentorship": pair.mentorship.pk, "starts_at": starts_at(), "held": True, "actual_minutes": 30},
        format="json",
    )
    assert (response.status_code, set(error_of(response)["fields"])) == (400, {field})
    assert not Meeting.objects.exists()


def test_neither_the_manager_nor_a_stranger_logs_the_pairs_meeting(pair, manager, outsider):
    meeting = _past_meeting(pair)
    body = {"held": True, "actual_minutes": 30, "shared_notes": "Written by someone else"}
    by_manager = client_of(manager, pair.org).post(url(pair.org, f"meetings/{meeting.pk}/log/"), body, format="json")
    assert by_manager.status_code == 403 and "members" in error_of(by_manager)["message"]
    by_stranger = client_of(outsider, pair.org).post(url(pair.org, f"meetings/{meeting.pk}/log/"), body, format="json")
    assert (by_stranger.status_code, by_stranger.json()) == (404, NOT_FOUND)
    unscheduled = client_of(manager, pair.org).post(
        url(pair.org, "meetings/log-unscheduled/"),
        {**body, "mentorship": pair.mentorship.pk, "starts_at": (timezone.now() - timedelta(hours=3)).isoformat()},
        format="json",
    )
    assert unscheduled.status_code == 403
    meeting.refresh_from_db()
    assert (meeting.status, meeting.shared_notes, Meeting.objects.count()) == (MeetingStatus.SCHEDULED, "", 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"duration_minutes": -30}, "duration_minutes"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 481}, "duration_minutes"),
        ({"starts_at": "2020-01-01T10:00:00Z"}, "starts_at"),
        ({"starts_at": (timezone.now() + timedelta(days=800)).isoformat()}, "starts_at"),
    ],
)
def test_a_bad_reschedule_is_refused_naming_the_field_and_changes_nothing(pair, body, field, calls):
    meeting = HeldMeetingFactory(
        mentorship=pair.mentorship, status=MeetingStatus.SCHEDULED, starts_at=at(5), actual_minutes=None
    )
    mail.outbox.clear()
    response = calls(
        lambda: client_of(pair.mentee.user, pair.org).patch(
            url(pair.org, f"meetings/{meeting.pk}/"), body, format="json"
        )
    )
    assert (response.status_code, set(error_of(response)["fields"])) == (400, {field})
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert (fresh.starts_at, fresh.duration_minutes, fresh.sequence) == (meeting.starts_at, 45, 0)
    assert mail.outbox == []


def test_a_meeting_that_has_already_started_cannot_be_moved_through_the_api(pair, calls):
    meeting = _past_meeting(pair, hours_ago=3)
    mail.outbox.clear()
    response = calls(
        lambda: client_of(pair.mentee.user, pair.org).patch(
            url(pair.org, f"meetings/{meeting.pk}/"), {"starts_at": at(7).isoformat()}, format="json"
        )
    )
    assert response.status_code == 400
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert (fresh.starts_at, fresh.sequence, mail.outbox) == (meeting.starts_at, 0, [])


def test_an_ended_mentorship_takes_no_meeting_dated_after_its_end(pair):
    """The service lets a pair log, after the end, a meeting from before it (see the report: the pages
    refuse even that); one dated after the end is refused under `starts_at`."""
    pair.mentorship.status = "completed"
    pair.mentorship.ended_on = timezone.localdate() - timedelta(days=3)
    pair.mentorship.save(update_fields=["status", "ended_on"])
    response = client_of(pair.mentee.user, pair.org).post(
        url(pair.org, "meetings/log-unscheduled/"),
        {
            "mentorship": pair.mentorship.pk,
            "starts_at": (timezone.now() - timedelta(hours=2)).isoformat(),
            "held": True,
            "actual_minutes": 30,
        },
        format="json",
    )
    assert (response.status_code, set(error_of(response)["fields"])) == (400, {"starts_at"})
    assert not Meeting.objects.exists()


def test_the_api_schema_never_tells_members_the_program_manager_reads_shared_notes():
    assert "manager" not in str(LogSerializer().fields["shared_notes"].help_text)


@pytest.fixture
def bounded(pair):
    """The pair's program runs from 60 days ago to 30 days from now."""
    pair.program.start_date = timezone.localdate() - timedelta(days=60)
    pair.program.end_date = timezone.localdate() + timedelta(days=30)
    pair.program.save(update_fields=["start_date", "end_date"])
    return pair


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target_date": (timezone.localdate() + timedelta(days=31)).isoformat()}, "target_date"),
        ({"target_date": (timezone.localdate() + timedelta(days=3650)).isoformat()}, "target_date"),
        ({"target_date": (timezone.localdate() - timedelta(days=1)).isoformat()}, "target_date"),
        ({"target_date": "someday"}, "target_date"),
        ({"progress": -1}, "progress"),
        ({"progress": 101}, "progress"),
        ({"status": "abandoned"}, "status"),
        ({"statement": ""}, "statement"),
    ],
)
def test_a_bad_goal_change_is_refused_naming_the_field_and_changes_nothing(bounded, body, field):
    goal = GoalFactory(
        mentorship=bounded.mentorship, statement=STATEMENT, target_date=timezone.localdate() + timedelta(days=10)
    )
    response = client_of(bounded.mentee.user, bounded.org).patch(
        url(bounded.org, f"goals/{goal.pk}/"), body, format="json"
    )
    assert (response.status_code, set(error_of(response)["fields"])) == (400, {field})
    fresh = Goal.objects.get(pk=goal.pk)
    assert (fresh.target_date, fresh.progress, fresh.status, fresh.statement) == (
        goal.target_date,
        None,
        "not_started",
        STATEMENT,
    )


def test_a_goal_or_milestone_dated_outside_the_program_is_refused(bounded):
    ann = client_of(bounded.mentee.user, bounded.org)
    late = (timezone.localdate() + timedelta(days=31)).isoformat()
    created = ann.post(
        url(bounded.org, "goals/"),
        {"mentorship": bounded.mentorship.pk, "statement": "S", "measure": "M", "target_date": late},
        format="json",
    )
    assert (created.status_code, set(error_of(created)["fields"])) == (400, {"target_date"})
    goal = GoalFactory(mentorship=bounded.mentorship)
    for due in (late, (timezone.localdate() - timedelta(days=61)).isoformat()):
        milestone = ann.post(
            url(bounded.org, "milestones/"), {"goal": goal.pk, "title": "Step", "due_date": due}, format="json"
        )
        assert (milestone.status_code, set(error_of(milestone)["fields"])) == (400, {"due_date"})
    assert Goal.objects.count() == 1 and not Milestone.objects.exists()


@pytest.mark.parametrize("score", ["abc", 4.5, True, None, "", 99])
def test_a_check_in_score_that_is_no_whole_number_from_one_to_five_is_refused(pair, score):
    response = client_of(pair.mentee.user, pair.org).post(
        url(pair.org, "checkins/"), {"mentorship": pair.mentorship.pk, "score": score}, format="json"
    )
    assert (response.status_code, set(error_of(response)["fields"])) == (400, {"score"})
    assert not CheckIn.objects.exists()


# --- bad input on the pages: beside the field, nothing changes ---------------------------------------


def test_the_pages_refuse_absurd_lengths_and_dates_beside_the_field(bounded, client_for):
    ann = browser(client_for, bounded.mentee.user)
    tomorrow = timezone.localdate() + timedelta(days=1)
    for minutes in (-30, 0, 100_000):
        response = ann.post(
            page("meeting_new", bounded.org, bounded.mentorship.pk),
            {"date": tomorrow.isoformat(), "time": "10:00", "duration_minutes": minutes},
        )
        assert response.status_code == 400 and "duration_minutes" in response.context["form"].errors
    yesterday = ann.post(
        page("meeting_new", bounded.org, bounded.mentorship.pk),
        {"date": (timezone.localdate() - timedelta(days=1)).isoformat(), "time": "10:00", "duration_minutes": 30},
    )
    assert yesterday.status_code == 400 and "date" in yesterday.context["form"].errors
    assert not Meeting.objects.exists()

    meeting = _past_meeting(bounded)
    for minutes in (-5, 0, 601):
        logged = ann.post(
            page("meeting_log", bounded.org, meeting.pk), {"held": "yes", "actual_minutes": minutes, "format": "video"}
        )
        assert logged.status_code == 400 and "actual_minutes" in logged.context["form"].errors
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED

    goal = GoalFactory(mentorship=bounded.mentorship, owner=bounded.mentorship.members.get(person=bounded.mentee))
    edited = ann.post(
        page("goal_edit", bounded.org, goal.pk),
        {
            "statement": goal.statement,
            "measure": goal.measure,
            "target_date": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "status": "in_progress",
        },
    )
    assert edited.status_code == 400 and "target_date" in edited.context["form"].errors
    milestone = ann.post(
        page("milestone_add", bounded.org, goal.pk),
        {"milestone-title": "Step", "milestone-due_date": (timezone.localdate() + timedelta(days=90)).isoformat()},
    )
    assert milestone.status_code == 400
    assert Goal.objects.get(pk=goal.pk).target_date == goal.target_date and not Milestone.objects.exists()


def test_a_stranger_cannot_log_a_meeting_for_the_pair_on_the_pages(pair, client_for):
    olly = browser(client_for, linked_person(pair.org, "Olly").user)
    data = {
        "date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "time": "10:00",
        "held": "yes",
        "actual_minutes": 30,
        "format": "video",
    }
    assert olly.post(page("meeting_log_unscheduled", pair.org, pair.mentorship.pk), data).status_code == 404
    meeting = _past_meeting(pair)
    assert olly.post(page("meeting_log", pair.org, meeting.pk), data).status_code == 404
    assert Meeting.objects.get().status == MeetingStatus.SCHEDULED


def test_a_help_flag_shows_on_the_managers_pair_page_but_its_comment_does_not(pair, manager, client_for):
    member = pair.mentorship.members.get(person=pair.mentee)
    CheckInFactory(member=member, score=1, comment=COMMENT, wants_help=True)
    content = browser(client_for, manager).get(page("pair", pair.org, pair.mentorship.pk)).content.decode()
    assert "Asked for your help" in content and COMMENT not in content


def test_another_program_s_pair_stays_hidden_from_this_program_s_manager(pair, manager, client_for):
    other = make_pair(pair.org, names=("Zed", "Zoe"))
    HeldMeetingFactory(mentorship=other.mentorship, shared_notes=SHARED)
    api = client_of(manager, pair.org)
    assert api.get(url(pair.org, f"mentorships/{other.mentorship.pk}/")).json() == NOT_FOUND
    assert api.get(url(pair.org, f"meetings/?mentorship={other.mentorship.pk}")).json()["results"] == []
    assert browser(client_for, manager).get(page("pair", pair.org, other.mentorship.pk)).status_code in (403, 404)
