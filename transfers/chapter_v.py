"""Chapter V rules, one per subject regime: the basis that makes a transfer lawful, if any.

Each takes (question, sub-processor, reference data) and returns (basis, findings). The EU, UK
and Swiss rules share one shape (adequacy, certification framework, Art. 46 instrument with an
assessment, Art. 49 / Art. 17 derogation) and differ only in the `Regime` they pass; the PRC
rule applies PIPL Art. 38. Pure: stdlib only, no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from transfers.domain import REGIME_HOME, Question, ReferenceData, Severity, SubProcessor
from transfers.rules import NONE, Findings, one

Ruling = tuple[str | None, Findings]  # (basis, findings)
ChapterV = Callable[[Question, SubProcessor, ReferenceData], Ruling]

DEROGATIONS = ("art49_explicit_consent", "art49_contract")
SCC_MODULES = frozenset({1, 2, 3})  # module 4 (processor to controller) does not cover our exports
PRC_MECHANISMS = ("prc_standard_contract", "prc_security_assessment", "prc_certification")


@dataclass(frozen=True, slots=True)
class Regime:
    """How one regime's transfer rules differ from the others' (the shape is shared)."""

    code: str  # "eu", "uk", "ch": also the rule-id prefix
    adequacy_basis: str
    law: str  # what one entry of the adequacy list is called, for messages
    data: str  # whose data, for messages
    instruments: tuple[tuple[str, frozenset[str]], ...]  # (basis, safeguard kinds it needs)
    instruments_text: str
    assessment: str
    derogation: str


def _held(sp: SubProcessor) -> frozenset[str]:
    """P's safeguard kinds that can count; an EU SCC counts only in modules 1-3."""
    return frozenset(s.kind for s in sp.safeguards if s.kind != "eu_scc" or s.module in SCC_MODULES)


def anniversary(day: date) -> date:
    """The same calendar day a year later (29 February -> 28 February)."""
    if day.year == date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _assessment(regime: Regime, q: Question, sp: SubProcessor) -> Findings:
    """The TIA an Art. 46 instrument needs (EDPB Recommendations 01/2020; UK Art. 46(1A) TRA).

    An assessment dated after T did not exist on T. One is stale once T is past its anniversary:
    completed 2025-03-01, it is fresh up to and including 2026-03-01 and stale from 2026-03-02.
    """
    d = q.destination_country
    done = sp.assessment_on(d, q.on)
    if done is None:
        return one(
            f"{regime.code}.tia_missing",
            Severity.ERROR,
            f"No {regime.assessment} for {d} is recorded for {sp.name}; record one before "
            f"sending {regime.data} there.",
        )
    if q.on > anniversary(done):
        return one(
            f"{regime.code}.tia_stale",
            Severity.WARNING,
            f"The {regime.assessment} for {d} recorded for {sp.name} is dated {done}, more than "
            f"12 months before {q.on}; review it and record the new date.",
        )
    return NONE


def _gap(regime: Regime, q: Question, sp: SubProcessor, ref: ReferenceData) -> str:
    """What a lawyer needs to know about why nothing counted (frameworks, near misses)."""
    notes = []
    for fw in ref.frameworks_for(regime.code, q.destination_country):
        if fw.code not in sp.certifications:
            notes.append(f"{sp.name} does not hold {fw.code} certification")
        else:
            notes.append(f"{fw.code} applies only from {fw.effective_from}")
    kinds = {s.kind for s in sp.safeguards}
    uses_scc = any("eu_scc" in needs for _, needs in regime.instruments)
    if uses_scc and "eu_scc" in kinds and "eu_scc" not in _held(sp):
        notes.append("an EU SCC counts only in modules 1-3")
    if regime.code == "uk" and "eu_scc" in kinds and "uk_addendum" not in kinds:
        notes.append("EU SCCs alone do not cover UK data without the UK Addendum")
    return "".join(f"; {note}" for note in notes)


