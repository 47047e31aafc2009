"""Mentorships and the pair's workspace: meetings, goals, check-ins, pair health, resources."""

from .checkins import CheckIn, Intervention, PairHealth
from .core import LIVE_STATUSES, Mentorship, MentorshipMember, MentorshipStatus
from .goals import Goal, GoalComment, GoalStatus, Milestone
from .meetings import Meeting, MeetingFormat, MeetingPrivateNote, MeetingStatus
from .resources import Resource

__all__ = [
    "LIVE_STATUSES",
    "CheckIn",
    "Goal",
    "GoalComment",
    "GoalStatus",
    "Intervention",
    "Meeting",
    "MeetingFormat",
    "MeetingPrivateNote",
    "MeetingStatus",
    "Mentorship",
    "MentorshipMember",
    "MentorshipStatus",
    "Milestone",
    "PairHealth",
    "Resource",
]
