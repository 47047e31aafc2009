"""One error body for every API failure, so clients can rely on its shape.

    {"error": {"code": "invalid", "message": "...", "fields": {"email": ["Enter a valid email address."]}}}

`fields` names each field at fault (nested serializers keep their dotted path); errors that
are not about a field go under "non_field_errors".
"""

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


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        body = {"code": "invalid", "message": "The request has invalid fields.", "fields": fields}
    else:
        detail = getattr(exc, "detail", response.data)
        code = detail.code if hasattr(detail, "code") else "error"
        body = {"code": code, "message": str(detail), "fields": {}}
    response.data = {"error": body}
    return response
