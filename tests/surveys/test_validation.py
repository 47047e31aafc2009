"""The answer rules (surveys/validation.py): pure, no database."""

import datetime
from decimal import Decimal

import pytest

from surveys import validation as v
from surveys.validation import AnswerError, ChoiceRule, QuestionRules, validate_answer, validate_definition

CHOICES = (ChoiceRule(1, "grow", "Grow"), ChoiceRule(2, "lead", "Lead"), ChoiceRule(3, "old", "Old one", retired=True))


def rules(type, **kwargs):
    return QuestionRules(type=type, **kwargs)


def error_of(rules_, raw):
    with pytest.raises(AnswerError) as caught:
        validate_answer(rules_, raw)
    return caught.value.message


# --- required and empty ---------------------------------------------------------------------


@pytest.mark.parametrize("type", v.TYPES)
@pytest.mark.parametrize("raw", [None, "", "   ", [], [""]])
def test_a_missing_required_answer_is_refused_for_every_type(type, raw):
    assert error_of(rules(type, required=True, choices=CHOICES), raw) == "This question is required."


@pytest.mark.parametrize("type", v.TYPES)
def test_an_empty_optional_answer_is_none(type):
    assert validate_answer(rules(type, choices=CHOICES), "") is None
    assert validate_answer(rules(type, choices=CHOICES), None) is None


# --- single and multiple choice -------------------------------------------------------------


@pytest.mark.parametrize("raw", ["grow", 1, "1", ["grow"], " grow "])
def test_single_choice_by_value_or_id_from_forms_or_json(raw):
    assert validate_answer(rules("single", choices=CHOICES), raw) == 1


@pytest.mark.parametrize("raw", ["nope", 99, "99"])
def test_a_choice_that_is_not_this_questions_is_refused(raw):
    # A choice id of another question, or of another organization, is simply not among these.
    assert "is not one of the choices" in error_of(rules("single", choices=CHOICES), raw)


def test_a_retired_choice_is_refused_with_its_own_message():
    assert error_of(rules("single", choices=CHOICES), "old") == "“Old one” is no longer offered; choose another option."
    assert "no longer offered" in error_of(rules("multiple", choices=CHOICES), [1, 3])


@pytest.mark.parametrize("raw", [True, 1.5, {"id": 1}, ["grow", "lead"]])
def test_single_choice_of_the_wrong_type_is_refused(raw):
    error_of(rules("single", choices=CHOICES), raw)


def test_multiple_choice_keeps_the_choice_list_order_and_drops_duplicates():
    assert validate_answer(rules("multiple", choices=CHOICES), ["lead", 1, "2"]) == [1, 2]
    assert validate_answer(rules("multiple", choices=CHOICES), "lead") == [2]


def test_multiple_choice_min_and_max_bound_how_many_are_picked():
    bounded = rules("multiple", choices=CHOICES, min_value=Decimal(2), max_value=Decimal(2))
    assert error_of(bounded, ["grow"]) == "Choose at least 2."
    assert validate_answer(bounded, ["grow", "lead"]) == [1, 2]
    assert error_of(rules("multiple", choices=CHOICES, max_value=Decimal(1)), [1, 2]) == "Choose at most 1."


def test_multiple_choice_refuses_an_object():
    assert error_of(rules("multiple", choices=CHOICES), {"grow": True}) == "Give a list of choices."


# --- scales -------------------------------------------------------------------------------


@pytest.mark.parametrize(("low", "high"), v.SCALES)
def test_scales_accept_their_whole_range(low, high):
    scale = rules("scale", min_value=Decimal(low), max_value=Decimal(high))
    assert validate_answer(scale, low) == low
    assert validate_answer(scale, str(high)) == high
    assert error_of(scale, high + 1) == f"Choose a number from {low} to {high}."
    assert error_of(scale, low - 1) == f"Choose a number from {low} to {high}."


@pytest.mark.parametrize("raw", ["3.5", 3.5, "three", True, [3, 4]])
def test_a_scale_answer_must_be_one_whole_number(raw):
    error_of(rules("scale", min_value=Decimal(1), max_value=Decimal(5)), raw)


