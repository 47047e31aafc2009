"""Demo reports for `seed_demo`: Northwind's dashboards open on a believable story.

What the earlier steps leave is too young to measure retention: the onboarding-buddy cycle
started two months ago and the closed manager circles ten months ago (with no mentorships). A
12-month retention figure needs a cohort followed for more than a year, so this step adds the
previous onboarding-buddy cycle, from about twenty months ago: the real template (objectives,
intake, training), the lifecycle through the real transition service, then its history written
in bulk the way mentorships/demo.py writes its own (approved enrollments, training done, pairs
that ran their twelve weeks, or ended early when someone left).

The effect is real but modest, and it is put there on purpose, deterministically (the
generator `context.rng("reports")`):

- The directory's own attrition (people/demo: about 12% over three years, individual
  contributors only) leaves a first-year departure rate of a few percent for everyone, which
  would show no difference at all. Some comparable colleagues (never in a program, employed when
  the cycle started, in the departments and levels the participants come from) are given an exit
  date in the year after the start, until about `COMPARISON_FIRST_YEAR_LEAVERS` of them left in
  that year; a few more leave in the months after. Participants keep the directory's own exits.
  The result reads like published buddy-program evaluations: around ten points of first-year
  retention between groups, with an interval that does not include zero, not a miracle.
- A few more participants than colleagues were promoted within the year after the start:
  participants still employed a year on, without a later promotion, get one in that year until
  about `PARTICIPANT_PROMOTIONS` of them have one (colleagues keep the directory's own).
- The organization's ROI assumptions: US salaries by level and a modest platform cost.

Then the KPI rollup runs for the last 26 weeks (in-process, as the nightly job would) and the
impact figures are computed. Registered late (after the surveys step) by reports/apps.py.
Idempotent: an organization that already has impact figures is left alone.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from organizations.demo import DEMO_USERS
from organizations.models import Membership, Person, Role
from programs.models import (
    Enrollment,
    EnrollmentStatus,
    ParticipantRole,
    Program,
    ProgramStatus,
    TrainingCompletion,
    TrainingModule,
)
from programs.services.design import program_create_from_template, program_transition, program_update

from .models import ImpactSnapshot, RoiAssumptions

ORG_SLUG = "northwind"
TEMPLATE_KEY = "onboarding_buddy"
COHORT_STARTED_DAYS_AGO = 600
COHORT_PAIRS = 44
COMPARISON_FIRST_YEAR_LEAVERS = 0.12  # share of comparable colleagues gone within a year
COMPARISON_LATER_LEAVERS = 0.05  # and in the months after it
PARTICIPANT_PROMOTIONS = 0.38  # share of participants promoted within their first year
ASSUMPTIONS = {
    "currency": "USD",
    "average_salary": 98000,
    "salary_by_level": {"1": 62000, "2": 78000, "3": 98000, "4": 125000, "5": 150000, "6": 185000, "7": 240000},
    "replacement_cost_low": "0.5",
    "replacement_cost": "1.0",
    "replacement_cost_high": "2.0",
    "platform_cost": 18000,
    "coordinator_hours": 240,
    "coordinator_hourly_rate": 60,
    "participant_hours": 10,
    "loaded_hourly_rate": 65,
}


def _season(day) -> str:
    season = ("Winter", "Spring", "Summer", "Autumn")[(day.month % 12) // 3]
    return f"{season} {day.year}"


def _employed(person, day) -> bool:
    return (
        person.hire_date is not None
        and person.hire_date <= day
        and (person.exit_date is None or person.exit_date > day)
    )


def _aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _previous_cycle(organization, admin, people, rng, today) -> tuple[Program, list[Person]]:
    """Last cycle's onboarding buddies: the program through the real services, its history in bulk."""
    start = today - timedelta(days=COHORT_STARTED_DAYS_AGO)
    program = program_create_from_template(
        organization=organization,
        template_key=TEMPLATE_KEY,
        actor=admin,
        name=f"Onboarding Buddies — {_season(start)}",
        start_date=start,
    )
    program_update(organization=organization, program=program, data={"audience": {}})
    opened = start - timedelta(days=21)
    # Demo logins keep the histories the other steps gave them.
    logins = {user.email for user in DEMO_USERS}
    eligible = [
        p
        for p in people
        if _employed(p, opened) and p.level and p.level <= 4 and p.user_id is None and p.email not in logins
    ]
    mentors = rng.sample([p for p in eligible if p.level >= 3], COHORT_PAIRS)
    mentees = rng.sample([p for p in eligible if p.level <= 2], COHORT_PAIRS)
    decided = _aware(opened + timedelta(days=10))
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                organization=organization,
                program=program,
                person=person,
                role=role,
                status=EnrollmentStatus.APPROVED,
                decided_by=admin,
                decided_at=decided,
                intake_submitted_at=_aware(opened + timedelta(days=rng.randint(0, 7))),
                capacity=1 if role == ParticipantRole.MENTOR else None,
            )
            for role, group in ((ParticipantRole.MENTOR, mentors), (ParticipantRole.MENTEE, mentees))
            for person in group
        ]
    )
    modules = list(TrainingModule.objects.for_org(organization).filter(program=program))
    TrainingCompletion.objects.bulk_create(
        [
            TrainingCompletion(
                organization=organization,
                module=module,
                enrollment=enrollment,
                score=100 if module.quiz else None,
                passed=True,
                acknowledged_at=decided,
                completed_at=decided,
                attempts=1,
            )
            for enrollment in enrollments
            for module in modules
            if not module.role or module.role == enrollment.role
        ]
    )
    for status in (ProgramStatus.RECRUITING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE, ProgramStatus.CLOSED):
        program_transition(organization=organization, program=program, to_status=status, actor=admin, today=opened)
    _pairs(organization, program, enrollments[:COHORT_PAIRS], enrollments[COHORT_PAIRS:], mentors + mentees)
    return program, mentors + mentees


