"""The email a published match sends each member: who they are matched with, the main reasons,
and a link to their program page. Only matching/tasks.py calls it, once per claimed send."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from programs.models import ParticipantRole

from .scoring import top_reasons

ROLE_WORDS = {ParticipantRole.MENTOR: "mentor", ParticipantRole.MENTEE: "mentee", ParticipantRole.PEER: "peer"}


def _reasons_for(member, mentorship) -> list[str]:
    """The top reasons in the reader's words. The explanation is written to the mentee ("you
    want to learn…; they offer…"), so mentors and peers read each criterion's name instead."""
    reasons = top_reasons(mentorship.reasons or [])
    if member.role == ParticipantRole.MENTEE:
        return [reason["text"] for reason in reasons]
    return [reason["criterion"] for reason in reasons]


def _subject(member, partners, program) -> str:
    if len(partners) == 1:
        return f"You're matched with {partners[0].person.name} in {program.name}"
    return f"Meet your {program.name} group"


def send_match_published_email(member, partners):
    mentorship = member.mentorship
    program, organization = mentorship.program, member.organization
    context = {
        "person": member.person,
        "role": ROLE_WORDS.get(member.role, member.role),
        "partners": [
            {"name": p.person.name, "role": ROLE_WORDS.get(p.role, p.role), "email": p.person.email} for p in partners
        ],
        "reasons": _reasons_for(member, mentorship),
        "program": program,
        "organization": organization,
        "mentorship": mentorship,
        "url": settings.SITE_URL.rstrip("/") + reverse("programs:detail", args=(organization.slug, program.pk)),
    }
    text = render_to_string("matching/emails/match_published.txt", context)
    html = render_to_string("matching/emails/match_published.html", context)
    message = EmailMultiAlternatives(
        _subject(member, partners, program), text, settings.DEFAULT_FROM_EMAIL, [member.person.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
