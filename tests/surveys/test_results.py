"""Survey results under the k rules, the leaders' overview and the survey lists.

The data is built straight from the models (survey_factories), as the answering service would
leave it: anonymous responses without a respondent, envelopes with the coarse facts only.
"""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys import aggregation
from surveys.models import SurveyStatus, SurveyWave
from surveys.selectors import (
    DIMENSIONS,
    NOT_STATED,
    invitation_for,
    open_waves_for,
    organization_survey_overview,
    program_surveys,
    survey_results,
)
from surveys.selectors.results import OTHER_GROUPS, reason_other_groups, text_seed

from ..factories import OrganizationFactory, PersonFactory
from .survey_factories import ANSWERS, add_responses, invite, make_program, make_survey, make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(org):
    return make_survey(org)


@pytest.fixture
def wave(survey):
    return make_wave(survey)


@pytest.fixture
def closed_wave(survey):
    """A wave that takes no more answers: every response counts (no steps of k)."""
    return make_wave(survey, closed=True)


def sets(n, **overrides):
    return [{**ANSWERS, **overrides} for _ in range(n)]


def question(results, key):
    return next(q for q in results.questions if q.key == key)


def cell(results, label):
    return next(c for c in results.cells if c.label == label)


def assert_nothing_shown(q):
    assert q.hidden and q.hidden_reason
    assert (q.distribution, q.mean, q.nps, q.texts) == ([], None, None, [])


# --- the whole wave ---------------------------------------------------------------------------


def test_under_k_responses_the_whole_wave_is_hidden_but_its_counts_are_shown(org, survey, wave):
    invite(wave, PersonFactory.create_batch(8, organization=org))
    add_responses(wave, sets(4))
    results = survey_results(organization=org, survey=survey)
    assert (results.k, results.invited, results.responded) == (5, 8, 4)
    assert results.response_rate.value == pytest.approx(0.5)
    assert results.response_rate.low < 0.5 < results.response_rate.high
    assert not results.visible
    assert "at least 5 people" in results.hidden_reason
    assert [q.key for q in results.questions] == [
        "satisfaction",
        "nps",
        "skills_gained",
        "mentor_again",
        "hours",
        "highlight",
    ]
    for q in results.questions:
        assert_nothing_shown(q)
    assert (results.cells, results.changes) == ([], {})


def test_a_breakdown_of_a_hidden_wave_shows_no_cell(org, survey, wave):
    add_responses(wave, sets(4), department="Sales")
    results = survey_results(organization=org, survey=survey, dimension="department")
    assert not results.visible and results.cells == []


def test_at_k_responses_the_aggregates_appear(org, survey, wave):
    add_responses(wave, sets(2, satisfaction=5, nps=10, skills_gained=["planning"], mentor_again="no"))
    add_responses(wave, sets(3, satisfaction=2, nps=3))
    results = survey_results(organization=org, survey=survey)
    assert results.visible and results.hidden_reason == ""

    satisfaction = question(results, "satisfaction")
    assert not satisfaction.hidden and satisfaction.n == 5
    assert satisfaction.mean == aggregation.mean_ci([5, 5, 2, 2, 2])
    assert [(d["value"], d["count"]) for d in satisfaction.distribution] == [(1, 0), (2, 3), (3, 0), (4, 0), (5, 2)]
    assert satisfaction.nps is None

    recommend = question(results, "nps")
    assert recommend.nps == aggregation.nps([10, 10, 3, 3, 3])
    assert recommend.nps.value == pytest.approx(40 - 60)

    skills = question(results, "skills_gained")
    assert [(d["value"], d["count"], d["share"]) for d in skills.distribution] == [
        ("speaking", 3, pytest.approx(0.6)),
        ("feedback", 3, pytest.approx(0.6)),
        ("planning", 2, pytest.approx(0.4)),
    ]
    again = question(results, "mentor_again")
    assert [(d["label"], d["count"]) for d in again.distribution] == [("Yes", 3), ("Maybe", 0), ("No", 2)]
    assert question(results, "hours").mean.value == pytest.approx(3)


