"""KPI rollups end to end: rollup_start queues a run after commit, the task loads, computes and
replaces the snapshots; progress, status and timings on the run; the same data gives the same
rows; the queries do not grow with the data; health as of today agrees with the live pair
health; the loader's window changes no figure; the nightly task and its beat entry; and the
benchmark's generator and command on a small organization."""

import json
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from celery.schedules import crontab
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorships.models import CheckIn, GoalStatus, MeetingStatus, Mentorship, MentorshipStatus
from mentorships.services.health import health_refresh, organization_today
from organizations.models import Organization
from organizations.tenancy import TenantModel
from programs.models import (
    Enrollment,
    EnrollmentStatus,
    ParticipantRole,
    Program,
    ProgramInvitation,
    ProgramStatus,
    TrainingCompletion,
    TrainingModule,
)
from reports import bench_data, rollup
from reports.loaders import load_frames
from reports.models import ImpactSnapshot, KpiSnapshot, RollupRun, RollupStatus
from reports.services.rollups import rollup_execute, rollup_start, rollup_week_range_default
from reports.tasks import nightly_rollups, run_rollup_task
from surveys.models import Answer, Question, Questionnaire, Response, Survey, SurveyResponse, SurveyWave

from ..factories import (
    CheckInFactory,
    GoalFactory,
    HeldMeetingFactory,
    InterventionFactory,
    OrganizationFactory,
    PersonFactory,
)
from ..mentorships.meeting_fixtures import make_pair

pytestmark = pytest.mark.django_db

# Loading is fourteen queries; the rest is the run's claim, its progress as it moves through
# the steps and weeks, and the one write transaction. None of it depends on the data's size.
MAX_QUERIES = 90  # the rollup (about 68) and the impact refresh it ends with (about 10)
FIGURES = [f.attname for f in KpiSnapshot._meta.concrete_fields if f.attname not in ("id", "computed_at")]


def now():
    return timezone.now()


def monday(day):
    return day - timedelta(days=day.weekday())


def member(pair, person):
    return pair.mentorship.members.get(person=person)


def world(org, pairs=5, name="Grow"):
    """A program whose pairs are in every state of health, with goals, check-ins, a call for
    help, training and a pulse survey: as the nightly rollup finds an organization."""
    program = Program.objects.create(organization=org, name=name, status=ProgramStatus.ACTIVE, cadence_weeks=2)
    made = []
    for n in range(pairs):
        pair = make_pair(org, names=(f"Mentor {name} {n}", f"Mentee {name} {n}"), started_days_ago=70, program=program)
        kind = n % 5
        made.append(pair)
        mentorship = pair.mentorship
        HeldMeetingFactory(mentorship=mentorship, starts_at=now() - timedelta(days=60), actual_minutes=50)
        if kind != 1:  # 1: silent for 60 days, nothing booked: at risk
            HeldMeetingFactory(mentorship=mentorship, starts_at=now() - timedelta(days=2 + n % 3), actual_minutes=None)
            HeldMeetingFactory(
                mentorship=mentorship, status=MeetingStatus.SCHEDULED, starts_at=now() + timedelta(days=6)
            )
            HeldMeetingFactory(
                mentorship=mentorship, status=MeetingStatus.CANCELLED, starts_at=now() - timedelta(days=1)
            )
        GoalFactory(
            mentorship=mentorship, status=GoalStatus.ACHIEVED, achieved_on=timezone.localdate() - timedelta(days=20)
        )
        # 3: a goal past its date: needs attention
        target = timezone.localdate() - timedelta(days=5) if kind == 3 else timezone.localdate() + timedelta(days=40)
        GoalFactory(mentorship=mentorship, status=GoalStatus.IN_PROGRESS, target_date=target)
        started = mentorship.started_on
        CheckInFactory(
            member=member(pair, pair.mentee), period_start=started + timedelta(weeks=4), score=1 if kind == 2 else 4
        )
        CheckInFactory(
            member=member(pair, pair.mentor), period_start=started + timedelta(weeks=4), wants_help=kind == 4
        )
        if n == 0:
            InterventionFactory(mentorship=mentorship)
    # Everyone joined 80 days ago; one more person applied and waits.
    Enrollment.objects.for_org(org).filter(program=program).update(created_at=now() - timedelta(days=80))
    waiting = PersonFactory(organization=org)
    Enrollment.objects.create(organization=org, program=program, person=waiting, role=ParticipantRole.MENTEE)
    ProgramInvitation.objects.create(organization=org, program=program, person=waiting, email="w@example.com")
    module = TrainingModule.objects.create(organization=org, program=program, title="Basics", content="…")
    first = made[0]
    TrainingCompletion.objects.create(
        organization=org,
        module=module,
        enrollment=Enrollment.objects.get(program=program, person=first.mentee),
        passed=True,
        completed_at=now() - timedelta(days=10),
    )
    survey_answers(org, program, satisfaction=[5, 4, 4, 3, 5], promoters=[10, 9, 8, 6, 10])
    return program, made


