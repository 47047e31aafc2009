"""Which directory record belongs to which user account.

A Person is linked to a user exactly when the person's email is one of that user's *verified*
addresses and the user is a member of the person's organization. `people_relink` recomputes
that rule for an organization and fixes every row that disagrees, both ways: it links new
matches and unlinks records whose email changed, whose user lost the address or left the
organization. Every event that can change the answer calls it (sign-in, an email confirmed,
removed or changed, membership gained or lost, a person's email edited or imported), so the
rule lives in one place.
"""

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.db.models.functions import Lower

from ..models import Membership, Organization, Person


def people_relink(*, organization, person_ids=None) -> int:
    """Make the organization's links follow the rule; return how many rows changed."""
    member_emails = dict(
        EmailAddress.objects.filter(verified=True, user__memberships__organization=organization)
        .annotate(address=Lower("email"))
        .values_list("address", "user_id")
    )
    people = Person.objects.for_org(organization).annotate(address=Lower("email"))
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    # Only rows linked now, or whose address a member has verified, can need a change.
    candidates = people.filter(Q(user__isnull=False) | Q(address__in=list(member_emails))).values_list(
        "pk", "address", "user_id"
    )
    wrong = [
        (pk, member_emails.get(address)) for pk, address, user_id in candidates if member_emails.get(address) != user_id
    ]
    for pk, user_id in wrong:
        Person.objects.for_org(organization).filter(pk=pk).update(user_id=user_id)
    return len(wrong)


def user_relink(*, user) -> int:
    """Re-apply the rule in every organization where the user is a member or has linked records."""
    org_ids = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    org_ids |= set(Person.objects.filter(user=user).values_list("organization_id", flat=True))
    return sum(people_relink(organization=org) for org in Organization.objects.filter(pk__in=org_ids))
