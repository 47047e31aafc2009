"""Program design services: creating, changing, moving through the lifecycle, templates, cycles."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from organizations.models import Role
from programs.catalog import TEMPLATES
from programs.models import (
    Enrollment,
    EnrollmentStatus,
    MentoringModel,
    Nomination,
    Objective,
    ParticipantRole,
    Program,
    ProgramInvitation,
    ProgramManager,
    ProgramStatus,
    ProgramStatusChange,
    TrainingModule,
)
from programs.selectors.design import program_readiness
from programs.services import design
from programs.services.training import training_module_create
from surveys.models import Question, Questionnaire
from surveys.services import questionnaire_create_from_spec
from tests.factories import OrganizationFactory, PersonFactory, UserFactory

from .design_fixtures import INTAKE, future, make_intake, make_program, make_ready_program


def errors_of(raised) -> dict:
    return raised.value.message_dict


# --- creating and updating ---------------------------------------------------------------


def test_the_creator_becomes_a_program_manager(org, admin_user):
    program = make_program(org, admin_user, name="  Buddies  ")
    assert program.name == "Buddies"
    assert program.status == ProgramStatus.DRAFT
    assert list(ProgramManager.objects.filter(program=program).values_list("user", flat=True)) == [admin_user.pk]


def test_a_non_member_cannot_create_or_manage(org):
    with pytest.raises(ValidationError) as raised:
        make_program(org, UserFactory())
    assert "user" in errors_of(raised)
    assert not Program.objects.exists()


def test_a_program_name_is_kept_on_one_line(org, admin_user):
    # The name goes into email subjects; a line break there would make every send fail.
    program = design.program_create(organization=org, actor=admin_user, data={"name": " Buddies\r\nBcc: x "})
    assert program.name == "Buddies Bcc: x"


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": " "}, "name"),
        ({"mentor_default_capacity": -1}, "mentor_default_capacity"),
        ({"mentor_default_capacity": 51}, "mentor_default_capacity"),
        ({"cadence_weeks": 0}, "cadence_weeks"),
        ({"meeting_minutes": 5}, "meeting_minutes"),
        ({"model": "speed_dating"}, "model"),
        ({"model": MentoringModel.PEER_CIRCLES}, "group_size_min"),
        ({"model": MentoringModel.GROUP, "group_size_min": 1, "group_size_max": 4}, "group_size_min"),
        ({"model": MentoringModel.GROUP, "group_size_min": 5, "group_size_max": 3}, "group_size_max"),
        ({"model": MentoringModel.GROUP, "group_size_min": 3, "group_size_max": 40}, "group_size_max"),
        ({"audience": {"level_min": 5, "level_max": 2}}, "audience.level_max"),
        ({"audience": {"departmnts": ["Sales"]}}, "audience.departmnts"),
        ({"matching_hints": "similar skills"}, "matching_hints"),
        ({"status": ProgramStatus.ACTIVE}, "status"),
        ({"template_key": "x"}, "template_key"),
    ],
)
def test_bad_program_fields_name_the_field(org, admin_user, fields, field):
    with pytest.raises(ValidationError) as raised:
        make_program(org, admin_user, **fields)
    assert field in errors_of(raised)
    assert not Program.objects.exists()


def test_capacity_below_zero_has_a_clear_message(org, admin_user):
    with pytest.raises(ValidationError) as raised:
        make_program(org, admin_user, mentor_default_capacity=-3)
    assert errors_of(raised)["mentor_default_capacity"] == ["Capacity cannot be below zero."]


@pytest.mark.parametrize("days", [0, -10])
def test_end_date_on_or_before_the_start_is_refused(org, admin_user, days):
    start = future(30)
    with pytest.raises(ValidationError) as raised:
        make_program(org, admin_user, start_date=start, end_date=start + timedelta(days=days))
    assert errors_of(raised) == {"end_date": ["The end date must be after the start date."]}


def test_group_sizes_are_dropped_for_pairs(org, admin_user):
    program = make_program(org, admin_user, group_size_min=3, group_size_max=5)
    assert (program.group_size_min, program.group_size_max) == (None, None)
    circles = make_program(org, admin_user, model=MentoringModel.PEER_CIRCLES, group_size_min=4, group_size_max=6)
    assert (circles.group_size_min, circles.group_size_max) == (4, 6)


def test_foreign_keys_must_belong_to_the_organization(org, admin_user):
    other = OrganizationFactory()
    with pytest.raises(ValidationError) as raised:
        make_program(org, admin_user, executive_sponsor=PersonFactory(organization=other))
    assert "executive_sponsor" in errors_of(raised)
    with pytest.raises(ValidationError) as raised:
        make_program(org, admin_user, mentor_questionnaire=make_intake(other))
    assert "mentor_questionnaire" in errors_of(raised)
    survey = questionnaire_create_from_spec(organization=org, spec={**INTAKE, "kind": "survey"})
    with pytest.raises(ValidationError) as raised:
        make_program(org, admin_user, mentee_questionnaire=survey)
    assert errors_of(raised)["mentee_questionnaire"] == ["Choose an intake questionnaire, not a survey."]


def test_audience_is_stored_normalized(org, admin_user):
    program = make_program(org, admin_user, audience={"departments": "Sales", "level_min": "2"})
    program.refresh_from_db()
    assert program.audience["departments"] == ["Sales"]
    assert program.audience["level_min"] == 2


def test_update_changes_fields_and_keeps_the_status(org, admin_user):
    program = make_program(org, admin_user)
    stale = Program.objects.get(pk=program.pk)
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.RECRUITING)
    design.program_update(organization=org, program=stale, data={"description": "New words"})
    program.refresh_from_db()
    assert program.description == "New words"
    assert program.status == ProgramStatus.RECRUITING


def test_a_refused_update_changes_nothing(org, admin_user):
    program = make_program(org, admin_user, description="Before")
    with pytest.raises(ValidationError) as raised:
        design.program_update(
            organization=org,
            program=program,
            data={"description": "After", "end_date": program.start_date - timedelta(days=1)},
        )
    assert "end_date" in errors_of(raised)
    assert program.description == "Before"  # the caller's object is left as it was, too
    program.refresh_from_db()
    assert program.description == "Before"


def test_the_model_is_fixed_once_recruiting(org, admin_user):
    program = make_ready_program(org, admin_user)
    design.program_transition(organization=org, program=program, to_status="recruiting", actor=admin_user)
    with pytest.raises(ValidationError) as raised:
        design.program_update(organization=org, program=program, data={"model": MentoringModel.REVERSE})
    assert "model" in errors_of(raised)


def test_another_organizations_program_is_not_found(org, admin_user):
    other_program = make_program(OrganizationFactory())
    with pytest.raises(ValidationError) as raised:
        design.program_update(organization=org, program=other_program, data={"name": "Mine"})
    assert errors_of(raised) == {"program": ["Not found."]}


# --- the lifecycle ------------------------------------------------------------------------


def test_opening_recruitment_records_who_and_why(org, admin_user):
    program = make_ready_program(org, admin_user)
    design.program_transition(
        organization=org, program=program, to_status="recruiting", actor=admin_user, note="  Kick-off  "
    )
    program.refresh_from_db()
    assert program.status == ProgramStatus.RECRUITING
    change = ProgramStatusChange.objects.get(program=program)
    assert (change.from_status, change.to_status, change.changed_by, change.note) == (
        "draft",
        "recruiting",
        admin_user,
        "Kick-off",
    )


def test_a_disallowed_transition_names_status_and_changes_nothing(org, admin_user):
    program = make_ready_program(org, admin_user)
    with pytest.raises(ValidationError) as raised:
        design.program_transition(organization=org, program=program, to_status="active", actor=admin_user)
    assert errors_of(raised) == {"status": ["A draft program can move to recruiting, not to active."]}
    program.refresh_from_db()
    assert program.status == ProgramStatus.DRAFT
    assert not ProgramStatusChange.objects.exists()


@pytest.mark.parametrize("to_status", ["draft", "launched", ""])
def test_same_or_unknown_status_is_refused(org, admin_user, to_status):
    program = make_ready_program(org, admin_user)
    with pytest.raises(ValidationError) as raised:
        design.program_transition(organization=org, program=program, to_status=to_status, actor=admin_user)
    assert "status" in errors_of(raised)


def test_recruiting_needs_dates_and_an_intake_for_each_role(org, admin_user):
    program = make_program(org, admin_user, start_date=None, end_date=None)
    with pytest.raises(ValidationError) as raised:
        design.program_transition(organization=org, program=program, to_status="recruiting", actor=admin_user)
    messages = errors_of(raised)["status"]
    assert "Set the start and end dates: people want to know the commitment." in messages
    assert "Choose an intake questionnaire for mentors." in messages
    assert "Choose an intake questionnaire for mentees." in messages


def test_recruiting_needs_questions_in_the_intake(org, admin_user):
    empty = questionnaire_create_from_spec(organization=org, spec={"title": "Empty", "questions": []})
    program = make_ready_program(org, admin_user, mentee_questionnaire=empty)
    with pytest.raises(ValidationError) as raised:
        design.program_transition(organization=org, program=program, to_status="recruiting", actor=admin_user)
    assert errors_of(raised)["status"] == ["The mentees' intake questionnaire has no questions yet."]


def test_required_training_needs_a_module_for_every_role(org, admin_user):
    program = make_ready_program(org, admin_user, requires_training=True)
    training_module_create(organization=org, program=program, title="Listening", content="Listen.", role="mentor")
    with pytest.raises(ValidationError) as raised:
        design.program_transition(organization=org, program=program, to_status="recruiting", actor=admin_user)
    assert errors_of(raised)["status"] == [
        "Training is required, but there is no module for mentees: add one or stop requiring training."
    ]
    training_module_create(organization=org, program=program, title="Welcome", content="Hello.", role="")
    design.program_transition(organization=org, program=program, to_status="recruiting", actor=admin_user)


def test_an_ended_program_cannot_open_recruitment(org, admin_user):
    program = make_ready_program(org, admin_user, start_date=future(-100), end_date=future(-1))
    with pytest.raises(ValidationError) as raised:
        design.program_transition(organization=org, program=program, to_status="recruiting", actor=admin_user)
    assert errors_of(raised)["status"] == ["The end date has passed: move it into the future."]


def _approve(program, role, n=1):
    for _ in range(n):
        person = PersonFactory(organization=program.organization)
        Enrollment.objects.create(
            organization=program.organization,
            program=program,
            person=person,
            role=role,
            status=EnrollmentStatus.APPROVED,
        )


def test_matching_needs_approved_mentors_and_mentees(org, admin_user):
    program = make_ready_program(org, admin_user)
    design.program_transition(organization=org, program=program, to_status="recruiting", actor=admin_user)
    _approve(program, ParticipantRole.MENTOR)
    with pytest.raises(ValidationError) as raised:
        design.program_transition(organization=org, program=program, to_status="matching", actor=admin_user)
    assert errors_of(raised)["status"] == ["Approve at least 1 mentee first."]
    _approve(program, ParticipantRole.MENTEE)
    design.program_transition(organization=org, program=program, to_status="matching", actor=admin_user)
    assert program.status == ProgramStatus.MATCHING


def test_the_whole_lifecycle_and_back_steps(org, admin_user):
    program = make_ready_program(org, admin_user)
    _approve(program, ParticipantRole.MENTOR)
    _approve(program, ParticipantRole.MENTEE)
    for status in ["recruiting", "draft", "recruiting", "matching", "recruiting", "matching", "active", "closed"]:
        design.program_transition(organization=org, program=program, to_status=status, actor=admin_user)
    assert ProgramStatusChange.objects.filter(program=program).count() == 8
    with pytest.raises(ValidationError) as raised:
        design.program_transition(organization=org, program=program, to_status="active", actor=admin_user)
    assert errors_of(raised) == {"status": ["A closed program cannot change status any more."]}
    with pytest.raises(ValidationError):
        design.program_update(organization=org, program=program, data={"name": "Reopened"})


def test_a_long_note_is_refused(org, admin_user):
    program = make_ready_program(org, admin_user)
    with pytest.raises(ValidationError) as raised:
        design.program_transition(
            organization=org, program=program, to_status="recruiting", actor=admin_user, note="x" * 501
        )
    assert "note" in errors_of(raised)


# --- templates ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_each_template_creates_a_complete_draft(org, admin_user, key):
    template = TEMPLATES[key]
    start = future(20)
    program = design.program_create_from_template(
        organization=org, template_key=key, actor=admin_user, start_date=start
    )
    assert program.status == ProgramStatus.DRAFT
    assert (program.name, program.template_key, program.model) == (template.name, key, template.model)
    assert program.end_date == start + timedelta(weeks=template.duration_weeks)
    assert program.handbook and program.ground_rules and program.confidentiality and program.description
    assert program.matching_hints and all(hint.get("label") for hint in program.matching_hints)
    assert {stage["stage"] for stage in program.discussion_prompts} == {
        "first_meeting",
        "goal_setting",
        "career",
        "feedback",
        "reflection",
    }
    for role in program.roles:
        questionnaire = program.questionnaire_for(role)
        assert questionnaire.organization == org
        assert questionnaire.title.startswith(f"{program.name}: ")
        assert Question.objects.filter(questionnaire=questionnaire).count() == len(
            template.questionnaires[role]["questions"]
        )
    modules = TrainingModule.objects.filter(program=program)
    assert modules.count() == len(template.training)
    assert all(module.quiz for module in modules)
    objectives = Objective.objects.filter(program=program)
    assert 2 <= objectives.count() <= 3
    assert all(o.rationale and o.deadline >= start for o in objectives)
    assert ProgramManager.objects.filter(program=program, user=admin_user).exists()
    # A template's draft is ready to open recruitment as it stands.
    assert program_readiness(program=program, to_status=ProgramStatus.RECRUITING) == []


def test_template_name_defaults_and_unknown_templates(org, admin_user):
    program = design.program_create_from_template(
        organization=org, template_key="coffee_chats", actor=admin_user, name="Spring chats"
    )
    assert program.name == "Spring chats"
    assert program.start_date.weekday() == 0 and program.start_date >= future(14)
    before = Program.objects.count()
    with pytest.raises(ValidationError) as raised:
        design.program_create_from_template(organization=org, template_key="nope", actor=admin_user)
    assert "template" in errors_of(raised)
    assert Program.objects.count() == before


def test_matching_hint_keys_exist_in_the_intake(org):
    """Hints name intake questions by key: a typo would silently match on nothing."""
    for template in TEMPLATES.values():
        keys = {role: {q["key"] for q in spec["questions"]} for role, spec in template.questionnaires.items()}
        everyone = set.intersection(*keys.values())
        for hint in template.matching_hints:
            if "key" in hint:
                assert hint["key"] in everyone, (template.key, hint)
            if "mentee_key" in hint:
                mentee = keys.get(ParticipantRole.MENTEE, keys.get(ParticipantRole.PEER))
                mentor = keys.get(ParticipantRole.MENTOR, keys.get(ParticipantRole.PEER))
                assert hint["mentee_key"] in mentee and hint["mentor_key"] in mentor, (template.key, hint)


# --- copying into a new cycle -------------------------------------------------------------


def test_copy_cycle_keeps_the_design_but_no_people(org, admin_user, member_of):
    colleague = member_of(org, Role.MEMBER)
    program = design.program_create_from_template(
        organization=org, template_key="onboarding_buddy", actor=admin_user, start_date=future(10)
    )
    design.program_manager_add(organization=org, program=program, user=colleague)
    design.program_update(organization=org, program=program, data={"audience": {"departments": ["Sales"]}})
    person = PersonFactory(organization=org)
    Enrollment.objects.create(organization=org, program=program, person=person, role="mentee")
    ProgramInvitation.objects.create(organization=org, program=program, person=person, email=person.email)
    Nomination.objects.create(organization=org, program=program, nominee=person)

    start = program.end_date + timedelta(days=30)
    copy = design.program_copy_cycle(
        organization=org, program=program, actor=admin_user, name="Buddies, autumn", start_date=start
    )

    assert (copy.name, copy.status, copy.copied_from, copy.template_key) == (
        "Buddies, autumn",
        ProgramStatus.DRAFT,
        program,
        "onboarding_buddy",
    )
    assert copy.start_date == start and copy.end_date - copy.start_date == program.end_date - program.start_date
    for field in ("model", "cadence_weeks", "meeting_minutes", "handbook", "audience", "matching_hints"):
        assert getattr(copy, field) == getattr(program, field), field
    for role in program.roles:
        old, new = program.questionnaire_for(role), copy.questionnaire_for(role)
        assert new.pk != old.pk
        assert new.title.startswith("Buddies, autumn: ")
        assert list(new.questions.values_list("key", flat=True)) == list(old.questions.values_list("key", flat=True))
    assert list(copy.training_modules.values_list("title", flat=True)) == list(
        program.training_modules.values_list("title", flat=True)
    )
    shift = start - program.start_date
    assert [o.deadline for o in copy.objectives.all()] == [o.deadline + shift for o in program.objectives.all()]
    assert set(copy.manager_links.values_list("user", flat=True)) == {admin_user.pk, colleague.pk}
    assert not copy.enrollments.exists()
    assert not copy.invitations.exists()
    assert not copy.nominations.exists()
    assert not copy.status_changes.exists()


def test_copy_cycle_starts_after_the_old_cycle_by_default(org, admin_user):
    program = make_ready_program(org, admin_user, start_date=future(60), end_date=future(120))
    copy = design.program_copy_cycle(organization=org, program=program, actor=admin_user)
    assert copy.start_date == program.end_date + timedelta(days=1)
    assert copy.name.startswith("Mentoring (")


def test_one_shared_questionnaire_is_copied_once(org, admin_user):
    shared = make_intake(org, "Shared")
    program = make_program(org, admin_user, mentor_questionnaire=shared, mentee_questionnaire=shared)
    before = Questionnaire.objects.count()
    copy = design.program_copy_cycle(organization=org, program=program, actor=admin_user)
    assert Questionnaire.objects.count() == before + 1
    assert copy.mentor_questionnaire == copy.mentee_questionnaire != shared


# --- objectives ---------------------------------------------------------------------------


def objective_data(program, **fields):
    return {
        "metric": "satisfaction",
        "target": Decimal("4.2"),
        "deadline": program.end_date,
        "rationale": "Participants must find it worth their time.",
        **fields,
    }


def test_objective_create_update_delete(org, admin_user):
    program = make_program(org, admin_user)
    first = design.objective_create(organization=org, program=program, data=objective_data(program))
    second = design.objective_create(
        organization=org,
        program=program,
        data=objective_data(program, metric="custom", custom_name="Time to first commit", unit="days", target=10),
    )
    assert (first.order, second.order) == (0, 1)
    design.objective_update(organization=org, objective=first, data={"target": Decimal("4.5")})
    first.refresh_from_db()
    assert first.target == Decimal("4.5")
    design.objective_delete(organization=org, objective=second)
    assert list(program.objectives.all()) == [first]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"target": None}, "target"),
        ({"target": "lots"}, "target"),
        ({"deadline": None}, "deadline"),
        ({"rationale": ""}, "rationale"),
        ({"metric": "custom", "unit": "days"}, "custom_name"),
        ({"metric": "custom", "custom_name": "Time to productivity"}, "unit"),
        ({"metric": "retention", "target": 120}, "target"),
        ({"metric": "satisfaction", "baseline": 0}, "baseline"),
        ({"metric": "nps", "target": -101}, "target"),
        ({"metric": "vibes"}, "metric"),
    ],
)
def test_objectives_must_be_smart(org, admin_user, fields, field):
    program = make_program(org, admin_user)
    with pytest.raises(ValidationError) as raised:
        design.objective_create(organization=org, program=program, data=objective_data(program, **fields))
    assert field in errors_of(raised)
    assert not Objective.objects.exists()


def test_an_objective_deadline_cannot_precede_the_start(org, admin_user):
    program = make_program(org, admin_user)
    data = objective_data(program, deadline=program.start_date - timedelta(days=1))
    with pytest.raises(ValidationError) as raised:
        design.objective_create(organization=org, program=program, data=data)
    assert errors_of(raised) == {"deadline": ["The deadline is before the program starts."]}


def test_built_in_metrics_drop_a_custom_name(org, admin_user):
    program = make_program(org, admin_user)
    objective = design.objective_create(
        organization=org, program=program, data=objective_data(program, custom_name="x", unit="y")
    )
    assert (objective.custom_name, objective.unit) == ("", "")


# --- managers -----------------------------------------------------------------------------


def test_managers_are_members_only(org, admin_user, member_of):
    program = make_program(org, admin_user)
    colleague = member_of(org, Role.MEMBER)
    link = design.program_manager_add(organization=org, program=program, user=colleague)
    assert design.program_manager_add(organization=org, program=program, user=colleague) == link
    outsider = member_of(OrganizationFactory(), Role.OWNER)
    with pytest.raises(ValidationError) as raised:
        design.program_manager_add(organization=org, program=program, user=outsider)
    assert errors_of(raised) == {"user": ["Only members of this organization can manage its programs."]}
    design.program_manager_remove(organization=org, manager=link)
    assert not ProgramManager.objects.filter(user=colleague).exists()
