"""Writes for organizations, memberships, invitations, API tokens and people-to-user links."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from ..models import ApiToken, Invitation, Membership, Organization, Role, validate_printable
from ..permissions import can_assign_role, can_change_member
from .links import people_relink, user_relink
from .logos import organization_logo_discard

INVITATION_SALT = "tandem.invitation"
# Invitations are email sent on a user's say-so: limits keep Tandem from being a spam relay.
INVITATION_RESEND_COOLDOWN = timedelta(minutes=10)
INVITATION_MAX_SENDS = 5


def organization_create(*, name, created_by, slug=None, time_zone="UTC", locale="en", brand_colour="#2563eb"):
    """Create an organization; its creator becomes its first owner."""
    validate_printable(name)
    base = slugify(slug or name)[:50] or "org"
    candidate = base
    for _ in range(5):
        try:
            with transaction.atomic():
                organization = Organization.objects.create(
                    name=name, slug=candidate, time_zone=time_zone, locale=locale, brand_colour=brand_colour
                )
                Membership.objects.create(organization=organization, user=created_by, role=Role.OWNER)
            return organization
        except IntegrityError:
            # Taken (perhaps a moment ago by someone else): try a random suffix, not "-2", "-3"…
            candidate = f"{base}-{secrets.token_hex(3)}"
    raise ValidationError({"name": ["Could not find a free web address for this name; try another."]})


ORGANIZATION_EDITABLE_FIELDS = (
    "name",
    "time_zone",
    "locale",
    "brand_colour",
    "logo",
    "survey_min_responses",
    "survey_min_text_responses",
)


def organization_update(*, organization, **fields):
    unknown = set(fields) - set(ORGANIZATION_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    previous_logo = organization.logo.name
    for key, value in fields.items():
        setattr(organization, key, value)
    organization.full_clean()
    with transaction.atomic():
        organization.save()
        # A replaced or cleared logo's file goes too, once the change is committed.
        organization_logo_discard(organization=organization, name=previous_logo)
    return organization


def _lock_members(organization, actor, membership_pk):
    """Lock the organization, then re-read both memberships under the lock.

    Every membership change takes the organization's row lock first, so two owners demoting
    each other run one after the other and the second sees the first's result: the
    organization can never end up with no owner. The actor's role is re-read too, since the
    request's copy may be stale.
    """
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    members = Membership.objects.for_org(organization)
    actor = members.filter(pk=actor.pk).first()
    membership = members.get(pk=membership_pk)
    if actor is None:
        raise PermissionDenied("You are no longer a member of this organization.")
    return actor, membership, members.filter(role=Role.OWNER).count()


@transaction.atomic
def membership_change_role(*, organization, actor, membership, role):
    actor, membership, owners = _lock_members(organization, actor, membership.pk)
    if not can_change_member(actor, membership) or not can_assign_role(actor, role):
        raise PermissionDenied("Your role does not allow this change.")
    if membership.role == Role.OWNER and role != Role.OWNER and owners <= 1:
        raise ValidationError("An organization needs at least one owner.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, organization, actor, membership):
    actor, membership, owners = _lock_members(organization, actor, membership.pk)
    if not can_change_member(actor, membership):
        raise PermissionDenied("Your role does not allow removing this member.")
    if membership.role == Role.OWNER and owners <= 1:
        raise ValidationError("An organization needs at least one owner.")
    ApiToken.objects.for_org(organization).filter(user_id=membership.user_id).update(revoked_at=timezone.now())
    membership.delete()
    people_relink(organization=organization)


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


def _enqueue_invitation_email(invitation):
    from ..tasks import send_invitation_email_task

    transaction.on_commit(lambda: send_invitation_email_task.delay(invitation.organization_id, invitation.pk))


def invitation_create(*, organization, actor, email, role=Role.MEMBER):
    """Invite someone by email. The email goes out from a task once the row is committed.

    Refused, naming the field: an address that is already a member or already has a pending
    invitation, and more than INVITATIONS_PER_DAY invitations in a day for one organization.
    """
    if not can_assign_role(actor, role):
        raise PermissionDenied("Your role does not allow inviting with this role.")
    email = get_user_model().objects.normalize_email(email).lower()
    with transaction.atomic():
        # Serialize invitations per organization so the checks below cannot race.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        members = Membership.objects.for_org(organization)
        if members.filter(Q(user__email__iexact=email) | Q(user__emailaddress__email__iexact=email)).exists():
            raise ValidationError({"email": ["This person is already a member."]})
        pending = Invitation.objects.for_org(organization).filter(
            email=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        if pending.exists():
            raise ValidationError(
                {"email": ["This address already has a pending invitation; resend it from the list."]}
            )
        today = Invitation.objects.for_org(organization).filter(created_at__gte=timezone.now() - timedelta(days=1))
        cap = settings.INVITATIONS_PER_DAY
        if today.count() >= cap:
            raise ValidationError({"email": [f"This organization has sent {cap} invitations today; try tomorrow."]})
        invitation = Invitation.objects.create(organization=organization, email=email, role=role, invited_by=actor.user)
        _enqueue_invitation_email(invitation)
    return invitation


def invitation_resend(*, organization, invitation):
    """Send a pending invitation again, at most every INVITATION_RESEND_COOLDOWN and a few times."""
    if invitation.status != "pending":
        raise ValidationError(f"Only pending invitations can be sent again; this one is {invitation.status}.")
    now = timezone.now()
    with transaction.atomic():
        # Compare-and-set: two clicks at once send one email.
        claimed = (
            Invitation.objects.for_org(organization)
            .filter(pk=invitation.pk, send_count__lt=INVITATION_MAX_SENDS)
            .exclude(last_sent_at__gt=now - INVITATION_RESEND_COOLDOWN)
            .update(last_sent_at=now)
        )
        if not claimed:
            raise ValidationError(
                "This invitation was sent a few minutes ago, or already "
                f"{INVITATION_MAX_SENDS} times. Wait a little, or ask them to check their spam folder."
            )
        _enqueue_invitation_email(invitation)


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
        # An existing member invited to a higher role gets it; an invitation never lowers a role.
        if not created and Role(invitation.role).rank > Role(membership.role).rank:
            membership.role = invitation.role
            membership.save(update_fields=["role"])
        people_relink(organization=invitation.organization)
    return membership


def person_link_user(*, user):
    """Re-apply the link rule (services/links.py) wherever this user is a member."""
    return user_relink(user=user)


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
