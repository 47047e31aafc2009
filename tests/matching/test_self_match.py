"""Self-match: suggestions spread over the cohort, requests, answers, and the emails they send."""

import numpy as np
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from matching.models import MatchingSettings, MentorRequest, MentorSuggestion, PairExclusion, RequestStatus
from matching.selectors import requests_for, suggestions_for
from matching.services.self_match import (
    mentor_request_accept,
    mentor_request_decline,
    mentor_request_send,
    mentor_request_withdraw,
    spread_suggestions,
    suggestions_refresh,
)
from matching.tasks import send_mentor_request_emails_task
from mentorships.models import Mentorship, MentorshipMember
from organizations.models import Person
from programs.models import MentoringModel, Program

from ..factories import MentorshipFactory, OrganizationFactory, UserFactory
from .participant_fixtures import self_match_program, send

pytestmark = pytest.mark.django_db

SQL, LEAD, TALK = "sql", "leadership", "public_speaking"


def accept(world, request):
    return mentor_request_accept(organization=world.org, request=request, user=world.user(request.mentor.person.name))


@pytest.fixture
def world(org):
    """Three mentees, two mentors with one place each."""
    return self_match_program(
        org,
        mentees={"Ann": [SQL], "Bea": [SQL, LEAD], "Cai": [LEAD]},
        mentors={"Mo": ([SQL, LEAD], 1), "Ned": ([LEAD], 1)},
    )


# --- spreading the suggestions ---------------------------------------------------------------


def test_a_popular_mentor_goes_to_those_who_gain_most_not_to_the_first_in_line():
    # Everyone likes mentor 0 best, but mentees 3-5 far more than 0-2; mentor 0 has one place
    # (so at most three mentees see them), mentor 1 has two.
    scores = np.array([[50, 40]] * 3 + [[90, 40]] * 3, dtype=float)
    picks = spread_suggestions(scores, None, [1, 2], per_mentee=1)
    assert picks == [[1], [1], [1], [0], [0], [0]]


def test_no_mentor_is_shown_to_more_than_three_mentees_per_free_place():
    rng = np.random.default_rng(7)
    scores = rng.uniform(0, 100, size=(40, 6))
    scores[:, 0] += 50  # everyone's favourite
    capacity = np.array([1, 2, 1, 3, 0, 2])
    picks = spread_suggestions(scores, None, capacity, per_mentee=3)
    shown = np.bincount([j for chosen in picks for j in chosen], minlength=6)
    assert (shown <= 3 * capacity).all()
    assert shown[4] == 0  # a mentor with no free place is never suggested
    assert all(len(set(chosen)) == len(chosen) for chosen in picks)
    # 27 exposures for 40 mentees: the solver gives as many mentees as possible at least one.
    assert sum(1 for chosen in picks if chosen) == 27


def test_suggestions_are_best_first_respect_hard_rules_and_are_the_same_every_time():
    rng = np.random.default_rng(3)
    scores = rng.uniform(0, 100, size=(12, 5))
    allowed = rng.uniform(size=scores.shape) > 0.2
    first = spread_suggestions(scores, allowed, [2, 2, 1, 1, 3], per_mentee=3, min_score=20)
    assert first == spread_suggestions(scores, allowed, [2, 2, 1, 1, 3], per_mentee=3, min_score=20)
    for i, chosen in enumerate(first):
        assert all(allowed[i, j] and scores[i, j] >= 20 for j in chosen)
        assert [scores[i, j] for j in chosen] == sorted((scores[i, j] for j in chosen), reverse=True)


def test_refresh_stores_explained_suggestions_for_free_mentees_only(world):
    MentorshipFactory(program=world.program, members=[world.enrollment("Ned"), world.enrollment("Cai")])
    assert suggestions_refresh(organization=world.org, program=world.program) == 2
    ann = suggestions_for(world.enrollment("Ann"))
    assert [(s.mentor_name, s.rank, s.score, s.capacity_left, s.request_pending) for s in ann] == [
        ("Mo", 1, 100.0, 1, False)
    ]
    assert "SQL" in ann[0].reasons[0]["text"]
    # Ned is full (he mentors Cai), Cai is matched: neither appears.
    assert not MentorSuggestion.objects.filter(mentee=world.enrollment("Cai")).exists()
    assert not MentorSuggestion.objects.filter(mentor=world.enrollment("Ned")).exists()


