"""The cohort: the pool's answers and directory fields as scoring criteria, the hard rules as
forbidden pairs, in a fixed number of queries."""

from datetime import date

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.cohort import ASKED_NOT, PREVIOUS_PAIR, REPORTING_LINE, build_cohort, cohort_scores
from matching.features import tenure_years, time_zone_band
from matching.models import MatchPreference, MatchRunKind, PairExclusion
from mentorships.models import MentorshipStatus
from programs.models import MentoringModel, ProgramStatus

from ..factories import MentorshipFactory
from .engine_fixtures import build, make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("zone", "day", "band"),
    [
        ("Europe/London", date(2026, 1, 15), "utc_0_p2"),
        ("Europe/Berlin", date(2026, 7, 15), "utc_0_p2"),
        ("America/Los_Angeles", date(2026, 1, 15), "utc_m8_m5"),
        ("America/Sao_Paulo", date(2026, 1, 15), "utc_m4_m1"),
        ("Asia/Kolkata", date(2026, 1, 15), "utc_p3_p5"),
        ("Asia/Kathmandu", date(2026, 1, 15), "utc_p3_p5"),
        ("Asia/Singapore", date(2026, 1, 15), "utc_p6_p9"),
        ("Australia/Sydney", date(2026, 1, 15), "utc_p10_p13"),
        ("Pacific/Honolulu", date(2026, 1, 15), "utc_m8_m5"),
        ("Not/AZone", date(2026, 1, 15), None),
        ("", date(2026, 1, 15), None),
    ],
)
def test_time_zone_bands_match_the_intake_question_values(zone, day, band):
    assert time_zone_band(zone, on=day) == band


def test_tenure_is_years_since_hire_and_unknown_without_a_date():
    assert tenure_years(date(2020, 1, 1), on=date(2026, 1, 1)) == pytest.approx(6.0, abs=0.01)
    assert tenure_years(date(2027, 1, 1), on=date(2026, 1, 1)) == 0
    assert tenure_years(None, on=date(2026, 1, 1)) is None


def test_answers_and_directory_fields_become_typed_criterion_values(org):
    world = build(
        org,
        mentees={"Ana": {"wants": ["sql", "python"], "zone": "emea", "year": 1, "city": " Lisbon "}},
        mentors={"Bo": ({"offers": ["sql"], "zone": "amer", "year": 3, "city": "lisbon"}, 2)},
        people={
            "Ana": {"department": "Sales", "languages": ["en", "pt"], "time_zone": "Europe/Lisbon", "level": 2},
            "Bo": {"department": "", "languages": [], "time_zone": "America/Chicago", "level": 5},
        },
    )
    world.criterion("wants", "offers")
    world.criterion("zone", kind="same")
    world.criterion("year", kind="gap", gap_target=1.5, gap_tolerance=0.5)
    world.criterion("city", kind="same")
    world.criterion(kind="different", attribute="department")
    world.criterion(kind="overlap", attribute="languages")
    world.criterion(kind="same", attribute="time_zone")
    world.criterion(kind="gap", attribute="level", gap_target=2)

    cohort = build_cohort(world.program)

    assert cohort.kind == MatchRunKind.PAIRS
    assert [e.person.name for e in cohort.mentees] == ["Ana"]
    assert list(cohort.capacity) == [2]
    wants, zone, year, city, department, languages, band, level = cohort.criteria
    assert wants.mentee_values == [frozenset({"sql", "python"})] and wants.mentor_values == [frozenset({"sql"})]
    assert wants.value_labels["sql"] == "SQL"
    assert (zone.mentee_values, zone.mentor_values) == (["emea"], ["amer"])
    assert (year.mentee_values, year.mentor_values) == ([1.0], [3.0])
    assert city.mentee_values == city.mentor_values == ["lisbon"]  # free text compared without case
    assert city.value_labels["lisbon"] == "Lisbon"
    assert department.mentee_values == ["Sales"] and department.mentor_values == [None]
    assert languages.mentee_values == [frozenset({"en", "pt"})] and languages.mentor_values == [None]
    assert languages.value_labels["pt"] == "Portuguese"
    assert band.mentee_values == ["utc_0_p2"] and band.mentor_values == ["utc_m8_m5"]
    assert (level.mentee_values, level.mentor_values) == ([2.0], [5.0])
    assert wants.key.startswith("c") and wants.label == "overlap wants"


