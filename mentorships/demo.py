"""Demo history for `seed_demo`: Northwind's active onboarding-buddy program gets its pairs and
the two months they have lived since it started, so the workspace and the program manager's
pages look like a real program on the first visit.

The pairs come from the real services: matching criteria from the template's hints, a match
run and its publication, then dated back to just before the program's start. Their history
(meetings scheduled and logged, goals with milestones and comments, check-ins, the program
manager's interventions) is written in bulk, since logging two months one service call at a
time would be slow and would stamp everything "today"; the rows are the ones the services
write (the same fields, uids, statuses and bounds) with their dates set in the past. Then
health_refresh judges every pair, as the nightly task would.

Pairs follow a rhythm drawn from a generator seeded by the step's name: most meet at about the
program's cadence (counted in cadences, so weekly for onboarding buddies) and have their next
meeting booked, some meet every two or three cadences, a few met once or twice and fizzled out,
a couple never met. That gives a handful of pairs at risk, some needing attention, help flags
(open ones, and one the program manager answered), and goals in every state.

Registered as a seed_demo step by mentorships/apps.py, after the matching step. Idempotent: a
program that already has mentorships is left alone.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from matching.models import MatchingCriterion, MatchRun
from matching.services.criteria import criteria_from_hints
from matching.services.publish import match_run_publish
from matching.services.runs import match_run_execute, match_run_start
from organizations.models import Membership, Role
from programs.models import ParticipantRole, Program, ProgramStatus

from .models import (
    CheckIn,
    Goal,
    GoalComment,
    GoalStatus,
    Intervention,
    Meeting,
    MeetingFormat,
    MeetingPrivateNote,
    MeetingStatus,
    Mentorship,
    Milestone,
)
from .services.health import health_refresh
from .services.meetings import _new_uid
from .timezones import person_zone, zone

ORG_SLUG = "northwind"
TEMPLATE_KEY = "onboarding_buddy"

# Rhythm -> share of the pairs (the rest never met). Intervals are in cadences (the program's
# "meet every N weeks"), so the history fits whatever cadence the program has.
RHYTHMS = (("steady", 0.55), ("irregular", 0.27), ("fizzled", 0.11))
LOCAL_HOURS = (9, 10, 11, 13, 14, 15, 16)
PLACES = ("Café on the 2nd floor", "The buddy's desk", "Kitchen, level 3", "A walk round the block")
FORMATS = ((MeetingFormat.VIDEO, 5), (MeetingFormat.IN_PERSON, 3), (MeetingFormat.PHONE, 1), (MeetingFormat.CHAT, 1))

TOPICS = {
    "first": ("Introductions", "Your first week", "Tools and access", "Team and org chart", "Where to find things"),
    "early": ("Who to know", "How decisions get made", "Internal tools", "Team rituals", "Documentation", "Jargon"),
    "later": ("Career paths", "Feedback", "Stakeholders", "Work–life balance", "Goals review", "Presenting your work"),
}
NOTES = {
    "first": (
        "Got to know each other: {mentee} joined from a smaller company, {mentor} has been here four years.",
        "Walked through the org chart and who sits where.",
        "{mentee} still waits for access to two tools; {mentor} will ping IT.",
        "Agreed to meet weekly for half an hour; {mentee} books the slots.",
    ),
    "early": (
        "Talked through how planning works and which meetings matter.",
        "{mentor} introduced {mentee} to two people in a neighbouring team.",
        "Went over the acronyms list; {mentee} added a few of their own.",
        "{mentee} shared a first piece of work; {mentor} suggested who to ask for a review.",
        "Looked at where the team keeps its docs and how to search them.",
    ),
    "later": (
        "Reviewed progress on the goals; the first milestone is done.",
        "{mentee} practised the team-meeting update; {mentor} gave feedback on structure.",
        "Talked about career paths here and how promotions work.",
        "Discussed how to push back on a deadline politely.",
        "{mentee} feels settled in; next time: stakeholders outside the team.",
    ),
}
NOT_HELD_NOTES = ("", "Had to skip: {mentor} was out sick.", "Clashed with an all-hands; rebooked.")
AGENDAS = ("", "", "Questions from this week", "Goals check", "Intro to the wider team")
PRIVATE_NOTES = (
    "Ask about the expenses process next time.",
    "Remember: {mentee} prefers written follow-ups.",
    "Felt a bit lost this week, but better after talking.",
)

# statement, measure, relevance, milestones
GOALS = (
    (
        "Meet the ten people I will work with most",
        "Ten one-to-one coffees held and noted",
        "Knowing who does what makes everything else faster.",
        ("List the ten people with my manager", "Book the first five coffees", "Book the other five"),
    ),
    (
        "Deliver my first piece of work end to end",
        "One task taken from request to done, with feedback from my manager",
        "Shows I can find my way through our processes.",
        ("Pick a small task", "Get it reviewed", "Ship it", "Ask for feedback"),
    ),
    (
        "Get comfortable with our internal tools",
        "Find any document, ticket or dashboard I need without asking",
        "I lose time every day searching.",
        ("Tour of the wiki with my buddy", "Set up my dashboards", "Answer a colleague's question from the docs"),
    ),
    (
        "Present an update at a team meeting",
        "A ten-minute update given at the weekly team meeting",
        "Visibility, and practice speaking in English to a big group.",
        ("Draft the slides", "Rehearse with my buddy", "Present"),
    ),
    (
        "Understand how our department plans its work",
        "Sit in on a planning meeting and explain it back to my buddy",
        "I want to see where my work fits.",
        ("Read last quarter's plan", "Attend a planning meeting", "Summarise it in a meeting"),
    ),
    (
        "Agree a 30-60-90 day plan with my manager",
        "A written plan agreed in a one-to-one",
        "Clear expectations for my probation review.",
        ("Draft the plan", "Review it with my buddy", "Agree it with my manager"),
    ),
)
MENTOR_COMMENTS = (
    "Great start. Try to book the next step before the end of the week.",
    "Happy to do a dry run with you beforehand.",
    "Ask Priya in People Operations: she knows everyone.",
    "This is a good one to break down further.",
)
MENTEE_COMMENTS = ("Thanks, will do!", "Done, it went well.", "Moved the date: the team meeting was cancelled.")
CHECKIN_COMMENTS = {
    5: ("Really helpful, thank you!", "", "Best part of my week."),
    4: ("Going well.", "", "Good conversations, a bit short on time."),
    3: ("OK, we keep having to reschedule.", "", "Fine, though I am not sure what to talk about."),
    2: ("We have not met in weeks.", "Hard to find time."),
    1: ("I do not think this is working.",),
}


@dataclass
class PairPlan:
    mentorship: Mentorship
    mentor: object  # MentorshipMember with person
    mentee: object
    rhythm: str
    created: datetime  # when publishing made it (backdated to just before the start)
    admin: object  # the program's manager here: the organization admin who runs the demo programs
    meetings: list = field(default_factory=list)


@dataclass
class History:
    """Rows to write, in bulk, with the dates the services would have stamped."""

    today: date
    now: datetime
    org_zone: object
    meetings: list = field(default_factory=list)
    private_notes: list = field(default_factory=list)
    goals: list = field(default_factory=list)
    milestones: list = field(default_factory=list)  # (goal index, Milestone)
    comments: list = field(default_factory=list)  # (goal index, GoalComment)
    checkins: list = field(default_factory=list)
    interventions: list = field(default_factory=list)
    open_help_flags: int = 2  # help flags still waiting for the program manager


def _at(day, zone_info, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=zone_info)


def _fill(text, plan):
    return text.format(mentee=plan.mentee.person.name.split()[0], mentor=plan.mentor.person.name.split()[0])


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


# --- the pairs ----------------------------------------------------------------------------


def _publish_pairs(organization, program, admin) -> list[Mentorship]:
    """The real flow: criteria from the template's hints, a run, its publication."""
    if not MatchingCriterion.objects.for_org(organization).filter(program=program).exists():
        criteria_from_hints(organization=organization, program=program, user=admin)
    run = match_run_start(organization=organization, program=program, user=admin)
    match_run_execute(organization=organization, run_id=run.pk)
    run.refresh_from_db()
    return match_run_publish(organization=organization, run=run, user=admin)


