"""The organization's home page and its settings."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from ..forms import OrganizationSettingsForm
from ..permissions import Action, can
from ..scoping import org_view
from ..selectors import organization_overview
from ..services import organization_update


def _next_steps(organization, membership, overview):
    """What an admin should do next, in order; each step knows whether it is done."""
    if not can(membership, Action.MEMBERS_MANAGE):
        return []
    return [
        {
            "title": "Import your people directory",
            "text": "Upload the CSV export of your HR system so programs can find mentors and mentees.",
            "url_name": "org:people-import",
            "action": "Import a CSV file",
            "done": overview["people"] > 0,
        },
        {
            "title": "Invite the people who run programs",
            "text": "Admins manage the directory and settings; leaders see people and reports.",
            "url_name": "org:invitations",
            "action": "Invite members",
            "done": overview["members"] > 1 or overview["pending_invitations"] > 0,
        },
        {
            "title": "Make it yours",
            "text": "Add your logo and brand colour so members recognise the organization.",
            "url_name": "org:settings",
            "action": "Open settings",
            "done": bool(organization.logo),
        },
    ]


@org_view(Action.ORG_VIEW)
def org_home(request):
    organization, membership = request.organization, request.membership
    overview = organization_overview(organization=organization)
    steps = _next_steps(organization, membership, overview)
    context = {
        "overview": overview,
        "steps": steps,
        "steps_left": sum(not s["done"] for s in steps),
    }
    return render(request, "organizations/org_home.html", context)


@org_view(Action.ORG_EDIT)
def org_settings(request):
    organization = request.organization
    # The form edits a copy: an invalid submission must not leak into the navigation
    # (name, colour) that the same response renders from request.organization.
    form = OrganizationSettingsForm(request.POST or None, request.FILES or None, instance=copy.copy(organization))
    if request.method == "POST" and form.is_valid():
        try:
            organization_update(organization=organization, **form.changes())
        except ValidationError as error:
            organization.refresh_from_db()
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Settings saved.")
            return redirect("org:settings", org_slug=organization.slug)
    return render(request, "organizations/org_settings.html", {"form": form})
