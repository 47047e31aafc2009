"""The hourly survey scan: waves open and close on the organization's date, pulses plan their
next wave, invitations and reminders go out only in each recipient's 08:00–10:59, only to
those who have not answered, exactly once however often the scan runs."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.celery import app
from organizations.models import SentNotification
from programs.models import Enrollment, EnrollmentStatus
from surveys import notification_kinds as kinds
from surveys import services, tasks
from surveys.models import Survey, SurveyStatus
from surveys.tasks import run_surveys

from ..factories import OrganizationFactory
from ..mentorships.clock import zone_at_nine
from .survey_fixtures import (  # noqa: F401 (world_fixture is the `world` fixture)
    GOOD_ANSWERS,
    INVITABLE,
    TODAY,
    at_utc,
    build_world,
    launched,
    make_survey,
    person,
    world_fixture,
)

pytestmark = pytest.mark.django_db

D0 = TODAY + timedelta(days=10)  # the wave's first day: launched the day before, opened by the scan


def run(world, day, hour=9, minute=0):
    return services.surveys_run(organization=world.org, now=at_utc(day, hour) + timedelta(minutes=minute))


def recipients(kind=None):
    """Recipients of the mail sent so far, of one kind (by subject) or all."""
    prefix = {"invite": "Your feedback, please:", "reminder": "Reminder:"}.get(kind, "")
    return sorted(address for message in mail.outbox if message.subject.startswith(prefix) for address in message.to)


def emails(world, *names):
    return sorted(world[name].user.email for name in names)


def planned(world, **fields):
    """A survey launched the day before D0, so its first wave is opened by the scan."""
    return launched(world, today=D0 - timedelta(days=1), opens_on=D0, **fields)


def answer(world, survey, name, day):
    services.survey_answer_submit(
        organization=world.org, wave=survey.waves.get(number=1), person=world[name], answers=GOOD_ANSWERS, today=day
    )


# --- opening and inviting ---------------------------------------------------------------------


def test_the_scan_opens_a_due_wave_and_invites_its_audience_once(world):
    survey = planned(world)
    assert run(world, D0 - timedelta(days=1))["opened"] == 0
    counts = run(world, D0)
    assert counts["opened"] == 1
    assert counts["invited"] == len(INVITABLE)
    assert counts["no_login"] == 1  # Fay: in the audience, but cannot sign in to answer
    assert counts["invitations"] == len(INVITABLE)
    assert recipients("invite") == emails(world, *INVITABLE)
    assert survey.waves.get().invitations.count() == len(INVITABLE)
    # The same hour again, and the next hour: nothing new.
    assert run(world, D0, minute=30)["invitations"] == 0
    assert run(world, D0, hour=10)["invitations"] == 0
    assert len(mail.outbox) == len(INVITABLE)


def test_the_invitation_says_whether_it_is_anonymous_when_it_closes_and_where_to_answer(world):
    survey = planned(world)
    run(world, D0)
    message = next(m for m in mail.outbox if m.to == [world["Ann"].user.email])
    wave = survey.waves.get()
    text = message.body
    html = message.alternatives[0][0]
    assert "This survey is anonymous" in text and "This survey is anonymous" in html
    assert wave.closes_on.strftime("%-d %B %Y") in text
    assert services.answer_url(world.org, wave) in text
    assert "Grow 2026" in text
    assert "unsubscribe" in text.lower()


def test_a_named_survey_says_names_are_stored(world):
    planned(world, anonymous=False)
    run(world, D0)
    assert "your name is stored with your answers" in mail.outbox[0].body


def test_invitations_wait_for_each_persons_morning(world):
    tokyo = world["Ann"]  # UTC+9 (Etc/GMT-9 has the POSIX sign)
    tokyo.time_zone = "Etc/GMT-9"
    tokyo.save()
    york = world["Mo"]  # UTC-5
    york.time_zone = "Etc/GMT+5"
    york.save()
    planned(world)
    run(world, D0, hour=0)  # 09:00 in Tokyo on D0, 19:00 the day before in New York
    assert recipients() == emails(world, "Ann")
    run(world, D0, hour=9)  # 18:00 in Tokyo, 04:00 in New York; the UTC people's morning
    assert recipients() == emails(world, *INVITABLE - {"Mo"})
    run(world, D0, hour=13)  # 08:00 in New York
    assert recipients() == emails(world, *INVITABLE)
    assert run(world, D0, hour=14)["invitations"] == 0


def test_someone_who_answers_before_their_morning_gets_no_invitation(world):
    world["Mo"].time_zone = "Etc/GMT+5"
    world["Mo"].save()
    planned(world)
    run(world, D0)
    answer(world, Survey.objects.get(), "Mo", D0)
    run(world, D0, hour=13)
    assert world["Mo"].user.email not in recipients()


def twelve_hours_from(zone_name):
    """A fixed-offset zone whose clock is twelve hours away from `zone_name`'s (also a fixed offset)."""
    offset = 0 if zone_name == "UTC" else -int(zone_name.removeprefix("Etc/GMT"))
    other = offset - 12 if offset >= 0 else offset + 12
    return "UTC" if other == 0 else f"Etc/GMT{-other:+d}"


