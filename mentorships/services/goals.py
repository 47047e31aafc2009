"""SMART goals, their milestones and comments. Only the mentorship's members write them.

A goal belongs to a mentee (`owner`); in a group or a peer mentorship it may be shared (no
owner). In a one-to-one pair a goal made without an owner is the mentee's. Its target date lies
within the program's dates (when set) and, when it is set or changed, not in the past. Progress
is typed (0–100) or, left empty, derived from the milestones (see selectors.goals).

Goal changes move the pair's health (no goals, overdue goals), so goal_create, goal_update and
goal_set_status/goal_set_progress refresh it; milestones and comments do not change the facts
it reads.
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.utils.formats import date_format

from programs.models import ParticipantRole

from ..models import Goal, GoalComment, GoalStatus, MentorshipMember, Milestone
from ._pair import acting_member, raise_errors, require_live, same_org
from .health import health_refresh, organization_today

GOAL_FIELDS = ("statement", "measure", "target_date", "relevance", "owner")
OWNER_ROLES = (ParticipantRole.MENTEE, ParticipantRole.PEER)
STATEMENT_MAX = Goal._meta.get_field("statement").max_length
MEASURE_MAX = Goal._meta.get_field("measure").max_length
RELEVANCE_MAX = Goal._meta.get_field("relevance").max_length
TITLE_MAX = Milestone._meta.get_field("title").max_length
COMMENT_MAX = GoalComment._meta.get_field("text").max_length
# {field: (what to say when it is empty, "" when it may be; max length)}
TEXTS = {
    "statement": ("what the goal is", STATEMENT_MAX),
    "measure": ("how you will know it is reached", MEASURE_MAX),
    "relevance": ("", RELEVANCE_MAX),
}


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        return None


def _day(value) -> str:
    return date_format(value, "j F Y")


def _date_error(program, value, *, today=None, required=True) -> str | None:
    """Why `value` cannot be a goal's (or milestone's) date, or None. `today` given: it must not
    be in the past either."""
    if value in (None, ""):
        return "Give a target date." if required else None
    day = _as_date(value)
    if day is None:
        return "Give a date as YYYY-MM-DD."
    if today is not None and day < today:
        return "That date has passed: choose today or a later date."
    start, end = program.start_date, program.end_date
    if (start and day < start) or (end and day > end):
        if start and end:
            return f"Choose a date within the program, from {_day(start)} to {_day(end)}."
        return f"Choose a date on or after {_day(start)}." if start else f"Choose a date on or before {_day(end)}."
    return None


def _text_errors(errors, data, fields):
    """Trim the texts of `fields` present in `data` and check them (see TEXTS)."""
    for name, (label, limit) in fields.items():
        if name not in data:
            continue
        value = (data[name] or "").strip()
        data[name] = value
        if not value and label:
            errors[name] = [f"Say {label}."]
        elif len(value) > limit:
            errors[name] = [f"Keep it under {limit:,} characters."]


def _sharable(members) -> bool:
    """A group (more than two members) or peers may share a goal; a one-to-one pair may not."""
    return len(members) > 2 or all(m.role == ParticipantRole.PEER for m in members)


def _owner(organization, mentorship, owner, acting) -> tuple[MentorshipMember | None, str | None]:
    """(the goal's owner, or None for shared; an error)."""
    members = list(MentorshipMember.objects.for_org(organization).filter(mentorship_id=mentorship.pk))
    if owner is not None:
        owner_id = getattr(owner, "pk", owner)
        chosen = next((m for m in members if m.pk == owner_id), None)
        if chosen is None or chosen.role not in OWNER_ROLES:
            return None, "A goal belongs to a mentee of this mentorship."
        return chosen, None
    if _sharable(members):
        return None, None
    if acting.role in OWNER_ROLES:
        return acting, None
    mentees = [m for m in members if m.role in OWNER_ROLES]
    return (mentees[0], None) if mentees else (None, "This mentorship has no mentee to own the goal.")


def _load(organization, goal):
    """The goal's mentorship with its program, for the checks."""
    same_org(organization, goal)
    return Goal.objects.for_org(organization).select_related("mentorship__program").get(pk=goal.pk).mentorship


def _writable(organization, mentorship, person):
    member = acting_member(organization, mentorship, person)
    require_live(mentorship)
    return member


@transaction.atomic
def goal_create(*, organization, mentorship, person, statement, measure, target_date, relevance="", owner=None) -> Goal:
    """A goal set by the member `person`; `owner` (a MentorshipMember) defaults as the module says."""
    member = _writable(organization, mentorship, person)
    today = organization_today(organization)
    data = {"statement": statement, "measure": measure, "relevance": relevance}
    errors = {}
    _text_errors(errors, data, TEXTS)
    date_error = _date_error(mentorship.program, target_date, today=today)
    if date_error:
        errors["target_date"] = [date_error]
    chosen, owner_error = _owner(organization, mentorship, owner, member)
    if owner_error:
        errors["owner"] = [owner_error]
    raise_errors(errors)
    goal = Goal.objects.create(
        organization=organization,
        mentorship=mentorship,
        owner=chosen,
        target_date=_as_date(target_date),
        created_by=member.person,
        **data,
    )
    health_refresh(organization=organization, mentorship_ids=[mentorship.pk], today=today)
    return goal


def _progress(value) -> tuple[int | None, str | None]:
    """(0–100 or None to count milestones; an error)."""
    if value in (None, ""):
        return None, None
    if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) > 100:
        return None, "Give a whole number from 0 to 100, or leave it empty to count milestones."
    return int(value), None


