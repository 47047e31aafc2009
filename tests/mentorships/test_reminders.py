"""The hourly reminder scan: each kind is sent when due and not otherwise, only in the
recipient's 08:00–10:59, once, and the scan's query count does not grow with the pairs."""

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorships import notification_kinds as kinds
from mentorships.models import (
    CheckIn,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    Milestone,
    PairHealth,
)
from mentorships.reminders import due_reminders, reminders_run
from mentorships.tasks import send_reminders_task
from organizations.models import Notification, NotificationChannel, Person, SentNotification
from organizations.notify import preference_set
from programs.models import Enrollment, ProgramManager

from .clock import zone_at_nine
from .meeting_fixtures import linked_person, make_pair

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()


def at_utc(hour, day=TODAY, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


NINE = at_utc(9)  # 09:00 on a UTC clock: inside everyone's window who lives in UTC


def utc_pair(org, **kwargs):
    """A pair living in UTC, five days in by default: nothing is due but what a test arranges."""
    kwargs.setdefault("zones", ("UTC", "UTC"))
    kwargs.setdefault("started_days_ago", 5)
    return make_pair(org, **kwargs)


def meeting(pair, starts_at, status=MeetingStatus.SCHEDULED, minutes=60):
    return Meeting.objects.create(
        organization=pair.org,
        mentorship=pair.mentorship,
        starts_at=starts_at,
        duration_minutes=minutes,
        status=status,
        uid=f"{uuid.uuid4()}@test",
    )


def goal(pair, target_date, owner=None, status=GoalStatus.IN_PROGRESS):
    return Goal.objects.create(
        organization=pair.org,
        mentorship=pair.mentorship,
        owner=owner,
        statement="Give a talk at the team meeting",
        measure="Talk given",
        target_date=target_date,
        status=status,
    )


def member(pair, person):
    return pair.mentorship.members.get(person=person)


def due(org, now=NINE, kind=None):
    """{(kind, recipient's email)} of what the scan finds due."""
    reminders = [r for r in due_reminders(organization=org, now=now) if kind is None or r.kind == kind]
    users = get_user_model().objects.in_bulk({r.user_id for r in reminders})
    return {(r.kind, users[r.user_id].email) for r in reminders}


def emails(*people):
    return {p.user.email for p in people}


def of_kind(kind, *people):
    return {(kind, p.user.email) for p in people}


def set_program(pair, **fields):
    for name, value in fields.items():
        setattr(pair.program, name, value)
    pair.program.save()


# --- meeting coming up / log your last meeting ------------------------------------------------


def test_a_meeting_within_24_hours_is_announced_to_every_member(org):
    pair = utc_pair(org)
    meeting(pair, NINE + timedelta(hours=5))
    assert due(org, kind=kinds.MEETING_UPCOMING) == of_kind(kinds.MEETING_UPCOMING, pair.mentor, pair.mentee)


def test_a_meeting_further_away_or_cancelled_is_not_announced(org):
    pair = utc_pair(org)
    meeting(pair, NINE + timedelta(hours=25))
    meeting(pair, NINE + timedelta(hours=3), status=MeetingStatus.CANCELLED)
    assert due(org, kind=kinds.MEETING_UPCOMING) == set()


def test_an_ended_unlogged_meeting_asks_for_a_log(org):
    pair = utc_pair(org)
    meeting(pair, NINE - timedelta(hours=20))
    assert due(org, kind=kinds.MEETING_LOG) == of_kind(kinds.MEETING_LOG, pair.mentor, pair.mentee)


def test_a_logged_a_running_or_an_old_meeting_asks_nothing(org):
    pair = utc_pair(org)
    meeting(pair, NINE - timedelta(days=2), status=MeetingStatus.HELD)
    meeting(pair, NINE - timedelta(minutes=30), minutes=60)  # still going on
    meeting(pair, NINE - timedelta(days=20))  # history, not a to-do
    assert due(org, kind=kinds.MEETING_LOG) == set()


# --- time to meet -----------------------------------------------------------------------------


def test_a_pair_past_its_cadence_without_a_meeting_is_told_to_meet(org):
    pair = utc_pair(org, started_days_ago=30)
    set_program(pair, cadence_weeks=2)
    meeting(pair, NINE - timedelta(days=20), status=MeetingStatus.HELD)
    assert due(org, kind=kinds.MEETING_OVERDUE) == of_kind(kinds.MEETING_OVERDUE, pair.mentor, pair.mentee)


@pytest.mark.parametrize(
    "arrange",
    [
        pytest.param(lambda p: meeting(p, NINE - timedelta(days=5), status=MeetingStatus.HELD), id="met-recently"),
        pytest.param(lambda p: meeting(p, NINE + timedelta(days=6)), id="meeting-scheduled"),
        pytest.param(
            lambda p: Mentorship.objects.filter(pk=p.mentorship.pk).update(status=MentorshipStatus.PAUSED), id="paused"
        ),
    ],
)
def test_a_pair_that_met_has_a_meeting_planned_or_is_paused_is_not_nagged(org, arrange):
    pair = utc_pair(org, started_days_ago=30)
    arrange(pair)
    assert due(org, kind=kinds.MEETING_OVERDUE) == set()


def test_a_new_pair_has_a_cadence_to_meet_first(org):
    utc_pair(org, started_days_ago=10)  # cadence 2 weeks by default
    assert due(org, kind=kinds.MEETING_OVERDUE) == set()


def test_an_ended_pair_gets_nothing(org):
    pair = utc_pair(org, started_days_ago=60)
    meeting(pair, NINE + timedelta(hours=3))
    pair.mentorship.status = MentorshipStatus.COMPLETED
    pair.mentorship.save()
    assert due(org) == set()


# --- goal due soon ----------------------------------------------------------------------------


def test_an_open_goal_due_within_a_week_reminds_its_owner_only(org):
    pair = utc_pair(org)
    goal(pair, TODAY + timedelta(days=5), owner=member(pair, pair.mentee))
    assert due(org, kind=kinds.GOAL_DUE) == of_kind(kinds.GOAL_DUE, pair.mentee)


def test_a_shared_goal_reminds_every_member(org):
    pair = utc_pair(org)
    goal(pair, TODAY)
    assert due(org, kind=kinds.GOAL_DUE) == of_kind(kinds.GOAL_DUE, pair.mentor, pair.mentee)


def test_a_goal_far_off_achieved_or_past_is_not_reminded(org):
    pair = utc_pair(org)
    goal(pair, TODAY + timedelta(days=10))
    goal(pair, TODAY + timedelta(days=2), status=GoalStatus.ACHIEVED)
    goal(pair, TODAY - timedelta(days=1))
    assert due(org, kind=kinds.GOAL_DUE) == set()


# --- check-in due -----------------------------------------------------------------------------


def test_a_new_check_in_period_reminds_who_has_not_answered(org):
    pair = utc_pair(org, started_days_ago=30)  # every 4 weeks: the second period began 2 days ago
    period_start = pair.mentorship.started_on + timedelta(weeks=4)
    CheckIn.objects.create(
        organization=org,
        mentorship=pair.mentorship,
        member=member(pair, pair.mentor),
        period_start=period_start,
        score=4,
    )
    assert due(org, kind=kinds.CHECKIN_DUE) == of_kind(kinds.CHECKIN_DUE, pair.mentee)


def test_the_first_period_asks_for_no_check_in(org):
    utc_pair(org, started_days_ago=10)
    assert due(org, kind=kinds.CHECKIN_DUE) == set()


# --- the weekly digest ------------------------------------------------------------------------


def monday_nine():
    monday = TODAY - timedelta(days=TODAY.weekday())
    return at_utc(9, day=monday)


def digest_world(org):
    """A running program with a manager and a pair whose members applied long ago."""
    pair = utc_pair(org, started_days_ago=60)
    Enrollment.objects.update(created_at=monday_nine() - timedelta(days=70))
    manager = linked_person(org, "Pat Manager", "UTC")
    ProgramManager.objects.create(organization=org, program=pair.program, user=manager.user)
    return pair, manager


def test_managers_get_the_digest_on_monday_morning(org):
    pair, manager = digest_world(org)
    Mentorship.objects.filter(pk=pair.mentorship.pk).update(health=PairHealth.AT_RISK)
    applicant = linked_person(org, "Newcomer", "UTC")
    Enrollment.objects.create(organization=org, program=pair.program, person=applicant, role="mentee")
    due_goal = goal(pair, TODAY + timedelta(days=30))
    Milestone.objects.create(
        organization=org, goal=due_goal, title="Draft", due_date=monday_nine().date() + timedelta(days=3)
    )

    now = monday_nine()
    reminders = [r for r in due_reminders(organization=org, now=now) if r.kind == kinds.MANAGER_DIGEST]
    assert [r.user_id for r in reminders] == [manager.user_id]
    assert {"applications": 1, "at_risk": 1, "milestones": 1}.items() <= reminders[0].context.items()
    assert due(org, now=now + timedelta(days=1), kind=kinds.MANAGER_DIGEST) == set()  # Tuesday


def test_a_quiet_week_sends_no_digest(org):
    digest_world(org)
    assert due(org, now=monday_nine(), kind=kinds.MANAGER_DIGEST) == set()


def test_a_manager_without_a_person_counts_in_utc(org, member_of):
    pair = utc_pair(org)
    applicant = linked_person(org, "Newcomer", "UTC")
    Enrollment.objects.create(organization=org, program=pair.program, person=applicant, role="mentee")
    manager = member_of(org)
    ProgramManager.objects.create(organization=org, program=pair.program, user=manager)
    assert due(org, now=monday_nine(), kind=kinds.MANAGER_DIGEST) == {(kinds.MANAGER_DIGEST, manager.email)}
    assert due(org, now=monday_nine() + timedelta(hours=3), kind=kinds.MANAGER_DIGEST) == set()


# --- the recipient's morning ------------------------------------------------------------------


def test_each_member_is_reminded_in_their_own_morning(org):
    pair = make_pair(org, zones=("UTC", "Asia/Tokyo"))  # Tokyo is UTC+9
    goal(pair, TODAY + timedelta(days=3))
    assert due(org, now=at_utc(9), kind=kinds.GOAL_DUE) == of_kind(kinds.GOAL_DUE, pair.mentor)
    assert due(org, now=at_utc(0), kind=kinds.GOAL_DUE) == of_kind(kinds.GOAL_DUE, pair.mentee)  # 09:00 in Tokyo
    assert due(org, now=at_utc(7, minute=59), kind=kinds.GOAL_DUE) == set()  # 07:59 and 16:59
    assert due(org, now=at_utc(10, minute=59), kind=kinds.GOAL_DUE) == of_kind(kinds.GOAL_DUE, pair.mentor)
    assert due(org, now=at_utc(11), kind=kinds.GOAL_DUE) == set()


def test_without_a_zone_the_organizations_zone_counts(org):
    org.time_zone = "Asia/Tokyo"
    org.save()
    pair = make_pair(org, zones=("", ""))
    goal(pair, TODAY + timedelta(days=3))
    assert due(org, now=at_utc(9)) == set()
    assert due(org, now=at_utc(0), kind=kinds.GOAL_DUE) == of_kind(kinds.GOAL_DUE, pair.mentor, pair.mentee)


# --- sending: once, through notify ------------------------------------------------------------


def test_each_reminder_goes_out_once_across_the_mornings_runs(org):
    pair = utc_pair(org, started_days_ago=30)
    meeting(pair, NINE + timedelta(hours=4))
    goal(pair, TODAY + timedelta(days=2))

    assert reminders_run(organization=org, now=at_utc(8)) == 6  # upcoming, goal, check-in × 2 members
    assert reminders_run(organization=org, now=at_utc(9)) == 0
    assert reminders_run(organization=org, now=at_utc(10, minute=30)) == 0
    assert len(mail.outbox) == 6
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 6
    assert SentNotification.objects.filter(organization=org).count() == 6

    subjects = {m.subject for m in mail.outbox if m.to == [pair.mentee.user.email]}
    assert any(s.startswith("Meeting coming up") for s in subjects)
    assert any(s.startswith("Goal due in 2 days") for s in subjects)
    assert any(s.startswith("How is your mentorship going?") for s in subjects)
    for message in mail.outbox:
        assert "/notifications/unsubscribe/" in message.body
        assert "Hello " in message.body


def test_a_new_day_or_period_reminds_again_but_the_same_does_not(org):
    pair = utc_pair(org)
    goal(pair, TODAY + timedelta(days=3), owner=member(pair, pair.mentee))
    assert reminders_run(organization=org, now=NINE) == 1
    # The next morning the goal is still due, but the reminder was about this target date.
    assert reminders_run(organization=org, now=NINE + timedelta(days=1)) == 0


def test_preferences_are_obeyed(org):
    pair = utc_pair(org)
    goal(pair, TODAY + timedelta(days=3))
    preference_set(organization=org, user=pair.mentor.user, kind=kinds.GOAL_DUE, channel=NotificationChannel.IN_APP)
    preference_set(organization=org, user=pair.mentee.user, kind=kinds.GOAL_DUE, channel=NotificationChannel.OFF)
    assert reminders_run(organization=org, now=NINE) == 2
    assert mail.outbox == []
    assert list(Notification.objects.values_list("user_id", flat=True)) == [pair.mentor.user_id]


def test_people_without_an_account_or_who_left_are_skipped(org):
    pair = utc_pair(org)
    goal(pair, TODAY + timedelta(days=3))
    Person.objects.filter(pk=pair.mentor.pk).update(user=None)
    Person.objects.filter(pk=pair.mentee.pk).update(exit_date=TODAY - timedelta(days=1))
    assert due(org) == set()


def test_the_beat_task_runs_every_organization(org):
    from ..factories import OrganizationFactory

    pair = utc_pair(org)
    goal(pair, TODAY + timedelta(days=3))
    other = utc_pair(OrganizationFactory(slug="globex"))
    goal(other, TODAY + timedelta(days=3))
    # The task reads the real clock: put everyone where it is morning now.
    zone_name, local_today = zone_at_nine()
    Person.objects.update(time_zone=zone_name)
    Goal.objects.update(target_date=local_today + timedelta(days=3))

    send_reminders_task.delay()
    assert {m.to[0] for m in mail.outbox} == emails(pair.mentor, pair.mentee, other.mentor, other.mentee)


def test_reminders_never_cross_organizations(org):
    from ..factories import OrganizationFactory

    pair = utc_pair(org)
    goal(pair, TODAY + timedelta(days=3))
    other_org = OrganizationFactory(slug="globex")
    utc_pair(other_org)
    reminders_run(organization=other_org, now=NINE)
    assert mail.outbox == []
    assert not SentNotification.objects.filter(organization=org).exists()


# --- bounded queries --------------------------------------------------------------------------


def busy_pairs(org, count, now):
    """`count` pairs of one program with every kind of reminder due at `now`, and a manager."""
    # 40 days in: a Monday up to six days back still falls in the second check-in period.
    first = utc_pair(org, started_days_ago=40)
    pairs = [first] + [utc_pair(org, started_days_ago=40, program=first.program) for _ in range(count - 1)]
    for pair in pairs:
        meeting(pair, now + timedelta(hours=3))
        meeting(pair, now - timedelta(hours=20))
        due_goal = goal(pair, now.date() + timedelta(days=2), owner=member(pair, pair.mentee))
        Milestone.objects.create(organization=org, goal=due_goal, title="Step", due_date=now.date() + timedelta(days=1))
    manager = linked_person(org, "Pat Manager", "UTC")
    ProgramManager.objects.create(organization=org, program=first.program, user=manager.user)


def scan(org, now):
    with CaptureQueriesContext(connection) as queries:
        reminders = due_reminders(organization=org, now=now)
    return len(queries), {r.kind for r in reminders}, len(reminders)


def test_the_scan_costs_the_same_queries_for_3_or_30_pairs(org):
    from ..factories import OrganizationFactory

    now = monday_nine()  # the digest too
    small, large = org, OrganizationFactory(slug="large")
    busy_pairs(small, 3, now)
    busy_pairs(large, 30, now)
    small_queries, small_kinds, small_count = scan(small, now)
    large_queries, large_kinds, large_count = scan(large, now)
    assert (
        small_kinds
        == large_kinds
        == {
            kinds.MEETING_UPCOMING,
            kinds.MEETING_LOG,
            kinds.GOAL_DUE,
            kinds.CHECKIN_DUE,
            kinds.MANAGER_DIGEST,
        }
    )
    assert large_count > small_count
    assert large_queries == small_queries <= 12

    reminders_run(organization=large, now=now)
    with CaptureQueriesContext(connection) as rerun:
        assert reminders_run(organization=large, now=now + timedelta(hours=1)) == 0
    assert len(rerun) == large_queries + 1  # the scan, then one look at the send log


def test_every_reminder_links_to_a_page_its_recipient_can_open(org, client_for):
    now = monday_nine()
    busy_pairs(org, 1, now)
    reminders = due_reminders(organization=org, now=now)
    assert {r.kind for r in reminders} >= {kinds.MEETING_UPCOMING, kinds.MEETING_LOG, kinds.GOAL_DUE, kinds.CHECKIN_DUE}
    users = get_user_model().objects.in_bulk({r.user_id for r in reminders})
    for reminder in reminders:
        assert reminder.url.startswith("/o/acme/"), reminder
        assert client_for(users[reminder.user_id]).get(reminder.url).status_code == 200, reminder
