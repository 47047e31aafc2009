"""What "Your programs" shows about matching, per enrollment, in a fixed number of queries.

`{% matching_for_enrollments enrollments %}` sets `enrollment.matching` on each enrollment of the
list (a dict the row's links read: matching/participant/_enrollment_links.html). It lives here,
not in the programs view, because programs come earlier in the data flow than matching.
"""

from django import template

from mentorships.models import LIVE_STATUSES, MentorshipMember
from programs.models import EnrollmentStatus, ParticipantRole, ProgramStatus

from ..models import MatchingMode, MatchingSettings, MentorRequest, RequestStatus

register = template.Library()

# Enrollments still in play (programs.services.recruitment.OPEN_STATUSES) may keep their lists.
LIST_STATUSES = (EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED)


@register.simple_tag
def matching_for_enrollments(enrollments):
    enrollments = list(enrollments)
    if not enrollments:
        return ""
    org_id = enrollments[0].organization_id
    ids = [e.pk for e in enrollments]
    self_match = set(
        MatchingSettings.objects.for_org(org_id)
        .filter(program_id__in={e.program_id for e in enrollments}, mode=MatchingMode.SELF_MATCH)
        .values_list("program_id", flat=True)
    )
    live = _live_matches(org_id, ids)
    waiting = set(
        MentorRequest.objects.for_org(org_id)
        .filter(mentor_id__in=ids, status=RequestStatus.PENDING)
        .values_list("mentor_id", flat=True)
    )
    for enrollment in enrollments:
        enrollment.matching = _summary(enrollment, enrollment.program_id in self_match, live, waiting)
    return ""


def _live_matches(org_id, enrollment_ids):
    """{enrollment id: [(mentorship id, [the other members' names]), …]} for live mentorships."""
    members = (
        MentorshipMember.objects.for_org(org_id)
        .filter(
            mentorship__status__in=LIVE_STATUSES,
            mentorship__members__enrollment_id__in=enrollment_ids,
        )
        .values_list("mentorship_id", "enrollment_id", "person__name", "mentorship__members__enrollment_id")
        .order_by("mentorship_id", "person__name")
    )
    matches = {}
    for mentorship_id, member_enrollment_id, name, mine in members:
        names = matches.setdefault(mine, {}).setdefault(mentorship_id, [])
        if member_enrollment_id != mine:
            names.append(name)
    return {mine: list(by_mentorship.items()) for mine, by_mentorship in matches.items()}


def _summary(enrollment, self_match, live, waiting):
    open_program = enrollment.program.status in (ProgramStatus.RECRUITING, ProgramStatus.MATCHING, ProgramStatus.ACTIVE)
    approved = enrollment.status == EnrollmentStatus.APPROVED and open_program
    matches = live.get(enrollment.pk, [])
    return {
        "matches": matches,
        "find_mentor": approved and self_match and enrollment.role == ParticipantRole.MENTEE and not matches,
        "requests": approved and enrollment.role == ParticipantRole.MENTOR and (self_match or enrollment.pk in waiting),
        "requests_waiting": enrollment.pk in waiting,
        "preferences": open_program and enrollment.status in LIST_STATUSES,
    }


@register.filter
def match_score(score):
    """A score on the 0–100 scale people read: the preference bonus can push a pair past 100."""
    try:
        return round(min(max(float(score), 0.0), 100.0))
    except (TypeError, ValueError):
        return 0