@transaction.atomic
def goal_update(*, organization, goal, person, **changes) -> Goal:
    """Change any of statement, measure, target_date, relevance, owner, status, progress; keys
    left out stay as they are. Achieved stamps the day (achieved_on), another status clears it;
    progress on a goal not started yet starts it."""
    unknown = set(changes) - {*GOAL_FIELDS, "status", "progress"}
    if unknown:
        raise TypeError(f"goal_update() got unexpected fields: {', '.join(sorted(unknown))}")
    mentorship = _load(organization, goal)
    member = _writable(organization, mentorship, person)
    today = organization_today(organization)
    data, errors = dict(changes), {}
    _text_errors(errors, data, TEXTS)
    if "target_date" in data:
        # An overdue goal may keep its date; a new date must not be in the past.
        moved = _as_date(data["target_date"]) != goal.target_date
        date_error = _date_error(mentorship.program, data["target_date"], today=today if moved else None)
        if date_error:
            errors["target_date"] = [date_error]
        data["target_date"] = _as_date(data["target_date"])
    if "owner" in data:
        data["owner"], owner_error = _owner(organization, mentorship, data["owner"], member)
        if owner_error:
            errors["owner"] = [owner_error]
    if "status" in data and data["status"] not in GoalStatus.values:
        errors["status"] = [f"Choose one of: {', '.join(label.lower() for label in GoalStatus.labels)}."]
    if "progress" in data:
        data["progress"], progress_error = _progress(data["progress"])
        if progress_error:
            errors["progress"] = [progress_error]
    raise_errors(errors)
    if data.get("progress") and data.get("status", goal.status) == GoalStatus.NOT_STARTED:
        data["status"] = GoalStatus.IN_PROGRESS
    if "status" in data:
        achieved = data["status"] == GoalStatus.ACHIEVED
        data["achieved_on"] = (goal.achieved_on or today) if achieved else None
    for name, value in data.items():
        setattr(goal, name, value)
    goal.save(update_fields=[*data, "updated_at"])
    health_refresh(organization=organization, mentorship_ids=[mentorship.pk], today=today)
    return goal


def goal_set_status(*, organization, goal, person, status) -> Goal:
    """Not started, in progress, achieved (stamps achieved_on) or dropped."""
    return goal_update(organization=organization, goal=goal, person=person, status=status)


def goal_set_progress(*, organization, goal, person, progress) -> Goal:
    """0–100, or None to derive the progress from the milestones."""
    return goal_update(organization=organization, goal=goal, person=person, progress=progress)


def _mark_started(goal):
    """A milestone done on a goal not started yet means it has started."""
    if goal.status == GoalStatus.NOT_STARTED:
        goal.status = GoalStatus.IN_PROGRESS
        goal.save(update_fields=["status", "updated_at"])


@transaction.atomic
def milestone_add(*, organization, goal, person, title, due_date=None) -> Milestone:
    mentorship = _load(organization, goal)
    _writable(organization, mentorship, person)
    data = {"title": title}
    errors = {}
    _text_errors(errors, data, {"title": ("what the milestone is", TITLE_MAX)})
    date_error = _date_error(mentorship.program, due_date, required=False)
    if date_error:
        errors["due_date"] = [date_error]
    raise_errors(errors)
    last = Milestone.objects.for_org(organization).filter(goal_id=goal.pk).aggregate(last=Max("order"))["last"]
    return Milestone.objects.create(
        organization=organization,
        goal_id=goal.pk,
        title=data["title"],
        due_date=_as_date(due_date) if due_date else None,
        order=0 if last is None else last + 1,
    )


def _milestone_goal(organization, milestone, person):
    same_org(organization, milestone)
    goal = Goal.objects.for_org(organization).select_related("mentorship__program").get(pk=milestone.goal_id)
    _writable(organization, goal.mentorship, person)
    return goal


@transaction.atomic
def milestone_toggle(*, organization, milestone, person, done=None) -> Milestone:
    """Mark it done today, or not done; `done` forces one or the other (else it flips)."""
    goal = _milestone_goal(organization, milestone, person)
    done = milestone.done_on is None if done is None else bool(done)
    milestone.done_on = (milestone.done_on or organization_today(organization)) if done else None
    milestone.save(update_fields=["done_on"])
    if done:
        _mark_started(goal)
    return milestone


@transaction.atomic
def milestone_remove(*, organization, milestone, person) -> None:
    _milestone_goal(organization, milestone, person)
    milestone.delete()


@transaction.atomic
def goal_comment_add(*, organization, goal, person, text) -> GoalComment:
    """Any member may comment (the selectors mark the mentor's comments)."""
    mentorship = _load(organization, goal)
    member = _writable(organization, mentorship, person)
    data = {"text": text}
    errors = {}
    _text_errors(errors, data, {"text": ("something", COMMENT_MAX)})
    raise_errors(errors)
    return GoalComment.objects.create(
        organization=organization, goal_id=goal.pk, author=member.person, text=data["text"]
    )
