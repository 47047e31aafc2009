"""Outgoing email for organizations: rendered from templates, sent through Django's backend."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse


def send_invitation_email(invitation):
    from .services import invitation_token

    url = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[invitation_token(invitation)])
    context = {"invitation": invitation, "organization": invitation.organization, "url": url}
    subject = f"You're invited to {invitation.organization.name} on Tandem"
    text = render_to_string("emails/invitation.txt", context)
    html = render_to_string("emails/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
