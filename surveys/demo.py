"""Demo surveys for `seed_demo`: Northwind's programs get the surveys a program manager would
have sent, with answers, so the results pages and the leaders' overview show real figures.

- Last year's New-Manager Circles (closed): a mid-program check and an end-of-program
  evaluation, both closed, answered by most of the circle.
- The active Onboarding Buddies: a first-month pulse every four weeks (the first wave closed,
  the second open now, part answered, Sam Taylor not yet), a mid-program check just closed,
  and the end-of-program evaluation planned for the final week.

The surveys come from the real templates and services, and every answer goes through
`survey_answer_submit` (validation, the completion record, the anonymous envelope), on the day
it was given. Only the waves are written directly, dated in the past, with their audience
fixed as the service would, except that demo people without a login are invited too (in a
real organization they could not answer, so the service leaves them out; the demo pretends
they signed in). Nothing is emailed for past waves: the hourly scan later invites the demo's
real logins to the open wave, in their morning.

Answers follow each person's experience: in the buddies program a pair's health (on track,
needs attention, at risk) sets how positive its members are, so the results tell the same
story as the manager's pair pages. Registered after the mentorships step. Idempotent: a
program that already has surveys is left alone.
"""

from datetime import UTC, datetime, time, timedelta

from mentorships.models import MentorshipMember, PairHealth
from organizations.demo import MEMBER
from organizations.models import Membership, Person, Role
from programs.models import Program, ProgramStatus

from .models import Question, Survey, SurveyInvitation, SurveyStatus, SurveyWave
from .services import survey_answer_submit, survey_audience, survey_create_from_template, survey_launch

ORG_SLUG = "northwind"
MOOD_BY_HEALTH = {PairHealth.ON_TRACK: 0.78, PairHealth.NEEDS_ATTENTION: 0.55, PairHealth.AT_RISK: 0.3}

HIGHLIGHTS = (
    "Having someone outside my team to ask the questions I felt silly asking anywhere else.",
    "Practising difficult conversations before having them for real.",
    "Learning how decisions actually get made here.",
    "The honest feedback on my first presentation.",
    "Seeing how another department plans its work; I have borrowed two of their habits.",
    "A regular half hour that was only about my growth.",
    "Hearing that others struggle with the same things.",
    "Getting introduced to people I would never have met otherwise.",
    "Setting one concrete goal and actually reaching it.",
    "The first-meeting guide took the awkwardness away.",
    "Talking through how to say no to extra work without burning bridges.",
    "My buddy showed me where everything lives in the wiki and who to ask.",
)
IMPROVEMENTS = (
    "More time set aside for it: meetings kept getting bumped by deadlines.",
    "A clearer idea at the start of what we should talk about each time.",
    "Matching within the same time zone would make scheduling easier.",
    "A mid-way get-together with the other pairs.",
    "Shorter surveys!",
    "Reminders that come a day earlier.",
    "More guidance for mentors on giving feedback.",
    "It ended just as it was getting good; a few more weeks would help.",
    "Let us swap partners earlier when it is not working.",
    "Nothing, it worked well for me.",
)


def _mood(rng, base):
    return min(1.0, max(0.0, rng.gauss(base, 0.15)))


def _scaled(question, mood, rng):
    low, high = int(question.min_value), int(question.max_value)
    return max(low, min(high, round(low + (high - low) * mood + rng.gauss(0, 0.6))))


def _answer(question, mood, rng):
    """One realistic raw answer, or None to skip an optional question."""
    values = [c.value for c in question.choices.all() if not c.retired]
    key = question.key
    if question.type == Question.Type.LONG_TEXT:
        chance, pool = (0.55, HIGHLIGHTS) if key == "highlight" else (0.4, IMPROVEMENTS)
        return rng.choice(pool) if rng.random() < chance else None
    if key == "nps":
        # People are more generous on "would you recommend" than on satisfaction.
        return _scaled(question, min(1.0, mood + 0.17), rng)
    if question.type == Question.Type.SCALE:
        return _scaled(question, mood, rng)
    if key == "mentor_again":
        return "yes" if mood > 0.6 else "maybe" if mood > 0.35 else "no"
    if key == "meeting_frequency":
        ladder = ["weekly", "fortnightly", "monthly", "less_often", "not_met"]
        step = min(len(ladder) - 1, max(0, round((1 - mood) * 4 + rng.gauss(0, 0.5))))
        return ladder[step]
    if key == "obstacles":
        if mood > 0.7:
            return ["nothing"]
        return rng.sample([v for v in values if v != "nothing"], k=rng.randint(1, 2))
    if question.type == Question.Type.MULTIPLE_CHOICE:
        return rng.sample(values, k=min(len(values), rng.randint(1, 3))) if rng.random() < 0.85 else None
    if question.type == Question.Type.SINGLE_CHOICE:
        return rng.choice(values)
    return None


def _questions(survey):
    return list(survey.questionnaire.questions.filter(retired=False).prefetch_related("choices"))