def test_a_question_with_fewer_than_k_answers_is_hidden(org, survey, closed_wave):
    add_responses(closed_wave, sets(2))
    add_responses(closed_wave, [{"satisfaction": 3}] * 4)
    results = survey_results(organization=org, survey=survey)
    assert question(results, "satisfaction").n == 6
    assert not question(results, "satisfaction").hidden
    hours = question(results, "hours")
    assert hours.n == 2
    assert_nothing_shown(hours)
    assert hours.hidden_reason == "Fewer than 5 answers."


def test_the_organizations_own_k_applies(org, survey, wave):
    org.survey_min_responses = 3
    org.save()
    add_responses(wave, sets(3))
    assert survey_results(organization=org, survey=survey).visible


def test_a_non_anonymous_survey_obeys_k_too(org):
    survey = make_survey(org, anonymous=False)
    wave = make_wave(survey)
    for person in PersonFactory.create_batch(4, organization=org):
        add_responses(wave, sets(1), respondent=person)
    assert not survey_results(organization=org, survey=survey).visible


# --- free text --------------------------------------------------------------------------------


def texts(n):
    return [{"satisfaction": 4, "highlight": f"Comment number {i}"} for i in range(n)]


def test_free_text_needs_k_text_answers(org, survey, wave):
    add_responses(wave, texts(9))
    add_responses(wave, sets(3, highlight="   "))  # blank text is no answer
    highlight = question(survey_results(organization=org, survey=survey), "highlight")
    assert highlight.n == 9
    assert_nothing_shown(highlight)
    assert "at least 10 people" in highlight.hidden_reason


def test_free_text_at_k_text_is_shown_unattributed_in_a_keyed_order(org, survey, wave, settings):
    add_responses(wave, texts(10))
    results = survey_results(organization=org, survey=survey)
    highlight = question(results, "highlight")
    written = [f"Comment number {i}" for i in range(10)]
    assert sorted(highlight.texts) == sorted(written)
    q = survey.questionnaire.questions.get(key="highlight")
    assert highlight.texts == aggregation.shuffled(sorted(written), text_seed(survey, wave, q))
    # Stable from one load to the next, and keyed by the secret: another key, another order.
    assert question(survey_results(organization=org, survey=survey), "highlight").texts == highlight.texts
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert question(survey_results(organization=org, survey=survey), "highlight").texts != highlight.texts


def test_free_text_is_never_broken_down(org, survey, wave):
    add_responses(wave, texts(10), department="Sales")
    add_responses(wave, texts(10), department="Legal")
    results = survey_results(organization=org, survey=survey, dimension="department")
    assert len(question(results, "highlight").texts) == 20
    for c in results.cells:
        assert "highlight" not in c.means


# --- breakdowns -------------------------------------------------------------------------------


def test_one_cell_under_k_forces_a_second_one_hidden_and_both_fold_into_one_unnamed_row(org, survey, wave):
    add_responses(wave, sets(7, satisfaction=5), department="Sales")
    add_responses(wave, sets(6, satisfaction=4), department="Engineering")
    add_responses(wave, sets(2, satisfaction=1), department="HR")
    results = survey_results(organization=org, survey=survey, dimension="department")
    # HR (2) is under k; Engineering is hidden too, or HR's 2 answers (and their mean) would
    # follow from the total minus the others. Neither is named: a name next to "hidden" would
    # still tell that someone in HR answered.
    assert [c.label for c in results.cells] == ["Sales", OTHER_GROUPS]
    other = cell(results, OTHER_GROUPS)
    assert other.hidden and other.hidden_reason == reason_other_groups(5)
    assert other.hidden_reason.startswith("Groups with fewer than 5 answers are shown together without names")
    assert (other.n, other.means, other.nps) == (None, {}, None)
    sales = cell(results, "Sales")
    assert not sales.hidden and sales.n == 7 and sales.hidden_reason == ""
    assert sales.means["satisfaction"].value == pytest.approx(5)
    assert sales.nps == aggregation.nps([9] * 7)
    # The overall figures stay: they stand on all 15 responses.
    assert question(results, "satisfaction").n == 15


