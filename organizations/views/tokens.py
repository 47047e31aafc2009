"""Personal API tokens: each user sees, creates and revokes only their own, in this organization."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import ApiTokenCreateForm
from ..permissions import Action
from ..scoping import get_for_org_or_404, org_view
from ..selectors import user_api_tokens
from ..services import api_token_create, api_token_revoke


@org_view(Action.TOKENS_OWN)
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = ApiTokenCreateForm(request.POST or None)
    new_token = raw_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            new_token, raw_key = api_token_create(
                organization=request.organization, user=request.user, name=form.cleaned_data["name"]
            )
            form = ApiTokenCreateForm()
        else:
            status = 400
    context = {
        "form": form,
        "tokens": user_api_tokens(organization=request.organization, user=request.user),
        "new_token": new_token,
        "raw_key": raw_key,
        "api_base_url": request.build_absolute_uri(reverse("api-organization", args=[request.organization.slug])),
        "docs_url": reverse("api-docs"),
    }
    response = render(request, "organizations/tokens/list.html", context, status=status)
    if raw_key:
        # The key is in this response only (never stored, never shown again): keep it out of
        # browser and proxy caches so Back or a shared machine cannot bring it back.
        add_never_cache_headers(response)
    return response


@org_view(Action.TOKENS_OWN)
@require_POST
def token_revoke(request, pk):
    token = get_for_org_or_404(
        user_api_tokens(organization=request.organization, user=request.user), request.organization, pk=pk
    )
    if token.revoked_at is None:
        api_token_revoke(organization=request.organization, token=token)
        messages.success(request, f'Token "{token.name}" is revoked: requests using it are now refused.')
    return redirect("org:tokens", org_slug=request.organization.slug)
