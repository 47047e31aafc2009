"""Celery tasks for matching. Each takes `organization_id` and ids, loads, and calls a service
or sends email.

Email: each send is claimed first under a key naming the organization, the object, the state
it announces and the recipient (`cache.add`, atomic in Redis), so a retried or redelivered
task never emails the same news twice; a transient mail failure releases the claim and the
task retries with backoff.
"""

from celery import shared_task
from django.core.cache import cache
from django.core.exceptions import ValidationError

from mentorships.models import MentorshipMember
from organizations.models import Membership, Role
from programs.models import Program, ProgramManager
from programs.tasks import RETRY, TRANSIENT_ERRORS

from . import participant_emails
from .models import MatchingMode, MatchingSettings, MentorRequest, RematchRequest, RequestStatus
from .services.publish import PUBLISHABLE_PROGRAM_STATUSES

# --- self-match and rematch ----------------------------------------------------------------

SEND_CLAIM_SECONDS = 30 * 24 * 60 * 60  # far longer than any retry or redelivery


def _send_once(key, send, *args, **kwargs) -> bool:
    """`send(*args, **kwargs)` unless `key` was claimed before; True when this call sent."""
    if not cache.add(key, "sent", timeout=SEND_CLAIM_SECONDS):
        return False
    try:
        send(*args, **kwargs)
    except TRANSIENT_ERRORS:
        cache.delete(key)
        raise
    return True


def _request_email(request):
    """The email a request's current state calls for, or None (withdrawn; closed because the
    mentee was matched elsewhere). A request that moved on before its email left announces
    its latest state only."""
    if request.status == RequestStatus.PENDING:
        return request.mentor.person.email, participant_emails.send_request_received_email
    answered = request.status in (RequestStatus.ACCEPTED, RequestStatus.DECLINED)
    mentor_full = request.status == RequestStatus.CLOSED and request.response_note
    if answered or mentor_full:
        return request.mentee.person.email, participant_emails.send_request_answered_email
    return None


@shared_task(**RETRY)
def send_mentor_request_emails_task(organization_id, request_ids):
    """Tell the mentor of a new request, or the mentee of the answer; returns how many were sent."""
    requests = MentorRequest.objects.for_org(organization_id).select_related(
        "organization", "program", "mentee__person", "mentor__person"
    )
    sent = 0
    for request in requests.filter(pk__in=list(request_ids)).order_by("pk"):
        email = _request_email(request)
        if email is None or not email[0]:
            continue
        key = f"matching:email:{organization_id}:request:{request.pk}:{request.status}"
        sent += _send_once(key, email[1], request)
    return sent


def _program_team_emails(program) -> list[tuple[int, str]]:
    """(user id, email) of the program's managers; the organization's admins and owners when
    the program has no manager of its own (they manage every program)."""
    managers = ProgramManager.objects.for_org(program.organization_id).filter(program=program)
    rows = list(managers.values_list("user_id", "user__email").order_by("user_id"))
    if not rows:
        admins = Membership.objects.filter(organization_id=program.organization_id, role__in=(Role.ADMIN, Role.OWNER))
        rows = list(admins.values_list("user_id", "user__email").order_by("user_id"))
    return [(user_id, email) for user_id, email in rows if email]


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
    others = [m.person for m in members.exclude(enrollment=rematch.requested_by).select_related("person")]
    key = f"matching:email:{organization_id}:rematch:{rematch.pk}"
    sent = 0
    for person in others:
        if person.email:
            sent += _send_once(f"{key}:person:{person.pk}", participant_emails.send_match_ended_email, rematch, person)
    requester = rematch.requested_by.person
    for user_id, email in _program_team_emails(rematch.mentorship.program):
        sent += _send_once(
            f"{key}:user:{user_id}",
            participant_emails.send_rematch_manager_email,
            rematch,
            to=email,
            requester=requester,
            others=others,
        )
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
    once per member (claimed like the emails above); people without an email are skipped."""
    from . import emails

    members = (
        MentorshipMember.objects.for_org(organization_id)
        .filter(mentorship_id__in=list(mentorship_ids))
        .select_related("person", "mentorship__program", "organization")
        .order_by("mentorship_id", "role", "pk")
    )
    by_mentorship = {}
    for member in members:
        by_mentorship.setdefault(member.mentorship_id, []).append(member)
    sent = 0
    for group in by_mentorship.values():
        for member in group:
            if not member.person.email:
                continue
            partners = [other for other in group if other.pk != member.pk]
            key = f"matching:email:{organization_id}:published:{member.mentorship_id}:member:{member.pk}"
            sent += _send_once(key, emails.send_match_published_email, member, partners)
    return sent
