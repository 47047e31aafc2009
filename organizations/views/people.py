"""The people directory: search, a person's record with history, and edits by hand."""

import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ..forms import PersonFilterForm, PersonForm, person_choice_label
from ..models import Person, PersonChange
from ..permissions import Action
from ..scoping import get_for_org_or_404, org_view
from ..selectors import (
    PERSON_PICKER_LIMIT,
    person_departments,
    person_direct_reports,
    person_history,
    person_history_count,
    person_picker_search,
    person_search,
)
from ..services import people as people_services

PAGE_SIZE = 50
TIME_ZONES = sorted(zoneinfo.available_timezones())


@org_view(Action.PEOPLE_VIEW)
def person_list(request):
    organization = request.organization
    filter_form = PersonFilterForm(request.GET or None, departments=person_departments(organization=organization))
    filters = filter_form.filters()
    people = person_search(organization=organization, **filters)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter_form": filter_form, "filters": filters, "page": page}
    # htmx live search swaps only the results; a plain request (or a reload) gets the whole page.
    if request.htmx and request.htmx.target == "people-results":
        return render(request, "organizations/people/_results.html", context)
    return render(request, "organizations/people/person_list.html", context)


@org_view(Action.PEOPLE_VIEW)
def person_detail(request, pk):
    organization = request.organization
    person = get_for_org_or_404(Person.objects.select_related("manager", "user"), organization, pk=pk)
    context = {
        "person": person,
        "reports": list(person_direct_reports(organization=organization, person=person)),
        "history": person_history(organization=organization, person=person),
        "history_count": person_history_count(organization=organization, person=person),
    }
    return render(request, "organizations/people/person_detail.html", context)


@org_view(Action.PEOPLE_VIEW)
@require_GET
def person_search_options(request):
    """Suggestions for a person picker: the first active people matching `q`, as htmx options."""
    query = request.GET.get("q", "").strip()[:100]
    exclude = request.GET.get("exclude", "")
    people = person_picker_search(
        organization=request.organization, query=query, exclude_pk=int(exclude) if exclude.isdigit() else None
    )
    options = [(person, person_choice_label(person)) for person in people]
    context = {"options": options, "query": query, "limit": PERSON_PICKER_LIMIT}
    return render(request, "organizations/people/_person_options.html", context)


def _person_form_page(request, person=None):
    """Create (person=None) or edit one person through the people services, source 'manual'."""
    organization = request.organization
    form = PersonForm(request.POST or None, instance=person, organization=organization)
    if request.method == "POST" and form.is_valid():
        write = {"organization": organization, "data": form.service_data(), "source": PersonChange.Source.MANUAL}
        try:
            if person is None:
                saved = people_services.person_create(**write, changed_by=request.user)
            else:
                saved = people_services.person_update(**write, person=person, changed_by=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{saved.name} {'was added' if person is None else 'was saved'}.")
            return redirect("org:person-detail", org_slug=organization.slug, pk=saved.pk)
    context = {"form": form, "person": person, "time_zones": TIME_ZONES}
    return render(request, "organizations/people/person_form.html", context)


@org_view(Action.PEOPLE_MANAGE)
def person_create(request):
    return _person_form_page(request)


@org_view(Action.PEOPLE_MANAGE)
def person_edit(request, pk):
    return _person_form_page(request, get_for_org_or_404(Person, request.organization, pk=pk))
