"""The program manager's side of mentorships in a real browser: the pairs with their health (in
words), the at-risk queue with its one-click nudge, one pair with a note added; and the resource
hub. Every page must fit a 375px phone screen; screenshots go to var/screenshots/ to look at.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from mentorships.models import Intervention, Resource
from mentorships.resources_demo import resources_step
from mentorships.services.health import health_refresh
from mentorships.services.resources import resource_create
from organizations.models import Role
from programs.models import Program, ProgramStatus

from ..factories import CheckInFactory, GoalFactory, HeldMeetingFactory
from ..mentorships.meeting_fixtures import make_pair
from .conftest import DESKTOP, PHONE, body_overflows
from .screenshots import OUT_DIR, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def world(org, member_of, settings, tmp_path):
    """A program two months in: two pairs at risk (never met; a low score and a call for help),
    one that needs attention (an overdue goal, a missed meeting), three on track, one ended early."""
    settings.MEDIA_ROOT = str(tmp_path)
    admin = member_of(org, Role.ADMIN, email="priya@acme.example")
    program = Program.objects.create(organization=org, name="Grow 2026", status=ProgramStatus.ACTIVE)
    today = timezone.localdate()

    def pair(names, started=60):
        return make_pair(org, names=names, program=program, started_days_ago=started)

    silent = pair(("Dana Whitfield", "Ravi Menon"))
    struggling = pair(("Lena Hoffmann", "Tom Okafor"))
    HeldMeetingFactory(mentorship=struggling.mentorship, starts_at=days_ago(8))
    GoalFactory(mentorship=struggling.mentorship)
    mentee = struggling.mentorship.members.get(role="mentee")
    CheckInFactory(member=mentee, period_start=today - timedelta(days=5), score=2, wants_help=True)
    drifting = pair(("Sara Lindqvist", "Jon Park"))
    HeldMeetingFactory(mentorship=drifting.mentorship, starts_at=days_ago(20), actual_minutes=40)
    GoalFactory(mentorship=drifting.mentorship, target_date=today - timedelta(days=4))
    for names in (("Amara Obi", "Luis Ortega"), ("Mei Chen", "Noah Fischer"), ("Priya Shah", "Eli Moreau")):
        steady = pair(names)
        for days in (40, 26, 12, 3):
            HeldMeetingFactory(
                mentorship=steady.mentorship, starts_at=days_ago(days), actual_minutes=50, format="video"
            )
        GoalFactory(mentorship=steady.mentorship, status="in_progress")
        GoalFactory(mentorship=steady.mentorship, status="achieved")
        for member in steady.mentorship.members.all():
            CheckInFactory(member=member, period_start=today - timedelta(days=5), score=4)
    ended = pair(("Kofi Mensah", "Ines Garcia"))
    ended.mentorship.status = "ended_early"
    ended.mentorship.ended_on = today - timedelta(days=10)
    ended.mentorship.end_reason = "Ines moved to another country and asked to stop."
    ended.mentorship.save()
    health_refresh(organization=org, program=program)

    resources_step(SimpleNamespace(organizations={"northwind": org}))
    resource_create(
        organization=org,
        user=admin,
        program=program,
        title="Meeting notes template",
        kind="file",
        summary="A one-page notes template to print or fill in.",
        file=SimpleUploadedFile("meeting-notes.pdf", b"%PDF-1.4\n%demo\n"),
        tags=["template", "meetings"],
    )
    return SimpleNamespace(org=org, admin=admin, program=program, silent=silent, struggling=struggling, ended=ended)


def test_the_manager_sees_health_nudges_notes_and_the_resources(new_page, world):
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    slug = world.org.slug
    program_url = reverse("mentorships:program", args=[slug, world.program.pk])
    pair_url = reverse("mentorships:pair", args=[slug, world.struggling.mentorship.pk])
    resources_url = reverse("resources:list", args=[slug])
    goal_guide = reverse("resources:detail", args=[slug, Resource.objects.get(title="Goal-setting guide").pk])

    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport, user=world.admin)

        # Reached from the program's page.
        page.goto(reverse("programs:detail", args=[slug, world.program.pk]))
        page.get_by_role("button", name="Pairs and health").click()
        expect(page.get_by_role("heading", name="Pairs and health", level=1)).to_be_visible()
        queue = page.locator(".queue")
        expect(queue.locator(".queue-item")).to_have_count(3)
        expect(queue.locator(".queue-item").first).to_contain_text("At risk")
        expect(page.locator(f"#pair-{world.silent.mentorship.pk}")).to_contain_text("At risk")
        expect(page.locator("table.pairs-table")).to_contain_text("On track")
        expect(page.locator("table.pairs-table")).to_contain_text("Needs attention")
        assert not body_overflows(page), f"the pairs page is wider than a {viewport_name} screen"
        shoot(page, "mentorships-program", viewport_name)

        # One pair: the facts a manager may see, and the confidential end reason of an ended one.
        page.goto(pair_url)
        expect(page.get_by_text("Asked for your help")).to_be_visible()
        assert not body_overflows(page), f"the pair page is wider than a {viewport_name} screen"
        shoot(page, "mentorships-pair", viewport_name)
        page.goto(reverse("mentorships:pair", args=[slug, world.ended.mentorship.pk]))
        expect(page.get_by_text("Ines moved to another country")).to_be_visible()

        # The hub: the list, a guide, the form.
        page.goto(resources_url)
        expect(page.get_by_role("link", name="Goal-setting guide")).to_be_visible()
        assert not body_overflows(page), f"the resources page is wider than a {viewport_name} screen"
        shoot(page, "resources-list", viewport_name)
        page.goto(goal_guide)
        expect(page.get_by_role("heading", name="Make it SMART")).to_be_visible()
        assert not body_overflows(page)
        shoot(page, "resources-detail", viewport_name)
        page.goto(reverse("resources:create", args=[slug]))
        page.get_by_role("button", name="Add the resource").click()
        expect(page.locator(".field-invalid").first).to_be_visible()
        assert not body_overflows(page)
        shoot(page, "resources-form-errors", viewport_name)

    # One click nudges the pair that never met: both members get an email.
    page = new_page(DESKTOP, user=world.admin)
    page.goto(program_url)
    silent_item = page.locator(f"#queue-{world.silent.mentorship.pk}")
    silent_item.get_by_role("button", name="Nudge").click()
    expect(page.locator("#messages")).to_contain_text("Nudge sent")
    # The pair is still in the queue (a nudge does not mend a pair), now with the action shown.
    expect(silent_item).to_contain_text("last action: nudge sent")
    nudge = Intervention.objects.get(mentorship=world.silent.mentorship)
    assert nudge.kind == "nudge"
    emailed = {address for message in mail.outbox for address in message.to}
    assert {world.silent.mentor.email, world.silent.mentee.email} <= emailed

    # A note on the pair that asked for help answers it.
    page.goto(pair_url)
    page.get_by_label("Note").fill("Called Tom: they will talk about workload on Friday.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.locator("#messages")).to_contain_text("The note was saved")
    expect(page.locator(".interventions")).to_contain_text("Called Tom")
    shoot(page, "mentorships-pair-note", "desktop")
