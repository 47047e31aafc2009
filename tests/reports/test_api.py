"""Reports API: the KPI snapshots, funnel, impact, objectives, ROI and rollup runs through
/api/v1/o/<slug>/reports/. Who may read and change what, the figures are the selectors' (hidden
groups flagged, never with their numbers), errors name the field, another organization's program
is refused like a missing one, the lists paginate, and the schema documents it all without a
warning."""

import re
from datetime import timedelta

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from organizations.models import Role
from programs.models import Program, ProgramStatus
from reports import selectors
from reports.models import ImpactSnapshot, RoiAssumptions, RollupRun, RollupStatus
from reports.services.impact import hidden
from surveys.selectors.surveys import organization_today
from tests.factories import OrganizationFactory

from ..organizations.api_helpers import NOT_FOUND, api_url, error_of, session_client, token_client
from .page_fixtures import kpi_weeks, monday, reports_world

pytestmark = pytest.mark.django_db

MISSING_ID = 2_000_000_000


@pytest.fixture
def program(org):
    return Program.objects.create(organization=org, name="Grow", status=ProgramStatus.ACTIVE)


@pytest.fixture
def snapshots(org, program):
    """26 weeks of snapshots for the organization and for the program."""
    return kpi_weeks(org, None, scale=1.5), kpi_weeks(org, program)


@pytest.fixture
def other_org_program():
    other = OrganizationFactory(name="Elsewhere", slug="elsewhere")
    return Program.objects.create(organization=other, name="Theirs", status=ProgramStatus.ACTIVE)


def reports_url(org, path, **query):
    text = "&".join(f"{key}={value}" for key, value in query.items())
    return api_url(org, f"reports/{path}") + (f"?{text}" if text else "")


def get(user, org, path, **query):
    return session_client(user).get(reports_url(org, path, **query))


def masked(response, *ids):
    """The response's status and body with the asked-for ids masked, to compare two refusals."""
    body = response.content.decode()
    for value in ids:
        body = re.sub(rf"\b{value}\b", "<id>", body)
    return response.status_code, body


# --- who may read what ----------------------------------------------------------------------------

FIGURES = ["kpis/", "funnel/", "impact/", "roi/"]
READERS = {"owner": 200, "admin": 200, "leader": 200, "member": 403, "manager": 403, "other_manager": 403}
PROGRAM_READERS = {**READERS, "manager": 200}


@pytest.mark.parametrize("path", FIGURES)
@pytest.mark.parametrize(("who", "status"), READERS.items())
def test_the_organizations_figures_are_for_leaders(org, people, snapshots, path, who, status):
    assert get(people[who], org, path).status_code == status


@pytest.mark.parametrize("path", [*FIGURES, "objectives/"])
@pytest.mark.parametrize(("who", "status"), PROGRAM_READERS.items())
def test_a_programs_figures_are_for_leaders_and_its_managers(org, program, people, snapshots, path, who, status):
    assert get(people[who], org, path, program=program.pk).status_code == status


def test_a_program_manager_is_told_to_ask_for_their_program(org, people, snapshots):
    error = error_of(get(people["manager"], org, "kpis/"))
    assert error["code"] == "permission_denied" and "?program=" in error["message"]


@pytest.mark.parametrize("path", [*FIGURES, "objectives/", "rollups/"])
def test_another_organization_answers_like_a_missing_one(org, people, path):
    outsider = get(people["outsider"], org, path)
    missing = get(people["admin"], "no-such-organization", path)
    assert outsider.status_code == missing.status_code == 404
    assert outsider.json() == missing.json() == NOT_FOUND


@pytest.mark.parametrize("path", [*FIGURES, "objectives/"])
def test_another_organizations_program_is_refused_like_a_missing_one(org, people, other_org_program, path):
    theirs = get(people["leader"], org, path, program=other_org_program.pk)
    missing = get(people["leader"], org, path, program=MISSING_ID)
    assert theirs.status_code == 400 and "program" in error_of(theirs)["fields"]
    assert masked(theirs, other_org_program.pk) == masked(missing, MISSING_ID)