def _plans(organization, program, mentorships, rng, admin) -> list[PairPlan]:
    """Back to the program's start (publishing today starts a pair today), a rhythm each."""
    start = program.start_date
    published = _at(start, zone(organization.time_zone), 9) - timedelta(days=2)
    runs = {m.match_run_id for m in mentorships}
    MatchRun.objects.for_org(organization).filter(pk__in=runs).update(
        created_at=published - timedelta(minutes=30),
        started_at=published - timedelta(minutes=30),
        finished_at=published - timedelta(minutes=29),
        published_at=published,
    )
    Mentorship.objects.for_org(organization).filter(pk__in=[m.pk for m in mentorships]).update(
        started_on=start, created_at=published
    )
    pairs = (
        Mentorship.objects.for_org(organization)
        .filter(pk__in=[m.pk for m in mentorships])
        .prefetch_related("members__person")
        .select_related("program")
        .order_by("pk")
    )
    plans = []
    for mentorship in pairs:
        members = {member.role: member for member in mentorship.members.all()}
        if ParticipantRole.MENTOR in members and ParticipantRole.MENTEE in members:
            plans.append(
                PairPlan(
                    mentorship,
                    members[ParticipantRole.MENTOR],
                    members[ParticipantRole.MENTEE],
                    rhythm="never",
                    created=published,
                    admin=admin,
                )
            )
    order = list(range(len(plans)))
    rng.shuffle(order)
    position = 0
    for rhythm, share in RHYTHMS:
        count = round(share * len(plans))
        for index in order[position : position + count]:
            plans[index].rhythm = rhythm
        position += count
    return plans


