"""The resource hub: what members see and find, files checked at upload and downloaded only
through the organization, who may add and change resources, and resources shown in context."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentorships import resource_files
from mentorships.models import Resource
from mentorships.resources_demo import resources_step
from mentorships.selectors.resources import resources_in_context
from mentorships.services.resources import resource_create, resource_delete, resource_update
from organizations.models import Role
from programs.models import Program, ProgramManager, ProgramStatus
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny test file\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def url(name, org, *args):
    return reverse(f"resources:{name}", args=[org.slug, *args])


def pdf(name="agenda.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def admin(org, member_of):
    return member_of(org, Role.ADMIN)


@pytest.fixture
def program(org):
    return Program.objects.create(organization=org, name="Grow 2026", status=ProgramStatus.ACTIVE)


@pytest.fixture
def draft(org):
    return Program.objects.create(organization=org, name="Secret pilot", status=ProgramStatus.DRAFT)


def guide(org, admin, title, **fields):
    fields.setdefault("body", f"# {title}\n\nHow to do it well.")
    return resource_create(organization=org, user=admin, title=title, kind="guide", **fields)


@pytest.fixture
def hub(org, admin, program, draft):
    """Three resources a member sees (the organization's, a live program's) and one they do not."""
    return SimpleNamespace(
        first=guide(org, admin, "First-meeting guide", tags=["first meeting"], summary="A plan for meeting one."),
        goals=guide(org, admin, "Goal-setting guide", program=program, tags=["goals", "smart"], context="goals"),
        link=resource_create(
            organization=org, user=admin, title="SMART goals explained", kind="link", url="https://example.org/smart"
        ),
        hidden=guide(org, admin, "Pilot plan", program=draft),
    )


def titles(response):
    return [resource.title for resource in response.context["page"].object_list]


# --- finding resources -----------------------------------------------------------------------------


def test_a_member_sees_the_organizations_and_live_programs_resources(hub, org, member_of, client_for):
    client = client_for(member_of(org))

    response = client.get(url("list", org))

    assert response.status_code == 200
    assert titles(response) == ["First-meeting guide", "Goal-setting guide", "SMART goals explained"]
    # A draft program's resources are its managers' until it opens.
    assert client.get(url("detail", org, hub.hidden.pk)).status_code == 404


def test_search_matches_title_summary_and_tags_and_filters_narrow_it(hub, org, program, member_of, client_for):
    client = client_for(member_of(org))

    assert titles(client.get(url("list", org), {"q": "smart"})) == ["Goal-setting guide", "SMART goals explained"]
    assert titles(client.get(url("list", org), {"q": "plan for meeting"})) == ["First-meeting guide"]
    assert titles(client.get(url("list", org), {"program": program.pk})) == ["Goal-setting guide"]
    assert titles(client.get(url("list", org), {"kind": "link"})) == ["SMART goals explained"]
    assert titles(client.get(url("list", org), {"tag": "goals"})) == ["Goal-setting guide"]
    # A whole tag, not part of one: "goal" is no tag here.
    assert titles(client.get(url("list", org), {"tag": "goal"})) == []
    assert client.get(url("list", org)).context["tags"] == ["first meeting", "goals", "smart"]


def test_another_organizations_resources_answer_like_missing_ones(hub, org, member_of, client_for):
    other = OrganizationFactory(slug="globex")
    stranger = client_for(member_of(other, Role.ADMIN))
    for name in ("detail", "download", "edit"):
        assert stranger.get(url(name, other, hub.first.pk)).status_code == 404
    assert stranger.post(url("delete", other, hub.first.pk)).status_code == 404
    assert Resource.objects.filter(pk=hub.first.pk).exists()
    # Its program id as a filter is ignored, never a way in.
    own = client_for(member_of(org))
    foreign_program = Program.objects.create(organization=other, name="Theirs", status=ProgramStatus.ACTIVE)
    assert len(titles(own.get(url("list", org), {"program": foreign_program.pk}))) == 3


def test_the_guide_is_rendered_from_markdown_without_any_script(org, admin, member_of, client_for):
    resource = guide(org, admin, "Feedback", body="## Situation\n\n<script>alert(1)</script> **Behaviour**")

    page = client_for(member_of(org)).get(url("detail", org, resource.pk)).content.decode()

    assert "<h2>Situation</h2>" in page
    assert "<strong>Behaviour</strong>" in page
    assert "<script>alert(1)</script>" not in page


# --- files -------------------------------------------------------------------------------------


def test_a_file_is_downloaded_through_the_organization_only(org, admin, member_of, client_for):
    resource = resource_create(organization=org, user=admin, title="Agenda", kind="file", file=pdf())
    member = client_for(member_of(org))

    response = member.get(url("download", org, resource.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    # No public media address serves it.
    assert member.get("/media/" + resource.file.name).status_code == 404
    member.logout()
    signed_out = member.get(url("download", org, resource.pk))
    assert signed_out.status_code == 302 and signed_out["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("page.html", b"<html>", content_type="text/html"), "Upload a PDF"),
        (SimpleUploadedFile("report.pdf", b"<html><script>", content_type="application/pdf"), "not a .pdf file"),
        (SimpleUploadedFile("notes.txt", b"\xff\xfe\x00binary", content_type="text/plain"), "UTF-8"),
    ],
)
def test_uploads_that_are_not_what_they_claim_are_refused(org, admin, client_for, upload, message):
    response = client_for(admin).post(url("create", org), {"title": "Bad", "kind": "file", "file": upload})

    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert not Resource.objects.exists()


def test_a_file_too_large_is_refused(org, admin, monkeypatch):
    monkeypatch.setattr(resource_files, "MAX_BYTES", 10)
    with pytest.raises(ValidationError) as refused:
        resource_create(organization=org, user=admin, title="Big", kind="file", file=pdf(content=PDF * 2))
    assert "larger than" in refused.value.message_dict["file"][0]


def test_replacing_or_deleting_a_file_removes_the_old_one_from_storage(org, admin, django_capture_on_commit_callbacks):
    resource = resource_create(organization=org, user=admin, title="Agenda", kind="file", file=pdf())
    first = resource.file.name
    storage = resource.file.storage

    with django_capture_on_commit_callbacks(execute=True):
        resource_update(organization=org, resource=resource, user=admin, file=pdf("agenda-v2.pdf"))
    assert not storage.exists(first)
    second = resource.file.name
    assert storage.exists(second)

    with django_capture_on_commit_callbacks(execute=True):
        resource_delete(organization=org, resource=resource, user=admin)
    assert not storage.exists(second)


# --- adding and changing --------------------------------------------------------------------------


def test_an_admin_adds_a_guide_through_the_form(org, admin, client_for):
    response = client_for(admin).post(
        url("create", org),
        {
            "title": "Reflection prompts",
            "kind": "guide",
            "body": "- What went well?",
            "tags": "Reflection,  End of program , reflection",
            "context": "meetings",
        },
    )

    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", org, resource.pk)
    assert (resource.program, resource.tags, resource.created_by) == (None, ["reflection", "end of program"], admin)


def test_a_program_manager_manages_their_programs_resources_only(hub, org, program, member_of, client_for):
    manager = member_of(org)
    ProgramManager.objects.create(organization=org, program=program, user=manager)
    client = client_for(manager)

    # Their program's: edit and remove.
    assert client.get(url("edit", org, hub.goals.pk)).status_code == 200
    response = client.post(
        url("edit", org, hub.goals.pk),
        {"title": "Setting goals", "kind": "guide", "program": program.pk, "body": "Be SMART."},
    )
    assert response.status_code == 302
    hub.goals.refresh_from_db()
    assert hub.goals.title == "Setting goals"
    # The organization's: read only.
    assert client.get(url("edit", org, hub.first.pk)).status_code == 403
    assert client.post(url("delete", org, hub.first.pk)).status_code == 403
    # A new one must belong to their program.
    refused = client.post(url("create", org), {"title": "For all", "kind": "guide", "body": "Hello"})
    assert refused.status_code == 200 and "program" in refused.context["form"].errors
    with pytest.raises(PermissionDenied):
        guide(org, manager, "For everyone")


def test_a_plain_member_cannot_add_or_change_resources(hub, org, member_of, client_for):
    member = member_of(org)
    client = client_for(member)
    assert client.get(url("create", org)).status_code == 403
    assert client.get(url("edit", org, hub.first.pk)).status_code == 403
    assert client.post(url("delete", org, hub.first.pk)).status_code == 403
    assert "Add a resource" not in client.get(url("list", org)).content.decode()
    with pytest.raises(PermissionDenied):
        resource_update(organization=org, resource=hub.first, user=member, title="Mine now")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "link", "url": ""}, "url"),
        ({"kind": "link", "url": "javascript:alert(1)"}, "url"),
        ({"kind": "guide", "body": ""}, "body"),
        ({"kind": "file"}, "file"),
        ({"kind": "poster", "body": "x"}, "kind"),
        ({"kind": "guide", "body": "x", "tags": [f"tag {n}" for n in range(11)]}, "tags"),
        ({"kind": "guide", "body": "x", "context": "everywhere"}, "context"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(org, admin, fields, field):
    with pytest.raises(ValidationError) as refused:
        resource_create(organization=org, user=admin, title="Resource", **fields)
    assert field in refused.value.message_dict
    assert not Resource.objects.exists()


def test_another_organizations_program_is_refused(org, admin):
    foreign = Program.objects.create(organization=OrganizationFactory(), name="Theirs")
    with pytest.raises(ValidationError):
        guide(org, admin, "Sneaky", program=foreign)


# --- in context, and the demo ---------------------------------------------------------------------


def test_resources_in_context_are_the_programs_own_first_then_the_organizations(org, admin, program):
    other_program = Program.objects.create(organization=org, name="Lead", status=ProgramStatus.ACTIVE)
    shared = guide(org, admin, "A shared goal guide", context="goals")
    own = guide(org, admin, "Our goal guide", program=program, context="goals")
    guide(org, admin, "Their goal guide", program=other_program, context="goals")
    guide(org, admin, "Meeting guide", context="meetings")

    assert resources_in_context(program, "goals") == [own, shared]


def test_the_demo_seeds_good_guides_once(org, admin, program):
    context = SimpleNamespace(organizations={"northwind": org})

    resources_step(context)
    resources_step(context)

    titles = set(Resource.objects.for_org(org).values_list("title", flat=True))
    assert {"First-meeting guide", "Goal-setting guide", "Giving and receiving feedback"} <= titles
    assert Resource.objects.for_org(org).filter(kind="template").exists()
    assert Resource.objects.for_org(org).count() == len(titles)
    assert [r.title for r in resources_in_context(program, "goals")] == ["Goal-setting guide"]