def test_a_draft_program_is_refused_to_leaders_who_cannot_see_it(org, people):
    draft = Program.objects.create(organization=org, name="Draft")
    assert draft.status == ProgramStatus.DRAFT
    theirs = get(people["leader"], org, "kpis/", program=draft.pk)
    missing = get(people["leader"], org, "kpis/", program=MISSING_ID)
    assert masked(theirs, draft.pk) == masked(missing, MISSING_ID)
    assert get(people["admin"], org, "kpis/", program=draft.pk).status_code == 200


@pytest.mark.parametrize("path", FIGURES)
def test_the_figures_cannot_be_written(org, people, path):
    response = session_client(people["owner"]).post(reports_url(org, path), {}, format="json")
    assert response.status_code == 405


def test_a_script_reads_the_figures_with_its_token(org, people, snapshots):
    response = token_client(people["leader"], org).get(reports_url(org, "kpis/"))
    assert response.status_code == 200 and response.json()["count"] == 26


# --- KPIs ----------------------------------------------------------------------------------------------


def test_kpis_are_the_weekly_snapshots_oldest_first(org, people, snapshots):
    body = get(people["leader"], org, "kpis/").json()
    organization_rows, _ = snapshots
    assert body["count"] == 26
    weeks = [row["week_start"] for row in body["results"]]
    assert weeks == sorted(weeks) and weeks[-1] == monday(organization_today(org)).isoformat()
    first = body["results"][0]
    assert first["program"] is None and first["invited"] == organization_rows[0].invited
    assert first["satisfaction"] is None  # not measured: the first weeks had too few answers
    assert "organization" not in first
    assert {"match_rate", "active_pairs", "mentoring_hours", "nps", "health_at_risk", "computed_at"} <= set(first)


def test_kpis_of_a_program_and_fewer_weeks(org, program, people, snapshots):
    body = get(people["manager"], org, "kpis/", program=program.pk, weeks=4).json()
    assert body["count"] == 4
    assert {row["program"] for row in body["results"]} == {program.pk}
    expected = [row.week_start.isoformat() for row in selectors.kpi_series(organization=org, program=program, weeks=4)]
    assert [row["week_start"] for row in body["results"]] == expected


def test_kpis_paginate(org, people, snapshots):
    client = session_client(people["leader"])
    first = client.get(reports_url(org, "kpis/", page_size=10)).json()
    assert (first["count"], len(first["results"])) == (26, 10) and first["next"] and first["previous"] is None
    last = client.get(reports_url(org, "kpis/", page_size=10, page=3)).json()
    assert len(last["results"]) == 6 and last["next"] is None
    weeks = [row["week_start"] for row in first["results"] + last["results"]]
    assert weeks == sorted(weeks)
    assert client.get(reports_url(org, "kpis/", page=9)).status_code == 404


@pytest.mark.parametrize("weeks", ["0", "157", "many", "-3"])
def test_a_bad_number_of_weeks_is_refused_under_weeks(org, people, weeks):
    response = get(people["leader"], org, "kpis/", weeks=weeks)
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"weeks"}


def test_a_bad_program_is_refused_under_program(org, people):
    response = get(people["leader"], org, "kpis/", program="abc")
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"program"}


def test_kpis_before_any_rollup_are_an_empty_page(org, people):
    assert get(people["leader"], org, "kpis/").json()["results"] == []


# --- funnel -----------------------------------------------------------------------------------------------


def test_the_funnel_is_the_latest_weeks(org, program, people, snapshots):
    body = get(people["leader"], org, "funnel/", program=program.pk).json()
    latest = snapshots[1][-1]
    assert body["program"] == program.pk
    assert [(s["stage"], s["count"]) for s in body["stages"]] == [
        ("invited", latest.invited),
        ("applied", latest.applied),
        ("matched", latest.matched),
        ("active", latest.active_participants),
        ("completed", latest.completed_participants),
    ]
    assert body["stages"][0]["label"] == "Invited"


