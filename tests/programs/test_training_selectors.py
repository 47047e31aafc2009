"""Training status, the managers' overview and the ready-to-match pool."""

import datetime

import pytest
from django.utils import timezone

from programs.models import EnrollmentStatus, MentoringModel
from programs.selectors import matching_pool, modules_for, program_training_overview, training_status
from programs.selectors.training import training_enrollments
from programs.services import training_submit

from ..factories import OrganizationFactory, PersonFactory
from .training_fixtures import RIGHT, make_enrollment, make_module, make_program


@pytest.fixture
def program(org):
    return make_program(org, requires_training=True, mentor_default_capacity=2)


def complete(enrollment, module):
    return training_submit(
        organization=enrollment.organization,
        module=module,
        enrollment=enrollment,
        quiz_answers=RIGHT,
        acknowledged=True,
    )


def test_modules_for_are_the_roles_own_and_everyones_in_order(program):
    everyone = make_module(program, title="Welcome", order=0)
    mentors = make_module(program, title="Mentoring", role="mentor", order=1)
    mentees = make_module(program, title="Owning it", role="mentee", order=2)
    make_module(make_program(program.organization, name="Other"), title="Elsewhere")
    assert list(modules_for(make_enrollment(program, role="mentor"))) == [everyone, mentors]
    assert list(modules_for(make_enrollment(program, role="mentee"))) == [everyone, mentees]


def test_training_status_counts_only_passed_modules(program, django_assert_num_queries):
    first, second = make_module(program, order=0), make_module(program, role="mentee", order=1)
    enrollment = make_enrollment(program)
    complete(enrollment, first)
    training_submit(
        organization=program.organization,
        module=second,
        enrollment=enrollment,
        quiz_answers=[0, 1, 1, 1],
        acknowledged=True,
    )
    with django_assert_num_queries(2):
        status = training_status(enrollment)
    assert (status["required"], status["completed"], status["complete"]) == (2, 1, False)
    assert [(m, c.passed) for m, c in status["modules"]] == [(first, True), (second, False)]


def test_training_status_of_a_program_without_modules_is_complete(program):
    status = training_status(make_enrollment(program))
    assert status == {"required": 0, "completed": 0, "complete": True, "modules": []}


def test_overview_takes_three_queries_whatever_the_number_of_people(program, django_assert_num_queries):
    everyone, mentors = make_module(program, order=0), make_module(program, role="mentor", order=1)
    for index in range(12):
        enrollment = make_enrollment(program, role="mentor" if index % 2 else "mentee")
        complete(enrollment, everyone)
        if index % 4 == 1:
            complete(enrollment, mentors)
    make_enrollment(program, status=EnrollmentStatus.DECLINED)
    with django_assert_num_queries(3):
        overview = program_training_overview(program)
    assert overview["modules"] == [everyone, mentors]
    rows = overview["rows"]
    assert len(rows) == 12
    mentees = [r for r in rows if r["enrollment"].role == "mentee"]
    assert all((r["required"], r["completed"], r["complete"]) == (1, 1, True) for r in mentees)
    assert all(r["cells"][1][2] is False for r in mentees)  # the mentor module is not owed
    assert sorted((r["completed"], r["complete"]) for r in rows if r["enrollment"].role == "mentor") == [
        (1, False),
        (1, False),
        (1, False),
        (2, True),
        (2, True),
        (2, True),
    ]


def test_training_enrollments_count_in_sql_and_filter_by_role(program):
    everyone, mentors = make_module(program, order=0), make_module(program, role="mentor", order=1)
    mentor, mentee = make_enrollment(program, role="mentor"), make_enrollment(program, role="mentee")
    complete(mentor, mentors)
    complete(mentee, everyone)
    counts = {e.pk: (e.training_required, e.training_completed) for e in training_enrollments(program)}
    assert counts == {mentor.pk: (2, 1), mentee.pk: (1, 1)}
    assert list(training_enrollments(program, role="mentor")) == [mentor]


# --- the matching pool -------------------------------------------------------------------


def test_without_required_training_the_pool_is_every_approved_active_person(org):
    program = make_program(org, requires_training=False, mentor_default_capacity=3)
    make_module(program)
    mentor = make_enrollment(program, role="mentor")
    busy_mentor = make_enrollment(program, role="mentor", capacity=1)
    mentee = make_enrollment(program, role="mentee")
    for status in (EnrollmentStatus.APPLIED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.DECLINED):
        make_enrollment(program, status=status)
    make_enrollment(make_program(org, name="Other"))
    pool = {e.pk: (e.role, e.effective_capacity) for e in matching_pool(program)}
    assert pool == {mentor.pk: ("mentor", 3), busy_mentor.pk: ("mentor", 1), mentee.pk: ("mentee", 1)}


def test_with_required_training_only_those_who_completed_their_roles_modules_are_ready(program):
    everyone = make_module(program, order=0)
    mentors = make_module(program, role="mentor", order=1)
    ready_mentor, half_mentor = make_enrollment(program, role="mentor"), make_enrollment(program, role="mentor")
    ready_mentee, untrained_mentee = make_enrollment(program), make_enrollment(program)
    for enrollment in (ready_mentor, half_mentor, ready_mentee):
        complete(enrollment, everyone)
    complete(ready_mentor, mentors)
    # A failed attempt is not a completion.
    training_submit(
        organization=program.organization,
        module=everyone,
        enrollment=untrained_mentee,
        quiz_answers=[0, 1, 1, 1],
        acknowledged=True,
    )
    assert set(matching_pool(program)) == {ready_mentor, ready_mentee}


def test_a_program_that_requires_training_but_has_no_modules_keeps_everyone(program):
    enrollment = make_enrollment(program)
    assert list(matching_pool(program)) == [enrollment]


def test_an_approved_nominee_who_never_filled_the_intake_is_not_in_the_pool(org):
    program = make_program(org)
    filled = make_enrollment(program)
    nominee = make_enrollment(program, intake_submitted_at=None)
    assert list(matching_pool(program)) == [filled]
    assert nominee not in matching_pool(program)


def test_a_departed_person_is_never_in_the_pool(org):
    program = make_program(org)
    today = timezone.localdate()
    gone = make_enrollment(program, person=PersonFactory(organization=org, exit_date=today - datetime.timedelta(1)))
    leaving_today = make_enrollment(program, person=PersonFactory(organization=org, exit_date=today))
    leaving_later = make_enrollment(program, person=PersonFactory(organization=org, exit_date=today.replace(year=2999)))
    assert gone not in matching_pool(program) and leaving_today not in matching_pool(program)
    assert list(matching_pool(program)) == [leaving_later]


def test_the_pool_is_one_query_and_stays_inside_its_organization(program, django_assert_num_queries):
    make_module(program)
    enrollments = [make_enrollment(program) for _ in range(5)]
    for enrollment in enrollments[:3]:
        complete(enrollment, program.training_modules.get())
    other_org = OrganizationFactory()
    make_enrollment(make_program(other_org, requires_training=False))
    with django_assert_num_queries(1):
        pool = [(e.person.name, e.effective_capacity) for e in matching_pool(program)]
    assert len(pool) == 3


def test_peer_programs_pool_peers(org):
    program = make_program(org, model=MentoringModel.PEER_CIRCLES, requires_training=True)
    module = make_module(program, role="peer")
    peer = make_enrollment(program, role="peer")
    complete(peer, module)
    assert [(e, e.effective_capacity) for e in matching_pool(program)] == [(peer, 1)]
