"""Demo resources for `seed_demo`: the guides a real program would share, in Northwind's hub.

The organization's own: a first-meeting guide, a goal-setting guide, a feedback guide, a
check-in guide and a mentoring agreement template; the active onboarding program's: a buddy's
first-weeks checklist. Each is shown in context too (the goal-setting guide next to the goals).
Registered as a seed_demo step by mentorships/apps.py, after the programs step.

Idempotent: a resource whose title the hub already has is left alone.
"""

from organizations.models import Membership, Role
from programs.models import Program, ProgramStatus

from .models import Resource
from .services.resources import resource_create

ORG_SLUG = "northwind"
ONBOARDING_TEMPLATE = "onboarding_buddy"

FIRST_MEETING = """\
The first meeting sets the tone for everything after it. Forty-five minutes is plenty.

## Before you meet

- Read each other's profile and intake answers: what does the mentee want to get better at?
- Pick a quiet place, or a video call with cameras on.
- Mentee: jot down two or three things you hope to get out of the next months.

## In the meeting

1. **Get to know each other (15 min).** Career paths, what you enjoy about your work, one thing
   outside work. Curiosity beats a CV recital.
2. **Expectations (15 min).** What does each of you want from this? How often will you meet, and
   how (in person, video)? How do you reach each other between meetings?
3. **Ground rules (5 min).** What is said stays between you. Either of you may move a meeting,
   with a day's notice. Honest feedback is welcome both ways.
4. **First topic (10 min).** Start on one of the mentee's hopes: it turns into your first goal.

## After the meeting

- Log the meeting in Tandem (it takes a minute) and schedule the next one before you forget.
- Mentee: draft a first goal before the second meeting. The goal-setting guide helps.
"""

GOAL_SETTING = """\
Good goals make the difference between pleasant chats and real progress. Aim for one to three.

## Make it SMART

- **Specific**: what will be different? "Present our team's results at the quarterly review",
  not "get better at presenting".
- **Measurable**: how will you know? A talk given, feedback collected, a certificate passed.
- **Achievable**: a stretch, but within the program's months and your workload.
- **Relevant**: why it matters to you now: your role, your next step, your team.
- **Time-bound**: a target date before the program ends.

## Break it into milestones

Three to five milestones turn a big goal into steps you can tick off between meetings:
"outline the talk", "dry run with my mentor", "give the talk", "ask three people for feedback".

## The mentor's part

Ask questions rather than hand out answers. Is the goal the mentee's own? What could get in the
way? Comment on the goal in Tandem when you see progress: it keeps the momentum.

## Review

Look at the goals every few meetings. Changing or dropping a goal is fine: say why, and set the
next one.
"""

FEEDBACK = """\
Feedback is a skill, and mentoring is a safe place to practise it: in both directions.

## Giving feedback: situation, behaviour, impact

1. **Situation**: when and where. "In Tuesday's design review…"
2. **Behaviour**: what you saw or heard, not what you assume. "…you presented the options before
   the problem…"
3. **Impact**: what it led to. "…and the team debated the solutions without agreeing on the need."

Then ask: "How did it look from your side?" and listen.

## Receiving feedback

- Listen to the end; ask for an example if it is vague.
- Thank the person: it took effort to say.
- You decide what to do with it, later, calmly.

## Practise together

Role-play a conversation the mentee has coming up. Swap roles. Agree beforehand which behaviour
to try, and talk about how it felt afterwards.
"""

CHECKINS = """\
Every few weeks Tandem asks each of you one question: how is it going, from 1 to 5?

- **Be honest.** A 2 is not a complaint; it tells the program team that something could be easier.
- **Add a comment** if something helps explain the score.
- **Ask for help** by ticking "I'd like help from the program manager": they will get in touch,
  confidentially.

The program manager sees the scores and the help flags, never your meeting notes.
"""

AGREEMENT = """\
Fill this in together in your first or second meeting, and keep it in your shared notes.

| | |
| --- | --- |
| **Mentor** | |
| **Mentee** | |
| **We meet** | every … weeks, for … minutes, in person / by video |
| **Between meetings** | we reach each other by … |
| **Moving a meeting** | with … notice |
| **The mentee's goals** | 1. … 2. … |
| **What stays between us** | everything, unless someone's safety is at risk |
| **How we give feedback** | … |
| **We review this agreement on** | … |

Signed (a thumbs-up in chat counts): …
"""

BUDDY_CHECKLIST = """\
For buddies in the onboarding program: what to cover in the new colleague's first weeks.

## Week 1

- Lunch or coffee together on day one or two.
- A tour: where things are, physically and in the tools (chat channels, wiki, ticketing).
- Who is who: the people they will work with most, and who to ask about what.

## Weeks 2–4

- A weekly 30-minute check-in: what surprised you, what is unclear?
- The unwritten rules: how meetings run, how decisions are made, when people reply.
- One small win: help them finish a first task end to end.

## By week 8

- Look back together: what would have helped sooner? Tell the program team.
"""

# (title, kind, summary, body, tags, context, for the onboarding program only?)
RESOURCES = (
    (
        "First-meeting guide",
        Resource.Kind.GUIDE,
        "A 45-minute plan for your first meeting: get to know each other, agree how you will work, "
        "and start on a goal.",
        FIRST_MEETING,
        ["first meeting", "getting started"],
        Resource.Context.FIRST_MEETING,
        False,
    ),
    (
        "Goal-setting guide",
        Resource.Kind.GUIDE,
        "How to set one to three SMART goals with milestones, and the mentor's part in them.",
        GOAL_SETTING,
        ["goals", "smart"],
        Resource.Context.GOALS,
        False,
    ),
    (
        "Giving and receiving feedback",
        Resource.Kind.GUIDE,
        "Situation, behaviour, impact: a simple way to give feedback, take it well, and practise it together.",
        FEEDBACK,
        ["feedback", "skills"],
        Resource.Context.MEETINGS,
        False,
    ),
    (
        "About check-ins",
        Resource.Kind.GUIDE,
        "What the short periodic check-in asks, who sees it, and how to ask the program team for help.",
        CHECKINS,
        ["check-ins", "help"],
        Resource.Context.CHECKINS,
        False,
    ),
    (
        "Mentoring agreement template",
        Resource.Kind.TEMPLATE,
        "A one-page agreement to fill in together: how often you meet, how you keep in touch, what stays between you.",
        AGREEMENT,
        ["template", "first meeting", "getting started"],
        Resource.Context.NONE,
        False,
    ),
    (
        "Buddy's first-weeks checklist",
        Resource.Kind.TEMPLATE,
        "What to cover with a new colleague in their first eight weeks.",
        BUDDY_CHECKLIST,
        ["onboarding", "template"],
        Resource.Context.MEETINGS,
        True,
    ),
)


def resources_step(context):
    organization = context.organizations.get(ORG_SLUG)
    if organization is None:
        return
    admin = Membership.objects.for_org(organization).filter(role=Role.ADMIN).select_related("user").first().user
    onboarding = (
        Program.objects.for_org(organization)
        .filter(template_key=ONBOARDING_TEMPLATE, status=ProgramStatus.ACTIVE)
        .order_by("-created_at", "-pk")
        .first()
    )
    existing = set(Resource.objects.for_org(organization).values_list("title", flat=True))
    for title, kind, summary, body, tags, where, program_only in RESOURCES:
        if title in existing or (program_only and onboarding is None):
            continue
        resource_create(
            organization=organization,
            user=admin,
            program=onboarding if program_only else None,
            title=title,
            kind=kind,
            summary=summary,
            body=body,
            tags=tags,
            context=where,
        )
