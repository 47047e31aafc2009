"""Training modules shared by the templates, written once.

Mentor training: active listening, asking good questions, SMART goals, giving feedback,
boundaries and confidentiality. Mentee orientation: owning the relationship, preparing for
meetings. Templates hand a module to the role that needs it (`MODULE.for_role("peer")`);
modules that only make sense for one program live with that template.
"""

from ..models import ParticipantRole
from .base import TrainingSpec

MENTOR = ParticipantRole.MENTOR.value
MENTEE = ParticipantRole.MENTEE.value
PEER = ParticipantRole.PEER.value


def quiz(question, choices, answer):
    return {"question": question, "choices": list(choices), "answer": answer}


ACTIVE_LISTENING = TrainingSpec(
    key="active_listening",
    title="Active listening",
    role=MENTOR,
    content="""\
Most of the value of a mentoring conversation comes from the other person thinking out loud
while someone pays full attention. Active listening is how you give that attention, and it is
a skill you can practise.

## What it looks like

- **Listen to understand, not to reply.** Notice when you are rehearsing your answer or
  waiting for a gap to tell your own story; bring your attention back.
- **Reflect back.** Summarise what you heard in your own words: *"So the deadline isn't the
  problem, it's that nobody agreed what done means?"* It shows you listened and lets them
  correct you.
- **Notice what is not said.** Energy that drops on one topic, a project that keeps coming
  back, a "should" that sounds like someone else's expectation.
- **Allow silence.** A pause of five seconds feels long to you and is often where the real
  answer arrives. Count to five before you fill it.
- **Close the laptop.** Put your phone away and turn off notifications; on a video call, look
  at the camera when you speak and at their face when you listen.

## The 80/20 rule

Aim for the other person to talk about 80% of the time. If you notice you have spoken for
several minutes, stop and ask: *"What's landing for you in that?"*

## When you want to give advice

Advice is sometimes exactly right, but it lands better when asked for. Try *"Would it help
if I shared what I did in a similar situation?"* and keep it short.
""",
    quiz=(
        quiz(
            "Your mentee goes quiet after a question. What is usually best?",
            (
                "Rephrase the question straight away",
                "Wait a few seconds and let them think",
                "Move on to the next topic",
            ),
            1,
        ),
        quiz(
            "What is the main purpose of reflecting back what you heard?",
            (
                "To show that you agree",
                "To check your understanding and let them correct you",
                "To fill the time until they speak again",
            ),
            1,
        ),
        quiz(
            "Roughly how much of the conversation should the person being mentored be speaking?",
            ("About 20%", "About half", "About 80%"),
            2,
        ),
    ),
)

GOOD_QUESTIONS = TrainingSpec(
    key="good_questions",
    title="Asking good questions",
    role=MENTOR,
    content="""\
A good question helps the other person see their situation more clearly; it is not a
disguised piece of advice. The best mentors ask more than they tell.

## Open, short, one at a time

- **Open** questions start with *what*, *how*, *which* or *tell me about*. They invite a real
  answer: *"What would a good outcome look like?"* rather than *"Do you want a promotion?"*
- **Short** questions work better than long ones. If your question needs a preamble, it is
  probably advice.
- **One at a time.** Stacking three questions lets them answer the easiest one.

## Careful with "why"

*"Why did you do that?"* can sound like an accusation. *"What led you to that choice?"* asks
the same thing without the judgement.

## Questions worth keeping in your pocket

- What is on your mind this week?
- What have you already tried?
- What would you do if you knew it couldn't fail?
- What is the smallest next step you could take before we next meet?
- What do you need from me: ideas, a sounding board, or a push?
- What will you do, and by when?

## Let them find the answer

If you can see the answer, resist handing it over. A conclusion someone reaches themselves
is one they act on.
""",
    quiz=(
        quiz(
            "Which of these is an open question?",
            (
                "Did the meeting go well?",
                "What made the meeting go the way it did?",
                "Was your manager happy with the meeting?",
            ),
            1,
        ),
        quiz(
            "Why ask one question at a time?",
            (
                "Because stacked questions let people answer only the easiest one",
                "Because meetings are short",
                "Because it is more polite",
            ),
            0,
        ),
    ),
)

