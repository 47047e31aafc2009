from decimal import Decimal

from ..models import MentoringModel, Objective
from . import questions as q
from .base import ObjectiveSpec, ProgramTemplate
from .prompts import confidentiality, discussion_prompts, ground_rules
from .training import (
    ACTIVE_LISTENING,
    BOUNDARIES,
    GIVING_FEEDBACK,
    GOOD_QUESTIONS,
    OWNING_THE_RELATIONSHIP,
    PEER,
    PREPARING_FOR_MEETINGS,
    SMART_GOALS,
)

TEMPLATE = ProgramTemplate(
    key="erg_peer_mentoring",
    name="ERG peer mentoring",
    tagline="Members of an employee resource group pair up to support each other's growth.",
    best_for="Employee resource groups that want to turn community into career support.",
    description=(
        "Members of an employee resource group (ERG) are paired as peers: each brings skills to offer and "
        "areas they want to grow in, and pairs are matched so both sides learn. Pairs meet every three weeks "
        "for six months, with shared experience as the starting point for honest career conversations."
    ),
    model=MentoringModel.PEER_COACHING,
    duration_weeks=24,
    cadence_weeks=3,
    meeting_minutes=60,
    mentor_default_capacity=1,
    requires_training=True,
    ground_rules=ground_rules(
        "Meet every three weeks for about an hour; take turns to set the agenda.",
        "Both of you give and both of you receive: keep the time roughly balanced.",
        "Speak from your own experience; nobody speaks for a whole community.",
        "Participation and everything discussed is voluntary: share only what you want to.",
    ),
    confidentiality=confidentiality(
        "Membership of the group, and anything about identity shared in a pair, is never disclosed outside it.",
    ),
    handbook="""\
## Why peer mentoring in an ERG

Employee resource groups build community. Peer mentoring turns that community into career
support: two members who share some experience of the workplace help each other with the
skills, decisions and situations they face. Because it is mutual, nobody has to be the
expert, and everyone leaves with a trusted peer.

## How it works

1. **Sign up** and tell us which skills you could share and where you would like to grow.
2. **Matching** pairs members so each can help the other, across different departments.
3. **Meet every three weeks for six months**, about an hour. Alternate whose topic comes
   first.
4. **Come together** at the midpoint and the end with the wider group to share what you
   learned (the ERG leads will organise this).

## What good pairs do

They agree a goal each in the first two meetings, keep a shared note of progress, and are
honest about what the workplace is like for them. They also know their limits: if something
you hear involves discrimination or harassment, the program team and HR can help.

## The ERG's role

The ERG leads promote the program, host the group sessions and pass on themes (never
individual stories) that the organization should hear.
""",
    objectives=(
        ObjectiveSpec(
            metric=Objective.Metric.NPS,
            target=Decimal("40"),
            deadline_weeks=25,
            rationale=(
                "ERG programs grow by word of mouth. A Net Promoter Score of at least 40 means members "
                "actively recommend it, which is what fills the next cycle."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.PROMOTION_RATE,
            target=Decimal("12"),
            deadline_weeks=52,
            rationale=(
                "Under-represented groups are often promoted less. A promotion rate of at least 12% among "
                "participants within a year, compared with the group's baseline, shows career impact."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.GOAL_COMPLETION,
            target=Decimal("60"),
            deadline_weeks=24,
            rationale=(
                "Each member sets a growth goal; completing at least 60% within the program shows the pairs "
                "are doing more than networking."
            ),
        ),
    ),
    questionnaires={
        PEER: q.questionnaire(
            "ERG peer mentoring intake",
            "Tell us what you can share and where you want to grow, so we can pair you with a member "
            "who complements you.",
            [
                q.goals("What would you like to grow in over the next six months?"),
                q.skills_offered("Which areas could you help a fellow member with?"),
                q.skills_wanted("Which areas would you most like help with?"),
                q.interests(),
                *q.practicalities(),
                q.anything_else(),
            ],
        ),
    },
    training=(
        ACTIVE_LISTENING.for_role(PEER),
        GOOD_QUESTIONS.for_role(PEER),
        SMART_GOALS.for_role(PEER),
        GIVING_FEEDBACK.for_role(PEER),
        BOUNDARIES.for_role(PEER),
        OWNING_THE_RELATIONSHIP.for_role(PEER),
        PREPARING_FOR_MEETINGS.for_role(PEER),
    ),
    matching_hints=(
        {
            # In a peer pair both people are asked both questions; the overlap counts both ways.
            "kind": "overlap",
            "mentee_key": "skills_wanted",
            "mentor_key": "skills_offered",
            "reciprocal": True,
            "weight": 3,
            "label": "What each wants to learn ↔ what the other offers, both ways",
        },
        {"kind": "different", "attribute": "department", "weight": 2, "label": "Members from different departments"},
        {"kind": "exclude", "rule": "same_reporting_line", "label": "Never a member of your own reporting line"},
        {"kind": "same", "key": "time_zone", "weight": 2, "label": "Same time zone band"},
        {"kind": "overlap", "key": "languages", "weight": 2, "label": "A shared language"},
        {"kind": "overlap", "key": "interests", "weight": 1, "label": "Shared interests"},
    ),
    discussion_prompts=discussion_prompts(
        first_meeting=[
            "What brought you to the ERG, and what do you value about it?",
            "What would you like the other person to know about your experience at work?",
        ],
        career=[
            "Who has sponsored or opened doors for you, and how could you find more people like that?",
            "Is there a stereotype or expectation you have had to work around? What helped?",
        ],
        reflection=["What theme from our conversations should the ERG leads hear (without any names)?"],
    ),
    audience={},
    audience_hint=(
        "Limit this to the group's members, usually with a custom directory attribute (for example "
        "erg = women_in_tech), or invite the member list by email."
    ),
)