def test_a_popular_mentor_is_suggested_to_three_mentees_per_free_place(org):
    mentees = {name: [SQL] for name in ("Ann", "Bea", "Cai", "Dov", "Eli", "Fay", "Gus")}
    world = self_match_program(org, mentees=mentees, mentors={"Mo": ([SQL], 1), "Ned": ([SQL, LEAD], 2)})
    shown = [s.mentor.person.name for s in MentorSuggestion.objects.select_related("mentor__person")]
    assert shown.count("Mo") == 3
    assert shown.count("Ned") == 6
    # 9 exposures for 7 mentees: nobody is left without a suggestion.
    assert all(suggestions_for(world.enrollment(name)) for name in mentees)


def test_refresh_refuses_a_program_the_team_matches(world):
    MatchingSettings.objects.filter(program=world.program).update(mode="managed")
    with pytest.raises(ValidationError) as caught:
        suggestions_refresh(organization=world.org, program=world.program)
    assert "program team makes the matches" in caught.value.message_dict["program"][0]


def test_suggestions_are_read_in_four_queries_however_many(world, django_assert_num_queries):
    send(world, "Bea", "Ned")
    with django_assert_num_queries(4):
        assert len(suggestions_for(world.enrollment("Bea"))) == 2


def test_suggestions_show_a_pending_request(world):
    request = send(world, "Bea", "Ned")
    bea = {s.mentor_name: s for s in suggestions_for(world.enrollment("Bea"))}
    assert bea["Ned"].request_pending and bea["Ned"].pending_request == request
    assert not bea["Mo"].request_pending


# --- sending -------------------------------------------------------------------------------


