"""A participant's own "please not" and "I would like" lists, and what they do to matching."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from matching.models import MatchPreference, MentorSuggestion, PairExclusion
from matching.selectors import my_matching_lists, suggestions_for
from matching.services.participant import (
    MAX_EXCLUSIONS,
    match_preference_add,
    match_preference_remove,
    pair_exclusion_add,
    pair_exclusion_remove,
)
from matching.services.self_match import mentor_request_send, suggestions_refresh
from programs.models import Enrollment, EnrollmentStatus

from ..factories import OrganizationFactory, PersonFactory
from .participant_fixtures import self_match_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return self_match_program(
        org, mentees={"Ann": ["sql"], "Bea": ["sql"]}, mentors={"Mo": (["sql"], 2), "Ned": (["sql", "leadership"], 2)}
    )


def change(service, world, name, person, *, user=None):
    return service(
        organization=world.org, enrollment=world.enrollment(name), person=person, user=user or world.user(name)
    )


def person(world, name):
    return world.enrollment(name).person


def test_a_participant_keeps_their_own_lists(world):
    change(pair_exclusion_add, world, "Ann", person(world, "Mo"))
    change(match_preference_add, world, "Ann", person(world, "Ned"))
    lists = my_matching_lists(world.enrollment("Ann"))
    assert [e.excluded_person.name for e in lists.exclusions] == ["Mo"]
    assert [p.preferred_person.name for p in lists.preferences] == ["Ned"]
    assert list(my_matching_lists(world.enrollment("Bea")).exclusions) == []

    change(pair_exclusion_remove, world, "Ann", person(world, "Mo"))
    change(match_preference_remove, world, "Ann", person(world, "Ned"))
    assert not PairExclusion.objects.exists() and not MatchPreference.objects.exists()


def test_nobody_edits_someone_elses_lists(world):
    with pytest.raises(PermissionDenied):
        change(pair_exclusion_add, world, "Ann", person(world, "Mo"), user=world.user("Bea"))
    with pytest.raises(PermissionDenied):
        change(match_preference_add, world, "Ann", person(world, "Mo"), user=world.manager)
    assert not PairExclusion.objects.exists() and not MatchPreference.objects.exists()


def test_only_people_of_the_same_organization_and_never_oneself(world):
    stranger = PersonFactory(organization=OrganizationFactory())
    with pytest.raises(ValidationError):
        change(pair_exclusion_add, world, "Ann", stranger)
    with pytest.raises(ValidationError) as caught:
        change(pair_exclusion_add, world, "Ann", person(world, "Ann"))
    assert caught.value.message_dict["person"] == ["You cannot put yourself on your own list."]


def test_clear_errors_for_duplicates_conflicts_and_missing_entries(world):
    mo = person(world, "Mo")
    change(pair_exclusion_add, world, "Ann", mo)
    with pytest.raises(ValidationError) as caught:
        change(pair_exclusion_add, world, "Ann", mo)
    assert caught.value.message_dict["person"] == ["Mo is already on your “please not” list."]
    with pytest.raises(ValidationError) as caught:
        change(match_preference_add, world, "Ann", mo)
    assert "take them off it first" in caught.value.message_dict["person"][0]
    with pytest.raises(ValidationError) as caught:
        change(match_preference_remove, world, "Ann", mo)
    assert caught.value.message_dict["person"] == ["Mo is not on your “I would like” list."]


def test_mentors_do_not_say_whom_they_would_like(world):
    with pytest.raises(ValidationError) as caught:
        change(match_preference_add, world, "Mo", person(world, "Ann"))
    assert "Mentees say whom they would like" in caught.value.message_dict["enrollment"][0]
    # …but anyone can keep a please-not list.
    change(pair_exclusion_add, world, "Mo", person(world, "Ann"))


def test_the_please_not_list_is_capped(world, org):
    for _ in range(MAX_EXCLUSIONS):
        change(pair_exclusion_add, world, "Ann", PersonFactory(organization=org))
    with pytest.raises(ValidationError) as caught:
        change(pair_exclusion_add, world, "Ann", PersonFactory(organization=org))
    assert f"at most {MAX_EXCLUSIONS}" in caught.value.message_dict["person"][0]


def test_a_withdrawn_participant_cannot_change_their_lists(world):
    Enrollment.objects.filter(pk=world.enrollment("Ann").pk).update(status=EnrollmentStatus.WITHDRAWN)
    with pytest.raises(ValidationError) as caught:
        change(pair_exclusion_add, world, "Ann", person(world, "Mo"))
    assert caught.value.message_dict["enrollment"] == ["Your place in this program is withdrawn."]


def test_a_please_not_entry_works_both_ways_in_suggestions_and_requests(world):
    # The mentor asks not to be matched with Ann: Ann is never shown Mo, nor may she ask him.
    change(pair_exclusion_add, world, "Mo", person(world, "Ann"))
    suggestions_refresh(organization=world.org, program=world.program)
    assert [s.mentor_name for s in suggestions_for(world.enrollment("Ann"))] == ["Ned"]
    assert MentorSuggestion.objects.filter(mentee=world.enrollment("Bea"), mentor=world.enrollment("Mo")).exists()
    with pytest.raises(ValidationError) as caught:
        mentor_request_send(
            organization=world.org,
            mentee=world.enrollment("Ann"),
            mentor=world.enrollment("Mo"),
            user=world.user("Ann"),
        )
    # Private: the message does not say who asked for what.
    assert caught.value.message_dict["mentor"] == ["The program's matching rules do not allow a match with Mo."]


def test_a_preference_adds_the_bonus_and_says_so(world):
    # Mo and Ned both teach SQL, the one thing Ann wants: equal scores until she names Mo.
    change(match_preference_add, world, "Ann", person(world, "Mo"))
    suggestions_refresh(organization=world.org, program=world.program)
    ann = {s.mentor_name: s for s in suggestions_for(world.enrollment("Ann"))}
    assert ann["Mo"].score == ann["Ned"].score + 10.0
    assert ann["Mo"].rank == 1
    assert any(reason["text"] == "You asked to be matched with them" for reason in ann["Mo"].reasons)
