"""Public pages (contract §5): the sub-processor list and its exports, no login.

Thin views: the list comes from ``publiclist.public_list_build``, the files from ``exports``.
Responses are cacheable for a few minutes and carry an ETag made of the roster's version stamp,
the language, and the day the list stands for (a proposed sub-processor comes into effect on its
day without any roster write).
"""

from datetime import date

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from notices.selectors import notices_etag, notices_upcoming
from registry.changes import current_version

from .exports import COLUMNS, FORMATS, export_response
from .publiclist import public_list_build

MAX_AGE = 300


class AsOfError(ValueError):
    pass


def parse_as_of(value: str | None) -> date | None:
    """``?as_of=YYYY-MM-DD``: a past or present day in the registry's time zone, or None."""
    if value is None or value == "":
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise AsOfError(_("as_of must be a date written YYYY-MM-DD.")) from None
    if len(value) != 10:  # fromisoformat also takes 20250101 and 2025-W01-1
        raise AsOfError(_("as_of must be a date written YYYY-MM-DD."))
    if day > timezone.localdate():
        raise AsOfError(_("as_of must not be after today."))
    return day


def public_etag(request, *args, **kwargs) -> str | None:
    try:
        as_of = parse_as_of(request.GET.get("as_of"))
    except AsOfError:
        return None
    day = as_of or timezone.localdate()
    kind = "as-of" if as_of else "live"
    fmt = kwargs.get("fmt", "html")
    tag = f"{current_version()}-{translation.get_language()}-{kind}-{day.isoformat()}-{fmt}"
    if fmt == "html" and not as_of:  # the page shows the upcoming notices
        tag += f"-{notices_etag(_upcoming_notices(request))}"
    return tag


def _upcoming_notices(request) -> list:
    """Published notices of changes not yet in effect (public sub-processors only), fetched
    once per request for the ETag and the page."""
    if not hasattr(request, "_upcoming_notices"):
        request._upcoming_notices = list(notices_upcoming())
    return request._upcoming_notices


def _cacheable(request, response):
    """Cacheable for a few minutes; by shared caches only when the response carries nothing
    personal (a form's CSRF token is: then only the visitor's browser may keep it)."""
    personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
    patch_cache_control(response, max_age=MAX_AGE, **{"private" if personal else "public": True})
    return response


@require_safe
@condition(etag_func=public_etag)
def public_list_page(request):
    """The list, grouped by category, with the upcoming changes and the download links."""
    try:
        as_of = parse_as_of(request.GET.get("as_of"))
    except AsOfError as error:
        context = {"error": str(error), "today": timezone.localdate()}
        return render(request, "public/list.html", context, status=400)
    public_list = public_list_build(as_of=as_of, language=translation.get_language())
    context = {
        "public_list": public_list,
        "as_of": as_of,
        "today": timezone.localdate(),
        # Plain strings: a lazy label would be translated again in every row.
        "columns": {key: str(label) for key, label in COLUMNS},
        "words": {
            "separator": _(", "),
            "none_recorded": _("None recorded"),
            "yes_no": ",".join((_("Yes"), _("No"), _("Not applicable"))),
        },
        "formats": list(FORMATS),
        "upcoming_has_ai": any(entry.is_ai_provider for entry in public_list.upcoming),
        # Published notices of changes not yet in effect (public sub-processors only).
        "upcoming_notices": [] if as_of else _upcoming_notices(request),
    }
    return _cacheable(request, render(request, "public/list.html", context))


@require_safe
@condition(etag_func=public_etag)
def public_list_export(request, fmt):
    """The same list as a CSV, JSON or XLSX file; ``?as_of=`` for the list as it stood then."""
    try:
        as_of = parse_as_of(request.GET.get("as_of"))
    except AsOfError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    public_list = public_list_build(as_of=as_of, language=translation.get_language())
    return _cacheable(request, export_response(public_list, fmt))
