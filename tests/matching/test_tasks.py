"""The nightly job that keeps self-match suggestions fresh."""

import pytest

from matching.models import MentorSuggestion
from matching.tasks import refresh_all_suggestions_task
from programs.models import ProgramStatus

from .participant_fixtures import self_match_program

pytestmark = pytest.mark.django_db


def test_the_nightly_refresh_reaches_every_open_self_match_program_and_no_other(org):
    self_match_program(org, mentees={"Ann": ["sql"]}, mentors={"Mo": (["sql"], 1)})
    self_match_program(org, mentees={"Bea": ["sql"]}, mentors={"Ned": (["sql"], 1)}, mode="managed")
    closed = self_match_program(org, mentees={"Cai": ["sql"]}, mentors={"Ola": (["sql"], 1)})
    closed.program.status = ProgramStatus.CLOSED
    closed.program.save()
    MentorSuggestion.objects.all().delete()

    assert refresh_all_suggestions_task() == 1  # tasks run eagerly in tests
    suggested = MentorSuggestion.objects.values_list("mentee__person__name", "mentor__person__name")
    assert list(suggested) == [("Ann", "Mo")]
