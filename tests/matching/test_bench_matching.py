"""manage.py bench_matching at a tiny size: the pool it writes in bulk is what the services
write, the run matches it, and the report holds every figure."""

import io
import json

import pytest
from django.core.management import call_command

from matching.models import MatchRun
from organizations.models import Organization
from programs.models import Enrollment, ProgramStatus
from programs.selectors.matching import matching_pool
from surveys.models import Answer, AnswerChoice
from surveys.selectors import answers_table
from surveys.services import response_submit

pytestmark = pytest.mark.django_db

PAGES = ("run page", "run page, search 'Okafor'", "add a pair page", "matching home")


def bench(**options):
    out = io.StringIO()
    call_command("bench_matching", mentees=30, mentors=8, stdout=out, stderr=io.StringIO(), **options)
    return json.loads(out.getvalue())


def test_the_report_holds_every_figure_and_the_organization_is_deleted():
    report = bench()
    assert report["matched"] + report["unmatched"] == 30 and report["matched"] > 0
    assert report["proven"] and "proven" in report["optimal"]
    assert set(report["timings"]) >= {"load_seconds", "score_seconds", "solve_seconds", "write_seconds"}
    assert report["setup_seconds"] > 0 and report["run_seconds"] > 0 and report["peak_mib"] > 0
    assert set(report["pages"]) == set(PAGES)
    for page in report["pages"].values():
        assert page["p50_ms"] > 0 and 0 < page["queries"] < 40 and page["kib"] > 0
    assert set(report["review_edit"]) == {"remove_seconds", "add_seconds"}
    assert not Organization.objects.filter(slug=report["organization"]).exists()


def test_the_kept_pool_is_what_the_services_write():
    report = bench(keep=True)
    organization = Organization.objects.get(slug=report["organization"])
    run = MatchRun.objects.for_org(organization).get()
    program = run.program
    assert program.status == ProgramStatus.MATCHING
    assert matching_pool(program).count() == 38
    assert len(run.parameters["mentees"]) == 30 and 1 <= min(run.parameters["capacity"]) <= 5

    # Submitting a mentee's stored answers again through the service stores the same answers.
    mentee = Enrollment.objects.for_org(organization).filter(role="mentee").select_related("response").first()
    questionnaire = program.mentee_questionnaire

    def stored():
        rows = Answer.objects.for_org(organization).filter(response=mentee.response)
        choices = AnswerChoice.objects.for_org(organization).filter(answer__response=mentee.response)
        table = answers_table(organization=organization, questionnaire=questionnaire, respondent_ids=[mentee.person_id])
        return table[mentee.person_id], rows.count(), choices.count()

    before = stored()
    answers = {key: sorted(value) if isinstance(value, set) else value for key, value in before[0].items()}
    assert set(answers) == {"wants", "zone"} and answers["wants"]
    response_submit(
        organization=organization,
        questionnaire=questionnaire,
        respondent=mentee.person,
        answers=answers,
        response=mentee.response,
    )
    assert stored() == before
