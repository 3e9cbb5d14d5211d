"""The transfer checker's rule engine (transfer-rules.md, version 1).

`check` answers one question: may data of a user in S, in categories C, go to sub-processor P
in country D on day T? It runs every rule of `transfers.rules`, then the Chapter V rule of S's
regime from `transfers.chapter_v`, accumulating findings, and reports the basis found (GDPR
Art. 45/46/49, UK GDPR, FADP Art. 16/17, PIPL Art. 38).
`audit` answers it for every data flow of a roster ("The whole-roster audit").

Pure: plain functions over the frozen dataclasses of `transfers.domain`, stdlib only, no Django.
This module is the one the rest of the project imports from.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import chain, product
from string import ascii_uppercase

from transfers.chapter_v import CHAPTER_V
from transfers.domain import (
    AdequacyDecision,
    Finding,
    Flow,
    Framework,
    Question,
    ReferenceData,
    Safeguard,
    Severity,
    SubProcessor,
    Verdict,
    regime_of,
    subject_matches,
)
from transfers.rules import RULES

__all__ = [
    "RULE_IDS",
    "AdequacyDecision",
    "AuditRow",
    "Finding",
    "Flow",
    "Framework",
    "Question",
    "ReferenceData",
    "Safeguard",
    "Severity",
    "SubProcessor",
    "Verdict",
    "audit",
    "audit_subjects",
    "check",
    "regime_of",
    "subject_matches",
]


# Every rule id in the order findings appear (within one regime), for tests and documentation.
RULE_IDS: tuple[str, ...] = (
    "registry.undeclared_location",
    "registry.undeclared_flow",
    "registry.not_active",
    "contract.dpa_missing",
    "policy.prc_localisation",
    "policy.processing_country",
    "ai.training_not_disabled",
    "ai.retention_not_zero",
    *(
        f"{code}.{rule}"
        for code in ("eu", "uk", "ch")
        for rule in (
            "partial_adequacy",
            "tia_missing",
            "tia_stale",
            "derogation_only",
            "no_mechanism",
        )
    ),
    "prc.no_mechanism",
)


def check(question: Question, sp: SubProcessor, ref: ReferenceData) -> Verdict:
    """Runs every rule on one question; the basis is "no_restriction" for subjects of no regime."""
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(question, sp, ref))
    regime = regime_of(question.subject_country, ref)
    if regime is None:
        return Verdict.of("no_restriction", tuple(findings))
    basis, more = CHAPTER_V[regime](question, sp, ref)
    findings.extend(more)
    return Verdict.of(basis, tuple(findings))


# ROW stands for every unnamed country: these are the ones whose answers can differ.
_ROW_REGIME_STAND_INS = ("GB", "CH", "CN")
# Countries of no regime of their own, tried in this order for ROW's last representative.
_ROW_OTHER_STAND_INS = ("US", "SG", "HK", "JP", "IN", "AU", "BR", "CA", "KR", "MX", "ZA")


def _audit_entries(flow_subjects: frozenset[str], ref: ReferenceData) -> Iterator[tuple[str, str]]:
    """(subject country, roster entry it represents) pairs for one flow's subjects list."""
    named = {s for s in flow_subjects if s not in ("EEA", "ROW")}
    for country in sorted(named):
        yield country, country
    if "EEA" in flow_subjects:
        # Every EEA member gets the same answer, so one that is not named stands for all.
        member = next((c for c in ref.eea_members if c not in named), None)
        if member is not None:
            yield member, "EEA"
    if "ROW" in flow_subjects:
        for country in _ROW_REGIME_STAND_INS:
            if country not in named:
                yield country, "ROW"
        every_code = ("".join(pair) for pair in product(ascii_uppercase, repeat=2))
        candidates = chain(_ROW_OTHER_STAND_INS, every_code)
        yield next(c for c in candidates if c not in named and regime_of(c, ref) is None), "ROW"


def audit_subjects(flow_subjects: frozenset[str], ref: ReferenceData) -> list[str]:
    """The subject countries the whole-roster audit asks about for one flow's subjects list.

    A named country as itself; "EEA" as one member not named; "ROW" as each of GB, CH and CN not
    named plus one unnamed country with no regime of its own ("US" unless named).
    """
    return [subject for subject, _ in _audit_entries(flow_subjects, ref)]


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One answer of the whole-roster audit; `represents` is the roster entry ("EEA", "ROW" or
    the country itself) that `subject` stands for."""

    sub_processor: str
    flow: int
    subject: str
    destination: str
    verdict: Verdict
    represents: str


def audit(sub_processors: Iterable[SubProcessor], ref: ReferenceData, on: date) -> list[AuditRow]:
    """Checks every flow of every sub-processor for each audit subject and each flow country,
    with all the flow's data categories together (transfer-rules.md, "The whole-roster audit")."""
    rows: list[AuditRow] = []
    # The audit allocates a few objects per question and makes no reference cycles; left on,
    # the cyclic garbage collector rescans the growing result again and again, which makes a
    # ten times larger roster take well over ten times as long.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for sp in sub_processors:
            for index, flow in enumerate(sp.flows):
                destinations = sorted(flow.countries)
                for subject, represents in _audit_entries(flow.subjects, ref):
                    for destination in destinations:
                        question = Question(subject, destination, flow.data_categories, on)
                        verdict = check(question, sp, ref)
                        rows.append(
                            AuditRow(sp.slug, index, subject, destination, verdict, represents)
                        )
    finally:
        if collecting:
            gc.enable()
    return rows
