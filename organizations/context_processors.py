from django.utils.functional import SimpleLazyObject

from .notify import unread_count
from .permissions import actions_for
from .selectors import user_memberships


def tenancy(request):
    """The current organization, the user's other organizations (for the switcher) and rights."""
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    context = {
        "organization": organization,
        "membership": membership,
        "perms_org": {a.value for a in actions_for(membership)},
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Left unevaluated: only the organization switcher reads it, so other pages cost no query.
        context["my_memberships"] = user_memberships(user=user)
        if organization is not None:
            # Lazy too: one COUNT query, only on pages that show the bell.
            context["unread_notifications"] = SimpleLazyObject(
                lambda: unread_count(organization=organization, user=user)
            )
    return context
