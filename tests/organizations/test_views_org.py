"""The organization home, settings, navigation by role, the organization list and invitation pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.models import Organization, Role
from organizations.services import invitation_token

from ..factories import InvitationFactory, MembershipFactory, OrganizationFactory, PersonFactory, UserFactory
from .pages import field_error, text

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def url(name, org, *args):
    return reverse(f"org:{name}", args=[org.slug, *args])


def nav_links(response):
    html = response.content.decode()
    nav = html[html.index('<ul class="nav-links">') : html.index('<ul class="nav-account">')]
    return {label for label in ("Home", "People", "Members", "Settings") if f">{label}</a>" in nav}


# --- navigation and home by role ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (Role.MEMBER, {"Home"}),
        (Role.LEADER, {"Home", "People", "Members"}),
        (Role.ADMIN, {"Home", "People", "Members", "Settings"}),
        (Role.OWNER, {"Home", "People", "Members", "Settings"}),
    ],
)
def test_navigation_follows_the_role(org, member_of, client_for, role, links):
    response = client_for(member_of(org, role)).get(url("home", org))
    assert nav_links(response) == links


def test_the_switcher_lists_each_of_the_users_organizations_with_the_role(org, member_of, client_for):
    user = member_of(org, Role.OWNER)
    other = OrganizationFactory(name="Beta Inc")
    MembershipFactory(organization=other, user=user, role=Role.MEMBER)
    OrganizationFactory(name="Not Mine")
    html = client_for(user).get(url("home", org)).content.decode()
    switcher = html[html.index('class="dropdown org-switcher"') : html.index("New organization")]
    assert url("home", other) in switcher and "Member" in switcher
    assert "Not Mine" not in html


def test_a_plain_member_gets_a_welcome_not_a_checklist(org, member_of, client_for):
    page = text(client_for(member_of(org, Role.MEMBER)).get(url("home", org)))
    assert f"Welcome to {org.name}" in page
    assert "What next" not in page
    assert "people in the directory" not in page


def test_a_new_organizations_admin_is_told_what_to_do_next(org, owner, client_for):
    response = client_for(owner).get(url("home", org))
    page = text(response)
    assert "What next" in page
    assert "Import your people directory" in page and "Invite the people who run programs" in page
    assert url("people-import", org) in response.content.decode()
    assert "3 of 3 steps left" in page


def test_the_home_page_counts_people_and_members(org, owner, member_of, client_for):
    PersonFactory.create_batch(3, organization=org)
    member_of(org, Role.MEMBER)
    InvitationFactory(organization=org)
    overview = client_for(owner).get(url("home", org)).context["overview"]
    assert overview == {"people": 3, "active_people": 3, "members": 2, "pending_invitations": 1}


def test_an_outsider_gets_not_found(org, client_for):
    assert client_for(UserFactory()).get(url("home", org)).status_code == 404


# --- settings ---------------------------------------------------------------------------------


def test_settings_are_for_owners_and_admins(org, member_of, client_for):
    assert client_for(member_of(org, Role.LEADER)).get(url("settings", org)).status_code == 403
    assert client_for(member_of(org, Role.ADMIN)).get(url("settings", org)).status_code == 200


def settings_data(org, **overrides):
    data = {
        "name": org.name,
        "time_zone": "Europe/Paris",
        "locale": "fr",
        "brand_colour": "#114477",
        "survey_min_responses": 5,
        "survey_min_text_responses": 10,
    }
    data.update(overrides)
    return data


def test_saving_settings(org, admin_user, client_for):
    response = client_for(admin_user).post(url("settings", org), settings_data(org, name="Acme Europe"), follow=True)
    org.refresh_from_db()
    assert (org.name, org.time_zone, org.locale, org.brand_colour) == ("Acme Europe", "Europe/Paris", "fr", "#114477")
    assert "Settings saved." in text(response)
    assert "--tandem-brand: #114477" in response.content.decode()


def test_an_invalid_colour_is_shown_beside_it_and_nothing_changes(org, owner, client_for):
    response = client_for(owner).post(url("settings", org), settings_data(org, name="Renamed", brand_colour="blue"))
    assert "hex colour" in field_error(response, "brand_colour")
    org.refresh_from_db()
    assert org.name == "Acme"
    # The navigation of the same response still shows the saved name, not the rejected one.
    assert 'aria-label="Organization: Acme.' in response.content.decode()


def upload_logo(client, org, content=PNG, name="logo.png"):
    logo = SimpleUploadedFile(name, content, content_type="image/png")
    client.post(url("settings", org), {**settings_data(org), "logo": logo})
    org.refresh_from_db()
    return org.logo.name


def test_uploading_a_logo(org, owner, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = upload_logo(client_for(owner), org, name="Our Secret Rebrand.png")
    # Stored under a fresh name (the uploader's file name is not kept), with its true extension.
    assert name.startswith("logos/acme-") and name.endswith(".png")
    assert "Secret" not in name
    html = client_for(owner).get(url("home", org)).content.decode()
    assert f'<img src="{url("logo", org)}?v=' in html
    assert "/media/" not in html


def test_the_logo_is_served_to_members_with_its_type_and_cache_headers(
    org, owner, member_of, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload_logo(client_for(owner), org)
    member = client_for(member_of(org, Role.MEMBER))
    html = member.get(url("home", org)).content.decode()
    logo_url = html.split('<img src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")

    response = member.get(logo_url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    # Without the current version in the URL it is revalidated; an unchanged logo answers 304.
    plain = member.get(url("logo", org))
    assert plain["Cache-Control"] == "private, no-cache"
    again = member.get(url("logo", org), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert client_for(UserFactory()).get(logo_url).status_code == 404


def test_no_logo_is_not_found(org, owner, client_for):
    assert client_for(owner).get(url("logo", org)).status_code == 404


def test_a_replaced_or_cleared_logo_leaves_no_file_behind(
    org, owner, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(owner)
    first = upload_logo(client, org)
    gif = b"GIF89a" + b"\x00" * 32

    with django_capture_on_commit_callbacks(execute=True):
        second = upload_logo(client, org, content=gif, name="logo.gif")

    assert second != first and second.endswith(".gif")
    assert not (tmp_path / first).exists()
    assert (tmp_path / second).exists()
    assert client.get(url("logo", org))["Content-Type"] == "image/gif"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("settings", org), {**settings_data(org), "logo-clear": "on"})
    org.refresh_from_db()
    assert not org.logo
    assert not (tmp_path / second).exists()
    assert client.get(url("logo", org)).status_code == 404


def test_a_stored_file_that_is_not_an_image_is_never_served(org, owner, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "old.png").write_bytes(b"<svg onload=alert(1)>")
    Organization.objects.filter(pk=org.pk).update(logo="logos/old.png")

    assert client_for(owner).get(url("logo", org)).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"<svg onload=alert(1)>", "not a PNG"),
        ("logo.svg", b"<svg></svg>", "not allowed"),
        ("big.png", PNG + b"\x00" * (1024 * 1024), "larger than 1 MB"),
    ],
    ids=["fake-png", "svg", "too-big"],
)
def test_a_bad_logo_is_refused_beside_the_field(org, owner, client_for, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    logo = SimpleUploadedFile(name, content)
    response = client_for(owner).post(url("settings", org), {**settings_data(org), "logo": logo})
    assert message in field_error(response, "logo")
    org.refresh_from_db()
    assert not org.logo


def test_a_light_brand_colour_keeps_text_readable(org, owner, client_for):
    org.brand_colour = "#ffee88"
    org.save()
    html = client_for(owner).get(url("home", org)).content.decode()
    assert "--tandem-on-brand: #111827" in html  # dark text on the pale buttons
    assert "--tandem-link: #1d4ed8" in html  # links fall back to a readable blue


# --- the user's organizations -------------------------------------------------------------------


def test_the_organization_list_shows_each_membership_with_its_role(member_of, client_for):
    first, second = OrganizationFactory(name="Alpha"), OrganizationFactory(name="Beta")
    user = member_of(first, Role.ADMIN)
    MembershipFactory(organization=second, user=user, role=Role.LEADER)
    page = text(client_for(user).get(reverse("org-list")))
    assert "Alpha Admin" in page and "Beta Leader" in page


def test_the_organization_list_is_mine_only_in_name_order(member_of, client_for):
    zeta, alpha = OrganizationFactory(name="Zeta"), OrganizationFactory(name="Alpha")
    OrganizationFactory(name="Not Mine")
    user = member_of(zeta)
    MembershipFactory(organization=alpha, user=user)
    page = text(client_for(user).get(reverse("org-list")))
    assert page.index("Alpha") < page.index("Zeta")
    assert "Not Mine" not in page


def test_home_opens_the_only_or_the_last_used_organization_else_the_list(member_of, client_for):
    first, second = OrganizationFactory(name="First"), OrganizationFactory(name="Second")
    user = member_of(first)
    client = client_for(user)
    assert client.get(reverse("home"))["Location"] == url("home", first)

    MembershipFactory(organization=second, user=user)
    client.get(url("home", first))
    assert client.get(reverse("home"))["Location"] == url("home", first)  # used last
    client.get(url("home", second))
    assert client.get(reverse("home"))["Location"] == url("home", second)
    assert client_for(user).get(reverse("home"))["Location"] == reverse("org-list")  # a new session


def test_creating_an_organization_shows_errors_beside_fields(client_for):
    user = UserFactory()
    client = client_for(user)
    response = client.post(reverse("org-create"), {"name": "", "time_zone": "Nowhere/Atlantis"})
    assert "required" in field_error(response, "name")
    assert "valid choice" in field_error(response, "time_zone")
    response = client.post(reverse("org-create"), {"name": "Gamma Co", "time_zone": "UTC"}, follow=True)
    assert Organization.objects.get(name="Gamma Co")
    assert "Gamma Co is ready. You are its owner." in text(response)


# --- invitation pages ------------------------------------------------------------------------------


def invitation_url(invitation):
    return reverse("invitation_accept", args=[invitation_token(invitation)])


def test_a_signed_out_visitor_sees_the_org_and_role_and_links_back(org, client):
    invitation = InvitationFactory(organization=org, email="ada@example.com", role=Role.LEADER)
    response = client.get(invitation_url(invitation))
    page = text(response)
    assert "Acme" in page and "Leader" in page
    html = response.content.decode()
    back = invitation_url(invitation).replace(":", "%3A")
    assert f"{reverse('account_login')}?next={back}" in html
    assert f"{reverse('account_signup')}?next={back}" in html


def test_the_invited_user_sees_an_accept_button(org, client_for):
    invitation = InvitationFactory(organization=org, email="ada@example.com")
    page = text(client_for(UserFactory(email="ada@example.com")).get(invitation_url(invitation)))
    assert "Accept and join Acme" in page


def test_someone_else_is_told_the_invitation_is_not_theirs(org, client_for):
    invitation = InvitationFactory(organization=org, email="ada@example.com")
    page = text(client_for(UserFactory(email="mallory@example.com")).get(invitation_url(invitation)))
    assert "You are signed in as mallory@example.com" in page
    assert "Accept and join" not in page


def test_a_broken_link_explains_itself(client):
    response = client.get(reverse("invitation_accept", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This invitation link does not work" in text(response)
