from decimal import Decimal

from ..models import MentoringModel, Objective
from . import questions as q
from .base import ObjectiveSpec, ProgramTemplate, TrainingSpec
from .prompts import confidentiality, discussion_prompts, ground_rules
from .training import ACTIVE_LISTENING, BOUNDARIES, GOOD_QUESTIONS, PEER, quiz

MANAGER_CHALLENGES = (
    ("first_one_to_ones", "Running good one-to-ones"),
    ("delegation", "Delegating well"),
    ("hard_conversations", "Difficult conversations"),
    ("former_peers", "Leading former peers"),
    ("feedback", "Giving and receiving feedback"),
    ("performance", "Handling underperformance"),
    ("hiring", "Hiring and onboarding"),
    ("priorities", "Protecting the team's priorities"),
    ("upward", "Managing upwards"),
    ("wellbeing", "My own wellbeing and boundaries"),
    ("motivation", "Motivating and recognising people"),
    ("change", "Leading the team through change"),
)

HOW_CIRCLES_WORK = TrainingSpec(
    key="how_circles_work",
    title="How a peer circle works",
    role=PEER,
    content="""\
A peer circle is a small group of people in the same situation who help each other think.
Nobody is the expert; everybody brings experience.

## The shape of a meeting (90 minutes)

1. **Check-in (15 min).** Each person says in a sentence or two how they are and what is on
   their mind.
2. **Case clinic (60 min).** One or two members bring a real situation. The presenter
   describes it (5 min); the others ask clarifying and open questions only (15 min); then the
   group offers ideas while the presenter just listens and takes notes (10 min); the presenter
   says what they will try (5 min).
3. **Check-out (15 min).** What each person takes away, and who brings a case next time.

## Roles that rotate

A **host** keeps time and the structure, a different member each meeting. The host also makes
sure quieter members get space.

## What makes circles work

Turn up: a circle of four with one missing is a different circle. Bring real situations, not
polished success stories. And keep what you hear inside the circle.
""",
    quiz=(
        quiz(
            "During the question round of a case clinic, what do the others do?",
            (
                "Offer solutions straight away",
                "Ask clarifying and open questions only",
                "Share similar stories of their own",
            ),
            1,
        ),
        quiz(
            "Who hosts the circle?",
            ("Always the most senior member", "The program team", "A different member each meeting"),
            2,
        ),
    ),
)

