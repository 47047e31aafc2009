"""Audience rules: who matches, why someone does not, and which rules are refused."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from programs.audience import (
    audience_count,
    audience_queryset,
    describe_audience,
    empty_audience,
    ineligibility_reasons,
    validate_audience,
)
from tests.factories import OrganizationFactory, PersonFactory

TODAY = date(2025, 6, 15)


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


@pytest.fixture
def people(org):
    make = lambda name, **kw: PersonFactory(organization=org, name=name, **kw)  # noqa: E731
    return {
        "ada": make("Ada", department="Engineering", level=3, location="Berlin", hire_date=date(2024, 1, 10)),
        "bo": make("Bo", department="Product", level=5, location="Lisbon", hire_date=date(2025, 3, 1)),
        "cy": make("Cy", department="Sales", level=2, location="Berlin", hire_date=date(2020, 5, 5)),
        "di": make("Di", department="engineering", level=None, location="", hire_date=None),
        "ex": make("Ex", department="Engineering", level=3, exit_date=date(2025, 6, 1)),
        "fu": make("Fu", department="Engineering", level=4, exit_date=date(2025, 9, 1)),
        "gi": make("Gi", department="Sales", custom_attributes={"cohort": "2025", "Cost centre": "A1"}),
    }


def test_empty_rules_mean_every_active_person(org, people):
    everyone = ["Ada", "Bo", "Cy", "Di", "Fu", "Gi"]  # Ex left; Fu leaves in the future, still active
    assert names(audience_queryset(organization=org, rules={}, today=TODAY)) == everyone
    assert names(audience_queryset(organization=org, rules=empty_audience(), today=TODAY)) == everyone
    assert ineligibility_reasons(person=people["ada"], rules={}, today=TODAY) == []


def test_other_organizations_people_never_match(org, people):
    other = OrganizationFactory()
    PersonFactory(organization=other, name="Zed", department="Engineering")
    assert "Zed" not in names(audience_queryset(organization=org, rules={"departments": ["Engineering"]}, today=TODAY))


def test_departments_match_case_insensitively(org, people):
    rules = {"departments": ["Engineering", "Product"]}
    assert names(audience_queryset(organization=org, rules=rules, today=TODAY)) == ["Ada", "Bo", "Di", "Fu"]
    assert ineligibility_reasons(person=people["cy"], rules=rules, today=TODAY) == [
        "This program is for Engineering and Product; you are in Sales."
    ]


def test_level_range_excludes_unknown_levels(org, people):
    rules = {"level_min": 3, "level_max": 4}
    assert names(audience_queryset(organization=org, rules=rules, today=TODAY)) == ["Ada", "Fu", "Gi"]
    assert ineligibility_reasons(person=people["bo"], rules=rules, today=TODAY) == [
        "This program is for levels 3 to 4; you are at level 5."
    ]
    assert ineligibility_reasons(person=people["di"], rules=rules, today=TODAY) == [
        "This program is for levels 3 to 4; your level is not in the directory."
    ]
    assert ineligibility_reasons(person=people["cy"], rules={"level_min": 3}, today=TODAY) == [
        "This program is for level 3 and above; you are at level 2."
    ]


def test_locations(org, people):
    rules = {"locations": ["berlin"]}
    assert names(audience_queryset(organization=org, rules=rules, today=TODAY)) == ["Ada", "Cy"]
    assert ineligibility_reasons(person=people["bo"], rules=rules, today=TODAY) == [
        "This program is for people in berlin; you are in Lisbon."
    ]


def test_hire_dates_are_strict_bounds(org, people):
    rules = {"hired_after": "2024-01-10", "hired_before": "2025-06-01"}
    assert names(audience_queryset(organization=org, rules=rules, today=TODAY)) == ["Bo"]
    assert ineligibility_reasons(person=people["ada"], rules=rules, today=TODAY) == [
        "This program is for people hired after 10 January 2024 and before 1 June 2025; "
        "you were hired on 10 January 2024."
    ]


def test_tenure_in_whole_months(org, people):
    # Ada: 17 months (Jan 2024 → Jun 2025); Bo: 3 months; Cy: 61 months.
    assert names(audience_queryset(organization=org, rules={"tenure_months_min": 12}, today=TODAY)) == ["Ada", "Cy"]
    assert names(audience_queryset(organization=org, rules={"tenure_months_max": 3}, today=TODAY)) == ["Bo"]
    assert names(audience_queryset(organization=org, rules={"tenure_months_max": 2}, today=TODAY)) == []
    rules = {"tenure_months_min": 6, "tenure_months_max": 24}
    assert names(audience_queryset(organization=org, rules=rules, today=TODAY)) == ["Ada"]
    assert ineligibility_reasons(person=people["bo"], rules=rules, today=TODAY) == [
        "This program is for people with 6 to 24 months in the organization; you have 3 months."
    ]
    assert ineligibility_reasons(person=people["di"], rules=rules, today=TODAY) == [
        "This program is for people with 6 to 24 months in the organization; your hire date is not in the directory."
    ]


def test_tenure_boundary_agrees_between_count_and_reasons(org):
    # Hired exactly three months ago (to the day): three whole months.
    person = PersonFactory(organization=org, name="Edge", hire_date=date(2025, 3, 15))
    for rules, eligible in [
        ({"tenure_months_min": 3}, True),
        ({"tenure_months_min": 4}, False),
        ({"tenure_months_max": 3}, True),
        ({"tenure_months_max": 2}, False),
    ]:
        matched = audience_queryset(organization=org, rules=rules, today=TODAY).filter(pk=person.pk).exists()
        assert matched is eligible, rules
        assert (ineligibility_reasons(person=person, rules=rules, today=TODAY) == []) is eligible, rules


def test_custom_attributes_any_key(org, people):
    assert names(audience_queryset(organization=org, rules={"custom": {"cohort": ["2025"]}}, today=TODAY)) == ["Gi"]
    assert names(audience_queryset(organization=org, rules={"custom": {"Cost centre": ["a1"]}}, today=TODAY)) == ["Gi"]
    rules = {"custom": {"cohort": ["2024", "2026"]}}
    assert ineligibility_reasons(person=people["gi"], rules=rules, today=TODAY) == [
        "This program is for people whose cohort is 2024 or 2026; yours is 2025."
    ]
    assert ineligibility_reasons(person=people["ada"], rules=rules, today=TODAY) == [
        "This program is for people whose cohort is 2024 or 2026; yours is not in the directory."
    ]


def test_a_person_who_left_is_told_so(org, people):
    reasons = ineligibility_reasons(person=people["ex"], rules={}, today=TODAY)
    assert reasons == ["The directory shows that you left the organization on 1 June 2025."]


def test_every_unmet_rule_gets_its_sentence(org, people):
    rules = {"departments": ["Engineering"], "locations": ["Lisbon"], "level_min": 4}
    assert len(ineligibility_reasons(person=people["cy"], rules=rules, today=TODAY)) == 3
    assert audience_count(organization=org, rules=rules, today=TODAY) == 0


@pytest.mark.parametrize(
    "rules, field",
    [
        ({"level_min": 5, "level_max": 3}, "level_max"),
        ({"tenure_months_min": 12, "tenure_months_max": 6}, "tenure_months_max"),
        ({"hired_after": "2025-01-01", "hired_before": "2024-01-01"}, "hired_before"),
        ({"hired_after": "yesterday"}, "hired_after"),
        ({"level_min": "three"}, "level_min"),
        ({"level_min": 2.5}, "level_min"),
        ({"tenure_months_min": -1}, "tenure_months_min"),
        ({"departments": {"a": 1}}, "departments"),
        ({"custom": ["cohort"]}, "custom"),
        ({"custom": {"cohort": []}}, "custom"),
        ({"department": ["Sales"]}, "department"),
        ("everyone", "audience"),
    ],
)
def test_invalid_rules_name_the_field(rules, field):
    with pytest.raises(ValidationError) as raised:
        validate_audience(rules)
    assert field in raised.value.message_dict


def test_validation_normalizes():
    cleaned = validate_audience({"departments": " Sales ", "level_min": "2", "hired_after": date(2025, 1, 1)})
    assert cleaned == {**empty_audience(), "departments": ["Sales"], "level_min": 2, "hired_after": "2025-01-01"}
    assert validate_audience({"departments": ["Sales", "sales", ""]})["departments"] == ["Sales"]


def test_description_reads_as_phrases():
    rules = {"departments": ["Engineering", "Product"], "level_min": 3, "tenure_months_min": 6}
    assert describe_audience(rules) == [
        "In Engineering or Product",
        "Level 3 and above",
        "With at least 6 months in the organization",
    ]
    assert describe_audience({}) == []
