"""What the dashboards read: KPI series, the funnel, objectives measured by their KPI and judged
against the straight line to their target, impact figures under today's k, the program
manager's operational lists, and the whole dashboard in a bounded number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorships.models import MentorshipStatus, PairHealth
from programs.models import EnrollmentStatus, Objective
from reports import selectors
from reports.models import RollupRun
from reports.services.impact import impact_refresh
from surveys.selectors.surveys import organization_today
from tests.factories import MentorshipFactory, OrganizationFactory, PersonFactory
from tests.programs.training_fixtures import make_enrollment, make_module
from tests.surveys.survey_factories import add_responses, invite, make_survey, make_wave

from .impact_fixtures import build_world, enroll_in_pairs, make_kpi, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(org):
    return organization_today(org)


def _monday(day):
    return day - timedelta(days=day.weekday())


@pytest.fixture
def program(org, today):
    return make_program(org, start_date=today - timedelta(days=100))


def _objective(program, metric, *, target, baseline=None, deadline_days=100, **fields):
    today = organization_today(program.organization)
    return Objective.objects.create(
        organization=program.organization,
        program=program,
        metric=metric,
        target=Decimal(str(target)),
        baseline=None if baseline is None else Decimal(str(baseline)),
        deadline=today + timedelta(days=deadline_days),
        **fields,
    )


# --- KPIs and the funnel ----------------------------------------------------------------------


def test_kpi_series_is_the_last_weeks_oldest_first_per_scope(org, program, today):
    monday = _monday(today)
    for weeks_ago in range(30):
        make_kpi(org, monday - timedelta(weeks=weeks_ago), program=program, meetings_held=weeks_ago)
    make_kpi(org, monday, meetings_held=99)  # the organization as a whole
    make_kpi(OrganizationFactory(), monday, program=None, meetings_held=7)
    series = selectors.kpi_series(organization=org, program=program)
    assert len(series) == 26
    assert [row.meetings_held for row in series] == list(range(25, -1, -1))
    assert [row.meetings_held for row in selectors.kpi_series(organization=org)] == [99]
    assert len(selectors.kpi_series(organization=org, program=program, weeks=4)) == 4
    assert selectors.latest_kpis(organization=org, program=program).week_start == monday
    assert selectors.latest_kpis(organization=org).meetings_held == 99


def test_funnel_reads_the_latest_week_in_order(org, program, today):
    monday = _monday(today)
    make_kpi(org, monday - timedelta(weeks=1), program=program, invited=10)
    make_kpi(
        org,
        monday,
        program=program,
        invited=120,
        applied=80,
        matched=60,
        active_participants=52,
        completed_participants=4,
    )
    funnel = selectors.funnel(organization=org, program=program)
    assert [(s["stage"], s["count"]) for s in funnel] == [
        ("invited", 120),
        ("applied", 80),
        ("matched", 60),
        ("active", 52),
        ("completed", 4),
    ]
    assert [s["label"] for s in funnel] == ["Invited", "Applied", "Matched", "Active", "Completed"]
    empty = selectors.funnel(organization=org)
    assert len(empty) == 5 and all(stage["count"] is None for stage in empty)


def test_latest_rollup_run(org, today):
    assert selectors.latest_rollup_run(organization=org) is None
    RollupRun.objects.create(organization=org, first_week=today, last_week=today)
    newest = RollupRun.objects.create(organization=org, first_week=today, last_week=today)
    RollupRun.objects.create(organization=OrganizationFactory(), first_week=today, last_week=today)
    assert selectors.latest_rollup_run(organization=org) == newest


# --- Objectives ---------------------------------------------------------------------------------


def test_each_metric_is_measured_by_its_kpi(org, program, today):
    make_kpi(
        org,
        _monday(today),
        program=program,
        satisfaction=4.2,
        nps=31.0,
        survey_responses=12,
        meetings_per_pair_month=1.8,
        active_pairs=20,
        goals_set=40,
        goals_completed=10,
    )
    make_kpi(org, _monday(today) - timedelta(weeks=1), program=program, satisfaction=1.0)
    M = Objective.Metric
    for metric, target in [
        (M.SATISFACTION, 4),
        (M.NPS, 30),
        (M.MEETINGS_PER_PAIR, 2),
        (M.GOAL_COMPLETION, 50),
        (M.RETENTION, 95),
        (M.PROMOTION_RATE, 20),
    ]:
        _objective(program, metric, target=target)
    _objective(program, M.CUSTOM, target=10, custom_name="Internal moves", unit="people")
    rows = {row["metric"]: row for row in selectors.objectives_progress(organization=org, program=program)}
    assert (rows[M.SATISFACTION]["current"], rows[M.SATISFACTION]["n"]) == (4.2, 12)
    assert (rows[M.NPS]["current"], rows[M.NPS]["unit"]) == (31.0, "NPS")
    assert (rows[M.MEETINGS_PER_PAIR]["current"], rows[M.MEETINGS_PER_PAIR]["n"]) == (1.8, 20)
    assert (rows[M.GOAL_COMPLETION]["current"], rows[M.GOAL_COMPLETION]["unit"]) == (25.0, "%")
    assert rows[M.RETENTION]["current"] is None and "not been computed" in rows[M.RETENTION]["note"]
    custom = rows[M.CUSTOM]
    assert (custom["current"], custom["on_track"], custom["note"]) == (None, None, "Not measured by Tandem.")
    assert (custom["name"], custom["unit"]) == ("Internal moves", "people")


def test_retention_and_promotion_objectives_read_the_impact_figures(org):
    world = build_world(org, today=organization_today(org))
    impact_refresh(organization=org)
    retention = _objective(world.program, Objective.Metric.RETENTION, target=90, baseline=80)
    _objective(world.program, Objective.Metric.PROMOTION_RATE, target=30)
    rows = {row["objective"].pk: row for row in selectors.objectives_progress(organization=org, program=world.program)}
    figures = selectors.impact_figures(organization=org, program=world.program)
    measured = rows[retention.pk]
    assert measured["current"] == round(100 * figures["participants"]["retention"]["12"]["value"], 1)
    assert measured["n"] == figures["participants"]["n"]
    promotion = [row for row in rows.values() if row["metric"] == Objective.Metric.PROMOTION_RATE][0]
    assert promotion["current"] == round(100 * figures["promotion"]["participants"]["rate"], 1)


@pytest.mark.parametrize(
    "baseline, target, current, expected, on_track",
    [
        (50, 80, 70, 65.0, True),  # halfway in time, the line stands at 65
        (50, 80, 60, 65.0, False),
        (50, 80, 65, 65.0, True),
        (30, 10, 18, 20.0, True),  # a target below the baseline: lower is better
        (30, 10, 25, 20.0, False),
        (None, 80, 70, 80.0, False),  # no baseline, no line: the target itself
        (None, 80, 85, 80.0, True),
    ],
)
def test_on_track_compares_with_the_straight_line_to_the_target(
    org, program, today, baseline, target, current, expected, on_track
):
    make_kpi(org, _monday(today), program=program, goals_set=100, goals_completed=current)
    # The program started 100 days ago and the deadline is 100 days away: halfway.
    _objective(program, Objective.Metric.GOAL_COMPLETION, target=target, baseline=baseline, deadline_days=100)
    [row] = selectors.objectives_progress(organization=org, program=program)
    assert (row["current"], row["expected"], row["on_track"]) == (current, expected, on_track)


def test_after_the_deadline_the_target_itself_is_the_line(org, program, today):
    make_kpi(org, _monday(today), program=program, satisfaction=3.9, survey_responses=9)
    _objective(program, Objective.Metric.SATISFACTION, target=4, deadline_days=-1)
    [row] = selectors.objectives_progress(organization=org, program=program)
    assert (row["expected"], row["on_track"]) == (4.0, False)


def test_unmeasured_values_are_not_judged(org, program, today):
    _objective(program, Objective.Metric.NPS, target=20, baseline=0)
    [row] = selectors.objectives_progress(organization=org, program=program)
    assert (row["current"], row["on_track"]) == (None, None)
    assert row["note"] == "No weekly figures yet."


# --- Impact figures -----------------------------------------------------------------------------


def test_impact_figures_apply_todays_k(org):
    world = build_world(org, today=organization_today(org), people=200, participants=12)
    impact_refresh(organization=org)
    figures = selectors.impact_figures(organization=org, program=world.program)
    assert figures["counts"]["participants"] == 12 and "computed_at" in figures
    assert 5 <= figures["participants"]["n"] <= 12
    assert selectors.impact_figures(organization=org, program=make_program(org, start_date=None)) is None


def _group(n, at_risk, followed):
    return {
        "n": n,
        "curve": {
            "times": [0, 100, 200, 300][: len(at_risk)],
            "survival": [1, 0.9, 0.8, 0.7][: len(at_risk)],
            "low": [1, 0.8, 0.7, 0.6][: len(at_risk)],
            "high": [1, 1, 0.9, 0.8][: len(at_risk)],
            "at_risk": at_risk,
        },
        "retention": {
            "6": {"value": 0.9, "low": 0.8, "high": 1, "n": n, "followed": followed[0]},
            "12": {"value": 0.8, "low": 0.7, "high": 0.9, "n": n, "followed": followed[1]},
        },
    }


def test_a_raised_k_trims_curves_and_horizons():
    figures = {
        "k": 5,
        "participants": _group(30, [30, 20, 9, 6], (20, 7)),
        "comparison": _group(40, [40, 30, 12, 11], (30, 11)),
        "difference": {
            "6": {"value": 0.1, "low": 0.0, "high": 0.2, "p_value": 0.3, "n": 70},
            "12": {"value": 0.1, "low": 0.0, "high": 0.2, "p_value": 0.3, "n": 70},
        },
        "logrank": {"statistic": 1.0, "p_value": 0.3, "n": 70},
        "promotion": {"participants": {"n": 12, "rate": 0.5}, "comparison": {"n": 9, "rate": 0.2}, "difference": {}},
    }
    assert selectors.enforce_k(figures, 5) is figures  # computed under the same k: as stored
    shown = selectors.enforce_k(figures, 10)
    assert shown["participants"]["curve"]["at_risk"] == [30, 20]
    assert shown["comparison"]["curve"]["times"] == [0, 100, 200, 300]
    assert shown["participants"]["retention"]["12"]["value"] is None
    assert shown["participants"]["retention"]["6"]["value"] == 0.9
    assert shown["difference"]["12"]["value"] is None and shown["difference"]["6"]["value"] == 0.1
    assert shown["logrank"]["p_value"] == 0.3
    assert shown["promotion"]["comparison"]["hidden"] and shown["promotion"]["difference"]["hidden"]
    assert figures["participants"]["curve"]["at_risk"] == [30, 20, 9, 6]  # the stored figures stay


def test_a_group_under_the_raised_k_is_hidden_with_its_comparisons(org):
    world = build_world(org, today=organization_today(org), people=200, participants=8)
    impact_refresh(organization=org)
    assert 5 <= selectors.impact_figures(organization=org, program=world.program)["participants"]["n"] <= 8
    org.survey_min_responses = 9
    org.save()
    figures = selectors.impact_figures(organization=org, program=world.program)
    assert figures["participants"]["hidden"] is True and figures["k"] == 9
    for key in ("logrank", "difference", "balance"):
        assert figures[key]["hidden"] is True
    assert figures["promotion"]["participants"]["hidden"] is True
    assert figures["participant_levels"] == {}
    # The colleagues were matched to those eight: they go too.
    assert figures["comparison"]["hidden"] is True and "too small" in figures["comparison"]["reason"]


# --- Operational lists ----------------------------------------------------------------------------


def test_operational_lists(org, program, today):
    at_risk = MentorshipFactory(program=program, health=PairHealth.AT_RISK, health_reasons=["No meeting"])
    MentorshipFactory(program=program, health=PairHealth.NEEDS_ATTENTION)
    MentorshipFactory(program=program, health=PairHealth.ON_TRACK)
    MentorshipFactory(program=program, health=PairHealth.AT_RISK, status=MentorshipStatus.COMPLETED)
    MentorshipFactory(program=make_program(org, name="Other", start_date=today), health=PairHealth.AT_RISK)

    survey = make_survey(org, program=program)
    people = [PersonFactory(organization=org) for _ in range(6)]
    closing = make_wave(survey, opens_on=today - timedelta(days=11), days=14)  # closes in 2 days
    invite(closing, people, completed=people[:2])
    add_responses(closing, [{"satisfaction": 4}] * 2)
    stuck = make_wave(survey, opens_on=today - timedelta(days=20), days=14)  # closed 7 days ago on paper
    fine = make_wave(survey, opens_on=today - timedelta(days=12), days=14)
    invite(fine, people, completed=people[:4])
    add_responses(fine, [{"satisfaction": 4}] * 4)
    make_wave(survey, opens_on=today - timedelta(days=12), days=14, closed=True)
    unopened = make_wave(survey, opens_on=today - timedelta(days=1), days=14, opened=False)
    make_wave(make_survey(org, program=program, status="draft"), opens_on=today - timedelta(days=20), days=3)

    module = make_module(program)
    untrained = make_enrollment(program)
    trained = make_enrollment(program)
    trained.training_completions.create(organization=org, module=module, passed=True)
    make_enrollment(program, status=EnrollmentStatus.APPLIED)

    lists = selectors.operational_lists(organization=org, program=program)
    assert [row.mentorship for row in lists["at_risk_pairs"]] == [at_risk]
    assert lists["at_risk_count"] == 1
    overdue = {row["wave"].pk: row for row in lists["overdue_surveys"]}
    assert set(overdue) == {closing.pk, stuck.pk, unopened.pk}
    assert overdue[closing.pk]["reason"] == "Closes in 2 days with 33% answered."
    assert overdue[closing.pk]["invited"] == 6 and overdue[closing.pk]["responded"] == 2
    assert "Should have closed" in overdue[stuck.pk]["reason"]
    assert "Should have opened" in overdue[unopened.pk]["reason"]
    assert [e.pk for e in lists["training_incomplete"]] == [untrained.pk]
    assert lists["training_incomplete"][0].training_required == 1
    assert lists["training_incomplete_count"] == 1


# --- The dashboard --------------------------------------------------------------------------------


def _grow(org, program, today, n):
    """n more of everything a dashboard reads."""
    monday = _monday(today)
    start = program.kpi_snapshots.count()
    for week in range(start, start + n):
        make_kpi(org, monday - timedelta(weeks=week), program=program, goals_set=10, goals_completed=week % 10)
        make_kpi(org, monday - timedelta(weeks=week), goals_set=10)
    for index in range(n):
        _objective(program, list(Objective.Metric.values)[index % 7], target=10, baseline=1)
        MentorshipFactory(program=program, health=PairHealth.AT_RISK)
        make_wave(make_survey(org, program=program), opens_on=today - timedelta(days=12), days=14)
        make_enrollment(program)
    make_module(program, order=program.training_modules.count())


def _dashboard_queries(org, program):
    with CaptureQueriesContext(connection) as captured:
        page = selectors.dashboard(organization=org, program=program)
        # What the page then touches, as a template would.
        for row in page["operational"]["at_risk_pairs"] if page["operational"] else []:
            assert row.names is not None
        for row in page["operational"]["training_incomplete"] if page["operational"] else []:
            assert row.person.name
        for row in page["objectives"]:
            assert row["program"].name
    return len(captured.captured_queries)


def test_the_dashboard_is_one_dict_in_a_bounded_number_of_queries(org, today):
    world = build_world(org, today=today, people=120, participants=30)
    program = world.program
    impact_refresh(organization=org)
    _grow(org, program, today, 2)
    small = {scope: _dashboard_queries(org, scope) for scope in (None, program)}
    _grow(org, program, today, 8)
    enroll_in_pairs(make_program(org, name="Second", start_date=today - timedelta(days=50)), world.others[:10])
    impact_refresh(organization=org)
    large = {scope: _dashboard_queries(org, scope) for scope in (None, program)}
    assert small == large
    assert large[None] <= 12 and large[program] <= 22

    page = selectors.dashboard(organization=org, program=program)
    assert set(page) >= {
        "kpis",
        "latest",
        "funnel",
        "objectives",
        "impact",
        "roi",
        "operational",
        "rollup_run",
        "programs",
        "k",
    }
    assert len(page["kpis"]) == 10 and page["latest"] == page["kpis"][-1]
    assert page["impact"]["counts"]["participants"] == 30
    assert page["roi"]["participants"] == 30
    assert len(page["operational"]["at_risk_pairs"]) == 10
    overall = selectors.dashboard(organization=org)
    assert overall["operational"] is None and len(overall["objectives"]) == 10
    assert [p.name for p in overall["programs"]] == ["Second", "Mentoring"]
