"""Outgoing recruitment email: rendered from templates/emails/programs/, sent through Django's backend.

Only the Celery tasks in programs/tasks.py call these, after claiming the row that records
the send, so each email goes out at most once.
"""

from mentoring.email import absolute_url, send_templated_email

from .models import EnrollmentStatus


def _send(template, *, subject, to, context):
    send_templated_email(f"emails/programs/{template}", subject=subject, to=to, context=context)


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
            "url": absolute_url("programs:join", organization.slug, program.pk),
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
            "url": absolute_url("programs:my-enrollments", organization.slug),
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
            "url": absolute_url("programs:nominations", organization.slug),
        },
    )
