"""Isolation-audit graph builder for matching. Registered by importing this module.

Built through the matching services, as a program team and its participants would: a managed
program in matching (the surveys builder's intake on both sides) with criteria and settings;
a first run published into mentorships; the organization's member ends their match (a rematch
request); an incremental run matches them again and waits for review (its proposals); the
member's private lists. And a self-match program where the member, as a mentee, has suggested
mentors and a pending request to one of them.
"""

from django.utils import timezone

from matching.services.criteria import criterion_create, matching_settings_update
from matching.services.participant import match_preference_add, pair_exclusion_add
from matching.services.publish import match_run_publish
from matching.services.rematch import rematch_request
from matching.services.runs import match_run_execute, match_run_start
from matching.services.self_match import mentor_request_send, suggestions_refresh
from mentorships.models import MentorshipMember
from organizations.models import Person, Role
from programs.models import Enrollment, EnrollmentStatus, MentoringModel, Program, ProgramStatus
from surveys.services import response_submit

from ..factories import PersonFactory
from .graph import graph_builder

SKILLS = ["python", "sql"]


def _program(org, users, questionnaire, name):
    return Program.objects.create(
        organization=org,
        name=f"{org.name} {name}",
        status=ProgramStatus.MATCHING,
        model=MentoringModel.ONE_ON_ONE,
        mentor_default_capacity=1,
        mentee_questionnaire=questionnaire,
        mentor_questionnaire=questionnaire,
        created_by=users[Role.ADMIN],
    )


def _enroll(program, person, role, skills, team="eng"):
    """An approved enrollment with its intake answered."""
    org = program.organization
    response = response_submit(
        organization=org,
        questionnaire=program.questionnaire_for(role),
        respondent=person,
        answers={"skills": skills, "team": team},
    )
    return Enrollment.objects.create(
        organization=org,
        program=program,
        person=person,
        role=role,
        status=EnrollmentStatus.APPROVED,
        response=response,
        intake_submitted_at=timezone.now(),
    )


def _criteria(program, questionnaire, user):
    org = program.organization
    skills, team = questionnaire.questions.get(key="skills"), questionnaire.questions.get(key="team")
    overlap = criterion_create(
        organization=org,
        program=program,
        user=user,
        kind="overlap",
        label="What you want to learn ↔ what they offer",
        weight=3,
        mentee_question=skills,
        mentor_question=skills,
    )
    criterion_create(
        organization=org,
        program=program,
        user=user,
        kind="different",
        label="Someone from another team",
        weight=1,
        mentee_question=team,
        mentor_question=team,
    )
    return overlap


def _finished_run(program, user, **kwargs):
    org = program.organization
    run = match_run_start(organization=org, program=program, user=user, **kwargs)
    return match_run_execute(organization=org, run_id=run.pk)


def _managed_matching(org, users, questionnaire, me):
    admin = users[Role.ADMIN]
    program = _program(org, users, questionnaire, "matching")
    criterion = _criteria(program, questionnaire, admin)
    settings = matching_settings_update(organization=org, program=program, user=admin, min_score=None)
    mine = _enroll(program, me, "mentee", ["python"])
    for index, skills in enumerate((["sql"], ["python", "sql"])):
        _enroll(program, PersonFactory(organization=org, name=f"{org.name} Mentee {index}"), "mentee", skills)
    mentors = [
        _enroll(program, PersonFactory(organization=org, name=f"{org.name} Mentor {index}"), "mentor", skills, "ops")
        for index, skills in enumerate((["python"], ["sql"], ["python", "sql"], ["python"]))
    ]
    # A first run, published: every mentee gets a mentor (one mentor stays free).
    mentorships = match_run_publish(organization=org, run=_finished_run(program, admin), user=admin)
    my_mentorship = next(m for m in mentorships if m.members.filter(enrollment=mine).exists())
    others = next(m for m in mentorships if m.pk != my_mentorship.pk)
    rematch = rematch_request(
        organization=org, mentorship=my_mentorship, enrollment=mine, reason="We rarely found time.", user=me.user
    )
    member = users[Role.MEMBER]
    exclusion = pair_exclusion_add(
        organization=org, enrollment=mine, person=PersonFactory(organization=org), user=member
    )
    free_mentor = next(m for m in mentors if not MentorshipMember.objects.filter(enrollment=m).exists())
    preference = match_preference_add(organization=org, enrollment=mine, person=free_mentor.person, user=member)
    # The member is free again: an incremental run proposes a new mentor, waiting for review.
    run = _finished_run(program, admin, incremental=True)
    return {
        "matching_program": program,
        "matching_criterion": criterion,
        "matching_settings": settings,
        "matching_question": criterion.mentee_question,
        "matching_enrollment": mine,
        "matching_mentor": free_mentor,
        "match_run": run,
        "match_proposal": run.proposals.order_by("number").first(),
        "mentorship": others,
        "rematch_request": rematch,
        "pair_exclusion": exclusion,
        "match_preference": preference,
    }


def _self_match(org, users, questionnaire, me):
    admin = users[Role.ADMIN]
    program = _program(org, users, questionnaire, "self-match")
    _criteria(program, questionnaire, admin)
    matching_settings_update(organization=org, program=program, user=admin, mode="self_match")
    mine = _enroll(program, me, "mentee", ["sql"])
    mentors = [
        _enroll(program, PersonFactory(organization=org, name=f"{org.name} Guide {index}"), "mentor", skills, "ops")
        for index, skills in enumerate((["sql"], ["python"]))
    ]
    suggestions_refresh(organization=org, program=program)
    request = mentor_request_send(
        organization=org, mentee=mine, mentor=mentors[0], message="Could you help me with SQL?", user=me.user
    )
    return {
        "self_match_program": program,
        "self_match_enrollment": mine,
        "mentor_suggestion": mine.mentor_suggestions.order_by("rank").first(),
        "mentor_request": request,
    }


@graph_builder
def matching_graph(org, users, objects):
    member = users[Role.MEMBER]
    me = Person.objects.for_org(org).filter(user=member).first() or PersonFactory(
        organization=org, user=member, email=member.email, name=f"{org.name} Member"
    )
    questionnaire = objects["questionnaire"]
    return {
        **_managed_matching(org, users, questionnaire, me),
        **_self_match(org, users, questionnaire, me),
    }
