"""Matching API for participants: suggestions, mentor requests, rematch, private lists."""

import pytest
from django.utils import timezone

from matching.models import MatchPreference, MentorRequest, PairExclusion, RematchRequest
from matching.services.criteria import matching_settings_update
from matching.services.self_match import suggestions_refresh
from mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from organizations.models import Role

from ..factories import OrganizationFactory, PersonFactory
from ..organizations.api_helpers import NOT_FOUND, api_url, error_of, session_client, token_client
from .api_fixtures import add_criteria, enroll, make_program, participant, program_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    program = make_program(org, mode="self_match")
    add_criteria(program)
    return program


@pytest.fixture
def ada(program):
    """(user, enrollment): a mentee who wants to learn Python."""
    return participant(program, "mentee", ["python"])


@pytest.fixture
def mo(program):
    """(user, enrollment): a mentor who teaches Python, with room for one mentee."""
    return participant(program, "mentor", ["python"], capacity=1)


def url(org, path):
    return api_url(org, path)


def ask(client, org, mentor, message="Hello!"):
    return client.post(url(org, "mentor-requests/"), {"mentor": mentor.pk, "message": message}, format="json")


def pair(program, mentee, mentor):
    """A live mentorship of the two enrollments."""
    org = program.organization
    mentorship = Mentorship.objects.create(organization=org, program=program, started_on=timezone.localdate())
    for enrollment in (mentee, mentor):
        MentorshipMember.objects.create(
            organization=org,
            mentorship=mentorship,
            enrollment=enrollment,
            person=enrollment.person,
            role=enrollment.role,
        )
    return mentorship


# --- suggestions ---------------------------------------------------------------------------


def test_a_mentee_sees_their_own_suggestions_with_reasons(program, ada, mo):
    other_user, other = participant(program, "mentee", ["python"])
    suggestions_refresh(organization=program.organization, program=program)
    mine = token_client(ada[0], program.organization).get(url(program.organization, "mentor-suggestions/")).json()
    assert [(s["mentee"], s["mentor"]["enrollment"], s["rank"]) for s in mine["results"]] == [(ada[1].pk, mo[1].pk, 1)]
    suggestion = mine["results"][0]
    assert suggestion["mentor"]["name"] == mo[1].person.name
    assert suggestion["score"] == 100 and suggestion["reasons"][0]["text"]
    # The mentor is suggested, not shown suggestions; nobody sees another mentee's.
    assert session_client(mo[0]).get(url(program.organization, "mentor-suggestions/")).json()["results"] == []
    theirs = session_client(other_user).get(url(program.organization, "mentor-suggestions/")).json()["results"]
    assert {s["mentee"] for s in theirs} == {other.pk}


def test_a_manager_refreshes_the_suggestions(program, ada, mo):
    response = session_client(program_manager(program)).post(
        url(program.organization, "mentor-suggestions/refresh/"), {"program": program.pk}, format="json"
    )
    assert (response.status_code, response.json()) == (200, {"suggestions": 1})
    refused = session_client(ada[0]).post(
        url(program.organization, "mentor-suggestions/refresh/"), {"program": program.pk}, format="json"
    )
    assert refused.status_code == 403


def test_refreshing_a_managed_program_says_why_not(org):
    managed = make_program(org, name="Managed")
    response = session_client(program_manager(managed)).post(
        url(org, "mentor-suggestions/refresh/"), {"program": managed.pk}, format="json"
    )
    assert (
        response.status_code == 400 and "program team makes the matches" in error_of(response)["fields"]["program"][0]
    )


# --- mentor requests -----------------------------------------------------------------------


def test_a_mentee_asks_and_both_sides_see_the_request(program, ada, mo):
    org = program.organization
    sent = ask(token_client(ada[0], org), org, mo[1])
    assert sent.status_code == 201, sent.json()
    body = sent.json()
    assert (body["status"], body["mentee"]["enrollment"], body["mentor"]["enrollment"]) == (
        "pending",
        ada[1].pk,
        mo[1].pk,
    )
    assert body["message"] == "Hello!"
    received = session_client(mo[0]).get(url(org, "mentor-requests/?box=received")).json()["results"]
    assert [r["id"] for r in received] == [body["id"]]
    assert session_client(mo[0]).get(url(org, "mentor-requests/?box=sent")).json()["results"] == []
    assert [r["id"] for r in session_client(ada[0]).get(url(org, "mentor-requests/?box=sent")).json()["results"]] == [
        body["id"]
    ]


def test_only_a_mentee_of_the_program_can_ask(program, mo, member_of):
    org = program.organization
    outsider_user, _ = participant(make_program(org, name="Elsewhere", mode="self_match"), "mentee", ["python"])
    response = ask(session_client(outsider_user), org, mo[1])
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"mentor": ["You are not a mentee of this mentor's program."]}
    assert not MentorRequest.objects.exists()