SMART_GOALS = TrainingSpec(
    key="smart_goals",
    title="Setting SMART goals together",
    role=MENTOR,
    content="""\
Pairs that agree goals early meet more often and report more progress. In your first or
second meeting, help the person you mentor turn a wish into one or two goals you can both
check against.

## SMART

- **Specific:** what exactly will be different? *"Present our team's results at the monthly
  review"* rather than *"get better at presenting"*.
- **Measurable:** how will you both know it happened?
- **Achievable:** a stretch, but within reach in the time the program runs.
- **Relevant:** it matters to them, not only to you or their manager.
- **Time-bound:** a date, usually before the program ends.

## Their goal, not yours

Ask what they want, then help sharpen it. If the goal is really their manager's or yours, it
will stall the first busy week.

## Keep goals alive

Write goals down in Tandem so you can both see them. Open each meeting with a quick look at
progress, and change a goal openly when circumstances change; that is learning, not failure.
""",
    quiz=(
        quiz(
            "Which goal is SMART?",
            (
                "Get better at stakeholder management",
                "Run the kick-off for the Q3 project with the three partner teams by 30 September",
                "Be more visible",
            ),
            1,
        ),
        quiz(
            "Whose goal should it be?",
            (
                "The mentor's",
                "The person being mentored, helped to sharpen it",
                "Their line manager's",
            ),
            1,
        ),
    ),
)

GIVING_FEEDBACK = TrainingSpec(
    key="giving_feedback",
    title="Giving useful feedback",
    role=MENTOR,
    content="""\
Feedback from someone outside your reporting line is one of the most valuable things a
mentoring relationship offers: it carries no consequences for a performance review, so it
can be honest.

## Ask first

*"Would you like my honest reaction to that?"* Feedback that was asked for is heard.

## Situation, behaviour, impact

Describe **the situation**, **the behaviour** you observed and **its impact**, without
guessing at motives: *"In the demo on Tuesday (situation), you answered the first question
before the customer had finished (behaviour); they seemed to stop asking questions after
that (impact)."*

## Make it useful

- Be specific and recent; *"you're great"* and *"you're too quiet"* are equally unusable.
- Talk about what can change; skip what cannot.
- Balance is about honesty, not a formula: say what works as precisely as what does not.
- End with a question: *"How does that match what you noticed?"*

## Receiving feedback, too

Ask for feedback on your mentoring at the midpoint: *"What would make our meetings more
useful for you?"* Then act on it. It is the best way to show how feedback is meant to work.
""",
    quiz=(
        quiz(
            "Which is the most useful piece of feedback?",
            (
                "You're a natural presenter",
                "In Tuesday's demo you paused after each question, and the customer asked far more",
                "You should be more confident",
            ),
            1,
        ),
        quiz(
            "What do situation, behaviour and impact leave out on purpose?",
            ("What happened", "Guesses about the person's motives", "The effect on others"),
            1,
        ),
    ),
)

BOUNDARIES = TrainingSpec(
    key="boundaries_confidentiality",
    title="Boundaries and confidentiality",
    role=MENTOR,
    content="""\
Trust is what makes a mentoring relationship work. A few clear boundaries protect it for both
of you.

## What stays between you

What is said in your meetings stays between you unless both of you agree otherwise. You do not
report back to the other person's manager, and you do not discuss the conversation with
colleagues, even kindly.

## The exceptions

Confidentiality ends where someone may be harmed: a risk to their safety or someone else's,
harassment, discrimination, or a serious breach of law or policy. If you hear something like
this, tell the person you cannot keep it to yourself, and contact the program team or HR.
Say this in your first meeting, so it is never a surprise.

## You are not their manager, or their therapist

- Decisions about their work belong to them and their manager. You help them think; you do
  not intervene on their behalf.
- If someone is struggling with their health, wellbeing or a personal crisis, listen, and
  point them to the support your organization offers (an employee assistance program,
  occupational health, a counselling service). You do not have to solve it.

## Respectful by default

Meet in places and at times that suit both of you, keep to the agreed length, and avoid
anything that could look like a conflict of interest (for example, mentoring someone whose
promotion you will decide). If the relationship is not working, say so to the program team:
ending a match early is normal and nobody's fault.
""",
    quiz=(
        quiz(
            "The person you mentor's manager asks how your meetings are going. What do you share?",
            (
                "A summary of what you discussed",
                "Only that you are meeting; the content stays between you",
                "Whatever the manager needs for the performance review",
            ),
            1,
        ),
        quiz(
            "When does confidentiality not apply?",
            (
                "When the topic is about their manager",
                "When someone may be harmed, or there is harassment or a serious breach of law or policy",
                "Never: everything stays between you",
            ),
            1,
        ),
        quiz(
            "The person you mentor tells you they are struggling badly with their wellbeing. What is your role?",
            (
                "Listen and point them to the support the organization offers",
                "Diagnose the problem and agree a treatment plan",
                "Tell their manager straight away",
            ),
            0,
        ),
    ),
)