def test_without_a_hidden_cell_there_is_no_other_groups_row(org, survey, closed_wave):
    add_responses(closed_wave, sets(5), department="Sales")
    add_responses(closed_wave, sets(6), department="HR")
    results = survey_results(organization=org, survey=survey, dimension="department")
    assert [(c.label, c.n, c.hidden) for c in results.cells] == [("HR", 6, False), ("Sales", 5, False)]


def test_when_every_cell_is_hidden_only_the_other_groups_row_is_left(org, survey, wave):
    for department in ("Sales", "HR", "Legal"):
        add_responses(wave, sets(2), department=department)
    results = survey_results(organization=org, survey=survey, dimension="department")
    assert results.visible
    assert [(c.label, c.n, c.hidden) for c in results.cells] == [(OTHER_GROUPS, None, True)]


@pytest.mark.parametrize(
    "counts",
    [
        {"A": 5, "B": 5},
        {"A": 4, "B": 9, "C": 6},
        {"A": 1, "B": 1, "C": 12},
        {"A": 3, "B": 2, "C": 5, "D": 5},
        {"A": 2, "B": 2},
        {"A": 6, "B": 6, "C": 6, "": 1},
    ],
)
def test_no_breakdown_cell_under_k_is_shown_nor_recoverable_by_subtraction(org, survey, wave, counts):
    for department, n in counts.items():
        add_responses(wave, sets(n), department=department)
    results = survey_results(organization=org, survey=survey, dimension="department")
    assert results.visible is (sum(counts.values()) >= 5)
    if not results.visible:
        return
    by_label = {(label or NOT_STATED): n for label, n in counts.items()}
    visible = [c for c in results.cells if not c.hidden]
    hidden = [c for c in results.cells if c.hidden]
    for c in visible:
        assert c.n == by_label[c.label] >= 5
    # What the total less the visible cells gives is 0 or at least k people.
    hidden_total = sum(counts.values()) - sum(c.n for c in visible)
    assert hidden_total == 0 or hidden_total >= 5
    # The hidden cells are one unnamed row, last, present exactly when a cell is hidden.
    hidden_labels = set(by_label) - {c.label for c in visible}
    expected = [(OTHER_GROUPS, None, {}, None)] if hidden_labels else []
    assert [(c.label, c.n, c.means, c.nps) for c in hidden] == expected
    assert results.cells[len(visible) :] == hidden
    assert not hidden_labels & {c.label for c in results.cells}


def test_a_question_skipped_inside_a_cell_is_hidden_there_with_a_second_cell(org, survey, closed_wave):
    add_responses(closed_wave, sets(6), department="Sales")
    add_responses(closed_wave, sets(2, hours=10), department="Legal")
    add_responses(closed_wave, [{"satisfaction": 3}] * 4, department="Legal")
    results = survey_results(organization=org, survey=survey, dimension="department")
    legal, sales = cell(results, "Legal"), cell(results, "Sales")
    assert not legal.hidden and not sales.hidden
    assert legal.means["satisfaction"] is not None and sales.means["satisfaction"] is not None
    # Legal has 2 answers about hours; with Sales's mean and the overall mean they would show.
    assert question(results, "hours").n == 8
    assert legal.means["hours"] is None and sales.means["hours"] is None


def test_empty_facts_form_a_not_stated_cell_and_roles_read_as_labels(org, survey, wave):
    add_responses(wave, sets(5), role="mentor", level="")
    add_responses(wave, sets(5), role="mentee", level="Level 3")
    by_role = survey_results(organization=org, survey=survey, dimension="role")
    assert [(c.label, c.n) for c in by_role.cells] == [("Mentee", 5), ("Mentor", 5)]
    by_level = survey_results(organization=org, survey=survey, dimension="level")
    assert [(c.label, c.n) for c in by_level.cells] == [("Level 3", 5), (NOT_STATED, 5)]


