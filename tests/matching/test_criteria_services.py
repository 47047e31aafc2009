"""Criteria and settings: a kind must suit what it compares, numbers must be finite, and a
refused change saves nothing; a template's hints become criteria once."""

import pytest
from django.core.exceptions import ValidationError

from matching.models import MatchingCriterion
from matching.services.criteria import (
    criteria_from_hints,
    criterion_create,
    criterion_delete,
    criterion_update,
    matching_settings_for,
    matching_settings_update,
)
from programs.models import MentoringModel, ProgramStatus
from programs.services.design import program_create_from_template

from ..factories import OrganizationFactory
from .engine_fixtures import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return build(org, mentees={"Ana": {"wants": ["sql"]}}, mentors={"Bo": ({"offers": ["sql"]}, 1)})


def _errors(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def _create(world, **fields):
    return lambda: criterion_create(organization=world.org, program=world.program, user=world.manager, **fields)


def test_an_overlap_on_choice_questions_is_saved_in_order(world):
    first = world.criterion("wants", "offers", weight=3, label="What you want ↔ what they offer")
    second = world.criterion("zone", kind="same")
    assert (first.order, second.order) == (0, 1)
    assert first.mentee_question.key == "wants" and first.mentor_question.key == "offers"
    assert first.weight == 3.0


@pytest.mark.parametrize(
    ("kind", "mentee_key", "mentor_key", "field", "words"),
    [
        ("overlap", "year", "year", "mentee_question", "number question"),
        ("same", "wants", "offers", "mentee_question", "multiple choice question"),
        ("gap", "zone", "zone", "mentee_question", "single choice question"),
        ("same", "zone", "city", "mentor_question", "same type"),
        ("different", "about", "about", "mentee_question", "long text question"),
    ],
)
def test_a_kind_on_questions_of_the_wrong_type_is_refused(world, kind, mentee_key, mentor_key, field, words):
    fields = {
        "kind": kind,
        "label": "x",
        "mentee_question": world.question("mentee", mentee_key),
        "mentor_question": world.question("mentor", mentor_key),
        "gap_target": 1,
    }
    errors = _errors(_create(world, **fields))
    assert words in errors[field][0]
    assert not MatchingCriterion.objects.exists()


@pytest.mark.parametrize("weight", [float("nan"), float("inf"), -1, 101, "heavy", True, None])
def test_weights_must_be_finite_numbers_from_0_to_100(world, weight):
    errors = _errors(_create(world, kind="different", attribute="department", label="Other department", weight=weight))
    assert list(errors) == ["weight"]


def test_questions_must_come_from_this_programs_own_intake_on_the_right_side(org, world):
    other = build(org, name="Other program", mentees={"Cy": {"wants": ["sql"]}}, mentors={"Di": ({}, 1)})
    fields = {"kind": "overlap", "label": "x"}
    errors = _errors(
        _create(
            world,
            **fields,
            mentee_question=other.question("mentee", "wants"),
            mentor_question=world.question("mentor", "offers"),
        )
    )
    assert "this program's mentees' intake" in errors["mentee_question"][0]
    errors = _errors(
        _create(
            world,
            **fields,
            mentee_question=world.question("mentor", "offers"),
            mentor_question=world.question("mentee", "wants"),
        )
    )
    assert set(errors) == {"mentee_question", "mentor_question"}


def test_a_directory_field_must_suit_the_kind_and_not_come_with_questions(world):
    errors = _errors(_create(world, kind="overlap", attribute="department", label="x"))
    assert "languages" in errors["attribute"][0]
    errors = _errors(
        _create(world, kind="same", attribute="team", label="x", mentee_question=world.question("mentee", "zone"))
    )
    assert "not both" in errors["attribute"][0]
    assert "mentee_question" in _errors(_create(world, kind="same", label="x"))


def test_a_gap_needs_a_finite_target_and_ordered_bounds(world):
    base = {"kind": "gap", "label": "One or two years ahead", "attribute": "level"}
    assert "gap_target" in _errors(_create(world, **base))
    assert "gap_target" in _errors(_create(world, **base, gap_target=float("nan")))
    assert "gap_tolerance" in _errors(_create(world, **base, gap_target=1, gap_tolerance=-1))
    assert "gap_hard_max" in _errors(_create(world, **base, gap_target=1, gap_hard_min=2, gap_hard_max=1))
    saved = criterion_create(
        organization=world.org, program=world.program, **base, gap_target=1.5, gap_tolerance=0.5, gap_hard_min=0
    )
    assert (saved.gap_target, saved.gap_tolerance, saved.gap_hard_min, saved.gap_hard_max) == (1.5, 0.5, 0.0, None)


def test_counting_both_ways_is_for_overlaps_in_peer_programs_only(org, world):
    fields = {"kind": "overlap", "label": "x", "reciprocal": True}
    errors = _errors(
        _create(
            world,
            **fields,
            mentee_question=world.question("mentee", "wants"),
            mentor_question=world.question("mentor", "offers"),
        )
    )
    assert "peer program" in errors["reciprocal"][0]
    peers = build(org, name="Peers", model=MentoringModel.PEER_COACHING, peers={"Ana": {}, "Bo": {}})
    saved = peers.criterion("wants", "offers", reciprocal=True)
    assert saved.reciprocal and saved.mentee_question.questionnaire_id == peers.program.peer_questionnaire_id


def test_a_refused_update_leaves_the_criterion_as_it_was(world):
    criterion = world.criterion("wants", "offers", weight=2)
    errors = _errors(
        lambda: criterion_update(organization=world.org, criterion=criterion, weight=float("inf"), label="Changed")
    )
    assert list(errors) == ["weight"]
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.label) == (2.0, "overlap wants")
    updated = criterion_update(organization=world.org, criterion=criterion, weight=5, required=True)
    assert (updated.weight, updated.required) == (5.0, True)
    criterion.refresh_from_db()
    assert criterion.weight == 5.0


