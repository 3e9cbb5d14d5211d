"""The compiled snapshot the checker answers from: the roster's facts and the reference data.

The rule engine takes plain data and imports no model; this module turns the database into that
data in a constant number of queries, and keeps it in memory per server process, keyed by the
roster version stamp (``registry.changes.current_version``, which every history-tracked write
moves, the policy's processing countries included) and by today's date in ``TIME_ZONE``. A change
made through one worker is seen by the others on their next request; when nothing changed, a
request costs one small query, to read the stamp.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from django.utils import timezone

from registry.changes import current_version
from registry.models import Category
from registry.models import SubProcessor as SubProcessorModel
from transfers.engine import Flow, ReferenceData, Safeguard, SubProcessor
from transfers.models import (
    EVERYONE_ELSE,
    AdequacyDecision,
    CertificationFramework,
    EEAMember,
    ProcessingCountry,
    ReferenceFile,
)

# Routes tables kept per snapshot: (subject, categories, category, day) keys, least recent out.
MEMO_SIZE = 256


@dataclass(frozen=True, slots=True)
class FlowRecord:
    """Where a flow of the engine's facts came from, for links and labels."""

    id: int
    purpose: str


@dataclass(frozen=True, slots=True)
class SubProcessorRecord:
    """The engine's facts about one sub-processor, with its database id and locations."""

    id: int
    facts: SubProcessor
    flows: tuple[FlowRecord, ...]  # in the order of facts.flows
    locations: tuple[tuple[str, str], ...]  # (country, provider region), as recorded


class _Memo:
    """A small least-recently-used memo; the snapshot is immutable, so entries never go stale."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = compute()
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


@dataclass(frozen=True)
class Snapshot:
    """The roster and reference data as of one stamp and day; never changed once built."""

    version: int
    day: date
    ref: ReferenceData
    records: tuple[SubProcessorRecord, ...]
    categories: frozenset[str]
    by_slug: Mapping[str, SubProcessorRecord] = field(init=False)
    by_id: Mapping[int, SubProcessorRecord] = field(init=False)
    memo: _Memo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "by_slug", MappingProxyType({r.facts.slug: r for r in self.records}))
        put(self, "by_id", MappingProxyType({r.id: r for r in self.records}))
        put(self, "memo", _Memo(MEMO_SIZE))

    @property
    def sub_processors(self) -> tuple[SubProcessor, ...]:
        return tuple(r.facts for r in self.records)

    @property
    def reference_versions(self) -> str:
        return ";".join(f"{k}={v}" for k, v in sorted(self.ref.versions.items()))


def reference_data_from_db() -> ReferenceData:
    """The engine's `ReferenceData` from the reference tables (five queries)."""
    adequacy = [
        {**row, "framework": row["framework"] or None}
        for row in AdequacyDecision.objects.values(
            "regime", "country", "scope", "scope_note", "effective_from", "effective_to",
            "legal_ref", "framework",
        )
    ]
    frameworks = CertificationFramework.objects.values(
        "code", "regime", "country", "effective_from", "effective_to", "legal_ref"
    )
    processing: dict[str, list[str]] = {}
    for subjects, country in ProcessingCountry.objects.values_list("subjects", "country"):
        processing.setdefault(subjects, []).append(country)
    # Without a row for everyone else, nothing is a processing country: refuse, never crash.
    processing.setdefault(EVERYONE_ELSE, [])
    versions = {
        file.name.removesuffix(".yaml"): file.label for file in ReferenceFile.objects.all()
    }
    versions["processing-countries"] = "database"
    return ReferenceData.from_rows(
        eea=EEAMember.objects.values_list("country", flat=True),
        adequacy=adequacy,
        frameworks=list(frameworks),
        processing_countries=processing,
        versions=versions,
    )


def _assessments(assessments) -> tuple[dict[str, date], dict[str, tuple[date, ...]]]:
    """Per destination: the latest TIA, and the earlier ones newest first (for past days)."""
    by_country: dict[str, list[date]] = {}
    for assessment in assessments:
        by_country.setdefault(str(assessment.country), []).append(assessment.completed)
    latest, earlier = {}, {}
    for country, days in by_country.items():
        days.sort(reverse=True)
        latest[country] = days[0]
        if len(days) > 1:
            earlier[country] = tuple(days[1:])
    return latest, earlier


def _record(sp: SubProcessorModel) -> SubProcessorRecord:
    # Sorted here, not by the database, so that every backend's collation gives one order.
    flows = sorted(sp.data_flows.all(), key=lambda flow: (flow.purpose, flow.pk))
    locations = tuple((str(loc.country), loc.region) for loc in sp.locations.all())
    latest, earlier = _assessments(sp.assessments.all())
    facts = SubProcessor(
        slug=sp.slug,
        name=sp.name,
        category=sp.category.slug,
        status=sp.status,
        effective_from=sp.effective_from,
        retired_on=sp.retired_on,
        announced_effective=sp.announced_effective,
        dpa_signed=sp.dpa_signed,
        certifications=frozenset(sp.certifications or ()),
        do_not_train_available=sp.do_not_train_available,
        do_not_train_enabled=sp.do_not_train_enabled,
        zero_retention_available=sp.zero_retention_available,
        zero_retention_enabled=sp.zero_retention_enabled,
        location_countries=frozenset(country for country, _region in locations),
        safeguards=tuple(
            Safeguard(kind=s.kind, module=s.module, signed=s.signed) for s in sp.safeguards.all()
        ),
        assessments=MappingProxyType(latest),
        earlier_assessments=MappingProxyType(earlier),
        flows=tuple(
            Flow(
                data_categories=frozenset(flow.data_categories),
                subjects=frozenset(flow.subjects),
                countries=frozenset(flow.countries),
            )
            for flow in flows
        ),
    )
    return SubProcessorRecord(
        id=sp.pk,
        facts=facts,
        flows=tuple(FlowRecord(flow.pk, flow.purpose) for flow in flows),
        locations=locations,
    )


def build_snapshot(version: int, day: date) -> Snapshot:
    """Reads the whole roster and the reference data in a constant number of queries."""
    sub_processors = (
        SubProcessorModel.objects.select_related("category")
        .prefetch_related(
            "locations",
            "safeguards",
            "assessments",
            "data_flows",
        )
    )
    return Snapshot(
        version=version,
        day=day,
        ref=reference_data_from_db(),
        records=tuple(sorted((_record(sp) for sp in sub_processors),
                             key=lambda record: record.facts.slug)),
        categories=frozenset(Category.objects.values_list("slug", flat=True)),
    )


_lock = threading.Lock()
_current: Snapshot | None = None


def get_snapshot() -> Snapshot:
    """This process's snapshot, rebuilt only when the roster stamp or the day has changed.

    One query (the stamp) when nothing changed.
    """
    global _current
    version, day = current_version(), timezone.localdate()
    snapshot = _current
    if snapshot is not None and snapshot.version == version and snapshot.day == day:
        return snapshot
    with _lock:
        snapshot = _current
        if snapshot is None or snapshot.version != version or snapshot.day != day:
            snapshot = build_snapshot(version, day)
            _current = snapshot
    return snapshot


def clear_snapshot() -> None:
    """Forgets this process's snapshot (tests; a reference-data sync in a running process)."""
    global _current
    _current = None

