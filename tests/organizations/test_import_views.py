"""The directory import in the browser (upload → preview → apply) and through the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.models import PeopleImport, Person, Role
from organizations.services import people_import_create
from tests.factories import OrganizationFactory, PersonFactory
from tests.organizations.api_helpers import api_url, error_of, session_client

HEADER = "Employee ID;Name;E-mail;Manager ID;Start date\n"
GOOD = HEADER + "E1;Ann Lee;ann@example.com;;2020-01-01\nE2;Bob Ray;bob@example.com;E1;2021-03-15\n"
WITH_BAD_ROW = GOOD + "E3;;carl@example.com;E1;2022-01-01\n"

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"org:{name}", args=[org.slug, *args])


def csv_file(text, name="people.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def admin_client(client_for, admin_user):
    return client_for(admin_user)


@pytest.fixture
def post_file(admin_client, org, django_capture_on_commit_callbacks):
    """Upload through the page, running the dry run the way a commit would."""

    def post(text, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(url("people-import", org), {"file": csv_file(text, **kwargs)})

    return post


def test_the_upload_page_explains_the_accepted_columns(admin_client, org):
    response = admin_client.get(url("people-import", org))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="id_file">Directory file (CSV)' in page
    assert 'enctype="multipart/form-data"' in page
    for column in ("Employee id", "Manager id", "Hire date", "Exit date", "Personnel number", "Termination date"):
        assert column in page


def test_upload_preview_apply(admin_client, org, post_file, django_capture_on_commit_callbacks):
    response = post_file(GOOD)

    people_import = PeopleImport.objects.for_org(org).get()
    assert response.status_code == 302
    assert response["Location"] == url("people-import-detail", org, people_import.pk)

    preview = admin_client.get(response["Location"]).content.decode()
    assert "<strong>2</strong><span>to create</span>" in preview
    assert "Apply import" in preview
    assert not Person.objects.for_org(org).exists()

    with django_capture_on_commit_callbacks(execute=True):
        applied = admin_client.post(url("people-import-apply", org, people_import.pk))

    assert applied.status_code == 302
    result = admin_client.get(applied["Location"]).content.decode()
    assert "Imported" in result
    assert "<strong>2</strong><span>created</span>" in result
    bob = Person.objects.for_org(org).get(external_id="E2")
    assert bob.manager.name == "Ann Lee"


def test_the_preview_lists_every_rejected_row_and_apply_needs_the_explicit_choice(
    admin_client, org, post_file, django_capture_on_commit_callbacks
):
    post_file(WITH_BAD_ROW, encoding="latin-1")
    people_import = PeopleImport.objects.for_org(org).get()

    preview = admin_client.get(url("people-import-detail", org, people_import.pk)).content.decode()
    assert '<td data-label="Line">4</td>' in preview
    assert "Name is missing." in preview
    assert "carl@example.com" in preview
    assert "Import the valid rows and skip the rejected ones" in preview

    refused = admin_client.post(url("people-import-apply", org, people_import.pk))
    assert refused.status_code == 400
    assert "Tick this box" in refused.content.decode()
    assert not Person.objects.for_org(org).exists()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url("people-import-apply", org, people_import.pk), {"import_valid_rows": "on"})

    assert set(Person.objects.for_org(org).values_list("external_id", flat=True)) == {"E1", "E2"}


def test_an_unreadable_file_shows_why(admin_client, org, post_file):
    post_file("just,some,columns\n1,2,3\n")
    people_import = PeopleImport.objects.for_org(org).get()

    page = admin_client.get(url("people-import-detail", org, people_import.pk)).content.decode()

    assert "no name column" in page
    assert "Apply import" not in page


def test_an_empty_upload_gets_an_error_beside_the_field(admin_client, org):
    response = admin_client.post(url("people-import", org), {"file": csv_file("")})

    assert response.status_code == 400
    assert "The submitted file is empty." in response.content.decode()


def test_progress_bar_polls_while_running_and_reloads_when_done(admin_client, org, admin_user):
    people_import = people_import_create(
        organization=org, uploaded_by=admin_user, file_name="p.csv", content=GOOD.encode()
    )  # no commit in this test transaction: the dry run has not run yet

    detail = admin_client.get(url("people-import-detail", org, people_import.pk)).content.decode()
    status_url = url("people-import-status", org, people_import.pk)
    assert f'hx-get="{status_url}"' in detail
    assert "<progress" in detail

    running = admin_client.get(status_url, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in running

    PeopleImport.objects.filter(pk=people_import.pk).update(status=PeopleImport.Status.PREVIEWED)
    done = admin_client.get(status_url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADER])
def test_members_without_people_manage_are_refused(org, member_of, client_for, role, admin_user):
    people_import = people_import_create(organization=org, uploaded_by=admin_user, file_name="p.csv", content=b"x")
    client = client_for(member_of(org, role))

    assert client.get(url("people-import", org)).status_code == 403
    assert client.post(url("people-import", org), {"file": csv_file(GOOD)}).status_code == 403
    assert client.get(url("people-import-detail", org, people_import.pk)).status_code == 403
    assert client.post(url("people-import-apply", org, people_import.pk)).status_code == 403
    assert not PeopleImport.objects.for_org(org).exclude(pk=people_import.pk).exists()


def test_another_organizations_import_is_not_found(admin_client, org, member_of):
    other = OrganizationFactory()
    theirs = people_import_create(organization=other, uploaded_by=None, file_name="p.csv", content=GOOD.encode())

    for name in ("people-import-detail", "people-import-status"):
        assert admin_client.get(url(name, org, theirs.pk)).status_code == 404
    assert admin_client.post(url("people-import-apply", org, theirs.pk), {"import_valid_rows": "on"}).status_code == 404


def test_the_preview_page_query_count_does_not_grow_with_rejected_rows(
    admin_client, org, post_file, django_assert_max_num_queries
):
    many_bad = HEADER + "".join(f"E{i};;p{i}@example.com;;\n" for i in range(500))
    post_file(many_bad)
    people_import = PeopleImport.objects.for_org(org).get()

    with django_assert_max_num_queries(8):
        page = admin_client.get(url("people-import-detail", org, people_import.pk))

    assert page.status_code == 200
    assert "Page 1 of 5" in page.content.decode()


def test_the_upload_page_query_count_is_bounded(admin_client, org, admin_user, django_assert_max_num_queries):
    for _ in range(12):
        people_import_create(organization=org, uploaded_by=admin_user, file_name="p.csv", content=GOOD.encode())

    with django_assert_max_num_queries(9):  # + the notification bell (cached)
        assert admin_client.get(url("people-import", org)).status_code == 200


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def api(admin_user):
    return session_client(admin_user)


def upload_api(api, org, text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return api.post(api_url(org, "people-imports/"), {"file": csv_file(text)}, format="multipart")


@pytest.mark.django_db(transaction=True)
def test_api_upload_answers_with_the_dry_run_when_tasks_run_eagerly(org, admin_user):
    # Outside a test transaction the dry run runs on commit, inside the request, as in the demo.
    response = session_client(admin_user).post(
        api_url(org, "people-imports/"), {"file": csv_file(GOOD)}, format="multipart"
    )

    assert response.status_code == 201
    assert response.json()["status"] == "previewed"
    assert response.json()["summary"]["created"] == 2


def test_api_upload_then_apply(api, org, django_capture_on_commit_callbacks):
    created = upload_api(api, org, WITH_BAD_ROW, django_capture_on_commit_callbacks)

    assert created.status_code == 201
    body = api.get(api_url(org, f"people-imports/{created.json()['id']}/")).json()
    assert body["status"] == "previewed"
    assert {k: body["summary"][k] for k in ("created", "updated", "unchanged", "rejected")} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert body["rejected_rows"][0]["line"] == 4

    apply_url = api_url(org, f"people-imports/{body['id']}/apply/")
    refused = api.post(apply_url, {}, format="json")
    assert refused.status_code == 400
    assert "import_valid_rows" in error_of(refused)["fields"]
    assert not Person.objects.for_org(org).exists()

    with django_capture_on_commit_callbacks(execute=True):
        applied = api.post(apply_url, {"import_valid_rows": True}, format="json")

    # Accepted while the apply task waits for the commit (as with a worker); then it is applied.
    assert applied.status_code == 202
    assert applied.json()["status"] == "applying"
    assert api.get(api_url(org, f"people-imports/{body['id']}/")).json()["status"] == "applied"
    assert Person.objects.for_org(org).count() == 2
    again = api.post(apply_url, {"import_valid_rows": True}, format="json")
    assert again.status_code == 409
    assert "already imported" in error_of(again)["message"]


def test_api_upload_without_a_file_names_the_field(api, org):
    response = api.post(api_url(org, "people-imports/"), {}, format="multipart")

    assert response.status_code == 400
    assert "file" in error_of(response)["fields"]


def test_api_person_writes_record_history_and_errors_name_the_field(api, org, admin_user):
    ann = PersonFactory(organization=org, name="Ann", email="ann@example.com")
    PersonFactory(organization=org, email="taken@example.com")

    changed = api.patch(api_url(org, f"people/{ann.pk}/"), {"exit_date": "2025-05-31"}, format="json")
    clash = api.patch(api_url(org, f"people/{ann.pk}/"), {"email": "TAKEN@example.com"}, format="json")
    created = api.post(api_url(org, "people/"), {"name": "Bob", "manager": ann.pk}, format="json")

    assert changed.status_code == 200
    change = ann.changes.get()
    assert (change.field, change.new_value, change.source, change.changed_by) == (
        "exit_date",
        "2025-05-31",
        "api",
        admin_user,
    )
    assert clash.status_code == 400
    assert "email" in error_of(clash)["fields"]
    assert created.status_code == 201
    assert Person.objects.for_org(org).get(name="Bob").manager == ann


def test_an_oversized_upload_is_refused_before_it_is_read(admin_client, org, monkeypatch):
    monkeypatch.setattr("organizations.services.people_import.MAX_FILE_BYTES", 10)

    response = admin_client.post(url("people-import", org), {"file": csv_file(GOOD)})

    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not PeopleImport.objects.for_org(org).exists()


def test_the_api_list_leaves_out_rejected_rows_but_the_detail_has_them(org, admin_user):
    from rest_framework.test import APIClient

    from organizations.services import people_import_create

    people_import_create(
        organization=org,
        uploaded_by=admin_user,
        file_name="p.csv",
        content=b"name,email\n,bad\nAda,ada@example.com\n",
        defer=False,
    )
    client = APIClient()
    client.force_authenticate(admin_user)
    listed = client.get(f"/api/v1/o/{org.slug}/people-imports/").json()["results"][0]
    assert "rejected_rows" not in listed
    assert listed["summary"]["rejected"] == 1
    detail = client.get(f"/api/v1/o/{org.slug}/people-imports/{listed['id']}/").json()
    assert detail["rejected_rows"][0]["line"] == 2
