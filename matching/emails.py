"""Everything matching tells people: a published match, a request to a mentor and its answer,
and the end of a match (neutral to the other members, with the reason to the program team).

Only the Celery tasks in matching/tasks.py call these, after the transaction that made the
news has committed. Each message goes through `organizations.notify.notify` under a key naming
the news and the recipient, so a retried or redelivered task tells nobody twice and each user's
choice for the kind (email, in the app, off) and the unsubscribe link apply. People without a
login (directory records only) have no preferences and no in-app list, but were always emailed
at their directory address: they still are, guarded by the same send log.

The reason someone gave for ending a match goes to the program team only. The text templates
sign off only when there is no unsubscribe footer (people without a login), which signs off itself.
"""

from django.conf import settings
from django.urls import reverse

from organizations.notify import email_once, notify
from programs.models import ParticipantRole

from . import notification_kinds as kinds
from .cohort import matching_settings_or_default
from .models import MatchingMode, RequestStatus
from .scoring import top_reasons

TEMPLATES = "matching/emails/"
ROLE_WORDS = {ParticipantRole.MENTOR: "mentor", ParticipantRole.MENTEE: "mentee", ParticipantRole.PEER: "peer"}


def _tell(*, organization, person, kind, key, title, body, path, template, context) -> bool:
    """Tell `person` once per `key`; True when this call did (on any channel).

    `path` is the site-relative link; emails get it absolute as `url`."""
    if person.user_id is not None:
        return notify(
            organization=organization,
            user=person.user,
            kind=kind,
            key=key,
            title=title,
            body=body,
            url=path,
            email_template=TEMPLATES + template,
            email_context=context,
        )
    if not person.email:
        return False
    return email_once(
        organization=organization,
        to=person.email,
        kind=kind,
        key=key,
        subject=title,
        template=TEMPLATES + template,
        context={"organization": organization, **context, "url": settings.SITE_URL.rstrip("/") + path},
    )


# --- a published match ---------------------------------------------------------------------


def _reasons_for(member, partners, mentorship) -> list[str]:
    """The top reasons in the reader's words. The explanation is written to the one mentee of a
    pair ("you want to learn…; they offer…"); everyone else (the mentor, the members of a group
    or circle, whose reasons merge several pairs) reads each criterion's name instead, and never
    the preference bonus: a mentee's "I would like" list is theirs alone."""
    own_words = member.role == ParticipantRole.MENTEE and len(partners) == 1
    reasons = mentorship.reasons or []
    if not own_words:
        reasons = [reason for reason in reasons if reason.get("kind") != "preference"]
    return [reason["text"] if own_words else reason["criterion"] for reason in top_reasons(reasons)]


def send_match_published(member, partners) -> bool:
    """Tell `member` who they are matched with (`partners`, the mentorship's other members) and why."""
    mentorship = member.mentorship
    program, organization = mentorship.program, member.organization
    partner_rows = [
        {"name": p.person.name, "role": ROLE_WORDS.get(p.role, p.role), "email": p.person.email} for p in partners
    ]
    if len(partners) == 1:
        title = f"You're matched with {partners[0].person.name} in {program.name}"
    else:
        title = f"Meet your {program.name} group"
    return _tell(
        organization=organization,
        person=member.person,
        kind=kinds.MATCH_PUBLISHED,
        key=f"match-published:{mentorship.pk}:{member.person_id}",
        title=title,
        body="; ".join(f"{p['name']}, your {p['role']}" for p in partner_rows)
        + ". Say hello and plan your first meeting.",
        path=reverse("programs:detail", args=[organization.slug, program.pk]),
        template="match_published",
        context={
            "person": member.person,
            "role": ROLE_WORDS.get(member.role, member.role),
            "partners": partner_rows,
            "reasons": _reasons_for(member, partners, mentorship),
            "program": program,
            "organization": organization,
            "mentorship": mentorship,
        },
    )


# --- self-match requests -------------------------------------------------------------------


