from decimal import Decimal

from ..models import MentoringModel, Objective
from . import questions as q
from .base import ObjectiveSpec, ProgramTemplate, TrainingSpec
from .prompts import confidentiality, discussion_prompts, ground_rules
from .training import (
    ACTIVE_LISTENING,
    BOUNDARIES,
    GIVING_FEEDBACK,
    GOOD_QUESTIONS,
    MENTEE,
    MENTOR,
    OWNING_THE_RELATIONSHIP,
    PREPARING_FOR_MEETINGS,
    quiz,
)

REVERSE_TOPICS = (
    ("digital_tools", "Digital tools and new ways of working"),
    ("ai", "AI in everyday work"),
    ("social_media", "Social media and online presence"),
    ("customers", "How younger customers and users think"),
    ("early_careers", "What early-career colleagues experience here"),
    ("inclusion", "Inclusion and belonging"),
    ("hybrid_work", "Hybrid and remote work"),
    ("sustainability", "Sustainability and purpose at work"),
    ("communication", "How our messages land across the organization"),
    ("recruiting", "Attracting and keeping early-career talent"),
)

TEACHING_UP = TrainingSpec(
    key="teaching_up",
    title="Mentoring a senior leader",
    role=MENTOR,
    content="""\
In reverse mentoring you, an early-career colleague, mentor a senior leader. Your perspective
is the point: how work looks from where you sit, the tools and habits you take for granted,
what people at your level say when leaders are not in the room.

## Be candid, kindly

Leaders joined this program to hear what they do not hear elsewhere. Polished, cautious answers
waste their time and yours. Describe what you see, with examples, and say what you would do.

## Prepare a topic each time

Bring something concrete: a tool to try together, a piece of internal communication and how it
landed, a story from your team (without names). Show, do not only tell.

## The power difference is real

It is fine to feel nervous. Agree with your mentee in the first meeting that nothing you say
will affect your career, and that you will tell each other if something feels off. If anything
ever does, talk to the program team.
""",
    quiz=(
        quiz(
            "What does a senior leader most want from a reverse mentor?",
            (
                "Reassurance that things are going well",
                "A candid view of how work looks from where you sit",
                "A summary of the latest industry reports",
            ),
            1,
        ),
        quiz(
            "What should you bring to each meeting?",
            ("A concrete topic, example or tool to explore", "A formal presentation", "Nothing: they lead"),
            0,
        ),
    ),
)

LEARNING_FROM_JUNIOR = TrainingSpec(
    key="learning_from_junior",
    title="Learning from a reverse mentor",
    role=MENTEE,
    content="""\
Being mentored by someone far more junior is a different way to learn. It works when you make
it safe for them to be honest.

## Make it safe

- Say explicitly that candour is what you want and that nothing they say will count against them.
- Leave your title at the door: first names, their agenda, your curiosity.
- Thank them for the uncomfortable points, not only the pleasant ones.

## Do, not only discuss

Try the tool, read the thread, sit in on their team's stand-up. The learning sticks when you
use it before the next meeting.

## Close the loop

Tell your mentor what you changed because of your conversations. It is the best thanks they
can get, and it shows the organization that speaking up works.
""",
    quiz=(
        quiz(
            "How do you make it safe for your reverse mentor to be honest?",
            (
                "Say clearly that candour is what you want and will never count against them",
                "Let them find out over time",
                "Ask their manager to reassure them",
            ),
            0,
        ),
        quiz(
            "What is the best thanks you can give your reverse mentor?",
            (
                "A gift at the end of the program",
                "Telling them what you changed because of your conversations",
                "Mentioning them in a company newsletter",
            ),
            1,
        ),
    ),
)

