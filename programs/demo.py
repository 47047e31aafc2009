"""Demo programs for `seed_demo`: one recruiting with ~150 applicants, one active, one closed.

Everything goes through the real services (templates, transitions, applications with typed
intake answers, decisions, training), so the demo shows exactly what a user would have built.
Registered as a seed_demo step by programs/apps.py.
"""

from datetime import timedelta

from organizations.demo import MEMBER
from organizations.models import Membership, Role
from surveys.models import Question

from .audience import audience_queryset
from .models import EnrollmentStatus, Program, ProgramStatus, roles_for_model
from .selectors.training import modules_for
from .services.design import program_create_from_template, program_transition, program_update
from .services.recruitment import enrollment_apply, enrollment_decide
from .services.training import training_submit

ORG_SLUG = "northwind"
REASONS = {
    EnrollmentStatus.WAITLISTED: "We have more mentors than mentees in your area this cycle; you are first in line.",
    EnrollmentStatus.DECLINED: "This cycle is for people who have been with us less than two years.",
}


def _season(day) -> str:
    """Demo names follow the seeding date, so they never look stale: "Autumn 2026"."""
    season = ("Winter", "Spring", "Summer", "Autumn")[(day.month % 12) // 3]
    return f"{season} {day.year}"


def _years(start, end) -> str:
    """ "2025–26" across a new year, "2026" within one."""
    return str(start.year) if start.year == end.year else f"{start.year}–{str(end.year)[2:]}"


def _answer(question, rng):
    """A valid raw answer for a question, as a participant's form would send it."""
    choices = [c.value for c in question.choices.all() if not c.retired]
    if question.type == Question.Type.SINGLE_CHOICE:
        return rng.choice(choices)
    if question.type == Question.Type.MULTIPLE_CHOICE:
        return rng.sample(choices, k=min(len(choices), rng.randint(1, 3)))
    if question.type in (Question.Type.SCALE, Question.Type.NUMBER):
        low = int(question.min_value if question.min_value is not None else 0)
        high = int(question.max_value if question.max_value is not None else low + 10)
        return rng.randint(low, high)
    if question.type == Question.Type.DATE:
        return "2027-01-15"
    if question.type == Question.Type.LONG_TEXT:
        return rng.choice(
            [
                "I want to get better at leading meetings and giving feedback that lands.",
                "Growing from individual contributor to a broader role; I'd value an outside view.",
                "I'd like to understand how other departments work and build my network.",
            ]
        )
    return rng.choice(["Curious", "Team player", "Learning fast", "Bridge builder"])


def _intake(program, role, rng):
    questionnaire = program.questionnaire_for(role)
    if questionnaire is None:
        return {}
    questions = questionnaire.questions.filter(retired=False).prefetch_related("choices")
    return {q.key: _answer(q, rng) for q in questions if q.required or rng.random() < 0.8}


def _apply(program, people, rng, *, share_mentors=0.4, role_of=None):
    enrollments = []
    roles = roles_for_model(program.model)
    for person in people:
        role = roles[0] if len(roles) == 1 else (roles[0] if rng.random() < share_mentors else roles[1])
        role = role_of(person) if role_of else role
        enrollments.append(
            enrollment_apply(
                organization=program.organization,
                program=program,
                person=person,
                role=role,
                answers=_intake(program, role, rng),
                motivation="I had great mentors myself and want to pay it forward." if role == "mentor" else "",
                capacity=rng.choice([1, 1, 2, 3]) if role == "mentor" else None,
            )
        )
    return enrollments


def _train(enrollments, rng, share=1.0):
    for enrollment in enrollments:
        if rng.random() > share:
            continue
        for module in modules_for(enrollment):
            answers = [item["answer"] for item in module.quiz]
            training_submit(
                organization=enrollment.organization,
                module=module,
                enrollment=enrollment,
                quiz_answers=answers,
                acknowledged=True,
            )


def _walk(program, actor, statuses, today):
    for status in statuses:
        program_transition(
            organization=program.organization, program=program, to_status=status, actor=actor, today=today
        )


def _candidates(program, today, exclude=(), decider=None):
    people = audience_queryset(organization=program.organization, rules=program.audience, today=today)
    if decider is not None:
        # The admin decides these applications, and nobody may decide their own.
        people = people.exclude(user=decider)
    return list(people.exclude(pk__in=exclude).order_by("pk"))


def programs_step(context):
    organization = context.organizations.get(ORG_SLUG)
    if organization is None or Program.objects.for_org(organization).exists():
        return
    rng = context.rng("programs")
    today = context.today
    admin = Membership.objects.for_org(organization).filter(role=Role.ADMIN).select_related("user").first().user

    # Closed: last year's new-manager circles, finished a month ago.
    closed = program_create_from_template(
        organization=organization,
        template_key="new_manager_circles",
        actor=admin,
        name=f"New-Manager Circles {_years(today - timedelta(days=300), today - timedelta(days=30))}",
        start_date=today - timedelta(days=300),
    )
    program_update(organization=organization, program=closed, data={"end_date": today - timedelta(days=30)})
    opened = today - timedelta(days=330)
    _walk(closed, admin, [ProgramStatus.RECRUITING], opened)
    managers = [p for p in _candidates(closed, opened, decider=admin) if p.reports.exists()][:24]
    circle = _apply(closed, managers, rng)
    enrollment_decide(
        organization=organization, program=closed, enrollments=circle, decision=EnrollmentStatus.APPROVED, actor=admin
    )
    _train(circle, rng)
    _walk(closed, admin, [ProgramStatus.MATCHING, ProgramStatus.ACTIVE, ProgramStatus.CLOSED], opened)

    # Active: the autumn onboarding buddies, running for two months.
    active = program_create_from_template(
        organization=organization,
        template_key="onboarding_buddy",
        actor=admin,
        name=f"Onboarding Buddies — {_season(today - timedelta(days=60))}",
        start_date=today - timedelta(days=60),
    )
    opened = today - timedelta(days=80)
    program_update(organization=organization, program=active, data={"audience": {}})
    _walk(active, admin, [ProgramStatus.RECRUITING], opened)
    pool = _candidates(active, opened, exclude=[p.pk for p in managers], decider=admin)
    # The demo's member (Sam Taylor) is a new starter with a buddy, so signing in as Sam opens
    # a real mentorship workspace.
    sam = next((p for p in pool if p.email == MEMBER.email), None)
    # Everyone applies today: nobody who has left since the program opened.
    others = [p for p in pool if p is not sam and not (p.exit_date and p.exit_date <= today)]
    buddies = _apply(active, rng.sample(others, 59 if sam else 60), rng, share_mentors=0.5)
    if sam:
        buddies += _apply(active, [sam], rng, role_of=lambda person: "mentee")
    enrollment_decide(
        organization=organization, program=active, enrollments=buddies, decision=EnrollmentStatus.APPROVED, actor=admin
    )
    _train(buddies, rng)
    _walk(active, admin, [ProgramStatus.MATCHING, ProgramStatus.ACTIVE], opened)

    # Recruiting: next year's reverse mentoring, with ~150 applications in every state.
    recruiting = program_create_from_template(
        organization=organization,
        template_key="reverse_mentoring",
        actor=admin,
        name=f"Reverse Mentoring {(today + timedelta(days=45)).year}",
        start_date=today + timedelta(days=45),
    )
    program_update(organization=organization, program=recruiting, data={"audience": {}})
    _walk(recruiting, admin, [ProgramStatus.RECRUITING], today)
    already = {e.person_id for e in buddies}
    applicants = [p for p in _candidates(recruiting, today) if p.pk not in already and p.user_id is None]
    # Reverse mentoring: leaders (level 5 and up) learn from early-career colleagues (level 1–2).
    leaders = [p for p in applicants if (p.level or 0) >= 5]
    juniors = [p for p in applicants if p.level is not None and p.level <= 2]
    chosen = rng.sample(leaders, min(80, len(leaders))) + rng.sample(juniors, min(70, len(juniors)))
    applied = _apply(recruiting, chosen, rng, role_of=lambda p: "mentee" if p.level >= 5 else "mentor")
    rng.shuffle(applied)
    decisions = [(EnrollmentStatus.APPROVED, 70), (EnrollmentStatus.WAITLISTED, 10), (EnrollmentStatus.DECLINED, 6)]
    start = 0
    for decision, count in decisions:
        batch = applied[start : start + count]
        start += count
        enrollment_decide(
            organization=organization,
            program=recruiting,
            enrollments=batch,
            decision=decision,
            reason=REASONS.get(decision, ""),
            actor=admin,
        )
        if decision == EnrollmentStatus.APPROVED:
            _train(batch, rng, share=0.7)


def summary(organization) -> list[str]:
    lines = []
    for program in Program.objects.for_org(organization).order_by("pk"):
        count = program.enrollments.count()
        lines.append(f"  {program.name}: {program.get_status_display().lower()}, {count} enrollments")
    return lines
