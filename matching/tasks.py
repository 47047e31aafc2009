"""Celery tasks for matching. Each takes `organization_id` and ids, loads, and calls a service
or sends email.

Email goes through matching/emails.py, which writes each message's send-log row before it goes
out (organizations.notify), so a retried or redelivered task never tells anyone the same news
twice; a transient mail failure frees that row and the task retries with backoff.
"""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from mentorships.models import MentorshipMember
from organizations.models import Membership, Role
from programs.models import Program, ProgramManager
from programs.tasks import RETRY

from . import emails
from .models import MatchingMode, MatchingSettings, MentorRequest, RematchRequest
from .services.publish import PUBLISHABLE_PROGRAM_STATUSES

# --- self-match and rematch ----------------------------------------------------------------


@shared_task(**RETRY)
def send_mentor_request_emails_task(organization_id, request_ids):
    """Tell the mentor of a new request, or the mentee of the answer; returns how many were told."""
    requests = MentorRequest.objects.for_org(organization_id).select_related(
        "organization", "program", "mentee__person__user", "mentor__person__user"
    )
    return sum(
        emails.send_request_news(request) for request in requests.filter(pk__in=list(request_ids)).order_by("pk")
    )


def _program_team(program) -> list:
    """The program's managers; the organization's admins and owners when the program has no
    manager of its own (they manage every program)."""
    managers = ProgramManager.objects.for_org(program.organization_id).filter(program=program)
    user_ids = list(managers.values_list("user_id", flat=True))
    if not user_ids:
        admins = Membership.objects.filter(organization_id=program.organization_id, role__in=(Role.ADMIN, Role.OWNER))
        user_ids = list(admins.values_list("user_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=user_ids).order_by("pk"))


@shared_task(**RETRY)
def send_rematch_emails_task(organization_id, rematch_id):
    """A neutral email to the members who did not ask; the reason to the program team only."""
    rematch = (
        RematchRequest.objects.for_org(organization_id)
        .select_related("organization", "mentorship__program", "requested_by__person")
        .filter(pk=rematch_id)
        .first()
    )
    if rematch is None:
        return 0
    members = MentorshipMember.objects.for_org(organization_id).filter(mentorship=rematch.mentorship)
    others = [m.person for m in members.exclude(enrollment=rematch.requested_by).select_related("person__user")]
    sent = sum(emails.send_match_ended(rematch, person) for person in others)
    requester = rematch.requested_by.person
    for user in _program_team(rematch.mentorship.program):
        sent += emails.send_match_ended_to_team(rematch, user, requester=requester, others=others)
    return sent


@shared_task
def refresh_all_suggestions_task():
    """Nightly: queue a refresh for every program whose mentees choose their mentors."""
    programs = MatchingSettings.objects.filter(
        mode=MatchingMode.SELF_MATCH, program__status__in=PUBLISHABLE_PROGRAM_STATUSES
    ).values_list("organization_id", "program_id")
    queued = 0
    for organization_id, program_id in programs.order_by("program_id"):
        refresh_suggestions_task.delay(organization_id, program_id)
        queued += 1
    return queued


@shared_task
def refresh_suggestions_task(organization_id, program_id):
    """Recompute a self-match program's suggestions; nothing when it no longer self-matches."""
    from .services.self_match import suggestions_refresh

    program = Program.objects.for_org(organization_id).select_related("organization").filter(pk=program_id).first()
    if program is None:
        return 0
    try:
        return suggestions_refresh(organization=program.organization, program=program)
    except ValidationError:
        return 0  # switched back to managed matching, or closed, since this was enqueued


# --- managed matching: runs and the publish notification ------------------------------------


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def execute_match_run_task(self, organization_id, run_id):
    """Execute a queued match run. A duplicate finds the run claimed and does nothing; a task
    redelivered because its worker was lost takes the abandoned run over (match_run_execute)."""
    from .services.runs import match_run_execute

    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    run = match_run_execute(organization=organization_id, run_id=run_id, redelivered=redelivered)
    return run.status if run is not None else None


@shared_task(**RETRY)
def send_match_notifications_task(organization_id, mentorship_ids):
    """Tell every member of newly published mentorships who they are matched with and why;
    once per member; people with neither a login nor an email address are skipped."""
    members = (
        MentorshipMember.objects.for_org(organization_id)
        .filter(mentorship_id__in=list(mentorship_ids))
        .select_related("person__user", "mentorship__program", "organization")
        .order_by("mentorship_id", "role", "pk")
    )
    by_mentorship = {}
    for member in members:
        by_mentorship.setdefault(member.mentorship_id, []).append(member)
    sent = 0
    for group in by_mentorship.values():
        for member in group:
            sent += emails.send_match_published(member, [other for other in group if other.pk != member.pk])
    return sent