# --- meetings -----------------------------------------------------------------------------


def _meeting_days(plan, rng, today) -> list[tuple[date, bool]]:
    """(day, held) of the pair's past meetings, by its rhythm."""
    start, cadence = plan.mentorship.started_on, 7 * plan.mentorship.program.cadence_weeks
    if plan.rhythm == "never":
        return []
    if plan.rhythm == "fizzled":
        first = start + timedelta(days=rng.randint(2, 6))
        days = [first] + ([first + timedelta(days=cadence + rng.randint(0, 3))] if rng.random() < 0.6 else [])
        return [(day, True) for day in days]
    steady = plan.rhythm == "steady"
    day, days = start + timedelta(days=rng.randint(1, 4) if steady else rng.randint(3, 9)), []
    while day < today:
        days.append((day, rng.random() > (0.05 if steady else 0.18)))
        spacing = rng.uniform(0.85, 1.3) if steady else rng.uniform(1.4, 2.6)
        day += timedelta(days=max(2, round(cadence * spacing)))
    return days


def _stage(index):
    return "first" if index == 0 else "early" if index < 4 else "later"


def _meeting(history, plan, rng, day, index, *, held=None):
    """A meeting the mentee booked; held=None leaves it scheduled (upcoming or never logged)."""
    program, mentee_zone = plan.mentorship.program, person_zone(plan.mentee.person, history.org_zone.key)
    starts_at = _at(day, mentee_zone, rng.choice(LOCAL_HOURS), rng.choice((0, 30))).astimezone(UTC)
    meeting_format = _weighted(rng, FORMATS)
    meeting = Meeting(
        organization_id=plan.mentorship.organization_id,
        mentorship=plan.mentorship,
        status=MeetingStatus.SCHEDULED,
        starts_at=starts_at,
        duration_minutes=program.meeting_minutes,
        location=rng.choice(PLACES) if meeting_format == MeetingFormat.IN_PERSON else "",
        video_url=f"https://meet.northwind.example/{rng.getrandbits(40):010x}" if meeting_format == "video" else "",
        agenda=rng.choice(AGENDAS),
        uid=_new_uid(),
        sequence=1 if rng.random() < 0.15 else 0,  # moved once
        scheduled_by=plan.mentee.person,
    )
    booked = min(starts_at - timedelta(days=rng.randint(2, 8)), history.now - timedelta(hours=1))
    booked = max(booked, min(plan.created, starts_at))
    meeting.created_at = meeting.updated_at = booked
    if held is not None:
        stage = _stage(index)
        meeting.status = MeetingStatus.HELD if held else MeetingStatus.NOT_HELD
        meeting.logged_by = (plan.mentee if rng.random() < 0.6 else plan.mentor).person
        meeting.logged_at = meeting.updated_at = min(
            starts_at + timedelta(hours=rng.randint(1, 40)), history.now - timedelta(minutes=5)
        )
        if held:
            meeting.actual_minutes = max(10, program.meeting_minutes + rng.choice((-10, -5, 0, 0, 5, 10, 20)))
            meeting.format = meeting_format
            meeting.topics = rng.sample(TOPICS[stage], k=rng.randint(1, 3))
            meeting.shared_notes = " ".join(_fill(note, plan) for note in rng.sample(NOTES[stage], k=2))
            if rng.random() < 0.2:
                author = rng.choice((plan.mentee, plan.mentor)).person
                text = _fill(rng.choice(PRIVATE_NOTES), plan)
                history.private_notes.append((meeting, author, text))
        else:
            meeting.shared_notes = _fill(rng.choice(NOT_HELD_NOTES), plan)
    history.meetings.append(meeting)
    plan.meetings.append(meeting)