def test_the_funnel_before_any_rollup_has_no_counts(org, people):
    body = get(people["leader"], org, "funnel/").json()
    assert body["program"] is None and [s["count"] for s in body["stages"]] == [None] * 5


# --- impact and ROI with real figures ------------------------------------------------------------------------


@pytest.fixture
def world(org):
    return reports_world(org)


def test_impact_figures_say_how_many_stand_behind_them(org, world, people):
    body = get(people["leader"], org, "impact/", program=world.program.pk).json()
    assert body["program"] == world.program.pk and body["available"] is True
    figures = body["figures"]
    assert figures == {
        key: value
        for key, value in selectors.impact_figures(organization=org, program=world.program).items()
        if key != "participant_levels"
    }
    assert figures["participants"]["n"] >= 5 and figures["comparison"]["n"] >= 5
    assert figures["difference"]["12"]["low"] is not None and "method" in figures
    # An input of the ROI, not a figure: per-level counts can be under the minimum size.
    assert "participant_levels" not in figures


def test_impact_hides_groups_under_the_minimum_size(org, member_of):
    reports_world(org, people=60, participants=4)
    body = get(member_of(org, Role.LEADER), org, "impact/").json()
    figures = body["figures"]
    assert figures["participants"] == {"hidden": True, "reason": figures["participants"]["reason"]}
    assert "Fewer than 5 people" in figures["participants"]["reason"]
    assert set(figures["comparison"]) == {"hidden", "reason"}
    assert set(figures["logrank"]) == {"hidden", "reason"} and set(figures["difference"]) == {"hidden", "reason"}


def test_a_hidden_group_never_shows_numbers_even_if_a_snapshot_kept_them(org, people):
    leaky = {**hidden("Fewer than 5 people in this group."), "n": 3, "retention": {"12": {"value": 0.5}}}
    ImpactSnapshot.objects.create(
        organization=org,
        computed_on=organization_today(org),
        computed_at=timezone.now(),
        figures={"k": 5, "participants": leaky, "promotion": {"comparison": leaky}},
    )
    figures = get(people["leader"], org, "impact/").json()["figures"]
    assert figures["participants"] == {"hidden": True, "reason": "Fewer than 5 people in this group."}
    assert figures["promotion"]["comparison"] == figures["participants"]


def test_impact_before_any_refresh_is_not_available(org, people):
    assert get(people["leader"], org, "impact/").json() == {"program": None, "available": False, "figures": None}


def test_objectives_show_progress_against_target(org, world, people):
    body = get(people["leader"], org, "objectives/", program=world.program.pk).json()
    assert [row["metric"] for row in body] == ["retention", "satisfaction"]
    retention = body[0]
    assert retention["target"] == 90.0 and retention["baseline"] == 75.0
    assert retention["current"] is not None and retention["n"] >= 5
    assert retention["on_track"] in (True, False) and retention["unit"] == "%"
    assert retention["objective"] == world.program.objectives.order_by("order", "pk").first().pk


def test_objectives_need_a_program(org, people):
    response = get(people["leader"], org, "objectives/")
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"program"}


def test_the_roi_is_a_range_with_its_sentence_and_assumptions(org, world, people):
    body = get(people["leader"], org, "roi/", program=world.program.pk).json()
    estimate = body["estimate"]
    assert body["program"] == world.program.pk
    assert estimate["significant"] is True and estimate["p_value"] < 0.05
    assert estimate["net"]["low"] <= estimate["net"]["value"] <= estimate["net"]["high"]
    assert estimate["sentence"].startswith("Between ") and re.search(r"p [=<] 0\.\d", estimate["sentence"])
    assumptions = body["assumptions"]
    assert (assumptions["average_salary"], assumptions["replacement_cost"], assumptions["currency"]) == (
        "60000.00",
        "1.00",
        "EUR",
    )
    assert assumptions["updated_by"] is None  # the defaults: nobody saved any yet