TEMPLATE = ProgramTemplate(
    key="reverse_mentoring",
    name="Reverse mentoring",
    tagline="Early-career colleagues mentor senior leaders on tools, trends and how work really feels.",
    best_for="Leadership teams that want an honest view from the front line and a push on new ways of working.",
    description=(
        "Early-career colleagues mentor senior leaders. Each pair meets every four weeks for six months to "
        "explore topics the leader wants to understand better: new tools, how younger customers think, what "
        "it is like to start a career here. Leaders learn; mentors gain visibility and confidence."
    ),
    model=MentoringModel.REVERSE,
    duration_weeks=24,
    cadence_weeks=4,
    meeting_minutes=45,
    mentor_default_capacity=1,
    requires_training=True,
    ground_rules=ground_rules(
        "Meet every four weeks for about 45 minutes; the leader protects the time and never cancels last-minute.",
        "The mentor sets the agenda together with the leader; first names, no titles.",
        "Candour is the point: nothing a mentor says may affect their career or reviews.",
        "Pairs never sit in the same reporting line.",
    ),
    confidentiality=confidentiality(
        "Leaders never act on what a mentor tells them about named colleagues without the mentor's agreement.",
    ),
    handbook="""\
## Why reverse mentoring

Senior leaders make decisions about ways of working, tools and careers that they experience
very differently from most of the organization. Reverse mentoring gives them a regular, honest
view from someone early in their career, and gives early-career colleagues visibility, confidence
and an understanding of how leaders think.

## How it works

1. **Leaders join as mentees, early-career colleagues as mentors.** Both complete a short
   orientation about making the relationship safe and useful.
2. **Matching** pairs leaders with mentors from other parts of the organization, by the topics
   the leader wants to explore and the mentor feels able to share.
3. **Meet every four weeks for six months.** The mentor brings a topic or a tool each time.
4. **Close** with a short reflection: what did the leader change, and what did the mentor learn?

## Safety first

The power difference is real. Leaders agree up front that candour will never count against
their mentor, and the program team checks in with mentors privately at the midpoint.

## What leaders can expect

Not a tutorial: a perspective. The best pairs do things together (try a tool, review a message
before it goes out, walk through a new starter's first day) and talk about what they noticed.
""",
    objectives=(
        ObjectiveSpec(
            metric=Objective.Metric.CUSTOM,
            custom_name="Leaders who changed a practice or decision because of the program",
            unit="%",
            target=Decimal("60"),
            deadline_weeks=26,
            rationale=(
                "Reverse mentoring exists to change how leaders work. At least 60% of leaders naming one "
                "concrete change in the closing survey is the clearest measure of that."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.SATISFACTION,
            target=Decimal("4.3"),
            deadline_weeks=25,
            rationale=(
                "Both sides must find it worthwhile: 4.3 out of 5 from mentors as well as leaders shows the "
                "relationship felt safe and useful, not like an extra meeting with the boss."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.RETENTION,
            target=Decimal("90"),
            deadline_weeks=52,
            rationale=(
                "Early-career colleagues with senior visibility tend to stay. Keeping 90% of mentors for a year "
                "shows the program's value for the people who give their time."
            ),
        ),
    ),
    questionnaires={
        MENTEE: q.questionnaire(
            "Leader intake",
            "Tell us what you want to understand better, so we can pair you with the right reverse mentor.",
            [
                q.skills_wanted("Which topics would you like to explore?", choices=REVERSE_TOPICS),
                q.goals("What would you like to understand or do differently after six months?"),
                *q.practicalities(),
                q.anything_else(),
            ],
        ),
        MENTOR: q.questionnaire(
            "Reverse mentor intake",
            "Tell us what perspective you could share with a senior leader.",
            [
                q.skills_offered("Which topics could you help a leader understand?", choices=REVERSE_TOPICS),
                q.question(
                    "motivation",
                    "Why would you like to mentor a senior leader?",
                    q.LONG_TEXT,
                    required=True,
                    max=1000,
                ),
                q.question(
                    "years_working",
                    "How many years have you been working (anywhere)?",
                    q.NUMBER,
                    required=True,
                    min=0,
                    max=50,
                ),
                *q.practicalities(),
            ],
        ),
    },
    training=(
        TEACHING_UP,
        ACTIVE_LISTENING,
        GIVING_FEEDBACK,
        BOUNDARIES,
        LEARNING_FROM_JUNIOR,
        OWNING_THE_RELATIONSHIP,
        PREPARING_FOR_MEETINGS,
        GOOD_QUESTIONS.for_role(MENTEE),
    ),
    matching_hints=(
        {
            "kind": "overlap",
            "mentee_key": "skills_wanted",
            "mentor_key": "skills_offered",
            "weight": 3,
            "label": "Topics the leader wants ↔ topics the mentor can share",
        },
        {
            "kind": "gap",
            "attribute": "level",
            "min": 3,
            "direction": "mentee_above",
            "label": "The leader is at least three levels above the mentor",
        },
        {"kind": "exclude", "rule": "same_reporting_line", "label": "Never in the same reporting line"},
        {"kind": "different", "attribute": "department", "weight": 2, "label": "From different departments"},
        {"kind": "same", "key": "time_zone", "weight": 1, "label": "Same time zone band"},
        {"kind": "overlap", "key": "languages", "weight": 2, "label": "A shared language"},
    ),
    discussion_prompts=discussion_prompts(
        first_meeting=[
            "Leader: what do you suspect you are not hearing about life in the organization?",
            "Mentor: what would you like leaders to understand about your first years here?",
            "How will we make sure candour never counts against the mentor?",
        ],
        goal_setting=["Which one practice or decision would the leader like to look at differently?"],
        career=["Mentor: what have you learned about how decisions are made at the top?"],
        feedback=["Leader: what is one thing you said or did recently that landed differently than you meant?"],
        reflection=["What did the leader change because of these conversations?"],
    ),
    audience={},
    audience_hint=(
        "Two groups join this program: senior leaders as mentees and early-career colleagues as mentors. Keep the "
        "audience open and invite each group by list, or use the review queue to check levels."
    ),
)
