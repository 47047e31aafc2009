"""The kinds of notification the mentorships app sends, registered once when the app loads so
the settings page lists them and `notify()` accepts them."""

from organizations.notify import register_kind

MEETING_INVITATION = "meeting_invitation"
NUDGE = "nudge"
MEETING_UPCOMING = "meeting_upcoming"
MEETING_OVERDUE = "meeting_overdue"
MEETING_LOG = "meeting_log"
GOAL_DUE = "goal_due"
CHECKIN_DUE = "checkin_due"
MANAGER_DIGEST = "manager_digest"


def register():
    register_kind(
        MEETING_INVITATION,
        "Meeting invitations",
        "A calendar invitation when a meeting of your mentorship is scheduled, moved or cancelled.",
    )
    register_kind(NUDGE, "Nudges from the program manager", "When a program manager checks in on your mentorship.")
    register_kind(MEETING_UPCOMING, "Meeting coming up", "The morning before a scheduled meeting.")
    register_kind(
        MEETING_OVERDUE, "Time to meet", "When your mentorship has not met within the program's meeting rhythm."
    )
    register_kind(MEETING_LOG, "Log your last meeting", "After a scheduled meeting, until someone logs how it went.")
    register_kind(GOAL_DUE, "Goal due soon", "A week before an open goal's target date.")
    register_kind(CHECKIN_DUE, "Check-in due", "When a new check-in period opens and you have not answered yet.")
    register_kind(
        MANAGER_DIGEST,
        "Weekly digest for program managers",
        "Monday mornings: new applications, pairs at risk and milestones coming up in your programs.",
    )
