"""Matching API: criteria and settings, for the program's managers only."""

import pytest

from matching.models import MatchingCriterion, MatchingSettings
from organizations.models import Role
from programs.models import ProgramStatus

from ..factories import OrganizationFactory
from ..organizations.api_helpers import NOT_FOUND, api_url, error_of, session_client, token_client
from .api_fixtures import add_criteria, make_program, participant, program_manager, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    return make_program(org)


@pytest.fixture
def manager(program):
    return program_manager(program)


def criteria_url(org, suffix=""):
    return api_url(org, f"matching-criteria/{suffix}")


def settings_url(program):
    return api_url(program.organization, f"programs/{program.pk}/matching-settings/")


def overlap_body(program, changes=None):
    return {
        "program": program.pk,
        "kind": "overlap",
        "label": "What you want to learn ↔ what they offer",
        "weight": 3,
        "mentee_question": question(program, "mentee", "skills_wanted").pk,
        "mentor_question": question(program, "mentor", "skills_offered").pk,
        **(changes or {}),
    }


# --- criteria ------------------------------------------------------------------------------


def test_a_manager_adds_a_criterion_and_lists_it(program, manager):
    client = token_client(manager, program.organization)
    created = client.post(criteria_url(program.organization), overlap_body(program), format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["kind"], created.json()["weight"], created.json()["order"]) == ("overlap", 3.0, 0)
    listed = client.get(criteria_url(program.organization) + f"?program={program.pk}").json()["results"]
    assert [c["id"] for c in listed] == [created.json()["id"]]


def test_a_directory_field_criterion_needs_no_questions(program, manager):
    body = {"program": program.pk, "kind": "different", "label": "Another department", "attribute": "department"}
    response = session_client(manager).post(criteria_url(program.organization), body, format="json")
    assert response.status_code == 201, response.json()
    assert MatchingCriterion.objects.get().attribute == "department"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight": "Infinity"}, "weight"),
        ({"weight": "NaN"}, "weight"),
        ({"weight": 101}, "weight"),
        ({"weight": -1}, "weight"),
        ({"kind": "gap", "gap_target": 1}, "mentee_question"),  # a gap over multiple-choice questions
        ({"kind": "sideways"}, "kind"),
        ({"mentee_question": None}, "mentee_question"),
        ({"label": ""}, "label"),
        ({"attribute": "department"}, "attribute"),  # questions and a directory field at once
    ],
)
def test_bad_criteria_are_refused_naming_the_field(program, manager, changes, field):
    response = session_client(manager).post(
        criteria_url(program.organization), overlap_body(program, changes), format="json"
    )
    assert response.status_code == 400
    assert field in error_of(response)["fields"], error_of(response)
    assert not MatchingCriterion.objects.exists()


def test_a_question_of_the_wrong_intake_is_refused(program, manager):
    mentor_side = question(program, "mentor", "skills_offered").pk
    body = overlap_body(program, {"mentee_question": mentor_side})
    response = session_client(manager).post(criteria_url(program.organization), body, format="json")
    assert response.status_code == 400
    assert "mentees' intake" in error_of(response)["fields"]["mentee_question"][0]


def test_another_organizations_question_or_program_answers_like_a_missing_one(program, manager):
    foreign = make_program(OrganizationFactory())
    client = session_client(manager)

    def refusal(**changes):
        response = client.post(criteria_url(program.organization), overlap_body(program, changes), format="json")
        fields = error_of(response)["fields"]
        return response.status_code, {k: [m.replace(str(v), "N") for m in fields[k]] for k, v in changes.items()}

    foreign_question = question(foreign, "mentee", "skills_wanted").pk
    assert refusal(mentee_question=foreign_question) == refusal(mentee_question=999999)
    assert refusal(program=foreign.pk) == refusal(program=999999)
    assert not MatchingCriterion.objects.filter(organization=program.organization).exists()


def test_a_member_who_does_not_manage_the_program_cannot_see_or_add_criteria(program):
    add_criteria(program)
    user, _ = participant(program, "mentee", ["python"])
    client = session_client(user)
    assert client.get(criteria_url(program.organization)).json()["results"] == []
    criterion = MatchingCriterion.objects.first()
    assert client.get(criteria_url(program.organization, f"{criterion.pk}/")).json() == NOT_FOUND
    refused = client.post(criteria_url(program.organization), overlap_body(program), format="json")
    assert refused.status_code == 403
    assert MatchingCriterion.objects.count() == 2