def test_every_dimension_breaks_down_and_an_unknown_one_is_refused(org, survey, wave):
    add_responses(wave, sets(5), role="mentee", department="Sales", level="Level 2", cohort="2026 Q1")
    for dimension in DIMENSIONS:
        results = survey_results(organization=org, survey=survey, dimension=dimension)
        assert [c.n for c in results.cells] == [5]
    with pytest.raises(ValueError):
        survey_results(organization=org, survey=survey, dimension="person")


# --- waves and changes ------------------------------------------------------------------------


def test_the_latest_opened_wave_is_shown_and_any_other_can_be_chosen(org, survey):
    first = make_wave(survey, opens_on=timezone.localdate() - timedelta(days=60))
    second = make_wave(survey)
    make_wave(survey, opens_on=timezone.localdate() + timedelta(days=60), opened=False)
    add_responses(first, sets(5))
    latest = survey_results(organization=org, survey=survey)
    assert latest.wave == second and [w.number for w in latest.waves] == [1, 2, 3]
    assert latest.responded == 0 and not latest.visible
    chosen = survey_results(organization=org, survey=survey, wave=first.pk)
    assert chosen.wave == first and chosen.visible


def test_a_wave_of_another_survey_is_not_found(org, survey, wave):
    other_wave = make_wave(make_survey(org))
    with pytest.raises(SurveyWave.DoesNotExist):
        survey_results(organization=org, survey=survey, wave=other_wave)


def test_before_any_wave_opens_nothing_is_shown(org, survey):
    make_wave(survey, opened=False)
    results = survey_results(organization=org, survey=survey)
    assert results.wave is None and not results.visible and results.questions == []


def two_waves(survey, before, after):
    first = make_wave(survey, opens_on=timezone.localdate() - timedelta(days=60))
    second = make_wave(survey, closed=True)
    add_responses(first, before)
    add_responses(second, after)
    return first, second


def test_the_change_since_the_previous_wave_needs_k_in_both(org, survey):
    two_waves(survey, sets(4, satisfaction=2), sets(5, satisfaction=4))
    results = survey_results(organization=org, survey=survey)
    assert results.visible and results.changes == {} and results.previous_wave is None


def test_the_change_since_the_previous_wave(org, survey):
    first, _ = two_waves(survey, sets(5, satisfaction=2, nps=3), sets(6, satisfaction=4, nps=10))
    results = survey_results(organization=org, survey=survey)
    assert results.previous_wave == first
    assert results.changes["satisfaction"] == aggregation.mean_change([2] * 5, [4] * 6)
    assert results.changes["satisfaction"].value == pytest.approx(2)
    assert results.changes["nps"] == aggregation.nps_change([3] * 5, [10] * 6)
    assert "highlight" not in results.changes and "skills_gained" not in results.changes


def test_no_change_for_a_question_under_k_in_the_previous_wave(org, survey):
    two_waves(survey, sets(2) + [{"satisfaction": 3}] * 3, sets(5))
    changes = survey_results(organization=org, survey=survey).changes
    assert "satisfaction" in changes and "hours" not in changes


# --- an open anonymous wave counts whole steps of k --------------------------------------------


def distinct(n):
    """`n` answer sets, each unlike the others (hours = its place, its own comment), so the figures
    show which responses were counted."""
    return [
        {
            "satisfaction": 1 + i % 5,
            "nps": (3 * i) % 11,
            "skills_gained": [("speaking", "feedback", "planning")[i % 3]],
            "mentor_again": ("yes", "maybe", "no")[i % 3],
            "hours": i,
            "highlight": f"Comment {i:02d}",
        }
        for i in range(n)
    ]


def figures(results):
    """Everything a reader sees of the answers: each question's figures (comments sorted, as
    their order is keyed by the wave) and the breakdown."""
    questions = [(q.key, q.n, q.hidden, q.distribution, q.mean, q.nps, sorted(q.texts)) for q in results.questions]
    return questions, [(c.label, c.n, c.hidden, c.means, c.nps) for c in results.cells]


def close(wave):
    SurveyWave.objects.filter(pk=wave.pk).update(closed_at=timezone.now())


