"""Program design: creating and changing programs, their lifecycle, objectives and managers.

Every write here validates before it touches a row and raises django ValidationError naming
each field at fault ("end_date", "mentor_default_capacity", "status", "audience.level_max"),
so a page can put the message beside the field and the API can name it; nothing is changed
when it raises.

The lifecycle (models.ALLOWED_TRANSITIONS) is enforced only by `program_transition`, which
also checks that the program is ready for the step (`selectors.design.program_readiness`)
and records who moved it, when and why.
"""

from collections.abc import Mapping
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from organizations.models import Membership, Person
from surveys.models import Questionnaire
from surveys.services import questionnaire_copy, questionnaire_create_from_spec

from ..audience import validate_audience
from ..catalog import TEMPLATES, get_template
from ..models import (
    ALLOWED_TRANSITIONS,
    GROUP_MODELS,
    QUESTIONNAIRE_FIELDS,
    Objective,
    Program,
    ProgramManager,
    ProgramStatus,
    ProgramStatusChange,
    TrainingModule,
)
from ..selectors.design import program_readiness
from .training import training_module_create

# What a program manager designs. Status changes only through program_transition; the
# template and the cycle a program was copied from are facts of its creation.
PROGRAM_FIELDS = (
    "name",
    "description",
    "model",
    "start_date",
    "end_date",
    "cadence_weeks",
    "meeting_minutes",
    "mentor_default_capacity",
    "group_size_min",
    "group_size_max",
    "ground_rules",
    "confidentiality",
    "handbook",
    "executive_sponsor",
    "audience",
    "requires_training",
    "mentor_questionnaire",
    "mentee_questionnaire",
    "peer_questionnaire",
    "matching_hints",
    "discussion_prompts",
)
# Settings a new cycle inherits; dates move, questionnaires and training are copied as new rows.
CYCLE_FIELDS = tuple(
    f for f in PROGRAM_FIELDS if f not in ("name", "start_date", "end_date", *QUESTIONNAIRE_FIELDS.values())
)
MAX_CAPACITY = 50
GROUP_SIZE_MIN, GROUP_SIZE_MAX = 2, 20
DEFAULT_LEAD_DAYS = 14  # a new draft starts two weeks out: time to recruit


def _raise(errors):
    if errors:
        raise ValidationError({k: v if isinstance(v, list) else [v] for k, v in errors.items()})


def _check_same_org(organization, obj, field):
    if obj is None or obj.organization_id != organization.pk:
        raise ValidationError({field: ["Not found."]})


def _require_open(program):
    if program.status == ProgramStatus.CLOSED:
        raise ValidationError("This program is closed and can no longer be changed. Copy it into a new cycle instead.")


@contextmanager
def _restored_on_error(instance):
    """A refused change leaves the caller's object as it was, not half-assigned.

    The attributes and the cache of related objects are copied as they are, so restoring them
    costs no query (getattr on an unloaded foreign key would fetch it).
    """
    attributes, related = dict(instance.__dict__), dict(instance._state.fields_cache)
    try:
        yield
    except ValidationError:
        instance.__dict__.clear()
        instance.__dict__.update(attributes)
        instance._state.fields_cache = related
        raise


def _as_int(value):
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_date(value):
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def default_start_date(today=None) -> date:
    """The first Monday at least two weeks from today."""
    day = (today or timezone.localdate()) + timedelta(days=DEFAULT_LEAD_DAYS)
    return day + timedelta(days=(7 - day.weekday()) % 7)


# --- programs -----------------------------------------------------------------------------