def test_launching_on_the_opening_day_invites_those_in_their_morning_after_commit(
    world, django_capture_on_commit_callbacks
):
    zone, today = zone_at_nine()
    world["Dee"].time_zone = zone
    world["Dee"].save()
    for name in INVITABLE - {"Dee"}:
        world[name].time_zone = twelve_hours_from(zone)
        world[name].save()
    with django_capture_on_commit_callbacks(execute=True):
        survey = launched(world, today=today, opens_on=today)
        assert mail.outbox == []  # nothing before the commit
    assert recipients() == emails(world, "Dee")
    assert survey.waves.get().invitations.count() == len(INVITABLE)


# --- reminders --------------------------------------------------------------------------------


def test_reminders_go_to_non_respondents_on_their_day_exactly_once(world):
    survey = planned(world, reminder_days=[3, 7])
    run(world, D0)
    answer(world, survey, "Ann", D0 + timedelta(days=1))
    answer(world, survey, "Ben", D0 + timedelta(days=2))
    mail.outbox.clear()
    assert run(world, D0 + timedelta(days=2))["reminders"] == 0  # not day 3 yet
    counts = run(world, D0 + timedelta(days=3))
    assert counts["reminders"] == len(INVITABLE) - 2
    assert recipients("reminder") == emails(world, *INVITABLE - {"Ann", "Ben"})
    # Run the scan again (the same hour, the next hours, the next day): nobody is reminded twice.
    for day, hour in ((3, 9), (3, 10), (4, 9), (5, 10)):
        assert run(world, D0 + timedelta(days=day), hour=hour)["reminders"] == 0
    assert len(mail.outbox) == len(INVITABLE) - 2
    answer(world, survey, "Cy", D0 + timedelta(days=5))
    mail.outbox.clear()
    run(world, D0 + timedelta(days=7))
    assert recipients("reminder") == emails(world, "Mo", "Dee")
    assert all("Reminder:" in m.subject for m in mail.outbox)
    assert SentNotification.objects.filter(kind=kinds.SURVEY_REMINDER).count() == 3 + 2


def test_reminders_are_sent_only_in_the_morning_window(world):
    survey = planned(world)
    run(world, D0)
    mail.outbox.clear()
    day3 = D0 + timedelta(days=3)
    for hour in (0, 5, 7, 11, 15, 23):
        assert run(world, day3, hour=hour)["reminders"] == 0
    assert run(world, day3, hour=8)["reminders"] == len(INVITABLE)
    assert survey.reminder_days == [3]


def test_a_missed_reminder_morning_is_caught_up_once(world):
    planned(world)
    run(world, D0)
    mail.outbox.clear()
    assert run(world, D0 + timedelta(days=4))["reminders"] == len(INVITABLE)  # the beat was down on day 3
    assert run(world, D0 + timedelta(days=5))["reminders"] == 0


def test_nobody_is_invited_and_reminded_the_same_morning(world):
    """A wave opened late (the beat was down) sends the invitation first; the reminder waits a day."""
    planned(world)
    counts = run(world, D0 + timedelta(days=3))
    assert (counts["invitations"], counts["reminders"]) == (len(INVITABLE), 0)
    assert run(world, D0 + timedelta(days=4))["reminders"] == len(INVITABLE)


def test_a_reminder_says_when_the_survey_closes(world):
    survey = planned(world)
    run(world, D0)
    mail.outbox.clear()
    run(world, D0 + timedelta(days=3))
    closes = survey.waves.get().closes_on.strftime("%-d %B %Y")
    assert all(closes in m.subject and closes in m.body and "anonymous" in m.body for m in mail.outbox)


def test_people_who_left_are_not_reminded(world):
    planned(world)
    run(world, D0)
    world["Dee"].exit_date = D0 + timedelta(days=1)
    world["Dee"].save()
    mail.outbox.clear()
    run(world, D0 + timedelta(days=3))
    assert world["Dee"].user.email not in recipients()


# --- closing, ending, pulses ------------------------------------------------------------------


def test_a_wave_closes_after_its_last_day_and_a_dated_survey_ends(world):
    survey = planned(world, open_days=5, reminder_days=[])
    run(world, D0)
    assert run(world, D0 + timedelta(days=4), hour=23)["closed"] == 0  # the last day is still open
    counts = run(world, D0 + timedelta(days=5), hour=0)
    assert (counts["closed"], counts["ended"]) == (1, 1)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.ENDED
    assert survey.waves.get().closed_at is not None


