"""Applying to a program: eligibility, roles, intake answers, mentors' motivation and capacity."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from programs.models import Enrollment, EnrollmentStatus, MentoringModel, ProgramInvitation, ProgramStatus
from programs.services import enrollment_apply, enrollment_withdraw
from surveys.models import Answer, Choice, Response

from ..factories import OrganizationFactory, PersonFactory
from .recruitment_fixtures import (  # noqa: F401
    GOOD_MENTEE_ANSWERS,
    GOOD_MENTOR_ANSWERS,
    linked_member,
    make_program,
    program_fixture,
)

pytestmark = pytest.mark.django_db


def apply(program, person, role="mentee", answers=None, **kwargs):
    answers = GOOD_MENTEE_ANSWERS if answers is None and role == "mentee" else answers
    answers = GOOD_MENTOR_ANSWERS if answers is None and role == "mentor" else answers
    return enrollment_apply(
        organization=program.organization, program=program, person=person, role=role, answers=answers, **kwargs
    )


def refused(program, person, **kwargs) -> dict:
    """The errors of an application that must change nothing."""
    enrollments, responses = Enrollment.objects.count(), Response.objects.count()
    with pytest.raises(ValidationError) as caught:
        apply(program, person, **kwargs)
    assert Enrollment.objects.count() == enrollments
    assert Response.objects.count() == responses
    return caught.value.message_dict


def test_a_mentee_applies_with_typed_answers(org, program):
    person = PersonFactory(organization=org)
    enrollment = apply(program, person)
    assert (enrollment.status, enrollment.role, enrollment.source) == ("applied", "mentee", "applied")
    assert enrollment.capacity is None
    assert enrollment.intake_submitted_at is not None
    assert enrollment.response.respondent == person
    hours = Answer.objects.get(response=enrollment.response, question__key="hours")
    assert hours.number_value == 4
    goals = Answer.objects.get(response=enrollment.response, question__key="goals")
    assert [c.value for c in goals.choices.all()] == ["leadership"]


def test_a_mentor_states_motivation_and_gets_the_default_capacity(org, program):
    enrollment = apply(program, PersonFactory(organization=org), role="mentor", motivation="  I like teaching.  ")
    assert (enrollment.role, enrollment.capacity, enrollment.motivation) == ("mentor", 2, "I like teaching.")


def test_a_mentor_may_choose_their_capacity(org, program):
    enrollment = apply(program, PersonFactory(organization=org), role="mentor", motivation="Yes", capacity=5)
    assert enrollment.capacity == 5


@pytest.mark.parametrize(
    ("capacity", "message"),
    [(-1, "below zero"), (51, "at most 50"), ("three", "whole number"), (2.5, "whole number")],
)
def test_a_capacity_out_of_bounds_is_refused_on_the_capacity_field(org, program, capacity, message):
    errors = refused(program, PersonFactory(organization=org), role="mentor", motivation="Yes", capacity=capacity)
    assert list(errors) == ["capacity"]
    assert message in errors["capacity"][0]


def test_a_mentor_without_motivation_is_asked_for_it(org, program):
    errors = refused(program, PersonFactory(organization=org), role="mentor", motivation="  ")
    assert list(errors) == ["motivation"]


def test_an_ineligible_person_is_told_why(org):
    program = make_program(org, audience={"departments": ["Sales"], "level_min": 5})
    person = PersonFactory(organization=org, department="Engineering", level=3)
    errors = refused(program, person)
    assert errors["person"] == [
        "This program is for Sales; you are in Engineering.",
        "This program is for level 5 and above; you are at level 3.",
    ]


def test_someone_who_left_cannot_apply(org, program):
    person = PersonFactory(organization=org, exit_date=date.today() - timedelta(days=1))
    errors = refused(program, person)
    assert "left the organization" in errors["person"][0]


def test_a_missing_required_answer_names_the_question(org, program):
    errors = refused(program, PersonFactory(organization=org), answers={"goals": ["sql"]})
    assert list(errors) == ["hours"]


def test_an_answer_of_the_wrong_type_names_the_question(org, program):
    errors = refused(program, PersonFactory(organization=org), answers={**GOOD_MENTEE_ANSWERS, "hours": "lots"})
    assert list(errors) == ["hours"]


def test_an_out_of_range_scale_names_the_question(org, program):
    errors = refused(program, PersonFactory(organization=org), answers={**GOOD_MENTEE_ANSWERS, "confidence": 9})
    assert list(errors) == ["confidence"]


def test_a_choice_of_another_question_is_refused(org, program):
    other = Choice.objects.get(question__questionnaire=program.mentor_questionnaire, value="sql")
    errors = refused(program, PersonFactory(organization=org), answers={**GOOD_MENTEE_ANSWERS, "goals": [other.pk]})
    assert list(errors) == ["goals"]


def test_a_choice_of_another_organization_is_refused(org, program):
    elsewhere = make_program(OrganizationFactory())
    foreign = Choice.objects.get(question__questionnaire=elsewhere.mentee_questionnaire, value="sql")
    errors = refused(program, PersonFactory(organization=org), answers={**GOOD_MENTEE_ANSWERS, "goals": [foreign.pk]})
    assert list(errors) == ["goals"]


def test_a_draft_program_takes_no_applications(org):
    program = make_program(org, status=ProgramStatus.DRAFT)
    errors = refused(program, PersonFactory(organization=org))
    assert "not taking applications" in errors["program"][0]


def test_a_role_the_program_does_not_have_is_refused(org, program):
    errors = refused(program, PersonFactory(organization=org), role="peer", answers={})
    assert errors["role"] == ["Choose a role this program has: mentor, mentee."]


def test_a_peer_program_takes_peers_only(org):
    program = make_program(org, model=MentoringModel.PEER_CIRCLES, peer_questionnaire=None)
    assert apply(program, PersonFactory(organization=org), role="peer", answers={}).role == "peer"
    assert "role" in refused(program, PersonFactory(organization=org), role="mentee")


def test_every_problem_is_reported_at_once(org, program):
    errors = refused(
        program, PersonFactory(organization=org), role="mentor", motivation="", capacity=-3, answers={"skills": []}
    )
    assert set(errors) == {"motivation", "capacity", "skills"}


def test_applying_twice_is_refused(org, program):
    person = PersonFactory(organization=org)
    apply(program, person)
    errors = refused(program, person)
    assert "already applied" in errors["person"][0]


def test_reapplying_after_withdrawal_reopens_the_same_application(org, program):
    user, person = linked_member(org)
    first = apply(program, person)
    enrollment_withdraw(organization=org, enrollment=first, actor=user)
    again = apply(program, person, role="mentor", motivation="Changed my mind")
    assert again.pk == first.pk
    assert (again.status, again.role, again.reason, again.decided_by) == ("applied", "mentor", "", None)
    assert again.response.questionnaire == program.mentor_questionnaire


def test_an_invited_person_applies_as_invited(org, program):
    person = PersonFactory(organization=org)
    ProgramInvitation.objects.create(organization=org, program=program, person=person, email=person.email)
    assert apply(program, person).source == Enrollment.Source.INVITED


def test_another_organizations_person_is_refused(org, program):
    outsider = PersonFactory(organization=OrganizationFactory())
    with pytest.raises(ValidationError):
        apply(program, outsider)
    assert not Enrollment.objects.exists()


def test_withdrawal_by_someone_else_needs_a_reason(org, program, admin_user):
    enrollment = apply(program, PersonFactory(organization=org))
    with pytest.raises(ValidationError) as caught:
        enrollment_withdraw(organization=org, enrollment=enrollment, actor=admin_user)
    assert list(caught.value.message_dict) == ["reason"]
    withdrawn = enrollment_withdraw(organization=org, enrollment=enrollment, actor=admin_user, reason="Moved team")
    assert (withdrawn.status, withdrawn.reason) == (EnrollmentStatus.WITHDRAWN, "Moved team")


def test_a_withdrawn_application_cannot_be_withdrawn_again(org, program):
    user, person = linked_member(org)
    enrollment = enrollment_withdraw(organization=org, enrollment=apply(program, person), actor=user)
    with pytest.raises(ValidationError) as caught:
        enrollment_withdraw(organization=org, enrollment=enrollment, actor=user)
    assert "already withdrawn" in caught.value.message_dict["enrollment"][0]
