"""Reads for the organizations pages: lists, searches, counts and histories, always per organization."""

from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import Count, Q
from django.utils import timezone

from .models import ApiToken, Invitation, Membership, PeopleImport, Person, PersonChange

PERSON_SEARCH_FIELDS = ("name", "email", "department", "external_id")
PERSON_PICKER_LIMIT = 20


def user_memberships(*, user):
    """The user's own memberships, with their organizations, by organization name (the switcher)."""
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")


def _active_q():
    return Q(exit_date__isnull=True) | Q(exit_date__gt=timezone.localdate())


def person_search(*, organization, query="", department="", status=""):
    """People matching every word of `query` in any of name, email, department or external id."""
    people = Person.objects.for_org(organization).select_related("manager")
    terms = query.split()
    if terms:
        people = people.filter(
            reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": t}) for f in PERSON_SEARCH_FIELDS)) for t in terms))
        )
    if department:
        people = people.filter(department=department)
    if status == "active":
        people = people.filter(_active_q())
    elif status == "left":
        people = people.exclude(_active_q())
    return people.order_by("name", "pk")


def person_picker_search(*, organization, query, exclude_pk=None, limit=PERSON_PICKER_LIMIT):
    """The first active people matching `query`, for the search-as-you-type manager picker."""
    if not query.strip():
        return Person.objects.none()
    people = (
        person_search(organization=organization, query=query, status="active")
        .select_related(None)
        .only("id", "name", "title", "department")
    )
    if exclude_pk is not None:
        people = people.exclude(pk=exclude_pk)
    return people[:limit]


def person_departments(*, organization):
    return list(
        Person.objects.for_org(organization)
        .exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


def person_direct_reports(*, organization, person):
    return Person.objects.for_org(organization).filter(manager=person).order_by("name")


@dataclass(frozen=True)
class ChangeRow:
    change: PersonChange
    label: str
    old: str
    new: str


def _field_label(field):
    name = field.removesuffix("_id")
    try:
        return str(Person._meta.get_field(name).verbose_name).capitalize()
    except Exception:
        return name.replace("_", " ").capitalize()


def _display(value, people_names):
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if people_names is not None:
        return people_names.get(value, "(a removed person)")
    return str(value)


def person_history(*, organization, person, limit=100):
    """The person's latest changes, newest first, with values readable by people (manager names)."""
    changes = list(
        PersonChange.objects.for_org(organization)
        .filter(person=person)
        .select_related("changed_by", "people_import")
        .order_by("-changed_at", "-id")[:limit]
    )
    manager_ids = {
        v for c in changes if c.field in ("manager_id", "manager") for v in (c.old_value, c.new_value) if v is not None
    }
    names = dict(Person.objects.for_org(organization).filter(pk__in=manager_ids).values_list("pk", "name"))
    rows = []
    for change in changes:
        lookup = names if change.field in ("manager_id", "manager") else None
        rows.append(
            ChangeRow(
                change=change,
                label=_field_label(change.field),
                old=_display(change.old_value, lookup),
                new=_display(change.new_value, lookup),
            )
        )
    return rows


def person_history_count(*, organization, person):
    return PersonChange.objects.for_org(organization).filter(person=person).count()


def organization_member_list(*, organization, query=""):
    memberships = Membership.objects.for_org(organization).select_related("user").order_by("user__email")
    if query:
        memberships = memberships.filter(user__email__icontains=query)
    return memberships


def pending_invitations(*, organization):
    return Invitation.objects.for_org(organization).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def organization_invitation_list(*, organization):
    return Invitation.objects.for_org(organization).select_related("invited_by").order_by("-created_at")


def organization_overview(*, organization):
    """Counts for the organization's home page, in three queries whatever the size."""
    people = Person.objects.for_org(organization).aggregate(total=Count("pk"), active=Count("pk", filter=_active_q()))
    return {
        "people": people["total"],
        "active_people": people["active"],
        "members": Membership.objects.for_org(organization).count(),
        "pending_invitations": pending_invitations(organization=organization).count(),
    }


def people_import_list(*, organization, with_rejected_rows=True):
    """The organization's directory imports, newest first, without the uploaded file (megabytes
    that no page needs) and, for lists and progress polls, without the rejected rows either."""
    imports = PeopleImport.objects.for_org(organization).defer("content").select_related("uploaded_by")
    return imports if with_rejected_rows else imports.defer("rejected_rows")


def user_api_tokens(*, organization, user):
    """Only the user's own tokens: a colleague's token id answers 404 like a missing one."""
    return ApiToken.objects.for_org(organization).filter(user=user)