def test_an_open_anonymous_wave_shows_the_results_of_its_first_whole_step(org, survey, wave):
    org.survey_min_text_responses = 5  # so that the comments show too
    org.save()
    answers = distinct(7)
    add_responses(wave, answers[:5], department="Sales")
    add_responses(wave, answers[5:], department="HR")
    results = survey_results(organization=org, survey=survey, dimension="department")
    assert (results.responded, results.counted, results.visible) == (7, 5, True)

    # Exactly what a wave that only ever had those five shows.
    control = make_survey(org)
    add_responses(make_wave(control, closed=True), answers[:5], department="Sales")
    expected = survey_results(organization=org, survey=control, dimension="department")
    assert expected.counted == expected.responded == 5
    assert figures(results) == figures(expected)
    assert question(results, "hours").mean == aggregation.mean_ci([0, 1, 2, 3, 4])
    assert sorted(question(results, "highlight").texts) == [f"Comment {i:02d}" for i in range(5)]
    # The two HR answers are not counted yet: Sales is the only group, and it is whole.
    assert [(c.label, c.n, c.hidden) for c in results.cells] == [("Sales", 5, False)]
    assert results.note == (
        "7 people have answered. While the survey is open, results move in steps of 5 answers, so no single "
        "answer can be read from a change: they include the first 5 now, and every answer once it closes."
    )


def test_at_a_whole_step_an_open_wave_counts_every_response_and_says_why_the_next_wont_show(org, survey, wave):
    add_responses(wave, distinct(10))
    results = survey_results(organization=org, survey=survey)
    assert (results.responded, results.counted) == (10, 10)
    assert "they include all 10 now, and every answer once it closes." in results.note


@pytest.mark.parametrize("how", ["closed early", "past its last day", "survey ended"])
def test_once_the_wave_closes_every_response_counts(org, survey, wave, how):
    add_responses(wave, distinct(7))
    # On its last day the wave still takes answers.
    assert survey_results(organization=org, survey=survey, today=wave.closes_on).counted == 5
    today = None
    if how == "closed early":
        close(wave)
    elif how == "past its last day":
        today = wave.closes_on + timedelta(days=1)
    else:
        survey.status = SurveyStatus.ENDED
        survey.save()
    results = survey_results(organization=org, survey=survey, today=today)
    assert (results.responded, results.counted, results.note) == (7, 7, "")
    assert question(results, "hours").n == 7
    assert question(results, "hours").mean == aggregation.mean_ci(list(range(7)))


def test_a_named_survey_counts_every_response_while_open(org):
    survey = make_survey(org, anonymous=False)
    wave = make_wave(survey)
    for person, answers in zip(PersonFactory.create_batch(7, organization=org), distinct(7), strict=True):
        add_responses(wave, [answers], respondent=person)
    results = survey_results(organization=org, survey=survey)
    assert (results.responded, results.counted, results.note) == (7, 7, "")
    assert question(results, "hours").mean == aggregation.mean_ci(list(range(7)))


def test_under_k_an_open_anonymous_wave_counts_no_answer_not_even_who_skipped_what(org, survey, wave):
    add_responses(wave, [{"satisfaction": 3}] * 4)
    results = survey_results(organization=org, survey=survey)
    assert (results.responded, results.counted, results.visible, results.note) == (4, 0, False, "")
    assert {q.n for q in results.questions} == {0}
    close(wave)
    closed = survey_results(organization=org, survey=survey)
    assert (closed.counted, question(closed, "satisfaction").n, question(closed, "hours").n) == (4, 4, 0)


