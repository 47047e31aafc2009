"""People who leave the organization are withdrawn from open programs: by the directory's
event as soon as an exit date in the past is recorded, and by the daily task for dates that
were in the future when recorded."""

from datetime import date, timedelta

import pytest

from organizations.models import PersonChange
from organizations.services import person_update
from programs.models import Enrollment, EnrollmentStatus, ProgramStatus
from programs.services import enrollments_withdraw_departed
from programs.services.recruitment import DEPARTED_REASON
from programs.tasks import withdraw_departed_task

from ..factories import OrganizationFactory, PersonFactory
from .recruitment_fixtures import make_program

pytestmark = pytest.mark.django_db

YESTERDAY = date.today() - timedelta(days=1)


def enroll(program, person, status=EnrollmentStatus.APPROVED):
    return Enrollment.objects.create(
        organization=program.organization, program=program, person=person, role="mentee", status=status
    )


def status_of(enrollment):
    enrollment.refresh_from_db()
    return enrollment.status


def test_recording_a_past_exit_date_withdraws_open_enrollments(org, django_capture_on_commit_callbacks):
    person = PersonFactory(organization=org)
    recruiting, active, closed = (
        make_program(org, name="A"),
        make_program(org, name="B", status=ProgramStatus.ACTIVE),
        make_program(org, name="C", status=ProgramStatus.CLOSED),
    )
    open_ones = [enroll(recruiting, person), enroll(active, person, EnrollmentStatus.WAITLISTED)]
    history = enroll(closed, person)
    with django_capture_on_commit_callbacks(execute=True):
        person_update(organization=org, person=person, data={"exit_date": YESTERDAY}, source=PersonChange.Source.MANUAL)
    for enrollment in open_ones:
        enrollment.refresh_from_db()
        assert (enrollment.status, enrollment.reason) == ("withdrawn", DEPARTED_REASON)
        assert enrollment.decided_at is not None
    assert status_of(history) == "approved"


def test_a_future_exit_date_waits_for_the_daily_task(org, django_capture_on_commit_callbacks):
    program = make_program(org)
    person = PersonFactory(organization=org)
    enrollment = enroll(program, person)
    leaving = date.today() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        person_update(organization=org, person=person, data={"exit_date": leaving}, source=PersonChange.Source.MANUAL)
    assert status_of(enrollment) == "approved"
    assert enrollments_withdraw_departed(organization=org, today=leaving) == 1
    assert status_of(enrollment) == "withdrawn"


def test_the_daily_task_runs_for_every_organization(org):
    other = OrganizationFactory()
    ours = enroll(make_program(org), PersonFactory(organization=org, exit_date=YESTERDAY))
    theirs = enroll(make_program(other), PersonFactory(organization=other, exit_date=YESTERDAY))
    staying = enroll(make_program(org, name="Other"), PersonFactory(organization=org))
    withdraw_departed_task()
    assert (status_of(ours), status_of(theirs), status_of(staying)) == ("withdrawn", "withdrawn", "approved")


def test_a_run_for_one_organization_touches_only_it(org):
    other = OrganizationFactory()
    ours = enroll(make_program(org), PersonFactory(organization=org, exit_date=YESTERDAY))
    theirs = enroll(make_program(other), PersonFactory(organization=other, exit_date=YESTERDAY))
    assert withdraw_departed_task(org.pk) == 1
    assert (status_of(ours), status_of(theirs)) == ("withdrawn", "approved")


def test_decided_and_withdrawn_applications_keep_their_status(org):
    program = make_program(org)
    person = PersonFactory(organization=org, exit_date=YESTERDAY)
    declined = enroll(program, person, EnrollmentStatus.DECLINED)
    assert enrollments_withdraw_departed(organization=org) == 0
    assert status_of(declined) == "declined"


def test_only_the_announced_people_are_looked_at(org):
    program = make_program(org)
    gone = enroll(program, PersonFactory(organization=org, exit_date=YESTERDAY))
    also_gone = enroll(program, PersonFactory(organization=org, exit_date=YESTERDAY))
    assert enrollments_withdraw_departed(organization=org, person_ids=[gone.person_id]) == 1
    assert (status_of(gone), status_of(also_gone)) == ("withdrawn", "approved")
