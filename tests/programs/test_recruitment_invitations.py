"""Invitations: by audience segment or by email list; one email per person per program, ever."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from programs.models import Enrollment, ProgramInvitation, ProgramStatus
from programs.selectors.recruitment import invitation_stats
from programs.services import program_invite_emails, program_invite_segment
from programs.services.recruitment import parse_email_lines
from programs.tasks import send_program_invitations_task

from ..factories import OrganizationFactory, PersonFactory
from .recruitment_fixtures import make_program, program_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def invite_emails(program, actor=None, **kwargs):
    return program_invite_emails(organization=program.organization, program=program, actor=actor, **kwargs)


def invite_segment(program, actor=None, **kwargs):
    return program_invite_segment(organization=program.organization, program=program, actor=actor, **kwargs)


def outcomes(report):
    return [(line.line, line.email, line.outcome, line.message) for line in report.lines]


def test_a_pasted_list_invites_known_people_and_explains_the_rest(
    org, program, admin_user, django_capture_on_commit_callbacks
):
    ada = PersonFactory(organization=org, email="ada@example.com", name="Ada")
    grace = PersonFactory(organization=org, email="grace@example.com", name="Grace")
    text = "ada@example.com\nstranger@example.com\nADA@example.com, grace@example.com\nnot-an-email\n"
    with django_capture_on_commit_callbacks(execute=True):
        report = invite_emails(program, actor=admin_user, csv_text=text)
    assert outcomes(report) == [
        (1, "ada@example.com", "invited", ""),
        (2, "stranger@example.com", "skipped", "Not in the people directory."),
        (3, "ADA@example.com", "skipped", "Duplicate of line 1."),
        (3, "grace@example.com", "invited", ""),
        (4, "not-an-email", "skipped", "Not an email address."),
    ]
    assert {i.person for i in ProgramInvitation.objects.all()} == {ada, grace}
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "grace@example.com"]
    message = next(m for m in mail.outbox if m.to == ["ada@example.com"])
    assert message.subject == f"You're invited to join {program.name}"
    assert f"/o/{org.slug}/programs/{program.pk}/join/" in message.body
    assert ProgramInvitation.objects.get(person=ada).invited_by == admin_user


def test_inviting_twice_sends_one_email(org, program, django_capture_on_commit_callbacks):
    PersonFactory(organization=org, email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invite_emails(program, emails=["ada@example.com"])
    with django_capture_on_commit_callbacks(execute=True):
        report = invite_emails(program, emails=["ada@example.com"])
    assert outcomes(report) == [(1, "ada@example.com", "skipped", "Already invited to this program.")]
    assert ProgramInvitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_redelivered_send_task_sends_nothing_twice(org, program, django_capture_on_commit_callbacks):
    PersonFactory(organization=org, email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invite_emails(program, emails=["ada@example.com"])
    invitation = ProgramInvitation.objects.get()
    assert invitation.sent_at is not None
    assert send_program_invitations_task(org.pk, [invitation.pk]) == 0
    assert len(mail.outbox) == 1


def test_an_invitation_claimed_by_another_worker_is_not_sent_again(org, program):
    person = PersonFactory(organization=org)
    invitation = ProgramInvitation.objects.create(organization=org, program=program, person=person, email=person.email)
    assert send_program_invitations_task(org.pk, [invitation.pk]) == 1
    ProgramInvitation.objects.filter(pk=invitation.pk).update(sent_at=None)  # claimed, crashed before stamping
    assert send_program_invitations_task(org.pk, [invitation.pk]) == 0
    assert len(mail.outbox) == 1


def test_a_send_task_of_another_organization_finds_nothing(org, program):
    person = PersonFactory(organization=org)
    invitation = ProgramInvitation.objects.create(organization=org, program=program, person=person, email=person.email)
    assert send_program_invitations_task(OrganizationFactory().pk, [invitation.pk]) == 0
    assert mail.outbox == []


def test_people_who_applied_left_or_are_not_eligible_are_skipped(org, django_capture_on_commit_callbacks):
    program = make_program(org, audience={"departments": ["Engineering"]})
    applied = PersonFactory(organization=org, email="applied@example.com")
    Enrollment.objects.create(organization=org, program=program, person=applied, role="mentee")
    PersonFactory(organization=org, email="left@example.com", exit_date=date.today() - timedelta(days=3))
    PersonFactory(organization=org, email="sales@example.com", department="Sales")
    with django_capture_on_commit_callbacks(execute=True):
        report = invite_emails(program, emails=["applied@example.com", "left@example.com", "sales@example.com"])
    messages = [line.message for line in report.lines]
    assert messages[0] == "Already applied to this program."
    assert messages[1].startswith("Not eligible: The directory shows that you left the organization")
    assert messages[2] == "Not eligible: This program is for Engineering; you are in Sales."
    assert report.invited == [] and mail.outbox == []


def test_a_csv_export_with_an_email_column(org, program, django_capture_on_commit_callbacks):
    PersonFactory(organization=org, email="ada@example.com")
    text = '\ufeffname;Email;team\n"Lovelace, Ada";ada@example.com;Core\nNobody;;\n'
    assert parse_email_lines(csv_text=text) == [(2, "ada@example.com")]
    with django_capture_on_commit_callbacks(execute=True):
        report = invite_emails(program, csv_text=text)
    assert [line.outcome for line in report.lines] == ["invited"]


def test_a_pasted_address_containing_mail_is_not_mistaken_for_a_header():
    assert parse_email_lines(csv_text="ada@mail.com\nbob@mail.com") == [(1, "ada@mail.com"), (2, "bob@mail.com")]


@pytest.mark.parametrize("kwargs", [{"csv_text": "  \n"}, {"emails": []}])
def test_an_empty_list_names_the_field(org, program, kwargs):
    with pytest.raises(ValidationError) as caught:
        invite_emails(program, **kwargs)
    assert list(caught.value.message_dict) == list(kwargs)


def test_a_draft_program_sends_no_invitations(org):
    program = make_program(org, status=ProgramStatus.DRAFT)
    PersonFactory(organization=org, email="ada@example.com")
    with pytest.raises(ValidationError) as caught:
        invite_emails(program, emails=["ada@example.com"])
    assert list(caught.value.message_dict) == ["program"]
    assert not ProgramInvitation.objects.exists()


def test_the_audience_is_invited_once(org, django_capture_on_commit_callbacks):
    program = make_program(org, audience={"departments": ["Engineering"]})
    engineers = [PersonFactory(organization=org, department="Engineering") for _ in range(3)]
    PersonFactory(organization=org, department="Sales")
    PersonFactory(organization=org, department="Engineering", exit_date=date.today() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        report = invite_segment(program)
    assert {line.person for line in report.invited} == set(engineers)
    assert len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        again = invite_segment(program)
    assert again.invited == [] and len(again.skipped) == 3
    assert len(mail.outbox) == 3
    assert invitation_stats(program=program) == {"invited": 3, "sent": 3, "applied": 0, "waiting": 0}


def test_a_segment_narrows_the_audience_but_never_widens_it(org, django_capture_on_commit_callbacks):
    program = make_program(org, audience={"departments": ["Engineering"]})
    senior = PersonFactory(organization=org, department="Engineering", level=6)
    PersonFactory(organization=org, department="Engineering", level=2)
    PersonFactory(organization=org, department="Sales", level=6)
    with django_capture_on_commit_callbacks(execute=True):
        report = invite_segment(program, rules={"level_min": 5})
    assert [line.person for line in report.invited] == [senior]


def test_a_bad_segment_rule_names_the_rule(org, program):
    with pytest.raises(ValidationError) as caught:
        invite_segment(program, rules={"level_min": "high"})
    assert list(caught.value.message_dict) == ["level_min"]


def test_people_without_an_email_are_skipped(org, program):
    PersonFactory(organization=org, email="")
    report = invite_segment(program)
    assert [line.message for line in report.skipped] == ["Has no email address in the directory."]


def test_explicit_people_of_another_organization_are_ignored(org, program):
    from organizations.models import Person

    PersonFactory(organization=OrganizationFactory())
    report = invite_segment(program, people=Person.objects.all())
    assert report.lines == []