def _wave(survey, number, opens_on, closes_on):
    """A past (or running) wave with its audience fixed on its opening day; `_close` closes it
    after the answers are in (a closed wave refuses answers)."""
    wave = SurveyWave.objects.create(
        organization=survey.organization,
        survey=survey,
        number=number,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_at=datetime.combine(opens_on, time(7), tzinfo=UTC),
    )
    enrollments = list(survey_audience(organization=survey.organization, survey=survey).select_related("person"))
    SurveyInvitation.objects.bulk_create(
        [
            SurveyInvitation(organization=survey.organization, wave=wave, person=e.person, role=e.role)
            for e in enrollments
        ]
    )
    return wave, enrollments


def _answer_wave(wave, enrollments, rng, *, share, moods, last_day=None, skip=()):
    """Most of the audience answers, each on a day within the wave, while it was open."""
    survey = wave.survey
    questions = _questions(survey)
    last_day = min(last_day or wave.closes_on, wave.closes_on)
    span = (last_day - wave.opens_on).days
    for enrollment in enrollments:
        if enrollment.person_id in skip or rng.random() > share:
            continue
        mood = _mood(rng, moods.get(enrollment.person_id, 0.68))
        answers = {q.key: a for q in questions if (a := _answer(q, mood, rng)) is not None}
        # Most answer in the first days, some after the reminder.
        day = wave.opens_on + timedelta(days=min(span, int(rng.expovariate(1 / 2.5))))
        survey_answer_submit(
            organization=survey.organization, wave=wave, person=enrollment.person, answers=answers, today=day
        )


def _close(wave, today):
    if wave.closes_on < today:
        closed_at = datetime.combine(wave.closes_on + timedelta(days=1), time(0), tzinfo=UTC)
        SurveyWave.objects.filter(pk=wave.pk).update(closed_at=closed_at)


def _moods_by_pair_health(organization, program) -> dict[int, float]:
    rows = MentorshipMember.objects.for_org(organization).filter(mentorship__program=program)
    return {
        person_id: MOOD_BY_HEALTH.get(health, 0.68)
        for person_id, health in rows.values_list("person_id", "mentorship__health")
    }


def _survey(organization, program, template_key, admin, **overrides):
    survey = survey_create_from_template(
        organization=organization, program=program, template_key=template_key, created_by=admin, **overrides
    )
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.LIVE)
    survey.status = SurveyStatus.LIVE
    return survey


def _closed_circles(context, organization, admin, rng):
    program = (
        Program.objects.for_org(organization)
        .filter(status=ProgramStatus.CLOSED, template_key="new_manager_circles")
        .order_by("-created_at")
        .first()
    )
    if program is None or program.surveys.exists() or not (program.start_date and program.end_date):
        return
    middle = program.start_date + (program.end_date - program.start_date) // 2
    survey = _survey(organization, program, "mid_program", admin)
    wave, audience = _wave(survey, 1, middle, middle + timedelta(days=13))
    _answer_wave(wave, audience, rng, share=0.8, moods={})
    _close(wave, context.today)
    survey = _survey(organization, program, "end_of_program", admin)
    opens = program.end_date - timedelta(days=7)
    wave, audience = _wave(survey, 1, opens, opens + timedelta(days=13))
    _answer_wave(wave, audience, rng, share=0.72, moods={})
    _close(wave, context.today)
    Survey.objects.for_org(organization).filter(program=program).update(status=SurveyStatus.ENDED)


def _active_buddies(context, organization, admin, rng):
    program = (
        Program.objects.for_org(organization)
        .filter(status=ProgramStatus.ACTIVE, template_key="onboarding_buddy")
        .order_by("-created_at")
        .first()
    )
    if program is None or program.surveys.exists() or not (program.start_date and program.end_date):
        return
    today = context.today
    moods = _moods_by_pair_health(organization, program)
    sam = Person.objects.for_org(organization).filter(email__iexact=MEMBER.email).values_list("pk", flat=True).first()

    pulse = _survey(organization, program, "first_month_pulse", admin)
    first = program.start_date + timedelta(days=28)
    wave, audience = _wave(pulse, 1, first, first + timedelta(days=6))
    _answer_wave(wave, audience, rng, share=0.7, moods=moods)
    _close(wave, today)
    second = first + timedelta(weeks=4)
    if second <= today:
        wave, audience = _wave(pulse, 2, second, second + timedelta(days=6))
        _answer_wave(wave, audience, rng, share=0.45, moods=moods, last_day=today, skip={sam})
        _close(wave, today)

    middle = program.start_date + (program.end_date - program.start_date) // 2
    if middle + timedelta(days=13) < today:
        survey = _survey(organization, program, "mid_program", admin)
        wave, audience = _wave(survey, 1, middle, middle + timedelta(days=13))
        _answer_wave(wave, audience, rng, share=0.62, moods=moods)
        _close(wave, today)
        Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.ENDED)

    end = survey_create_from_template(
        organization=organization, program=program, template_key="end_of_program", created_by=admin
    )
    survey_launch(organization=organization, survey=end, today=today)


def surveys_step(context):
    organization = context.organizations.get(ORG_SLUG)
    if organization is None:
        return
    admin = Membership.objects.for_org(organization).filter(role=Role.ADMIN).select_related("user").first().user
    rng = context.rng("surveys")
    _closed_circles(context, organization, admin, rng)
    _active_buddies(context, organization, admin, rng)
