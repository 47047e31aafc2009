"""Rematch: a member ends their match without blame, and the freed people go back to the pool.

The match ends today. The reason is confidential: it is kept on the RematchRequest and the
mentorship's `end_reason` for the program team, and goes into their email only; the other
members hear that the match ended, not why nor who asked. Nothing else is needed to free the
people: the pool is approved enrollments without a live mentorship, and the cohort forbids
any pair that shared a mentorship before, so an incremental run matches them anew and
never with each other.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mentorships.models import Mentorship, MentorshipMember, MentorshipStatus

from ..access import require_own_enrollment
from ..models import RematchRequest
from ._common import raise_errors, same_org
from .self_match import NOTE_MAX, refresh_after_commit

NOT_A_MEMBER = "Only a member of this match can ask to end it."


@transaction.atomic
def rematch_request(*, organization, mentorship, enrollment, reason="", user) -> RematchRequest:
    """End `mentorship` early at the request of its member `enrollment` (whose person is `user`).

    A group ends as a whole: its members are freed together (a member cannot leave a group
    alone in the current model).
    """
    same_org(organization, mentorship, enrollment)
    require_own_enrollment(user, enrollment, NOT_A_MEMBER)
    # Locked: two members asking at the same moment end it once.
    mentorship = (
        Mentorship.objects.for_org(organization)
        .select_related("program")
        .select_for_update(of=("self",))
        .get(pk=mentorship.pk)
    )
    if not MentorshipMember.objects.for_org(organization).filter(mentorship=mentorship, enrollment=enrollment).exists():
        raise PermissionDenied(NOT_A_MEMBER)
    reason = (reason or "").strip()
    errors = {}
    if not mentorship.is_live:
        errors["mentorship"] = [f"This match is no longer running ({mentorship.get_status_display().lower()})."]
    if len(reason) > NOTE_MAX:
        errors["reason"] = [f"Keep the reason under {NOTE_MAX:,} characters."]
    raise_errors(errors)

    mentorship.status = MentorshipStatus.ENDED_EARLY
    mentorship.ended_on = timezone.localdate()
    mentorship.end_reason = reason
    mentorship.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    rematch = RematchRequest.objects.create(
        organization=organization, mentorship=mentorship, requested_by=enrollment, reason=reason
    )
    from ..tasks import send_rematch_emails_task

    org_id, rematch_id = organization.pk, rematch.pk
    transaction.on_commit(lambda: send_rematch_emails_task.delay(org_id, rematch_id))
    # In a self-match program the freed mentee chooses again from fresh suggestions.
    refresh_after_commit(organization, mentorship.program)
    return rematch