def _meetings(history, plan, rng):
    cadence = 7 * plan.mentorship.program.cadence_weeks
    past = _meeting_days(plan, rng, history.today)
    for index, (day, held) in enumerate(past):
        _meeting(history, plan, rng, day, index, held=held)
    booked = {"steady": 0.9, "irregular": 0.45}.get(plan.rhythm, 0.0)
    if rng.random() < booked:
        _meeting(history, plan, rng, history.today + timedelta(days=rng.randint(1, cadence)), len(past))
    elif plan.rhythm == "never" and rng.random() < 0.5:
        # Booked once, then neither logged it: the "log your last meeting" reminder's case.
        _meeting(history, plan, rng, history.today - timedelta(days=rng.randint(6, 12)), 0)


# --- goals --------------------------------------------------------------------------------


def _goal_status(plan, rng, overdue_allowed) -> tuple[str, bool]:
    """(status, whether its target date has passed while it is still open)."""
    if plan.rhythm == "steady":
        weights = ((GoalStatus.ACHIEVED, 3), (GoalStatus.IN_PROGRESS, 5), (GoalStatus.NOT_STARTED, 2))
        return _weighted(rng, weights), False
    if plan.rhythm == "irregular":
        weights = ((GoalStatus.IN_PROGRESS, 4), (GoalStatus.NOT_STARTED, 3), (GoalStatus.DROPPED, 1))
        status = _weighted(rng, weights)
        return status, overdue_allowed and status != GoalStatus.DROPPED and rng.random() < 0.35
    return GoalStatus.NOT_STARTED, overdue_allowed


def _goals(history, plan, rng, program):
    """Goals set in the first weeks, by the mentee, with milestones and the mentor's comments."""
    if plan.rhythm == "never" or (plan.rhythm == "fizzled" and rng.random() < 0.4):
        return
    held = [m for m in plan.meetings if m.status == MeetingStatus.HELD]
    if plan.rhythm == "irregular" and rng.random() < 0.15:
        return  # a pair that never got round to goals
    count = rng.choice((1, 2, 2, 3)) if plan.rhythm == "steady" else rng.choice((1, 1, 2))
    for spec in rng.sample(GOALS, k=count):
        statement, measure, relevance, steps = spec
        created = timezone.localtime(held[min(1, len(held) - 1)].logged_at if held else history.now, history.org_zone)
        created += timedelta(hours=rng.randint(1, 72))
        created = min(created, history.now - timedelta(hours=2))
        made_on = created.date()
        status, overdue = _goal_status(plan, rng, overdue_allowed=(history.today - made_on).days > 16)
        if overdue:
            target = made_on + timedelta(days=rng.randint(14, (history.today - made_on).days - 1))
        else:
            target = min(program.end_date, history.today + timedelta(days=rng.randint(5, 40)))
            target = max(target, made_on + timedelta(days=14))
        goal = Goal(
            organization_id=plan.mentorship.organization_id,
            mentorship=plan.mentorship,
            owner=plan.mentee,
            statement=statement,
            measure=measure,
            target_date=min(target, program.end_date),
            relevance=relevance,
            status=status,
            created_by=plan.mentee.person,
        )
        goal.created_at = goal.updated_at = created
        index = len(history.goals)
        history.goals.append(goal)
        _milestones(history, rng, goal, index, steps, made_on)
        _goal_comments(history, plan, rng, goal, index, created)


