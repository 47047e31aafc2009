"""A program's matching criteria and settings, and criteria suggested by its template's hints.

A criterion compares intake answers (a mentee question with a mentor question; for peers the
same peer question on both sides) or a directory field. Its kind must suit what it compares:
an overlap needs lists of choices, a gap needs numbers; anything else is refused with the
field at fault named, and nothing is saved.
"""

from django.db import transaction
from django.db.models import Max

from programs.models import PEER_MODELS, ProgramStatus
from surveys.models import Choice, Question

from ..models import CriterionKind, DirectoryAttribute, MatchingCriterion, MatchingMode, MatchingSettings
from ._common import finite_number, raise_errors, same_org

Type = Question.Type
# What each kind can compare: question types, and directory attributes.
KIND_QUESTION_TYPES = {
    CriterionKind.OVERLAP: {Type.MULTIPLE_CHOICE, Type.SINGLE_CHOICE},
    CriterionKind.SAME: {Type.SINGLE_CHOICE, Type.SHORT_TEXT, Type.SCALE},
    CriterionKind.DIFFERENT: {Type.SINGLE_CHOICE, Type.SHORT_TEXT, Type.SCALE},
    CriterionKind.GAP: {Type.NUMBER, Type.SCALE},
}
KIND_ATTRIBUTES = {
    CriterionKind.OVERLAP: {DirectoryAttribute.LANGUAGES},
    CriterionKind.SAME: {
        DirectoryAttribute.DEPARTMENT,
        DirectoryAttribute.TEAM,
        DirectoryAttribute.LOCATION,
        DirectoryAttribute.TIME_ZONE,
    },
    CriterionKind.GAP: {DirectoryAttribute.LEVEL, DirectoryAttribute.TENURE_YEARS},
}
KIND_ATTRIBUTES[CriterionKind.DIFFERENT] = KIND_ATTRIBUTES[CriterionKind.SAME]
CRITERION_FIELDS = (
    "label",
    "kind",
    "weight",
    "mentee_question",
    "mentor_question",
    "attribute",
    "required",
    "reciprocal",
    "gap_target",
    "gap_tolerance",
    "gap_hard_min",
    "gap_hard_max",
    "order",
)
GAP_FIELDS = ("gap_target", "gap_tolerance", "gap_hard_min", "gap_hard_max")
SETTINGS_FIELDS = (
    "mode",
    "min_score",
    "exclude_reporting_line",
    "exclude_previous_pairs",
    "preference_bonus",
    "suggestions_shown",
    "max_pending_requests",
)
MAX_WEIGHT = 100.0


def _check_program(organization, program):
    same_org(organization, program)
    if program.status == ProgramStatus.CLOSED:
        raise_errors({"program": "The program is closed: its matching can no longer change."})


def _unknown_fields(fields, allowed):
    unknown = sorted(set(fields) - set(allowed))
    return dict.fromkeys(unknown, "Not a field you can set here.")


# --- settings -----------------------------------------------------------------------------


def matching_settings_for(program) -> MatchingSettings:
    """The program's matching settings, made with the defaults on first use."""
    found, _ = MatchingSettings.objects.for_org(program.organization_id).get_or_create(
        program=program, defaults={"organization_id": program.organization_id}
    )
    return found