def test_the_reporting_line_is_forbidden_both_ways_and_only_when_the_rule_is_on(org):
    boss = make_person(org, "Boss")
    lead = make_person(org, "Lead", manager=boss)
    world = build(
        org,
        mentees={"Report": {"wants": ["sql"]}, "Chief": {"wants": ["sql"]}},
        mentors={"Boss": ({"offers": ["sql"]}, 2), "Lead": ({"offers": ["sql"]}, 2), "Other": ({"offers": ["sql"]}, 2)},
        people={"Boss": boss, "Lead": lead, "Report": {"manager": lead}, "Other": {}, "Chief": {}},
    )
    # Chief is above Other in the chain: a mentee managing a mentor is forbidden too.
    world.people["Other"].manager = world.people["Chief"]
    world.people["Other"].save()
    world.criterion("wants", "offers")

    cohort = build_cohort(world.program)
    names = [(cohort.mentees[i].person.name, cohort.mentors[j].person.name) for i, j in cohort.forbidden_pairs]
    assert sorted(names) == [("Chief", "Other"), ("Report", "Boss"), ("Report", "Lead")]
    i, j = cohort.mentee_index()[world["Report"].pk], cohort.mentor_index()[world["Boss"].pk]
    assert cohort.forbidden_reasons[(i, j)] == [REPORTING_LINE]
    assert not cohort_scores(cohort).allowed[i, j]

    world.settings(exclude_reporting_line=False)
    assert len(build_cohort(world.program).forbidden_pairs) == 0


def test_earlier_pairs_in_this_program_or_an_earlier_cycle_are_forbidden(org):
    earlier = build(org, mentees={"Ana": {"wants": ["sql"]}}, mentors={"Bo": ({"offers": ["sql"]}, 1)}, name="2025")
    MentorshipFactory(
        program=earlier.program, members=[earlier["Ana"], earlier["Bo"]], status=MentorshipStatus.COMPLETED
    )
    world = build(
        org,
        mentees={"Ana": {"wants": ["sql"]}, "Cy": {"wants": ["sql"]}},
        mentors={"Bo": ({"offers": ["sql"]}, 2)},
        people={"Ana": earlier.people["Ana"], "Bo": earlier.people["Bo"]},
        copied_from=earlier.program,
    )
    world.criterion("wants", "offers")

    cohort = build_cohort(world.program)
    assert list(map(tuple, cohort.forbidden_pairs)) == [(cohort.mentee_index()[world["Ana"].pk], 0)]
    assert list(cohort.forbidden_reasons.values()) == [[PREVIOUS_PAIR]]

    world.settings(exclude_previous_pairs=False)
    assert len(build_cohort(world.program).forbidden_pairs) == 0


def test_please_not_lists_count_both_ways_and_preferences_add_the_bonus(org):
    world = build(
        org,
        mentees={"Ana": {"wants": ["sql"]}, "Cy": {"wants": ["sql"]}},
        mentors={"Bo": ({"offers": ["sql"]}, 1), "Di": ({"offers": ["sql"]}, 1)},
    )
    world.criterion("wants", "offers")
    world.settings(preference_bonus=15)
    PairExclusion.objects.create(organization=org, enrollment=world["Di"], excluded_person=world.people["Ana"])
    PairExclusion.objects.create(organization=org, enrollment=world["Cy"], excluded_person=world.people["Bo"])
    MatchPreference.objects.create(organization=org, enrollment=world["Ana"], preferred_person=world.people["Bo"])

    cohort = build_cohort(world.program)
    ana, cy = cohort.mentee_index()[world["Ana"].pk], cohort.mentee_index()[world["Cy"].pk]
    bo, di = cohort.mentor_index()[world["Bo"].pk], cohort.mentor_index()[world["Di"].pk]
    assert cohort.forbidden_reasons == {(ana, di): [ASKED_NOT], (cy, bo): [ASKED_NOT]}
    assert cohort.preferred_pairs.tolist() == [[ana, bo]]
    matrix = cohort_scores(cohort)
    assert matrix.scores[ana, bo] == pytest.approx(115.0)
    assert matrix.scores[cy, di] == pytest.approx(100.0)
    assert not matrix.allowed[ana, di] and not matrix.allowed[cy, bo]