def test_unknown_fields_and_another_organizations_objects_are_refused(world):
    assert "colour" in _errors(_create(world, kind="same", attribute="team", label="x", colour="red"))
    stranger = OrganizationFactory()
    with pytest.raises(ValidationError):
        criterion_create(organization=stranger, program=world.program, kind="same", attribute="team", label="x")


def test_delete_and_the_closed_program_rule(world):
    criterion = world.criterion("wants", "offers")
    criterion_delete(organization=world.org, criterion=criterion, user=world.manager)
    assert not MatchingCriterion.objects.exists()
    world.program.status = ProgramStatus.CLOSED
    world.program.save()
    assert "closed" in _errors(_create(world, kind="same", attribute="team", label="x"))["program"][0]


def test_settings_are_made_on_first_use_and_checked_before_saving(world):
    settings = matching_settings_for(world.program)
    assert (settings.min_score, settings.preference_bonus, settings.exclude_reporting_line) == (None, 10.0, True)
    errors = _errors(
        lambda: matching_settings_update(
            organization=world.org,
            program=world.program,
            min_score=float("nan"),
            preference_bonus=-3,
            suggestions_shown=50,
            mode="chaos",
        )
    )
    assert set(errors) == {"min_score", "preference_bonus", "suggestions_shown", "mode"}
    assert matching_settings_for(world.program).min_score is None
    saved = matching_settings_update(
        organization=world.org, program=world.program, min_score=40, exclude_previous_pairs=False
    )
    assert (saved.min_score, saved.exclude_previous_pairs) == (40.0, False)
    cleared = matching_settings_update(organization=world.org, program=world.program, min_score=None)
    assert cleared.min_score is None


def test_a_templates_hints_become_criteria_once(org, admin_user):
    program = program_create_from_template(organization=org, template_key="reverse_mentoring", actor=admin_user)
    matching_settings_update(organization=org, program=program, exclude_reporting_line=False)

    created = criteria_from_hints(organization=org, program=program, user=admin_user)

    described = {
        (c.kind, c.attribute or f"{c.mentee_question.key}/{c.mentor_question.key}", c.weight, c.required)
        for c in created
    }
    assert described == {
        ("overlap", "skills_wanted/skills_offered", 3.0, False),
        ("gap", "level", 1.0, True),
        ("different", "department", 2.0, False),
        ("same", "time_zone/time_zone", 1.0, False),
        ("overlap", "languages/languages", 2.0, False),
    }
    gap = next(c for c in created if c.kind == "gap")
    # "The leader is at least three levels above the mentor": mentor − mentee is −3 or less.
    assert gap.gap_hard_max == -3 and gap.gap_hard_min is None and gap.gap_target < -3
    assert matching_settings_for(program).exclude_reporting_line is True
    assert criteria_from_hints(organization=org, program=program, user=admin_user) == []
    assert MatchingCriterion.objects.filter(program=program).count() == 5


def test_hints_that_fit_no_question_are_skipped(org, admin_user):
    program = program_create_from_template(organization=org, template_key="student_near_peer", actor=admin_user)
    program.matching_hints = [*program.matching_hints, {"kind": "overlap", "key": "no_such_question", "weight": 1}]
    program.save()
    created = criteria_from_hints(organization=org, program=program, user=admin_user)
    keys = {c.mentee_question.key if c.mentee_question else c.attribute for c in created}
    assert "no_such_question" not in keys
    near_peer = next(c for c in created if c.kind == "gap")
    assert (near_peer.gap_target, near_peer.gap_tolerance, near_peer.gap_hard_min, near_peer.gap_hard_max) == (
        1.5,
        0.5,
        1.0,
        2.0,
    )