def test_a_scale_accepts_a_whole_float_from_json():
    assert validate_answer(rules("scale", min_value=Decimal(0), max_value=Decimal(10)), 7.0) == 7


# --- numbers ------------------------------------------------------------------------------


def test_numbers_from_forms_and_json_become_decimals():
    number = rules("number", min_value=Decimal(1), max_value=Decimal(20))
    assert validate_answer(number, "6") == Decimal(6)
    assert validate_answer(number, 2.5) == Decimal("2.5")
    assert validate_answer(number, Decimal("19.99")) == Decimal("19.99")


def test_a_number_outside_min_and_max_is_refused_naming_the_bound():
    number = rules("number", min_value=Decimal(1), max_value=Decimal("20.5"))
    assert error_of(number, 0) == "Enter a number of at least 1."
    assert error_of(number, "21") == "Enter a number of at most 20.5."


@pytest.mark.parametrize("raw", ["six", "NaN", "Infinity", True, {"n": 1}, "1e20"])
def test_a_number_of_the_wrong_type_or_size_is_refused(raw):
    error_of(rules("number"), raw)


def test_a_number_with_more_than_two_decimals_is_refused():
    assert error_of(rules("number"), "1.234") == "Use at most 2 decimal places."
    assert validate_answer(rules("number"), "1.230") == Decimal("1.23")


# --- text ---------------------------------------------------------------------------------


def test_short_text_is_stripped_and_collapsed_to_one_line():
    assert validate_answer(rules("short_text"), "  Backend\n  engineer ") == "Backend engineer"


def test_long_text_keeps_its_lines():
    assert validate_answer(rules("long_text"), "One.\r\nTwo.") == "One.\nTwo."


def test_text_length_limits():
    assert "Keep it to 5 characters" in error_of(rules("short_text", max_value=Decimal(5)), "toolong")
    assert error_of(rules("long_text", min_value=Decimal(10)), "short") == "Write at least 10 characters."
    assert "200 characters" in error_of(rules("short_text"), "x" * 201)


@pytest.mark.parametrize("raw", [42, 4.2, True, {"text": "x"}, ["a", "b"]])
def test_text_of_the_wrong_type_is_refused(raw):
    error_of(rules("short_text"), raw)


# --- dates --------------------------------------------------------------------------------


def test_dates_from_forms_json_and_python():
    assert validate_answer(rules("date"), "2025-02-03") == datetime.date(2025, 2, 3)
    assert validate_answer(rules("date"), datetime.date(2025, 2, 3)) == datetime.date(2025, 2, 3)


@pytest.mark.parametrize("raw", ["2025-02-30", "03/02/2025", "tomorrow", 20250203, ["2025-01-01", "2025-01-02"]])
def test_a_bad_date_is_refused(raw):
    error_of(rules("date"), raw)


# --- question definitions -----------------------------------------------------------------


def definition_errors(**kwargs):
    with pytest.raises(v.DefinitionError) as caught:
        validate_definition(**kwargs)
    return caught.value.errors


def test_a_scale_must_be_one_of_the_three():
    assert validate_definition(type="scale", min_value=0, max_value=10) == (Decimal(0), Decimal(10))
    assert validate_definition(type="scale") == (Decimal(1), Decimal(5))
    assert definition_errors(type="scale", min_value=1, max_value=7) == {
        "max_value": ["A scale runs 1–5, 1–10 or 0–10."]
    }


def test_definition_errors_name_the_field():
    assert "type" in definition_errors(type="essay")
    assert "key" in definition_errors(type="number", key="not a slug")
    assert definition_errors(type="number", min_value=10, max_value=1) == {
        "max_value": ["The maximum must not be below the minimum."]
    }
    assert definition_errors(type="single", choice_count=0) == {"choices": ["Give at least one choice."]}
    assert "min_value" in definition_errors(type="number", min_value="lots")
    assert "min_value" in definition_errors(type="date", min_value=1)
    assert "max_value" in definition_errors(type="short_text", max_value="2.5")
