"""Participants' matching email: a request to a mentor, its answer, and the end of a match.

Rendered from templates/matching/emails/ (request_*, rematch_*) and sent through Django's
backend. Only the Celery tasks in matching/tasks.py call these, once per claimed send.
The reason someone gave for ending a match appears in the program team's email only.
"""

from mentoring.email import absolute_url, send_templated_email

from .cohort import matching_settings_or_default
from .models import MatchingMode, RequestStatus


def _send(template, *, subject, to, context):
    send_templated_email(f"matching/emails/{template}", subject=subject, to=to, context=context)


def _request_context(request, person, url):
    return {
        "mentor_request": request,
        "program": request.program,
        "organization": request.organization,
        "person": person,
        "mentee_name": request.mentee.person.name,
        "mentor_name": request.mentor.person.name,
        "url": url,
    }


def send_request_received_email(request):
    """To the mentor: a mentee asks them, with the mentee's message."""
    slug = request.organization.slug
    _send(
        "request_received",
        subject=f"{request.mentee.person.name} would like you as their mentor",
        to=request.mentor.person.email,
        context=_request_context(
            request, request.mentor.person, absolute_url("matching:my_requests", slug, request.mentor_id)
        ),
    )


def send_request_answered_email(request):
    """To the mentee: accepted, declined, or closed because the mentor's places filled up."""
    accepted = request.status == RequestStatus.ACCEPTED
    slug = request.organization.slug
    mentor = request.mentor.person.name
    _send(
        "request_accepted" if accepted else "request_declined",
        subject=f"{mentor} is your mentor" if accepted else f"About your request to {mentor}",
        to=request.mentee.person.email,
        context=_request_context(
            request, request.mentee.person, absolute_url("matching:my_suggestions", slug, request.mentee_id)
        ),
    )


def send_match_ended_email(rematch, person):
    """To a member who did not ask: neutral, with neither the reason nor who asked."""
    program, organization = rematch.mentorship.program, rematch.organization
    _send(
        "rematch_ended",
        subject=f"Your match in {program.name} has ended",
        to=person.email,
        context={
            "program": program,
            "organization": organization,
            "person": person,
            "self_match": matching_settings_or_default(program).mode == MatchingMode.SELF_MATCH,
            "url": absolute_url("programs:my-enrollments", organization.slug),
        },
    )


def send_rematch_manager_email(rematch, *, to, requester, others):
    """To a program manager: who asked, the confidential reason, and what to do next."""
    program, organization = rematch.mentorship.program, rematch.organization
    _send(
        "rematch_manager",
        subject=f"A match ended early in {program.name}",
        to=to,
        context={
            "rematch": rematch,
            "program": program,
            "organization": organization,
            "requester": requester,
            "others": others,
            "url": absolute_url("matching:program", organization.slug, program.pk),
        },
    )
