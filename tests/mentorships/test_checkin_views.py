"""The check-in page through the Django client: five big choices, a comment, "I'd like help";
once per period; a score outside 1–5 is refused beside the field and nothing is saved."""

import pytest

from mentorships.models import CheckIn

from ..factories import CheckInFactory, HeldMeetingFactory
from .meeting_fixtures import pair_fixture  # noqa: F401
from .workspace_fixtures import client_of, end, text, url, workspace_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentee(pair, client_for):
    return client_of(client_for, pair.mentee)


def checkin_url(pair):
    return url("checkin", pair.org, pair.mentorship.pk)


def test_the_five_scores_are_labelled_radio_buttons_in_one_group(pair, mentee):
    html = text(mentee.get(checkin_url(pair)))
    assert "<legend>How is your mentorship going?" in html
    assert html.count('type="radio" name="score"') == 5
    for value, word in ((1, "Not well"), (3, "OK"), (5, "Great")):
        assert f'value="{value}"' in html and f'<span class="score-word">{word}</span>' in html
    assert "I&#x27;d like help from the program manager" in html


def test_a_check_in_is_saved_and_the_workspace_stops_asking(pair, mentee):
    HeldMeetingFactory(mentorship=pair.mentorship)
    assert "Time for your check-in" in text(mentee.get(workspace_url(pair)))
    response = mentee.post(checkin_url(pair), {"score": "4", "comment": "Going well."})
    assert response.status_code == 302 and response["Location"] == workspace_url(pair)
    checkin = CheckIn.objects.get()
    assert (checkin.member.person, checkin.score, checkin.comment, checkin.wants_help) == (
        pair.mentee,
        4,
        "Going well.",
        False,
    )
    html = text(mentee.get(workspace_url(pair)))
    assert "Thanks for checking in." in html and "Time for your check-in" not in html


def test_asking_for_help_says_the_program_team_will_get_in_touch(pair, mentee):
    response = mentee.post(checkin_url(pair), {"score": "2", "wants_help": "on"}, follow=True)
    assert "The program team will get in touch with you." in response.content.decode()
    assert CheckIn.objects.get().wants_help


@pytest.mark.parametrize("score", ["0", "6", "7", "-1", "abc", ""])
def test_a_score_outside_one_to_five_is_refused_beside_the_choices(pair, mentee, score):
    response = mentee.post(checkin_url(pair), {"score": score})
    assert response.status_code == 400
    assert response.context["form"].errors["score"]
    assert 'id="id_score_error"' in response.content.decode()
    assert not CheckIn.objects.exists()


def test_one_check_in_per_period_then_the_page_says_when_the_next_opens(pair, mentee):
    CheckInFactory(member=pair.mentorship.members.get(person=pair.mentee), period_start=period(pair), score=5)
    html = text(mentee.get(checkin_url(pair)))
    assert "you've checked in for this period" in html and "5 of 5, “Great”" in html
    assert "The next check-in opens on" in html
    mentee.post(checkin_url(pair), {"score": "1"})
    assert list(CheckIn.objects.values_list("score", flat=True)) == [5]


def test_an_ended_mentorship_takes_no_check_in(pair, mentee):
    end(pair)
    response = mentee.post(checkin_url(pair), {"score": "3"}, follow=True)
    assert "nothing can be changed" in response.content.decode()
    assert not CheckIn.objects.exists()


def period(pair):
    from mentorships.services.checkins import current_period
    from mentorships.services.health import organization_today

    return current_period(pair.mentorship, organization_today(pair.org))
