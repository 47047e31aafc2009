"""The resource hub under /o/<org_slug>/resources/: the list with its search and filters, a
resource, its file, and the pages where admins and program managers add, change and remove them.

Thin: reads come from selectors.resources, writes from services.resources. A resource the member
may not see (another organization's, a draft program's) is a 404 like a missing one; a resource
they see but may not change is a 403.
"""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organizations.permissions import Action
from organizations.scoping import NOT_FOUND_MESSAGE, get_for_org_or_404, org_view
from programs.access import visible_programs
from programs.markdown import render_markdown

from ..forms_resources import ResourceFilterForm, ResourceForm
from ..resource_files import content_type_for
from ..selectors import resources as selectors
from ..services import resources as services

PAGE_SIZE = 20
GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def _visible(request):
    return selectors.visible_resources(request.organization, programs=visible_programs(request))


def _resource(request, pk):
    return get_for_org_or_404(_visible(request), request.organization, pk=pk)


def _may_add(request) -> bool:
    return selectors.manageable_programs(request.membership).exists() or selectors.can_manage_resources(
        request.membership, None
    )


def _require_change(request, resource):
    if not selectors.can_manage_resources(request.membership, resource.program):
        raise PermissionDenied("Only organization admins and this program’s managers can change this resource.")


def _to_list(request):
    return redirect("resources:list", org_slug=request.organization.slug)


@org_view(Action.ORG_VIEW)
@require_safe
def resource_list(request):
    visible = _visible(request)
    form = ResourceFilterForm(request.GET or None, programs=visible_programs(request))
    filters = form.filters()
    found = selectors.resources_search(visible, **filters)
    context = {
        "form": form,
        "filters": filters,
        "filtering": any(filters.values()),
        "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
        "tags": selectors.resource_tags(visible),
        "may_add": _may_add(request),
    }
    return render(request, "mentorships/resources/list.html", context)


@org_view(Action.ORG_VIEW)
@require_safe
def resource_detail(request, pk):
    resource = _resource(request, pk)
    context = {
        "resource": resource,
        "body": render_markdown(resource.body),
        "file_name": os.path.basename(resource.file.name) if resource.file else "",
        "may_change": selectors.can_manage_resources(request.membership, resource.program),
    }
    return render(request, "mentorships/resources/detail.html", context)


@org_view(Action.ORG_VIEW)
@require_safe
def resource_download(request, pk):
    """The resource's file, to members who may see the resource, always as a download with the
    type its extension allows (uploads are checked against it), never rendered in our origin."""
    resource = _resource(request, pk)
    content_type = content_type_for(resource.file.name) if resource.file else None
    if content_type is None:
        raise Http404(NOT_FOUND_MESSAGE)
    try:
        stored = resource.file.storage.open(resource.file.name, "rb")
    except OSError:  # the row names a file storage no longer has
        raise Http404(NOT_FOUND_MESSAGE) from None
    response = FileResponse(
        stored, as_attachment=True, filename=os.path.basename(resource.file.name), content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _form(request, *, instance=None):
    # "Add a resource" from a program's filter starts with that program chosen.
    initial = {} if instance else {"program": request.GET.get("program")}
    return ResourceForm(
        request.POST or None,
        request.FILES or None,
        programs=selectors.manageable_programs(request.membership),
        organization_wide=selectors.can_manage_resources(request.membership, None),
        instance=instance,
        initial=initial,
    )


def _save(request, form, resource=None):
    """Create or update through the services; None (errors beside the fields) when refused."""
    if not form.is_valid():
        return None
    try:
        if resource is None:
            return services.resource_create(organization=request.organization, user=request.user, **form.service_data())
        return services.resource_update(
            organization=request.organization, resource=resource, user=request.user, **form.service_data()
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return None


@org_view(Action.ORG_VIEW)
@GET_OR_POST
def resource_create(request):
    if not _may_add(request):
        raise PermissionDenied("Only organization admins and program managers can add resources.")
    form = _form(request)
    if request.method == "POST":
        saved = _save(request, form)
        if saved is not None:
            messages.success(request, f"“{saved.title}” was added to the resources.")
            return redirect("resources:detail", org_slug=request.organization.slug, pk=saved.pk)
    return render(request, "mentorships/resources/form.html", {"form": form})


@org_view(Action.ORG_VIEW)
@GET_OR_POST
def resource_edit(request, pk):
    resource = _resource(request, pk)
    _require_change(request, resource)
    form = _form(request, instance=resource)
    if request.method == "POST":
        saved = _save(request, form, resource)
        if saved is not None:
            messages.success(request, f"“{saved.title}” was saved.")
            return redirect("resources:detail", org_slug=request.organization.slug, pk=saved.pk)
    return render(request, "mentorships/resources/form.html", {"form": form, "resource": resource})


@org_view(Action.ORG_VIEW)
@require_POST
def resource_delete(request, pk):
    resource = _resource(request, pk)
    _require_change(request, resource)
    services.resource_delete(organization=request.organization, resource=resource, user=request.user)
    messages.success(request, f"“{resource.title}” was removed from the resources.")
    return _to_list(request)
