"""The email a published match sends each member: who they are matched with, the main reasons,
and a link to their program page. Only matching/tasks.py calls it, once per claimed send."""

from mentoring.email import absolute_url, send_templated_email
from programs.models import ParticipantRole

from .scoring import top_reasons

ROLE_WORDS = {ParticipantRole.MENTOR: "mentor", ParticipantRole.MENTEE: "mentee", ParticipantRole.PEER: "peer"}


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
        "reasons": _reasons_for(member, partners, mentorship),
        "program": program,
        "organization": organization,
        "mentorship": mentorship,
        "url": absolute_url("programs:detail", organization.slug, program.pk),
    }
    send_templated_email(
        "matching/emails/match_published",
        subject=_subject(member, partners, program),
        to=member.person.email,
        context=context,
    )
