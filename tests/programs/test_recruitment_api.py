"""The recruitment API: applications, decisions, withdrawals, invitations, nominations."""

import pytest
from django.core import mail

from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, Nomination, ProgramInvitation, ProgramStatus

from ..factories import OrganizationFactory, PersonFactory
from ..organizations.api_helpers import NOT_FOUND, api_url, error_of, token_client
from .recruitment_fixtures import (  # noqa: F401
    GOOD_MENTEE_ANSWERS,
    GOOD_MENTOR_ANSWERS,
    linked_member,
    make_program,
    program_fixture,
    program_manager,
)

pytestmark = pytest.mark.django_db


def member_client(org, **person_kwargs):
    user, person = linked_member(org, **person_kwargs)
    return token_client(user, org), user, person


def enroll(program, person=None, status=EnrollmentStatus.APPLIED, role="mentee"):
    org = program.organization
    return Enrollment.objects.create(
        organization=org,
        program=program,
        person=person or PersonFactory(organization=org),
        role=role,
        status=status,
    )


# --- applying ------------------------------------------------------------------------------


def test_a_member_applies_for_themselves(org, program):
    client, _, person = member_client(org)
    response = client.post(
        api_url(org, "enrollments/"),
        {"program": program.pk, "role": "mentee", "answers": GOOD_MENTEE_ANSWERS},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["person"]["id"], body["status"], body["role"]) == (person.pk, "applied", "mentee")
    assert body["response"] is not None


def test_intake_errors_name_each_answer(org, program):
    client, _, _ = member_client(org)
    response = client.post(
        api_url(org, "enrollments/"),
        {"program": program.pk, "role": "mentor", "answers": {"skills": ["juggling"]}, "capacity": -1},
        format="json",
    )
    assert response.status_code == 400
    fields = error_of(response)["fields"]
    assert set(fields) == {"answers.skills", "capacity", "motivation"}
    assert fields["capacity"] == ["Capacity cannot be below zero."]
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"goals": ["sql"]}, "answers.hours"),
        ({**GOOD_MENTEE_ANSWERS, "hours": "many"}, "answers.hours"),
        ({**GOOD_MENTEE_ANSWERS, "confidence": 6}, "answers.confidence"),
        ({**GOOD_MENTEE_ANSWERS, "nonsense": 1}, "answers.nonsense"),
    ],
)
def test_each_bad_answer_is_named(org, program, answers, field):
    client, _, _ = member_client(org)
    response = client.post(
        api_url(org, "enrollments/"), {"program": program.pk, "role": "mentee", "answers": answers}, format="json"
    )
    assert list(error_of(response)["fields"]) == [field]


def test_a_choice_id_of_another_question_or_organization_is_refused_by_name(org, program):
    """Choice ids in an intake are checked against their own question and organization."""
    from surveys.models import Choice

    client, _, _ = member_client(org)
    mentor_choice = Choice.objects.for_org(org).get(question__key="skills", value="sql")
    other_org_program = make_program(OrganizationFactory())
    foreign_choice = Choice.objects.for_org(other_org_program.organization).get(
        question__key="goals", value="leadership"
    )
    for wrong in (mentor_choice.pk, foreign_choice.pk):
        response = client.post(
            api_url(org, "enrollments/"),
            {"program": program.pk, "role": "mentee", "answers": {**GOOD_MENTEE_ANSWERS, "goals": [wrong]}},
            format="json",
        )
        assert list(error_of(response)["fields"]) == ["answers.goals"]
    assert not Enrollment.objects.exists()


def test_a_capacity_that_is_not_a_number_is_named(org, program):
    client, _, _ = member_client(org)
    response = client.post(
        api_url(org, "enrollments/"),
        {"program": program.pk, "role": "mentor", "answers": GOOD_MENTOR_ANSWERS, "motivation": "x", "capacity": "a"},
        format="json",
    )
    assert list(error_of(response)["fields"]) == ["capacity"]