def _validate_program(*, organization, program, original_model=None):
    """Check the program's (already assigned) fields; ValidationError names each one at fault."""
    errors = {}
    # One line: the name goes into email subjects, where a line break fails the send for good.
    program.name = " ".join(str(program.name or "").split())
    if not program.name:
        errors["name"] = "Give the program a name."

    capacity = _as_int(program.mentor_default_capacity)
    if program.mentor_default_capacity is None:
        errors["mentor_default_capacity"] = "Give how many mentees a mentor takes by default."
    elif capacity is not None and capacity < 0:
        errors["mentor_default_capacity"] = "Capacity cannot be below zero."
    elif capacity is not None and capacity > MAX_CAPACITY:
        errors["mentor_default_capacity"] = f"A mentor can take at most {MAX_CAPACITY} mentees."

    if program.model in GROUP_MODELS:
        low, high = _as_int(program.group_size_min), _as_int(program.group_size_max)
        if program.group_size_min is None:
            errors["group_size_min"] = "Group programs need the smallest group size."
        elif low is not None and low < GROUP_SIZE_MIN:
            errors["group_size_min"] = f"A group needs at least {GROUP_SIZE_MIN} people."
        if program.group_size_max is None:
            errors["group_size_max"] = "Group programs need the largest group size."
        elif high is not None and high > GROUP_SIZE_MAX:
            errors["group_size_max"] = f"Groups of more than {GROUP_SIZE_MAX} stop being conversations."
        elif None not in (low, high) and high < low and "group_size_min" not in errors:
            errors["group_size_max"] = "The largest group size must be at least the smallest."
    else:
        # Sizes mean nothing for pairs; keeping stale ones would mislead matching later.
        program.group_size_min = program.group_size_max = None

    start, end = _as_date(program.start_date), _as_date(program.end_date)
    if start and end and end <= start:
        errors["end_date"] = "The end date must be after the start date."

    if original_model is not None and program.model != original_model and program.status != ProgramStatus.DRAFT:
        errors["model"] = (
            "The mentoring model cannot change once recruiting has started: participants have chosen their roles."
        )

    # Related objects are checked when they were just assigned (so loaded); one that is not
    # loaded comes from the stored row, checked when it was saved.
    def assigned(field):
        return Program._meta.get_field(field).is_cached(program)

    sponsor = program.executive_sponsor if assigned("executive_sponsor") else None
    if sponsor is not None and (not isinstance(sponsor, Person) or sponsor.organization_id != organization.pk):
        errors["executive_sponsor"] = "Choose a person from this organization's directory."
    for field in QUESTIONNAIRE_FIELDS.values():
        questionnaire = getattr(program, field) if assigned(field) else None
        if questionnaire is None:
            continue
        if not isinstance(questionnaire, Questionnaire) or questionnaire.organization_id != organization.pk:
            errors[field] = "Choose one of this organization's questionnaires."
        elif questionnaire.kind != Questionnaire.Kind.INTAKE:
            errors[field] = "Choose an intake questionnaire, not a survey."

    try:
        program.audience = validate_audience(program.audience)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors[key if key == "audience" else f"audience.{key}"] = messages
    for field in ("matching_hints", "discussion_prompts"):
        value = getattr(program, field)
        if value is None:
            setattr(program, field, [])
        elif not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            errors[field] = "Give a list of objects."

    # The model's own rules (lengths, choices, cadence and meeting bounds) for the fields not
    # already reported above, with the same field names.
    try:
        program.full_clean(
            exclude=[
                "organization",
                "created_by",
                "copied_from",
                "executive_sponsor",
                *QUESTIONNAIRE_FIELDS.values(),
                "audience",
                *(key for key in errors if "." not in key),
            ],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, messages)
    _raise(errors)


def _assign(program, data: Mapping):
    unknown = set(data) - set(PROGRAM_FIELDS)
    if unknown:
        _raise(
            {
                name: ("Change the status with a transition." if name == "status" else "This field cannot be set here.")
                for name in sorted(unknown)
            }
        )
    for name, value in data.items():
        setattr(program, name, value)


@transaction.atomic
def program_create(*, organization, actor, data: Mapping, template_key="", copied_from=None) -> Program:
    """A new draft program; its creator (when given) becomes its first program manager."""
    program = Program(organization=organization, created_by=actor, template_key=template_key, copied_from=copied_from)
    _assign(program, data)
    _validate_program(organization=organization, program=program)
    program.save()
    if actor is not None:
        program_manager_add(organization=organization, program=program, user=actor)
    return program


