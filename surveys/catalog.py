"""Survey templates that ship with Tandem: good questions a program manager can send as they
are, or adjust in the questionnaire builder before launching.

Question keys are shared across templates (and across programs), so results can be compared
between waves, surveys and programs, and the leaders' overview can read satisfaction and NPS
without knowing which template a survey came from:

- satisfaction: scale 1–5, overall satisfaction with the program;
- nps: scale 0–10, "How likely are you to recommend this program to a colleague?";
- skills_gained: multiple choice, the same skill values intake forms ask about (skills_wanted);
- goal_attainment: scale 1–5, how far the person got with their own goals;
- mentor_again: single choice yes / maybe / no;
- meeting_frequency: single choice, how often the pair actually met;
- highlight, improve: long text (shown only above the free-text threshold, never attributed).

Values of choices are stable machine names; labels may be reworded freely.
"""

from programs.catalog.questions import LONG_TEXT, MULTIPLE, SCALE, SINGLE, WORK_SKILLS, question

NPS_TEXT = "How likely are you to recommend this program to a colleague?"

YES_MAYBE_NO = (("yes", "Yes"), ("maybe", "Maybe"), ("no", "No"))

MEETING_FREQUENCY = (
    ("weekly", "About every week"),
    ("fortnightly", "About every two weeks"),
    ("monthly", "About once a month"),
    ("less_often", "Less often than once a month"),
    ("not_met", "We have not met yet"),
)

TIME_COMMITMENT = (
    ("less", "Less time than I expected"),
    ("about_right", "About what I expected"),
    ("more", "More time than I expected"),
)


def satisfaction(text="Overall, how satisfied are you with the program so far?"):
    return question(
        "satisfaction", text, SCALE, required=True, min=1, max=5, help_text="1 = very dissatisfied, 5 = very satisfied."
    )


def nps():
    return question("nps", NPS_TEXT, SCALE, required=True, min=0, max=10, help_text="0 = not at all, 10 = extremely.")


def skills_gained(text="Which skills have you developed through the program?"):
    return question("skills_gained", text, MULTIPLE, help_text="Pick all that apply, or none.", choices=WORK_SKILLS)


def goal_attainment(text="How far have you got with the goals you set at the start?"):
    return question(
        "goal_attainment",
        text,
        SCALE,
        required=True,
        min=1,
        max=5,
        help_text="1 = not started, 3 = about halfway, 5 = fully achieved.",
    )


def mentor_again(text="Would you take part in a program like this again?"):
    return question("mentor_again", text, SINGLE, required=True, choices=YES_MAYBE_NO)


def meeting_frequency(text="How often have you met with your mentoring partner?"):
    return question("meeting_frequency", text, SINGLE, required=True, choices=MEETING_FREQUENCY)


def highlight(text="What has been the most valuable part of the program for you?"):
    return question(
        "highlight",
        text,
        LONG_TEXT,
        max=2000,
        help_text="Optional. Please leave out names and details that would identify you or others.",
    )


def improve(text="What one thing would make the program better?"):
    return question(
        "improve",
        text,
        LONG_TEXT,
        max=2000,
        help_text="Optional. Please leave out names and details that would identify you or others.",
    )


def spec(title, description, questions):
    return {"title": title, "description": description, "kind": "survey", "questions": list(questions)}