def survey_answers(org, program, *, satisfaction, promoters, closed_days_ago=10):
    """One closed wave of a pulse survey with these answers (one response per pair of them)."""
    questionnaire = Questionnaire.objects.create(organization=org, title="Pulse", kind=Questionnaire.Kind.SURVEY)
    questions = {
        key: Question.objects.create(
            organization=org,
            questionnaire=questionnaire,
            key=key,
            text=key,
            type=Question.Type.SCALE,
            min_value=low,
            max_value=high,
        )
        for key, low, high in (("satisfaction", 1, 5), ("nps", 0, 10))
    }
    survey = Survey.objects.create(organization=org, program=program, questionnaire=questionnaire, title="Pulse")
    closes = timezone.localdate() - timedelta(days=closed_days_ago)
    wave = SurveyWave.objects.create(
        organization=org, survey=survey, number=1, opens_on=closes - timedelta(days=13), closes_on=closes
    )
    for score, rating in zip(satisfaction, promoters, strict=True):
        response = Response.objects.create(organization=org, questionnaire=questionnaire)
        SurveyResponse.objects.create(organization=org, response=response, wave=wave, submitted_on=closes)
        for key, value in (("satisfaction", score), ("nps", rating)):
            Answer.objects.create(organization=org, response=response, question=questions[key], number_value=value)
    return wave


def run_now(org, **weeks):
    """A run of the default weeks (or the given ones), executed as the task would."""
    first, last = rollup_week_range_default(org, organization_today(org))
    run = RollupRun.objects.create(
        organization=org, first_week=weeks.get("first_week", first), last_week=weeks.get("last_week", last)
    )
    return rollup_execute(organization=org, run=run)


def rows(org):
    return list(KpiSnapshot.objects.for_org(org).order_by("program_id", "week_start").values_list(*FIGURES))


def this_week(org, program=None):
    return KpiSnapshot.objects.for_org(org).get(program=program, week_start=monday(organization_today(org)))


# --- starting and running -------------------------------------------------------------------------