def test_an_ineligible_member_is_told_why(org):
    program = make_program(org, audience={"locations": ["Lisbon"]})
    client, _, _ = member_client(org, location="Berlin")
    response = client.post(
        api_url(org, "enrollments/"),
        {"program": program.pk, "role": "mentee", "answers": GOOD_MENTEE_ANSWERS},
        format="json",
    )
    assert error_of(response)["fields"]["person"] == ["This program is for people in Lisbon; you are in Berlin."]


def test_a_member_without_a_directory_record_is_told_so(org, program, member_of):
    client = token_client(member_of(org), org)
    response = client.post(
        api_url(org, "enrollments/"), {"program": program.pk, "role": "mentee", "answers": {}}, format="json"
    )
    assert "not linked" in error_of(response)["fields"]["person"][0]


def test_a_draft_program_looks_missing_to_members(org):
    draft = make_program(org, status=ProgramStatus.DRAFT)
    client, _, _ = member_client(org)
    body = {"role": "mentee", "answers": GOOD_MENTEE_ANSWERS}
    as_draft = client.post(api_url(org, "enrollments/"), {**body, "program": draft.pk}, format="json")
    as_missing = client.post(api_url(org, "enrollments/"), {**body, "program": 999999}, format="json")
    assert error_of(as_draft)["fields"]["program"][0].replace(str(draft.pk), "N") == error_of(as_missing)["fields"][
        "program"
    ][0].replace("999999", "N")


def test_a_role_the_program_lacks_is_refused(org, program):
    client, _, _ = member_client(org)
    response = client.post(
        api_url(org, "enrollments/"), {"program": program.pk, "role": "peer", "answers": {}}, format="json"
    )
    assert list(error_of(response)["fields"]) == ["role"]


# --- listing -------------------------------------------------------------------------------


def test_members_list_their_own_managers_their_programs(org, program):
    client, _, person = member_client(org)
    mine = enroll(program, person)
    enroll(program)
    other_program = make_program(org, name="Other")
    enroll(other_program)
    assert [e["id"] for e in client.get(api_url(org, "enrollments/")).json()["results"]] == [mine.pk]

    manager = token_client(program_manager(org, program), org)
    listed = manager.get(api_url(org, "enrollments/")).json()["results"]
    assert {e["program"] for e in listed} == {program.pk}
    assert len(listed) == 2


def test_admins_filter_by_program_status_and_role(org, program, admin_user):
    enroll(program, status=EnrollmentStatus.APPROVED)
    enroll(program)
    enroll(program, role="mentor")
    client = token_client(admin_user, org)
    response = client.get(api_url(org, "enrollments/"), {"program": program.pk, "status": "applied", "role": "mentee"})
    assert response.json()["count"] == 1


def test_an_application_shows_its_answers(org, program, admin_user):
    client, _, _ = member_client(org)
    created = client.post(
        api_url(org, "enrollments/"),
        {"program": program.pk, "role": "mentee", "answers": GOOD_MENTEE_ANSWERS},
        format="json",
    ).json()
    detail = token_client(admin_user, org).get(api_url(org, f"enrollments/{created['id']}/")).json()
    answers = {a["key"]: a["value"] for a in detail["answers"]}
    assert answers["goals"] == "Leadership" and answers["hours"] == "4" and answers["about"] is None


# --- deciding ------------------------------------------------------------------------------


def test_a_manager_decides_in_bulk_and_each_applicant_is_emailed(org, program, django_capture_on_commit_callbacks):
    rows = [enroll(program) for _ in range(3)]
    client = token_client(program_manager(org, program), org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            api_url(org, "enrollments/decide/"),
            {"program": program.pk, "enrollments": [r.pk for r in rows], "decision": "waitlisted"},
            format="json",
        )
    assert response.status_code == 200
    assert sorted(response.json()["changed"]) == sorted(r.pk for r in rows)
    assert len(mail.outbox) == 3


def test_declining_without_a_reason_names_the_reason(org, program, admin_user):
    row = enroll(program)
    response = token_client(admin_user, org).post(
        api_url(org, "enrollments/decide/"),
        {"program": program.pk, "enrollments": [row.pk], "decision": "declined"},
        format="json",
    )
    assert list(error_of(response)["fields"]) == ["reason"]
    row.refresh_from_db()
    assert row.status == "applied"