SURVEY_TEMPLATES: dict[str, dict] = {
    "mid_program": {
        "title": "Mid-program check",
        "description": "Halfway through: is it working, and what should change while there is still time?",
        "schedule": "midpoint",
        "audience": "all",
        "open_days": 14,
        "reminder_days": [4, 10],
        "intro": (
            "We are halfway through the program. Five minutes of honest feedback helps us fix what is not "
            "working while there is still time to make a difference for you."
        ),
        "questionnaire": spec(
            "Mid-program check",
            "Halfway through the program.",
            [
                satisfaction(),
                meeting_frequency(),
                question(
                    "match_fit",
                    "How well does your mentoring partner fit what you hoped for?",
                    SCALE,
                    required=True,
                    min=1,
                    max=5,
                    help_text="1 = not at all, 5 = very well.",
                ),
                goal_attainment("How much progress have you made towards your goals so far?"),
                question(
                    "obstacles",
                    "What, if anything, has got in the way of meeting?",
                    MULTIPLE,
                    choices=(
                        ("workload", "Workload and deadlines"),
                        ("scheduling", "Finding a time that suits us both"),
                        ("unclear_purpose", "Not sure what to talk about"),
                        ("partner_unavailable", "My partner is hard to reach"),
                        ("time_zones", "Time zones or locations"),
                        ("nothing", "Nothing: it is going fine"),
                    ),
                ),
                highlight("What has been the most valuable part so far?"),
                improve("What one thing would make the rest of the program better?"),
            ],
        ),
    },
    "end_of_program": {
        "title": "End-of-program evaluation",
        "description": "The program's results in participants' own words: satisfaction, NPS, skills and goals.",
        "schedule": "end",
        "audience": "all",
        "open_days": 14,
        "reminder_days": [3, 7],
        "intro": (
            "The program is coming to an end. Tell us how it went for you: your answers decide what we keep "
            "and what we change for the next group."
        ),
        "questionnaire": spec(
            "End-of-program evaluation",
            "At the end of the program.",
            [
                satisfaction("Overall, how satisfied are you with the program?"),
                nps(),
                skills_gained(),
                goal_attainment("How far did you get with the goals you set at the start?"),
                meeting_frequency("Over the program, how often did you meet with your mentoring partner?"),
                mentor_again("Would you take part again, as a mentor or a mentee?"),
                highlight(),
                improve(),
            ],
        ),
    },
    "mentor_experience": {
        "title": "Mentor experience",
        "description": "How mentors are finding it: preparation, time and support, while there is time to act.",
        "schedule": "midpoint",
        "audience": "mentors",
        "open_days": 14,
        "reminder_days": [4, 10],
        "intro": (
            "Mentors make this program work. Tell us how it is going for you, so we can support you better "
            "now and prepare the next mentors well."
        ),
        "questionnaire": spec(
            "Mentor experience",
            "For mentors.",
            [
                satisfaction("Overall, how rewarding is mentoring in this program for you?"),
                question(
                    "mentor_preparation",
                    "How well did the training and materials prepare you to mentor?",
                    SCALE,
                    required=True,
                    min=1,
                    max=5,
                    help_text="1 = not at all, 5 = very well.",
                ),
                question(
                    "time_commitment", "The time mentoring takes is…", SINGLE, required=True, choices=TIME_COMMITMENT
                ),
                question(
                    "program_support",
                    "How well does the program team support you when you need it?",
                    SCALE,
                    required=True,
                    min=1,
                    max=5,
                    help_text="1 = not at all, 5 = very well.",
                ),
                meeting_frequency(),
                skills_gained("Which skills have you developed yourself by mentoring?"),
                mentor_again("Would you mentor again?"),
                nps(),
                highlight("What do you enjoy most about mentoring?"),
                improve("What would make mentoring easier or better for you?"),
            ],
        ),
    },
    "first_month_pulse": {
        "title": "First-month pulse",
        "description": "Three quick questions a month in, repeated every four weeks so you see the trend.",
        "schedule": "pulse",
        "audience": "all",
        "pulse_weeks": 4,
        # The first wave a month after the program starts, when pairs have had time to meet.
        "opens_after_days": 28,
        "open_days": 7,
        "reminder_days": [3],
        "intro": "A one-minute check on how things are going. We ask every four weeks to catch problems early.",
        "questionnaire": spec(
            "First-month pulse",
            "A short, recurring check.",
            [
                satisfaction("How is the program going for you right now?"),
                meeting_frequency("How often have you met with your mentoring partner in the last month?"),
                improve("Is anything getting in the way? What would help?"),
            ],
        ),
    },
}


def survey_template(key: str) -> dict | None:
    return SURVEY_TEMPLATES.get(key)
