"""The shapes of catalog content: plain frozen data, no database.

`programs.services.design.program_create_from_template` turns a `ProgramTemplate` into a draft
program; nothing here writes anything, so the catalog can be read, tested and reviewed alone.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..models import MentoringModel, Objective, roles_for_model


@dataclass(frozen=True)
class ObjectiveSpec:
    """A SMART objective; the deadline counts from the program's start date."""

    metric: str
    target: Decimal
    deadline_weeks: int
    rationale: str
    baseline: Decimal | None = None
    custom_name: str = ""
    unit: str = ""

    def __post_init__(self):
        if self.metric not in Objective.Metric.values:
            raise ValueError(f"Unknown metric {self.metric!r}")
        if self.metric == Objective.Metric.CUSTOM and not (self.custom_name and self.unit):
            raise ValueError("A custom objective needs a name and a unit")


@dataclass(frozen=True)
class TrainingSpec:
    """A training module. `quiz` items are {"question", "choices", "answer": index}.

    Shared modules are written once (catalog/training.py) and given to a role per template with
    `for_role`, so the same "Active listening" serves mentors in one program and peers in another.
    """

    key: str
    title: str
    content: str
    quiz: tuple = ()
    role: str = ""
    pass_mark: int = 80
    requires_acknowledgement: bool = True

    def for_role(self, role: str) -> "TrainingSpec":
        return replace(self, role=role)

    def __post_init__(self):
        for item in self.quiz:
            if not 0 <= item["answer"] < len(item["choices"]):
                raise ValueError(f"Quiz answer out of range in {self.key}: {item['question']}")


@dataclass(frozen=True)
class ProgramTemplate:
    key: str
    name: str
    tagline: str  # one line for the template card
    description: str  # what participants read first (plain text)
    model: str
    duration_weeks: int
    cadence_weeks: int
    meeting_minutes: int
    mentor_default_capacity: int
    ground_rules: str  # Markdown
    confidentiality: str  # Markdown
    handbook: str  # Markdown
    objectives: tuple[ObjectiveSpec, ...]
    # role -> questionnaire spec (surveys.services.questionnaire_create_from_spec)
    questionnaires: dict
    training: tuple[TrainingSpec, ...]
    matching_hints: tuple[dict, ...]
    discussion_prompts: tuple[dict, ...]
    audience: dict = field(default_factory=dict)
    audience_hint: str = ""  # how a manager usually narrows the audience for this kind of program
    group_size_min: int | None = None
    group_size_max: int | None = None
    requires_training: bool = True
    best_for: str = ""  # who this template suits, for the template card

    @property
    def model_label(self) -> str:
        return MentoringModel(self.model).label

    def __post_init__(self):
        roles = set(roles_for_model(self.model))
        if set(self.questionnaires) != roles:
            raise ValueError(f"{self.key}: questionnaires must cover exactly {sorted(roles)}")
        if any(module.role and module.role not in roles for module in self.training):
            raise ValueError(f"{self.key}: a training module is for a role this model does not have")
        if not 2 <= len(self.objectives) <= 3:
            raise ValueError(f"{self.key}: give two or three objectives")