def test_another_organizations_mentor_answers_like_a_missing_one(program, ada):
    foreign_program = make_program(OrganizationFactory(), mode="self_match")
    foreign_mentor = enroll(foreign_program, "mentor", ["python"])
    client = session_client(ada[0])
    org = program.organization

    def refusal(pk):
        response = client.post(url(org, "mentor-requests/"), {"mentor": pk}, format="json")
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    assert refusal(foreign_mentor.pk) == refusal(999999)
    assert not MentorRequest.objects.exists()


def test_the_cap_on_pending_requests_holds(org):
    program = make_program(org, mode="self_match")
    add_criteria(program)
    matching_settings_update(organization=org, program=program, max_pending_requests=1)
    user, _ = participant(program, "mentee", ["python"])
    first, second = enroll(program, "mentor", ["python"]), enroll(program, "mentor", ["python"])
    client = session_client(user)
    assert ask(client, org, first).status_code == 201
    refused = ask(client, org, second)
    assert refused.status_code == 400 and "the most this program allows" in error_of(refused)["fields"]["mentor"][0]


def test_the_mentor_accepts_and_a_mentorship_starts(program, ada, mo):
    org = program.organization
    request_id = ask(session_client(ada[0]), org, mo[1]).json()["id"]
    client = token_client(mo[0], org)
    accepted = client.post(url(org, f"mentor-requests/{request_id}/accept/"))
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted" and accepted.json()["mentorship"]
    mentorship = Mentorship.objects.get(pk=accepted.json()["mentorship"])
    assert {m.enrollment_id for m in mentorship.members.all()} == {ada[1].pk, mo[1].pk}
    again = client.post(url(org, f"mentor-requests/{request_id}/accept/"))
    assert again.status_code == 400 and "no longer open" in error_of(again)["fields"]["request"][0]


def test_a_full_mentor_cannot_accept_and_their_other_requests_close(program, ada, mo):
    org = program.organization
    bea_user, _ = participant(program, "mentee", ["python"])
    first = ask(session_client(ada[0]), org, mo[1]).json()["id"]
    second = ask(session_client(bea_user), org, mo[1]).json()["id"]
    client = session_client(mo[0])
    assert client.post(url(org, f"mentor-requests/{first}/accept/")).status_code == 200
    closed = client.get(url(org, f"mentor-requests/{second}/")).json()
    assert closed["status"] == "closed" and closed["response_note"]
    refused = client.post(url(org, f"mentor-requests/{second}/accept/"))
    assert refused.status_code == 400 and "request" in error_of(refused)["fields"]
    assert Mentorship.objects.count() == 1


def test_only_the_mentor_answers_and_strangers_get_404(program, ada, mo, member_of):
    org = program.organization
    request_id = ask(session_client(ada[0]), org, mo[1]).json()["id"]
    assert session_client(ada[0]).post(url(org, f"mentor-requests/{request_id}/accept/")).status_code == 403
    stranger = session_client(member_of(org, Role.MEMBER))
    response = stranger.post(url(org, f"mentor-requests/{request_id}/decline/"), {}, format="json")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert MentorRequest.objects.get().status == "pending"


def test_the_mentor_declines_with_a_note_and_the_mentee_withdraws_another(program, ada, mo):
    org = program.organization
    other_mentor_user, other_mentor = participant(program, "mentor", ["python"])
    declined_id = ask(session_client(ada[0]), org, mo[1]).json()["id"]
    withdrawn_id = ask(session_client(ada[0]), org, other_mentor).json()["id"]
    declined = session_client(mo[0]).post(
        url(org, f"mentor-requests/{declined_id}/decline/"), {"note": "I am away all spring."}, format="json"
    )
    assert (declined.json()["status"], declined.json()["response_note"]) == ("declined", "I am away all spring.")
    withdrawn = session_client(ada[0]).post(url(org, f"mentor-requests/{withdrawn_id}/withdraw/"))
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert (
        session_client(other_mentor_user).post(url(org, f"mentor-requests/{withdrawn_id}/withdraw/")).status_code == 403
    )


# --- rematch -------------------------------------------------------------------------------


def test_a_member_ends_a_match_and_only_the_manager_reads_why(program, ada, mo):
    org = program.organization
    mentorship = pair(program, ada[1], mo[1])
    manager = program_manager(program)
    asked = token_client(ada[0], org).post(
        url(org, "rematch-requests/"), {"mentorship": mentorship.pk, "reason": "We never click."}, format="json"
    )
    assert asked.status_code == 201, asked.json()
    assert "reason" not in asked.json() and asked.json()["requested_by"]["enrollment"] == ada[1].pk
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ENDED_EARLY
    mine = session_client(ada[0]).get(url(org, "rematch-requests/")).json()["results"]
    assert [r["id"] for r in mine] == [asked.json()["id"]] and "reason" not in mine[0]
    assert session_client(mo[0]).get(url(org, "rematch-requests/")).json()["results"] == []
    managed = session_client(manager).get(url(org, f"rematch-requests/?program={program.pk}")).json()["results"]
    assert [r["reason"] for r in managed] == ["We never click."]


