"""Reads of the members' workspace: "what should I do next?" for one member of one mentorship.

`workspace_summary` is what both the workspace page and the API's mentorships/<id>/workspace/
show, so the two never disagree: the next meeting (in the viewer's own time zone) or whether one
is overdue by the program's cadence, a meeting waiting for its log, the check-in, the open goals,
the latest shared notes, and a discussion prompt that fits the relationship's stage.
"""

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from programs.catalog.prompts import STAGES, discussion_prompts

from ..models import GoalStatus, Meeting, MeetingStatus, Mentorship, MentorshipMember
from ..timezones import person_zone
from .checkins import checkin_state
from .goals import OPEN_STATUSES, goals_for
from .meetings import next_of
from .resources import resources_in_context

GOAL_SETTING_WEEKS = 6  # after the first meeting, the first weeks are for setting goals
REFLECTION_WEEKS = 4  # the last weeks before the planned end are for looking back
STAGE_TITLES = dict(STAGES)


@dataclass
class Viewer:
    """The signed-in member in one of their mentorships: their row, the others, their time zone.
    Made by views.access.my_mentorship, which has checked the membership."""

    mentorship: Mentorship
    member: MentorshipMember
    others: list
    zone: ZoneInfo

    @property
    def person(self):
        return self.member.person

    @property
    def program(self):
        return self.mentorship.program

    @property
    def today(self):
        """Today on the viewer's own calendar."""
        return timezone.localdate(timezone=self.zone)

    @property
    def read_only(self) -> bool:
        return not self.mentorship.is_live

    @property
    def partner_names(self) -> str:
        """ "Max Mentor", "Ana and Ben", "Ana, Ben and Cy": how the pages name the others."""
        names = [member.person.name for member in self.others]
        if len(names) <= 1:
            return names[0] if names else "your group"
        return f"{', '.join(names[:-1])} and {names[-1]}"


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


def pair_stage(viewer, meetings, has_goals) -> tuple[str, int]:
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


# --- meetings ------------------------------------------------------------------------------------


def pair_meetings(viewer) -> list[Meeting]:
    """Every meeting of the viewer's mentorship, newest first: one query the summary reads all
    its meeting figures from."""
    return list(
        Meeting.objects.for_org(viewer.program.organization_id)
        .filter(mentorship=viewer.mentorship)
        .order_by("-starts_at", "-pk")
    )


def meeting_overdue(mentorship, meetings, now) -> bool:
    """No meeting planned, and none since the program's cadence ran out (or since the start)."""
    if any(m.status == MeetingStatus.SCHEDULED and m.starts_at >= now for m in meetings):
        return False
    happened = [m.starts_at for m in meetings if m.status in (MeetingStatus.HELD, MeetingStatus.SCHEDULED)]
    cadence = timedelta(weeks=mentorship.program.cadence_weeks)
    if happened:
        return max(happened) + cadence < now
    return mentorship.started_on + cadence < now.date()


def others_local_times(viewer, meeting) -> list[tuple]:
    """[(person, zone)] of the other members whose clocks differ from the viewer's at `meeting`."""
    if meeting is None:
        return []
    mine = meeting.starts_at.astimezone(viewer.zone).utcoffset()
    fallback = viewer.program.organization.time_zone
    zones = [(m.person, person_zone(m.person, fallback=fallback)) for m in viewer.others]
    return [(person, zone) for person, zone in zones if meeting.starts_at.astimezone(zone).utcoffset() != mine]


# --- the summary ---------------------------------------------------------------------------------


def workspace_summary(viewer, *, now=None) -> dict:
    """Everything the workspace shows for `viewer` (see the module's note), as a dict the page
    renders and the API serializes. A fixed number of queries, however long the pair's history."""
    mentorship, program = viewer.mentorship, viewer.program
    now = now or timezone.now()
    meetings = pair_meetings(viewer)
    upcoming = next_of(meetings, now=now)  # from the list already loaded: no query of its own
    goals = goals_for(mentorship, today=viewer.today)
    stage, held = pair_stage(viewer, meetings, has_goals=any(g.status != GoalStatus.DROPPED for g in goals))
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
        "others_at_next": others_local_times(viewer, upcoming),
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