@transaction.atomic
def program_update(*, organization, program: Program, data: Mapping, actor=None) -> Program:
    """Change some of a program's design fields (PROGRAM_FIELDS); the status is left alone."""
    _check_same_org(organization, program, "program")
    _require_open(program)
    original_model = Program.objects.for_org(organization).filter(pk=program.pk).values_list("model", flat=True).first()
    with _restored_on_error(program):
        _assign(program, data)
        _validate_program(organization=organization, program=program, original_model=original_model)
    # Only the design fields: a status changed meanwhile by a transition is not overwritten.
    program.save(update_fields=[*PROGRAM_FIELDS, "updated_at"])
    return program


@transaction.atomic
def program_transition(*, organization, program: Program, to_status, actor, note="", today=None) -> Program:
    """Move the program one step in its lifecycle, if allowed and ready; record who and why."""
    _check_same_org(organization, program, "program")
    note = (note or "").strip()
    max_note = ProgramStatusChange._meta.get_field("note").max_length
    if len(note) > max_note:
        _raise({"note": f"Keep the note under {max_note} characters."})
    if to_status not in ProgramStatus.values:
        _raise({"status": f"Unknown status. Use one of: {', '.join(ProgramStatus.values)}."})
    # The row is locked so two managers clicking at once cannot both move it from the same status.
    locked = Program.objects.select_for_update().for_org(organization).get(pk=program.pk)
    current = ProgramStatus(locked.status)
    target = ProgramStatus(to_status)
    if target == current:
        _raise({"status": f"The program is already {current.label.lower()}."})
    allowed = ALLOWED_TRANSITIONS[current]
    if target not in allowed:
        if allowed:
            options = " or ".join(sorted(s.label.lower() for s in allowed))
            message = f"A {current.label.lower()} program can move to {options}, not to {target.label.lower()}."
        else:
            message = f"A {current.label.lower()} program cannot change status any more."
        _raise({"status": message})
    blocking = [check.message for check in program_readiness(program=locked, to_status=target, today=today)]
    if blocking:
        _raise({"status": blocking})
    locked.status = target
    locked.save(update_fields=["status", "updated_at"])
    ProgramStatusChange.objects.create(
        organization=organization, program=locked, from_status=current, to_status=target, changed_by=actor, note=note
    )
    program.status, program.updated_at = locked.status, locked.updated_at
    return program


def _questionnaire_title(program_name, title):
    limit = Questionnaire._meta.get_field("title").max_length
    return f"{program_name}: {title}"[:limit]


@transaction.atomic
def program_create_from_template(*, organization, template_key, actor, name=None, start_date=None) -> Program:
    """A complete draft from a catalog template: settings, objectives, intake questionnaires for
    every role, training modules, matching hints and discussion prompts, all in one transaction."""
    template = get_template(template_key)
    if template is None:
        _raise({"template": f"Choose one of the templates: {', '.join(TEMPLATES)}."})
    start = _as_date(start_date) if start_date else default_start_date()
    if start is None:
        _raise({"start_date": "Give a date as YYYY-MM-DD."})
    program = program_create(
        organization=organization,
        actor=actor,
        template_key=template.key,
        data={
            "name": (name or "").strip() or template.name,
            "description": template.description,
            "model": template.model,
            "start_date": start,
            "end_date": start + timedelta(weeks=template.duration_weeks),
            "cadence_weeks": template.cadence_weeks,
            "meeting_minutes": template.meeting_minutes,
            "mentor_default_capacity": template.mentor_default_capacity,
            "group_size_min": template.group_size_min,
            "group_size_max": template.group_size_max,
            "ground_rules": template.ground_rules,
            "confidentiality": template.confidentiality,
            "handbook": template.handbook,
            "audience": dict(template.audience),
            "requires_training": template.requires_training,
            "matching_hints": [dict(hint) for hint in template.matching_hints],
            "discussion_prompts": [dict(stage) for stage in template.discussion_prompts],
        },
    )
    for role, spec in template.questionnaires.items():
        questionnaire = questionnaire_create_from_spec(
            organization=organization, spec={**spec, "title": _questionnaire_title(program.name, spec["title"])}
        )
        setattr(program, QUESTIONNAIRE_FIELDS[role], questionnaire)
    program.save(update_fields=[*QUESTIONNAIRE_FIELDS.values(), "updated_at"])
    for order, module in enumerate(template.training):
        training_module_create(
            organization=organization,
            program=program,
            title=module.title,
            content=module.content,
            role=module.role,
            quiz=[dict(item) for item in module.quiz],
            pass_mark=module.pass_mark,
            requires_acknowledgement=module.requires_acknowledgement,
            order=order,
        )
    for order, objective in enumerate(template.objectives):
        objective_create(
            organization=organization,
            program=program,
            data={
                "metric": objective.metric,
                "custom_name": objective.custom_name,
                "unit": objective.unit,
                "baseline": objective.baseline,
                "target": objective.target,
                "deadline": start + timedelta(weeks=objective.deadline_weeks),
                "rationale": objective.rationale,
                "order": order,
            },
        )
    return program


