"""The organization's home page, its settings and its logo."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from ..forms import OrganizationSettingsForm
from ..logos import HEAD_BYTES, logo_image_type, logo_version
from ..permissions import Action, can
from ..scoping import NOT_FOUND_MESSAGE, org_view
from ..selectors import organization_overview
from ..services import organization_update

# The logo's URL carries its version (?v=...), so a matching request may be kept a year; any
# other is revalidated. Private: only members may see it, shared caches must not keep it.
LOGO_CACHE_VERSIONED = "private, max-age=31536000, immutable"
LOGO_CACHE_UNVERSIONED = "private, no-cache"


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


@org_view(Action.ORG_VIEW)
@require_safe
def org_logo(request):
    """The organization's logo, streamed from storage with its own image type, to members only."""
    organization = request.organization
    if not organization.logo:
        raise Http404(NOT_FOUND_MESSAGE)
    etag = f'"{logo_version(organization)}"'
    cache_control = LOGO_CACHE_VERSIONED if request.GET.get("v") == etag.strip('"') else LOGO_CACHE_UNVERSIONED
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _logo_headers(not_modified, etag, cache_control)
    try:
        logo = organization.logo.storage.open(organization.logo.name, "rb")
    except OSError:  # the row names a file storage no longer has
        raise Http404(NOT_FOUND_MESSAGE) from None
    image_type = logo_image_type(logo.read(HEAD_BYTES))
    if image_type is None:
        # Only what the settings form accepts is served: never a stray file as HTML or SVG.
        logo.close()
        raise Http404(NOT_FOUND_MESSAGE)
    logo.seek(0)
    response = FileResponse(logo, content_type=image_type[0])
    return _logo_headers(response, etag, cache_control)


def _logo_headers(response, etag, cache_control):
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the image may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
