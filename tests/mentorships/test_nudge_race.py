"""Two nudges of one pair at the same moment (a double click that reaches two workers, two
managers, a script): the row lock lets one through and refuses the other. PostgreSQL only.

Run with its own database:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_nudge TANDEM_TESTING=1 \
    .venv/bin/pytest tests/mentorships/test_nudge_race.py
"""

import threading
import time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from mentorships.models import Intervention
from mentorships.services import interventions
from organizations.models import SentNotification

from ..programs.recruitment_fixtures import program_manager
from .meeting_fixtures import make_pair

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite serializes every writer)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def slow_check(monkeypatch):
    """Widen the race: each nudge waits between looking for a recent nudge and recording its own,
    so without the row lock both would find none."""
    check = interventions._nudged_recently

    def slowly(*args, **kwargs):
        found = check(*args, **kwargs)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(interventions, "_nudged_recently", slowly)


def test_two_nudges_at_once_record_one_and_email_each_member_once(org, slow_check):
    pair = make_pair(org)
    managers = [program_manager(org, pair.program) for _ in range(2)]
    start, outcomes = threading.Barrier(len(managers)), []

    def nudge(user):
        try:
            start.wait()
            interventions.intervention_nudge(organization=org, mentorship=pair.mentorship, user=user)
            outcomes.append("sent")
        except ValidationError as error:
            outcomes.append(error.message_dict["mentorship"][0])
        finally:
            connection.close()

    threads = [threading.Thread(target=nudge, args=(user,)) for user in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcome[:31] for outcome in outcomes) == ["This pair was already nudged on", "sent"]
    assert Intervention.objects.filter(kind="nudge").count() == 1
    assert SentNotification.objects.filter(kind="nudge").count() == 2
    assert sorted(email.to[0] for email in mail.outbox) == sorted([pair.mentor.email, pair.mentee.email])
