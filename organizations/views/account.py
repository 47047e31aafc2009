"""Pages outside any one organization: landing, home redirect, org list/create, invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse

from ..forms import OrganizationCreateForm
from ..scoping import SESSION_LAST_ORG
from ..selectors import user_memberships
from ..services import InvitationError, invitation_from_token, organization_create
from ..services import invitation_accept as accept


@login_not_required
def landing(request):
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html")


def home(request):
    """Send the user to the organization they used last, or let them pick or create one."""
    memberships = list(user_memberships(user=request.user))
    last = request.session.get(SESSION_LAST_ORG)
    chosen = next((m for m in memberships if m.organization.slug == last), None)
    if chosen is None and len(memberships) == 1:
        chosen = memberships[0]
    if chosen is not None:
        return redirect("org:home", org_slug=chosen.organization.slug)
    return redirect("org-list")


def org_list(request):
    return render(request, "organizations/org_list.html", {"memberships": user_memberships(user=request.user)})


def org_create(request):
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = organization_create(created_by=request.user, **form.cleaned_data)
        messages.success(request, f"{organization.name} is ready. You are its owner.")
        return redirect("org:home", org_slug=organization.slug)
    return render(request, "organizations/org_create.html", {"form": form})


@login_not_required
def invitation_accept(request, token):
    invitation = invitation_from_token(token)
    if invitation is None:
        return render(request, "organizations/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        next_url = reverse("invitation_accept", args=[token])
        return render(request, "organizations/invitation_landing.html", {"invitation": invitation, "next": next_url})
    if request.method == "POST":
        try:
            accept(invitation=invitation, user=request.user)
        except InvitationError as error:
            messages.error(request, str(error))
            return render(request, "organizations/invitation_landing.html", {"invitation": invitation}, status=403)
        messages.success(request, f"Welcome to {invitation.organization.name}.")
        return redirect("org:home", org_slug=invitation.organization.slug)
    return render(request, "organizations/invitation_landing.html", {"invitation": invitation})
