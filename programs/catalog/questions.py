"""Intake questions shared by the templates, as questionnaire specs.

Question keys are the contract with matching: matching hints name them (skills_wanted ↔
skills_offered, interests, time_zone, languages, availability), so every template that asks
about skills uses these keys and the same choice values. Values of choices are stable machine
names; labels are what people read and may be reworded freely.
"""

from surveys.models import Question

SINGLE = Question.Type.SINGLE_CHOICE.value
MULTIPLE = Question.Type.MULTIPLE_CHOICE.value
SCALE = Question.Type.SCALE.value
NUMBER = Question.Type.NUMBER.value
SHORT_TEXT = Question.Type.SHORT_TEXT.value
LONG_TEXT = Question.Type.LONG_TEXT.value


def question(key, text, type_, *, required=False, help_text="", min=None, max=None, choices=()):
    return {
        "key": key,
        "text": text,
        "type": type_,
        "required": required,
        "help_text": help_text,
        "min": min,
        "max": max,
        "choices": [list(choice) for choice in choices],
    }


def questionnaire(title, description, questions):
    return {"title": title, "description": description, "kind": "intake", "questions": list(questions)}


# --- choice lists ---------------------------------------------------------------------------

WORK_SKILLS = (
    ("career_planning", "Career planning and next steps"),
    ("technical_depth", "Depth in my craft or field"),
    ("navigating_org", "Finding my way around the organization"),
    ("stakeholders", "Working with stakeholders"),
    ("leading_people", "Leading and developing people"),
    ("feedback", "Giving and receiving feedback"),
    ("prioritising", "Prioritising and managing my time"),
    ("presenting", "Presenting and speaking up in meetings"),
    ("writing", "Clear writing"),
    ("data", "Working with data"),
    ("negotiation", "Negotiating and influencing"),
    ("visibility", "Building visibility and a network"),
    ("wellbeing", "Wellbeing and sustainable pace"),
    ("change", "Leading through change"),
)

INTERESTS = (
    ("technology", "Technology and tools"),
    ("product", "Products and customers"),
    ("people", "People and culture"),
    ("strategy", "Strategy and business"),
    ("creativity", "Design and creativity"),
    ("learning", "Learning and teaching"),
    ("community", "Community and volunteering"),
    ("sport", "Sport and outdoors"),
    ("arts", "Books, film, music and the arts"),
    ("travel", "Travel and languages"),
    ("family", "Parenting and caring"),
)

COMMUNICATION = (
    ("video", "Video calls"),
    ("in_person", "In person"),
    ("phone", "Phone calls"),
    ("mixed", "A mix, whatever suits the week"),
)

AVAILABILITY = (
    ("early_morning", "Early morning (before 9:00)"),
    ("morning", "Morning (9:00–12:00)"),
    ("lunch", "Around lunch (12:00–14:00)"),
    ("afternoon", "Afternoon (14:00–17:00)"),
    ("after_work", "After work (after 17:00)"),
)

# Broad bands rather than every IANA zone: matching wants "can these two meet in working
# hours", and a person picks a band in one tap on a phone.
TIME_ZONES = (
    ("utc_m8_m5", "Americas West to East (UTC−8 to −5)"),
    ("utc_m4_m1", "South America and Atlantic (UTC−4 to −1)"),
    ("utc_0_p2", "Europe and Africa (UTC to +2)"),
    ("utc_p3_p5", "Middle East, East Africa and South Asia (UTC+3 to +5:30)"),
    ("utc_p6_p9", "South-East and East Asia (UTC+6 to +9)"),
    ("utc_p10_p13", "Australia and the Pacific (UTC+10 to +13)"),
)

# ISO 639-1 codes, as the people directory stores languages.
LANGUAGES = (
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("pt", "Portuguese"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("hi", "Hindi"),
    ("zh", "Mandarin Chinese"),
    ("ja", "Japanese"),
    ("ar", "Arabic"),
)


# --- questions ---------------------------------------------------------------------------------


def goals(text="What would you like to get out of this program?", help_text=""):
    help_text = help_text or "A few sentences is plenty. Your match reads this before your first meeting."
    return question("goals", text, LONG_TEXT, required=True, help_text=help_text, max=2000)


def skills_wanted(text="Which areas would you most like help with?", choices=WORK_SKILLS):
    return question(
        "skills_wanted",
        text,
        MULTIPLE,
        required=True,
        help_text="Pick up to three: matching weighs these most.",
        choices=choices,
    )


def skills_offered(text="Which areas could you help someone with?", choices=WORK_SKILLS):
    return question(
        "skills_offered",
        text,
        MULTIPLE,
        required=True,
        help_text="Pick the ones you would feel comfortable talking about from experience.",
        choices=choices,
    )


def interests():
    return question(
        "interests",
        "What are you interested in outside your day-to-day work?",
        MULTIPLE,
        help_text="Shared interests make first conversations easier. Optional.",
        choices=INTERESTS,
    )


def communication():
    return question("communication", "How do you prefer to meet?", SINGLE, required=True, choices=COMMUNICATION)


def availability():
    return question(
        "availability",
        "When are you usually free to meet?",
        MULTIPLE,
        required=True,
        help_text="In your own time zone. Pick all that usually work.",
        choices=AVAILABILITY,
    )


def time_zone():
    return question("time_zone", "Which time zone do you work in?", SINGLE, required=True, choices=TIME_ZONES)


def languages():
    return question(
        "languages",
        "Which languages are you comfortable meeting in?",
        MULTIPLE,
        required=True,
        choices=LANGUAGES,
    )


def practicalities():
    """The questions every intake ends with: how, when and in which language people can meet."""
    return [communication(), availability(), time_zone(), languages()]


def anything_else():
    return question(
        "anything_else",
        "Anything else the program team should know when matching you?",
        LONG_TEXT,
        help_text="For example someone you would rather not be matched with, or an accessibility need.",
        max=1000,
    )