def test_an_ended_survey_sends_nothing_more(world):
    survey = planned(world)
    run(world, D0)
    services.survey_end(organization=world.org, survey=survey)
    mail.outbox.clear()
    assert run(world, D0 + timedelta(days=3))["reminders"] == 0
    assert mail.outbox == []


def test_pulses_create_the_next_wave_until_the_program_ends(org):
    world = build_world(org, start=D0 - timedelta(days=30), end=D0 + timedelta(days=15))
    survey = launched(
        world,
        today=D0 - timedelta(days=1),
        schedule="pulse",
        opens_on=D0,
        pulse_weeks=1,
        open_days=3,
        reminder_days=[1],
    )
    counts = run(world, D0)
    assert (counts["opened"], counts["planned"]) == (1, 1)
    waves = list(survey.waves.order_by("number").values_list("number", "opens_on", "closes_on"))
    assert waves == [(1, D0, D0 + timedelta(days=2)), (2, D0 + timedelta(days=7), D0 + timedelta(days=9))]
    assert run(world, D0, hour=10)["planned"] == 0  # planned once
    assert run(world, D0 + timedelta(days=3))["closed"] == 1
    counts = run(world, D0 + timedelta(days=7))
    assert (counts["opened"], counts["planned"], counts["invitations"]) == (1, 1, len(INVITABLE))
    # Each wave has its own invitations, reminders and answers.
    wave2 = survey.waves.get(number=2)
    assert wave2.invitations.count() == len(INVITABLE)
    # The third wave opens on the program's last day and is cut there; no fourth is planned.
    counts = run(world, D0 + timedelta(days=14))
    assert (counts["opened"], counts["planned"]) == (1, 0)
    assert survey.waves.get(number=3).closes_on == D0 + timedelta(days=15)
    counts = run(world, D0 + timedelta(days=16))
    assert (counts["closed"], counts["ended"]) == (1, 1)
    assert Survey.objects.get().status == SurveyStatus.ENDED


def test_a_pulse_skips_periods_missed_while_the_beat_was_down(world):
    survey = launched(
        world, today=D0 - timedelta(days=1), schedule="pulse", opens_on=D0, pulse_weeks=1, open_days=2, reminder_days=[]
    )
    run(world, D0)  # wave 1 opens; wave 2 (D0+7) is planned
    counts = run(world, D0 + timedelta(days=22))  # waves 1 and 2 are over; so is the period of D0+14
    assert counts["closed"] == 2
    assert survey.waves.get(number=2).opened_at is None
    current = survey.waves.get(number=3)
    assert (current.opens_on, current.closes_on) == (D0 + timedelta(days=21), D0 + timedelta(days=22))
    assert current.opened_at is not None
    assert counts["invitations"] == len(INVITABLE)


# --- the task ---------------------------------------------------------------------------------


def test_the_hourly_beat_runs_the_survey_scan():
    entry = next(e for e in app.conf.beat_schedule.values() if e["task"] == "surveys.tasks.run_surveys")
    assert entry["schedule"].minute == {0} and len(entry["schedule"].hour) == 24


def test_the_task_runs_every_organization_with_a_live_survey_idempotently(world, monkeypatch):
    zone, today = zone_at_nine()
    world.org.time_zone = zone
    world.org.save()
    for name in INVITABLE:
        world[name].time_zone = zone
        world[name].save()
    launched(world, today=today - timedelta(days=1), opens_on=today)
    quiet = build_world(OrganizationFactory(slug="globex"))
    make_survey(quiet)  # a draft: nothing to run
    scanned = []
    real_run = tasks.surveys_run

    def spy(*, organization, now=None):
        scanned.append(organization.slug)
        return real_run(organization=organization, now=now)

    monkeypatch.setattr(tasks, "surveys_run", spy)
    run_surveys()
    assert recipients() == emails(world, *INVITABLE)
    run_surveys()
    assert len(mail.outbox) == len(INVITABLE)
    assert scanned == ["acme", "acme"]


def quiet_rerun_queries(org, extra):
    """Queries of a scan that finds everything already done, with `extra` more people invited."""
    world = build_world(org)
    for n in range(extra):
        someone = person(org, f"Extra{n}")
        Enrollment.objects.create(
            organization=org, program=world.program, person=someone, role="mentee", status=EnrollmentStatus.APPROVED
        )
    launched(world, today=D0 - timedelta(days=1), opens_on=D0)
    run(world, D0)
    with CaptureQueriesContext(connection) as queries:
        run(world, D0, minute=30)
    return len(queries)


def test_the_scan_costs_the_same_number_of_queries_however_many_are_invited(org):
    assert quiet_rerun_queries(org, 0) == quiet_rerun_queries(OrganizationFactory(slug="globex"), 10)
