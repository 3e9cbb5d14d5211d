"""The registry, policy and AI rules of transfer-rules.md version 1, in the order they are checked.

Every rule takes (question, sub-processor, reference data) and returns the findings it makes, as
a tuple (empty when it has nothing to say). The Chapter V rules, which also find a basis, are in
`transfers.chapter_v`; `transfers.engine.check` runs them all, so a new rule is one more function
in `RULES`. Pure: stdlib only, no Django.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from transfers.domain import (
    Finding,
    Question,
    ReferenceData,
    Severity,
    SubProcessor,
    subject_matches,
)

Findings = tuple[Finding, ...]
Rule = Callable[[Question, SubProcessor, ReferenceData], Findings]

NONE: Findings = ()
AI_CATEGORY = "ai_model_provider"
USER_CONTENT = "user_content"


def one(rule: str, severity: Severity, message: str) -> Findings:
    return (Finding(rule, severity, message),)


# Registry rules: is this transfer what the record says happens?


def undeclared_location(q: Question, sp: SubProcessor, ref: ReferenceData) -> Findings:
    """registry.undeclared_location (error): D must be one of P's recorded location countries.

    The roster is what controllers were told under GDPR Art. 28(2); data may only go where it says.
    """
    if q.destination_country in sp.location_countries:
        return NONE
    recorded = ", ".join(sorted(sp.location_countries)) or "none"
    return one(
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
    return one(
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
        return one(
            "registry.not_active",
            Severity.ERROR,
            f"{sp.name} was retired{since}; record a new engagement before sending it personal "
            f"data again.",
        )
    day = effective_day(sp)
    if day is None:
        if sp.status != "proposed":
            return NONE
        return one(
            "registry.not_active",
            Severity.ERROR,
            f"{sp.name} is proposed with no effective date and no published notice; record an "
            f"effective date and publish a notice before sending it personal data.",
        )
    if q.on >= day:
        return NONE
    which = "announced date" if day == sp.announced_effective else "effective date"
    return one(
        "registry.not_active",
        Severity.ERROR,
        f"{sp.name} may receive personal data only from its {which} {day}, after {q.on}; "
        f"wait for that day before sending it data.",
    )


def dpa_missing(q: Question, sp: SubProcessor, ref: ReferenceData) -> Findings:
    """contract.dpa_missing (error): P has no signed data processing agreement (GDPR Art. 28(3))."""
    if sp.dpa_signed is not None:
        return NONE
    return one(
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
    return one(
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
    return one(
        "policy.processing_country",
        Severity.ERROR,
        f"The privacy policy's processing countries for users in {q.subject_country} are "
        f"{ref.processing_label(q.subject_country)}, not {q.destination_country}, so {sp.name} "
        f"there must not receive their data unless the policy is amended first.",
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
    return one(
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
    return one(
        "ai.retention_not_zero",
        Severity.WARNING,
        f"{sp.name} offers zero data retention that is not enabled; enable it, or record why "
        f"user content may be retained there (policy §5.2).",
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
