"""Check-ins and interventions API: members check in once per period; the program manager reads
scores and help flags (never the comments), nudges a pair or keeps a note; nobody else sees or
writes any of it."""

import pytest
from django.core import mail

from mentorships.models import CheckIn, Intervention

from ..organizations.api_helpers import NOT_FOUND, error_of
from .api_fixtures import (
    client_of,
    foreign_pair_fixture,  # noqa: F401
    manager_fixture,  # noqa: F401
    manager_of,
    outsider_fixture,  # noqa: F401
    pair_fixture,  # noqa: F401
    url,
)
from .meeting_fixtures import make_pair

pytestmark = pytest.mark.django_db

COMMENT = "Honestly we keep postponing."


def check_in(client, pair, **overrides):
    body = {"mentorship": pair.mentorship.pk, "score": 2, "comment": COMMENT, "wants_help": True, **overrides}
    return client.post(url(pair.org, "checkins/"), body, format="json")


def test_a_member_checks_in_once_per_period(pair):
    client = client_of(pair.mentee.user, pair.org)
    first = check_in(client, pair)
    assert first.status_code == 201, first.json()
    assert (first.json()["score"], first.json()["wants_help"], first.json()["comment"]) == (2, True, COMMENT)

    again = check_in(client, pair, score=4)
    assert again.status_code == 400
    assert "already checked in" in error_of(again)["fields"]["period"][0]
    assert CheckIn.objects.get().score == 2


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_outside_one_to_five_is_refused(pair, score):
    response = check_in(client_of(pair.mentee.user, pair.org), pair, score=score)
    assert (response.status_code, set(error_of(response)["fields"])) == (400, {"score"})
    assert not CheckIn.objects.exists()


def test_the_manager_reads_scores_and_help_flags_but_no_comment_and_the_partner_reads_nothing(pair, manager):
    check_in(client_of(pair.mentee.user, pair.org), pair)

    (seen,) = client_of(manager, pair.org).get(url(pair.org, "checkins/?wants_help=true")).json()["results"]
    assert (seen["member_name"], seen["role"], seen["score"], seen["wants_help"]) == ("Ann", "mentee", 2, True)
    assert "comment" not in seen
    assert client_of(pair.mentor.user, pair.org).get(url(pair.org, "checkins/")).json()["results"] == []
    partner = client_of(pair.mentor.user, pair.org).get(url(pair.org, f"checkins/{seen['id']}/"))
    assert (partner.status_code, partner.json()) == (404, NOT_FOUND)


def test_only_members_check_in(pair, manager, outsider, foreign_pair):
    assert check_in(client_of(manager, pair.org), pair).status_code == 403
    stranger = check_in(client_of(outsider, pair.org), pair)
    missing = check_in(client_of(outsider, pair.org), pair, mentorship=999_999)
    foreign = check_in(client_of(outsider, pair.org), pair, mentorship=foreign_pair.mentorship.pk)
    assert stranger.status_code == missing.status_code == foreign.status_code == 400
    assert not CheckIn.objects.exists()


# --- interventions ---------------------------------------------------------------------------


def test_a_manager_nudges_a_pair_and_both_members_are_emailed(pair, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(manager, pair.org).post(
            url(pair.org, "interventions/"),
            {"mentorship": pair.mentorship.pk, "kind": "nudge", "note": "Checked after the help flag."},
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert (response.json()["kind"], response.json()["by"]) == ("nudge", manager.email)
    assert sorted(email.to[0] for email in mail.outbox) == sorted([pair.mentor.email, pair.mentee.email])

    note = client_of(manager, pair.org).post(
        url(pair.org, "interventions/"),
        {"mentorship": pair.mentorship.pk, "kind": "note", "note": "Spoke with Ann: workload."},
        format="json",
    )
    assert note.status_code == 201
    listed = client_of(manager, pair.org).get(url(pair.org, f"interventions/?mentorship={pair.mentorship.pk}"))
    assert [row["kind"] for row in listed.json()["results"]] == ["note", "nudge"]


def test_a_pair_nudged_in_the_last_24_hours_is_refused_under_mentorship(
    pair, manager, django_capture_on_commit_callbacks
):
    client = client_of(manager, pair.org)
    body = {"mentorship": pair.mentorship.pk, "kind": "nudge"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(pair.org, "interventions/"), body, format="json").status_code == 201
        again = client.post(url(pair.org, "interventions/"), body, format="json")

    assert again.status_code == 400
    fields = error_of(again)["fields"]
    assert list(fields) == ["mentorship"] and "one nudge in 24 hours" in fields["mentorship"][0]
    assert Intervention.objects.count() == 1 and len(mail.outbox) == 2
    # A note is still welcome.
    note = {**body, "kind": "note", "note": "Called them instead."}
    assert client.post(url(pair.org, "interventions/"), note, format="json").status_code == 201


def test_a_note_needs_words(pair, manager):
    response = client_of(manager, pair.org).post(
        url(pair.org, "interventions/"), {"mentorship": pair.mentorship.pk, "kind": "note"}, format="json"
    )
    assert (response.status_code, set(error_of(response)["fields"])) == (400, {"note"})
    assert not Intervention.objects.exists()


def test_members_and_other_programs_managers_neither_read_nor_write_interventions(pair, manager, foreign_pair):
    Intervention.objects.create(organization=pair.org, mentorship=pair.mentorship, kind="note", note="Private to us")
    member = client_of(pair.mentee.user, pair.org)
    assert member.get(url(pair.org, "interventions/")).json()["results"] == []
    refused = member.post(
        url(pair.org, "interventions/"), {"mentorship": pair.mentorship.pk, "kind": "nudge"}, format="json"
    )
    assert refused.status_code == 403

    elsewhere = manager_of(make_pair(pair.org, names=("Sam", "Sue")).program)
    client = client_of(elsewhere, pair.org)
    assert client.get(url(pair.org, "interventions/")).json()["results"] == []

    def refusal(pk):
        response = client.post(url(pair.org, "interventions/"), {"mentorship": pk, "kind": "nudge"}, format="json")
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    assert refusal(pair.mentorship.pk) == refusal(foreign_pair.mentorship.pk) == refusal(999_999)
    assert Intervention.objects.count() == 1