OWNING_THE_RELATIONSHIP = TrainingSpec(
    key="owning_the_relationship",
    title="Owning the relationship",
    role=MENTEE,
    content="""\
The most successful mentoring relationships are driven by the person being mentored. Your
mentor gives their time and experience; you set the direction.

## What owning it means

- **You book the meetings.** Send the invitation, suggest a time, and rebook straight away if
  one is cancelled. Momentum is easy to lose in the first month.
- **You bring the agenda.** A topic, a decision you are facing, a draft you want a reaction
  to. See *Preparing for meetings*.
- **You follow up.** A two-line note after each meeting with what you took away and what you
  will do next helps you both remember, and shows your mentor their time was well spent.

## Be open about what you need

Tell your mentor whether you want ideas, a sounding board, honest feedback or a connection to
someone else. If the meetings are not helping, say so early: most mentors welcome it and
adjust.

## Respect their time

Arrive on time, keep to the agreed length and let them know early if you need to move a
meeting. If you both decide the match is not right, tell the program team: ending early is
normal and nobody's fault.
""",
    quiz=(
        quiz(
            "Who usually books the meetings?",
            ("The mentor", "The person being mentored", "The program team"),
            1,
        ),
        quiz(
            "The meetings are not helping you. What should you do?",
            (
                "Keep going and hope it improves",
                "Quietly stop booking meetings",
                "Say so early, and tell your mentor what would help",
            ),
            2,
        ),
    ),
)

PREPARING_FOR_MEETINGS = TrainingSpec(
    key="preparing_for_meetings",
    title="Preparing for meetings",
    role=MENTEE,
    content="""\
Ten minutes of preparation can double the value of an hour together.

## Before the meeting

1. **Look back.** What did you agree last time, and what happened since?
2. **Pick one or two topics.** A decision you face, a situation that went well or badly, a
   skill you are practising. Fewer topics, deeper conversations.
3. **Know what you want from it.** Ideas? A sounding board? Honest feedback? Tell your mentor
   at the start.
4. **Share anything to read in advance**, briefly, a day ahead.

## During the meeting

- Start with a two-minute update on your goals.
- Take notes: the question that made you think is easy to forget by the evening.
- Before you finish, say what you will do next, and agree when you will meet again.

## After the meeting

Send a short thank-you with your takeaways and next step, and record progress on your goals
in Tandem. Over a few months these notes show you how far you have come.
""",
    quiz=(
        quiz(
            "How many topics should you usually bring to a meeting?",
            ("As many as possible", "One or two", "None: the mentor decides"),
            1,
        ),
        quiz(
            "What should you do before the meeting ends?",
            (
                "Say what you will do next and agree the next meeting",
                "Ask your mentor to write up notes",
                "Nothing; follow-up happens later",
            ),
            0,
        ),
    ),
)

MENTOR_CORE = (ACTIVE_LISTENING, GOOD_QUESTIONS, SMART_GOALS, GIVING_FEEDBACK, BOUNDARIES)
MENTEE_CORE = (OWNING_THE_RELATIONSHIP, PREPARING_FOR_MEETINGS)
