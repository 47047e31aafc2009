"""Two managers publish the same run at the same moment: one publish, one clear refusal.

Row locks need a real database server: this runs on PostgreSQL (as CI does) and is skipped on
SQLite, which serializes every write anyway. Locally:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_engine pytest tests/matching/test_publish_race.py
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from matching.models import MatchRun, MatchRunStatus
from matching.services.publish import match_run_publish
from mentorships.models import Mentorship, MentorshipMember

from .engine_fixtures import build, run_match_fixture  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under concurrency need PostgreSQL (CI runs it)"
    ),
]


def test_two_managers_publishing_the_same_run_get_one_publish_and_one_clear_error(org, run_match):
    world = build(
        org,
        mentees={name: {"wants": ["sql"]} for name in ("Ana", "Cy", "Ed")},
        mentors={"Bo": ({"offers": ["sql"]}, 2), "Di": ({"offers": ["sql"]}, 1)},
    )
    world.criterion("wants", "offers")
    run = run_match(world)
    assert run.status == MatchRunStatus.SUCCEEDED

    start = threading.Barrier(2)
    outcomes = []

    def publish():
        try:
            own_copy = MatchRun.objects.get(pk=run.pk)  # each manager's request loads the run itself
            start.wait()
            outcomes.append(("published", len(match_run_publish(organization=org, run=own_copy, user=world.manager))))
        except ValidationError as error:
            outcomes.append(("refused", error.message_dict["run"][0]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(kind for kind, _ in outcomes) == ["published", "refused"]
    assert dict(outcomes)["published"] == 3
    refusal = dict(outcomes)["refused"]
    assert refusal.startswith("This run was already published")
    assert Mentorship.objects.filter(program=world.program).count() == 3
    assert MentorshipMember.objects.filter(mentorship__program=world.program).count() == 6
    run.refresh_from_db()
    assert run.status == MatchRunStatus.PUBLISHED
