"""Reads of the resource hub: what a member may see, the search, the tags, what fits a context,
and who may add or change a resource.

A resource is the organization's (no program: every member sees it) or one program's (seen by
whoever may see that program; a draft program's resources only by its managers).
"""

import json

from django.db.models import Case, IntegerField, Q, Value, When

from organizations.permissions import Action, can, can_manage_program
from programs.models import Program

from ..models import Resource

# A hub holds tens or hundreds of resources; the tag list and a context list stay short.
MAX_TAGS_LISTED = 60
IN_CONTEXT_LIMIT = 4


def visible_resources(organization, *, programs):
    """The organization's resources a member sees, given the programs they may see
    (programs.access.visible_programs)."""
    return (
        Resource.objects.for_org(organization)
        .filter(Q(program__isnull=True) | Q(program__in=programs.values("pk")))
        .select_related("program")
    )


def _tag_lookup(tag: str) -> Q:
    # Tags are a JSON list; a whole tag is its quoted JSON string inside the list's text. SQLite
    # keeps non-ASCII escaped (\u00e9), PostgreSQL keeps it as is: look for both spellings.
    return Q(tags__icontains=json.dumps(tag)) | Q(tags__icontains=json.dumps(tag, ensure_ascii=False))


def resources_search(resources, *, query="", program=None, kind="", tag=""):
    """Narrow `resources`: words in the title, summary or tags; one program (its own resources);
    one kind; one tag."""
    for word in (query or "").split()[:8]:
        resources = resources.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(tags__icontains=word)
            | Q(tags__icontains=json.dumps(word)[1:-1])
        )
    if program is not None:
        resources = resources.filter(program=program)
    if kind:
        resources = resources.filter(kind=kind)
    if tag:
        resources = resources.filter(_tag_lookup(tag))
    return resources


def resource_tags(resources) -> list[str]:
    """Every tag used by `resources`, sorted, for the filter's chips."""
    tags = set()
    for row in resources.values_list("tags", flat=True)[:1000]:
        tags.update(tag for tag in row or () if isinstance(tag, str))
    return sorted(tags, key=str.casefold)[:MAX_TAGS_LISTED]


def resources_in_context(program, context: str) -> list[Resource]:
    """What to show beside a part of the workspace (Resource.Context: the goal-setting guide next
    to the goals): the program's own first, then the organization's."""
    own_first = Case(When(program__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    return list(
        Resource.objects.for_org(program.organization_id)
        .filter(Q(program__isnull=True) | Q(program=program), context=context)
        .order_by(own_first, "title", "pk")[:IN_CONTEXT_LIMIT]
    )


def can_manage_resources(membership, program) -> bool:
    """Admins add and change every resource; a program's managers those of their program."""
    if program is None:
        return can(membership, Action.PROGRAM_MANAGE)
    return can_manage_program(membership, program)


def manageable_programs(membership):
    """The programs this member may attach resources to."""
    programs = Program.objects.for_org(membership.organization_id)
    if can(membership, Action.PROGRAM_MANAGE):
        return programs
    return programs.filter(manager_links__user_id=membership.user_id).distinct()