def _day_between(rng, first, last):
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _milestones(history, rng, goal, index, steps, made_on):
    today = history.today
    if goal.status == GoalStatus.ACHIEVED:
        goal.achieved_on = _day_between(rng, min(made_on + timedelta(days=7), today), today)
        done = len(steps)
    elif goal.status == GoalStatus.IN_PROGRESS:
        done = rng.randint(1, len(steps) - 1)
        if rng.random() < 0.25:
            goal.progress = rng.choice((30, 40, 60, 70))  # typed instead of counted
    elif goal.status == GoalStatus.DROPPED:
        done = rng.randint(0, 1)
    else:
        done = 0
    last_done = goal.achieved_on or today
    for order, title in enumerate(steps):
        done_on = _day_between(rng, made_on, last_done) if order < done else None
        history.milestones.append(
            (
                index,
                Milestone(
                    organization_id=goal.organization_id,
                    title=title,
                    order=order,
                    done_on=done_on,
                    due_date=min(made_on + timedelta(days=7 * (order + 1)), goal.target_date),
                ),
            )
        )
        if done_on:
            goal.updated_at = max(goal.updated_at, _at(done_on, history.org_zone, 17))


def _goal_comments(history, plan, rng, goal, index, created):
    if rng.random() > 0.5:
        return
    when = created
    for author, pool in ((plan.mentor, MENTOR_COMMENTS), (plan.mentee, MENTEE_COMMENTS)):
        when = min(when + timedelta(days=rng.randint(1, 6)), history.now - timedelta(minutes=30))
        comment = GoalComment(organization_id=goal.organization_id, author=author.person, text=rng.choice(pool))
        comment.created_at = when
        history.comments.append((index, comment))
        if rng.random() < 0.5:
            break


# --- check-ins and interventions ----------------------------------------------------------


def _scores(plan, rng, periods) -> list[int]:
    """A member's scores over the periods, by the pair's rhythm."""
    if plan.rhythm == "steady":
        return [rng.choice((4, 4, 5, 5, 5)) for _ in periods]
    if plan.rhythm == "irregular":
        scores = [rng.choice((3, 4, 4, 5)) for _ in periods]
        if len(scores) > 1 and rng.random() < 0.3:
            scores[-2:] = [5, 3]  # cooling off
        return scores
    if plan.rhythm == "fizzled":
        return [max(1, rng.choice((4, 3)) - 2 * n) for n in range(len(periods))]  # falling
    return [rng.choice((2, 3)) for _ in periods]


def _checkins(history, plan, rng):
    """Most members answer most periods (fewer the period just opened); a struggling mentee may
    ask for help; in some steady pairs the buddy asked for practical help early on."""
    mentorship = plan.mentorship
    periods, day = [], mentorship.started_on
    while day <= history.today:
        periods.append(day)
        day += timedelta(weeks=mentorship.program.checkin_weeks)
    answers = {"steady": 0.9, "irregular": 0.7, "fizzled": 0.6, "never": 0.5}[plan.rhythm]
    practical_help = plan.rhythm == "steady" and rng.random() < 0.12
    # The queue must show open help flags: the first quiet pairs ask again this period, after
    # any nudge they had.
    help_now = plan.rhythm in ("fizzled", "never") and history.open_help_flags > 0
    history.open_help_flags -= help_now
    for member in (plan.mentee, plan.mentor):
        for period, score in zip(periods, _scores(plan, rng, periods), strict=True):
            asks = practical_help and member is plan.mentor and period == periods[0]
            current = period == periods[-1]
            if help_now and current and member is plan.mentee:
                history.checkins.append(_help_wanted(history, plan, period, score))
                continue
            if not asks and rng.random() > (answers * 0.5 if current else answers):
                continue
            day = _day_between(rng, period, min(period + timedelta(days=6), history.today))
            checkin = CheckIn(
                organization_id=mentorship.organization_id,
                mentorship=mentorship,
                member=member,
                period_start=period,
                score=score,
                comment=rng.choice(CHECKIN_COMMENTS[score]),
                wants_help=asks or (score <= 2 and member is plan.mentee and rng.random() < 0.5),
            )
            checkin.submitted_at = min(_at(day, history.org_zone, rng.randint(8, 18)), history.now)
            if asks:
                checkin.comment = f"Going well; could you help {_fill('{mentee}', plan)} get a laptop that works?"
                history.interventions.append(_answer(plan, checkin))
            history.checkins.append(checkin)


