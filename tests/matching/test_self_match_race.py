"""Capacity holds when mentors accept at the same moment (row locks; PostgreSQL only).

Run with its own database:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_selfmatch TANDEM_TESTING=1 \
    .venv/bin/pytest tests/matching/test_self_match_race.py
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from matching.services import self_match
from matching.services.self_match import mentor_request_accept, mentor_request_send
from mentorships.models import Mentorship, MentorshipMember

from .participant_fixtures import self_match_program

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite serializes every writer)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the race: each accept waits between counting the mentor's places and writing, so
    without the row lock both would count a free place."""
    count = self_match.mentor_places_taken

    def slowly(*args, **kwargs):
        taken = count(*args, **kwargs)
        time.sleep(0.3)
        return taken

    monkeypatch.setattr(self_match, "mentor_places_taken", slowly)


def ask(world, mentee, mentor):
    return mentor_request_send(
        organization=world.org,
        mentee=world.enrollment(mentee),
        mentor=world.enrollment(mentor),
        user=world.user(mentee),
    )


def accept_at_once(world, requests):
    """Accept each request in its own thread and connection, all released together."""
    start, outcomes = threading.Barrier(len(requests)), []

    def accept(request):
        try:
            start.wait()
            mentor_request_accept(organization=world.org, request=request, user=world.user(request.mentor.person.name))
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_mentees_accepted_at_once_for_a_mentors_last_place_make_one_mentorship(org, slow_count):
    world = self_match_program(org, mentees={"Ann": ["sql"], "Bea": ["sql"]}, mentors={"Mo": (["sql"], 1)})
    requests = [ask(world, "Ann", "Mo"), ask(world, "Bea", "Mo")]
    outcomes = accept_at_once(world, requests)
    assert sorted(outcomes) == ["This request closed when the mentor's last place was taken.", "accepted"]
    assert Mentorship.objects.count() == 1
    assert MentorshipMember.objects.filter(enrollment=world.enrollment("Mo")).count() == 1


def test_two_mentors_accepting_the_same_mentee_at_once_make_one_mentorship(org, slow_count):
    world = self_match_program(org, mentees={"Ann": ["sql"]}, mentors={"Mo": (["sql"], 2), "Ned": (["sql"], 2)})
    requests = [ask(world, "Ann", "Mo"), ask(world, "Ann", "Ned")]
    outcomes = accept_at_once(world, requests)
    assert outcomes.count("accepted") == 1
    assert Mentorship.objects.count() == 1
    assert MentorshipMember.objects.filter(enrollment=world.enrollment("Ann")).count() == 1
