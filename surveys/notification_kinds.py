"""The kinds of notification the surveys app sends, registered when the app loads so the
settings page lists them and `notify()` accepts them."""

from organizations.notify import register_kind

SURVEY_INVITATION = "survey_invitation"
SURVEY_REMINDER = "survey_reminder"


def register():
    register_kind(
        SURVEY_INVITATION,
        "Survey invitations",
        "When a survey of one of your programs opens for you to answer.",
    )
    register_kind(
        SURVEY_REMINDER,
        "Survey reminders",
        "A few days after a survey opens, while you have not answered it; never once you have.",
    )
