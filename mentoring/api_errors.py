"""One error body for every API failure, so clients can rely on its shape.

    {"error": {"code": "invalid", "message": "...", "fields": {"email": ["Enter a valid email address."]}}}

`fields` names each field at fault (nested serializers keep their dotted path); errors that
are not about a field go under "non_field_errors". Every 404 carries the same body, whatever
was not found, so a 404 never tells another tenant's object from a missing one.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail, prefix=""):
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and detail and isinstance(detail[0], (dict, list)):
        out = {}
        for index, value in enumerate(detail):
            out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return out
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(m) for m in messages]}


def _as_api_exception(exc):
    """Django's own exceptions become their DRF twins before the body is built from them."""
    if isinstance(exc, Http404):
        # Never echo the model name or lookup ("No Person matches ..."): one 404 for everything.
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    return exc


def exception_handler(exc, context):
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "message": "The request has invalid fields.", "fields": _flatten(exc.detail)}
    else:
        detail = exc.detail
        body = {"code": getattr(detail, "code", None) or exc.default_code, "message": str(detail), "fields": {}}
    response.data = {"error": body}
    return response
