"""Writes of the resource hub: add, change and remove guides, templates, links and files.

Every value is checked before anything is saved, and a refusal names the field at fault. Only
organization admins change the organization's resources; a program's managers change their
program's (selectors.resources.can_manage_resources); anyone else gets PermissionDenied. A
stored file leaves storage only after the transaction that stopped using it commits.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from organizations.models import Membership

from ..models import Resource
from ..resource_files import upload_problem
from ..selectors.resources import can_manage_resources

RESOURCE_FIELDS = ("program", "title", "kind", "summary", "body", "url", "file", "tags", "context")
MAX_TAGS = 10
MAX_TAG_LENGTH = 30
_TEXT_LIMITS = {"title": 200, "summary": 500, "body": 50_000, "url": 500}
_url_validator = URLValidator(schemes=["http", "https"])


def _raise(errors):
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})


def _require_manager(organization, user, program):
    membership = Membership.objects.for_org(organization).filter(user=user).first() if user else None
    if not can_manage_resources(membership, program):
        if program is None:
            raise PermissionDenied("Only organization admins can change the organization’s resources.")
        raise PermissionDenied("Only this program’s managers and organization admins can change its resources.")


def normalize_tags(value) -> list[str]:
    """Tags as typed ("Goals, first meeting") or as a list -> ["goals", "first meeting"]."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValidationError({"tags": ["Give the tags as a list of words, or separated by commas."]})
    tags = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError({"tags": ["Each tag must be text."]})
        tag = " ".join(item.split()).lower()
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": [f"Use at most {MAX_TAGS} tags."]})
    if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        raise ValidationError({"tags": [f"Keep each tag to {MAX_TAG_LENGTH} characters."]})
    return tags


def _clean(organization, values: dict) -> dict:
    """The checked values of `values` (a resource's fields as they will be after the change)."""
    errors = {}
    clean = dict(values)
    program = values.get("program")
    if program is not None and program.organization_id != organization.pk:
        errors["program"] = "Not found."
    for name, limit in _TEXT_LIMITS.items():
        text = values.get(name) or ""
        if not isinstance(text, str):
            errors[name] = "Enter text."
            continue
        clean[name] = text.strip()
        if len(clean[name]) > limit:
            errors[name] = f"Keep it to {limit:,} characters."
    if not clean.get("title"):
        errors["title"] = "Give the resource a title."
    if values.get("kind") not in Resource.Kind.values:
        errors["kind"] = "Choose a guide, a template, a link or a file."
    if (values.get("context") or "") not in Resource.Context.values:
        errors["context"] = "Choose where else to show it."
    clean["context"] = values.get("context") or ""
    if clean.get("url") and "url" not in errors:
        try:
            _url_validator(clean["url"])
        except ValidationError:
            errors["url"] = "Enter a full web address, starting with https://."
    try:
        clean["tags"] = normalize_tags(values.get("tags"))
    except ValidationError as error:
        errors["tags"] = error.message_dict["tags"][0]
    upload = values.get("file") or ""
    clean["file"] = upload
    if upload and hasattr(upload, "size") and not getattr(upload, "_committed", False):
        problem = upload_problem(upload)
        if problem:
            errors["file"] = problem
    kind = values.get("kind")
    # Each kind needs its content, or the hub shows an empty card.
    if kind == Resource.Kind.GUIDE and not clean.get("body"):
        errors.setdefault("body", "Write the guide (Markdown).")
    elif kind == Resource.Kind.TEMPLATE and not (clean.get("body") or upload):
        errors.setdefault("body", "Write the template, or upload it as a file.")
    elif kind == Resource.Kind.LINK and not clean.get("url"):
        errors.setdefault("url", "A link needs its web address.")
    elif kind == Resource.Kind.FILE and not upload:
        errors.setdefault("file", "Choose the file to share.")
    _raise(errors)
    return clean


def _unknown(fields):
    unknown = sorted(set(fields) - set(RESOURCE_FIELDS))
    _raise(dict.fromkeys(unknown, "Not a field you can set here."))


def _delete_after_commit(storage, name):
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def resource_create(*, organization, user, **fields) -> Resource:
    """A new resource; `program=None` (the default) makes it the whole organization's."""
    _unknown(fields)
    values = {"program": None, "kind": Resource.Kind.GUIDE, **fields}
    clean = _clean(organization, values)
    _require_manager(organization, user, clean["program"])
    resource = Resource(organization=organization, created_by=user, **clean)
    resource.save()
    return resource


@transaction.atomic
def resource_update(*, organization, resource, user, **fields) -> Resource:
    """Change some fields. `file`: a new upload replaces the stored file; False removes it."""
    _unknown(fields)
    if resource.organization_id != organization.pk:
        raise ValidationError("Not found.")
    _require_manager(organization, user, resource.program)
    current = {name: getattr(resource, name) for name in RESOURCE_FIELDS}
    clean = _clean(organization, {**current, **fields})
    if clean["program"] != resource.program:
        _require_manager(organization, user, clean["program"])
    old_name = resource.file.name if resource.file else ""
    for name, value in clean.items():
        setattr(resource, name, value)
    resource.save()
    if old_name and resource.file.name != old_name:
        _delete_after_commit(resource.file.storage, old_name)
    return resource


@transaction.atomic
def resource_delete(*, organization, resource, user) -> None:
    if resource.organization_id != organization.pk:
        raise ValidationError("Not found.")
    _require_manager(organization, user, resource.program)
    stored = resource.file.name if resource.file else ""
    resource.delete()
    if stored:
        _delete_after_commit(resource.file.storage, stored)
