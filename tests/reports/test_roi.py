"""ROI assumptions (validation naming the field) and the estimate: a range with its plain
sentence when the retention difference is significant, a plain "no" when it is not."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reports.models import RoiAssumptions
from reports.services.impact import impact_refresh
from reports.services.roi import roi_assumptions_for, roi_assumptions_update, roi_estimate
from tests.factories import OrganizationFactory

from .impact_fixtures import build_world, enroll_in_pairs, make_program

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def _errors(org, user=None, **fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        roi_assumptions_update(organization=org, user=user, **fields)
    return caught.value.message_dict


# --- assumptions ------------------------------------------------------------------------------


def test_defaults_until_the_organization_sets_its_own(org, admin_user):
    defaults = roi_assumptions_for(organization=org)
    assert defaults.pk is None and defaults.replacement_cost == Decimal("1.0")
    saved = roi_assumptions_update(organization=org, user=admin_user, average_salary="72000", currency="usd")
    assert saved.pk and saved.updated_by == admin_user
    assert (saved.average_salary, saved.currency) == (Decimal("72000"), "USD")
    again = roi_assumptions_update(organization=org, user=admin_user, platform_cost=5000)
    assert again.pk == saved.pk and again.average_salary == Decimal("72000")
    assert roi_assumptions_for(organization=org).platform_cost == Decimal("5000")
    assert RoiAssumptions.objects.count() == 1
    assert roi_assumptions_for(organization=OrganizationFactory()).pk is None


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"replacement_cost_low": "1.5"}, "replacement_cost_low", "not be above the central"),
        ({"replacement_cost_high": "0.8"}, "replacement_cost_high", "not be below the central"),
        ({"replacement_cost": "5"}, "replacement_cost", "between 0.1 and 4"),
        ({"replacement_cost_low": "0.05"}, "replacement_cost_low", "between 0.1 and 4"),
        ({"average_salary": "-1"}, "average_salary", "0 or more"),
        ({"loaded_hourly_rate": "-0.01"}, "loaded_hourly_rate", "0 or more"),
        ({"coordinator_hours": "-3"}, "coordinator_hours", "0 or more"),
        ({"platform_cost": "lots"}, "platform_cost", "Enter a number"),
        ({"platform_cost": "NaN"}, "platform_cost", "Enter a number"),
        ({"coordinator_hours": "12.25"}, "coordinator_hours", "decimal place"),
        ({"salary_by_level": {"senior": 90000}}, "salary_by_level", "not a level"),
        ({"salary_by_level": {"3": -5}}, "salary_by_level", "more than 0"),
        ({"salary_by_level": {"3": 0}}, "salary_by_level", "more than 0"),
        ({"salary_by_level": {"3": "a lot"}}, "salary_by_level", "not a number"),
        ({"salary_by_level": [40000, 50000]}, "salary_by_level", "level: amount"),
        ({"currency": "euro"}, "currency", "three-letter"),
        ({"discount_rate": "0.05"}, "discount_rate", "not an ROI assumption"),
    ],
)
def test_each_invalid_value_is_refused_naming_its_field(org, fields, field, words):
    errors = _errors(org, **fields)
    assert list(errors) == [field]
    assert words in " ".join(errors[field])
    assert not RoiAssumptions.objects.for_org(org).exists()


def test_every_field_at_fault_is_named_at_once_and_nothing_changes(org, admin_user):
    roi_assumptions_update(organization=org, user=admin_user, average_salary=50000)
    errors = _errors(org, average_salary=-5, replacement_cost=9, salary_by_level={"x": 1})
    assert set(errors) == {"average_salary", "replacement_cost", "salary_by_level"}
    assert roi_assumptions_for(organization=org).average_salary == Decimal("50000")


def test_the_range_is_checked_against_the_saved_values(org, admin_user):
    roi_assumptions_update(organization=org, user=admin_user, replacement_cost_high=3)
    assert "replacement_cost_low" in _errors(org, replacement_cost_low="1.2")
    updated = roi_assumptions_update(
        organization=org, user=admin_user, replacement_cost_low="1.2", replacement_cost="1.5", replacement_cost_high="3"
    )
    assert (updated.replacement_cost_low, updated.replacement_cost) == (Decimal("1.2"), Decimal("1.5"))


def test_salary_by_level_is_stored_by_level(org, admin_user):
    saved = roi_assumptions_update(organization=org, user=admin_user, salary_by_level={" 4": "90000", 1: 40000})
    assert saved.salary_by_level == {"1": 40000.0, "4": 90000.0}
    assert roi_assumptions_update(organization=org, user=admin_user, salary_by_level={}).salary_by_level == {}


# --- the estimate -----------------------------------------------------------------------------


@pytest.fixture
def measured(org):
    world = build_world(org, today=TODAY)
    impact_refresh(organization=org, today=TODAY)
    return world


def test_a_significant_difference_gives_a_range_and_the_plain_sentence(org, measured):
    estimate = roi_estimate(organization=org, program=measured.program)
    assert estimate["significant"] is True and not estimate["hidden"]
    assert estimate["p_value"] < 0.05
    assert estimate["participants"] == len(measured.participants)
    assert estimate["participants_compared"] <= estimate["participants"]
    for key in ("avoided", "savings", "net", "roi"):
        values = estimate[key]
        assert values["low"] < values["value"] < values["high"], key
    assert estimate["sentence"].startswith("Between EUR ")
    assert "; the program's participants left less often than comparable colleagues, p " in estimate["sentence"]
    assert "p = <" not in estimate["sentence"]
    # Avoided departures = measured difference × participants compared.
    difference = estimate["difference"]["value"]
    assert estimate["avoided"]["value"] == pytest.approx(difference * estimate["participants_compared"])


def test_program_cost_is_platform_coordination_and_participants_time(org, admin_user, measured):
    roi_assumptions_update(
        organization=org,
        user=admin_user,
        platform_cost=1000,
        coordinator_hours=100,
        coordinator_hourly_rate=50,
        participant_hours=10,
        loaded_hourly_rate=40,
    )
    estimate = roi_estimate(organization=org, program=measured.program)
    assert estimate["cost"]["value"] == 1000 + 100 * 50 + 150 * 10 * 40


def test_the_range_moves_when_an_assumption_changes(org, admin_user, measured):
    before = roi_estimate(organization=org)
    roi_assumptions_update(organization=org, user=admin_user, replacement_cost_high="3.5")
    wider = roi_estimate(organization=org)
    assert wider["net"]["high"] > before["net"]["high"]
    assert wider["net"]["value"] == pytest.approx(before["net"]["value"])
    roi_assumptions_update(organization=org, user=admin_user, average_salary=120000)
    richer = roi_estimate(organization=org)
    assert richer["savings"]["value"] == pytest.approx(2 * wider["savings"]["value"])
    assert richer["sentence"] != wider["sentence"]


def test_salary_by_level_weighs_the_compared_participants_levels(org, admin_user, measured):
    average = roi_estimate(organization=org, program=measured.program)
    assert average["salary"] == 60000
    salaries = {"1": 30000, "2": 40000, "3": 50000, "4": 60000}
    roi_assumptions_update(organization=org, user=admin_user, salary_by_level=salaries)
    by_level = roi_estimate(organization=org, program=measured.program)
    expected = sum(salaries[str(p.level)] for p in measured.participants) / len(measured.participants)
    assert by_level["salary"] == pytest.approx(expected, rel=0.02)
    # A level without a salary counts at the average salary.
    roi_assumptions_update(organization=org, user=admin_user, average_salary=50000, salary_by_level={"4": 80000})
    partial = roi_estimate(organization=org, program=measured.program)
    share = sum(p.level == 4 for p in measured.participants) / len(measured.participants)
    assert partial["salary"] == pytest.approx(50000 + 30000 * share, rel=0.02)


def test_no_difference_means_no_hopeful_number(org):
    world = build_world(org, today=TODAY, hazard_participants=0.25, hazard_others=0.25, seed=3)
    impact_refresh(organization=org, today=TODAY)
    estimate = roi_estimate(organization=org, program=world.program)
    assert estimate["significant"] is False and not estimate["hidden"]
    for key in ("avoided", "savings", "net", "roi"):
        assert estimate[key]["value"] is None
    assert estimate["cost"]["value"] > 0
    assert "is not statistically significant (p = " in estimate["sentence"]
    assert "no return is claimed" in estimate["sentence"]
    assert "Between" not in estimate["sentence"]


def test_participants_leaving_more_often_is_said_plainly(org):
    world = build_world(org, today=TODAY, hazard_participants=0.6, hazard_others=0.15, seed=4)
    impact_refresh(organization=org, today=TODAY)
    estimate = roi_estimate(organization=org, program=world.program)
    assert estimate["significant"] is False
    assert "left more often than comparable colleagues" in estimate["sentence"]
    assert estimate["roi"]["value"] is None


def test_before_twelve_months_nothing_is_claimed(org):
    world = build_world(org, today=TODAY, start_days_ago=200)
    impact_refresh(organization=org, today=TODAY)
    estimate = roi_estimate(organization=org, program=world.program)
    assert estimate["significant"] is False
    assert estimate["sentence"].startswith("No return is claimed yet")
    assert estimate["avoided"] == {"value": None, "low": None, "high": None}


def test_hidden_groups_and_missing_snapshots_are_hidden(org, measured):
    small = make_program(org, name="Pilot", start_date=TODAY - timedelta(days=500))
    enroll_in_pairs(small, measured.others[:3])
    impact_refresh(organization=org, today=TODAY)
    estimate = roi_estimate(organization=org, program=small)
    assert estimate["hidden"] is True and "Fewer than 5" in estimate["hidden_reason"]
    assert estimate["significant"] is False and estimate["net"]["value"] is None
    fresh = OrganizationFactory()
    nothing = roi_estimate(organization=fresh)
    assert nothing["hidden"] is True and "not been computed" in nothing["hidden_reason"]
