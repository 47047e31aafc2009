"""Resource hub API: every member reads the organization's resources and those of the programs they
may see, with search and filters; admins and a program's managers add, change and remove them;
bad input and strangers change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mentorships.models import Resource
from mentorships.services.resources import resource_create
from organizations.models import Role
from programs.models import Program, ProgramStatus

from ..factories import OrganizationFactory
from ..organizations.api_helpers import NOT_FOUND, error_of
from .api_fixtures import client_of, manager_of, url
from .meeting_fixtures import linked_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def hub(org, member_of):
    """An active program with its manager, a draft program, and a resource of each kind of place."""
    admin = member_of(org, Role.ADMIN)
    active = Program.objects.create(organization=org, name="Grow", status=ProgramStatus.ACTIVE)
    draft = Program.objects.create(organization=org, name="Secret pilot", status=ProgramStatus.DRAFT)

    def add(program, title, **fields):
        fields = {"kind": "guide", "body": f"# {title}", **fields}
        return resource_create(organization=org, user=admin, program=program, title=title, **fields)

    return {
        "admin": admin,
        "manager": manager_of(active),
        "member": linked_person(org, "Mel").user,
        "active": active,
        "org_guide": add(None, "First meeting guide", tags=["first meeting"], context="first_meeting"),
        "goal_guide": add(active, "Setting SMART goals", tags=["goals"], context="goals"),
        "link": add(active, "Feedback models", kind="link", body="", url="https://example.com/feedback"),
        "draft_guide": add(draft, "Pilot notes"),
    }


def titles(client, org, query=""):
    response = client.get(url(org, f"resources/{query}"))
    assert response.status_code == 200, response.json()
    return [row["title"] for row in response.json()["results"]]


def test_members_read_the_organizations_and_their_programs_resources_never_a_drafts(org, hub):
    client = client_of(hub["member"], org)
    assert titles(client, org) == ["Feedback models", "First meeting guide", "Setting SMART goals"]
    detail = client.get(url(org, f"resources/{hub['goal_guide'].pk}/")).json()
    assert detail["program_name"] == "Grow" and "<h1>Setting SMART goals</h1>" in detail["body_html"]
    hidden = client.get(url(org, f"resources/{hub['draft_guide'].pk}/"))
    assert (hidden.status_code, hidden.json()) == (404, NOT_FOUND)


def test_search_and_filters(org, hub):
    client = client_of(hub["member"], org)
    assert titles(client, org, "?search=smart") == ["Setting SMART goals"]
    assert titles(client, org, "?tag=first meeting") == ["First meeting guide"]
    assert titles(client, org, "?kind=link") == ["Feedback models"]
    assert titles(client, org, "?context=goals") == ["Setting SMART goals"]
    assert titles(client, org, f"?program={hub['active'].pk}") == ["Feedback models", "Setting SMART goals"]


def test_a_program_manager_adds_changes_and_removes_their_programs_resources(org, hub):
    client = client_of(hub["manager"], org)
    created = client.post(
        url(org, "resources/"),
        {
            "program": hub["active"].pk,
            "title": "Check-in questions",
            "kind": "template",
            "body": "1. How is it going?",
            "tags": ["Check-ins", "check-ins"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["tags"] == ["check-ins"]
    resource_id = created.json()["id"]

    changed = client.patch(url(org, f"resources/{resource_id}/"), {"summary": "Ask these monthly"}, format="json")
    assert (changed.status_code, changed.json()["summary"]) == (200, "Ask these monthly")
    assert client.delete(url(org, f"resources/{resource_id}/")).status_code == 204
    assert not Resource.objects.filter(pk=resource_id).exists()


def test_only_admins_write_the_organizations_resources_and_members_write_none(org, hub):
    body = {"title": "Company mentoring policy", "kind": "guide", "body": "Be kind."}
    assert client_of(hub["manager"], org).post(url(org, "resources/"), body, format="json").status_code == 403
    member = client_of(hub["member"], org)
    assert member.post(url(org, "resources/"), {**body, "program": hub["active"].pk}, format="json").status_code == 403
    refused = member.patch(url(org, f"resources/{hub['goal_guide'].pk}/"), {"title": "Mine"}, format="json")
    assert refused.status_code == 403
    assert client_of(hub["admin"], org).post(url(org, "resources/"), body, format="json").status_code == 201
    assert Resource.objects.get(pk=hub["goal_guide"].pk).title == "Setting SMART goals"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "link"}, "url"),
        ({"kind": "link", "url": "ftp://example.com/x"}, "url"),
        ({"kind": "guide"}, "body"),
        ({"kind": "file"}, "file"),
        ({"kind": "guide", "body": "x", "tags": ["t"] * 3 + [f"tag{n}" for n in range(11)]}, "tags"),
    ],
)
def test_incomplete_resources_are_refused_naming_the_field(org, hub, body, field):
    client = client_of(hub["manager"], org)
    response = client.post(url(org, "resources/"), {"program": hub["active"].pk, "title": "T", **body}, format="json")
    assert response.status_code == 400 and field in error_of(response)["fields"]
    assert Resource.objects.count() == 4


def test_a_file_is_uploaded_and_offered_through_its_page(org, hub):
    upload = SimpleUploadedFile("handbook.pdf", b"%PDF-1.4 a small handbook", content_type="application/pdf")
    response = client_of(hub["manager"], org).post(
        url(org, "resources/"),
        {"program": hub["active"].pk, "title": "Handbook", "kind": "file", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["file_name"].startswith("handbook") and body["file_name"].endswith(".pdf")
    assert body["file_url"] == f"/o/{org.slug}/resources/{body['id']}/download/"
    assert "file" not in body

    fake = SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    refused = client_of(hub["manager"], org).post(
        url(org, "resources/"),
        {"program": hub["active"].pk, "title": "Fake", "kind": "file", "file": fake},
        format="multipart",
    )
    assert refused.status_code == 400 and "file" in error_of(refused)["fields"]


def test_another_organizations_program_and_resources_answer_like_missing_ones(org, hub):
    other = OrganizationFactory(name="Globex", slug="globex")
    foreign_program = Program.objects.create(organization=other, name="Theirs", status=ProgramStatus.ACTIVE)
    foreign = Resource.objects.create(organization=other, program=foreign_program, title="Theirs", kind="guide")
    client = client_of(hub["admin"], org)
    for pk in (foreign.pk, 999_999):
        response = client.get(url(org, f"resources/{pk}/"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def refusal(pk):
        response = client.post(
            url(org, "resources/"), {"program": pk, "title": "T", "kind": "guide", "body": "x"}, format="json"
        )
        return response.status_code, str(error_of(response)["fields"]).replace(str(pk), "N")

    assert refusal(foreign_program.pk) == refusal(999_999)
    assert refusal(999_999)[0] == 400
