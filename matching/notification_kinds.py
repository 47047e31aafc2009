"""The kinds of notification the matching app sends, registered once when the app loads so the
settings page lists them and `notify()` accepts them."""

from organizations.notify import register_kind

MATCH_PUBLISHED = "match_published"
MENTOR_REQUEST = "mentor_request"
MENTOR_REQUEST_ANSWER = "mentor_request_answer"
MATCH_ENDED = "match_ended"
MATCH_ENDED_TEAM = "match_ended_team"


def register():
    register_kind(MATCH_PUBLISHED, "You have a match", "When a match of yours is published: who it is with and why.")
    register_kind(
        MENTOR_REQUEST,
        "Requests from mentees",
        "When a mentee asks you to be their mentor, in programs where mentees choose.",
    )
    register_kind(
        MENTOR_REQUEST_ANSWER,
        "Answers to your mentor requests",
        "When a mentor you asked accepts or declines, or has no free place left.",
    )
    register_kind(MATCH_ENDED, "Your match has ended", "When another member of your match ends it early.")
    register_kind(
        MATCH_ENDED_TEAM,
        "Matches ended early (program team)",
        "When a member of a program you manage ends their match early, with their reason.",
    )
