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
    SMART_GOALS,
    quiz,
)

STUDENT_TOPICS = (
    ("study_skills", "Study skills and revision"),
    ("time_management", "Managing time and deadlines"),
    ("course_choices", "Choosing courses and modules"),
    ("assessments", "Exams and assessments"),
    ("settling_in", "Settling in and making friends"),
    ("living_away", "Living away from home"),
    ("money", "Money and budgeting"),
    ("wellbeing", "Wellbeing and stress"),
    ("societies", "Societies, sport and clubs"),
    ("part_time_work", "Balancing part-time work"),
    ("internships", "Internships and careers"),
    ("support_services", "Finding the right support services"),
)

YEARS = (
    ("1", "First year"),
    ("2", "Second year"),
    ("3", "Third year"),
    ("4", "Fourth year or later"),
)

FIELDS_OF_STUDY = (
    ("sciences", "Natural sciences"),
    ("engineering", "Engineering and technology"),
    ("maths_computing", "Mathematics and computing"),
    ("health", "Medicine and health"),
    ("social_sciences", "Social sciences"),
    ("business", "Business and economics"),
    ("humanities", "Humanities and languages"),
    ("arts", "Arts and design"),
    ("law", "Law"),
    ("education", "Education"),
)

NEAR_PEER_MENTORING = TrainingSpec(
    key="near_peer_mentoring",
    title="Being a near-peer mentor",
    role=MENTOR,
    content="""\
You were a first-year student very recently. That is exactly what makes you valuable: you
remember what was confusing, what helped and what you wish someone had told you.

## Your role

- **Share what worked for you**, and be honest about what did not.
- **Point to the right help.** You are not expected to know everything; you are expected to
  know where to find out: the library, academic advisers, student services, the wellbeing team.
- **Encourage, do not do the work.** Help them plan an essay; never write it.

## Your limits

You are a fellow student, not a counsellor or a tutor. If a first-year tells you they are in
crisis, are unsafe, or are struggling with their mental health, listen, and then help them
contact student support straight away. Tell the program team if you are worried. You never
have to handle that alone.

## Keep it light and regular

Half an hour or so every two weeks, on campus or online. A quick message between meetings
("How did the lab report go?") means a lot in the first term.
""",
    quiz=(
        quiz(
            "A first-year asks you to write part of their assignment. What do you do?",
            (
                "Help them plan it, but never write it for them",
                "Write a small part as an example",
                "Send them your own assignment from last year",
            ),
            0,
        ),
        quiz(
            "A first-year tells you they feel unsafe. What is your first step?",
            (
                "Keep it between you: it is confidential",
                "Listen, then help them contact student support straight away",
                "Wait to see if it improves by your next meeting",
            ),
            1,
        ),
    ),
)