@pytest.mark.parametrize("k", [3, 5])
def test_two_looks_at_an_open_wave_never_differ_by_fewer_than_k_answers(org, survey, wave, k):
    """Answers arrive one at a time, with a look at the results after each. Every comment differs
    and k_text = k, so each look shows exactly which responses it counts: from one look to any
    later one, that set only grows, by a multiple of k, until the wave closes."""
    org.survey_min_responses = org.survey_min_text_responses = k
    org.save()
    written, looks = [], []
    for i, answers in enumerate(distinct(4 * k + 2)):
        add_responses(wave, [answers], department=("Sales", "HR")[i % 2])
        written.append(answers["highlight"])
        results = survey_results(organization=org, survey=survey, dimension="department")
        counted = set(question(results, "highlight").texts)
        assert results.responded == i + 1
        assert results.counted == len(counted) == (i + 1) // k * k
        assert counted == set(written[: results.counted])  # the first ones to arrive
        assert question(results, "hours").n == results.counted
        looks.append((counted, figures(results)))
    for (before, _), (after, _) in itertools.combinations(looks, 2):
        assert before <= after and len(after - before) % k == 0
    # Nothing at all moves between two looks that count the same responses.
    for (before, seen_before), (after, seen_after) in itertools.pairwise(looks):
        assert before != after or seen_before == seen_after
    close(wave)
    final = survey_results(organization=org, survey=survey)
    assert final.counted == final.responded == 4 * k + 2
    assert set(question(final, "highlight").texts) == set(written)


def test_the_change_since_the_previous_wave_counts_the_open_waves_step(org, survey):
    first = make_wave(survey, opens_on=timezone.localdate() - timedelta(days=60))
    second = make_wave(survey)
    add_responses(first, sets(5, satisfaction=2))
    add_responses(second, sets(5, satisfaction=4) + sets(2, satisfaction=1))
    results = survey_results(organization=org, survey=survey)
    assert results.previous_wave == first and results.counted == 5
    assert results.changes["satisfaction"] == aggregation.mean_change([2] * 5, [4] * 5)


def test_the_overview_counts_what_the_results_page_counts(org):
    survey = make_survey(org)
    wave = make_wave(survey)
    add_responses(wave, sets(5, satisfaction=1, nps=0) + sets(2, satisfaction=5, nps=10))
    (row,) = organization_survey_overview(organization=org)
    assert (row["responded"], row["counted"], row["visible"]) == (7, 5, True)
    assert row["satisfaction"] == aggregation.mean_ci([1] * 5)
    assert row["nps"] == aggregation.nps([0] * 5)
    assert row["note"] == survey_results(organization=org, survey=survey).note != ""
    close(wave)
    (row,) = organization_survey_overview(organization=org)
    assert (row["responded"], row["counted"], row["note"]) == (7, 7, "")
    assert row["satisfaction"] == aggregation.mean_ci([1] * 5 + [5] * 2)


# --- bounded queries and no people --------------------------------------------------------------


