"""The real routes plus deliberately broken ones, to prove the audit catches each kind of leak."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from mentoring.urls import urlpatterns as real_urlpatterns
from organizations.models import Organization, Person
from organizations.scoping import org_view


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


LEAKY_ROUTES = {
    "leak-unscoped-person": {"pk": "person"},
    "leak-no-membership": {},
    "leak-forbidden": {},
    "leak-body-fk": {},
}

urlpatterns = [
    *real_urlpatterns,
    path("o/<slug:org_slug>/leak/person/<int:pk>/", unscoped_person, name="leak-unscoped-person"),
    path("o/<slug:org_slug>/leak/org/", no_membership_check, name="leak-no-membership"),
    path("o/<slug:org_slug>/leak/forbidden/", forbidden_instead_of_missing, name="leak-forbidden"),
    path("o/<slug:org_slug>/leak/body/", body_fk_unscoped, name="leak-body-fk"),
    path("o/<slug:org_slug>/leak/unregistered/", unregistered, name="leak-unregistered"),
    path("stray/", unregistered, {"org_slug": "x"}, name="leak-stray"),
]
