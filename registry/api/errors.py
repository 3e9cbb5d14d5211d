"""One shape for every error answer of the token API.

    {"status": 400, "code": "invalid", "detail": "Invalid input.",
     "errors": {"country": ["Select a valid choice. XX is not one of the available choices."]}}

``errors`` (field name to reasons) is present only on validation errors; ``code`` is DRF's error
code (``not_authenticated``, ``not_found``, ``method_not_allowed``, ``throttled``...).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler


def error_body(exc: exceptions.APIException, status: int) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return {"status": status, "code": "invalid", "detail": _("Invalid input."),
                "errors": errors}
    codes = exc.get_codes()
    return {
        "status": status,
        "code": codes if isinstance(codes, str) else exc.default_code,
        "detail": str(exc.detail) if not isinstance(exc.detail, (dict, list)) else str(exc),
    }


def api_exception_handler(exc, context):
    """DRF's handler (status, ``WWW-Authenticate``, ``Retry-After``), with the body above."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(exc, response.status_code)
    return response