def test_a_mentee_asks_a_mentor_who_is_emailed_with_the_message(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = send(world, "Ann", "Mo", message="I would love to learn SQL from you.")
    assert request.status == RequestStatus.PENDING
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [world.enrollment("Mo").person.email]
    assert "Ann would like you as their mentor" in email.subject
    assert "I would love to learn SQL from you." in email.body
    assert f"/matching/me/{world.enrollment('Mo').pk}/requests/" in email.body
    # A redelivered task sends nothing twice.
    assert send_mentor_request_emails_task(world.org.pk, [request.pk]) == 0
    assert len(mail.outbox) == 1


def test_only_the_mentee_themself_can_ask(world):
    with pytest.raises(PermissionDenied):
        mentor_request_send(
            organization=world.org,
            mentee=world.enrollment("Ann"),
            mentor=world.enrollment("Mo"),
            user=world.user("Bea"),
        )
    assert not MentorRequest.objects.exists()


def test_asking_the_same_mentor_twice_is_refused(world):
    send(world, "Ann", "Mo")
    with pytest.raises(ValidationError) as caught:
        send(world, "Ann", "Mo")
    assert "already asked Mo" in caught.value.message_dict["mentor"][0]


def test_the_number_of_pending_requests_is_capped(org):
    world = self_match_program(
        org, mentees={"Ann": [SQL]}, mentors={"Mo": ([SQL], 1), "Ned": ([SQL], 1), "Ola": ([SQL], 1)}, max_pending=2
    )
    send(world, "Ann", "Mo")
    send(world, "Ann", "Ned")
    with pytest.raises(ValidationError) as caught:
        send(world, "Ann", "Ola")
    assert "2 requests waiting" in caught.value.message_dict["mentor"][0]
    mentor_request_withdraw(
        organization=org, request=MentorRequest.objects.get(mentor=world.enrollment("Mo")), user=world.user("Ann")
    )
    assert send(world, "Ann", "Ola").status == RequestStatus.PENDING


def test_a_program_the_team_matches_takes_no_requests(org):
    world = self_match_program(org, mentees={"Ann": [SQL]}, mentors={"Mo": ([SQL], 1)}, mode="managed")
    with pytest.raises(ValidationError) as caught:
        send(world, "Ann", "Mo")
    assert "program team makes the matches" in caught.value.message_dict["program"][0]


def test_a_pair_the_hard_rules_forbid_is_refused_without_saying_why(world):
    mo = world.enrollment("Mo").person
    Person.objects.filter(pk=world.enrollment("Ann").person_id).update(manager=mo)  # Mo is Ann's manager
    with pytest.raises(ValidationError) as caught:
        send(world, "Ann", "Mo")
    message = caught.value.message_dict["mentor"][0]
    assert message == "The program's matching rules do not allow a match with Mo."


def test_a_pair_below_the_minimum_score_is_refused(world):
    MatchingSettings.objects.filter(program=world.program).update(min_score=60)
    with pytest.raises(ValidationError) as caught:
        send(world, "Ann", "Ned")  # Ann wants SQL, Ned teaches leadership: score 0
    assert "below the program's minimum" in caught.value.message_dict["mentor"][0]


def test_a_mentor_without_a_free_place_cannot_be_asked(world):
    MentorshipFactory(program=world.program, members=[world.enrollment("Ned"), world.enrollment("Cai")])
    with pytest.raises(ValidationError) as caught:
        send(world, "Bea", "Ned")
    assert caught.value.message_dict["mentor"] == ["Ned has no free place at the moment."]


def test_a_mentee_who_was_declined_does_not_ask_the_same_mentor_again(world):
    request = send(world, "Ann", "Mo")
    mentor_request_decline(organization=world.org, request=request, user=world.user("Mo"))
    with pytest.raises(ValidationError) as caught:
        send(world, "Ann", "Mo")
    assert "Mo declined your earlier request" in caught.value.message_dict["mentor"][0]


def test_another_organizations_mentor_is_refused(world):
    other = self_match_program(OrganizationFactory(), mentees={"Zed": [SQL]}, mentors={"Yan": ([SQL], 1)})
    with pytest.raises(ValidationError):
        mentor_request_send(
            organization=world.org,
            mentee=world.enrollment("Ann"),
            mentor=other.enrollment("Yan"),
            user=world.user("Ann"),
        )


# --- answering -----------------------------------------------------------------------------


def test_accepting_starts_the_mentorship_and_tidies_up_the_other_requests(world, django_capture_on_commit_callbacks):
    to_mo = send(world, "Bea", "Mo")
    bea_to_ned = send(world, "Bea", "Ned")
    ann_to_mo = send(world, "Ann", "Mo")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mentorship = accept(world, to_mo)

    assert mentorship.status == "active" and mentorship.score == 100.0 and mentorship.reasons
    members = MentorshipMember.objects.filter(mentorship=mentorship)
    assert sorted((m.person.name, m.role) for m in members) == [("Bea", "mentee"), ("Mo", "mentor")]
    to_mo.refresh_from_db()
    assert (to_mo.status, to_mo.mentorship) == (RequestStatus.ACCEPTED, mentorship)
    bea_to_ned.refresh_from_db()
    assert bea_to_ned.status == RequestStatus.CLOSED  # Bea is matched
    ann_to_mo.refresh_from_db()
    assert ann_to_mo.status == RequestStatus.CLOSED and "places are all taken" in ann_to_mo.response_note
    emails = {email.to[0]: email for email in mail.outbox}
    assert set(emails) == {world.enrollment("Bea").person.email, world.enrollment("Ann").person.email}
    assert emails[world.enrollment("Bea").person.email].subject == "Mo is your mentor"
    assert "no free place left" in emails[world.enrollment("Ann").person.email].body
    # The suggestions were refreshed: nobody is shown Mo any more, and Bea has none.
    assert not MentorSuggestion.objects.filter(mentor=world.enrollment("Mo")).exists()
    assert not MentorSuggestion.objects.filter(mentee=world.enrollment("Bea")).exists()


def test_a_mentor_with_places_left_keeps_their_other_requests(org):
    world = self_match_program(org, mentees={"Ann": [SQL], "Bea": [SQL]}, mentors={"Mo": ([SQL], 2)})
    first, second = send(world, "Ann", "Mo"), send(world, "Bea", "Mo")
    accept(world, first)
    second.refresh_from_db()
    assert second.status == RequestStatus.PENDING
    accept(world, second)
    assert Mentorship.objects.filter(program=world.program, status="active").count() == 2


def test_a_full_mentor_cannot_accept(world):
    request = send(world, "Bea", "Ned")
    # Ned's one place was filled by the program team meanwhile.
    MentorshipFactory(program=world.program, members=[world.enrollment("Ned"), world.enrollment("Cai")])
    with pytest.raises(ValidationError) as caught:
        accept(world, request)
    assert "You have no free place: you mentor 1 of 1" in caught.value.message_dict["request"][0]
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert Mentorship.objects.count() == 1


def test_a_mentee_matched_elsewhere_cannot_be_accepted(world):
    request = send(world, "Bea", "Ned")
    MentorshipFactory(program=world.program, members=[world.enrollment("Mo"), world.enrollment("Bea")])
    with pytest.raises(ValidationError) as caught:
        accept(world, request)
    assert caught.value.message_dict["request"] == ["Bea already has a mentor in this program."]


def test_a_pair_a_hard_rule_forbids_since_the_request_is_not_accepted_and_not_told_why(world):
    request = send(world, "Bea", "Ned")
    # Bea put Ned on her private "please not" list after asking him (rather than withdrawing).
    PairExclusion.objects.create(
        organization=world.org, enrollment=world.enrollment("Bea"), excluded_person=world.enrollment("Ned").person
    )
    with pytest.raises(ValidationError) as caught:
        accept(world, request)
    assert caught.value.message_dict["request"] == [
        "The program's matching rules no longer allow a match with Bea. Decline the request, or ask the program team."
    ]
    assert not Mentorship.objects.exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_in_a_group_program_accepted_mentees_join_the_mentors_group(org):
    world = self_match_program(org, mentees={"Ann": [SQL], "Bea": [SQL]}, mentors={"Mo": ([SQL], 3)})
    Program.objects.filter(pk=world.program.pk).update(model=MentoringModel.GROUP)
    world.program.refresh_from_db()
    first = accept(world, send(world, "Ann", "Mo"))
    second = accept(world, send(world, "Bea", "Mo"))
    assert first == second
    assert sorted(m.person.name for m in first.members.all()) == ["Ann", "Bea", "Mo"]


def test_another_organizations_request_is_refused(world):
    request = send(world, "Ann", "Mo")
    other = OrganizationFactory()
    with pytest.raises(ValidationError):
        mentor_request_accept(organization=other, request=request, user=world.user("Mo"))
    with pytest.raises(ValidationError):
        mentor_request_withdraw(organization=other, request=request, user=world.user("Ann"))


def test_only_the_mentor_asked_can_accept_or_decline(world):
    request = send(world, "Ann", "Mo")
    for user in (world.user("Ann"), world.user("Ned"), UserFactory()):
        with pytest.raises(PermissionDenied):
            mentor_request_accept(organization=world.org, request=request, user=user)
        with pytest.raises(PermissionDenied):
            mentor_request_decline(organization=world.org, request=request, user=user)
    with pytest.raises(PermissionDenied):
        mentor_request_withdraw(organization=world.org, request=request, user=world.user("Mo"))
    assert not Mentorship.objects.exists()


def test_declining_with_a_note_tells_the_mentee(world, django_capture_on_commit_callbacks):
    request = send(world, "Ann", "Mo")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mentor_request_decline(organization=world.org, request=request, user=world.user("Mo"), note="I am away.")
    request.refresh_from_db()
    assert (request.status, request.response_note) == (RequestStatus.DECLINED, "I am away.")
    assert [email.to for email in mail.outbox] == [[world.enrollment("Ann").person.email]]
    assert "cannot be your mentor" in mail.outbox[0].body and "I am away." in mail.outbox[0].body


def test_a_withdrawn_request_cannot_be_accepted_and_sends_no_email(world, django_capture_on_commit_callbacks):
    request = send(world, "Ann", "Mo")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mentor_request_withdraw(organization=world.org, request=request, user=world.user("Ann"))
    assert mail.outbox == []
    with pytest.raises(ValidationError) as caught:
        accept(world, request)
    assert caught.value.message_dict["request"] == ["This request is no longer open (withdrawn)."]


def test_requests_for_lists_what_was_sent_and_received(world):
    request = send(world, "Ann", "Mo")
    assert list(requests_for(world.enrollment("Ann")).sent) == [request]
    assert list(requests_for(world.enrollment("Ann")).received) == []
    assert list(requests_for(world.enrollment("Mo")).received) == [request]
