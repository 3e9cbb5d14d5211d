"""The checker's questions, asked of the compiled snapshot: one transfer, every route of a user,
the whole roster. Plain functions: the API, the command and the admin all call these.

Each takes an optional ``snapshot`` so that a caller that already holds one (a view that
validated its input against it) costs no second stamp query; without it, the process's current
snapshot is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from transfers.engine import Question, Severity, Verdict, audit, check
from transfers.snapshot import Snapshot, SubProcessorRecord, get_snapshot

SEVERITY_ORDER = (Severity.BLOCK, Severity.ERROR, Severity.WARNING, Severity.INFO)
ROUTED_STATUSES = frozenset({"active", "proposed"})


class UnknownSubProcessor(LookupError):
    """No sub-processor has this slug."""


@dataclass(frozen=True, slots=True)
class Route:
    """One (sub-processor, location country) of the roster, judged for one user."""

    sub_processor: str
    country: str
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One answer of the whole-roster audit, with what an admin page needs to link and label it.

    ``represents`` is the flow's subjects entry ("EEA", "ROW" or a country) that ``subject``
    stands for.
    """

    sub_processor_id: int
    sub_processor: str
    sub_processor_name: str
    flow_id: int
    flow_purpose: str
    subject: str
    represents: str
    destination: str
    verdict: Verdict

    def as_dict(self) -> dict:
        return {
            "sub_processor": self.sub_processor,
            "flow": self.flow_purpose,
            "flow_id": self.flow_id,
            "subject": self.subject,
            "represents": self.represents,
            "destination": self.destination,
            "allowed": self.verdict.allowed,
            "basis": self.verdict.basis,
            "findings": findings_as_dicts(self.verdict),
        }


@dataclass(frozen=True, slots=True)
class RegionMismatch:
    """A location whose provider region is known to lie in another country than recorded."""

    sub_processor_id: int
    sub_processor: str
    sub_processor_name: str
    country: str
    region: str
    region_countries: tuple[str, ...]


def findings_as_dicts(verdict: Verdict) -> list[dict]:
    return [
        {"rule": f.rule, "severity": str(f.severity), "message": f.message}
        for f in verdict.findings
    ]


def verdict_as_dict(verdict: Verdict) -> dict:
    """The contract's answer shape: allowed, basis, findings (contract.md §4)."""
    return {
        "allowed": verdict.allowed,
        "basis": verdict.basis,
        "findings": findings_as_dicts(verdict),
    }


def transfer_check(
    *,
    subject_country: str,
    sub_processor: str,
    destination_country: str,
    data_categories: Iterable[str],
    on: date | None = None,
    snapshot: Snapshot | None = None,
) -> Verdict:
    """May data of a user in `subject_country`, in `data_categories`, go to `sub_processor` in
    `destination_country` on `on` (today by default)? (transfer-rules.md; GDPR Chapter V)

    Raises UnknownSubProcessor for a slug the roster does not have.
    """
    snapshot = snapshot or get_snapshot()
    record = snapshot.by_slug.get(sub_processor)
    if record is None:
        raise UnknownSubProcessor(sub_processor)
    question = Question(
        subject_country, destination_country, frozenset(data_categories), on or snapshot.day
    )
    return check(question, record.facts, snapshot.ref)


def routed_records(snapshot: Snapshot, category: str | None = None) -> list[SubProcessorRecord]:
    """The sub-processors routes answers for: active and proposed, optionally of one category."""
    return [
        record
        for record in snapshot.records
        if record.facts.status in ROUTED_STATUSES
        and (category is None or record.facts.category == category)
    ]


