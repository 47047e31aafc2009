from decimal import Decimal

from ..models import MentoringModel, Objective
from . import questions as q
from .base import ObjectiveSpec, ProgramTemplate, TrainingSpec
from .prompts import confidentiality, discussion_prompts, ground_rules
from .training import PEER, quiz

GREAT_COFFEE_CHATS = TrainingSpec(
    key="great_coffee_chats",
    title="How to have a great coffee chat",
    role=PEER,
    requires_acknowledgement=True,
    content="""\
A coffee chat is thirty minutes with someone from another part of the organization you would
probably never have met. There is no agenda to fulfil: curiosity is enough.

## Before

When you get your match, send a short message within two days and suggest two or three times.
Whoever was matched first in alphabetical order sends the invitation, so nobody waits.

## During

- Start with what each of you actually does all day; job titles explain very little.
- Ask what the other person's team is excited or worried about this quarter.
- Look for one connection: a person they should meet, a tool, a problem you share.

## After

Nothing is required. If you promised an introduction, make it that week. And mark the chat as
done in Tandem so we know the round worked.
""",
    quiz=(
        quiz(
            "Who sends the invitation when you are matched?",
            (
                "Whoever comes first in alphabetical order",
                "The more senior person",
                "The program team",
            ),
            0,
        ),
        quiz(
            "What is a good aim for a coffee chat?",
            (
                "Agreeing a joint project",
                "Finding one connection: a person, a tool or a shared problem",
                "Getting feedback on your work",
            ),
            1,
        ),
    ),
)

TEMPLATE = ProgramTemplate(
    key="coffee_chats",
    name="Cross-department coffee chats",
    tagline="Short rotating chats that connect people across departments, a new match every round.",
    best_for="Growing or hybrid organizations where departments drift apart and people only know their own team.",
    description=(
        "Every two weeks each participant is matched with someone from another department for a 30-minute "
        "chat, in person or on video. A new partner every round for three months: six new connections, "
        "more ideas crossing team lines and a friendlier organization."
    ),
    model=MentoringModel.ROTATION,
    duration_weeks=12,
    cadence_weeks=2,
    meeting_minutes=30,
    mentor_default_capacity=1,
    requires_training=False,
    ground_rules=ground_rules(
        "Reply to your match within two days and meet within the round (two weeks).",
        "Thirty minutes is enough; longer is welcome if you both want it.",
        "It is a conversation, not a sales pitch or a recruitment interview.",
        "If you cannot take part in a round, tell the program team before it starts so nobody is left waiting.",
    ),
    confidentiality=confidentiality(
        "Chats are informal; still, what someone tells you about their team stays with you unless they say otherwise.",
    ),
    handbook="""\
## Why coffee chats

Most of what we know about an organization comes from the people we happen to sit near. Random,
regular chats with people from other departments spread knowledge, speed up work that crosses
teams and make the place friendlier, especially for people who work remotely or joined recently.

## How it works

1. **Join** and tell us your interests, when you are free and how you like to meet.
2. **Every two weeks** Tandem matches you with someone from another department whom you have
   not met through the program before.
3. **Meet for 30 minutes** within the round, in person or on video.
4. **Repeat** for six rounds. Away for a round? Tell the program team before it starts.

## Conversation starters

What does your team do that others would be surprised by? What is hard about your work this
month? Who is the most interesting person you have met here, and why? Find more starters on the
program page.

## Fair play

If your match does not reply within two days, tell the program team; we will try to rematch you
within the round.
""",
    objectives=(
        ObjectiveSpec(
            metric=Objective.Metric.CUSTOM,
            custom_name="Matches where the chat took place",
            unit="%",
            target=Decimal("75"),
            deadline_weeks=12,
            rationale=(
                "A rotation only works if chats happen. At least 75% of matches meeting within their round "
                "shows participants find the time, and tells us when rounds are too frequent."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.CUSTOM,
            custom_name="Participants who met people from at least three other departments",
            unit="%",
            target=Decimal("60"),
            deadline_weeks=12,
            rationale=(
                "The purpose is connections across departments. 60% of participants meeting people from at "
                "least three other departments over six rounds is a concrete measure of new reach."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.SATISFACTION,
            target=Decimal("4"),
            deadline_weeks=13,
            rationale=(
                "A rating of at least 4 out of 5 tells us the chats feel worth half an hour, so people sign up "
                "for the next cycle."
            ),
        ),
    ),
    questionnaires={
        PEER: q.questionnaire(
            "Coffee chat sign-up",
            "A few quick questions so your matches have something to talk about and a time to meet.",
            [
                q.interests(),
                q.question(
                    "talk_about",
                    "What could you happily talk about for ten minutes?",
                    q.SHORT_TEXT,
                    help_text="A hobby, a project, a book: it becomes your conversation starter.",
                    max=200,
                ),
                *q.practicalities(),
            ],
        ),
    },
    training=(GREAT_COFFEE_CHATS,),
    matching_hints=(
        {"kind": "different", "attribute": "department", "weight": 5, "label": "From another department"},
        {"kind": "exclude", "rule": "previous_partners", "label": "Never the same partner twice"},
        {"kind": "same", "key": "time_zone", "weight": 3, "label": "Same time zone band"},
        {"kind": "overlap", "key": "availability", "weight": 2, "label": "Free at the same times"},
        {"kind": "overlap", "key": "languages", "weight": 2, "label": "A shared language"},
        {"kind": "overlap", "key": "interests", "weight": 1, "label": "Shared interests"},
    ),
    discussion_prompts=discussion_prompts(
        first_meeting=[
            "What does your team do that the rest of the organization would be surprised by?",
            "What is hard about your work this month?",
            "Who is the most interesting person you have met here, and why?",
        ],
        reflection=["Which chat led to something: an introduction, an idea, a collaboration?"],
    ),
    audience={},
    audience_hint="Usually everyone. Coffee chats work best with at least four departments taking part.",
)
