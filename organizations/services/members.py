"""Writes for organizations, memberships, invitations, API tokens and people-to-user links."""

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..models import ApiToken, Invitation, Membership, Organization, Person, Role
from ..permissions import can_assign_role, can_change_member

INVITATION_SALT = "tandem.invitation"


def organization_create(*, name, created_by, slug=None, time_zone="UTC", locale="en", brand_colour="#2563eb"):
    """Create an organization; its creator becomes its first owner."""
    base = slugify(slug or name)[:50] or "org"
    candidate, n = base, 1
    while Organization.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    with transaction.atomic():
        organization = Organization.objects.create(
            name=name, slug=candidate, time_zone=time_zone, locale=locale, brand_colour=brand_colour
        )
        Membership.objects.create(organization=organization, user=created_by, role=Role.OWNER)
    return organization


def organization_update(*, organization, **fields):
    for key, value in fields.items():
        setattr(organization, key, value)
    organization.full_clean()
    organization.save()
    return organization


def _owner_count(organization):
    return Membership.objects.for_org(organization).filter(role=Role.OWNER).count()


@transaction.atomic
def membership_change_role(*, organization, actor, membership, role):
    membership = Membership.objects.for_org(organization).select_for_update().get(pk=membership.pk)
    if not can_change_member(actor, membership) or not can_assign_role(actor, role):
        raise PermissionDenied("Your role does not allow this change.")
    if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(organization) <= 1:
        raise ValidationError("An organization needs at least one owner.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, organization, actor, membership):
    membership = Membership.objects.for_org(organization).select_for_update().get(pk=membership.pk)
    if not can_change_member(actor, membership):
        raise PermissionDenied("Your role does not allow removing this member.")
    if membership.role == Role.OWNER and _owner_count(organization) <= 1:
        raise ValidationError("An organization needs at least one owner.")
    ApiToken.objects.for_org(organization).filter(user_id=membership.user_id).update(revoked_at=timezone.now())
    membership.delete()


def invitation_token(invitation) -> str:
    # No timestamp in the token: expiry lives on the row, so the same invitation always has
    # the same link (resent emails match) and revoking or rotating the nonce kills old links.
    return signing.Signer(salt=INVITATION_SALT).sign_object({"i": invitation.pk, "n": invitation.nonce})


def invitation_from_token(token):
    """The pending invitation a token names, or None for a bad, used, revoked or expired token."""
    try:
        data = signing.Signer(salt=INVITATION_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    invitation = Invitation.objects.select_related("organization").filter(pk=data.get("i")).first()
    if invitation is None or invitation.nonce != data.get("n") or invitation.status != "pending":
        return None
    return invitation


def invitation_create(*, organization, actor, email, role=Role.MEMBER):
    """Invite someone by email; sends the email after the row is committed."""
    from ..emails import send_invitation_email

    if not can_assign_role(actor, role):
        raise PermissionDenied("Your role does not allow inviting with this role.")
    email = get_user_model().objects.normalize_email(email).lower()
    with transaction.atomic():
        invitation = Invitation.objects.create(organization=organization, email=email, role=role, invited_by=actor.user)
        transaction.on_commit(lambda: send_invitation_email(invitation))
    return invitation


def invitation_revoke(*, organization, invitation):
    Invitation.objects.for_org(organization).filter(pk=invitation.pk, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )


class InvitationError(Exception):
    pass


def user_verified_emails(user):
    from allauth.account.models import EmailAddress

    return {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}


def invitation_accept(*, invitation, user):
    """Grant the invitation's own organization and role to `user`, once.

    Refused when the signed-in user's verified emails do not include the invited address: an
    invitation forwarded to, or opened by, someone else grants nothing.
    """
    if invitation.email.lower() not in user_verified_emails(user):
        raise InvitationError(
            f"This invitation was sent to {invitation.email}. Sign in with that address to accept it."
        )
    with transaction.atomic():
        # Compare-and-set: of two simultaneous accepts, exactly one wins.
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).update(accepted_at=timezone.now(), accepted_by=user)
        if not claimed:
            raise InvitationError("This invitation has already been used, revoked or has expired.")
        membership, created = Membership.objects.get_or_create(
            organization=invitation.organization, user=user, defaults={"role": invitation.role}
        )
    person_link_user(user=user)
    return membership


def person_link_user(*, user):
    """Link directory records to `user` where their email is one of the user's *verified* emails,
    in organizations the user belongs to. Never on an unverified address."""
    emails = user_verified_emails(user)
    if not emails:
        return 0
    org_ids = Membership.objects.filter(user=user).values_list("organization_id", flat=True)
    linked = 0
    for email in emails:
        linked += Person.objects.filter(organization_id__in=org_ids, email__iexact=email, user__isnull=True).update(
            user=user
        )
    return linked


def api_token_create(*, organization, user, name):
    """Create a token and return (token, raw_key). The raw key is shown once and never stored."""
    raw_key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        organization=organization,
        user=user,
        name=name,
        key_prefix=raw_key[:12],
        key_hash=ApiToken.hash_key(raw_key),
    )
    return token, raw_key


def api_token_revoke(*, organization, token):
    ApiToken.objects.for_org(organization).filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