def send_request_news(request) -> bool:
    """The email a request's current state calls for: to the mentor while it waits, to the mentee
    once answered (accepted, declined, or closed because the mentor's places filled up). Nothing
    for a withdrawn request or one closed because the mentee was matched elsewhere. A request
    that moved on before its task ran announces its latest state only."""
    if request.status == RequestStatus.PENDING:
        return _send_request_received(request)
    answered = request.status in (RequestStatus.ACCEPTED, RequestStatus.DECLINED)
    mentor_full = request.status == RequestStatus.CLOSED and request.response_note
    if answered or mentor_full:
        return _send_request_answered(request)
    return False


def _request_context(request, person):
    return {
        "mentor_request": request,
        "program": request.program,
        "organization": request.organization,
        "person": person,
        "mentee_name": request.mentee.person.name,
        "mentor_name": request.mentor.person.name,
    }


def _send_request_received(request) -> bool:
    """To the mentor: a mentee asks them, with the mentee's message."""
    person = request.mentor.person
    return _tell(
        organization=request.organization,
        person=person,
        kind=kinds.MENTOR_REQUEST,
        key=f"mentor-request:{request.pk}:{request.status}:{person.pk}",
        title=f"{request.mentee.person.name} would like you as their mentor",
        body=request.message or f"In {request.program.name}. Accept or decline; if you decline, a kind note helps.",
        path=reverse("matching:my_requests", args=[request.organization.slug, request.mentor_id]),
        template="request_received",
        context=_request_context(request, person),
    )


def _send_request_answered(request) -> bool:
    """To the mentee: accepted, declined, or closed because the mentor's places filled up."""
    accepted = request.status == RequestStatus.ACCEPTED
    person, mentor = request.mentee.person, request.mentor.person.name
    if accepted:
        body = f"{mentor} accepted your request in {request.program.name}."
    else:
        body = "This says nothing about you: choose another of your suggested mentors."
    return _tell(
        organization=request.organization,
        person=person,
        kind=kinds.MENTOR_REQUEST_ANSWER,
        key=f"mentor-request:{request.pk}:{request.status}:{person.pk}",
        title=f"{mentor} is your mentor" if accepted else f"About your request to {mentor}",
        body="\n\n".join(filter(None, [body, request.response_note])),
        path=reverse("matching:my_suggestions", args=[request.organization.slug, request.mentee_id]),
        template="request_accepted" if accepted else "request_declined",
        context=_request_context(request, person),
    )


# --- rematch -------------------------------------------------------------------------------


def send_match_ended(rematch, person) -> bool:
    """To a member who did not ask: neutral, with neither the reason nor who asked."""
    program, organization = rematch.mentorship.program, rematch.organization
    self_match = matching_settings_or_default(program).mode == MatchingMode.SELF_MATCH
    if self_match:
        next_step = "Your programs page shows what is open to you now."
    else:
        next_step = "The program team will find you a new match."
    return _tell(
        organization=organization,
        person=person,
        kind=kinds.MATCH_ENDED,
        key=f"match-ended:{rematch.pk}:{person.pk}",
        title=f"Your match in {program.name} has ended",
        body=f"This happens, and it is nobody's fault. {next_step}",
        path=reverse("programs:my-enrollments", args=[organization.slug]),
        template="rematch_ended",
        context={"program": program, "organization": organization, "person": person, "self_match": self_match},
    )


def send_match_ended_to_team(rematch, user, *, requester, others) -> bool:
    """To a program manager (a user, never a bare directory record): who asked, the
    confidential reason, and what to do next."""
    program, organization = rematch.mentorship.program, rematch.organization
    with_whom = " and ".join(person.name for person in others) or "their group"
    return notify(
        organization=organization,
        user=user,
        kind=kinds.MATCH_ENDED_TEAM,
        key=f"match-ended-team:{rematch.pk}:{user.pk}",
        title=f"A match ended early in {program.name}",
        # The manager's own list, so the reason may be in it: in-app-only managers need it too.
        body="\n\n".join(
            filter(None, [f"{requester.name} asked to end their match with {with_whom}.", rematch.reason])
        ),
        url=reverse("matching:program", args=[organization.slug, program.pk]),
        email_template=TEMPLATES + "rematch_manager",
        email_context={
            "rematch": rematch,
            "program": program,
            "organization": organization,
            "requester": requester,
            "others": others,
        },
    )
