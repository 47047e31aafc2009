"""Every write in the organizations app. Modules by subject; import from here."""

from .members import (
    InvitationError,
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
    invitation_token,
    membership_change_role,
    membership_remove,
    organization_create,
    organization_update,
    person_link_user,
    user_verified_emails,
)

__all__ = [
    "InvitationError",
    "api_token_create",
    "api_token_revoke",
    "invitation_accept",
    "invitation_create",
    "invitation_from_token",
    "invitation_revoke",
    "invitation_token",
    "membership_change_role",
    "membership_remove",
    "organization_create",
    "organization_update",
    "person_link_user",
    "user_verified_emails",
]
