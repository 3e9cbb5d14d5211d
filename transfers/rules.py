"""The rules of transfer-rules.md version 1, one plain function each, in the order they are checked.

Every rule takes (question, sub-processor, reference data) and returns the findings it makes, as
a tuple (empty when it has nothing to say). The Chapter V rules also return the basis they found.
`transfers.engine.check` runs them all; a new rule is one more function in `RULES`.
Pure: stdlib only, no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from transfers.domain import (
    REGIME_HOME,
    Finding,
    Question,
    ReferenceData,
    Severity,
    SubProcessor,
    subject_matches,
)

Findings = tuple[Finding, ...]
Rule = Callable[[Question, SubProcessor, ReferenceData], Findings]
Ruling = tuple[str | None, Findings]  # (basis, findings)
ChapterV = Callable[[Question, SubProcessor, ReferenceData], Ruling]

NONE: Findings = ()
AI_CATEGORY = "ai_model_provider"
USER_CONTENT = "user_content"
DEROGATIONS = ("art49_explicit_consent", "art49_contract")
SCC_MODULES = frozenset({1, 2, 3})  # module 4 (processor to controller) does not cover our exports
PRC_MECHANISMS = ("prc_standard_contract", "prc_security_assessment", "prc_certification")


def _one(rule: str, severity: Severity, message: str) -> Findings:
    return (Finding(rule, severity, message),)


# Registry rules: is this transfer what the record says happens?


def undeclared_location(q: Question, sp: SubProcessor, ref: ReferenceData) -> Findings:
    """registry.undeclared_location (error): D must be one of P's recorded location countries.

    The roster is what controllers were told under GDPR Art. 28(2); data may only go where it says.
    """
    if q.destination_country in sp.location_countries:
        return NONE
    recorded = ", ".join(sorted(sp.location_countries)) or "none"
    return _one(
        "registry.undeclared_location",
        Severity.ERROR,
        f"{sp.name} has no recorded location in {q.destination_country} (recorded: {recorded}); "
        f"record that location before sending it personal data there.",
    )


def undeclared_flow(q: Question, sp: SubProcessor, ref: ReferenceData) -> Findings:
    """registry.undeclared_flow (error): every category in C needs a flow naming S and D.

    The record of processing (GDPR Art. 30(1)(e)) must list the transfer before it happens.
    """
    covered: set[str] = set()
    for flow in sp.flows:
        if q.destination_country in flow.countries and subject_matches(
            flow.subjects, q.subject_country, ref
        ):
            covered |= flow.data_categories
    missing = q.data_categories - covered
    if not missing:
        return NONE
    return _one(
        "registry.undeclared_flow",
        Severity.ERROR,
        f"No data flow of {sp.name} covers {', '.join(sorted(missing))} data of users in "
        f"{q.subject_country} sent to {q.destination_country}; record the data flow first.",
    )


def effective_day(sp: SubProcessor) -> date | None:
    """The first day P may receive data: the later of its effective date and its notice's date.

    A published notice's day cannot be moved earlier by re-importing an older effective_from.
    """
    days = [d for d in (sp.effective_from, sp.announced_effective) if d is not None]
    return max(days) if days else None


def not_active(q: Question, sp: SubProcessor, ref: ReferenceData) -> Findings:
    """registry.not_active (error): P is retired on T, or T is before P's effective day.

    GDPR Art. 28(2) and SCC Clause 9: a new sub-processor receives nothing before the day the
    controllers were told of; a retired one receives nothing after it was retired.
    """
    if sp.status == "retired" and (sp.retired_on is None or q.on >= sp.retired_on):
        since = f" on {sp.retired_on}" if sp.retired_on else ""
        return _one(
            "registry.not_active",
            Severity.ERROR,
            f"{sp.name} was retired{since}; record a new engagement before sending it personal "
            f"data again.",
        )
    day = effective_day(sp)
    if day is None:
        if sp.status != "proposed":
            return NONE
        return _one(
            "registry.not_active",
            Severity.ERROR,
            f"{sp.name} is proposed with no effective date and no published notice; record an "
            f"effective date and publish a notice before sending it personal data.",
        )
    if q.on >= day:
        return NONE
    which = "announced date" if day == sp.announced_effective else "effective date"
    return _one(
        "registry.not_active",
        Severity.ERROR,
        f"{sp.name} may receive personal data only from its {which} {day}, after {q.on}; "
        f"wait for that day before sending it data.",
    )


def dpa_missing(q: Question, sp: SubProcessor, ref: ReferenceData) -> Findings:
    """contract.dpa_missing (error): P has no signed data processing agreement (GDPR Art. 28(3))."""
    if sp.dpa_signed is not None:
        return NONE
    return _one(
        "contract.dpa_missing",
        Severity.ERROR,
        f"No signed data processing agreement with {sp.name} is recorded; sign one (GDPR "
        f"Art. 28(3)) and record its date before sending it personal data.",
    )


# Published-policy rules: the privacy policy's own promises.


def prc_localisation(q: Question, sp: SubProcessor, ref: ReferenceData) -> Findings:
    """policy.prc_localisation (block): users outside mainland China never go to CN (policy §9).

    HK, MO and TW users are outside the mainland; no safeguard can cure this.
    """
    if q.subject_country == "CN" or q.destination_country != "CN":
        return NONE
    return _one(
        "policy.prc_localisation",
        Severity.BLOCK,
        f"The privacy policy promises never to route data of users outside mainland China to "
        f"mainland China, so {sp.name} in CN must not receive data of users in "
        f"{q.subject_country}; no safeguard changes this.",
    )


def processing_country(q: Question, sp: SubProcessor, ref: ReferenceData) -> Findings:
    """policy.processing_country (error): D must be a processing country policy §9 names for S."""
    if q.destination_country in ref.processing_for(q.subject_country):
        return NONE
    return _one(
        "policy.processing_country",
        Severity.ERROR,
        f"The privacy policy names only {ref.processing_label(q.subject_country)} as processing "
        f"countries for users in {q.subject_country}, so {sp.name} in {q.destination_country} "
        f"must not receive their data unless the policy is amended first.",
    )


def training_not_disabled(q: Question, sp: SubProcessor, ref: ReferenceData) -> Findings:
    """ai.training_not_disabled (error): an offered do-not-train option must be on (policy §5.2)."""
    if not (
        sp.category == AI_CATEGORY
        and USER_CONTENT in q.data_categories
        and sp.do_not_train_available
        and not sp.do_not_train_enabled
    ):
        return NONE
    return _one(
        "ai.training_not_disabled",
        Severity.ERROR,
        f"{sp.name} offers a do-not-train option that is not enabled; enable it and record that "
        f"before sending it user content (policy §5.2).",
    )


def retention_not_zero(q: Question, sp: SubProcessor, ref: ReferenceData) -> Findings:
    """ai.retention_not_zero (warning): offered zero data retention should be on (policy §5.2)."""
    if not (
        sp.category == AI_CATEGORY
        and USER_CONTENT in q.data_categories
        and sp.zero_retention_available
        and not sp.zero_retention_enabled
    ):
        return NONE
    return _one(
        "ai.retention_not_zero",
        Severity.WARNING,
        f"{sp.name} offers zero data retention that is not enabled; enable it, or record why "
        f"user content may be retained there (policy §5.2).",
    )


# Chapter V rules, one per subject regime.


@dataclass(frozen=True, slots=True)
class Regime:
    """How one regime's transfer rules differ from the others' (the shape is shared)."""

    code: str  # "eu", "uk", "ch": also the rule-id prefix
    adequacy_basis: str
    law: str  # the adequacy list's name, for messages
    data: str  # whose data, for messages
    instruments: tuple[tuple[str, frozenset[str]], ...]  # (basis, safeguard kinds it needs)
    instruments_text: str
    assessment: str
    derogation: str


def _held(sp: SubProcessor) -> frozenset[str]:
    """P's safeguard kinds that can count; an EU SCC counts only in modules 1-3."""
    return frozenset(
        s.kind for s in sp.safeguards if s.kind != "eu_scc" or s.module in SCC_MODULES
    )