@transaction.atomic
def matching_settings_update(*, organization, program, user=None, **fields) -> MatchingSettings:
    """Change the hard rules and options; every value is checked before anything is saved."""
    _check_program(organization, program)
    errors = _unknown_fields(fields, SETTINGS_FIELDS)
    clean = {}
    if "mode" in fields:
        if fields["mode"] not in MatchingMode.values:
            errors["mode"] = f"Choose one of: {', '.join(MatchingMode.values)}."
        clean["mode"] = fields["mode"]
    for name, low, high, allow_none in (("min_score", 0, 100, True), ("preference_bonus", 0, 100, False)):
        if name in fields:
            clean[name], message = finite_number(fields[name], low=low, high=high, allow_none=allow_none)
            if message:
                errors[name] = message
    for name, low, high in (("suggestions_shown", 1, 20), ("max_pending_requests", 1, 10)):
        if name in fields:
            value = fields[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors[name] = f"Enter a whole number from {low} to {high}."
            clean[name] = value
    for name in ("exclude_reporting_line", "exclude_previous_pairs"):
        if name in fields:
            clean[name] = bool(fields[name])
    raise_errors(errors)
    settings = matching_settings_for(program)
    for name, value in clean.items():
        setattr(settings, name, value)
    settings.save()
    from .self_match import refresh_after_commit  # self-match builds on these settings

    refresh_after_commit(organization, program)
    return settings


# --- criteria -----------------------------------------------------------------------------


def _is_peer(program):
    return program.model in PEER_MODELS


def _questionnaire_ids(program):
    """(mentee side, mentor side) questionnaire ids: peers answer the same one on both sides."""
    if _is_peer(program):
        return program.peer_questionnaire_id, program.peer_questionnaire_id
    return program.mentee_questionnaire_id, program.mentor_questionnaire_id


def _validate_criterion(program, criterion) -> dict:
    """Errors by field for a criterion about to be saved (its fields already assigned)."""
    errors = {}
    criterion.label = (criterion.label or "").strip()
    if not criterion.label:
        errors["label"] = "Say in plain words what this criterion means."
    elif len(criterion.label) > 200:
        errors["label"] = "Keep it under 200 characters."
    kind = criterion.kind
    if kind not in CriterionKind.values:
        errors["kind"] = f"Choose one of: {', '.join(CriterionKind.values)}."
        return errors
    criterion.weight, message = finite_number(criterion.weight, low=0, high=MAX_WEIGHT)
    if message:
        errors["weight"] = message
    errors.update(_validate_sources(program, criterion))
    if criterion.reciprocal and not (kind == CriterionKind.OVERLAP and _is_peer(program)):
        errors["reciprocal"] = "Only an overlap in a peer program counts both ways."
    if kind == CriterionKind.GAP:
        errors.update(_validate_gap(criterion))
    else:
        criterion.gap_target = criterion.gap_hard_min = criterion.gap_hard_max = None
        criterion.gap_tolerance = 0.0
    return errors


def _validate_sources(program, criterion) -> dict:
    kind, attribute = criterion.kind, criterion.attribute or ""
    mentee_q, mentor_q = criterion.mentee_question, criterion.mentor_question
    criterion.attribute = attribute
    if attribute:
        if mentee_q is not None or mentor_q is not None:
            return {"attribute": "Use either intake questions or a directory field, not both."}
        if attribute not in KIND_ATTRIBUTES[kind]:
            names = ", ".join(sorted(DirectoryAttribute(a).label.lower() for a in KIND_ATTRIBUTES[kind]))
            return {"attribute": f"A “{CriterionKind(kind).label}” criterion can use: {names}."}
        return {}
    errors = {}
    if mentee_q is None:
        errors["mentee_question"] = "Choose a question, or a directory field."
    if mentor_q is None and not errors:
        errors["mentor_question"] = "Choose the question to compare it with."
    if errors:
        return errors
    mentee_side, mentor_side = _questionnaire_ids(program)
    sides = (("mentee_question", mentee_q, mentee_side), ("mentor_question", mentor_q, mentor_side))
    for name, question, expected in sides:
        role = "peers'" if _is_peer(program) else ("mentees'" if name == "mentee_question" else "mentors'")
        if question.organization_id != program.organization_id or question.questionnaire_id != expected:
            errors[name] = f"Choose a question of this program's {role} intake questionnaire."
        elif question.type not in KIND_QUESTION_TYPES[kind] and not _numeric_choices(kind, question):
            allowed = ", ".join(sorted(Type(t).label.lower() for t in KIND_QUESTION_TYPES[kind]))
            if kind == CriterionKind.GAP:
                allowed += ", or a single choice whose values are numbers"
            errors[name] = (
                f"“{question.text}” is a {question.get_type_display().lower()} question; "
                f"a “{CriterionKind(kind).label}” criterion needs: {allowed}."
            )
    if errors:
        return errors
    if kind in (CriterionKind.SAME, CriterionKind.DIFFERENT) and mentee_q.type != mentor_q.type:
        errors["mentor_question"] = "Compare two questions of the same type: their answers must be alike."
    return errors


def _numeric_choices(kind, question) -> bool:
    """A single choice whose values are all numbers ("1", "2", "3" for a year of study) can
    measure a gap too."""
    if kind != CriterionKind.GAP or question.type != Type.SINGLE_CHOICE:
        return False
    values = list(
        Choice.objects.for_org(question.organization_id).filter(question=question).values_list("value", flat=True)
    )
    return bool(values) and all(finite_number(value)[1] is None for value in values)


def _validate_gap(criterion) -> dict:
    errors = {}
    criterion.gap_target, message = finite_number(criterion.gap_target)
    if message:
        errors["gap_target"] = "Give the wanted gap (mentor minus mentee), for example 1.5."
    criterion.gap_tolerance, message = finite_number(criterion.gap_tolerance or 0, low=0)
    if message:
        errors["gap_tolerance"] = message
    for name in ("gap_hard_min", "gap_hard_max"):
        value, message = finite_number(getattr(criterion, name), allow_none=True)
        setattr(criterion, name, value)
        if message:
            errors[name] = message
    low, high = criterion.gap_hard_min, criterion.gap_hard_max
    if low is not None and high is not None and low > high and "gap_hard_max" not in errors:
        errors["gap_hard_max"] = "“Never above” must not be below “never below”."
    return errors


def _assign(criterion, fields):
    for name, value in fields.items():
        setattr(criterion, name, value)


@transaction.atomic
def criterion_create(*, organization, program, user=None, **fields) -> MatchingCriterion:
    _check_program(organization, program)
    raise_errors(_unknown_fields(fields, CRITERION_FIELDS))
    criterion = MatchingCriterion(organization=organization, program=program)
    _assign(criterion, {"weight": 1.0, **fields})
    raise_errors(_validate_criterion(program, criterion))
    if "order" not in fields:
        last = MatchingCriterion.objects.for_org(organization).filter(program=program).aggregate(n=Max("order"))["n"]
        criterion.order = 0 if last is None else last + 1
    criterion.save()
    return criterion


@transaction.atomic
def criterion_update(*, organization, criterion, user=None, **fields) -> MatchingCriterion:
    same_org(organization, criterion)
    program = criterion.program
    _check_program(organization, program)
    raise_errors(_unknown_fields(fields, CRITERION_FIELDS))
    # Validated on a copy, so a refused change leaves the caller's object as it was.
    candidate = MatchingCriterion.objects.for_org(organization).select_related("program").get(pk=criterion.pk)
    _assign(candidate, fields)
    raise_errors(_validate_criterion(program, candidate))
    candidate.save()
    _assign(criterion, {name: getattr(candidate, name) for name in CRITERION_FIELDS})
    return criterion


@transaction.atomic
def criterion_delete(*, organization, criterion, user=None) -> None:
    same_org(organization, criterion)
    _check_program(organization, criterion.program)
    MatchingCriterion.objects.for_org(organization).filter(pk=criterion.pk).delete()


# --- criteria from the template's hints -----------------------------------------------------


def _hint_gap(hint) -> dict:
    """A hint's gap bounds (mentor minus mentee) as criterion fields: "min 1, max 2" scores full
    marks anywhere in [1, 2] and never goes outside it; "mentee_above" turns the bounds round."""
    low, high = hint.get("min"), hint.get("max")
    if low is None and high is None:
        return {"gap_target": 0.0, "gap_tolerance": float(hint.get("tolerance", 0))}
    if high is None:  # at least `low` ahead: full marks up to one step more
        fields = {"gap_target": low + 0.5, "gap_tolerance": 0.5, "gap_hard_min": float(low)}
    elif low is None:
        fields = {"gap_target": high - 0.5, "gap_tolerance": 0.5, "gap_hard_max": float(high)}
    else:
        fields = {
            "gap_target": (low + high) / 2,
            "gap_tolerance": (high - low) / 2,
            "gap_hard_min": float(low),
            "gap_hard_max": float(high),
        }
    if hint.get("direction") == "mentee_above":
        fields = {
            "gap_target": -fields["gap_target"],
            "gap_tolerance": fields["gap_tolerance"],
            "gap_hard_min": -fields["gap_hard_max"] if "gap_hard_max" in fields else None,
            "gap_hard_max": -fields["gap_hard_min"] if "gap_hard_min" in fields else None,
        }
    return {**fields, "required": True}


def _hint_fields(hint, questions) -> dict | None:
    """A template hint as criterion fields, or None when its keys match no question of this
    program and no directory field. `questions` is {(side, key): Question}."""
    kind = hint.get("kind")
    if kind == "similar":
        kind = CriterionKind.GAP
    if kind not in CriterionKind.values:
        return None
    fields = {
        "kind": kind,
        "label": str(hint.get("label") or "").strip()[:200],
        "weight": float(hint.get("weight", 1)),
        "reciprocal": bool(hint.get("reciprocal", False)),
    }
    if hint.get("kind") == "similar":
        fields.update({"gap_target": 0.0, "gap_tolerance": float(hint.get("tolerance", 1))})
    elif kind == CriterionKind.GAP:
        fields.update(_hint_gap(hint))
    mentee_key = hint.get("mentee_key") or hint.get("key")
    mentor_key = hint.get("mentor_key") or hint.get("key")
    mentee_q, mentor_q = questions.get(("mentee", mentee_key)), questions.get(("mentor", mentor_key))
    if mentee_q is not None and mentor_q is not None:
        return {**fields, "mentee_question": mentee_q, "mentor_question": mentor_q}
    attribute = hint.get("attribute") or hint.get("key")
    if attribute in DirectoryAttribute.values:
        return {**fields, "attribute": attribute}
    return None


def _same_source(fields, existing) -> bool:
    return (
        existing.kind == fields["kind"]
        and existing.attribute == fields.get("attribute", "")
        and existing.mentee_question_id == getattr(fields.get("mentee_question"), "pk", None)
        and existing.mentor_question_id == getattr(fields.get("mentor_question"), "pk", None)
    )


@transaction.atomic
def criteria_from_hints(*, organization, program, user=None) -> list[MatchingCriterion]:
    """Criteria from the template's matching hints whose keys resolve to this program's intake
    questions or to directory fields; "exclude" hints switch the matching hard rules on.

    Hints already turned into a criterion (same kind, same questions or field) are skipped, and
    so are hints that do not fit (a question renamed or of another type): running it twice
    adds nothing.
    """
    _check_program(organization, program)
    mentee_side, mentor_side = _questionnaire_ids(program)
    questions = {}
    for question in Question.objects.for_org(organization).filter(
        questionnaire_id__in=[q for q in (mentee_side, mentor_side) if q], retired=False
    ):
        if question.questionnaire_id == mentee_side:
            questions[("mentee", question.key)] = question
        if question.questionnaire_id == mentor_side:
            questions[("mentor", question.key)] = question
    existing = list(MatchingCriterion.objects.for_org(organization).filter(program=program))
    rules = {}
    created = []
    for hint in program.matching_hints or []:
        if not isinstance(hint, dict):
            continue
        if hint.get("kind") == "exclude":
            if hint.get("rule") == "same_reporting_line":
                rules["exclude_reporting_line"] = True
            elif hint.get("rule") == "previous_partners":
                rules["exclude_previous_pairs"] = True
            continue
        fields = _hint_fields(hint, questions)
        if fields is None or any(_same_source(fields, row) for row in existing + created):
            continue
        fields["label"] = fields["label"] or "Suggested by the template"
        criterion = MatchingCriterion(organization=organization, program=program)
        _assign(criterion, fields)
        if _validate_criterion(program, criterion):
            continue  # the hint does not fit this program's questions; the manager adds it by hand
        criterion.order = len(existing) + len(created)
        criterion.save()
        created.append(criterion)
    if rules:
        matching_settings_update(organization=organization, program=program, user=user, **rules)
    return created
