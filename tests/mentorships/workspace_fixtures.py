"""Helpers shared by the members' page tests (workspace, meetings, goals, check-ins)."""

from django.urls import reverse

from mentorships.models import MentorshipStatus
from programs.models import ProgramManager

from .meeting_fixtures import linked_person

# Every members' route, with which object of the pair its id names.
MEMBER_ROUTES = [
    ("workspace", "mentorship"),
    ("prompts", "mentorship"),
    ("handbook", "mentorship"),
    ("meeting_new", "mentorship"),
    ("meeting_log_unscheduled", "mentorship"),
    ("goal_new", "mentorship"),
    ("checkin", "mentorship"),
    ("meeting_edit", "meeting"),
    ("meeting_cancel", "meeting"),
    ("meeting_log", "meeting"),
    ("goal_detail", "goal"),
    ("goal_edit", "goal"),
    ("milestone_add", "goal"),
    ("goal_comment_add", "goal"),
    ("milestone_toggle", "milestone"),
]


def url(name, org, *args):
    return reverse(f"mentorships:{name}", args=[org.slug, *args])


def workspace_url(pair):
    return url("workspace", pair.org, pair.mentorship.pk)


def text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def client_of(client_for, person):
    return client_for(person.user)


def program_manager_of(pair):
    """A member of the organization who manages the pair's program but is not in the pair."""
    manager = linked_person(pair.org, "Pat Manager")
    ProgramManager.objects.create(organization=pair.org, program=pair.program, user=manager.user)
    return manager


def end(pair, status=MentorshipStatus.COMPLETED):
    pair.mentorship.status = status
    pair.mentorship.save(update_fields=["status"])