def anniversary(day: date) -> date:
    """The same calendar day a year later (29 February -> 28 February)."""
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
    done = sp.assessments.get(d)
    if done is None or done > q.on:
        return _one(
            f"{regime.code}.tia_missing",
            Severity.ERROR,
            f"No {regime.assessment} for {d} is recorded for {sp.name}; record one before "
            f"sending {regime.data} there.",
        )
    if q.on > anniversary(done):
        return _one(
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
        return regime.adequacy_basis, _one(
            f"{regime.code}.partial_adequacy",
            Severity.INFO,
            f"The {regime.law} finding for {d} ({decision.legal_ref}) is partial: "
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
            return kind, _one(
                f"{regime.code}.derogation_only",
                Severity.WARNING,
                f"{sp.name} relies only on {regime.derogation} ({kind}) for {regime.data} in "
                f"{d}, which is meant for occasional transfers; have a person confirm this flow "
                f"or record {regime.instruments_text}.",
            )
    return None, _one(
        f"{regime.code}.no_mechanism",
        Severity.ERROR,
        f"{sp.name} has no transfer mechanism for {regime.data} in {d}: no {regime.law} finding "
        f"for {d} is in force on {q.on}{_gap(regime, q, sp, ref)}; record "
        f"{regime.instruments_text} (or {regime.derogation}) before sending data there.",
    )


EU = Regime(
    code="eu",
    adequacy_basis="eu_adequacy",
    law="EU adequacy",
    data="EEA personal data",
    instruments=(("eu_scc", frozenset({"eu_scc"})), ("eu_bcr", frozenset({"eu_bcr"}))),
    instruments_text="EU SCCs (module 1, 2 or 3) or BCRs",
    assessment="transfer impact assessment",
    derogation="an Art. 49 GDPR derogation",
)
UK = Regime(
    code="uk",
    adequacy_basis="uk_adequacy",
    law="UK adequacy",
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
    law="Swiss adequacy (DPO Annex 1)",
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
    return None, _one(
        "prc.no_mechanism",
        Severity.ERROR,
        f"{sp.name} has no PIPL Art. 38 mechanism for data of users in mainland China sent to "
        f"{d}: record a filed PRC standard contract, a CAC security assessment or a PIPL "
        f"certification before sending it there.",
    )


RULES: tuple[Rule, ...] = (
    undeclared_location,
    undeclared_flow,
    not_active,
    dpa_missing,
    prc_localisation,
    processing_country,
    training_not_disabled,
    retention_not_zero,
)
CHAPTER_V: Mapping[str, ChapterV] = {
    "eu": eu_transfer,
    "uk": uk_transfer,
    "ch": ch_transfer,
    "prc": prc_transfer,
}
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
        for rule in ("partial_adequacy", "tia_missing", "tia_stale", "derogation_only", "no_mechanism")
    ),
    "prc.no_mechanism",
)
