"""The UI in a real Chromium: signing in, switching organization, phone width, inviting."""

import base64
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from organizations.models import Invitation, Role

from ..factories import PASSWORD, MembershipFactory, OrganizationFactory, PersonFactory, UserFactory
from .conftest import PHONE, body_overflows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_through_the_form_and_switch_organization(page):
    user = UserFactory(email="ada@example.com")
    first = OrganizationFactory(name="Analytical Engines", slug="engines")
    second = OrganizationFactory(name="Difference Ltd", slug="difference")
    MembershipFactory(organization=first, user=user, role=Role.OWNER)
    MembershipFactory(organization=second, user=user, role=Role.MEMBER)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Two organizations and none chosen yet: the user picks one.
    expect(page.get_by_role("heading", name="Your organizations")).to_be_visible()
    # Pico styles links as buttons with role="button", so that is the role they have.
    page.get_by_role("button", name="Open Analytical Engines").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Analytical Engines")

    page.get_by_label(re.compile("Switch organization")).click()
    page.get_by_role("link", name=re.compile("Difference Ltd")).click()
    expect(page).to_have_url(re.compile(r"/o/difference/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Difference Ltd")
    expect(page.get_by_label(re.compile("Switch organization"))).to_contain_text("Difference Ltd")
    # A plain member of the second organization: no People or Settings in the navigation.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="People")).to_have_count(0)
    expect(nav.get_by_role("link", name="Settings")).to_have_count(0)


def test_people_and_members_fit_a_phone_screen(new_page):
    organization = OrganizationFactory(name="Northwind Traders International Holdings", slug="northwind")
    admin = UserFactory(email="priya.nair.people-operations@northwind-traders.example")
    MembershipFactory(organization=organization, user=admin, role=Role.ADMIN)
    for i in range(8):
        MembershipFactory(
            organization=organization,
            user=UserFactory(email=f"a.very.long.address.number.{i}@subsidiary.northwind-traders.example"),
        )
    boss = PersonFactory(organization=organization, name="Maximiliana Bartholomew-Fitzgerald", title="VP")
    for i in range(20):
        PersonFactory(
            organization=organization,
            name=f"Person With A Rather Long Name {i}",
            email=f"person.with.a.rather.long.name.{i}@northwind-traders.example",
            title="Principal Site Reliability Engineer, Platform Infrastructure",
            department="Research and Development",
            manager=boss,
        )
    page = new_page(PHONE, user=admin)
    for path in ("/o/northwind/people/", "/o/northwind/members/", "/o/northwind/"):
        page.goto(path)
        assert not body_overflows(page), f"{path} scrolls sideways at 375px"

    # The menu folds behind a button at this width, and opens.
    menu = page.get_by_role("button", name="Menu")
    members_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Members", exact=True)
    expect(members_link).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(members_link).to_be_visible()
    assert not body_overflows(page)


def test_invite_a_member_through_the_form(new_page):
    organization = OrganizationFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@example.com")
    MembershipFactory(organization=organization, user=owner, role=Role.OWNER)
    page = new_page(user=owner)

    page.goto("/o/acme/members/")
    page.get_by_role("button", name="Invite members").click()
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Role").select_option(label="Leader")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_role("status")).to_contain_text("Invitation sent to grace@example.com as leader.")
    expect(page.get_by_role("cell", name="grace@example.com", exact=True)).to_be_visible()
    assert Invitation.objects.get(email="grace@example.com").role == Role.LEADER


def test_changing_a_role_in_place_with_htmx(new_page):
    organization = OrganizationFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@example.com")
    MembershipFactory(organization=organization, user=owner, role=Role.OWNER)
    member = MembershipFactory(organization=organization, user=UserFactory(email="sam@example.com"))
    page = new_page(user=owner)
    page.goto("/o/acme/members/")

    page.get_by_label("Role of sam@example.com").select_option(label="Admin")
    page.locator(f"#member-{member.pk}").get_by_role("button", name="Change").click()
    expect(page.get_by_role("status")).to_contain_text("sam@example.com is now admin.")
    member.refresh_from_db()
    assert member.role == Role.ADMIN

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove sam@example.com").click()
    expect(page.locator(f"#member-{member.pk}")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("was removed")


def test_people_search_updates_as_you_type(new_page):
    organization = OrganizationFactory(name="Acme", slug="acme")
    leader = UserFactory(email="leader@example.com")
    MembershipFactory(organization=organization, user=leader, role=Role.LEADER)
    PersonFactory(organization=organization, name="Ada Lovelace", department="Mathematics")
    PersonFactory(organization=organization, name="Charles Babbage", department="Engineering")
    page = new_page(user=leader)
    page.goto("/o/acme/people/")
    results = page.locator("#people-results")
    expect(results).to_contain_text("Charles Babbage")

    page.get_by_label("Search").fill("lovelace")
    expect(results).not_to_contain_text("Charles Babbage")
    expect(results).to_contain_text("Ada Lovelace")
    expect(page).to_have_url(re.compile(r"q=lovelace"))
    # A leader reads the directory but is offered no import.
    expect(page.get_by_role("button", name="Import CSV")).to_have_count(0)


def _picker_setup():
    organization = OrganizationFactory(name="Acme", slug="acme")
    admin = UserFactory(email="admin@example.com")
    MembershipFactory(organization=organization, user=admin, role=Role.ADMIN)
    grace = PersonFactory(organization=organization, name="Grace Hopper", title="Rear Admiral", department="Navy")
    PersonFactory(organization=organization, name="Grace Gone", exit_date=date(2020, 1, 1))
    PersonFactory(organization=organization, name="Charles Babbage", title="Inventor")
    ada = PersonFactory(organization=organization, name="Ada Lovelace", title="Analyst")
    return admin, grace, ada


def test_pick_a_manager_by_typing_a_name_and_choosing_with_the_keyboard(new_page):
    admin, grace, ada = _picker_setup()
    page = new_page(user=admin)
    page.goto(f"/o/acme/people/{ada.pk}/edit/")

    box = page.get_by_role("combobox", name="Manager")
    box.press_sequentially("grace")
    options = page.get_by_role("listbox", name="Matching people").get_by_role("option")
    expect(options).to_have_count(1)  # Grace Gone has left: not offered
    expect(options.first).to_contain_text("Grace Hopper")
    expect(options.first).to_contain_text("Rear Admiral · Navy")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")  # chooses; does not submit

    expect(box).to_have_value("Grace Hopper · Rear Admiral")
    expect(page.get_by_role("listbox")).to_have_count(0)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Ada Lovelace was saved.")
    ada.refresh_from_db()
    assert ada.manager == grace


def test_pick_a_manager_with_a_tap_at_phone_width_and_an_unknown_one_is_explained(new_page):
    admin, grace, ada = _picker_setup()
    page = new_page(PHONE, user=admin)
    page.goto(f"/o/acme/people/{ada.pk}/edit/")

    box = page.get_by_role("combobox", name="Manager")
    box.press_sequentially("hop")
    page.get_by_role("listbox").get_by_role("option", name=re.compile("Grace Hopper")).click()
    expect(box).to_have_value("Grace Hopper · Rear Admiral")
    assert not body_overflows(page)

    # Typing over the choice forgets it: what is typed must name someone.
    box.fill("nobody@example.com")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("No one in the directory has this name, employee ID or email.")).to_be_visible()
    ada.refresh_from_db()
    assert ada.manager is None


# A real 1x1 PNG, so the browser can decode it.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def test_an_uploaded_logo_shows_in_the_navigation(new_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organization = OrganizationFactory(name="Acme", slug="acme")
    owner = UserFactory(email="owner@example.com")
    MembershipFactory(organization=organization, user=owner, role=Role.OWNER)
    page = new_page(user=owner)
    page.goto("/o/acme/settings/")

    page.get_by_label("Logo").set_input_files({"name": "logo.png", "mimeType": "image/png", "buffer": TINY_PNG})
    page.get_by_role("button", name=re.compile("Save")).click()

    expect(page.get_by_role("status")).to_contain_text("Settings saved.")
    logo = page.locator("img.org-logo")
    expect(logo).to_have_attribute("src", re.compile(r"^/o/acme/logo/\?v="))
    # The browser fetched and decoded the image (wait: it may still be loading).
    page.wait_for_function(
        "() => { const img = document.querySelector('img.org-logo'); return img.complete && img.naturalWidth === 1; }"
    )