TEMPLATE = ProgramTemplate(
    key="new_manager_circles",
    name="New-manager peer circles",
    tagline="Small circles of new people managers who meet to work through real situations together.",
    best_for="Organizations promoting or hiring first-time managers who would otherwise learn alone.",
    description=(
        "First-time people managers meet in circles of four to six, every three weeks for six months. Each "
        "meeting follows a simple case-clinic format: one member brings a real situation, the others ask "
        "questions and offer ideas. Members leave with practical approaches and a network of peers who "
        "understand the job."
    ),
    model=MentoringModel.PEER_CIRCLES,
    duration_weeks=26,
    cadence_weeks=3,
    meeting_minutes=90,
    mentor_default_capacity=1,
    group_size_min=4,
    group_size_max=6,
    requires_training=True,
    ground_rules=ground_rules(
        "Come to every meeting you can; tell your circle ahead of time if you cannot.",
        "Bring real situations. Names of team members can be left out; the problem cannot.",
        "Questions before advice: understand the situation before offering ideas.",
        "Share experience, not verdicts. The person with the case decides what to do.",
        "The host keeps time and makes space for everyone; the role rotates every meeting.",
    ),
    confidentiality=confidentiality(
        "Members never name or describe team members in ways that would identify them outside the circle.",
        "Circles are never used to assess members as managers.",
    ),
    handbook="""\
## Why peer circles

Becoming a manager is one of the hardest transitions in a career, and most people make it
with little support. The problems are rarely technical: a difficult conversation, a former
peer who now reports to you, too much work and too few people. Other new managers are facing
the same problems this month, and a circle lets you learn from all of them at once.

## How it works

- **Circles of four to six**, mixed across departments so that members can speak freely.
- **Every three weeks for six months**, 90 minutes, in person or on video.
- **A case clinic at the heart of each meeting.** One or two members bring a situation; the
  circle asks questions, then offers ideas; the presenter decides what to try and reports back
  next time.
- **A rotating host** keeps time and makes sure everyone is heard.

## Before your first meeting

Complete the short orientation, then think of one situation from your first months as a
manager that you would like other perspectives on. Circles work best when members bring real
problems early.

## Getting the most out of it

Circles are as good as their attendance. Block the dates in your calendar for the whole
program now, and treat them like a meeting with your own manager.
""",
    objectives=(
        ObjectiveSpec(
            metric=Objective.Metric.SATISFACTION,
            target=Decimal("4.2"),
            deadline_weeks=27,
            rationale=(
                "Members rating their circle at least 4.2 out of 5 shows the time away from their teams "
                "is worth it; below that, new managers quietly stop coming."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.RETENTION,
            target=Decimal("90"),
            deadline_weeks=52,
            rationale=(
                "First-time managers leave or step back at high rates in their first year. Keeping 90% of "
                "members in the organization a year on is the outcome leadership cares about."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.MEETINGS_PER_PAIR,
            target=Decimal("1"),
            deadline_weeks=26,
            rationale=(
                "Circles meet every three weeks; at least one meeting a month per circle means the "
                "rhythm holds through busy quarters."
            ),
        ),
    ),
    questionnaires={
        PEER: q.questionnaire(
            "New-manager circle intake",
            "Helps us build circles where members face similar challenges but come from different parts "
            "of the organization.",
            [
                q.question(
                    "months_managing",
                    "How many months have you been managing people?",
                    q.NUMBER,
                    required=True,
                    min=0,
                    max=120,
                ),
                q.question(
                    "team_size",
                    "How many people report to you?",
                    q.NUMBER,
                    required=True,
                    min=1,
                    max=200,
                ),
                q.question(
                    "challenges",
                    "Which situations would you most like to work through with other new managers?",
                    q.MULTIPLE,
                    required=True,
                    help_text="Pick up to three.",
                    choices=MANAGER_CHALLENGES,
                ),
                q.goals("What would you like to be doing differently as a manager in six months?"),
                *q.practicalities(),
                q.anything_else(),
            ],
        ),
    },
    training=(
        HOW_CIRCLES_WORK,
        ACTIVE_LISTENING.for_role(PEER),
        GOOD_QUESTIONS.for_role(PEER),
        BOUNDARIES.for_role(PEER),
    ),
    matching_hints=(
        {"kind": "overlap", "key": "challenges", "weight": 3, "label": "Facing similar situations"},
        {"kind": "different", "attribute": "department", "weight": 3, "label": "Members from different departments"},
        {"kind": "exclude", "rule": "same_reporting_line", "label": "No one in a circle with their own manager"},
        {"kind": "same", "key": "time_zone", "weight": 2, "label": "Same time zone band"},
        {"kind": "overlap", "key": "languages", "weight": 2, "label": "A shared language"},
        {"kind": "similar", "key": "months_managing", "weight": 1, "label": "Similar time in the role"},
    ),
    discussion_prompts=discussion_prompts(
        first_meeting=[
            "What surprised you most about becoming a manager?",
            "What would make this circle the most useful hour and a half of your month?",
        ],
        goal_setting=["Which one management habit do you want to build over the next six months?"],
        career=["What kind of manager do you want your team to describe in a year?"],
        feedback=["Who gives you feedback on your management now, and how could you get more?"],
        reflection=["Which case from the circle changed how you lead?"],
    ),
    audience={},
    audience_hint=(
        "Narrow this to people managers in their first year, for example with a custom directory attribute "
        "such as manager_since, or invite a list of new managers by email."
    ),
)