def test_an_admin_changes_an_assumption_and_the_range_follows(org, world, people):
    client = session_client(people["admin"])
    before = client.get(reports_url(org, "roi/", program=world.program.pk)).json()["estimate"]
    response = client.patch(
        reports_url(org, "roi/", program=world.program.pk),
        {"average_salary": "90000", "salary_by_level": {"3": 95000}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["assumptions"]["average_salary"] == "90000.00"
    assert body["assumptions"]["salary_by_level"] == {"3": 95000.0}
    assert body["assumptions"]["updated_by"] == people["admin"].email
    assert body["estimate"]["savings"]["high"] > before["savings"]["high"]
    saved = RoiAssumptions.objects.get(organization=org)
    assert (saved.average_salary, saved.updated_by) == (90000, people["admin"])
    # Everyone now reads the same range.
    assert get(people["leader"], org, "roi/", program=world.program.pk).json()["estimate"] == body["estimate"]


@pytest.mark.parametrize(("who", "status"), [("owner", 200), ("admin", 200), ("leader", 403), ("manager", 403)])
def test_only_admins_change_the_assumptions(org, people, who, status):
    response = session_client(people[who]).patch(reports_url(org, "roi/"), {"platform_cost": "5000"}, format="json")
    assert response.status_code == status
    assert RoiAssumptions.objects.filter(organization=org).exists() == (status == 200)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"average_salary": "lots"}, "average_salary"),
        ({"platform_cost": "-1"}, "platform_cost"),
        ({"replacement_cost_low": "1.5"}, "replacement_cost_low"),  # above the central 1.0
        ({"replacement_cost_high": "0.8"}, "replacement_cost_high"),  # below the central 1.0
        ({"replacement_cost": "9"}, "replacement_cost"),
        ({"currency": "EURO"}, "currency"),
        ({"salary_by_level": {"senior": 90000}}, "salary_by_level"),
        ({"salary_by_level": {"3": 0}}, "salary_by_level"),
        ({"salary_by_level": ["3", 90000]}, "salary_by_level"),
    ],
)
def test_bad_assumptions_are_refused_under_their_field(org, people, body, field):
    response = session_client(people["admin"]).patch(reports_url(org, "roi/"), body, format="json")
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {field}
    assert not RoiAssumptions.objects.filter(organization=org).exists()


def test_the_roi_without_impact_figures_says_why(org, people):
    estimate = get(people["leader"], org, "roi/").json()["estimate"]
    assert estimate["hidden"] is True and estimate["significant"] is False
    assert estimate["sentence"] == estimate["hidden_reason"] and "refresh" in estimate["sentence"]
    assert estimate["net"] == {"value": None, "low": None, "high": None}


# --- rollups --------------------------------------------------------------------------------------------------


def test_an_admin_starts_a_rollup_and_follows_it(org, program, people, django_capture_on_commit_callbacks):
    client = token_client(people["admin"], org)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reports_url(org, "rollups/"), {}, format="json")
    assert started.status_code == 202, started.json()
    run = started.json()
    this_week = monday(organization_today(org))
    assert (run["status"], run["is_finished"], run["requested_by"]) == ("queued", False, people["admin"].email)
    assert (run["first_week"], run["last_week"]) == (
        (this_week - timedelta(weeks=25)).isoformat(),
        this_week.isoformat(),
    )
    done = client.get(reports_url(org, f"rollups/{run['id']}/")).json()
    assert (done["status"], done["progress"], done["is_finished"]) == ("succeeded", 100, True)
    assert done["timings"]
    assert get(people["leader"], org, "kpis/").json()["count"] == 26


