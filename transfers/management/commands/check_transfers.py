"""``check_transfers [--format table|json] [--on YYYY-MM-DD]``: the whole-roster audit.

Evaluates every (data flow, subject, destination) of the roster (transfer-rules.md, "The
whole-roster audit") and exits 1 when any finding is block or error, so that a pipeline can fail
a build on it (contract.md §2).
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from transfers.api.serializers import DayField
from transfers.domain import STOPPING
from transfers.selectors import audit_by_severity, audit_has_stopping_findings, roster_audit
from transfers.snapshot import get_snapshot


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--on: {value!r} is not a YYYY-MM-DD date") from None
    if not DayField.FIRST <= day <= DayField.LAST:
        raise CommandError(f"--on: {value} is outside {DayField.FIRST} to {DayField.LAST}")
    return day


class Command(BaseCommand):
    help = ("Check every data flow of the roster against the transfer rules; exit 1 when a "
            "finding is block or error.")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--on", type=_day, help="evaluate as of this day (YYYY-MM-DD)")

    def handle(self, *args, format, on, **options):
        snapshot = get_snapshot()
        entries = roster_audit(on=on, snapshot=snapshot)
        if format == "json":
            self.stdout.write(json.dumps([e.as_dict() for e in entries], indent=2,
                                         ensure_ascii=False))
        else:
            self._table(entries, on or snapshot.day, len(snapshot.records))
        if audit_has_stopping_findings(entries):
            stopped = sum(1 for e in entries if not e.verdict.allowed)
            raise CommandError(
                f"{stopped} of {len(entries)} transfers are not allowed (a block or error "
                f"finding).",
                returncode=1,
            )

    def _table(self, entries, day: date, sub_processors: int) -> None:
        write = self.stdout.write
        allowed = sum(1 for e in entries if e.verdict.allowed)
        write(f"Transfer audit as of {day.isoformat()}: {sub_processors} sub-processors, "
              f"{len(entries)} transfers, {allowed} allowed, {len(entries) - allowed} not allowed.")
        groups = audit_by_severity(entries)
        for severity, findings in groups:
            write("")
            heading = f"{severity.value.upper()} ({len(findings)})"
            write(self.style.ERROR(heading) if severity in STOPPING else heading)
            for entry, finding in findings:
                subject = (entry.subject if entry.represents == entry.subject
                           else f"{entry.subject} (for {entry.represents})")
                flow = entry.flow_purpose or f"flow {entry.flow_id}"
                write(f"  {entry.sub_processor} [{flow}] {subject} -> {entry.destination}: "
                      f"{finding.rule}")
                write(f"      {finding.message}")
        counts = ", ".join(f"{len(found)} {severity.value}" for severity, found in groups)
        write("")
        write(f"Findings: {counts}.")
