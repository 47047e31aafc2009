"""Celery tasks for programs: recruitment email and the daily withdrawal of people who left.

Every email has a row that records its send (ProgramInvitation, Nomination,
EnrollmentNotification). A task claims the row with a compare-and-set on `sending_at` before
sending and stamps `sent_at` after, so a retried or redelivered task never sends twice. A
transient mail failure releases the claim and the task retries with backoff; a worker killed
between claim and send leaves the row claimed and unsent (visible in the invitation counts)
rather than risking a second email.
"""

import smtplib

from celery import shared_task
from django.utils import timezone

from organizations.models import Organization

from . import emails
from .models import EnrollmentNotification, Nomination, ProgramInvitation
from .services.recruitment import enrollments_withdraw_departed

TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 600,  # well under the broker's one-hour visibility timeout
    "max_retries": 5,
}


def _claim(queryset, pk) -> bool:
    return queryset.filter(pk=pk, sending_at__isnull=True, sent_at__isnull=True).update(sending_at=timezone.now()) == 1


def _send_claimed(queryset, pk, send):
    """Claim row `pk`, send it, stamp it; True when this call sent the email."""
    if not _claim(queryset, pk):
        return False
    row = queryset.get(pk=pk)
    try:
        sent = send(row)
    except TRANSIENT_ERRORS:
        queryset.filter(pk=pk, sent_at__isnull=True).update(sending_at=None)
        raise
    if sent is False:
        return False
    queryset.filter(pk=pk).update(sent_at=timezone.now())
    return True


@shared_task(**RETRY)
def send_program_invitations_task(organization_id, invitation_ids):
    """Email each program invitation not sent yet; returns how many this run sent."""
    invitations = ProgramInvitation.objects.for_org(organization_id).select_related("organization", "program", "person")
    return sum(_send_claimed(invitations, pk, emails.send_program_invitation_email) for pk in invitation_ids)


def _send_decision(notification):
    enrollment = notification.enrollment
    # A decision changed again before its email left (approved, then declined a minute later)
    # is superseded: only the latest one is worth telling.
    if enrollment.status != notification.status or not enrollment.person.email:
        return False
    emails.send_enrollment_decision_email(notification)
    return True


@shared_task(**RETRY)
def send_enrollment_decisions_task(organization_id, notification_ids):
    """Email each applicant the decision on their application, once per decision."""
    notifications = EnrollmentNotification.objects.for_org(organization_id).select_related(
        "organization", "enrollment__program", "enrollment__person", "enrollment__organization"
    )
    return sum(_send_claimed(notifications, pk, _send_decision) for pk in notification_ids)


def _send_nomination(nomination):
    if nomination.status != Nomination.Status.PENDING or not nomination.nominee.email:
        return False
    emails.send_nomination_email(nomination)
    return True


@shared_task(**RETRY)
def send_nomination_email_task(organization_id, nomination_id):
    """Tell a nominee their manager nominated them, once."""
    nominations = Nomination.objects.for_org(organization_id).select_related(
        "organization", "program", "nominee__manager", "nominated_by"
    )
    return _send_claimed(nominations, nomination_id, _send_nomination)


@shared_task
def withdraw_departed_task(organization_id=None):
    """Daily (beat): withdraw people whose exit date has passed from open programs.

    Beat calls it without an organization; it then enqueues one run per organization, so
    each run touches one tenant and a failure in one does not stop the others.
    """
    if organization_id is None:
        for org_id in Organization.objects.values_list("pk", flat=True).order_by("pk"):
            withdraw_departed_task.delay(org_id)
        return None
    return enrollments_withdraw_departed(organization=organization_id)
