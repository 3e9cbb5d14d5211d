"""The plain data the transfer checker reasons about (transfer-rules.md, version 1).

Pure: stdlib only, no Django and no models. The registry side turns its rows into these frozen
dataclasses; `transfers.reference_data` builds a `ReferenceData` from the shipped YAML files, and
`ReferenceData.from_rows` builds one from database rows just the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[Any, Any] = MappingProxyType({})


class Severity(StrEnum):
    """How much a finding weighs (transfer-rules.md, "Severities")."""

    BLOCK = "block"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# A transfer is allowed exactly when no finding has one of these severities.
STOPPING = frozenset({Severity.BLOCK, Severity.ERROR})


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on one question: a stable id, a severity and an actionable sentence."""

    rule: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to one question: allowed or not, the Chapter V basis found, and why."""

    allowed: bool
    basis: str | None
    findings: tuple[Finding, ...]

    @classmethod
    def of(cls, basis: str | None, findings: tuple[Finding, ...]) -> Verdict:
        """The verdict whose `allowed` follows from its findings (transfer-rules.md)."""
        return cls(all(f.severity not in STOPPING for f in findings), basis, findings)


@dataclass(frozen=True, slots=True)
class Safeguard:
    """A transfer instrument signed with a sub-processor (GDPR Art. 46/49, UK IDTA, PIPL 38)."""

    kind: str
    module: int | None = None
    signed: date | None = None


@dataclass(frozen=True, slots=True)
class Flow:
    """A recorded data flow: which data of which users goes to which of P's location countries."""

    data_categories: frozenset[str]
    subjects: frozenset[str]  # ISO codes and/or the roster regions "EEA" and "ROW"
    countries: frozenset[str]


@dataclass(frozen=True, slots=True)
class SubProcessor:
    """What the registry records about one sub-processor, as the rules need it."""

    slug: str
    name: str
    category: str
    status: str  # "proposed" | "active" | "retired"
    effective_from: date | None = None
    retired_on: date | None = None
    announced_effective: date | None = None
    dpa_signed: date | None = None
    certifications: frozenset[str] = frozenset()
    do_not_train_available: bool = False
    do_not_train_enabled: bool = False
    zero_retention_available: bool = False
    zero_retention_enabled: bool = False
    location_countries: frozenset[str] = frozenset()
    safeguards: tuple[Safeguard, ...] = ()
    assessments: Mapping[str, date] = _EMPTY  # destination -> latest completed TIA
    flows: tuple[Flow, ...] = ()
    # destination -> the earlier TIAs, newest first: what stood on a day before the latest one.
    earlier_assessments: Mapping[str, tuple[date, ...]] = _EMPTY

    def assessment_on(self, country: str, on: date) -> date | None:
        """The latest TIA for `country` completed on or before `on`, if any."""
        latest = self.assessments.get(country)
        if latest is None or latest <= on:
            return latest
        return next((day for day in self.earlier_assessments.get(country, ()) if day <= on), None)


@dataclass(frozen=True, slots=True)
class Question:
    """May data of a user in S, in categories C, go to sub-processor P in country D on day T?"""

    subject_country: str
    destination_country: str
    data_categories: frozenset[str]
    on: date


def _in_force(start: date, end: date | None, on: date) -> bool:
    """Whether [start, end) contains `on`; `end` is the first day no longer covered."""
    return start <= on and (end is None or on < end)


@dataclass(frozen=True, slots=True)
class AdequacyDecision:
    """One adequacy finding for one country (GDPR Art. 45, UK GDPR Art. 45A, FADP Art. 16(1)).

    `framework` names the certification framework through which alone the decision reaches a
    recipient (the US decisions): such a decision is never read as plain adequacy.
    """

    country: str
    scope: str  # "full" | "partial"
    scope_note: str
    effective_from: date
    effective_to: date | None
    legal_ref: str
    framework: str | None = None

    def in_force(self, on: date) -> bool:
        return _in_force(self.effective_from, self.effective_to, on)


@dataclass(frozen=True, slots=True)
class Framework:
    """A certification framework (EU-US DPF, UK-US data bridge, Swiss-US DPF) and its dates."""

    code: str
    regime: str
    country: str
    effective_from: date
    legal_ref: str
    effective_to: date | None = None

    def in_force(self, on: date) -> bool:
        return _in_force(self.effective_from, self.effective_to, on)


