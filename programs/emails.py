"""Outgoing recruitment email: rendered from templates/emails/programs/, sent through Django's backend.

Only the Celery tasks in programs/tasks.py call these, after claiming the row that records
the send, so each email goes out at most once.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import EnrollmentStatus


def _absolute(name, *args):
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _send(template, *, subject, to, context):
    text = render_to_string(f"emails/programs/{template}.txt", context)
    html = render_to_string(f"emails/programs/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_program_invitation_email(invitation):
    program, organization = invitation.program, invitation.organization
    _send(
        "invitation",
        subject=f"You're invited to join {program.name}",
        to=invitation.email,
        context={
            "invitation": invitation,
            "program": program,
            "organization": organization,
            "person": invitation.person,
            "url": _absolute("programs:join", organization.slug, program.pk),
        },
    )


DECISION_SUBJECTS = {
    EnrollmentStatus.APPROVED: "You're in: {program}",
    EnrollmentStatus.WAITLISTED: "You're on the waiting list for {program}",
    EnrollmentStatus.DECLINED: "About your application to {program}",
}


def send_enrollment_decision_email(notification):
    enrollment = notification.enrollment
    program, organization = enrollment.program, enrollment.organization
    _send(
        "decision",
        subject=DECISION_SUBJECTS[notification.status].format(program=program.name),
        to=enrollment.person.email,
        context={
            "enrollment": enrollment,
            "status": notification.status,
            "program": program,
            "organization": organization,
            "person": enrollment.person,
            "url": _absolute("programs:my-enrollments", organization.slug),
        },
    )


def _nominator_name(nomination):
    manager = nomination.nominee.manager
    if manager is not None:
        return manager.name
    return nomination.nominated_by.email if nomination.nominated_by else "Your manager"


def send_nomination_email(nomination):
    program, organization = nomination.program, nomination.organization
    _send(
        "nomination",
        subject=f"You were nominated as a mentor for {program.name}",
        to=nomination.nominee.email,
        context={
            "nomination": nomination,
            "program": program,
            "organization": organization,
            "person": nomination.nominee,
            # The directory's manager is who nominated (the service checks it), by name.
            "nominator_name": _nominator_name(nomination),
            "url": _absolute("programs:nominations", organization.slug),
        },
    )