def _pairs(organization, program, mentor_enrollments, mentee_enrollments, people):
    exits = {p.pk: p.exit_date for p in people}
    rows = []
    for mentor, mentee in zip(mentor_enrollments, mentee_enrollments, strict=True):
        left = [day for day in (exits[mentor.person_id], exits[mentee.person_id]) if day and day < program.end_date]
        rows.append(
            Mentorship(
                organization=organization,
                program=program,
                status=MentorshipStatus.ENDED_EARLY if left else MentorshipStatus.COMPLETED,
                started_on=program.start_date,
                planned_end_on=program.end_date,
                ended_on=min(left) if left else program.end_date,
                end_reason="A member left the organization." if left else "",
            )
        )
    mentorships = Mentorship.objects.bulk_create(rows)
    MentorshipMember.objects.bulk_create(
        [
            MentorshipMember(
                organization=organization,
                mentorship=mentorship,
                enrollment=enrollment,
                person_id=enrollment.person_id,
                role=enrollment.role,
            )
            for mentorship, pair in zip(
                mentorships, zip(mentor_enrollments, mentee_enrollments, strict=True), strict=True
            )
            for enrollment in pair
        ]
    )


def _comparison_leavers(organization, program, participants, people, rng, today):
    """Comparable colleagues who left: enough exits in the year after the cycle's start (and a
    few after it) that the comparison group's first year looks like a real one."""
    start = program.start_date
    year = start + timedelta(days=365)
    enrolled = set(
        Enrollment.objects.for_org(organization)
        .filter(status=EnrollmentStatus.APPROVED)
        .values_list("person_id", flat=True)
    )
    strata = {(p.department, p.level) for p in participants}
    logins = {user.email for user in DEMO_USERS}
    comparable = [
        p
        for p in people
        if p.pk not in enrolled
        and _employed(p, start)
        and (p.department, p.level) in strata
        and p.user_id is None
        and p.email not in logins
        and not p.reports_count
    ]
    gone = sum(1 for p in comparable if p.exit_date and p.exit_date <= year)
    staying = sorted((p for p in comparable if p.exit_date is None), key=lambda p: p.pk)
    rng.shuffle(staying)
    first_year = max(0, round(COMPARISON_FIRST_YEAR_LEAVERS * len(comparable)) - gone)
    later = round(COMPARISON_LATER_LEAVERS * len(comparable))
    changed = []
    for person in staying[:first_year]:
        person.exit_date = start + timedelta(days=rng.randint(30, 360))
        changed.append(person)
    last = today - timedelta(days=7)
    for person in staying[first_year : first_year + later]:
        person.exit_date = year + timedelta(days=rng.randint(0, max(0, (last - year).days)))
        changed.append(person)
    for person in changed:
        person.exit_reason = "voluntary" if rng.random() < 0.8 else "involuntary"
    # Seeding writes the directory's initial state directly, as people_step does: no history.
    Person.objects.bulk_update(changed, ["exit_date", "exit_reason"])


def _participant_promotions(program, participants, rng):
    start = program.start_date
    year = start + timedelta(days=365)
    window = [p for p in participants if p.exit_date is None or p.exit_date > year]
    promoted = [p for p in window if p.last_promotion_date and start < p.last_promotion_date <= year]
    # Only people whose latest promotion is from before the cycle: a later one must not be erased.
    open_ = sorted(
        (p for p in window if not p.last_promotion_date or p.last_promotion_date <= start), key=lambda p: p.pk
    )
    rng.shuffle(open_)
    wanted = max(0, round(PARTICIPANT_PROMOTIONS * len(window)) - len(promoted))
    for person in open_[:wanted]:
        person.last_promotion_date = start + timedelta(days=rng.randint(60, 350))
    Person.objects.bulk_update(open_[:wanted], ["last_promotion_date"])


def reports_step(context):
    # Imported here: this module loads with the app (apps.py registers the step), pandas and
    # scipy should load only when someone seeds the demo.
    from .services.impact import impact_refresh
    from .services.roi import roi_assumptions_update
    from .services.rollups import rollup_execute, rollup_start

    organization = context.organizations.get(ORG_SLUG)
    if organization is None or ImpactSnapshot.objects.for_org(organization).exists():
        return
    admin = Membership.objects.for_org(organization).filter(role=Role.ADMIN).select_related("user").first().user
    rng = context.rng("reports")
    today = context.today
    if (
        not Program.objects.for_org(organization)
        .filter(template_key=TEMPLATE_KEY, status=ProgramStatus.CLOSED)
        .exists()
    ):
        people = list(Person.objects.for_org(organization).annotate(reports_count=Count("reports")).order_by("pk"))
        program, participants = _previous_cycle(organization, admin, people, rng, today)
        _comparison_leavers(organization, program, participants, people, rng, today)
        _participant_promotions(program, participants, rng)
    if not RoiAssumptions.objects.for_org(organization).exists():
        roi_assumptions_update(organization=organization, user=admin, **ASSUMPTIONS)
    run = rollup_start(organization=organization, requested_by=admin)
    # Run it now, in-process, so the dashboards are ready when the command ends; the task
    # queued for after commit then finds the run done and does nothing.
    rollup_execute(organization=organization, run=run)
    impact_refresh(organization=organization, today=today)
