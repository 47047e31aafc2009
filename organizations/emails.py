"""Outgoing email for organizations: rendered from templates, sent through Django's backend."""

from mentoring.email import absolute_url, send_templated_email


def send_invitation_email(invitation):
    from .services import invitation_token

    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "url": absolute_url("invitation_accept", invitation_token(invitation)),
    }
    send_templated_email(
        "emails/invitation",
        subject=f"You're invited to {invitation.organization.name} on Tandem",
        to=invitation.email,
        context=context,
    )
