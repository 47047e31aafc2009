from decimal import Decimal

from ..models import MentoringModel, Objective
from . import questions as q
from .base import ObjectiveSpec, ProgramTemplate, TrainingSpec
from .prompts import confidentiality, discussion_prompts, ground_rules
from .training import (
    ACTIVE_LISTENING,
    BOUNDARIES,
    GOOD_QUESTIONS,
    MENTEE,
    MENTOR,
    OWNING_THE_RELATIONSHIP,
    PREPARING_FOR_MEETINGS,
    quiz,
)

BEING_A_BUDDY = TrainingSpec(
    key="being_a_buddy",
    title="Being an onboarding buddy",
    role=MENTOR,
    content="""\
A buddy is the colleague a new starter can ask anything: where things are, how things are
really done, who to talk to. You are not their manager or trainer; you are the friendly
shortcut through the first three months.

## The first week

- **Reach out before day one** if you can: a short welcome message takes away a lot of nerves.
- **Have lunch or a coffee in week one**, in person or on video.
- **Walk them through the unwritten rules:** which channels matter, how meetings run, what
  people mean by "urgent".

## Weeks two to twelve

Meet for half an hour every week. Ask what surprised them, what is still unclear, and who they
have not met yet but should. Introduce them to two or three people outside their team.

## What a buddy does not do

You do not assess their performance and you do not report back to their manager. If they
raise something that worries you (they are being treated unfairly, they are overwhelmed),
encourage them to talk to their manager or HR, and tell the program team if you are unsure.
""",
    quiz=(
        quiz(
            "When is the best time for a first contact with your new starter?",
            ("Before or on their first day", "After their first month", "When they ask for help"),
            0,
        ),
        quiz(
            "Your new starter's manager asks how they are doing. What do you say?",
            (
                "Share your honest assessment of their performance",
                "That you meet regularly; what you discuss stays between you",
                "Forward your meeting notes",
            ),
            1,
        ),
    ),
)

TEMPLATE = ProgramTemplate(
    key="onboarding_buddy",
    name="Onboarding buddy",
    tagline="Every new starter gets a friendly, experienced colleague for their first 90 days.",
    best_for="Organizations hiring steadily, where new starters need to find their feet and their network fast.",
    description=(
        "New starters are paired with an experienced colleague outside their own team for their first "
        "twelve weeks. Buddies meet weekly for half an hour to answer questions, explain how things really "
        "work and introduce the new starter to people worth knowing."
    ),
    model=MentoringModel.ONE_ON_ONE,
    duration_weeks=12,
    cadence_weeks=1,
    meeting_minutes=30,
    mentor_default_capacity=1,
    requires_training=True,
    ground_rules=ground_rules(
        "Meet every week for about 30 minutes for the first twelve weeks; the new starter books the meetings.",
        "Buddies come from outside the new starter's team and reporting line.",
        "No question is too small. If the buddy does not know, they find out who does.",
        "The buddy's role is welcome and orientation, not assessment: nothing is reported to the manager.",
    ),
    confidentiality=confidentiality(
        "Buddies never pass on a new starter's questions, worries or mistakes to their manager or team."
    ),
    handbook="""\
## Why we run a buddy program

The first three months decide much of how someone feels about a new job. New starters with a
buddy find their way faster, build a network beyond their team and are more likely to stay.
For buddies it is a chance to share what they know, meet new people and practise mentoring.

## How it works

1. **Sign up.** New starters join as *mentees*; experienced colleagues (usually at least a
   year in the organization) join as *buddies* (mentors) and complete a short training.
2. **Matching.** We pair each new starter with a buddy from a different team, by what they want
   to learn, shared interests, time zone and language.
3. **Twelve weeks of weekly half-hour meetings.** The new starter books them; the buddy brings
   the inside knowledge.
4. **Wrap-up.** A short survey at the end tells us what to improve.

## What a good first meeting looks like

Introduce yourselves beyond job titles, agree when and how you will meet, and make a list of
the new starter's open questions. Buddies: share the three things you wish you had known in
your first month.

## When it is not working

Schedules clash and chemistry varies. If a match is not working for either of you, tell the
program team. We will find another buddy; nobody needs to explain why.
""",
    objectives=(
        ObjectiveSpec(
            metric=Objective.Metric.RETENTION,
            target=Decimal("92"),
            deadline_weeks=52,
            rationale=(
                "Early leavers are the most expensive hires. Keeping at least 92% of participating new "
                "starters for their first year shows whether a faster, friendlier start makes them stay."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.MEETINGS_PER_PAIR,
            target=Decimal("3"),
            deadline_weeks=12,
            rationale=(
                "A buddy only helps if they actually meet: three meetings a month per pair is the minimum "
                "for the weekly rhythm to carry a new starter through the first weeks."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.SATISFACTION,
            target=Decimal("4.3"),
            deadline_weeks=14,
            rationale=(
                "New starters rating the program at least 4.3 out of 5 tells us buddies give real help, "
                "not just a name on a welcome email."
            ),
        ),
    ),
    questionnaires={
        MENTEE: q.questionnaire(
            "New starter intake",
            "Help us find you a buddy who can help with what matters most in your first months.",
            [
                q.goals("What would make your first three months a success?"),
                q.skills_wanted("Where would a buddy's help be most useful?"),
                q.interests(),
                *q.practicalities(),
                q.anything_else(),
            ],
        ),
        MENTOR: q.questionnaire(
            "Buddy intake",
            "Tell us what you could help a new starter with, so we can match you well.",
            [
                q.question(
                    "motivation",
                    "Why would you like to be a buddy?",
                    q.LONG_TEXT,
                    required=True,
                    max=1000,
                ),
                q.skills_offered("Which areas could you help a new starter with?"),
                q.question(
                    "years_here",
                    "How many years have you worked here?",
                    q.NUMBER,
                    required=True,
                    min=0,
                    max=60,
                ),
                q.interests(),
                *q.practicalities(),
            ],
        ),
    },
    training=(
        BEING_A_BUDDY,
        ACTIVE_LISTENING,
        GOOD_QUESTIONS,
        BOUNDARIES,
        OWNING_THE_RELATIONSHIP,
        PREPARING_FOR_MEETINGS,
    ),
    matching_hints=(
        {
            "kind": "overlap",
            "mentee_key": "skills_wanted",
            "mentor_key": "skills_offered",
            "weight": 3,
            "label": "What the new starter wants help with ↔ what the buddy offers",
        },
        {"kind": "different", "attribute": "team", "weight": 3, "label": "Buddy from another team"},
        {"kind": "exclude", "rule": "same_reporting_line", "label": "Never the new starter's own manager chain"},
        {"kind": "same", "key": "time_zone", "weight": 2, "label": "Same time zone band"},
        {"kind": "overlap", "key": "languages", "weight": 2, "label": "A shared language"},
        {"kind": "overlap", "key": "interests", "weight": 1, "label": "Shared interests"},
    ),
    discussion_prompts=discussion_prompts(
        first_meeting=[
            "What has surprised you most so far?",
            "Buddy: what are the three things you wish you had known in your first month?",
        ],
        goal_setting=["What would you like to be able to do on your own by the end of month three?"],
        career=["Which teams does your work depend on, and who there should you meet?"],
        reflection=["What would you tell the next new starter on their first day?"],
    ),
    audience={},
    audience_hint=(
        "Usually everyone: new starters join as mentees and experienced colleagues as buddies. The buddy intake "
        "asks how long someone has worked here, so reviewers can check that buddies know their way around."
    ),
)