def _help_wanted(history, plan, period, score):
    checkin = CheckIn(
        organization_id=plan.mentorship.organization_id,
        mentorship=plan.mentorship,
        member=plan.mentee,
        period_start=period,
        score=score,
        comment="We have not managed to meet. Could someone help us get going again?",
        wants_help=True,
    )
    checkin.submitted_at = history.now - timedelta(hours=3)
    return checkin


def _answer(plan, checkin):
    """The program manager's note on a help flag, a day after it was raised."""
    return Intervention(
        organization_id=plan.mentorship.organization_id,
        mentorship=plan.mentorship,
        kind=Intervention.Kind.NOTE,
        note=_fill("Called IT: {mentee}'s new laptop arrived two days later. Flag answered.", plan),
        by=plan.admin,
        created_at=checkin.submitted_at + timedelta(days=1, hours=3),
    )


def _nudges(history, plan, rng):
    """A nudge sent to some pairs that went quiet (some got going again since)."""
    quiet = plan.rhythm in ("fizzled", "never") or (plan.rhythm == "irregular" and rng.random() < 0.3)
    if quiet and rng.random() < 0.5:
        history.interventions.append(
            Intervention(
                organization_id=plan.mentorship.organization_id,
                mentorship=plan.mentorship,
                kind=Intervention.Kind.NUDGE,
                note=rng.choice(("", "No meeting logged for a while.", "Checked in after a low score.")),
                by=plan.admin,
                created_at=_at(history.today - timedelta(days=rng.randint(8, 20)), history.org_zone, 10),
            )
        )


# --- writing ------------------------------------------------------------------------------


def _bulk_create_dated(model, rows, dates):
    """bulk_create, then write back the `dates` fields as set on the rows: auto_now(_add) stamps
    "now" on insert, and history needs the moment each row was really made."""
    kept = [[getattr(row, name) for name in dates] for row in rows]
    model.objects.bulk_create(rows, batch_size=500)
    for row, values in zip(rows, kept, strict=True):
        for name, value in zip(dates, values, strict=True):
            setattr(row, name, value)
    model.objects.bulk_update(rows, dates, batch_size=500)


def _write(history):
    _bulk_create_dated(Meeting, history.meetings, ["created_at", "updated_at"])
    MeetingPrivateNote.objects.bulk_create(
        [
            MeetingPrivateNote(organization_id=meeting.organization_id, meeting=meeting, author=author, text=text)
            for meeting, author, text in history.private_notes
        ]
    )
    _bulk_create_dated(Goal, history.goals, ["created_at", "updated_at"])
    for index, milestone in history.milestones:
        milestone.goal = history.goals[index]
    Milestone.objects.bulk_create([milestone for _, milestone in history.milestones], batch_size=500)
    for index, comment in history.comments:
        comment.goal = history.goals[index]
    _bulk_create_dated(GoalComment, [comment for _, comment in history.comments], ["created_at"])
    _bulk_create_dated(CheckIn, history.checkins, ["submitted_at"])
    _bulk_create_dated(Intervention, history.interventions, ["created_at"])


def mentorships_step(context):
    organization = context.organizations.get(ORG_SLUG)
    if organization is None:
        return
    program = (
        Program.objects.for_org(organization)
        .filter(template_key=TEMPLATE_KEY, status=ProgramStatus.ACTIVE)
        .order_by("-created_at", "-pk")
        .first()
    )
    if program is None or Mentorship.objects.for_org(organization).filter(program=program).exists():
        return
    admin = Membership.objects.for_org(organization).filter(role=Role.ADMIN).select_related("user").first().user
    rng = context.rng("mentorships")
    plans = _plans(organization, program, _publish_pairs(organization, program, admin), rng, admin)
    history = History(today=context.today, now=timezone.now(), org_zone=zone(organization.time_zone))
    for plan in plans:
        _meetings(history, plan, rng)
        _goals(history, plan, rng, program)
        _checkins(history, plan, rng)
        _nudges(history, plan, rng)
    _write(history)
    health_refresh(organization=organization, program=program, today=context.today)
