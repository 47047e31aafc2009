"""Discussion prompts and guideline text shared by the templates.

Prompts come in five stages, the arc of any mentoring relationship. A template adds prompts of
its own in front of the shared ones (`discussion_prompts(first_meeting=[...])`), so every
program gets a sound base and its own flavour without repeating it.
"""

STAGES = (
    ("first_meeting", "First meeting"),
    ("goal_setting", "Setting goals"),
    ("career", "Career conversations"),
    ("feedback", "Feedback"),
    ("reflection", "Reflection and closing"),
)

SHARED_PROMPTS = {
    "first_meeting": [
        "What brought you to this program, and what would make it worth your time?",
        "What is something about you that would not appear on your directory profile?",
        "How do we like to work: how often, where, and how do we reach each other between meetings?",
        "What does confidentiality mean for us, and what are its limits?",
    ],
    "goal_setting": [
        "If our time together went really well, what would be different by the end?",
        "Which one or two goals matter most right now? How will we know we got there?",
        "What might get in the way, and what would help?",
    ],
    "career": [
        "Which parts of your work give you energy, and which drain it?",
        "Where would you like to be in two years? What is one step towards it this quarter?",
        "Who else could you learn from, and how could you meet them?",
    ],
    "feedback": [
        "What is one thing that is working in our meetings, and one thing to change?",
        "Is there a situation from the past weeks you would like an honest outside view on?",
    ],
    "reflection": [
        "Looking back at the goals we set, what has changed?",
        "What surprised you about this program?",
        "What will you keep doing after the program ends, and would you like to stay in touch?",
    ],
}


def discussion_prompts(**extra):
    """Every stage's prompts: the template's own (by stage keyword) first, then the shared ones."""
    unknown = set(extra) - {key for key, _ in STAGES}
    if unknown:
        raise ValueError(f"Unknown prompt stages: {sorted(unknown)}")
    return tuple(
        {"stage": key, "title": title, "prompts": [*extra.get(key, ()), *SHARED_PROMPTS[key]]} for key, title in STAGES
    )


CONFIDENTIALITY_BASE = """\
- What is said in your conversations stays between the people in them, unless everyone agrees
  otherwise.
- Nothing you share here is reported to your manager or used in performance reviews. The
  program team sees only whether meetings happen and the anonymous answers to surveys.
- **The limits:** a risk to someone's safety, harassment, discrimination or a serious breach
  of law or policy cannot stay confidential. If you hear something like this, say that you
  cannot keep it to yourself, and contact the program team or HR.
"""


def confidentiality(*extra_points):
    """The shared confidentiality guidelines with a template's own points added."""
    return CONFIDENTIALITY_BASE + "".join(f"- {point}\n" for point in extra_points)


def ground_rules(*points):
    """Ground rules as a Markdown list, always ending with the no-fault exit."""
    closing = (
        "If a match is not working, tell the program team. Ending early is normal and nobody's fault; "
        "we will find you a better one where we can."
    )
    return "".join(f"{n}. {point}\n" for n, point in enumerate([*points, closing], start=1))
