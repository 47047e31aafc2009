"""The members' workspace: "what should I do next?" at a glance, on a phone.

The workspace shows the next meeting (in the viewer's own time zone) or a call to schedule one
when the pair is overdue by the program's cadence, a meeting waiting for its log, a check-in
that is due, the open goals with their progress, the latest shared notes, a discussion prompt
that fits the relationship's stage, and the program's ground rules and handbook a click away.
What it shows is read by selectors.workspace.workspace_summary, which the API shares.
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from organizations.permissions import Action
from organizations.scoping import org_view

from ..models import LIVE_STATUSES, Goal, GoalStatus, Meeting, MeetingStatus, MentorshipMember
from ..selectors.workspace import pair_meetings, pair_stage, prompt_bank, workspace_summary
from ..timezones import person_zone
from .access import my_mentorship

# --- pages -------------------------------------------------------------------------------------


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def my_mentorships(request):
    """The member's mentorships, live ones first, each with who and when they next meet."""
    organization = request.organization
    mine = list(
        MentorshipMember.objects.for_org(organization)
        .filter(person__user=request.user)
        .select_related("person", "mentorship__program")
        .order_by("-mentorship__started_on", "-pk")
    )
    ids = [member.mentorship_id for member in mine]
    others, upcoming = {}, {}
    for member in (
        MentorshipMember.objects.for_org(organization)
        .filter(mentorship_id__in=ids)
        .exclude(pk__in=[m.pk for m in mine])
        .select_related("person")
    ):
        others.setdefault(member.mentorship_id, []).append(member.person)
    for meeting in (
        Meeting.objects.for_org(organization)
        .filter(mentorship_id__in=ids, status=MeetingStatus.SCHEDULED, starts_at__gte=timezone.now())
        .order_by("-starts_at")
    ):
        upcoming[meeting.mentorship_id] = meeting  # the earliest wins: the list runs latest first
    zone = person_zone(mine[0].person, fallback=organization.time_zone) if mine else None
    rows = [
        {
            "member": m,
            "mentorship": m.mentorship,
            "others": others.get(m.mentorship_id, []),
            "next": upcoming.get(m.mentorship_id),
        }
        for m in mine
    ]
    rows.sort(key=lambda row: row["mentorship"].status not in LIVE_STATUSES)
    return render(request, "mentorships/mine.html", {"rows": rows, "zone": zone})


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def workspace(request, pk):
    viewer = my_mentorship(request, pk)
    return render(request, "mentorships/workspace.html", workspace_summary(viewer))


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def prompts(request, pk):
    """The program's prompt bank by stage, the stage the relationship is in open first."""
    viewer = my_mentorship(request, pk)
    goals = Goal.objects.for_org(viewer.program.organization_id).filter(mentorship=viewer.mentorship)
    has_goals = goals.exclude(status=GoalStatus.DROPPED).exists()
    stage, _ = pair_stage(viewer, pair_meetings(viewer), has_goals)
    context = {"viewer": viewer, "mentorship": viewer.mentorship, "program": viewer.program, "stage": stage}
    context["bank"] = prompt_bank(viewer.program)
    return render(request, "mentorships/prompts.html", context)


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def handbook(request, pk):
    """The program's ground rules, confidentiality guidelines and handbook, on one page."""
    viewer = my_mentorship(request, pk)
    context = {"viewer": viewer, "mentorship": viewer.mentorship, "program": viewer.program}
    return render(request, "mentorships/handbook.html", context)