def test_members_cannot_decide(org, program):
    row = enroll(program)
    client, _, _ = member_client(org)
    response = client.post(
        api_url(org, "enrollments/decide/"),
        {"program": program.pk, "enrollments": [row.pk], "decision": "approved"},
        format="json",
    )
    assert response.status_code == 403


def test_a_program_manager_cannot_approve_their_own_application(org, program):
    client, user, person = member_client(org)
    program.manager_links.create(organization=org, user=user)
    own = enroll(program, person, role="mentor")
    response = client.post(
        api_url(org, "enrollments/decide/"),
        {"program": program.pk, "enrollments": [own.pk], "decision": "approved"},
        format="json",
    )
    assert list(error_of(response)["fields"]) == ["enrollments"]
    own.refresh_from_db()
    assert own.status == "applied"


def test_another_organizations_application_answers_like_a_missing_one(org, program, admin_user):
    foreign = enroll(make_program(OrganizationFactory()))
    client = token_client(admin_user, org)

    def decide(pk):
        body = {"program": program.pk, "enrollments": [pk], "decision": "approved"}
        response = client.post(api_url(org, "enrollments/decide/"), body, format="json")
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    assert decide(foreign.pk) == decide(999999)
    foreign.refresh_from_db()
    assert foreign.status == "applied"


# --- withdrawing ---------------------------------------------------------------------------


