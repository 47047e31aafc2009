"""Deciding applications in bulk: each applicant is emailed once per decision, never twice."""

import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from programs.models import Enrollment, EnrollmentNotification, EnrollmentStatus, ProgramStatus
from programs.services import enrollment_decide
from programs.tasks import _send_claimed, send_enrollment_decisions_task

from ..factories import PersonFactory
from .recruitment_fixtures import linked_member, make_program, program_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def applicants(program, n=3, **kwargs):
    org = program.organization
    return [
        Enrollment.objects.create(
            organization=org, program=program, person=PersonFactory(organization=org), role="mentee", **kwargs
        )
        for _ in range(n)
    ]


def decide(program, enrollments, decision, reason="", actor=None):
    return enrollment_decide(
        organization=program.organization,
        program=program,
        enrollments=enrollments,
        decision=decision,
        reason=reason,
        actor=actor,
    )


def test_a_bulk_approval_emails_each_applicant_once(org, program, admin_user, django_capture_on_commit_callbacks):
    rows = applicants(program)
    with django_capture_on_commit_callbacks(execute=True):
        result = decide(program, rows, "approved", reason="Welcome aboard", actor=admin_user)
    assert len(result.changed) == 3
    for row in rows:
        row.refresh_from_db()
        assert (row.status, row.reason, row.decided_by) == ("approved", "Welcome aboard", admin_user)
        assert row.decided_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.person.email for r in rows)
    message = mail.outbox[0]
    assert message.subject == f"You're in: {program.name}"
    assert "Welcome aboard" in message.body
    assert f"/o/{org.slug}/programs/mine/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_a_decline_needs_a_reason_and_changes_nothing_without_one(org, program, django_capture_on_commit_callbacks):
    rows = applicants(program, 2)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as caught:
        decide(program, rows, "declined", reason="  ")
    assert list(caught.value.message_dict) == ["reason"]
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"applied"}
    assert mail.outbox == []
    assert not EnrollmentNotification.objects.exists()


def test_a_large_decision_is_emailed_by_several_tasks(org, program, monkeypatch, django_capture_on_commit_callbacks):
    from programs.services import recruitment

    # One task per batch keeps each well within the task time limit, however many applicants.
    monkeypatch.setattr(recruitment, "EMAIL_BATCH", 2)
    with django_capture_on_commit_callbacks() as callbacks:
        decide(program, applicants(program, 3), "waitlisted")
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 3


def test_nobody_decides_their_own_application(org, program, django_capture_on_commit_callbacks):
    user, person = linked_member(org, role="admin")
    (other,) = applicants(program, 1)
    own = Enrollment.objects.create(organization=org, program=program, person=person, role="mentor")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as caught:
        decide(program, [own, other], "approved", actor=user)
    assert list(caught.value.message_dict) == ["enrollments"]
    assert "your own application" in caught.value.message_dict["enrollments"][0]
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"applied"}
    assert not EnrollmentNotification.objects.exists() and not mail.outbox


def test_a_declined_applicant_receives_the_reason(org, program, django_capture_on_commit_callbacks):
    (row,) = applicants(program, 1)
    with django_capture_on_commit_callbacks(execute=True):
        decide(program, [row], "declined", reason="We are full this cycle.")
    assert mail.outbox[0].subject == f"About your application to {program.name}"
    assert "We are full this cycle." in mail.outbox[0].body


def test_deciding_the_same_again_sends_nothing_more(org, program, django_capture_on_commit_callbacks):
    rows = applicants(program, 2)
    with django_capture_on_commit_callbacks(execute=True):
        decide(program, rows, "waitlisted")
        result = decide(program, rows, "waitlisted")
    assert (len(result.changed), len(result.unchanged)) == (0, 2)
    assert len(mail.outbox) == 2


