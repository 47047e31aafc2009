"""The program manager's mentorship pages: the pairs with their health and the at-risk queue, one
pair, nudges and notes; as managers, plain members and other organizations use them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentorships.models import Intervention, MeetingPrivateNote, PairHealth
from organizations.models import Role
from programs.models import Program, ProgramManager, ProgramStatus
from tests.factories import (
    CheckInFactory,
    GoalFactory,
    HeldMeetingFactory,
    InterventionFactory,
    OrganizationFactory,
)

from .meeting_fixtures import make_pair

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"mentorships:{name}", args=[org.slug, *args])


def at_risk(mentorship, *reasons):
    mentorship.health = PairHealth.AT_RISK
    mentorship.health_reasons = list(reasons)
    mentorship.save(update_fields=["health", "health_reasons"])


@pytest.fixture
def pair(org):
    return make_pair(org, names=("Maya Mentor", "Theo Mentee"))


@pytest.fixture
def admin(org, member_of):
    return member_of(org, Role.ADMIN)


@pytest.fixture
def admin_client(admin, client_for):
    return client_for(admin)


def text(response):
    return response.content.decode()


# --- who may see what -------------------------------------------------------------------------


def test_a_plain_member_is_refused_and_another_organization_sees_nothing(pair, org, member_of, client_for):
    member = client_for(member_of(org, Role.MEMBER))
    assert member.get(url("program", org, pair.program.pk)).status_code == 403
    # A pair's pages answer a non-manager like a missing pair: they do not say which ids exist.
    assert member.get(url("pair", org, pair.mentorship.pk)).status_code == 404
    for name in ("nudge", "intervention_note"):
        assert member.post(url(name, org, pair.mentorship.pk), {"note": "Hi"}).status_code == 404
    assert not Intervention.objects.exists()

    # An admin of another organization: the same 404 as for an id that does not exist.
    other = OrganizationFactory(slug="globex")
    stranger = client_for(member_of(other, Role.ADMIN))
    for address in (url("program", other, pair.program.pk), url("pair", other, pair.mentorship.pk)):
        assert stranger.get(address).status_code == 404
    assert stranger.post(url("nudge", other, pair.mentorship.pk)).status_code == 404
    assert stranger.get(url("pair", other, 999_999)).status_code == 404
    assert not Intervention.objects.exists()
    assert mail.outbox == []


def test_a_program_manager_sees_their_program_and_not_another(pair, org, member_of, client_for):
    manager = member_of(org, Role.MEMBER)
    ProgramManager.objects.create(organization=org, program=pair.program, user=manager)
    other_program = Program.objects.create(organization=org, name="Lead 2026", status=ProgramStatus.ACTIVE)
    other_pair = make_pair(org, names=("Ola", "Pia"), program=other_program)
    client = client_for(manager)

    assert client.get(url("program", org, pair.program.pk)).status_code == 200
    assert client.get(url("pair", org, pair.mentorship.pk)).status_code == 200
    assert client.get(url("program", org, other_program.pk)).status_code == 403
    assert client.get(url("pair", org, other_pair.mentorship.pk)).status_code == 404


def test_the_program_page_links_to_the_pairs(pair, org, admin_client):
    page = text(admin_client.get(reverse("programs:detail", args=[org.slug, pair.program.pk])))
    assert url("program", org, pair.program.pk) in page
    assert "Pairs and health" in page


# --- the program page ---------------------------------------------------------------------------


def test_the_program_page_shows_each_pairs_health_in_words_with_the_reasons(pair, org, admin_client):
    at_risk(pair.mentorship, "No meeting logged for 5 weeks (the program asks for one every 2 weeks).")
    calm = make_pair(org, names=("Rae", "Sol"), program=pair.program)
    calm.mentorship.health = PairHealth.ON_TRACK
    calm.mentorship.save(update_fields=["health"])
    HeldMeetingFactory(mentorship=calm.mentorship, actual_minutes=90)
    GoalFactory(mentorship=calm.mentorship, status="achieved")

    response = admin_client.get(url("program", org, pair.program.pk))

    page = text(response)
    assert response.status_code == 200
    assert "At risk" in page and "On track" in page
    assert "No meeting logged for 5 weeks" in page
    # The queue holds the pair at risk, with its one-click nudge; not the pair on track.
    queue = [row.mentorship for row in response.context["queue"]]
    assert queue == [pair.mentorship]
    assert url("nudge", org, pair.mentorship.pk) in page
    assert response.context["counts"][PairHealth.AT_RISK] == 1
    assert response.context["hours"] == 1.5
    assert "1 achieved" in page
    # Goals appear as counts only: never their wording.
    assert "Lead a team retrospective" not in page


def test_the_pairs_filter_by_health_and_by_name(pair, org, admin_client):
    at_risk(pair.mentorship, "A member asked for help.")
    calm = make_pair(org, names=("Rae", "Sol"), program=pair.program)
    calm.mentorship.health = PairHealth.ON_TRACK
    calm.mentorship.save(update_fields=["health"])
    address = url("program", org, pair.program.pk)

    on_track = admin_client.get(address, {"health": "on_track"}).context["page"].object_list
    assert list(on_track) == [calm.mentorship]
    by_name = admin_client.get(address, {"q": "theo"}).context["page"].object_list
    assert list(by_name) == [pair.mentorship]
    # An unknown health is ignored rather than an error.
    assert admin_client.get(address, {"health": "bogus"}).context["page"].paginator.count == 2


def test_the_program_page_costs_the_same_queries_for_3_and_30_pairs(org, admin_client):
    program = Program.objects.create(organization=org, name="Grow", status=ProgramStatus.ACTIVE)

    def add_pairs(count, start):
        for index in range(start, start + count):
            made = make_pair(org, names=(f"Mentor {index}", f"Mentee {index}"), program=program)
            at_risk(made.mentorship, "No meeting logged yet.")
            HeldMeetingFactory(mentorship=made.mentorship)
            GoalFactory(mentorship=made.mentorship)
            InterventionFactory(mentorship=made.mentorship)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url("program", org, program.pk)).status_code == 200
        return len(captured)

    add_pairs(3, 0)
    queries()  # the first page of a session also writes the session
    few = queries()
    add_pairs(27, 3)
    many = queries()
    assert many == few, f"{few} queries for 3 pairs, {many} for 30"


# --- one pair -------------------------------------------------------------------------------------


def test_the_pair_page_never_shows_notes_comments_or_goal_wording(pair, org, admin_client):
    mentorship = pair.mentorship
    held = HeldMeetingFactory(
        mentorship=mentorship,
        starts_at=timezone.now() - timedelta(days=9),
        actual_minutes=50,
        format="video",
        shared_notes="SHARED-NOTES-OF-THE-PAIR",
        topics=["TOPIC-OF-THE-PAIR"],
    )
    MeetingPrivateNote.objects.create(organization=org, meeting=held, author=pair.mentee, text="PRIVATE-NOTE")
    mentee = mentorship.members.get(role="mentee")
    CheckInFactory(member=mentee, score=2, comment="CHECKIN-COMMENT", wants_help=True)
    GoalFactory(mentorship=mentorship, owner=mentee, statement="GOAL-STATEMENT", relevance="GOAL-RELEVANCE")

    response = admin_client.get(url("pair", org, mentorship.pk))

    page = text(response)
    for secret in (
        "SHARED-NOTES-OF-THE-PAIR",
        "TOPIC-OF-THE-PAIR",
        "PRIVATE-NOTE",
        "CHECKIN-COMMENT",
        "GOAL-STATEMENT",
        "GOAL-RELEVANCE",
    ):
        assert secret not in page
    assert "Maya Mentor" in page and "Theo Mentee" in page
    assert held.starts_at.strftime("%-d %b %Y") in page
    assert "50 min" in page and "Video call" in page
    assert "<strong>2</strong> out of 5" in page
    assert "Asked for help" in page
    assert response.context["pair"].goal_counts[0] == ("Not started", 1)


def test_the_confidential_end_reason_is_shown_to_the_manager(pair, org, admin_client):
    mentorship = pair.mentorship
    mentorship.status = "ended_early"
    mentorship.ended_on = timezone.localdate()
    mentorship.end_reason = "The mentee changed teams and asked to stop."
    mentorship.save()

    page = text(admin_client.get(url("pair", org, mentorship.pk)))

    assert "Why it ended early" in page
    assert "The mentee changed teams and asked to stop." in page
    # An ended pair can no longer be nudged.
    assert url("nudge", org, mentorship.pk) not in page


# --- nudges and notes -----------------------------------------------------------------------------


def test_a_nudge_emails_every_member_and_is_recorded(
    pair, org, admin, admin_client, django_capture_on_commit_callbacks
):
    at_risk(pair.mentorship, "No meeting logged for 5 weeks.")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url("nudge", org, pair.mentorship.pk), {"from": "program"})

    assert response.status_code == 302
    assert response["Location"] == url("program", org, pair.program.pk)
    nudge = Intervention.objects.get()
    assert (nudge.kind, nudge.by, nudge.mentorship) == ("nudge", admin, pair.mentorship)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [pair.mentor.email, pair.mentee.email]
    )
    page = text(admin_client.get(url("pair", org, pair.mentorship.pk)))
    assert "Nudge sent" in page


def test_a_double_clicked_nudge_sends_once_and_says_why_not_twice(
    pair, org, admin_client, django_capture_on_commit_callbacks
):
    at_risk(pair.mentorship, "No meeting logged for 5 weeks.")
    nudge_url = url("nudge", org, pair.mentorship.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert "Nudge sent to" in text(admin_client.post(nudge_url, {"from": "program"}, follow=True))
        again = admin_client.post(nudge_url, {"from": "program"}, follow=True)

    assert again.redirect_chain == [(url("program", org, pair.program.pk), 302)]
    page = text(again)
    assert "This pair was already nudged on" in page and "one nudge in 24 hours" in page
    assert "Nudge sent to" not in page
    assert Intervention.objects.filter(kind="nudge").count() == 1
    assert len(mail.outbox) == 2  # the first click's email to each member, nothing more


def test_a_nudge_must_be_posted(pair, org, admin_client):
    assert admin_client.get(url("nudge", org, pair.mentorship.pk)).status_code == 405
    assert not Intervention.objects.exists()


def test_a_note_is_recorded_and_answers_the_call_for_help(pair, org, admin, admin_client):
    mentee = pair.mentorship.members.get(role="mentee")
    CheckInFactory(member=mentee, score=3, wants_help=True)
    assert "Asked for your help" in text(admin_client.get(url("pair", org, pair.mentorship.pk)))
    note = "Called Theo: they meet again on Friday."

    response = admin_client.post(url("intervention_note", org, pair.mentorship.pk), {"note": note})

    assert response.status_code == 302
    assert response["Location"] == url("pair", org, pair.mentorship.pk)
    saved = Intervention.objects.get()
    assert (saved.kind, saved.note, saved.by) == ("note", note, admin)
    page = text(admin_client.get(url("pair", org, pair.mentorship.pk)))
    assert note in page
    assert "Asked for your help" not in page
    assert mail.outbox == []  # a note is for the program team: the pair is not told


def test_an_empty_note_is_refused_beside_the_field(pair, org, admin_client):
    response = admin_client.post(url("intervention_note", org, pair.mentorship.pk), {"note": "   "})

    assert response.status_code == 400
    assert response.context["note_form"].errors["note"] == ["This field is required."]
    assert not Intervention.objects.exists()