def test_only_members_end_a_match_and_only_while_it_runs(program, ada, mo):
    org = program.organization
    mentorship = pair(program, ada[1], mo[1])
    outsider, _ = participant(program, "mentee", ["python"])
    foreign_program = make_program(OrganizationFactory())
    foreign = pair(
        foreign_program, enroll(foreign_program, "mentee", ["sql"]), enroll(foreign_program, "mentor", ["sql"])
    )

    def refusal(client, pk):
        response = client.post(url(org, "rematch-requests/"), {"mentorship": pk}, format="json")
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    assert refusal(session_client(outsider), mentorship.pk) == refusal(session_client(outsider), 999999)
    assert refusal(session_client(ada[0]), foreign.pk) == refusal(session_client(ada[0]), 999999)
    client = session_client(mo[0])
    assert client.post(url(org, "rematch-requests/"), {"mentorship": mentorship.pk}, format="json").status_code == 201
    again = client.post(url(org, "rematch-requests/"), {"mentorship": mentorship.pk}, format="json")
    assert again.status_code == 400 and "no longer running" in error_of(again)["fields"]["mentorship"][0]
    assert RematchRequest.objects.count() == 1


# --- private lists -------------------------------------------------------------------------


def test_a_participant_keeps_a_private_please_not_list(program, ada):
    org = program.organization
    someone = PersonFactory(organization=org, name="Sam")
    client = token_client(ada[0], org)
    added = client.post(url(org, "pair-exclusions/"), {"enrollment": ada[1].pk, "person": someone.pk}, format="json")
    assert added.status_code == 201, added.json()
    assert (added.json()["person"], added.json()["person_name"]) == (someone.pk, "Sam")
    twice = client.post(url(org, "pair-exclusions/"), {"enrollment": ada[1].pk, "person": someone.pk}, format="json")
    assert twice.status_code == 400 and "already" in error_of(twice)["fields"]["person"][0]
    myself = client.post(
        url(org, "pair-exclusions/"), {"enrollment": ada[1].pk, "person": ada[1].person_id}, format="json"
    )
    assert myself.status_code == 400 and "person" in error_of(myself)["fields"]
    assert [e["id"] for e in client.get(url(org, "pair-exclusions/")).json()["results"]] == [added.json()["id"]]
    assert client.delete(url(org, f"pair-exclusions/{added.json()['id']}/")).status_code == 204
    assert not PairExclusion.objects.exists()


def test_nobody_else_sees_or_writes_someones_list(program, ada, mo):
    org = program.organization
    entry = PairExclusion.objects.create(
        organization=org, enrollment=ada[1], excluded_person=PersonFactory(organization=org)
    )
    client = session_client(mo[0])
    assert client.get(url(org, "pair-exclusions/")).json()["results"] == []
    assert client.delete(url(org, f"pair-exclusions/{entry.pk}/")).json() == NOT_FOUND
    someone = PersonFactory(organization=org)

    def refusal(pk):
        response = client.post(url(org, "pair-exclusions/"), {"enrollment": pk, "person": someone.pk}, format="json")
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    assert refusal(ada[1].pk) == refusal(999999)
    assert PairExclusion.objects.count() == 1


def test_mentees_ask_for_a_mentor_but_mentors_do_not(program, ada, mo):
    org = program.organization
    body = {"enrollment": ada[1].pk, "person": mo[1].person_id}
    added = session_client(ada[0]).post(url(org, "match-preferences/"), body, format="json")
    assert added.status_code == 201, added.json()
    assert MatchPreference.objects.get().preferred_person_id == mo[1].person_id
    refused = session_client(mo[0]).post(
        url(org, "match-preferences/"), {"enrollment": mo[1].pk, "person": ada[1].person_id}, format="json"
    )
    assert refused.status_code == 400 and "enrollment" in error_of(refused)["fields"]
    removed = session_client(ada[0]).delete(url(org, f"match-preferences/{added.json()['id']}/"))
    assert removed.status_code == 204 and not MatchPreference.objects.exists()


def test_another_organizations_person_answers_like_a_missing_one(program, ada):
    foreign = PersonFactory(organization=OrganizationFactory())
    client = session_client(ada[0])
    org = program.organization

    def refusal(path, pk):
        response = client.post(url(org, path), {"enrollment": ada[1].pk, "person": pk}, format="json")
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    for path in ("pair-exclusions/", "match-preferences/"):
        assert refusal(path, foreign.pk) == refusal(path, 999999)
