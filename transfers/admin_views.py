"""The checker in the admin: the compliance page (every finding of the whole-roster audit, worst
first, each with a link to the record to fix, and the locations whose provider region contradicts
their recorded country), and the findings shown on a sub-processor's and a data flow's page."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from transfers.domain import STOPPING
from transfers.selectors import (
    audit_by_severity,
    findings_for_flow,
    findings_for_sub_processor,
    location_region_mismatches,
    roster_audit,
)
from transfers.snapshot import get_snapshot


def compliance_view(request):
    """Staff only (wrapped in ``admin.site.admin_view`` by the URL)."""
    snapshot = get_snapshot()
    entries = roster_audit(snapshot=snapshot)
    groups = [
        {"severity": severity, "stopping": severity in STOPPING, "findings": findings}
        for severity, findings in audit_by_severity(entries)
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Transfer compliance"),
        "day": snapshot.day,
        "versions": sorted(snapshot.ref.versions.items()),
        "transfers": len(entries),
        "not_allowed": sum(1 for e in entries if not e.verdict.allowed),
        "groups": groups,
        "mismatches": location_region_mismatches(snapshot=snapshot),
    }
    return TemplateResponse(request, "admin/transfers/compliance.html", context)


def _findings_html(entries) -> str:
    return render_to_string("admin/transfers/_findings.html", {"entries": entries})


def sub_processor_findings_html(sub_processor) -> str:
    """The audit rows of a sub-processor's flows, for a read-only field of its admin page."""
    if sub_processor is None or sub_processor.pk is None:
        return "—"
    return _findings_html(findings_for_sub_processor(sub_processor.pk))


def flow_findings_html(flow) -> str:
    """The audit rows of a data flow, for a read-only field of its admin page."""
    if flow is None or flow.pk is None:
        return "—"
    return _findings_html(findings_for_flow(flow.pk))
