"""The real routes plus deliberately broken ones, to prove the audit catches each kind of leak.

LEAKY_ROUTES registers them for the audit. Every broken route's name starts with "leak-";
"safe-" routes are the fixed versions of a leak and must pass.
"""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, status
from rest_framework.response import Response

from mentoring.urls import urlpatterns as real_urlpatterns
from organizations.api_base import TenantModelViewSet, TenantReadOnlyViewSet
from organizations.models import Organization, Person
from organizations.permissions import Action
from organizations.scoping import get_for_org_or_404, org_view

from .registry import TenantRoute


@org_view()
def unscoped_person(request, pk):
    """Checks membership but forgets for_org: any organization's person by id."""
    person = get_object_or_404(Person, pk=pk)
    return HttpResponse(person.name)


def no_membership_check(request, org_slug):
    """Looks the organization up by slug without checking the user belongs to it."""
    organization = get_object_or_404(Organization, slug=org_slug)
    return JsonResponse({"name": organization.name})


def forbidden_instead_of_missing(request, org_slug):
    """Says 403 for an organization that exists, 404 for one that doesn't: a hint of existence."""
    if Organization.objects.filter(slug=org_slug).exists():
        is_member = request.user.memberships.filter(organization__slug=org_slug).exists()
        return HttpResponse(status=200 if is_member else 403)
    return HttpResponse(status=404)


def unregistered(request, org_slug):
    return HttpResponse("nobody told the audit about me")


@org_view()
def body_fk_unscoped(request):
    """Trusts a manager id from the body without scoping it to the organization."""
    if request.method != "POST":
        return HttpResponse(status=405)
    manager = Person.objects.filter(pk=request.POST.get("manager")).first()
    return HttpResponse(status=400 if manager is None else 201)


@org_view()
def body_fk_behind_required_field(request):
    """Refuses a body without a name first, then trusts the manager id unscoped.

    A body carrying only the foreign key gets 400 either way; only a valid base body shows it.
    """
    if request.method != "POST":
        return HttpResponse(status=405)
    if not request.POST.get("name"):
        return HttpResponse("name: This field is required.", status=400)
    manager = Person.objects.filter(pk=request.POST.get("manager")).first()
    return HttpResponse(status=400 if manager is None else 201)


@org_view()
def head_checks_existence_unscoped(request, pk):
    """GET is scoped, but a cheap HEAD existence check forgets for_org."""
    if request.method == "HEAD":
        return HttpResponse(status=200 if Person.objects.filter(pk=pk).exists() else 404)
    return HttpResponse(get_for_org_or_404(Person, request.organization, pk=pk).name)


@org_view()
def options_lists_methods_unscoped(request, pk):
    """GET is scoped, but OPTIONS tells which methods apply by looking the person up unscoped."""
    if request.method == "OPTIONS":
        response = HttpResponse()
        response["Allow"] = "GET, POST, OPTIONS" if Person.objects.filter(pk=pk).exists() else "OPTIONS"
        return response
    return HttpResponse(get_for_org_or_404(Person, request.organization, pk=pk).name)


@org_view()
def writes_ignoring_the_manager(request):
    """Not a leak: ignores the manager and adds a person on every valid POST. Both requests of
    the body check really write, get a different new id (on PostgreSQL) in the Location, and
    leave a flash message behind; the audit must still see two identical answers."""
    if request.method != "POST" or not request.POST.get("name"):
        return HttpResponse(status=400)
    person = Person.objects.create(organization=request.organization, name=request.POST["name"])
    messages.success(request, f"{person.name} was added.")
    return redirect("org:person-detail", org_slug=request.organization.slug, pk=person.pk)


class PersonNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "manager"]


class ManagerFilterViewSet(TenantReadOnlyViewSet):
    """People filtered by `?manager=`, through the default (tenant-scoped) filter backend."""

    queryset = Person.objects.all()
    serializer_class = PersonNameSerializer
    filterset_fields = ["manager"]


