"""impact_refresh on a generated directory with a known effect: the figures show it, groups
under the minimum size are hidden, matching balances the groups, the queries are bounded."""

import json
import math
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Person, PersonChange
from programs.models import Enrollment, EnrollmentStatus
from reports.models import ImpactSnapshot
from reports.services.impact import impact_refresh
from tests.factories import OrganizationFactory, PersonFactory

from .impact_fixtures import build_world, enroll_in_pairs, make_program

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def _numbers(value):
    """Every number anywhere in a JSON document."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    return []


@pytest.fixture
def world(org):
    return build_world(org, today=TODAY)


def _snapshot(org, program=None):
    return ImpactSnapshot.objects.for_org(org).get(program=program)


def test_the_figures_show_the_known_retention_effect(org, world):
    snapshots = impact_refresh(organization=org, today=TODAY)
    assert {s.program_id for s in snapshots} == {None, world.program.pk}
    figures = _snapshot(org, world.program).figures
    json.dumps(figures, allow_nan=False)  # JSON-safe: no NaN, no dates, no numpy

    participants, comparison = figures["participants"], figures["comparison"]
    assert participants["n"] >= 140 and comparison["n"] >= 300
    # 12-month retention is exp(-hazard): 0.92 for participants, 0.74 for the others.
    assert participants["retention"]["12"]["value"] == pytest.approx(math.exp(-0.08), abs=0.06)
    assert comparison["retention"]["12"]["value"] == pytest.approx(math.exp(-0.30), abs=0.06)
    for group in (participants, comparison):
        for horizon in group["retention"].values():
            assert horizon["low"] < horizon["value"] < horizon["high"]
            assert horizon["n"] == group["n"] and horizon["followed"] >= 5
    difference = figures["difference"]["12"]
    assert difference["value"] == pytest.approx(math.exp(-0.08) - math.exp(-0.30), abs=0.08)
    assert 0 < difference["low"] < difference["value"] < difference["high"]
    assert difference["p_value"] < 0.05 and difference["n"] == participants["n"] + comparison["n"]
    assert figures["logrank"]["p_value"] < 0.001 and figures["logrank"]["n"] == difference["n"]
    # The curves start at 1 with everyone at risk and fall; every point says how many stand behind it.
    curve = participants["curve"]
    assert curve["times"][0] == 0 and curve["survival"][0] == 1 and curve["at_risk"][0] == participants["n"]
    assert curve["survival"] == sorted(curve["survival"], reverse=True)
    assert min(curve["at_risk"]) >= org.survey_min_responses


def test_promotion_rates_differ_as_generated(org, world):
    impact_refresh(organization=org, today=TODAY)
    promotion = _snapshot(org, world.program).figures["promotion"]
    participants, comparison = promotion["participants"], promotion["comparison"]
    # Only people still employed 12 months after the start are counted.
    assert participants["n"] < len(world.participants)
    assert participants["rate"] == pytest.approx(0.40, abs=0.1)
    assert comparison["rate"] == pytest.approx(0.12, abs=0.06)
    assert participants["low"] < participants["rate"] < participants["high"]
    assert 0 < promotion["difference"]["low"] < promotion["difference"]["value"]
    assert promotion["difference"]["p_value"] < 0.001
    assert "12 months" in promotion["rule"]


def test_promotion_history_counts_an_earlier_promotion_a_later_one_overwrote(org):
    world = build_world(org, today=TODAY, promote_participants=0.0, promote_others=0.0, people=200, participants=50)
    start = world.program.start_date
    # Every participant was promoted in their first year, then again later: only the history shows the first.
    people = world.participants
    Person.objects.filter(pk__in=[p.pk for p in people]).update(last_promotion_date=start + timedelta(days=500))
    PersonChange.objects.bulk_create(
        [
            PersonChange(
                organization=org,
                person=p,
                field="last_promotion_date",
                new_value=(start + timedelta(days=100)).isoformat(),
                source=PersonChange.Source.IMPORT,
            )
            for p in people
        ]
    )
    impact_refresh(organization=org, today=TODAY)
    assert _snapshot(org, world.program).figures["promotion"]["participants"]["rate"] == 1.0


def test_matching_balances_department_level_and_tenure(org, world):
    impact_refresh(organization=org, today=TODAY)
    balance = _snapshot(org, world.program).figures["balance"]
    rows = {(row["column"], row["level"]): row for row in balance["rows"]}
    # The participants lean towards Engineering and higher levels…
    assert rows[("level", None)]["smd_before"] > 0.2
    assert rows[("department", "Engineering")]["smd_before"] > 0.2
    # …which matching on exact department and level removes, and tenure bands nearly so.
    for key, row in rows.items():
        limit = 0.15 if key[0] == "tenure_years" else 1e-9
        assert abs(row["smd_after"]) <= limit, (key, row)
    assert balance["n_participants"] <= balance["n_participants_before"]
    assert balance["n_comparison"] <= balance["n_comparison_before"]
    counts = _snapshot(org, world.program).figures["counts"]
    assert counts["participants"] == len(world.participants)
    assert counts["participants_matched"] == balance["n_participants"]


def test_groups_under_k_are_hidden_with_every_figure_that_compares_them(org, world):
    small = make_program(org, name="Tiny pilot", start_date=TODAY - timedelta(days=400))
    enroll_in_pairs(small, world.others[:4])  # 4 participants, k = 5
    impact_refresh(organization=org, today=TODAY)
    figures = _snapshot(org, small).figures
    assert figures["participants"] == {"hidden": True, "reason": figures["participants"]["reason"]}
    assert "Fewer than 5" in figures["participants"]["reason"]
    for key in ("logrank", "difference", "balance"):
        assert figures[key]["hidden"] is True
    assert figures["promotion"]["participants"]["hidden"] is True
    assert figures["promotion"]["difference"]["hidden"] is True
    assert figures["participant_levels"] == {}
    # Not one number about the four participants' outcomes is stored.
    hidden_parts = [figures[key] for key in ("participants", "logrank", "difference", "balance")]
    hidden_parts += [figures["promotion"]["participants"], figures["promotion"]["difference"]]
    assert _numbers(hidden_parts) == []


def test_a_larger_k_hides_more(org):
    org.survey_min_responses = 10
    org.save()
    world = build_world(org, today=TODAY, people=120, participants=8)
    impact_refresh(organization=org, today=TODAY)
    assert _snapshot(org, world.program).figures["participants"]["hidden"] is True


def test_landmark_pool_and_participants_follow_the_rules(org, world):
    start = world.program.start_date
    # Hired after the program started: never in the comparison for it.
    late = PersonFactory(organization=org, department="Sales", level=2, hire_date=start + timedelta(days=10))
    # Left before it started: not a participant after all, whatever the enrollment says.
    gone = PersonFactory(organization=org, level=2, hire_date=start - timedelta(days=900), exit_date=start)
    # Approved but never in a mentorship: neither a participant nor a comparison colleague.
    waiting = PersonFactory(organization=org, department="Sales", level=2, hire_date=start - timedelta(days=900))
    enroll_in_pairs(world.program, [gone])
    Enrollment.objects.create(
        organization=org, program=world.program, person=waiting, role="mentee", status=EnrollmentStatus.APPROVED
    )
    impact_refresh(organization=org, today=TODAY)
    counts = _snapshot(org, world.program).figures["counts"]
    assert counts["participants"] == len(world.participants) + 1
    assert counts["participants_not_at_start"] == 1
    assert counts["pool"] == len(world.others)  # not `late`, not `waiting`
    assert late.pk and waiting.pk


def test_a_program_that_has_not_started_has_no_snapshot(org, world):
    future = make_program(org, name="Next year", start_date=TODAY + timedelta(days=30))
    enroll_in_pairs(future, world.others[:10])
    impact_refresh(organization=org, today=TODAY)
    assert not ImpactSnapshot.objects.for_org(org).filter(program=future).exists()
    # Approved for it already: no longer a comparison colleague anywhere.
    assert _snapshot(org, world.program).figures["counts"]["pool"] == len(world.others) - 10


def test_organization_level_counts_each_participant_from_their_first_program(org, world):
    second = make_program(org, name="Second cycle", start_date=TODAY - timedelta(days=200))
    enroll_in_pairs(second, world.participants[:20] + world.others[:30])
    impact_refresh(organization=org, today=TODAY)
    overall = _snapshot(org).figures
    assert overall["scope"] == "organization"
    assert overall["landmarks"] == sorted([world.program.start_date.isoformat(), second.start_date.isoformat()])
    assert overall["counts"]["participants"] == len(world.participants) + 30
    assert _snapshot(org, second).figures["counts"]["participants"] == 50
    # 12 months have not passed for the second cycle: no 12-month figure yet, the 6-month one is there.
    second_figures = _snapshot(org, second).figures
    assert second_figures["participants"]["retention"]["12"]["value"] is None
    assert second_figures["participants"]["retention"]["6"]["value"] is not None
    assert second_figures["difference"]["12"]["value"] is None
    assert second_figures["promotion"]["difference"]["hidden"] is True


def test_refresh_is_repeatable_and_drops_stale_snapshots(org, world):
    first = {s.program_id: s.figures for s in impact_refresh(organization=org, today=TODAY)}
    again = {s.program_id: s.figures for s in impact_refresh(organization=org, today=TODAY)}
    assert first == again
    assert ImpactSnapshot.objects.for_org(org).count() == 2
    Enrollment.objects.for_org(org).update(status=EnrollmentStatus.WITHDRAWN)
    impact_refresh(organization=org, today=TODAY)
    assert list(ImpactSnapshot.objects.for_org(org).values_list("program_id", flat=True)) == [None]
    assert _snapshot(org).figures["participants"]["hidden"] is True


def test_an_empty_organization_gets_an_empty_snapshot():
    empty = OrganizationFactory()
    [snapshot] = impact_refresh(organization=empty, today=TODAY)
    figures = snapshot.figures
    assert snapshot.program_id is None and figures["counts"]["participants"] == 0
    assert figures["participants"]["hidden"] and figures["comparison"]["hidden"] and figures["logrank"]["hidden"]
    json.dumps(figures, allow_nan=False)


def test_other_organizations_are_left_alone(org, world):
    other = OrganizationFactory()
    build_world(other, today=TODAY, seed=8, people=100, participants=20)
    impact_refresh(organization=org, today=TODAY)
    assert not ImpactSnapshot.objects.for_org(other).exists()
    counts = _snapshot(org).figures["counts"]
    assert counts["participants"] == len(world.participants)


def _queries(org):
    with CaptureQueriesContext(connection) as captured:
        impact_refresh(organization=org, today=TODAY)
    return len(captured.captured_queries)


def test_queries_are_bounded_whatever_the_number_of_people_and_programs(org):
    # Measured on a second refresh each time, which updates the snapshots the first one created.
    build_world(org, today=TODAY, people=100, participants=20)
    impact_refresh(organization=org, today=TODAY)
    one = _queries(org)
    build_world(org, today=TODAY, seed=9, people=300, participants=60, program_name="Another")
    build_world(org, today=TODAY, seed=10, people=100, participants=20, program_name="A third")
    impact_refresh(organization=org, today=TODAY)
    assert _queries(org) == one <= 12


def test_the_demo_tells_a_modest_story_and_a_second_seed_changes_nothing():
    from organizations import demo
    from programs.models import Program, ProgramStatus
    from reports.models import KpiSnapshot, RoiAssumptions, RollupRun
    from reports.services.roi import roi_estimate

    northwind = demo.seed_demo().organizations["northwind"]
    cohort = Program.objects.for_org(northwind).get(template_key="onboarding_buddy", status=ProgramStatus.CLOSED)
    for program in (None, cohort):
        figures = _snapshot(northwind, program).figures
        difference = figures["difference"]["12"]
        # Real but modest: participants stay more, by well under twenty points, and the interval excludes 0.
        assert 0.05 <= difference["value"] <= 0.2 and difference["low"] > 0
        assert figures["participants"]["retention"]["12"]["value"] > 0.9
        assert figures["logrank"]["p_value"] < 0.05
        assert figures["promotion"]["difference"]["p_value"] > 0.05  # promotions: no claim
        estimate = roi_estimate(organization=northwind, program=program)
        assert estimate["significant"] and estimate["sentence"].startswith("Between ")
    assert RoiAssumptions.objects.for_org(northwind).get().currency == "USD"
    assert KpiSnapshot.objects.for_org(northwind).filter(program=None).count() == 26
    assert RollupRun.objects.for_org(northwind).get().status == "succeeded"

    before = (
        list(ImpactSnapshot.objects.for_org(northwind).order_by("pk").values_list("pk", "computed_at")),
        list(Person.objects.for_org(northwind).order_by("pk").values_list("exit_date", "last_promotion_date")),
    )
    demo.seed_demo()
    after = (
        list(ImpactSnapshot.objects.for_org(northwind).order_by("pk").values_list("pk", "computed_at")),
        list(Person.objects.for_org(northwind).order_by("pk").values_list("exit_date", "last_promotion_date")),
    )
    assert after == before
    assert RollupRun.objects.for_org(northwind).count() == 1
