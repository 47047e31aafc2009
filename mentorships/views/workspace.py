"""The members' workspace: "what should I do next?" at a glance, on a phone.

The workspace shows the next meeting (in the viewer's own time zone) or a call to schedule one
when the pair is overdue by the program's cadence, a meeting waiting for its log, a check-in
that is due, the open goals with their progress, the latest shared notes, a discussion prompt
that fits the relationship's stage, and the program's ground rules and handbook a click away.
"""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from organizations.permissions import Action
from organizations.scoping import org_view
from programs.catalog.prompts import STAGES, discussion_prompts

from ..models import LIVE_STATUSES, Goal, GoalStatus, Meeting, MeetingStatus, MentorshipMember
from ..selectors.goals import OPEN_STATUSES, goals_for
from ..selectors.meetings import next_meeting
from ..selectors.resources import resources_in_context
from .access import my_mentorship, zone_of
from .checkins import checkin_state

GOAL_SETTING_WEEKS = 6  # after the first meeting, the first weeks are for setting goals
REFLECTION_WEEKS = 4  # the last weeks before the planned end are for looking back
STAGE_TITLES = dict(STAGES)


# --- the relationship's stage and its prompts ----------------------------------------------------


def prompt_bank(program) -> list[dict]:
    """The program's prompts by stage, [{"stage", "title", "prompts"}, …] in the arc's order.

    Programs made from a template carry their own; any other program gets the shared bank."""
    stored = program.discussion_prompts or []
    if isinstance(stored, dict):  # {"stage": [prompts]}, as the API may write it
        stored = [{"stage": stage, "prompts": prompts} for stage, prompts in stored.items()]
    by_stage = {entry.get("stage"): entry for entry in stored if isinstance(entry, dict) and entry.get("prompts")}
    if not by_stage:
        return list(discussion_prompts())
    order = [key for key, _ in STAGES] + sorted(set(by_stage) - set(STAGE_TITLES))
    return [
        {
            "stage": key,
            "title": by_stage[key].get("title") or STAGE_TITLES.get(key, key.replace("_", " ").capitalize()),
            "prompts": list(by_stage[key]["prompts"]),
        }
        for key in order
        if key in by_stage
    ]


def stage_of(*, held_meetings, has_goals, started_on, planned_end_on, today) -> str:
    """Where the relationship stands: before the first meeting, setting goals, in its stride
    (career talk and feedback in turn), or near the end."""
    if held_meetings == 0:
        return "first_meeting"
    if planned_end_on and (planned_end_on - today).days <= REFLECTION_WEEKS * 7:
        return "reflection"
    if not has_goals or (today - started_on).days < GOAL_SETTING_WEEKS * 7:
        return "goal_setting"
    return "career" if held_meetings % 2 else "feedback"


def suggested_prompt(bank, stage, turn):
    """(stage entry, prompt): the stage's prompts in turn, one more each meeting held."""
    entry = next((e for e in bank if e["stage"] == stage), None) or (bank[0] if bank else None)
    if entry is None:
        return None, ""
    return entry, entry["prompts"][turn % len(entry["prompts"])]


# --- what the workspace reads ------------------------------------------------------------------


def meeting_overdue(mentorship, meetings, now) -> bool:
    """No meeting planned, and none since the program's cadence ran out (or since the start)."""
    if any(m.status == MeetingStatus.SCHEDULED and m.starts_at >= now for m in meetings):
        return False
    happened = [m.starts_at for m in meetings if m.status in (MeetingStatus.HELD, MeetingStatus.SCHEDULED)]
    cadence = timedelta(weeks=mentorship.program.cadence_weeks)
    if happened:
        return max(happened) + cadence < now
    return mentorship.started_on + cadence < now.date()


def _stage(viewer, meetings, has_goals):
    """(stage, number of meetings held): the stage from the viewer's calendar day."""
    held = sum(1 for m in meetings if m.status == MeetingStatus.HELD)
    mentorship = viewer.mentorship
    stage = stage_of(
        held_meetings=held,
        has_goals=has_goals,
        started_on=mentorship.started_on,
        planned_end_on=mentorship.planned_end_on,
        today=viewer.today,
    )
    return stage, held


def _meetings(viewer):
    return list(
        Meeting.objects.for_org(viewer.program.organization_id)
        .filter(mentorship=viewer.mentorship)
        .order_by("-starts_at", "-pk")
    )


def _workspace_context(viewer):
    mentorship, program = viewer.mentorship, viewer.program
    now = timezone.now()
    meetings = _meetings(viewer)
    upcoming = next_meeting(mentorship, now=now)
    goals = goals_for(mentorship, today=viewer.today)
    stage, held = _stage(viewer, meetings, has_goals=any(g.status != GoalStatus.DROPPED for g in goals))
    prompt_stage, prompt = suggested_prompt(prompt_bank(program), stage, held)
    to_log = [m for m in meetings if m.status == MeetingStatus.SCHEDULED and m != upcoming and m.starts_at < now]
    return {
        "viewer": viewer,
        "mentorship": mentorship,
        "program": program,
        "zone": viewer.zone,
        "now": now,
        "next_meeting": upcoming,
        "next_ends_at": upcoming.starts_at + timedelta(minutes=upcoming.duration_minutes) if upcoming else None,
        "others_at_next": _others_local_times(viewer, upcoming),
        "to_log": to_log[0] if to_log else None,
        "overdue": not viewer.read_only and meeting_overdue(mentorship, meetings, now),
        "checkin": checkin_state(viewer),
        "goals": [goal for goal in goals if goal.status in OPEN_STATUSES],
        "latest_notes": [m for m in meetings if m.status == MeetingStatus.HELD and m.shared_notes][:2],
        "recent_meetings": [m for m in meetings if m != upcoming][:5],
        "stage": stage,
        "prompt_stage": prompt_stage,
        "prompt": prompt,
        "first_meeting": stage == "first_meeting",
        "first_meeting_resources": resources_in_context(program, "first_meeting") if stage == "first_meeting" else [],
        "meeting_resources": resources_in_context(program, "meetings"),
        "goal_resources": resources_in_context(program, "goals"),
    }


def _others_local_times(viewer, meeting):
    """[(person, zone)] of the other members whose clocks differ from the viewer's at `meeting`."""
    if meeting is None:
        return []
    mine = meeting.starts_at.astimezone(viewer.zone).utcoffset()
    zones = [(m.person, zone_of(m.person, viewer.program.organization)) for m in viewer.others]
    return [(person, zone) for person, zone in zones if meeting.starts_at.astimezone(zone).utcoffset() != mine]


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
    zone = zone_of(mine[0].person, organization) if mine else None
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
    return render(request, "mentorships/workspace.html", _workspace_context(viewer))


@org_view(Action.PROGRAMS_VIEW)
@require_safe
def prompts(request, pk):
    """The program's prompt bank by stage, the stage the relationship is in open first."""
    viewer = my_mentorship(request, pk)
    goals = Goal.objects.for_org(viewer.program.organization_id).filter(mentorship=viewer.mentorship)
    has_goals = goals.exclude(status=GoalStatus.DROPPED).exists()
    stage, _ = _stage(viewer, _meetings(viewer), has_goals)
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
