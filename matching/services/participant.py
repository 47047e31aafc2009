"""A participant's own matching lists: "please not this person" and "I would like this person".

The please-not list is a hard rule the engine never breaks, in both directions, and nobody but
the participant (and the engine) ever sees it. A preference adds the program's bonus points
to that pair's score, never a guarantee. Each participant edits only their own lists.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs.models import Enrollment, EnrollmentStatus, ParticipantRole, ProgramStatus

from ..access import require_own_enrollment
from ..models import MatchPreference, PairExclusion
from ._common import raise_errors, same_org

# Long enough for real needs; a please-not list of hundreds would quietly unmatch a person.
MAX_EXCLUSIONS = 25
MAX_PREFERENCES = 10
OPEN_ENROLLMENT = (EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED)
PREFERRING_ROLES = (ParticipantRole.MENTEE, ParticipantRole.PEER)


def _check_list_change(organization, enrollment, person, user):
    """Common refusals; returns the enrollment row, locked so a list's cap holds under double clicks."""
    same_org(organization, enrollment, person)
    require_own_enrollment(user, enrollment, "You can change only your own lists.")
    enrollment = (
        Enrollment.objects.for_org(organization)
        .select_related("program")
        .select_for_update(of=("self",))
        .get(pk=enrollment.pk)
    )
    errors = {}
    if enrollment.status not in OPEN_ENROLLMENT:
        errors["enrollment"] = [f"Your place in this program is {enrollment.get_status_display().lower()}."]
    elif enrollment.program.status == ProgramStatus.CLOSED:
        errors["enrollment"] = ["The program is closed."]
    if person.pk == enrollment.person_id:
        errors["person"] = ["You cannot put yourself on your own list."]
    raise_errors(errors)
    return enrollment


def _create_once(model, message, **fields):
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:  # the unique (enrollment, person) key: a double click raced past the check
        raise ValidationError({"person": [message]}) from None


@transaction.atomic
def pair_exclusion_add(*, organization, enrollment, person, user) -> PairExclusion:
    """Never match the participant with `person` (in this program, in either direction)."""
    enrollment = _check_list_change(organization, enrollment, person, user)
    exclusions = PairExclusion.objects.for_org(organization).filter(enrollment=enrollment)
    already = f"{person.name} is already on your “please not” list."
    if exclusions.filter(excluded_person=person).exists():
        raise ValidationError({"person": [already]})
    if MatchPreference.objects.for_org(organization).filter(enrollment=enrollment, preferred_person=person).exists():
        raise ValidationError({"person": [f"{person.name} is on your “I would like” list; take them off it first."]})
    if exclusions.count() >= MAX_EXCLUSIONS:
        raise ValidationError({"person": [f"Your “please not” list holds at most {MAX_EXCLUSIONS} people."]})
    return _create_once(
        PairExclusion, already, organization=organization, enrollment=enrollment, excluded_person=person
    )


@transaction.atomic
def pair_exclusion_remove(*, organization, enrollment, person, user) -> None:
    enrollment = _check_list_change(organization, enrollment, person, user)
    deleted, _ = (
        PairExclusion.objects.for_org(organization).filter(enrollment=enrollment, excluded_person=person).delete()
    )
    if not deleted:
        raise ValidationError({"person": [f"{person.name} is not on your “please not” list."]})


@transaction.atomic
def match_preference_add(*, organization, enrollment, person, user) -> MatchPreference:
    """Say "I would like to be matched with `person`": a score bonus for that pair."""
    enrollment = _check_list_change(organization, enrollment, person, user)
    errors = {}
    if enrollment.role not in PREFERRING_ROLES:
        errors["enrollment"] = ["Mentees say whom they would like; mentors are chosen."]
    if not person.is_active:
        errors["person"] = [f"{person.name} has left the organization."]
    raise_errors(errors)
    preferences = MatchPreference.objects.for_org(organization).filter(enrollment=enrollment)
    already = f"{person.name} is already on your “I would like” list."
    if preferences.filter(preferred_person=person).exists():
        raise ValidationError({"person": [already]})
    if PairExclusion.objects.for_org(organization).filter(enrollment=enrollment, excluded_person=person).exists():
        raise ValidationError({"person": [f"{person.name} is on your “please not” list; take them off it first."]})
    if preferences.count() >= MAX_PREFERENCES:
        raise ValidationError({"person": [f"Your “I would like” list holds at most {MAX_PREFERENCES} people."]})
    return _create_once(
        MatchPreference, already, organization=organization, enrollment=enrollment, preferred_person=person
    )


@transaction.atomic
def match_preference_remove(*, organization, enrollment, person, user) -> None:
    enrollment = _check_list_change(organization, enrollment, person, user)
    preferences = MatchPreference.objects.for_org(organization).filter(enrollment=enrollment, preferred_person=person)
    deleted, _ = preferences.delete()
    if not deleted:
        raise ValidationError({"person": [f"{person.name} is not on your “I would like” list."]})