def test_a_run_is_queued_after_commit_and_fills_every_week_of_every_program(
    org, admin_user, django_capture_on_commit_callbacks
):
    program, _ = world(org, pairs=2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = rollup_start(organization=org, requested_by=admin_user)
    assert run.status == RollupStatus.QUEUED and run.step == "Waiting for a worker"
    assert not KpiSnapshot.objects.exists()  # nothing runs before the commit
    first, last = rollup_week_range_default(org, organization_today(org))
    assert (
        (run.first_week, run.last_week) == (first, last) == (last - timedelta(weeks=25), monday(timezone.localdate()))
    )
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert (run.status, run.progress, run.step, run.error) == (RollupStatus.SUCCEEDED, 100, "Finished", "")
    assert run.started_at and run.finished_at and run.requested_by == admin_user
    assert {"load_seconds", "compute_seconds", "write_seconds", "total_seconds", "steps"} <= set(run.timings)
    assert run.timings["rows_read"]["meetings"] == 3 + 1  # the second pair met once; cancelled ones are not read
    assert run.timings["snapshots"] == 26 * 2
    assert KpiSnapshot.objects.for_org(org).count() == 26 * 2
    assert set(KpiSnapshot.objects.for_org(org).values_list("program_id", flat=True)) == {None, program.pk}


def test_the_snapshots_hold_the_figures_of_the_data(org):
    program, pairs = world(org, pairs=5)
    run = run_now(org)
    assert run.status == RollupStatus.SUCCEEDED, run.error
    week = this_week(org, program)
    start_of_week = datetime.combine(monday(timezone.localdate()), time.min, tzinfo=UTC)  # the org is on UTC
    recent = [p for n, p in enumerate(pairs) if n % 5 != 1 and now() - timedelta(days=2 + n % 3) >= start_of_week]
    assert (week.enrolled_mentors, week.enrolled_mentees, week.enrolled_peers) == (5, 5, 0)
    assert (week.invited, week.applied) == (1, 11)
    assert (week.matched, week.active_participants, week.match_rate) == (10, 10, 1.0)
    assert week.active_pairs == 5
    assert week.meetings_held == len(recent)
    assert week.mentoring_hours == pytest.approx(len(recent) * 45 / 60)  # logged without minutes: the planned 45
    assert (week.goals_set, week.goals_completed) == (10, 5)
    assert week.training_completion == pytest.approx(1 / 10)
    # k = 5 answers: shown, and the figures of surveys/aggregation
    assert (week.survey_responses, week.satisfaction, week.nps) == (5, 4.2, 40.0)
    organization = this_week(org)
    assert (organization.active_pairs, organization.meetings_held, organization.satisfaction) == (5, len(recent), 4.2)


def test_health_this_week_is_what_the_live_pair_health_says_today(org):
    world(org, pairs=10)
    run_now(org)
    health_refresh(organization=org)
    live = Counter(Mentorship.objects.for_org(org).values_list("health", flat=True))
    assert set(live) == {"on_track", "needs_attention", "at_risk"}  # the world has every kind
    week = this_week(org)
    assert {
        "on_track": week.health_on_track,
        "needs_attention": week.health_needs_attention,
        "at_risk": week.health_at_risk,
    } == dict(live)


def test_survey_figures_stay_hidden_under_the_organizations_minimum(org):
    program = Program.objects.create(organization=org, name="Small", status=ProgramStatus.ACTIVE)
    survey_answers(org, program, satisfaction=[5, 4, 4, 3], promoters=[10, 9, 8, 6])
    org.survey_min_responses = 5
    org.save()
    run_now(org)
    week = this_week(org, program)
    assert (week.satisfaction, week.nps, week.survey_responses) == (None, None, 0)
    org.survey_min_responses = 4
    org.save()
    run_now(org)
    assert this_week(org, program).satisfaction == 4.0


def test_days_are_counted_in_the_organizations_time_zone(org):
    org.time_zone = "America/New_York"
    org.save()
    pair = make_pair(org, started_days_ago=60)
    last_monday = monday(organization_today(org)) - timedelta(weeks=1)
    # 03:00 UTC on that Monday is still Sunday evening in New York: the week before.
    HeldMeetingFactory(mentorship=pair.mentorship, starts_at=datetime.combine(last_monday, time(3), tzinfo=UTC))
    run_now(org)
    held = dict(
        KpiSnapshot.objects.for_org(org).filter(program=pair.program).values_list("week_start", "meetings_held")
    )
    assert held[last_monday - timedelta(weeks=1)] == 1
    assert held[last_monday] == 0


# --- determinism, idempotence, isolation ----------------------------------------------------------


def test_the_same_data_gives_the_same_rows_and_a_rerun_replaces_them(org):
    world(org, pairs=4)
    run_now(org)
    first = rows(org)
    run_now(org)
    assert rows(org) == first
    assert KpiSnapshot.objects.for_org(org).count() == len(first) == 26 * 2


def test_a_rerun_of_some_weeks_leaves_the_others_alone(org):
    world(org, pairs=2)
    run_now(org)
    before = dict(KpiSnapshot.objects.for_org(org).values_list("pk", "computed_at"))
    last = monday(organization_today(org))
    run_now(org, first_week=last - timedelta(weeks=1), last_week=last)
    after = dict(KpiSnapshot.objects.for_org(org).values_list("pk", "computed_at"))
    kept = set(before) & set(after)
    assert len(kept) == 24 * 2 and all(before[pk] == after[pk] for pk in kept)
    assert len(after) == 26 * 2


def test_another_organization_is_neither_counted_nor_touched(org):
    program, _ = world(org, pairs=2)
    other = OrganizationFactory()
    world(other, pairs=3, name="Elsewhere")
    run_now(other)
    theirs = rows(other)
    run_now(org)
    assert rows(other) == theirs
    assert this_week(org).active_pairs == 2
    assert set(KpiSnapshot.objects.for_org(org).values_list("program_id", flat=True)) == {None, program.pk}


# --- bounded queries and the loader's window ------------------------------------------------------


def _queries(org):
    with CaptureQueriesContext(connection) as captured:
        run = run_now(org)
    assert run.status == RollupStatus.SUCCEEDED, run.error
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_data(django_assert_max_num_queries):
    small, large = OrganizationFactory(), OrganizationFactory()
    for organization, pairs in ((small, (2, 1)), (large, (12, 4))):
        # As many programs (and so snapshot rows to write), six times the people and data.
        world(organization, pairs=pairs[0])
        world(organization, pairs=pairs[1], name="Second program")
    with django_assert_max_num_queries(MAX_QUERIES):
        run_now(small)
    with django_assert_max_num_queries(MAX_QUERIES):
        run_now(large)
    assert _queries(small) == _queries(large)


def test_the_loaders_window_changes_no_figure_of_the_weeks_computed(org):
    """Reading only what the weeks from `since` can use gives exactly the figures of reading
    everything; the old rows it leaves out are really left out."""
    program, pairs = world(org, pairs=5)
    old = now() - timedelta(days=300)
    HeldMeetingFactory(mentorship=pairs[1].mentorship, starts_at=old)
    HeldMeetingFactory(mentorship=pairs[1].mentorship, starts_at=old + timedelta(days=14))
    Mentorship.objects.filter(pk=pairs[1].mentorship.pk).update(started_on=old.date())
    stale = CheckInFactory(member=member(pairs[0], pairs[0].mentee), period_start=old.date(), score=1)
    CheckIn.objects.filter(pk=stale.pk).update(submitted_at=old)
    survey_answers(org, program, satisfaction=[1] * 5, promoters=[0] * 5, closed_days_ago=200)
    today = organization_today(org)
    since = monday(today) - timedelta(weeks=5)
    weeks = rollup.weeks_between(since, today)
    everything, window = load_frames(org), load_frames(org, since=since)
    assert len(window.meetings) < len(everything.meetings)
    assert len(window.checkins) < len(everything.checkins)
    assert len(window.survey_answers) == len(everything.survey_answers) - 10
    k = org.survey_min_responses
    assert rollup.records(rollup.compute_kpis(everything, weeks, k=k, today=today)) == rollup.records(
        rollup.compute_kpis(window, weeks, k=k, today=today)
    )


# --- failures, duplicates, redelivery -------------------------------------------------------------


def test_a_failure_leaves_the_run_failed_with_a_readable_error_and_the_snapshots_as_they_were(org, monkeypatch):
    world(org, pairs=1)
    run_now(org)
    before = rows(org)

    def broken(*args, **kwargs):
        raise ValueError("the numbers did not add up")

    monkeypatch.setattr(rollup, "compute_kpis", broken)
    run = run_now(org)
    assert (run.status, run.step) == (RollupStatus.FAILED, "Failed")
    assert "the numbers did not add up" in run.error and run.finished_at
    assert rows(org) == before


def test_a_duplicate_task_does_nothing_and_a_redelivered_one_takes_the_run_over(org):
    world(org, pairs=1)
    first, last = rollup_week_range_default(org, organization_today(org))
    run = RollupRun.objects.create(
        organization=org, first_week=first, last_week=last, status=RollupStatus.RUNNING, progress=40
    )
    # A second delivery while the first works on it: left alone.
    assert rollup_execute(organization=org, run=run.pk).status == RollupStatus.RUNNING
    assert not KpiSnapshot.objects.exists()
    # Redelivered because its worker died: taken over and finished.
    assert rollup_execute(organization=org, run=run.pk, redelivered=True).status == RollupStatus.SUCCEEDED
    assert KpiSnapshot.objects.for_org(org).count() == 26 * 2
    done = RollupRun.objects.get(pk=run.pk)
    assert rollup_execute(organization=org, run=done, redelivered=True).finished_at == done.finished_at


def test_the_task_runs_the_queued_run_and_ignores_another_organizations_id(org):
    world(org, pairs=1)
    first, last = rollup_week_range_default(org, organization_today(org))
    run = RollupRun.objects.create(organization=org, first_week=first, last_week=last)
    other = OrganizationFactory()
    assert run_rollup_task.apply(args=(other.pk, run.pk)).get() is None
    assert RollupRun.objects.get(pk=run.pk).status == RollupStatus.QUEUED
    assert run_rollup_task.apply(args=(org.pk, run.pk)).get() == RollupStatus.SUCCEEDED
    assert run_rollup_task.acks_late and run_rollup_task.reject_on_worker_lost


# --- validation -----------------------------------------------------------------------------------


def test_rollup_start_checks_the_weeks_and_counts_from_mondays(org, django_capture_on_commit_callbacks):
    this_monday = monday(organization_today(org))
    with django_capture_on_commit_callbacks(execute=False):
        run = rollup_start(
            organization=org, first_week=this_monday - timedelta(days=12), last_week=this_monday + timedelta(days=2)
        )
        assert (run.first_week, run.last_week) == (this_monday - timedelta(weeks=2), this_monday)
        # The same weeks while that run still waits: the same run, not a second one.
        assert rollup_start(organization=org, first_week=run.first_week, last_week=run.last_week) == run
    cases = [
        ({"last_week": this_monday + timedelta(weeks=1)}, "last_week"),
        ({"first_week": this_monday, "last_week": this_monday - timedelta(weeks=1)}, "first_week"),
        ({"first_week": this_monday - timedelta(weeks=200)}, "first_week"),
    ]
    for weeks, field in cases:
        with pytest.raises(ValidationError) as error:
            rollup_start(organization=org, **weeks)
        assert field in error.value.message_dict, weeks
    assert RollupRun.objects.for_org(org).count() == 1


def test_a_queued_run_whose_message_may_be_lost_is_not_reused(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        stale = rollup_start(organization=org)
        RollupRun.objects.filter(pk=stale.pk).update(created_at=now() - timedelta(minutes=30))
        fresh = rollup_start(organization=org)
    assert fresh != stale and fresh.status == RollupStatus.QUEUED


# --- nightly --------------------------------------------------------------------------------------


def test_the_nightly_task_rolls_up_every_organization_and_refreshes_their_impact(
    org, django_capture_on_commit_callbacks
):
    other = OrganizationFactory()
    world(org, pairs=1)
    with django_capture_on_commit_callbacks(execute=True):
        nightly_rollups()
    for organization in (org, other):
        run = RollupRun.objects.for_org(organization).get()
        assert run.status == RollupStatus.SUCCEEDED and run.requested_by is None
        assert "impact_seconds" in run.timings  # the run's last step refreshed the impact figures
    assert ImpactSnapshot.objects.for_org(org).exists()
    assert KpiSnapshot.objects.for_org(other).filter(program=None).count() == 26


def test_beat_runs_the_nightly_rollups_at_half_past_three():
    from mentoring.celery import app

    entry = app.conf.beat_schedule["nightly-kpi-rollups"]
    assert entry["task"] == "reports.tasks.nightly_rollups" == nightly_rollups.name
    assert entry["schedule"] == crontab(hour=3, minute=30)


def test_the_cores_status_values_are_the_models():
    assert rollup.APPROVED == EnrollmentStatus.APPROVED
    assert tuple(ParticipantRole.values) == (rollup.MENTOR, rollup.MENTEE, rollup.PEER)
    assert {rollup.ACTIVE, rollup.PAUSED, rollup.COMPLETED, rollup.ENDED_EARLY} == set(MentorshipStatus.values)
    assert {rollup.HELD, rollup.CANCELLED} <= set(MeetingStatus.values)
    assert {rollup.ACHIEVED, rollup.DROPPED} <= set(GoalStatus.values)
    assert set(rollup.OUTPUT_COLUMNS) == {f.attname for f in KpiSnapshot._meta.concrete_fields} - {
        "id",
        "organization_id",
        "computed_at",
        "min_group_size",  # written by the service: the k the figures were computed under
    }


# --- the benchmark --------------------------------------------------------------------------------


def test_the_benchmark_builds_rolls_up_and_cleans_up_a_small_organization():
    out = StringIO()
    call_command(
        "bench_rollup",
        "--people",
        "400",
        "--participants",
        "120",
        "--meetings",
        "3000",
        "--answers",
        "600",
        stdout=out,
        stderr=StringIO(),
    )
    report = json.loads(out.getvalue())
    assert report["built"]["meetings"] == 3000 and report["built"]["survey_answers"] == 600
    assert report["rollup"]["snapshots"] == 26 * 5 and report["rollup"]["queries"] <= MAX_QUERIES
    assert report["deterministic"] is True
    assert report["dashboard"]["data"]["p50_ms"] > 0 and report["dashboard"]["page"]["p50_ms"] > 0
    bench = Organization.objects.get(slug=bench_data.SLUG)
    held = sum(KpiSnapshot.objects.for_org(bench).filter(program=None).values_list("meetings_held", flat=True))
    assert held > 0
    with pytest.raises(Exception, match="exists"):
        call_command("bench_rollup", "--people", "400", stdout=StringIO(), stderr=StringIO())
    call_command("bench_rollup", "--cleanup", stdout=StringIO(), stderr=StringIO())
    assert not Organization.objects.filter(slug=bench_data.SLUG).exists()
    for model in apps.get_models():
        if issubclass(model, TenantModel):
            assert not model.objects.filter(organization_id=bench.pk).exists(), model


def test_the_benchmark_answers_are_whole_numbers_on_their_scales():
    built = bench_data.build(people=200, participants=60, meetings=500, answers=200, note=lambda message: None)
    values = Answer.objects.for_org(built.organization).values_list("question__key", "number_value")
    assert {key for key, _ in values} == {"satisfaction", "nps"}
    assert all(value == int(value) and Decimal(0) <= value <= 10 for _, value in values)
    assert Enrollment.objects.for_org(built.organization).filter(status=EnrollmentStatus.APPROVED).count() == 60