@transaction.atomic
def program_copy_cycle(*, organization, program: Program, actor, name=None, start_date=None) -> Program:
    """A new draft for the next cycle: the same settings, objectives moved with the dates, fresh
    copies of the intake questionnaires and training modules, the same managers; no participants,
    invitations or nominations."""
    _check_same_org(organization, program, "program")
    if start_date:
        start = _as_date(start_date)
        if start is None:
            _raise({"start_date": "Give a date as YYYY-MM-DD."})
    else:
        start = default_start_date()
        if program.end_date and program.end_date + timedelta(days=1) > start:
            start = program.end_date + timedelta(days=1)
    shift = start - program.start_date if program.start_date else timedelta(0)
    end = start + (program.end_date - program.start_date) if program.start_date and program.end_date else None
    copy = program_create(
        organization=organization,
        actor=actor,
        template_key=program.template_key,
        copied_from=program,
        data={
            **{field: getattr(program, field) for field in CYCLE_FIELDS},
            "name": (name or "").strip() or f"{program.name} ({start:%B %Y})",
            "start_date": start,
            "end_date": end,
        },
    )
    copied = {}
    for field in QUESTIONNAIRE_FIELDS.values():
        original = getattr(program, field)
        if original is None:
            continue
        if original.pk not in copied:
            title = original.title
            if title.startswith(f"{program.name}: "):
                title = _questionnaire_title(copy.name, title.removeprefix(f"{program.name}: "))
            copied[original.pk] = questionnaire_copy(organization=organization, questionnaire=original, title=title)
        setattr(copy, field, copied[original.pk])
    copy.save(update_fields=[*QUESTIONNAIRE_FIELDS.values(), "updated_at"])
    for module in TrainingModule.objects.for_org(organization).filter(program=program).order_by("order", "pk"):
        training_module_create(
            organization=organization,
            program=copy,
            title=module.title,
            content=module.content,
            role=module.role,
            quiz=module.quiz,
            pass_mark=module.pass_mark,
            requires_acknowledgement=module.requires_acknowledgement,
            order=module.order,
        )
    for objective in Objective.objects.for_org(organization).filter(program=program).order_by("order", "pk"):
        Objective.objects.create(
            organization=organization,
            program=copy,
            metric=objective.metric,
            custom_name=objective.custom_name,
            unit=objective.unit,
            baseline=objective.baseline,
            target=objective.target,
            deadline=objective.deadline + shift,
            rationale=objective.rationale,
            order=objective.order,
        )
    members = Membership.objects.for_org(organization).values("user_id")
    for link in ProgramManager.objects.for_org(organization).filter(program=program, user_id__in=members):
        program_manager_add(organization=organization, program=copy, user=link.user)
    return copy


# --- objectives ---------------------------------------------------------------------------

OBJECTIVE_FIELDS = ("metric", "custom_name", "unit", "baseline", "target", "deadline", "rationale", "order")
PERCENT_METRICS = {Objective.Metric.RETENTION, Objective.Metric.PROMOTION_RATE, Objective.Metric.GOAL_COMPLETION}
# The values each metric can take, so a target of 250% retention is caught when it is typed.
METRIC_RANGES = {
    **{metric: (Decimal(0), Decimal(100), "a percentage from 0 to 100") for metric in PERCENT_METRICS},
    Objective.Metric.SATISFACTION: (Decimal(1), Decimal(5), "a rating from 1 to 5"),
    Objective.Metric.NPS: (Decimal(-100), Decimal(100), "a score from -100 to 100"),
    Objective.Metric.MEETINGS_PER_PAIR: (Decimal(0), Decimal(31), "a number of meetings a month from 0 to 31"),
}


