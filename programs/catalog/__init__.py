"""Program templates: complete, ready-to-adapt designs for common kinds of mentoring program.

Each template is data (`base.ProgramTemplate`): description, model, duration and cadence,
ground rules, confidentiality guidelines, a handbook, SMART objectives, intake questionnaires
per role (as `surveys` specs), training modules, matching hints and discussion prompts.
`programs.services.design.program_create_from_template` turns one into a draft program.

Shared content lives once: training modules in `training.py`, intake questions and choice
lists in `questions.py`, discussion prompts and guideline text in `prompts.py`.

Matching hints are placeholders the matching issue turns into real criteria. Their kinds:
- {"kind": "overlap", "mentee_key", "mentor_key", "weight"}: the mentee's answers to one
  multiple-choice question share values with the mentor's answers to another (in a peer model
  both questions are asked of everyone and "reciprocal": true counts the overlap both ways);
  {"kind": "overlap", "key", "weight"}: the same question on both sides;
- {"kind": "same", "key", "weight"}: the same answer to one question;
- {"kind": "similar", "key", "weight"}: close numeric answers;
- {"kind": "different", "attribute", "weight"}: a directory attribute differs (department, team);
- {"kind": "gap", ...}: an ordered distance, from answers ("mentee_key"/"mentor_key", "min",
  "max") or from a directory attribute ("attribute", "min", "direction");
- {"kind": "exclude", "rule"}: a hard rule ("same_reporting_line", "previous_partners").
Every hint has a "label" in plain words, shown to program managers.
"""

from . import (
    coffee_chats,
    erg_peer_mentoring,
    new_manager_circles,
    onboarding_buddy,
    reverse_mentoring,
    student_near_peer,
)
from .base import ObjectiveSpec, ProgramTemplate, TrainingSpec

TEMPLATES: dict[str, ProgramTemplate] = {
    module.TEMPLATE.key: module.TEMPLATE
    for module in (
        onboarding_buddy,
        new_manager_circles,
        student_near_peer,
        erg_peer_mentoring,
        reverse_mentoring,
        coffee_chats,
    )
}


def get_template(key: str) -> ProgramTemplate | None:
    return TEMPLATES.get(key)


def template_choices() -> list[tuple[str, str]]:
    return [(key, template.name) for key, template in TEMPLATES.items()]


__all__ = ["TEMPLATES", "ObjectiveSpec", "ProgramTemplate", "TrainingSpec", "get_template", "template_choices"]
