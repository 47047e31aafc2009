"""Manager nominations: a manager nominates a direct report as mentor; the nominee decides."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from programs.models import Enrollment, MentoringModel, Nomination, ProgramStatus
from programs.services import enrollment_apply, nomination_create, nomination_respond
from programs.tasks import send_nomination_email_task

from ..factories import PersonFactory
from .recruitment_fixtures import GOOD_MENTOR_ANSWERS, linked_member, make_program, program_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org):
    """(manager user, manager person, report user, report person)."""
    boss_user, boss = linked_member(org, name="Bea Boss")
    report_user, report = linked_member(org, manager=boss, name="Rory Report")
    return boss_user, boss, report_user, report


def nominate(program, nominee, actor, note=""):
    return nomination_create(
        organization=program.organization, program=program, nominee=nominee, actor=actor, note=note
    )


def test_a_manager_nominates_a_direct_report_who_is_emailed_once(
    org, program, team, django_capture_on_commit_callbacks
):
    boss_user, _, _, report = team
    with django_capture_on_commit_callbacks(execute=True):
        nomination = nominate(program, report, boss_user, note="Great at SQL")
    assert (nomination.status, nomination.nominated_by) == ("pending", boss_user)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [report.email]
    assert "Bea Boss nominated you as a mentor" in message.body
    assert "Great at SQL" in message.body
    assert send_nomination_email_task(org.pk, nomination.pk) is False
    assert len(mail.outbox) == 1


def test_only_ones_own_direct_reports_can_be_nominated(org, program, team):
    _, _, report_user, _ = team
    stranger = PersonFactory(organization=org)
    with pytest.raises(ValidationError) as caught:
        nominate(program, stranger, report_user)
    assert "direct reports" in caught.value.message_dict["nominee"][0]
    assert not Nomination.objects.exists()


def test_a_program_without_mentors_takes_no_nominations(org, team):
    boss_user, _, _, report = team
    program = make_program(org, model=MentoringModel.ROTATION)
    with pytest.raises(ValidationError) as caught:
        nominate(program, report, boss_user)
    assert "no mentors" in caught.value.message_dict["program"][0]


def test_a_program_not_recruiting_takes_no_nominations(org, team):
    boss_user, _, _, report = team
    with pytest.raises(ValidationError) as caught:
        nominate(make_program(org, status=ProgramStatus.MATCHING), report, boss_user)
    assert list(caught.value.message_dict) == ["program"]


def test_nominating_twice_is_refused(org, program, team):
    boss_user, _, _, report = team
    nominate(program, report, boss_user)
    with pytest.raises(ValidationError) as caught:
        nominate(program, report, boss_user)
    assert "already nominated" in caught.value.message_dict["nominee"][0]


def test_an_ineligible_report_cannot_be_nominated(org, team):
    boss_user, _, _, report = team
    program = make_program(org, audience={"departments": ["Sales"]})
    with pytest.raises(ValidationError) as caught:
        nominate(program, report, boss_user)
    assert "This program is for Sales" in caught.value.message_dict["nominee"][0]


def test_accepting_opens_a_mentor_application_waiting_for_the_intake(org, program, team):
    boss_user, _, report_user, report = team
    nomination = nominate(program, report, boss_user)
    nomination_respond(organization=org, nomination=nomination, actor=report_user, accept=True)
    nomination.refresh_from_db()
    assert nomination.status == "accepted" and nomination.responded_at
    enrollment = Enrollment.objects.get(person=report)
    assert (enrollment.role, enrollment.status, enrollment.source) == ("mentor", "applied", "nominated")
    assert enrollment.intake_submitted_at is None and enrollment.capacity == 2

    filled = enrollment_apply(
        organization=org,
        program=program,
        person=report,
        role="mentor",
        answers=GOOD_MENTOR_ANSWERS,
        motivation="Happy to help",
        capacity=3,
    )
    assert filled.pk == enrollment.pk
    assert (filled.source, filled.capacity, filled.response is not None) == ("nominated", 3, True)
    assert filled.intake_submitted_at is not None


def test_a_nominee_fills_the_intake_as_mentor_only(org, program, team):
    boss_user, _, report_user, report = team
    nomination_respond(
        organization=org, nomination=nominate(program, report, boss_user), actor=report_user, accept=True
    )
    with pytest.raises(ValidationError) as caught:
        enrollment_apply(organization=org, program=program, person=report, role="mentee", answers={})
    assert "nominated as a mentor" in caught.value.message_dict["role"][0]


def test_declining_records_the_answer(org, program, team):
    boss_user, _, report_user, report = team
    nomination = nomination_respond(
        organization=org, nomination=nominate(program, report, boss_user), actor=report_user, accept=False
    )
    assert nomination.status == "declined"
    assert not Enrollment.objects.exists()
    with pytest.raises(ValidationError) as caught:
        nomination_respond(organization=org, nomination=nomination, actor=report_user, accept=True)
    assert list(caught.value.message_dict) == ["nomination"]


def test_only_the_nominee_answers(org, program, team):
    boss_user, _, _, report = team
    nomination = nominate(program, report, boss_user)
    with pytest.raises(PermissionDenied):
        nomination_respond(organization=org, nomination=nomination, actor=boss_user, accept=True)
    assert Nomination.objects.get().status == "pending"


def test_a_nominee_who_already_applied_cannot_accept(org, program, team):
    boss_user, _, report_user, report = team
    nomination = nominate(program, report, boss_user)
    Enrollment.objects.create(organization=org, program=program, person=report, role="mentee")
    with pytest.raises(ValidationError) as caught:
        nomination_respond(organization=org, nomination=nomination, actor=report_user, accept=True)
    assert "already applied" in caught.value.message_dict["nominee"][0]
