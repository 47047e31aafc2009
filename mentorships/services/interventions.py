"""What a program manager does about a pair: a one-click nudge (each member gets a friendly
email) or a note for the record. Either one also answers an open help flag (see health.py).

The note stays with the program team: members see the nudge, never the note.

A pair is nudged at most once in NUDGE_INTERVAL: a double click, two managers at once or a
script must not fill the members' inboxes. intervention_nudge locks the mentorship's row before
it looks for a recent nudge, so two requests at once are decided one after the other; the send
log's key carries the nudge's day as well, so even a second nudge that got recorded (SQLite,
which has no row locks) emails nobody twice that day.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from organizations.models import Membership, Person
from organizations.notify import notify
from organizations.permissions import can_manage_program

from ..models import Intervention, Mentorship, MentorshipMember
from ..notification_kinds import NUDGE
from ..timezones import zone
from ._pair import raise_errors, same_org
from .health import health_refresh

NOTE_MAX = Intervention._meta.get_field("note").max_length
NOT_A_MANAGER = "Only this program's managers and organization admins can do this."
NUDGE_INTERVAL = timedelta(hours=24)


def _managed(organization, mentorship, user, *, lock=False) -> Mentorship:
    same_org(organization, mentorship)
    pairs = Mentorship.objects.for_org(organization).select_related("program")
    if lock:
        pairs = pairs.select_for_update(of=("self",))  # the pair's row only, not its program's
    mentorship = pairs.get(pk=mentorship.pk)
    membership = Membership.objects.for_org(organization).filter(user_id=getattr(user, "pk", None)).first()
    if not can_manage_program(membership, mentorship.program):
        raise PermissionDenied(NOT_A_MANAGER)
    return mentorship


def _record(organization, mentorship, user, kind, note) -> Intervention:
    intervention = Intervention.objects.create(
        organization=organization, mentorship=mentorship, kind=kind, note=note, by=user
    )
    health_refresh(organization=organization, mentorship_ids=[mentorship.pk])
    return intervention


def _nudged_recently(organization, mentorship, now) -> str | None:
    """Why the pair may not be nudged again yet (when the last nudge went), else None."""
    last = (
        Intervention.objects.for_org(organization)
        .filter(mentorship_id=mentorship.pk, kind=Intervention.Kind.NUDGE, created_at__gt=now - NUDGE_INTERVAL)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None:
        return None
    tz = zone(organization.time_zone)  # the organization's clock, as the program pages read times
    sent = date_format(timezone.localtime(last, tz), "j M, H:i")
    again = date_format(timezone.localtime(last + NUDGE_INTERVAL, tz), "j M, H:i")
    return (
        f"This pair was already nudged on {sent}, and a pair gets one nudge in 24 hours: the next can go "
        f"from {again}. Meanwhile, a note keeps a record of anything else you do."
    )


@transaction.atomic
def intervention_nudge(*, organization, mentorship, user, note="") -> Intervention:
    """Record a nudge and email every member after commit (notification kind "nudge"); refused
    (under "mentorship") when the pair was nudged less than NUDGE_INTERVAL ago."""
    mentorship = _managed(organization, mentorship, user, lock=True)
    note = (note or "").strip()
    errors = {}
    if not mentorship.is_live:
        errors["mentorship"] = ["This mentorship has ended: there is nobody to nudge."]
    elif recently := _nudged_recently(organization, mentorship, timezone.now()):
        errors["mentorship"] = [recently]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Keep the note under {NOTE_MAX:,} characters."]
    raise_errors(errors)
    intervention = _record(organization, mentorship, user, Intervention.Kind.NUDGE, note)
    from ..tasks import send_nudge_task

    org_id, intervention_id = organization.pk, intervention.pk
    transaction.on_commit(lambda: send_nudge_task.delay(org_id, intervention_id))
    return intervention


@transaction.atomic
def intervention_note(*, organization, mentorship, user, note) -> Intervention:
    """A note for the program team's record: what was done, what was agreed."""
    mentorship = _managed(organization, mentorship, user)
    note = (note or "").strip()
    if not note:
        raise_errors({"note": ["Write the note."]})
    if len(note) > NOTE_MAX:
        raise_errors({"note": [f"Keep the note under {NOTE_MAX:,} characters."]})
    return _record(organization, mentorship, user, Intervention.Kind.NOTE, note)


def _name_of(organization, user) -> str:
    """How members know the program manager: their directory name, else their email."""
    if user is None:
        return "Your program manager"
    name = Person.objects.for_org(organization).filter(user_id=user.pk).values_list("name", flat=True).first()
    return name or user.email


def _nudge_text(member, others, program, manager_name) -> tuple[str, str]:
    with_whom = " and ".join(other.person.name for other in others) or "your group"
    title = f"How is your mentorship with {with_whom} going?"
    body = (
        f"Hello {member.person.name},\n\n"
        f"{manager_name} from the {program.name} team is checking in on your mentorship with {with_whom}. "
        "If it has been a while since you last met, now is a good moment to book the next meeting; "
        f"if something is in the way, tell {manager_name} or ask for help in your next check-in.\n\n"
        "Small, regular conversations are what make mentoring work. Thank you for being part of it!"
    )
    return title, body


def nudge_send(*, organization, intervention) -> int:
    """Email each member with an account the nudge, once per member (the send log's key);
    returns how many were sent now. Called after commit by tasks.send_nudge_task."""
    mentorship = intervention.mentorship
    members = list(
        MentorshipMember.objects.for_org(organization)
        .filter(mentorship_id=mentorship.pk)
        .select_related("person__user")
        .order_by("pk")
    )
    manager_name = _name_of(organization, intervention.by)
    url = reverse("mentorships:workspace", args=[organization.slug, mentorship.pk])
    sent = 0
    for member in members:
        user = member.person.user
        if user is None:
            continue  # nobody to email: the person never signed in, so has no workspace either
        title, body = _nudge_text(member, [m for m in members if m.pk != member.pk], mentorship.program, manager_name)
        sent += notify(
            organization=organization,
            user=user,
            kind=NUDGE,
            # Per pair and day, not per nudge: see the module's note. The nudge's own day keeps a
            # redelivered task on the same key.
            key=f"nudge:{mentorship.pk}:{intervention.created_at:%Y-%m-%d}:{user.pk}",
            title=title,
            body=body,
            url=url,
        )
    return sent
