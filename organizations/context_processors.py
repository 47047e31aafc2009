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
    return context