def test_a_member_withdraws_their_own_application(org, program):
    client, _, person = member_client(org)
    row = enroll(program, person)
    response = client.post(api_url(org, f"enrollments/{row.pk}/withdraw/"), {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_someone_elses_application_is_not_found(org, program):
    client, _, _ = member_client(org)
    row = enroll(program)
    response = client.post(api_url(org, f"enrollments/{row.pk}/withdraw/"), {}, format="json")
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_a_manager_withdraws_someone_with_a_reason(org, program, admin_user):
    row = enroll(program)
    client = token_client(admin_user, org)
    refused = client.post(api_url(org, f"enrollments/{row.pk}/withdraw/"), {}, format="json")
    assert list(error_of(refused)["fields"]) == ["reason"]
    done = client.post(api_url(org, f"enrollments/{row.pk}/withdraw/"), {"reason": "Left the team"}, format="json")
    assert done.json()["reason"] == "Left the team"


def test_withdrawing_twice_is_refused(org, program):
    client, _, person = member_client(org)
    row = enroll(program, person, status=EnrollmentStatus.WITHDRAWN)
    response = client.post(api_url(org, f"enrollments/{row.pk}/withdraw/"), {}, format="json")
    assert list(error_of(response)["fields"]) == ["enrollment"]


# --- invitations ---------------------------------------------------------------------------


def test_a_manager_invites_by_email_and_gets_a_report(org, program, django_capture_on_commit_callbacks):
    ada = PersonFactory(organization=org, email="ada@example.com")
    client = token_client(program_manager(org, program), org)
    body = {"program": program.pk, "emails": ["ada@example.com", "ghost@example.com", "ada@example.com"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(api_url(org, "program-invitations/"), body, format="json")
    assert response.status_code == 201
    report = response.json()
    assert [(i["email"], i["person"]) for i in report["invited"]] == [("ada@example.com", ada.pk)]
    assert [(s["line"], s["message"]) for s in report["skipped"]] == [
        (2, "Not in the people directory."),
        (3, "Duplicate of line 1."),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(api_url(org, "program-invitations/"), body, format="json").json()
    assert again["invited"] == []
    assert len(mail.outbox) == 1
    listed = client.get(api_url(org, "program-invitations/"), {"program": program.pk}).json()
    assert [i["email"] for i in listed["results"]] == ["ada@example.com"]


def test_a_manager_invites_a_segment(org, django_capture_on_commit_callbacks, admin_user):
    program = make_program(org, audience={"departments": ["Engineering"]})
    PersonFactory(organization=org, department="Engineering", level=6)
    PersonFactory(organization=org, department="Engineering", level=1)
    client = token_client(admin_user, org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            api_url(org, "program-invitations/"), {"program": program.pk, "segment": {"level_min": 5}}, format="json"
        )
    assert len(response.json()["invited"]) == 1
    bad = client.post(
        api_url(org, "program-invitations/"), {"program": program.pk, "segment": {"level": 5}}, format="json"
    )
    assert list(error_of(bad)["fields"]) == ["level"]


@pytest.mark.parametrize("body", [{}, {"emails": ["a@example.com"], "csv_text": "b@example.com"}])
def test_exactly_one_way_of_inviting(org, program, admin_user, body):
    response = token_client(admin_user, org).post(
        api_url(org, "program-invitations/"), {"program": program.pk, **body}, format="json"
    )
    assert list(error_of(response)["fields"]) == ["non_field_errors"]


def test_members_cannot_invite_or_list_invitations(org, program):
    client, _, _ = member_client(org)
    ProgramInvitation.objects.create(
        organization=org, program=program, person=PersonFactory(organization=org), email="x@example.com"
    )
    response = client.post(
        api_url(org, "program-invitations/"), {"program": program.pk, "emails": ["x@example.com"]}, format="json"
    )
    assert response.status_code == 403
    assert client.get(api_url(org, "program-invitations/")).json()["count"] == 0


def test_inviting_to_a_draft_names_the_program(org, admin_user):
    draft = make_program(org, status=ProgramStatus.DRAFT)
    response = token_client(admin_user, org).post(
        api_url(org, "program-invitations/"), {"program": draft.pk, "emails": ["x@example.com"]}, format="json"
    )
    assert list(error_of(response)["fields"]) == ["program"]


# --- nominations ---------------------------------------------------------------------------


def test_a_manager_nominates_and_the_nominee_responds(org, program, django_capture_on_commit_callbacks):
    boss_client, _, boss = member_client(org)
    report_client, _, report = member_client(org, manager=boss)
    with django_capture_on_commit_callbacks(execute=True):
        created = boss_client.post(
            api_url(org, "nominations/"), {"program": program.pk, "nominee": report.pk, "note": "Go!"}, format="json"
        )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "pending"
    assert len(mail.outbox) == 1
    nomination_id = created.json()["id"]
    assert [n["id"] for n in report_client.get(api_url(org, "nominations/")).json()["results"]] == [nomination_id]
    answered = report_client.post(api_url(org, f"nominations/{nomination_id}/respond/"), {"accept": True})
    assert answered.json()["status"] == "accepted"
    enrollment = Enrollment.objects.get(person=report)
    assert (enrollment.source, enrollment.role) == ("nominated", "mentor")
    completed = report_client.post(
        api_url(org, "enrollments/"),
        {"program": program.pk, "role": "mentor", "answers": GOOD_MENTOR_ANSWERS, "motivation": "Sure"},
        format="json",
    )
    assert completed.status_code == 201 and completed.json()["id"] == enrollment.pk


def test_a_non_report_nomination_names_the_nominee(org, program):
    client, _, _ = member_client(org)
    stranger = PersonFactory(organization=org)
    response = client.post(api_url(org, "nominations/"), {"program": program.pk, "nominee": stranger.pk})
    assert list(error_of(response)["fields"]) == ["nominee"]
    assert not Nomination.objects.exists()


def test_the_manager_cannot_answer_for_the_nominee(org, program):
    boss_client, boss_user, boss = member_client(org)
    _, _, report = member_client(org, manager=boss)
    nomination = Nomination.objects.create(organization=org, program=program, nominee=report, nominated_by=boss_user)
    response = boss_client.post(api_url(org, f"nominations/{nomination.pk}/respond/"), {"accept": True})
    assert response.status_code == 403
    assert Nomination.objects.get().status == "pending"


def test_a_stranger_does_not_see_the_nomination(org, program, member_of):
    boss_user, boss = linked_member(org)
    _, report = linked_member(org, manager=boss)
    nomination = Nomination.objects.create(organization=org, program=program, nominee=report, nominated_by=boss_user)
    client = token_client(member_of(org, Role.MEMBER), org)
    assert client.get(api_url(org, f"nominations/{nomination.pk}/")).status_code == 404
