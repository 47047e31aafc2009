"""Isolation-audit graph builder for programs: training. Registered by importing this module.

Uses the program and enrollment of the earlier builders when they exist, else makes its own
(returned under the same keys, so the registry can name them either way).
"""

from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus, TrainingCompletion, TrainingModule

from ..factories import PersonFactory
from .graph import graph_builder


@graph_builder
def programs_training_graph(org, users, objects):
    built = {}
    program = objects.get("program")
    if program is None:
        program = built["program"] = Program.objects.create(
            organization=org, name=f"{org.name} mentoring", status=ProgramStatus.RECRUITING, requires_training=True
        )
    enrollment = objects.get("enrollment")
    if enrollment is None:
        person = PersonFactory(organization=org, user=users[Role.MEMBER])
        enrollment = built["enrollment"] = Enrollment.objects.create(
            organization=org, program=program, person=person, role="mentee", status=EnrollmentStatus.APPROVED
        )
    module = TrainingModule.objects.create(
        organization=org,
        program=enrollment.program,
        title="Boundaries and confidentiality",
        content="What is said in a mentoring conversation stays there.",
        quiz=[{"question": "Is it confidential?", "choices": ["Yes", "No"], "answer": 0}],
        pass_mark=100,
    )
    completion = TrainingCompletion.objects.create(
        organization=org, module=module, enrollment=enrollment, score=100, passed=True, attempts=1
    )
    return {**built, "training_module": module, "training_completion": completion}