def _as_decimal(value):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "invalid"
    return number if number.is_finite() else "invalid"


def _validate_objective(*, program, objective):
    errors = {}
    if objective.metric not in Objective.Metric.values:
        errors["metric"] = f"Choose one of: {', '.join(Objective.Metric.values)}."
    objective.custom_name = (objective.custom_name or "").strip()
    objective.unit = (objective.unit or "").strip()
    objective.rationale = (objective.rationale or "").strip()
    if objective.metric == Objective.Metric.CUSTOM:
        if not objective.custom_name:
            errors["custom_name"] = "Name what a custom objective measures."
        if not objective.unit:
            errors["unit"] = "Give the unit a custom objective is measured in, e.g. days or %."
    elif objective.metric in Objective.Metric.values:
        # The built-in metrics carry their own name and unit.
        objective.custom_name = objective.unit = ""

    values = {}
    for field in ("target", "baseline"):
        value = _as_decimal(getattr(objective, field))
        if value == "invalid":
            errors[field] = "Give a number."
        values[field] = value
    if values["target"] is None and "target" not in errors:
        errors["target"] = "Give the target you want to reach: an objective without one cannot be measured."
    bounds = METRIC_RANGES.get(objective.metric)
    if bounds:
        low, high, words = bounds
        for field, value in values.items():
            if isinstance(value, Decimal) and not low <= value <= high and field not in errors:
                errors[field] = f"Give {words}."

    deadline = _as_date(objective.deadline)
    if objective.deadline in (None, ""):
        errors["deadline"] = "Give the date by which the target should be reached."
    elif deadline is None:
        errors["deadline"] = "Give a date as YYYY-MM-DD."
    elif program.start_date and deadline < program.start_date:
        errors["deadline"] = "The deadline is before the program starts."
    if not objective.rationale:
        errors["rationale"] = "Say why this objective matters: reports show it next to the result."

    try:
        objective.full_clean(exclude=["organization", "program", *errors], validate_unique=False)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, messages)
    _raise(errors)


def _assign_objective(objective, data):
    unknown = set(data) - set(OBJECTIVE_FIELDS)
    _raise(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    for name, value in data.items():
        setattr(objective, name, value)


@transaction.atomic
def objective_create(*, organization, program: Program, data: Mapping) -> Objective:
    _check_same_org(organization, program, "program")
    _require_open(program)
    objective = Objective(organization=organization, program=program, custom_name="", unit="", rationale="")
    _assign_objective(objective, data)
    if data.get("order") is None:
        last = Objective.objects.for_org(organization).filter(program=program).aggregate(last=Max("order"))["last"]
        objective.order = 0 if last is None else last + 1
    _validate_objective(program=program, objective=objective)
    objective.save()
    return objective


@transaction.atomic
def objective_update(*, organization, objective: Objective, data: Mapping) -> Objective:
    _check_same_org(organization, objective, "objective")
    _require_open(objective.program)
    with _restored_on_error(objective):
        _assign_objective(objective, data)
        _validate_objective(program=objective.program, objective=objective)
    objective.save()
    return objective


@transaction.atomic
def objective_delete(*, organization, objective: Objective) -> None:
    _check_same_org(organization, objective, "objective")
    _require_open(objective.program)
    objective.delete()


# --- program managers ---------------------------------------------------------------------


@transaction.atomic
def program_manager_add(*, organization, program: Program, user) -> ProgramManager:
    """Make a member of the organization a manager of the program (idempotent)."""
    _check_same_org(organization, program, "program")
    if user is None or not Membership.objects.for_org(organization).filter(user_id=user.pk).exists():
        _raise({"user": "Only members of this organization can manage its programs."})
    manager, _ = ProgramManager.objects.get_or_create(organization=organization, program=program, user=user)
    return manager


@transaction.atomic
def program_manager_remove(*, organization, manager: ProgramManager) -> None:
    """Remove a program manager. Organization admins and owners keep managing every program."""
    _check_same_org(organization, manager, "manager")
    manager.delete()
