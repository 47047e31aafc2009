"""Members and invitations. Row actions are plain POST forms that htmx upgrades in place."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import services
from ..forms import InvitationForm, MemberRoleForm
from ..models import Invitation, Membership
from ..permissions import Action, can, can_change_member
from ..scoping import get_for_org_or_404, org_view
from ..selectors import organization_invitation_list, organization_member_list

PAGE_SIZE = 50


def _member_row(actor, membership):
    """What one row of the members table shows and offers to this actor."""
    editable = can_change_member(actor, membership)
    form = None
    if editable:
        form = MemberRoleForm(actor=actor, initial={"role": membership.role}, auto_id=f"id_member_{membership.pk}_%s")
    return {"membership": membership, "editable": editable, "form": form, "is_self": membership.pk == actor.pk}


@org_view(Action.MEMBERS_VIEW)
def member_list(request):
    query = request.GET.get("q", "").strip()
    memberships = organization_member_list(organization=request.organization, query=query)
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [_member_row(request.membership, m) for m in page.object_list],
        "query": query,
        "can_manage": can(request.membership, Action.MEMBERS_MANAGE),
    }
    return render(request, "organizations/members/member_list.html", context)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _after_member_change(request, membership, actor):
    """Answer a row action: the updated row for htmx, else back to the list.

    Actors who changed or removed their own membership (actor is None once they left) may have
    lost the right to see the list, and every other row's controls depend on their role, so
    they get a whole page they can still open.
    """
    members_url = reverse("org:members", args=[request.organization.slug])
    if actor is None:
        destination = reverse("home")
    elif not can(actor, Action.MEMBERS_VIEW):
        destination = reverse("org:home", args=[request.organization.slug])
    else:
        destination = members_url
    changed_self = actor is None or (membership is not None and membership.pk == actor.pk)
    if not request.htmx:
        return redirect(destination)
    if changed_self or destination != members_url:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = destination
        return response
    row = _member_row(actor, membership) if membership is not None else None
    return render(request, "organizations/members/_row_response.html", {"row": row})


@org_view(Action.MEMBERS_MANAGE)
@require_POST
def member_change_role(request, pk):
    actor = request.membership
    target = get_for_org_or_404(Membership.objects.select_related("user"), request.organization, pk=pk)
    if not can_change_member(actor, target):
        raise PermissionDenied("Your role does not allow changing this member.")
    form = MemberRoleForm(request.POST, actor=actor)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles offered.")
        return _after_member_change(request, target, actor)
    try:
        target = services.membership_change_role(
            organization=request.organization, actor=actor, membership=target, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"{target.user.email} is now {target.get_role_display().lower()}.")
        if target.pk == actor.pk:
            actor = target
    return _after_member_change(request, target, actor)


@org_view(Action.MEMBERS_MANAGE)
@require_POST
def member_remove(request, pk):
    actor = request.membership
    target = get_for_org_or_404(Membership.objects.select_related("user"), request.organization, pk=pk)
    try:
        services.membership_remove(organization=request.organization, actor=actor, membership=target)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _after_member_change(request, target, actor)
    if target.pk == actor.pk:
        messages.success(request, f"You left {request.organization.name}.")
        return _after_member_change(request, None, None)
    messages.success(request, f"{target.user.email} was removed from {request.organization.name}.")
    return _after_member_change(request, None, actor)


@org_view(Action.MEMBERS_MANAGE)
def invitation_list(request):
    organization = request.organization
    form = InvitationForm(request.POST or None, organization=organization, actor=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organization=organization, actor=request.membership, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Invitation sent to {invitation.email} as {invitation.get_role_display().lower()}."
            )
            return redirect("org:invitations", org_slug=organization.slug)
    invitations = organization_invitation_list(organization=organization)
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "organizations/members/invitation_list.html", {"form": form, "page": page})


@org_view(Action.MEMBERS_MANAGE)
@require_POST
def invitation_revoke(request, pk):
    invitation = get_for_org_or_404(Invitation, request.organization, pk=pk)
    if invitation.status == "accepted":
        messages.error(request, "This invitation was already accepted; remove the member instead.")
    else:
        services.invitation_revoke(organization=request.organization, invitation=invitation)
        messages.success(request, f"The invitation to {invitation.email} was revoked.")
    return redirect("org:invitations", org_slug=request.organization.slug)


@org_view(Action.MEMBERS_MANAGE)
@require_POST
def invitation_resend(request, pk):
    invitation = get_for_org_or_404(Invitation, request.organization, pk=pk)
    try:
        services.invitation_resend(organization=request.organization, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation was sent again to {invitation.email}.")
    return redirect("org:invitations", org_slug=request.organization.slug)