def test_a_rollup_of_chosen_weeks(org, people):
    this_week = monday(organization_today(org))
    response = session_client(people["admin"]).post(
        reports_url(org, "rollups/"),
        {"first_week": (this_week - timedelta(weeks=3, days=-2)).isoformat(), "last_week": this_week.isoformat()},
        format="json",
    )
    assert response.status_code == 202
    assert response.json()["first_week"] == (this_week - timedelta(weeks=3)).isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_week": "2026-13-01"}, "first_week"),
        ({"last_week": "next week"}, "last_week"),
        ({"first_week": "2020-01-06", "last_week": "2019-01-07"}, "first_week"),
        ({"first_week": "2010-01-04"}, "first_week"),  # more than 156 weeks
        ({"last_week": "2999-01-07"}, "last_week"),
    ],
)
def test_a_bad_week_range_is_refused_under_its_field(org, people, body, field):
    response = session_client(people["admin"]).post(reports_url(org, "rollups/"), body, format="json")
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {field}
    assert not RollupRun.objects.exists()


@pytest.mark.parametrize("who", ["leader", "manager", "member"])
def test_only_admins_start_rollups(org, people, who):
    response = session_client(people[who]).post(reports_url(org, "rollups/"), {}, format="json")
    assert response.status_code == 403 and not RollupRun.objects.exists()


def _run(org, user, **fields):
    today = organization_today(org)
    return RollupRun.objects.create(
        organization=org, first_week=monday(today), last_week=monday(today), requested_by=user, **fields
    )


def test_runs_are_listed_newest_first_and_paginate(org, people):
    runs = [_run(org, people["admin"], status=RollupStatus.SUCCEEDED, progress=100) for _ in range(3)]
    client = session_client(people["leader"])
    body = client.get(reports_url(org, "rollups/", page_size=2)).json()
    assert body["count"] == 3 and [r["id"] for r in body["results"]] == [runs[2].pk, runs[1].pk]
    assert body["next"]


def test_a_program_manager_follows_only_the_runs_they_asked_for(org, people):
    theirs = _run(org, people["manager"], status=RollupStatus.RUNNING, progress=40, step="Computing the weeks")
    others = _run(org, people["admin"])
    client = session_client(people["manager"])
    assert [r["id"] for r in client.get(reports_url(org, "rollups/")).json()["results"]] == [theirs.pk]
    progress = client.get(reports_url(org, f"rollups/{theirs.pk}/")).json()
    assert (progress["progress"], progress["step"], progress["is_finished"]) == (40, "Computing the weeks", False)
    assert client.get(reports_url(org, f"rollups/{others.pk}/")).status_code == 404
    assert get(people["member"], org, "rollups/").status_code == 403


def test_another_organizations_run_is_not_found(org, people):
    other = OrganizationFactory(slug="other-org")
    theirs = _run(other, None)
    response = get(people["leader"], org, f"rollups/{theirs.pk}/")
    missing = get(people["leader"], org, f"rollups/{MISSING_ID}/")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json() == NOT_FOUND


# --- schema ----------------------------------------------------------------------------------------------------


def test_the_schema_documents_the_reports_endpoints(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    prefix = "/api/v1/o/{org_slug}/reports/"
    expected = {
        "kpis/": {"get"},
        "funnel/": {"get"},
        "impact/": {"get"},
        "objectives/": {"get"},
        "roi/": {"get", "patch"},
        "rollups/": {"get", "post"},
        "rollups/{id}/": {"get"},
    }
    for suffix, methods in expected.items():
        assert set(schema["paths"][prefix + suffix]) == methods, suffix
    kpis = schema["paths"][prefix + "kpis/"]["get"]
    assert {"program", "weeks", "page", "page_size"} <= {p["name"] for p in kpis["parameters"]}
    assert "202" in schema["paths"][prefix + "rollups/"]["post"]["responses"]
    estimate = schema["components"]["schemas"]["RoiEstimate"]["properties"]
    assert {"significant", "p_value", "net", "roi", "sentence", "hidden_reason"} <= set(estimate)
