"""The organization's survey thresholds (k and k_text): on the settings page and through the API,
a value out of bounds is refused beside its field (named in the API) and nothing changes."""

import pytest
from django.urls import reverse

from organizations.models import Role

from ..factories import OrganizationFactory
from .api_helpers import api_url, error_of, token_client
from .pages import field_error, text

pytestmark = pytest.mark.django_db


def settings_url(org):
    return reverse("org:settings", args=[org.slug])


def settings_data(org, **overrides):
    data = {
        "name": org.name,
        "time_zone": org.time_zone,
        "locale": org.locale,
        "brand_colour": org.brand_colour,
        "survey_min_responses": org.survey_min_responses,
        "survey_min_text_responses": org.survey_min_text_responses,
    }
    return {**data, **overrides}


def thresholds(org):
    org.refresh_from_db()
    return org.survey_min_responses, org.survey_min_text_responses


# --- the settings page ------------------------------------------------------------------------


def test_the_settings_page_shows_the_thresholds_with_their_bounds(org, admin_user, client_for):
    response = client_for(admin_user).get(settings_url(org))
    html = response.content.decode()
    assert "Survey privacy" in text(response)
    assert 'name="survey_min_responses" value="5" min="3" max="10"' in html
    assert 'name="survey_min_text_responses" value="10" min="3" max="50"' in html


@pytest.mark.parametrize("k, k_text", [(3, 3), (10, 50), (7, 12)])
def test_an_admin_sets_the_thresholds(org, admin_user, client_for, k, k_text):
    data = settings_data(org, survey_min_responses=k, survey_min_text_responses=k_text)
    response = client_for(admin_user).post(settings_url(org), data, follow=True)
    assert "Settings saved." in text(response)
    assert thresholds(org) == (k, k_text)


@pytest.mark.parametrize(
    "k, k_text, field, message",
    [
        (2, 10, "survey_min_responses", "greater than or equal to 3"),
        (11, 20, "survey_min_responses", "less than or equal to 10"),
        ("", 10, "survey_min_responses", "required"),
        (5, 51, "survey_min_text_responses", "less than or equal to 50"),
        (6, 5, "survey_min_text_responses", "at least the minimum number of responses"),
    ],
)
def test_a_bad_threshold_is_refused_beside_its_field(org, owner, client_for, k, k_text, field, message):
    data = settings_data(org, name="Renamed", survey_min_responses=k, survey_min_text_responses=k_text)
    response = client_for(owner).post(settings_url(org), data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    org.refresh_from_db()
    assert (org.name, org.survey_min_responses, org.survey_min_text_responses) == ("Acme", 5, 10)


def test_leaders_cannot_change_the_thresholds(org, member_of, client_for):
    client = client_for(member_of(org, Role.LEADER))
    response = client.post(settings_url(org), settings_data(org, survey_min_responses=3))
    assert response.status_code == 403
    assert thresholds(org) == (5, 10)


# --- the API ----------------------------------------------------------------------------------


def organization_url(org):
    return api_url(org, "organization/")


@pytest.fixture
def admin_api(org, admin_user):
    return token_client(admin_user, org)


def test_members_read_the_thresholds(org, member_of):
    body = token_client(member_of(org, Role.MEMBER), org).get(organization_url(org)).json()
    assert (body["survey_min_responses"], body["survey_min_text_responses"]) == (5, 10)


def test_an_admin_changes_the_thresholds(org, admin_api):
    response = admin_api.patch(organization_url(org), {"survey_min_responses": 4, "survey_min_text_responses": 8})
    assert response.status_code == 200, response.json()
    assert (response.json()["survey_min_responses"], response.json()["survey_min_text_responses"]) == (4, 8)
    assert thresholds(org) == (4, 8)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"survey_min_responses": 2}, "survey_min_responses"),
        ({"survey_min_responses": 11}, "survey_min_responses"),
        ({"survey_min_responses": "many"}, "survey_min_responses"),
        ({"survey_min_text_responses": 51}, "survey_min_text_responses"),
        # k_text below the stored k (5), and below a k raised in the same request.
        ({"survey_min_text_responses": 4}, "survey_min_text_responses"),
        ({"survey_min_responses": 9, "survey_min_text_responses": 8}, "survey_min_text_responses"),
    ],
)
def test_a_bad_threshold_is_an_error_naming_the_field(org, admin_api, body, field):
    response = admin_api.patch(organization_url(org), body)
    assert response.status_code == 400
    assert field in error_of(response)["fields"]
    assert thresholds(org) == (5, 10)


def test_the_api_writes_only_the_thresholds(org, admin_api):
    response = admin_api.patch(organization_url(org), {"name": "Renamed", "survey_min_responses": 6})
    assert response.status_code == 200
    org.refresh_from_db()
    assert (org.name, org.survey_min_responses) == ("Acme", 6)


def test_only_admins_change_the_thresholds_and_only_their_own(org, member_of):
    leader = token_client(member_of(org, Role.LEADER), org)
    assert leader.patch(organization_url(org), {"survey_min_responses": 3}).status_code == 403
    other = OrganizationFactory()
    response = token_client(member_of(org, Role.ADMIN), org).patch(organization_url(other), {"survey_min_responses": 3})
    assert response.status_code == 404
    assert thresholds(org) == (5, 10) and thresholds(other) == (5, 10)