def test_a_manager_changes_a_criterion_but_never_moves_it(program, manager):
    overlap, _ = add_criteria(program)
    other = make_program(program.organization, name="Other")
    response = session_client(manager).patch(
        criteria_url(program.organization, f"{overlap.pk}/"), {"weight": 5, "program": other.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    overlap.refresh_from_db()
    assert (overlap.weight, overlap.program_id) == (5.0, program.pk)


def test_a_refused_change_leaves_the_criterion_as_it_was(program, manager):
    overlap, _ = add_criteria(program)
    response = session_client(manager).patch(
        criteria_url(program.organization, f"{overlap.pk}/"), {"weight": 1000}, format="json"
    )
    assert response.status_code == 400 and "weight" in error_of(response)["fields"]
    overlap.refresh_from_db()
    assert overlap.weight == 3.0


def test_a_manager_deletes_a_criterion(program, manager):
    overlap, language = add_criteria(program)
    response = session_client(manager).delete(criteria_url(program.organization, f"{overlap.pk}/"))
    assert response.status_code == 204
    assert list(MatchingCriterion.objects.all()) == [language]


def test_a_closed_programs_criteria_are_frozen(program, manager):
    overlap, _ = add_criteria(program)
    program.status = ProgramStatus.CLOSED
    program.save()
    response = session_client(manager).delete(criteria_url(program.organization, f"{overlap.pk}/"))
    assert response.status_code == 400 and "program" in error_of(response)["fields"]


def test_criteria_from_the_templates_hints_are_made_once(program, manager):
    program.matching_hints = [
        {
            "kind": "overlap",
            "mentee_key": "skills_wanted",
            "mentor_key": "skills_offered",
            "weight": 3,
            "label": "Skills",
        },
        {"kind": "same", "key": "language", "weight": 1, "label": "Language"},
        {"kind": "overlap", "mentee_key": "nothing_like_it", "mentor_key": "nor_this", "weight": 1, "label": "Gone"},
        {"kind": "exclude", "rule": "same_reporting_line"},
    ]
    program.save()
    client = session_client(manager)
    first = client.post(criteria_url(program.organization, "from-hints/"), {"program": program.pk}, format="json")
    assert first.status_code == 201, first.json()
    assert sorted(c["label"] for c in first.json()) == ["Language", "Skills"]
    again = client.post(criteria_url(program.organization, "from-hints/"), {"program": program.pk}, format="json")
    assert again.json() == [] and MatchingCriterion.objects.count() == 2


def test_only_managers_make_criteria_from_hints(program):
    user, _ = participant(program, "mentor", ["python"])
    response = session_client(user).post(
        criteria_url(program.organization, "from-hints/"), {"program": program.pk}, format="json"
    )
    assert response.status_code == 403


# --- settings ------------------------------------------------------------------------------


def test_a_manager_reads_the_default_settings_and_changes_them(program, manager):
    client = token_client(manager, program.organization)
    defaults = client.get(settings_url(program))
    assert defaults.status_code == 200
    assert (defaults.json()["mode"], defaults.json()["min_score"], defaults.json()["exclude_reporting_line"]) == (
        "managed",
        None,
        True,
    )
    assert not MatchingSettings.objects.exists()  # reading the defaults writes nothing
    changed = client.patch(settings_url(program), {"mode": "self_match", "min_score": 40}, format="json")
    assert changed.status_code == 200, changed.json()
    saved = MatchingSettings.objects.get(program=program)
    assert (saved.mode, saved.min_score) == ("self_match", 40.0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_score": 150}, "min_score"),
        ({"min_score": "NaN"}, "min_score"),
        ({"preference_bonus": -1}, "preference_bonus"),
        ({"suggestions_shown": 0}, "suggestions_shown"),
        ({"mode": "lottery"}, "mode"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(program, manager, changes, field):
    client = session_client(manager)
    before = client.get(settings_url(program)).json()
    response = client.patch(settings_url(program), {**changes, "exclude_previous_pairs": False}, format="json")
    assert response.status_code == 400
    assert field in error_of(response)["fields"], error_of(response)
    assert client.get(settings_url(program)).json() == before


def test_settings_are_for_managers_only(program):
    user, _ = participant(program, "mentee", ["python"])
    assert session_client(user).get(settings_url(program)).status_code == 403
    assert session_client(user).patch(settings_url(program), {"min_score": 10}, format="json").status_code == 403


def test_another_organizations_or_an_unmanaged_drafts_settings_answer_404(program, manager, member_of):
    foreign = make_program(OrganizationFactory())
    draft = make_program(program.organization, status=ProgramStatus.DRAFT, name="Draft")
    client = session_client(manager)
    for other in (foreign, draft):
        response = client.get(api_url(program.organization, f"programs/{other.pk}/matching-settings/"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert not MatchingSettings.objects.exists()
    admin = member_of(program.organization, Role.ADMIN)
    own_draft = session_client(admin).get(api_url(program.organization, f"programs/{draft.pk}/matching-settings/"))
    assert own_draft.status_code == 200
