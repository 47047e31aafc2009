"""Who a participant is in matching: the signed-in user's directory record owns an enrollment.

Services call these before any write a participant makes (a request, a rematch, their private
lists); pages and the API use `is_own_enrollment` to decide what a participant may see.
"""

from django.core.exceptions import PermissionDenied


def is_own_enrollment(user, enrollment) -> bool:
    """True when `user` is the person enrolled (their directory record is linked to them)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return enrollment.person.user_id == user.pk


def require_own_enrollment(user, enrollment, message="Only the participant themself can do this."):
    if not is_own_enrollment(user, enrollment):
        raise PermissionDenied(message)
