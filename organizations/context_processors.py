from .permissions import actions_for


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
        context["my_memberships"] = list(user.memberships.select_related("organization").order_by("organization__name"))
    return context