class UnscopedManagerFilterViewSet(ManagerFilterViewSet):
    pass


# Plain django-filter validates ?manager= against every organization's people. The tenant
# base class refuses it in a class body, so the broken backend is put in afterwards.
UnscopedManagerFilterViewSet.filter_backends = [DjangoFilterBackend]


class RawForeignKeyViewSet(TenantModelViewSet):
    """Stores the manager id from the body as it came: every id is "accepted" alike (201), but
    another organization's id ends up referenced by a row of this one."""

    queryset = Person.objects.all()
    serializer_class = PersonNameSerializer
    write_action = Action.PEOPLE_MANAGE

    def create(self, request, *args, **kwargs):
        person = Person.objects.create(
            organization=self.organization, name=request.data.get("name", ""), manager_id=request.data.get("manager")
        )
        return Response({"id": person.pk, "name": person.name}, status=status.HTTP_201_CREATED)


LEAKY_ROUTES = {
    "leak-unscoped-person": TenantRoute(kwargs={"pk": "person"}),
    "leak-no-membership": TenantRoute(),
    "leak-forbidden": TenantRoute(),
    "leak-body-fk": TenantRoute(body={"manager": "person"}),
    "leak-body-fk-behind-name": TenantRoute(body={"manager": "person"}, base_body={"name": "Audit Person"}),
    "leak-head": TenantRoute(kwargs={"pk": "person"}),
    "leak-options": TenantRoute(kwargs={"pk": "person"}),
    "leak-fk-filter": TenantRoute(query={"manager": "manager_person"}),
    "leak-fk-filter-unregistered": TenantRoute(),
    "leak-raw-fk": TenantRoute(body={"manager": "person"}, base_body={"name": "Audit Person"}),
    "safe-fk-filter": TenantRoute(query={"manager": "manager_person"}),
    "safe-body-write": TenantRoute(body={"manager": "person"}, base_body=lambda own: {"name": "Audit Person"}),
}

API = "api/v1/o/<slug:org_slug>"
urlpatterns = [
    *real_urlpatterns,
    path("o/<slug:org_slug>/leak/person/<int:pk>/", unscoped_person, name="leak-unscoped-person"),
    path("o/<slug:org_slug>/leak/org/", no_membership_check, name="leak-no-membership"),
    path("o/<slug:org_slug>/leak/forbidden/", forbidden_instead_of_missing, name="leak-forbidden"),
    path("o/<slug:org_slug>/leak/body/", body_fk_unscoped, name="leak-body-fk"),
    path("o/<slug:org_slug>/leak/body-behind-name/", body_fk_behind_required_field, name="leak-body-fk-behind-name"),
    path("o/<slug:org_slug>/leak/head/<int:pk>/", head_checks_existence_unscoped, name="leak-head"),
    path("o/<slug:org_slug>/leak/options/<int:pk>/", options_lists_methods_unscoped, name="leak-options"),
    path(f"{API}/leak/filter/", UnscopedManagerFilterViewSet.as_view({"get": "list"}), name="leak-fk-filter"),
    path(
        f"{API}/leak/filter-unregistered/",
        ManagerFilterViewSet.as_view({"get": "list"}),
        name="leak-fk-filter-unregistered",
    ),
    path(f"{API}/leak/raw-fk/", RawForeignKeyViewSet.as_view({"post": "create"}), name="leak-raw-fk"),
    path(f"{API}/safe/filter/", ManagerFilterViewSet.as_view({"get": "list"}), name="safe-fk-filter"),
    path("o/<slug:org_slug>/safe/body-write/", writes_ignoring_the_manager, name="safe-body-write"),
    path("o/<slug:org_slug>/leak/unregistered/", unregistered, name="leak-unregistered"),
    path("stray/", unregistered, {"org_slug": "x"}, name="leak-stray"),
]