def _chapter_v(regime: Regime, q: Question, sp: SubProcessor, ref: ReferenceData) -> Ruling:
    """The shared shape of GDPR, UK GDPR and FADP Chapter V (transfer-rules.md, eu/uk/ch)."""
    d = q.destination_country
    if d in (ref.eea if regime.code == "eu" else (REGIME_HOME[regime.code],)):
        return "no_transfer", NONE
    decision = ref.adequacy_in_force(regime.code, d, q.on)
    if decision is not None:
        if decision.scope == "full":
            return regime.adequacy_basis, NONE
        return regime.adequacy_basis, one(
            f"{regime.code}.partial_adequacy",
            Severity.INFO,
            f"The {regime.law} for {d} ({decision.legal_ref}) is partial: "
            f"{decision.scope_note}; confirm that {sp.name} falls within it.",
        )
    for fw in ref.frameworks_for(regime.code, d):
        if fw.code in sp.certifications and fw.in_force(q.on):
            return fw.code, NONE
    held = _held(sp)
    for basis, needs in regime.instruments:
        if needs <= held:
            return basis, _assessment(regime, q, sp)
    for kind in DEROGATIONS:
        if kind in held:
            return kind, one(
                f"{regime.code}.derogation_only",
                Severity.WARNING,
                f"{sp.name} relies only on {regime.derogation} ({kind}) for {regime.data} in "
                f"{d}, which is meant for occasional transfers; have a person confirm this flow "
                f"or record {regime.instruments_text}.",
            )
    return None, one(
        f"{regime.code}.no_mechanism",
        Severity.ERROR,
        f"{sp.name} has no transfer mechanism for {regime.data} in {d}: no {regime.law} "
        f"for {d} is in force on {q.on}{_gap(regime, q, sp, ref)}; record "
        f"{regime.instruments_text} (or {regime.derogation}) before sending data there.",
    )


EU = Regime(
    code="eu",
    adequacy_basis="eu_adequacy",
    law="EU adequacy decision",
    data="EEA personal data",
    instruments=(("eu_scc", frozenset({"eu_scc"})), ("eu_bcr", frozenset({"eu_bcr"}))),
    instruments_text="EU SCCs (module 1, 2 or 3) or BCRs",
    assessment="transfer impact assessment",
    derogation="an Art. 49 GDPR derogation",
)
UK = Regime(
    code="uk",
    adequacy_basis="uk_adequacy",
    law="UK adequacy regulation",
    data="UK personal data",
    instruments=(
        ("uk_idta", frozenset({"uk_idta"})),
        ("uk_addendum", frozenset({"uk_addendum", "eu_scc"})),
    ),
    instruments_text="a UK IDTA, or the UK Addendum with EU SCCs (module 1, 2 or 3)",
    assessment="transfer risk assessment",
    derogation="an Art. 49 UK GDPR derogation",
)
CH = Regime(
    code="ch",
    adequacy_basis="ch_adequacy",
    law="Swiss adequacy listing (DPO Annex 1)",
    data="Swiss personal data",
    instruments=(("swiss_scc", frozenset({"swiss_scc"})),),
    instruments_text="SCCs with the Swiss adaptations",
    assessment="transfer impact assessment",
    derogation="an FADP Art. 17 exception",
)


def eu_transfer(q: Question, sp: SubProcessor, ref: ReferenceData) -> Ruling:
    """eu.*: EEA users' data leaving the EEA (GDPR Art. 45 adequacy and the EU-US DPF,
    Art. 46(2)(b)/(c) BCRs and SCCs with a transfer impact assessment, Art. 49 derogations)."""
    return _chapter_v(EU, q, sp, ref)


def uk_transfer(q: Question, sp: SubProcessor, ref: ReferenceData) -> Ruling:
    """uk.*: UK users' data leaving the UK (UK GDPR Art. 45A approved transfers and the UK-US data
    bridge, Art. 46 IDTA or Addendum with a transfer risk assessment, Art. 49 derogations)."""
    return _chapter_v(UK, q, sp, ref)


def ch_transfer(q: Question, sp: SubProcessor, ref: ReferenceData) -> Ruling:
    """ch.*: Swiss users' data leaving Switzerland (FADP Art. 16(1) and DPO Annex 1 incl. the
    Swiss-US DPF, Art. 16(2)(d) Swiss SCCs with an assessment, Art. 17 exceptions)."""
    return _chapter_v(CH, q, sp, ref)


def prc_transfer(q: Question, sp: SubProcessor, ref: ReferenceData) -> Ruling:
    """prc.*: mainland users' data leaving the mainland, HK included (PIPL Art. 38 and Art. 3(2)):
    a filed standard contract, a CAC security assessment or a certification."""
    d = q.destination_country
    if d == REGIME_HOME["prc"]:
        return "no_transfer", NONE
    kinds = {s.kind for s in sp.safeguards}
    for kind in PRC_MECHANISMS:
        if kind in kinds:
            return kind, NONE
    return None, one(
        "prc.no_mechanism",
        Severity.ERROR,
        f"{sp.name} has no PIPL Art. 38 mechanism for data of users in mainland China sent to "
        f"{d}: record a filed PRC standard contract, a CAC security assessment or a PIPL "
        f"certification before sending it there.",
    )


CHAPTER_V: Mapping[str, ChapterV] = {
    "eu": eu_transfer,
    "uk": uk_transfer,
    "ch": ch_transfer,
    "prc": prc_transfer,
}
