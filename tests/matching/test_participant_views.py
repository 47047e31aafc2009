"""The participants' matching pages through the Django client: suggestions and requests, a
mentor's answers, the private preference lists, ending a match, and the links on "Your programs".

A participant acts only on their own enrollment, request or mentorship: anyone else's, and
another organization's, answers 404.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import MatchPreference, MentorRequest, MentorSuggestion, PairExclusion, RequestStatus
from matching.services.self_match import mentor_request_accept, suggestions_refresh
from mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from programs.models import ParticipantRole
from programs.services.recruitment import enrollment_apply

from ..factories import OrganizationFactory, PersonFactory
from ..programs.recruitment_fixtures import make_program
from .participant_fixtures import self_match_program, send

pytestmark = pytest.mark.django_db

MENTEES = {"Mia Mentee": ["leadership"], "Noah Novice": ["sql"]}
MENTORS = {"Max Mentor": (["leadership", "sql"], 2), "Sara Speaker": (["public_speaking", "leadership"], 1)}


@pytest.fixture
def world(org):
    return self_match_program(org, mentees=MENTEES, mentors=MENTORS)


def url(name, world, *args):
    return reverse(f"matching:{name}", args=[world.org.slug, *args])


def page(client, address):
    response = client.get(address)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- a mentee's suggestions ------------------------------------------------------------------


def test_a_mentee_sees_suggested_mentors_with_score_and_plain_words(world, client_for):
    html = page(client_for(world.user("Mia Mentee")), url("my_suggestions", world, world.enrollment("Mia Mentee").pk))
    assert "Max Mentor" in html and "Engineering manager · Platform" in html
    suggestion = MentorSuggestion.objects.get(
        mentee=world.enrollment("Mia Mentee"), mentor=world.enrollment("Max Mentor")
    )
    assert f'value="{round(suggestion.score)}"' in html and "/100</span> match" in html
    assert suggestion.reasons[0]["text"] in html  # the explanation, criterion by criterion
    assert "Request this mentor" in html
    assert "up to <strong>3</strong> requests waiting at a time" in html


def test_sending_a_request_shows_it_waiting_with_a_way_to_withdraw(world, client_for):
    client = client_for(world.user("Mia Mentee"))
    mia, max_ = world.enrollment("Mia Mentee"), world.enrollment("Max Mentor")
    response = client.post(url("request_send", world, mia.pk), {"mentor": max_.pk, "message": "Leadership, please!"})
    assert response.status_code == 302 and response["Location"] == url("my_suggestions", world, mia.pk)
    request = MentorRequest.objects.get(mentee=mia, mentor=max_)
    assert (request.status, request.message) == (RequestStatus.PENDING, "Leadership, please!")
    html = page(client, response["Location"])
    assert "Your request is with Max Mentor" in html
    assert "Waiting for an answer" in html and url("request_withdraw", world, request.pk) in html
    assert "Request sent" in html

    client.post(url("request_withdraw", world, request.pk))
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_at_the_cap_of_pending_requests_the_button_is_off_and_the_cap_explained(org, client_for):
    world = self_match_program(org, mentees=MENTEES, mentors=MENTORS, max_pending=1)
    send(world, "Mia Mentee", "Max Mentor")
    html = page(client_for(world.user("Mia Mentee")), url("my_suggestions", world, world.enrollment("Mia Mentee").pk))
    assert "up to <strong>1</strong> request waiting at a time (1 now)" in html
    assert "disabled" in html and "withdraw one to ask someone else" in html


def test_a_refused_request_says_why(world, client_for):
    send(world, "Mia Mentee", "Max Mentor")
    client = client_for(world.user("Mia Mentee"))
    mia = world.enrollment("Mia Mentee")
    response = client.post(
        url("request_send", world, mia.pk), {"mentor": world.enrollment("Max Mentor").pk}, follow=True
    )
    assert "You already asked Max Mentor" in response.content.decode()
    assert MentorRequest.objects.filter(mentee=mia).count() == 1


def test_no_suggestions_yet_says_what_happens_next(org, client_for):
    world = self_match_program(org, mentees=MENTEES, mentors=MENTORS, refresh=False)
    html = page(client_for(world.user("Mia Mentee")), url("my_suggestions", world, world.enrollment("Mia Mentee").pk))
    assert "No suggestions yet: the program team will open self-matching soon" in html


def test_in_a_managed_program_the_mentee_is_told_the_team_matches(org, client_for):
    world = self_match_program(org, mentees=MENTEES, mentors=MENTORS, mode="managed")
    html = page(client_for(world.user("Mia Mentee")), url("my_suggestions", world, world.enrollment("Mia Mentee").pk))
    assert "the program team makes the matches" in html and "Request this mentor" not in html


# --- a mentor's requests -------------------------------------------------------------------


def test_a_mentor_accepts_and_both_see_the_match(world, client_for):
    request = send(world, "Mia Mentee", "Max Mentor", "Hello!")
    mentor = client_for(world.user("Max Mentor"))
    max_ = world.enrollment("Max Mentor")
    html = page(mentor, url("my_requests", world, max_.pk))
    assert "Mia Mentee" in html and "Hello!" in html
    assert "2 places left" in html and "(0 of 2 taken)" in html

    response = mentor.post(url("request_accept", world, request.pk), follow=True)
    html = response.content.decode()
    assert "You are now Mia Mentee&#x27;s mentor" in html
    assert "1 place left" in html and "Your mentees" in html
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED and request.mentorship.is_live

    mine = page(client_for(world.user("Mia Mentee")), reverse("programs:my-enrollments", args=[world.org.slug]))
    assert "Matched with <strong>Max Mentor</strong>" in mine
    assert url("rematch_request", world, request.mentorship_id) in mine
    assert "Find a mentor" not in mine


def test_a_mentor_reads_why_they_were_suggested_but_not_the_mentees_private_wish(world, client_for):
    MatchPreference.objects.create(
        organization=world.org,
        enrollment=world.enrollment("Mia Mentee"),
        preferred_person=world.enrollment("Max Mentor").person,
    )
    suggestions_refresh(organization=world.org, program=world.program)
    send(world, "Mia Mentee", "Max Mentor")
    assert "You asked to be matched with them" in page(
        client_for(world.user("Mia Mentee")), url("my_suggestions", world, world.enrollment("Mia Mentee").pk)
    )
    html = page(client_for(world.user("Max Mentor")), url("my_requests", world, world.enrollment("Max Mentor").pk))
    assert "Why you were suggested" in html and "You want to learn Leadership; they offer it" in html
    assert "You asked to be matched with them" not in html


def test_accepting_when_full_shows_a_clear_message(world, client_for):
    request = send(world, "Mia Mentee", "Sara Speaker")
    # The program team fills Sara's only place by hand meanwhile.
    noah, sara = world.enrollment("Noah Novice"), world.enrollment("Sara Speaker")
    mentorship = Mentorship.objects.create(organization=world.org, program=world.program, started_on="2026-01-05")
    for enrollment, role in ((sara, ParticipantRole.MENTOR), (noah, ParticipantRole.MENTEE)):
        MentorshipMember.objects.create(
            organization=world.org, mentorship=mentorship, enrollment=enrollment, person=enrollment.person, role=role
        )
    client = client_for(world.user("Sara Speaker"))
    assert "You have no place left" in page(client, url("my_requests", world, sara.pk))
    html = client.post(url("request_accept", world, request.pk), follow=True).content.decode()
    assert "You have no free place" in html
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_mentor_declines_with_a_note_the_mentee_reads(world, client_for):
    request = send(world, "Mia Mentee", "Max Mentor")
    mentor = client_for(world.user("Max Mentor"))
    mentor.post(url("request_decline", world, request.pk), {"note": "My calendar is full until May, sorry."})
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    html = page(client_for(world.user("Mia Mentee")), url("my_suggestions", world, world.enrollment("Mia Mentee").pk))
    assert "Earlier requests" in html and "My calendar is full until May, sorry." in html


def test_each_side_lands_on_their_own_page(world, client_for):
    max_, mia = world.enrollment("Max Mentor"), world.enrollment("Mia Mentee")
    mentor = client_for(world.user("Max Mentor"))
    assert mentor.get(url("my_suggestions", world, max_.pk))["Location"] == url("my_requests", world, max_.pk)
    mentee = client_for(world.user("Mia Mentee"))
    assert mentee.get(url("my_requests", world, mia.pk))["Location"] == url("my_suggestions", world, mia.pk)


# --- only one's own --------------------------------------------------------------------------


def test_anyone_elses_enrollment_request_or_mentorship_is_a_404(world, client_for):
    mia, max_ = world.enrollment("Mia Mentee"), world.enrollment("Max Mentor")
    request = send(world, "Mia Mentee", "Max Mentor")
    noah_client = client_for(world.user("Noah Novice"))
    for name in ("my_suggestions", "my_requests", "my_preferences"):
        assert noah_client.get(url(name, world, mia.pk)).status_code == 404
    assert noah_client.get(url("my_requests", world, max_.pk)).status_code == 404
    assert noah_client.post(url("request_send", world, mia.pk), {"mentor": max_.pk}).status_code == 404
    assert noah_client.post(url("request_withdraw", world, request.pk)).status_code == 404
    # The mentee cannot answer their own request, nor the mentor withdraw it.
    mia_client = client_for(world.user("Mia Mentee"))
    assert mia_client.post(url("request_accept", world, request.pk)).status_code == 404
    assert mia_client.post(url("request_decline", world, request.pk)).status_code == 404
    assert client_for(world.user("Max Mentor")).post(url("request_withdraw", world, request.pk)).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING

    mentorship = mentor_request_accept(organization=world.org, request=request, user=world.user("Max Mentor"))
    assert noah_client.get(url("rematch_request", world, mentorship.pk)).status_code == 404
    assert noah_client.post(url("rematch_request", world, mentorship.pk), {"reason": "x"}).status_code == 404
    assert Mentorship.objects.get(pk=mentorship.pk).is_live


def test_another_organizations_ids_are_404_like_missing_ones(world, member_of, client_for):
    other = OrganizationFactory(slug="globex")
    stranger = member_of(other)
    PersonFactory(organization=other, user=stranger, email=stranger.email)
    mia = world.enrollment("Mia Mentee")
    client = client_for(stranger)
    for name in ("my_suggestions", "my_requests", "my_preferences"):
        assert client.get(reverse(f"matching:{name}", args=["globex", mia.pk])).status_code == 404
        assert client.get(reverse(f"matching:{name}", args=["globex", 999999])).status_code == 404


def test_a_request_to_someone_who_is_not_a_mentor_of_the_program_is_a_404(world, client_for):
    mia = world.enrollment("Mia Mentee")
    client = client_for(world.user("Mia Mentee"))
    for not_a_mentor in (world.enrollment("Noah Novice").pk, 999999, "abc"):
        assert client.post(url("request_send", world, mia.pk), {"mentor": not_a_mentor}).status_code == 404
    assert not MentorRequest.objects.exists()


# --- private preference lists ----------------------------------------------------------------


def test_the_preferences_page_says_it_is_private_and_searches_only_this_organization(world, client_for):
    PersonFactory(organization=world.org, name="Olivia Okafor", title="Designer", department="Design")
    PersonFactory(organization=OrganizationFactory(), name="Olivia Outsider")
    client = client_for(world.user("Mia Mentee"))
    address = url("my_preferences", world, world.enrollment("Mia Mentee").pk)
    html = page(client, address)
    assert "Private." in html and "Please don't match me with" in html and "I would like to be matched with" in html
    html = page(client, address + "?q=olivia")
    assert "Olivia Okafor" in html and "Designer · Design" in html
    assert "Olivia Outsider" not in html
    assert "Type at least two letters" in page(client, address + "?q=o")


def test_the_search_answers_htmx_with_the_results_only(world, client_for):
    PersonFactory(organization=world.org, name="Olivia Okafor")
    client = client_for(world.user("Mia Mentee"))
    address = url("my_preferences", world, world.enrollment("Mia Mentee").pk) + "?q=oli"
    response = client.get(address, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="people-results")
    html = response.content.decode()
    assert "Olivia Okafor" in html and "<html" not in html


def test_a_mentee_adds_and_removes_people_on_both_lists(world, client_for):
    olivia = PersonFactory(organization=world.org, name="Olivia Okafor")
    mia = world.enrollment("Mia Mentee")
    max_person = world.enrollment("Max Mentor").person
    client = client_for(world.user("Mia Mentee"))
    address = url("my_preferences", world, mia.pk)
    response = client.post(address, {"action": "exclude", "person": olivia.pk, "q": "oli"})
    assert response.status_code == 302 and response["Location"] == address + "?q=oli"
    assert PairExclusion.objects.filter(enrollment=mia, excluded_person=olivia).exists()
    client.post(address, {"action": "prefer", "person": max_person.pk})
    assert MatchPreference.objects.filter(enrollment=mia, preferred_person=max_person).exists()
    html = page(client, address)
    assert "Olivia Okafor" in html and "Max Mentor" in html

    client.post(address, {"action": "unexclude", "person": olivia.pk})
    client.post(address, {"action": "unprefer", "person": max_person.pk})
    assert not PairExclusion.objects.filter(enrollment=mia).exists()
    assert not MatchPreference.objects.filter(enrollment=mia).exists()


def test_a_mentor_has_only_the_please_not_list(world, client_for):
    PersonFactory(organization=world.org, name="Olivia Okafor")
    client = client_for(world.user("Max Mentor"))
    html = page(client, url("my_preferences", world, world.enrollment("Max Mentor").pk) + "?q=olivia")
    assert "Please not" in html and "I would like to be matched with" not in html
    assert 'value="prefer"' not in html


def test_a_person_of_another_organization_cannot_be_put_on_a_list(world, client_for):
    outsider = PersonFactory(organization=OrganizationFactory(), name="Olivia Outsider")
    mia = world.enrollment("Mia Mentee")
    client = client_for(world.user("Mia Mentee"))
    response = client.post(url("my_preferences", world, mia.pk), {"action": "exclude", "person": outsider.pk})
    assert response.status_code == 404
    assert not PairExclusion.objects.exists()


# --- ending a match --------------------------------------------------------------------------


def test_asking_to_end_a_match_explains_who_sees_the_reason_and_ends_it(world, client_for):
    request = send(world, "Mia Mentee", "Max Mentor")
    mentorship = mentor_request_accept(organization=world.org, request=request, user=world.user("Max Mentor"))
    client = client_for(world.user("Mia Mentee"))
    address = url("rematch_request", world, mentorship.pk)
    html = page(client, address)
    assert "End your match with Max Mentor?" in html
    assert "Only the program team sees this" in html and "Yes, end this match" in html

    response = client.post(address, {"reason": "We never found a time that works."}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("programs:my-enrollments", args=[world.org.slug])
    assert "Your match has ended" in html
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ENDED_EARLY
    assert "We never found a time that works." in mentorship.end_reason
    assert "already ended" in page(client, address)


# --- "Your programs" -----------------------------------------------------------------------


def test_your_programs_links_each_side_to_its_matching_pages(world, client_for):
    my_programs = reverse("programs:my-enrollments", args=[world.org.slug])
    mia, max_ = world.enrollment("Mia Mentee"), world.enrollment("Max Mentor")
    mentee_html = page(client_for(world.user("Mia Mentee")), my_programs)
    assert url("my_suggestions", world, mia.pk) in mentee_html and "Find a mentor" in mentee_html
    assert url("my_preferences", world, mia.pk) in mentee_html
    send(world, "Mia Mentee", "Max Mentor")
    mentor_html = page(client_for(world.user("Max Mentor")), my_programs)
    assert url("my_requests", world, max_.pk) in mentor_html and "Requests waiting" in mentor_html


def test_in_a_managed_program_your_programs_offers_preferences_but_no_self_match(org, client_for):
    world = self_match_program(org, mentees=MENTEES, mentors=MENTORS, mode="managed")
    html = page(client_for(world.user("Mia Mentee")), reverse("programs:my-enrollments", args=[world.org.slug]))
    assert "Find a mentor" not in html and "Matching preferences" in html


def test_your_programs_costs_the_same_queries_however_many_programs(world, client_for):
    client = client_for(world.user("Mia Mentee"))
    my_programs = reverse("programs:my-enrollments", args=[world.org.slug])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page(client, my_programs)
        return len(captured)

    send(world, "Mia Mentee", "Max Mentor")
    page(client, my_programs)  # the first visit also stores the last organization in the session
    one = queries()
    for name in ("Second", "Third"):
        other = make_program(world.org, name=name)
        enrollment_apply(
            organization=world.org,
            program=other,
            person=world.enrollment("Mia Mentee").person,
            role="mentee",
            answers={"goals": ["sql"], "hours": 2},
        )
    assert queries() == one