def fill(org, survey, n):
    """A previous wave and the current one with `n` responses each, across departments."""
    departments = ["Sales", "Engineering", "HR", ""]
    for wave in (make_wave(survey, opens_on=timezone.localdate() - timedelta(days=60)), make_wave(survey)):
        for i, department in enumerate(departments):
            add_responses(wave, sets(n // 4 + (i < n % 4), highlight=f"{department} text"), department=department)


@pytest.mark.parametrize("dimension", [None, "department"])
def test_results_take_a_fixed_number_of_queries(org, django_assert_max_num_queries, dimension):
    used = []
    for n in (10, 500):
        survey = make_survey(org)
        fill(org, survey, n)
        # The last one finds the open wave's m-th response (its step of k).
        with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as queries:
            results = survey_results(organization=org, survey=survey, dimension=dimension)
        assert results.responded == n and results.changes
        used.append(len(queries))
    assert used[0] == used[1]


def test_a_hidden_wave_takes_a_fixed_number_of_queries(org, survey, wave, django_assert_max_num_queries):
    add_responses(wave, sets(4))
    with django_assert_max_num_queries(4):
        survey_results(organization=org, survey=survey, dimension="department")


def test_results_hold_no_person(org, survey, wave):
    people = PersonFactory.create_batch(12, organization=org, name="Ottoline Quibble")
    invite(wave, people, completed=people[:10])
    add_responses(wave, texts(10), department="Sales")
    results = survey_results(organization=org, survey=survey, dimension="department")
    dumped = repr(results)
    for person in people:
        assert person.name not in dumped and person.email not in dumped and person.external_id not in dumped


# --- the leaders' overview ------------------------------------------------------------------------


def test_the_overview_shows_each_surveys_latest_wave_under_k(org):
    program = make_program(org, name="Alpha")
    shown = make_survey(org, program=program, title="End")
    old = make_wave(shown, opens_on=timezone.localdate() - timedelta(days=60))
    add_responses(old, sets(9, satisfaction=1))
    add_responses(make_wave(shown), sets(3, satisfaction=5) + sets(2, satisfaction=4, nps=6))
    small = make_survey(org, program=program, title="Pulse")
    add_responses(make_wave(small), sets(4))
    unopened = make_survey(org, program=make_program(org, name="Beta"), title="Later")
    make_wave(unopened, opened=False)
    make_survey(org, program=program, title="Draft", status=SurveyStatus.DRAFT)

    rows = organization_survey_overview(organization=org)
    assert [(r["program"].name, r["survey"].title) for r in rows] == [
        ("Alpha", "End"),
        ("Alpha", "Pulse"),
        ("Beta", "Later"),
    ]
    end, pulse, later = rows
    assert end["visible"] and end["responded"] == 5
    assert end["satisfaction"].value == pytest.approx(4.6)
    assert end["nps"] == aggregation.nps([9, 9, 9, 6, 6])
    assert not pulse["visible"] and pulse["responded"] == 4
    assert (pulse["satisfaction"], pulse["nps"]) == (None, None)
    assert later["wave"] is None and not later["visible"]


def test_the_overview_takes_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    for i in range(3):
        survey = make_survey(org, program=make_program(org, name=f"P{i}"))
        add_responses(make_wave(survey), sets(6))
    # The fifth finds, in one query for every open wave, the m-th response of each.
    with django_assert_max_num_queries(5):
        organization_survey_overview(organization=org)


# --- lists ----------------------------------------------------------------------------------------


def test_a_programs_surveys_carry_their_waves_counts(org, survey):
    first = make_wave(survey, opens_on=timezone.localdate() - timedelta(days=60))
    invite(first, PersonFactory.create_batch(3, organization=org))
    add_responses(first, sets(2))
    make_wave(survey, opened=False)
    other = make_survey(org)  # another program's
    (listed,) = program_surveys(organization=org, program=survey.program)
    assert listed == survey and listed.wave_count == 2
    assert listed.latest_wave == first
    assert (listed.latest_wave.invited, listed.latest_wave.responded) == (3, 2)
    assert other not in program_surveys(organization=org, program=survey.program)


def test_a_participants_open_waves_and_whether_they_answered(org):
    me, someone = PersonFactory.create_batch(2, organization=org)
    answered_survey, open_survey = make_survey(org, title="Answered"), make_survey(org, title="Open")
    answered_wave, open_wave = make_wave(answered_survey, days=5), make_wave(open_survey)
    invite(answered_wave, [me], completed=[me])
    invite(open_wave, [me, someone])
    # Not open today: closed early, not yet opened, over, or the survey ended.
    closed = make_wave(make_survey(org), closed=True)
    future = make_wave(make_survey(org), opens_on=timezone.localdate() + timedelta(days=2))
    over = make_wave(make_survey(org), opens_on=timezone.localdate() - timedelta(days=30))
    ended = make_wave(make_survey(org, status=SurveyStatus.ENDED))
    for wave in (closed, future, over, ended):
        invite(wave, [me])
    rows = open_waves_for(organization=org, person=me)
    assert [(r["survey"].title, r["answered"]) for r in rows] == [("Answered", True), ("Open", False)]
    assert rows[1]["wave"] == open_wave
    assert invitation_for(organization=org, wave=open_wave, person=me) is not None
    assert invitation_for(organization=org, wave=closed, person=someone) is None


def test_lists_stay_inside_the_organization(org, survey, wave):
    other = OrganizationFactory()
    stranger = PersonFactory(organization=other)
    assert program_surveys(organization=other, program=survey.program) == []
    invite(wave, [PersonFactory(organization=org)])
    assert open_waves_for(organization=other, person=stranger) == []
    assert invitation_for(organization=other, wave=wave, person=stranger) is None