def test_a_changed_decision_is_a_new_email(org, program, django_capture_on_commit_callbacks):
    (row,) = applicants(program, 1)
    with django_capture_on_commit_callbacks(execute=True):
        decide(program, [row], "waitlisted")
    with django_capture_on_commit_callbacks(execute=True):
        decide(program, [row], "approved")
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        f"You're on the waiting list for {program.name}",
        "You're in",
    ]


def test_a_retried_task_sends_nothing_twice(org, program, django_capture_on_commit_callbacks):
    rows = applicants(program, 2)
    with django_capture_on_commit_callbacks(execute=True):
        decide(program, rows, "approved")
    ids = list(EnrollmentNotification.objects.values_list("pk", flat=True))
    assert send_enrollment_decisions_task(org.pk, ids) == 0
    assert len(mail.outbox) == 2
    assert all(n.sent_at for n in EnrollmentNotification.objects.all())


def test_a_decision_superseded_before_its_email_left_is_not_sent(org, program, django_capture_on_commit_callbacks):
    (row,) = applicants(program, 1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decide(program, [row], "approved")
    Enrollment.objects.filter(pk=row.pk).update(status=EnrollmentStatus.DECLINED)
    for callback in callbacks:
        callback()
    assert mail.outbox == []


def test_a_mail_failure_releases_the_claim_for_the_retry(org, program):
    (row,) = applicants(program, 1, status="approved")
    notice = EnrollmentNotification.objects.create(organization=org, enrollment=row, status="approved")
    notices = EnrollmentNotification.objects.for_org(org)

    def fail(_):
        raise smtplib.SMTPServerDisconnected("gone")

    with pytest.raises(smtplib.SMTPException):
        _send_claimed(notices, notice.pk, fail)
    notice.refresh_from_db()
    assert (notice.sending_at, notice.sent_at) == (None, None)
    assert send_enrollment_decisions_task(org.pk, [notice.pk]) == 1
    assert len(mail.outbox) == 1


def test_a_row_claimed_by_another_worker_is_left_alone(org, program):
    (row,) = applicants(program, 1, status="approved")
    notice = EnrollmentNotification.objects.create(organization=org, enrollment=row, status="approved")
    EnrollmentNotification.objects.filter(pk=notice.pk).update(sending_at=notice.created_at)
    assert send_enrollment_decisions_task(org.pk, [notice.pk]) == 0
    assert mail.outbox == []


def test_a_withdrawn_application_cannot_be_decided(org, program):
    rows = applicants(program, 2)
    Enrollment.objects.filter(pk=rows[0].pk).update(status=EnrollmentStatus.WITHDRAWN)
    with pytest.raises(ValidationError) as caught:
        decide(program, rows, "approved")
    assert "withdrew" in caught.value.message_dict["enrollments"][0]
    assert Enrollment.objects.get(pk=rows[1].pk).status == "applied"


def test_an_application_of_another_program_is_refused(org, program):
    other = make_program(org, name="Other")
    (theirs,) = applicants(other, 1)
    (ours,) = applicants(program, 1)
    with pytest.raises(ValidationError) as caught:
        decide(program, [ours, theirs], "approved")
    assert list(caught.value.message_dict) == ["enrollments"]
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"applied"}


def test_a_closed_program_takes_no_decisions(org):
    program = make_program(org, status=ProgramStatus.CLOSED)
    rows = applicants(program, 1)
    with pytest.raises(ValidationError) as caught:
        decide(program, rows, "approved")
    assert "program" in caught.value.message_dict


@pytest.mark.parametrize("bad", ["withdrawn", "applied", "maybe"])
def test_only_approve_waitlist_or_decline_are_decisions(org, program, bad):
    rows = applicants(program, 1)
    with pytest.raises(ValidationError) as caught:
        decide(program, rows, bad, reason="x")
    assert list(caught.value.message_dict) == ["decision"]


def test_nothing_selected_is_an_error(org, program):
    with pytest.raises(ValidationError) as caught:
        decide(program, [], "approved")
    assert list(caught.value.message_dict) == ["enrollments"]
