"""Builders for the matching API tests: a program ready to match, its people with intake answers.

Mentees say what they want to learn and which language they speak; mentors what they offer.
"""

from django.utils import timezone

from matching.models import MatchingMode
from matching.services.criteria import criterion_create, matching_settings_update
from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, MentoringModel, Program, ProgramManager, ProgramStatus
from surveys.services import questionnaire_create_from_spec, response_submit

from ..factories import MembershipFactory, PersonFactory, UserFactory

SKILLS = [["python", "Python"], ["sql", "SQL"], ["leadership", "Leadership"], ["speaking", "Public speaking"]]
LANGUAGES = [["en", "English"], ["fr", "French"]]


def _intake(org, title, skills_key):
    return questionnaire_create_from_spec(
        organization=org,
        spec={
            "title": title,
            "kind": "intake",
            "questions": [
                {"key": skills_key, "text": "Skills", "type": "multiple", "choices": SKILLS},
                {"key": "language", "text": "Language", "type": "single", "choices": LANGUAGES},
            ],
        },
    )


def make_program(org, *, status=ProgramStatus.MATCHING, mode=MatchingMode.MANAGED, capacity=1, **fields):
    """A one-on-one program in matching, with mentee and mentor intakes."""
    program = Program.objects.create(
        organization=org,
        name=fields.pop("name", "Mentoring 2026"),
        status=status,
        model=fields.pop("model", MentoringModel.ONE_ON_ONE),
        mentor_default_capacity=capacity,
        mentee_questionnaire=_intake(org, "Mentee intake", "skills_wanted"),
        mentor_questionnaire=_intake(org, "Mentor intake", "skills_offered"),
        **fields,
    )
    if mode != MatchingMode.MANAGED:
        matching_settings_update(organization=org, program=program, mode=mode)
    return program


def question(program, role, key):
    return program.questionnaire_for(role).questions.get(key=key)


def add_criteria(program):
    """Overlap of skills (weight 3) and a hard rule: the same language."""
    org = program.organization
    overlap = criterion_create(
        organization=org,
        program=program,
        kind="overlap",
        label="What you want to learn ↔ what they offer",
        weight=3,
        mentee_question=question(program, "mentee", "skills_wanted"),
        mentor_question=question(program, "mentor", "skills_offered"),
    )
    language = criterion_create(
        organization=org,
        program=program,
        kind="same",
        label="You speak the same language",
        weight=1,
        required=True,
        mentee_question=question(program, "mentee", "language"),
        mentor_question=question(program, "mentor", "language"),
    )
    return overlap, language


def enroll(program, role, skills, language="en", *, person=None, user=None, capacity=None):
    """An approved enrollment with its intake answered (a new directory person unless given)."""
    org = program.organization
    if person is None:
        person = PersonFactory(organization=org, user=user, **({"email": user.email} if user else {}))
    key = "skills_wanted" if role == "mentee" else "skills_offered"
    response = response_submit(
        organization=org,
        questionnaire=program.questionnaire_for(role),
        respondent=person,
        answers={key: skills, "language": language},
    )
    return Enrollment.objects.create(
        organization=org,
        program=program,
        person=person,
        role=role,
        status=EnrollmentStatus.APPROVED,
        response=response,
        intake_submitted_at=timezone.now(),
        capacity=capacity,
    )


def linked_member(org, role=Role.MEMBER):
    """(user, person): a member whose directory record is linked to their account."""
    user = UserFactory()
    MembershipFactory(organization=org, user=user, role=role)
    return user, PersonFactory(organization=org, user=user, email=user.email)


def participant(program, role, skills, language="en", **kwargs):
    """(user, enrollment): a member taking part in `program` as themselves."""
    user, person = linked_member(program.organization)
    return user, enroll(program, role, skills, language, person=person, **kwargs)


def program_manager(program):
    """A plain member who manages `program`."""
    user, _ = linked_member(program.organization)
    ProgramManager.objects.create(organization=program.organization, program=program, user=user)
    return user


def small_cohort(program):
    """Three mentees and three mentors whose best pairs are obvious: ({name: enrollment})."""
    return {
        "ada": enroll(program, "mentee", ["python"]),
        "bob": enroll(program, "mentee", ["sql", "leadership"]),
        "cyd": enroll(program, "mentee", ["speaking"], "fr"),
        "pythonista": enroll(program, "mentor", ["python"]),
        "analyst": enroll(program, "mentor", ["sql", "leadership"]),
        "orator": enroll(program, "mentor", ["speaking"], "fr"),
    }
