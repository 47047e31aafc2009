"""Recruitment pages through the Django client: join, your programs, review, invite, nominations."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from organizations.models import Role
from programs.models import Enrollment, EnrollmentStatus, MentoringModel, Nomination, ProgramInvitation, ProgramStatus
from surveys.models import Choice

from ..factories import PersonFactory
from .recruitment_fixtures import linked_member, make_program, program_fixture, program_manager  # noqa: F401

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"programs:{name}", args=[org.slug, *args])


def choice_pk(questionnaire, key, value):
    return Choice.objects.get(question__questionnaire=questionnaire, question__key=key, value=value).pk


def mentee_form(program, **overrides):
    data = {
        "role": "mentee",
        "intake-goals": [choice_pk(program.mentee_questionnaire, "goals", "leadership")],
        "intake-hours": "4",
        "intake-confidence": "3",
        "intake-about": "",
    }
    return {**data, **overrides}


# --- joining -------------------------------------------------------------------------------


def test_a_member_without_a_directory_record_is_told_how_to_get_linked(org, program, member_of, client_for):
    user = member_of(org)
    response = client_for(user).get(url("join", org, program.pk))
    assert response.status_code == 200
    assert b"find you in the directory" in response.content
    assert user.email.encode() in response.content
    assert reverse("account_email").encode() in response.content


def test_the_join_page_offers_the_programs_roles(org, program, client_for):
    user, _ = linked_member(org)
    response = client_for(user).get(url("join", org, program.pk))
    assert b"Join as a mentor" in response.content and b"Join as a mentee" in response.content
    assert b'name="viewport"' in response.content


def test_a_mentee_joins_with_the_intake(org, program, client_for):
    user, person = linked_member(org)
    client = client_for(user)
    page = client.get(url("join", org, program.pk) + "?role=mentee")
    assert b"What do you want to get better at?" in page.content
    assert b"How many mentees" not in page.content
    response = client.post(url("join", org, program.pk), mentee_form(program))
    assert response.status_code == 302
    assert response["Location"] == url("my-enrollments", org)
    enrollment = Enrollment.objects.get(person=person)
    assert (enrollment.role, enrollment.status) == ("mentee", "applied")
    assert enrollment.response.answers.count() == 3


def test_errors_show_beside_the_intake_fields(org, program, client_for):
    user, person = linked_member(org)
    response = client_for(user).post(
        url("join", org, program.pk), mentee_form(program, **{"intake-hours": "", "intake-confidence": "9"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("field-invalid") == 2
    assert "This question is required." in html
    assert not Enrollment.objects.filter(person=person).exists()


def test_a_mentor_states_motivation_and_capacity(org, program, client_for):
    user, person = linked_member(org)
    client = client_for(user)
    page = client.get(url("join", org, program.pk) + "?role=mentor")
    assert b"How many mentees can you take?" in page.content
    assert b'value="2"' in page.content  # the program's default capacity
    skills = choice_pk(program.mentor_questionnaire, "skills", "sql")
    refused = client.post(
        url("join", org, program.pk),
        {"role": "mentor", "intake-skills": [skills], "motivation": "I like it", "capacity": "-1"},
    )
    assert b"Ensure this value is greater than or equal to 0." in refused.content
    assert not Enrollment.objects.exists()
    client.post(
        url("join", org, program.pk),
        {"role": "mentor", "intake-skills": [skills], "motivation": "I like it", "capacity": "4"},
    )
    assert Enrollment.objects.get(person=person).capacity == 4


def test_an_ineligible_member_sees_why(org, client_for):
    program = make_program(org, audience={"departments": ["Sales"]})
    user, _ = linked_member(org, department="Engineering")
    response = client_for(user).get(url("join", org, program.pk))
    assert b"This program is for Sales; you are in Engineering." in response.content
    assert b"intake-" not in response.content


def test_a_draft_program_is_not_found_by_members(org, client_for):
    program = make_program(org, status=ProgramStatus.DRAFT)
    user, _ = linked_member(org)
    assert client_for(user).get(url("join", org, program.pk)).status_code == 404


def test_a_program_not_recruiting_says_so(org, client_for):
    program = make_program(org, status=ProgramStatus.MATCHING)
    user, _ = linked_member(org)
    response = client_for(user).get(url("join", org, program.pk))
    assert b"not taking applications" in response.content


def test_a_peer_program_skips_the_role_choice(org, client_for):
    program = make_program(org, model=MentoringModel.PEER_CIRCLES)
    user, person = linked_member(org)
    client = client_for(user)
    assert b"Send my application" in client.get(url("join", org, program.pk)).content
    client.post(url("join", org, program.pk), {})
    assert Enrollment.objects.get(person=person).role == "peer"


def test_someone_who_applied_sees_their_status(org, program, client_for):
    user, person = linked_member(org)
    Enrollment.objects.create(organization=org, program=program, person=person, role="mentee", status="waitlisted")
    response = client_for(user).get(url("join", org, program.pk))
    assert b"You already applied" in response.content and b"Waitlisted" in response.content


# --- your programs -------------------------------------------------------------------------


def test_my_programs_lists_applications_and_withdraws(org, program, client_for):
    user, person = linked_member(org)
    enrollment = Enrollment.objects.create(organization=org, program=program, person=person, role="mentee")
    make_program(org, name="Coffee chats", model=MentoringModel.ROTATION)
    client = client_for(user)
    page = client.get(url("my-enrollments", org))
    assert b"Mentoring 2025" in page.content and b"Coffee chats" in page.content
    assert b"Withdraw from Mentoring 2025" in page.content
    response = client.post(url("enrollment-withdraw", org, enrollment.pk), {"reason": "Too busy"})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.reason) == ("withdrawn", "Too busy")


def test_nobody_withdraws_someone_elses_enrollment(org, program, client_for):
    user, _ = linked_member(org)
    other = Enrollment.objects.create(
        organization=org, program=program, person=PersonFactory(organization=org), role="mentee"
    )
    assert client_for(user).post(url("enrollment-withdraw", org, other.pk)).status_code == 404
    assert client_for(user).get(url("enrollment-withdraw", org, other.pk)).status_code == 405


# --- the review queue ----------------------------------------------------------------------


def applications(program, n):
    org = program.organization
    from surveys.services import response_submit

    rows = []
    for i in range(n):
        person = PersonFactory(organization=org, name=f"Applicant {i:03d}")
        response = response_submit(
            organization=org,
            questionnaire=program.mentee_questionnaire,
            respondent=person,
            answers={"goals": ["sql", "leadership"], "hours": i % 10 + 1},
        )
        rows.append(
            Enrollment.objects.create(
                organization=org,
                program=program,
                person=person,
                role="mentee",
                response=response,
                intake_submitted_at=response.submitted_at,
            )
        )
    return rows


def test_the_review_queue_is_for_managers_only(org, program, client_for):
    user, _ = linked_member(org)
    assert client_for(user).get(url("review", org, program.pk)).status_code == 403
    manager = program_manager(org, program)
    assert client_for(manager).get(url("review", org, program.pk)).status_code == 200


def test_a_manager_filters_and_bulk_approves(org, program, client_for, django_capture_on_commit_callbacks):
    rows = applications(program, 3)
    Enrollment.objects.filter(pk=rows[2].pk).update(status=EnrollmentStatus.DECLINED)
    manager = program_manager(org, program)
    client = client_for(manager)
    page = client.get(url("review", org, program.pk), {"status": "applied"})
    html = page.content.decode()
    assert "Applicant 000" in html and "Applicant 002" not in html
    assert "Leadership, SQL" in html  # answers summarized from the prefetched rows
    assert "Applied (2)" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("review", org, program.pk),
            {"enrollments": [rows[0].pk, rows[1].pk], "decision": "approved", "reason": "", "back": "status=applied"},
        )
    assert response.status_code == 302
    assert response["Location"] == url("review", org, program.pk) + "?status=applied"
    assert set(Enrollment.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).values_list("status", flat=True)) == {
        "approved"
    }
    assert len(mail.outbox) == 2


def test_a_decline_without_reason_shows_the_error_beside_the_field(org, program, admin_user, client_for):
    rows = applications(program, 1)
    response = client_for(admin_user).post(
        url("review", org, program.pk), {"enrollments": [rows[0].pk], "decision": "declined", "reason": ""}
    )
    assert response.status_code == 400
    assert b"Say why: the applicant receives this reason." in response.content
    assert b"checked" in response.content  # the selection survives the error
    assert Enrollment.objects.get().status == "applied"


def test_a_selection_that_is_not_an_id_is_ignored_not_a_crash(org, program, admin_user, client_for):
    (row,) = applications(program, 1)
    response = client_for(admin_user).post(
        url("review", org, program.pk), {"enrollments": ["\u00b2", str(row.pk)], "decision": "waitlisted"}
    )
    assert response.status_code == 302
    assert Enrollment.objects.get().status == "waitlisted"


def test_the_review_queue_costs_the_same_queries_at_any_size(
    org, program, admin_user, client_for, django_assert_max_num_queries
):
    client = client_for(admin_user)
    applications(program, 2)
    client.get(url("review", org, program.pk))  # the first visit also remembers the organization in the session
    with django_assert_max_num_queries(11) as small:
        client.get(url("review", org, program.pk))
    applications(program, 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url("review", org, program.pk))
    assert response.content.count(b'name="enrollments"') == 42


def test_the_queue_is_searched_and_paginated(org, program, admin_user, client_for):
    applications(program, 55)
    client = client_for(admin_user)
    first = client.get(url("review", org, program.pk)).content.decode()
    assert first.count('name="enrollments"') == 50 and "Page 1 of 2" in first
    found = client.get(url("review", org, program.pk), {"q": "applicant 054"}).content.decode()
    assert found.count('name="enrollments"') == 1


def test_an_applicant_page_shows_answers_and_decides(org, program, admin_user, client_for):
    (row,) = applications(program, 1)
    client = client_for(admin_user)
    page = client.get(url("review-applicant", org, program.pk, row.pk)).content.decode()
    assert "Hours a month you can give" in page and "Leadership, SQL" in page
    response = client.post(
        url("review-applicant", org, program.pk, row.pk), {"decision": "waitlisted", "reason": "Next round"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.reason) == ("waitlisted", "Next round")


def test_an_applicant_of_another_program_is_not_found(org, program, admin_user, client_for):
    (row,) = applications(make_program(org, name="Other"), 1)
    assert client_for(admin_user).get(url("review-applicant", org, program.pk, row.pk)).status_code == 404


# --- invitations ---------------------------------------------------------------------------


def test_the_invite_page_previews_and_invites_the_audience(
    org, admin_user, client_for, django_capture_on_commit_callbacks
):
    program = make_program(org, audience={"departments": ["Engineering"]})
    for _ in range(3):
        PersonFactory(organization=org, department="Engineering", level=4)
    PersonFactory(organization=org, department="Engineering", level=1)
    PersonFactory(organization=org, department="Sales")
    client = client_for(admin_user)
    page = client.get(url("invite", org, program.pk)).content.decode()
    assert "<strong>4</strong> people match" in page
    preview = client.post(url("invite", org, program.pk), {"action": "preview", "level_min": "3"}).content.decode()
    assert "<strong>3</strong> people match" in preview
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url("invite", org, program.pk), {"action": "segment", "level_min": "3"})
    assert "3 invited, 0 skipped" in done.content.decode()
    assert len(mail.outbox) == 3


def test_the_invite_page_reports_each_pasted_line(org, program, admin_user, client_for):
    PersonFactory(organization=org, email="ada@example.com")
    response = client_for(admin_user).post(
        url("invite", org, program.pk), {"action": "emails", "emails": "ada@example.com\nghost@example.com"}
    )
    html = response.content.decode()
    assert "1 invited, 1 skipped" in html
    assert "ghost@example.com" in html and "Not in the people directory." in html
    assert ProgramInvitation.objects.count() == 1


def test_a_csv_file_can_be_uploaded(org, program, admin_user, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    PersonFactory(organization=org, email="ada@example.com")
    upload = SimpleUploadedFile("people.csv", b"name,email\nAda,ada@example.com\n", content_type="text/csv")
    response = client_for(admin_user).post(url("invite", org, program.pk), {"action": "emails", "file": upload})
    assert "1 invited, 0 skipped" in response.content.decode()


def test_an_empty_invite_form_shows_an_error(org, program, admin_user, client_for):
    response = client_for(admin_user).post(url("invite", org, program.pk), {"action": "emails", "emails": ""})
    assert response.status_code == 400
    assert b"Paste some email addresses or choose a CSV file." in response.content


def test_members_cannot_invite(org, program, client_for):
    user, _ = linked_member(org)
    assert client_for(user).get(url("invite", org, program.pk)).status_code == 403


# --- nominations ---------------------------------------------------------------------------


def test_a_manager_nominates_and_the_nominee_accepts_then_fills_the_intake(
    org, program, client_for, django_capture_on_commit_callbacks
):
    boss_user, boss = linked_member(org, role=Role.MEMBER, name="Bea Boss")
    report_user, report = linked_member(org, manager=boss, name="Rory Report")
    PersonFactory(organization=org, manager=boss, exit_date=date.today() - timedelta(days=1), name="Gone Person")
    boss_client = client_for(boss_user)
    page = boss_client.get(url("nominations", org)).content.decode()
    assert "Rory Report" in page and "Gone Person" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = boss_client.post(
            url("nominations", org), {"program": program.pk, "nominee": report.pk, "note": "Natural teacher"}
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == [report.email]

    report_client = client_for(report_user)
    mine = report_client.get(url("my-enrollments", org)).content.decode()
    assert "Bea Boss nominated you as a mentor" in mine
    nomination = Nomination.objects.get()
    response = report_client.post(url("nomination-respond", org, nomination.pk), {"answer": "accept"})
    assert response["Location"] == url("join", org, program.pk)
    join = report_client.get(response["Location"]).content.decode()
    assert "You accepted your nomination" in join and "How many mentees" in join


def test_a_member_without_reports_cannot_nominate(org, program, client_for):
    user, _ = linked_member(org)
    stranger = PersonFactory(organization=org)
    response = client_for(user).post(url("nominations", org), {"program": program.pk, "nominee": stranger.pk})
    assert response.status_code == 400
    assert not Nomination.objects.exists()


def test_only_the_nominee_can_answer(org, program, client_for):
    boss_user, boss = linked_member(org)
    _, report = linked_member(org, manager=boss)
    nomination = Nomination.objects.create(organization=org, program=program, nominee=report, nominated_by=boss_user)
    response = client_for(boss_user).post(url("nomination-respond", org, nomination.pk), {"answer": "accept"})
    assert response.status_code == 404