TEMPLATE = ProgramTemplate(
    key="student_near_peer",
    name="Student near-peer mentoring",
    tagline="Second-year students help first-years settle in, study well and find their way.",
    best_for="Universities and colleges that want first-years to settle in and stay.",
    description=(
        "Every first-year student can be paired with a second-year student from a similar field of study. "
        "They meet every two weeks through the academic year to talk through settling in, study habits, "
        "assessments and where to find help. Second-years who have just been through it are the best guides."
    ),
    model=MentoringModel.NEAR_PEER,
    duration_weeks=30,
    cadence_weeks=2,
    meeting_minutes=45,
    mentor_default_capacity=2,
    requires_training=True,
    ground_rules=ground_rules(
        "Meet every two weeks during term for about 45 minutes, on campus or online.",
        "First-years own the relationship: they suggest times and bring questions.",
        "Mentors share experience and signpost support; they never do coursework for their mentee.",
        "Meet in public or university spaces, or online; never in private accommodation.",
    ),
    confidentiality=confidentiality(
        "Mentors never share a first-year's grades, worries or personal details with other students.",
        "Concerns about a student's safety or wellbeing always go to student support, even if it feels awkward.",
    ),
    handbook="""\
## Why near-peer mentoring

The first year at university is when students are most likely to leave, and most of the
reasons are not academic: loneliness, not knowing how things work, not knowing where to get
help. A student who finished their first year a few months ago remembers all of it, and is
far easier to ask than a lecturer.

## How it works

1. **First-years sign up as mentees; second-years as mentors.** Mentors complete a short
   training before matching.
2. **Matching** pairs students from similar fields of study, by what first-years want help
   with and what mentors feel able to share, and by when both are free.
3. **Meet every two weeks through the year**, for about 45 minutes. A mentor may take up to
   two first-years.
4. **End-of-year reflection:** a short survey and a thank-you for mentors.

## The first meeting

Swap stories: why you chose your course, what has surprised you. Agree how and when you will
meet, and what the first-year would most like help with this term.

## Support services

Mentors are not counsellors. The program team will share the contacts for academic advice,
student support and wellbeing services; keep them handy and use them early.
""",
    objectives=(
        ObjectiveSpec(
            metric=Objective.Metric.RETENTION,
            target=Decimal("90"),
            deadline_weeks=40,
            rationale=(
                "Continuation into the second year is the outcome near-peer mentoring exists for. At least "
                "90% of participating first-years continuing lets us compare with the overall cohort."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.GOAL_COMPLETION,
            target=Decimal("70"),
            deadline_weeks=30,
            rationale=(
                "Pairs set one or two goals for the year (study habits, settling in); completing 70% shows "
                "meetings lead to change, not just conversation."
            ),
        ),
        ObjectiveSpec(
            metric=Objective.Metric.SATISFACTION,
            target=Decimal("4"),
            deadline_weeks=31,
            rationale=(
                "A rating of at least 4 out of 5 from first-years and mentors alike tells us the program is "
                "worth recommending to next year's students, which is how it grows."
            ),
        ),
    ),
    questionnaires={
        MENTEE: q.questionnaire(
            "First-year student intake",
            "Help us pair you with a second-year student who can help with what matters to you.",
            [
                q.question("year", "Which year of study are you in?", q.SINGLE, required=True, choices=YEARS[:1]),
                q.question(
                    "field_of_study",
                    "What do you study?",
                    q.SINGLE,
                    required=True,
                    choices=FIELDS_OF_STUDY,
                ),
                q.skills_wanted("What would you most like help with this year?", choices=STUDENT_TOPICS),
                q.goals("What would make your first year a success for you?"),
                q.interests(),
                *q.practicalities(),
                q.anything_else(),
            ],
        ),
        MENTOR: q.questionnaire(
            "Student mentor intake",
            "Tell us about your studies and what you could help a first-year with.",
            [
                q.question(
                    "year",
                    "Which year of study are you in?",
                    q.SINGLE,
                    required=True,
                    help_text="Mentors are usually second-years; third-years and later are welcome too.",
                    choices=YEARS[1:],
                ),
                q.question(
                    "field_of_study",
                    "What do you study?",
                    q.SINGLE,
                    required=True,
                    choices=FIELDS_OF_STUDY,
                ),
                q.skills_offered("Which topics could you help a first-year with?", choices=STUDENT_TOPICS),
                q.question(
                    "motivation",
                    "Why would you like to mentor a first-year student?",
                    q.LONG_TEXT,
                    required=True,
                    max=1000,
                ),
                q.interests(),
                *q.practicalities(),
            ],
        ),
    },
    training=(
        NEAR_PEER_MENTORING,
        ACTIVE_LISTENING,
        GOOD_QUESTIONS,
        SMART_GOALS,
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
            "label": "What the first-year wants help with ↔ what the mentor can share",
        },
        {
            "kind": "same",
            "key": "field_of_study",
            "weight": 3,
            "label": "Same field of study",
        },
        {
            "kind": "gap",
            "mentee_key": "year",
            "mentor_key": "year",
            "min": 1,
            "max": 2,
            "label": "The mentor is one or two years ahead",
        },
        {"kind": "overlap", "key": "availability", "weight": 2, "label": "Free at the same times"},
        {"kind": "overlap", "key": "interests", "weight": 1, "label": "Shared interests"},
    ),
    discussion_prompts=discussion_prompts(
        first_meeting=[
            "Why did you choose your course, and what has surprised you so far?",
            "Mentor: what do you wish you had known in your first month?",
        ],
        goal_setting=["What would you like to be doing differently by the end of the first term?"],
        career=["Which modules, societies or summer experiences could help you find out what you enjoy?"],
        feedback=["Which study habit is working, and which would you like to change?"],
        reflection=["What advice would you give next year's first-years?", "Would you like to be a mentor next year?"],
    ),
    # Student directories usually record the year of study as the level.
    audience={"level_min": 1, "level_max": 2},
    audience_hint=(
        "First- and second-year students, read from the directory's level (the year of study). If your directory "
        "records the year in a custom attribute instead, clear the levels and use that attribute."
    ),
)