def transfer_routes(
    *,
    subject_country: str,
    data_categories: Iterable[str],
    category: str | None = None,
    on: date | None = None,
    snapshot: Snapshot | None = None,
) -> tuple[Route, ...]:
    """Every (sub-processor, location country) of the active and proposed sub-processors,
    optionally of one category, judged for a user in `subject_country` and `data_categories`
    (contract.md §4). Sorted by slug, then country; memoised in the immutable snapshot."""
    snapshot = snapshot or get_snapshot()
    day = on or snapshot.day
    categories = frozenset(data_categories)
    key = ("routes", subject_country, categories, category, day)

    def compute() -> tuple[Route, ...]:
        routes = []
        for record in routed_records(snapshot, category):
            for country in sorted(record.facts.location_countries):
                question = Question(subject_country, country, categories, day)
                verdict = check(question, record.facts, snapshot.ref)
                routes.append(Route(record.facts.slug, country, verdict))
        return tuple(routes)

    return snapshot.memo.get(key, compute)


def roster_audit(*, on: date | None = None, snapshot: Snapshot | None = None
                 ) -> tuple[AuditEntry, ...]:
    """Every (flow, subject, destination) of the roster judged with all the flow's data
    categories together (transfer-rules.md, "The whole-roster audit"); memoised per snapshot."""
    snapshot = snapshot or get_snapshot()
    day = on or snapshot.day

    def compute() -> tuple[AuditEntry, ...]:
        records = snapshot.by_slug
        entries = []
        for row in audit(snapshot.sub_processors, snapshot.ref, day):
            record = records[row.sub_processor]
            flow = record.flows[row.flow]
            entries.append(
                AuditEntry(
                    sub_processor_id=record.id,
                    sub_processor=record.facts.slug,
                    sub_processor_name=record.facts.name,
                    flow_id=flow.id,
                    flow_purpose=flow.purpose,
                    subject=row.subject,
                    represents=row.represents,
                    destination=row.destination,
                    verdict=row.verdict,
                )
            )
        return tuple(entries)

    return snapshot.memo.get(("audit", day), compute)


def audit_by_severity(entries: Iterable[AuditEntry]) -> list[tuple[Severity, list]]:
    """(severity, [(entry, finding), ...]) for each severity, worst first, every finding once."""
    grouped: dict[Severity, list] = {severity: [] for severity in SEVERITY_ORDER}
    for entry in entries:
        for finding in entry.verdict.findings:
            grouped[finding.severity].append((entry, finding))
    return [(severity, grouped[severity]) for severity in SEVERITY_ORDER]


def audit_has_stopping_findings(entries: Iterable[AuditEntry]) -> bool:
    """Whether any finding is block or error: `check_transfers` then exits 1."""
    return any(not entry.verdict.allowed for entry in entries)


def findings_for_sub_processor(sub_processor_id: int) -> list[AuditEntry]:
    """The audit rows of one sub-processor's flows (for its admin page)."""
    return [e for e in roster_audit() if e.sub_processor_id == sub_processor_id]


def findings_for_flow(flow_id: int) -> list[AuditEntry]:
    """The audit rows of one data flow (for its admin page)."""
    return [e for e in roster_audit() if e.flow_id == flow_id]


def region_countries(region: str) -> frozenset[str]:
    """The countries the cloud-region table gives a provider region id (any provider)."""
    from transfers.models import CloudRegion

    return frozenset(
        CloudRegion.objects.filter(region__iexact=region.strip()).values_list("country", flat=True)
    )


def location_region_mismatches(*, snapshot: Snapshot | None = None) -> list[RegionMismatch]:
    """Locations whose recorded country is not the country of their provider region in the
    cloud-region table (for the compliance page). A region id several providers use with
    different countries is judged by any of them; an unknown region is not judged."""
    from transfers.models import CloudRegion

    snapshot = snapshot or get_snapshot()
    region_countries: dict[str, set[str]] = {}
    for region, country in CloudRegion.objects.values_list("region", "country"):
        region_countries.setdefault(region.lower(), set()).add(country)
    found = []
    for record in snapshot.records:
        for country, region in record.locations:
            known = region_countries.get(region.strip().lower())
            if known and country not in known:
                found.append(
                    RegionMismatch(
                        sub_processor_id=record.id,
                        sub_processor=record.facts.slug,
                        sub_processor_name=record.facts.name,
                        country=country,
                        region=region,
                        region_countries=tuple(sorted(known)),
                    )
                )
    return found
