"""What every write to a pair's workspace checks first: the objects are this organization's, the
person acting is a member, and the mentorship is still running."""

from django.core.exceptions import PermissionDenied, ValidationError

from ..models import MentorshipMember

NOT_A_MEMBER = "Only the members of this mentorship can do this."
ENDED = "This mentorship has ended: nothing can be changed any more."


def raise_errors(errors: dict):
    if errors:
        raise ValidationError({name: v if isinstance(v, list) else [v] for name, v in errors.items()})


def same_org(organization, *objects):
    """Another tenant's object is refused like a missing one."""
    for obj in objects:
        if obj is not None and obj.organization_id != organization.pk:
            raise ValidationError("Not found.")


def acting_member(organization, mentorship, person) -> MentorshipMember:
    """`person`'s membership of `mentorship`, else PermissionDenied."""
    same_org(organization, mentorship)
    member = (
        MentorshipMember.objects.for_org(organization)
        .filter(mentorship_id=mentorship.pk, person_id=getattr(person, "pk", None))
        .select_related("person")
        .first()
    )
    if member is None:
        raise PermissionDenied(NOT_A_MEMBER)
    return member


def require_live(mentorship):
    if not mentorship.is_live:
        raise ValidationError({"mentorship": [ENDED]})