def test_people_in_live_mentorships_leave_the_pool_and_mentors_keep_their_free_places(org):
    world = build(
        org,
        mentees={"Ana": {"wants": ["sql"]}, "Cy": {"wants": ["sql"]}, "Ed": {"wants": ["sql"]}},
        mentors={"Bo": ({"offers": ["sql"]}, 2), "Di": ({"offers": ["sql"]}, 1)},
    )
    world.criterion("wants", "offers")
    MentorshipFactory(program=world.program, members=[world["Bo"], world["Ana"]])
    MentorshipFactory(program=world.program, members=[world["Di"], world["Cy"]], status=MentorshipStatus.ENDED_EARLY)

    cohort = build_cohort(world.program)
    assert sorted(e.person.name for e in cohort.mentees) == ["Cy", "Ed"]
    assert dict(zip([e.person.name for e in cohort.mentors], cohort.capacity.tolist(), strict=True)) == {
        "Bo": 1,
        "Di": 1,
    }

    everyone = build_cohort(world.program, free_only=False)
    assert len(everyone.mentees) == 3 and everyone.capacity.tolist() == [2, 1]

    locked = build_cohort(world.program, locked=[[(world["Ed"].pk, "mentee"), (world["Di"].pk, "mentor")]])
    assert [e.person.name for e in locked.mentees] == ["Cy"]
    assert locked.capacity.tolist() == [1, 0]


def test_peer_programs_have_one_symmetric_pool_with_nobody_matched_to_themselves(org):
    world = build(
        org,
        model=MentoringModel.PEER_CIRCLES,
        peers={
            "Ana": {"wants": ["sql"], "offers": ["python"]},
            "Bo": {"wants": ["python"], "offers": ["leadership"]},
            "Cy": {"wants": ["leadership"], "offers": ["sql"]},
        },
        group_size_min=2,
        group_size_max=3,
    )
    world.criterion("wants", "offers", reciprocal=True)

    cohort = build_cohort(world.program)
    assert cohort.kind == MatchRunKind.CIRCLES and cohort.mentees is cohort.mentors
    assert cohort.criteria[0].reciprocal and cohort.criteria[0].mentee_offers is not None
    matrix = cohort_scores(cohort)
    assert np.allclose(matrix.scores, matrix.scores.T)
    assert not matrix.allowed.diagonal().any()


def test_rotation_rounds_remember_who_met_instead_of_forbidding_them(org):
    world = build(org, model=MentoringModel.ROTATION, peers={n: {"wants": ["sql"]} for n in ("Ana", "Bo", "Cy", "Di")})
    world.criterion("wants", "offers")
    MentorshipFactory(program=world.program, members=[world["Ana"], world["Bo"]])

    cohort = build_cohort(world.program)
    assert cohort.kind == MatchRunKind.ROTATION
    assert len(cohort.mentees) == 4  # a live round does not keep anyone out of the next
    assert len(cohort.forbidden_pairs) == 0
    ana, bo = cohort.mentee_index()[world["Ana"].pk], cohort.mentee_index()[world["Bo"].pk]
    assert sorted(map(tuple, cohort.met_pairs.tolist())) == sorted([(ana, bo), (bo, ana)])


def _queries(program):
    with CaptureQueriesContext(connection) as captured:
        cohort = build_cohort(program)
        cohort_scores(cohort)
    return len(captured.captured_queries), cohort


def test_the_number_of_queries_does_not_grow_with_the_pool(org):
    def world_of(size, name):
        world = build(
            org,
            name=name,
            mentees={f"{name} mentee {n}": {"wants": ["sql"], "zone": "emea"} for n in range(size)},
            mentors={f"{name} mentor {n}": ({"offers": ["sql"], "zone": "amer"}, 2) for n in range(size)},
        )
        world.criterion("wants", "offers")
        world.criterion("zone", kind="same")
        world.criterion(kind="different", attribute="department")
        first = next(iter(world.enrollments.values()))
        PairExclusion.objects.create(
            organization=org, enrollment=first, excluded_person=world.people[f"{name} mentor 0"]
        )
        MatchPreference.objects.create(
            organization=org, enrollment=first, preferred_person=world.people[f"{name} mentor 1"]
        )
        return world

    small_queries, small = _queries(world_of(2, "Small").program)
    large_queries, large = _queries(world_of(12, "Large").program)
    assert len(small.mentees) == 2 and len(large.mentees) == 12
    assert large_queries == small_queries <= 20


def test_a_recruiting_program_still_builds_from_its_approved_pool(org):
    world = build(org, status=ProgramStatus.RECRUITING, mentees={"Ana": {"wants": ["sql"]}}, mentors={"Bo": ({}, 1)})
    cohort = build_cohort(world.program)
    assert [e.person.name for e in cohort.mentors] == ["Bo"] and cohort.criteria == []
