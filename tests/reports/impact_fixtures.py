"""A generated directory with a known effect, written straight to the models (bulk), for the
impact, ROI, selector and export tests.

    world = build_world(org, today=TODAY)   # 600 people, one program started 540 days ago

People leave at a constant yearly hazard (exponential exit times): participants at
`hazard_participants`, everyone else at `hazard_others`, so 12-month retention is
exp(-hazard) in each group. Participants are drawn with a lean towards Engineering and higher
levels, so matching has an imbalance to remove. Participants are promoted within their first
year at `promote_participants`, others at `promote_others`.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from organizations.models import Person
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus
from reports.models import KpiSnapshot

DEPARTMENTS = ("Engineering", "Sales", "Support")


@dataclass
class World:
    organization: object
    program: Program
    today: date
    participants: list = field(default_factory=list)  # Person
    others: list = field(default_factory=list)


def _exit(rng, start, hazard):
    years = rng.expovariate(hazard) if hazard > 0 else math.inf
    if years * 365.25 > 10_000:
        return None
    return start + timedelta(days=max(1, round(years * 365.25)))


def make_program(organization, *, name="Mentoring", start_date, status=ProgramStatus.ACTIVE, **fields):
    return Program.objects.create(organization=organization, name=name, status=status, start_date=start_date, **fields)


def enroll_in_pairs(program, people, *, status=EnrollmentStatus.APPROVED, started_on=None):
    """Approved enrollments for `people`, paired two by two into mentorships (an odd one out
    joins the last pair)."""
    organization = program.organization
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(organization=organization, program=program, person=person, role="mentee", status=status)
            for person in people
        ]
    )
    pairs = max(1, len(enrollments) // 2)
    mentorships = Mentorship.objects.bulk_create(
        [
            Mentorship(
                organization=organization,
                program=program,
                status=MentorshipStatus.ACTIVE,
                started_on=started_on or program.start_date,
            )
            for _ in range(pairs)
        ]
    )
    MentorshipMember.objects.bulk_create(
        [
            MentorshipMember(
                organization=organization,
                mentorship=mentorships[min(index // 2, pairs - 1)],
                enrollment=enrollment,
                person_id=enrollment.person_id,
                role="mentee",
            )
            for index, enrollment in enumerate(enrollments)
        ]
    )
    return enrollments


def build_world(
    organization,
    *,
    today: date,
    seed=7,
    people=600,
    participants=150,
    start_days_ago=540,
    hazard_participants=0.08,
    hazard_others=0.30,
    promote_participants=0.40,
    promote_others=0.12,
    program_name="Mentoring",
) -> World:
    rng = random.Random(seed)
    start = today - timedelta(days=start_days_ago)
    program = make_program(organization, name=program_name, start_date=start)
    rows = []
    for index in range(people):
        department = rng.choice(DEPARTMENTS)
        level = rng.choice((1, 2, 3, 4))
        hire = start - timedelta(days=rng.randint(30, 3000))
        rows.append(
            Person(
                organization=organization,
                external_id=f"W{seed}-{index:05d}",
                name=f"Person {seed}-{index}",
                email=f"p{seed}-{index}@example.com",
                department=department,
                level=level,
                hire_date=hire,
            )
        )
    # Participants lean towards Engineering and senior levels: matching must correct for it.
    weights = [(3 if p.department == "Engineering" else 1) * p.level for p in rows]
    chosen = set()
    while len(chosen) < participants:
        chosen.add(rng.choices(range(people), weights)[0])
    for index, person in enumerate(rows):
        joined = index in chosen
        person.exit_date = _exit(rng, start, hazard_participants if joined else hazard_others)
        if person.exit_date and person.exit_date > today:
            person.exit_date = None
        if rng.random() < (promote_participants if joined else promote_others):
            person.last_promotion_date = start + timedelta(days=rng.randint(1, 364))
    Person.objects.bulk_create(rows)
    saved = list(
        Person.objects.for_org(organization).filter(external_id__startswith=f"W{seed}-").order_by("external_id")
    )
    world = World(organization=organization, program=program, today=today)
    for index, person in enumerate(saved):
        (world.participants if index in chosen else world.others).append(person)
    enroll_in_pairs(program, world.participants)
    return world


def make_kpi(organization, week_start, *, program=None, **fields):
    """A KpiSnapshot row as the rollup leaves it (the tests of what reads snapshots make them directly)."""
    fields.setdefault("min_group_size", organization.survey_min_responses)
    return KpiSnapshot.objects.create(
        organization=organization, program=program, week_start=week_start, computed_at=timezone.now(), **fields
    )