def _as_date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _required_date(value: date | str | None, what: str) -> date:
    parsed = _as_date(value)
    if parsed is None:
        raise ValueError(f"{what} is required")
    return parsed


@dataclass(frozen=True)
class ReferenceData:
    """What the checker believes about the law: the EEA, adequacy lists, frameworks, policy.

    `adequacy` maps regime ("eu", "uk", "ch") -> country -> its decisions; `frameworks` maps a
    certification code to its `Framework`; `processing_countries` maps "CN" (and any other subject
    country the policy singles out) and "*" (everyone else) to the policy's processing countries,
    the region "EEA" standing for its members. `versions` says which data this is (file or table
    -> "version N as of DATE"), for display and cache keys.

    Lookups the rules run per question are indexed once here so that a check never sorts.
    """

    eea: frozenset[str]
    adequacy: Mapping[str, Mapping[str, tuple[AdequacyDecision, ...]]]
    frameworks: Mapping[str, Framework]
    processing_countries: Mapping[str, frozenset[str]]
    versions: Mapping[str, str] = _EMPTY
    eea_members: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _plain: dict[tuple[str, str], tuple[AdequacyDecision, ...]] = field(
        init=False, repr=False, compare=False
    )
    _certified: dict[tuple[str, str], tuple[Framework, ...]] = field(
        init=False, repr=False, compare=False
    )
    _policy_labels: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if "*" not in self.processing_countries:
            raise ValueError('processing_countries needs a "*" entry for subjects not singled out')
        processing = {
            subject: self._expand(countries)
            for subject, countries in self.processing_countries.items()
        }
        plain: dict[tuple[str, str], tuple[AdequacyDecision, ...]] = {}
        for regime, by_country in self.adequacy.items():
            for country, decisions in by_country.items():
                # Newest first, so the first decision in force on a day is the current one.
                usable = sorted(
                    (d for d in decisions if d.framework is None),
                    key=lambda d: d.effective_from,
                    reverse=True,
                )
                if usable:
                    plain[(regime, country)] = tuple(usable)
        certified: dict[tuple[str, str], list[Framework]] = {}
        for code in sorted(self.frameworks):
            fw = self.frameworks[code]
            certified.setdefault((fw.regime, fw.country), []).append(fw)
        put = object.__setattr__  # frozen: derived fields are set once, here
        put(self, "processing_countries", MappingProxyType(processing))
        put(self, "eea_members", tuple(sorted(self.eea)))
        put(self, "_plain", plain)
        put(self, "_certified", {key: tuple(fws) for key, fws in certified.items()})
        put(self, "_policy_labels", {s: self._label(c) for s, c in processing.items()})

    def _expand(self, countries: Iterable[str]) -> frozenset[str]:
        expanded: set[str] = set()
        for entry in countries:
            expanded |= self.eea if entry == "EEA" else {entry}
        return frozenset(expanded)

    def _label(self, countries: frozenset[str]) -> str:
        """Names a country set the way the policy does: "GB, HK, SG, US and the EEA"."""
        whole_eea = bool(self.eea) and self.eea <= countries
        names = sorted(countries - self.eea) if whole_eea else sorted(countries)
        if whole_eea:
            names.append("the EEA")
        if len(names) <= 1:
            return names[0] if names else "none"
        return f"{', '.join(names[:-1])} and {names[-1]}"

    def adequacy_in_force(self, regime: str, country: str, on: date) -> AdequacyDecision | None:
        """The plain adequacy decision of `regime` for `country` in force on `on`, if any."""
        for decision in self._plain.get((regime, country), ()):
            if decision.in_force(on):
                return decision
        return None

    def frameworks_for(self, regime: str, country: str) -> tuple[Framework, ...]:
        """Certification frameworks through which `country` counts for `regime`."""
        return self._certified.get((regime, country), ())

    def processing_for(self, subject_country: str) -> frozenset[str]:
        """The policy's processing countries for users in `subject_country` (policy §9)."""
        return self.processing_countries.get(subject_country, self.processing_countries["*"])

    def processing_label(self, subject_country: str) -> str:
        """`processing_for(subject_country)` named for a message: "GB, HK, SG, US and the EEA"."""
        key = subject_country if subject_country in self._policy_labels else "*"
        return self._policy_labels[key]

    @classmethod
    def from_rows(
        cls,
        *,
        eea: Iterable[str],
        adequacy: Iterable[Mapping[str, Any]],
        frameworks: Iterable[Mapping[str, Any]],
        processing_countries: Mapping[str, Iterable[str]],
        versions: Mapping[str, str] | None = None,
    ) -> ReferenceData:
        """Builds reference data from plain rows (YAML documents or database rows alike).

        `adequacy` rows: regime, country, scope ("full" | "partial"), scope_note, effective_from,
        effective_to (None while in force), legal_ref, and optionally framework. `frameworks`
        rows: code, regime, country, effective_from, legal_ref, and optionally effective_to.
        `processing_countries`: "CN" / "*" -> ISO codes and/or "EEA". Dates may be `date`s or
        ISO strings; other keys (source, last_verified, note) are ignored. Raises ValueError on
        rows the engine could misread, above all a framework country (the US) offered as plain
        adequacy.
        """
        fws: dict[str, Framework] = {}
        for row in frameworks:
            code = str(row["code"])
            fws[code] = Framework(
                code=code,
                regime=str(row["regime"]),
                country=str(row["country"]),
                effective_from=_required_date(row["effective_from"], f"{code} effective_from"),
                legal_ref=str(row.get("legal_ref") or ""),
                effective_to=_as_date(row.get("effective_to")),
            )
        framework_countries = {(fw.regime, fw.country): fw for fw in fws.values()}
        decisions: dict[str, dict[str, list[AdequacyDecision]]] = {}
        for row in adequacy:
            regime, country = str(row["regime"]), str(row["country"])
            where = f"{regime} adequacy for {country}"
            framework = row.get("framework")
            scope = str(row["scope"])
            if scope not in ("full", "partial"):
                raise ValueError(f"{where}: scope must be full or partial, not {scope!r}")
            if framework is not None:
                fw = fws.get(str(framework))
                if fw is None or (fw.regime, fw.country) != (regime, country):
                    raise ValueError(f"{where}: framework {framework!r} is not one for it")
            elif (regime, country) in framework_countries:
                # The US is adequate only through its certification framework, never plainly.
                code = framework_countries[(regime, country)].code
                raise ValueError(f"{where}: reachable only through {code}; name it as framework")
            decisions.setdefault(regime, {}).setdefault(country, []).append(
                AdequacyDecision(
                    country=country,
                    scope=scope,
                    scope_note=str(row.get("scope_note") or ""),
                    effective_from=_required_date(row["effective_from"], f"{where}: from"),
                    effective_to=_as_date(row.get("effective_to")),
                    legal_ref=str(row.get("legal_ref") or ""),
                    framework=None if framework is None else str(framework),
                )
            )
        return cls(
            eea=frozenset(eea),
            adequacy={
                regime: {country: tuple(ds) for country, ds in by_country.items()}
                for regime, by_country in decisions.items()
            },
            frameworks=fws,
            processing_countries={s: frozenset(c) for s, c in processing_countries.items()},
            versions=dict(versions or {}),
        )


# The subject's regime (transfer-rules.md, "Who counts as whom"); the EEA is data, these are not.
_SINGLE_COUNTRY_REGIMES = {"GB": "uk", "CH": "ch", "CN": "prc"}
REGIME_HOME = {regime: country for country, regime in _SINGLE_COUNTRY_REGIMES.items()}


def regime_of(country: str, ref: ReferenceData) -> str | None:
    """The data-protection regime of a subject in `country`: "eu", "uk", "ch", "prc" or None."""
    if country in ref.eea:
        return "eu"
    return _SINGLE_COUNTRY_REGIMES.get(country)


def subject_matches(
    flow_subjects: frozenset[str], subject_country: str, ref: ReferenceData
) -> bool:
    """Whether a flow's `subjects` list covers users in `subject_country` (contract.md §3).

    A country named in the list matches itself; "EEA" matches its 30 members; "ROW" matches every
    country neither in the EEA nor named in the same list (a named one already matched above).
    """
    if subject_country in flow_subjects:
        return True
    if subject_country in ref.eea:
        return "EEA" in flow_subjects
    return "ROW" in flow_subjects
