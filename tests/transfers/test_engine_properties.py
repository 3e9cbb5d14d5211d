"""Property tests of the transfer rule engine (hypothesis): promises that hold for any roster.

- Users outside mainland China never reach CN (policy §9), whatever is recorded.
- `allowed` is true exactly when no finding is `block` or `error` (transfer-rules.md).
- Answers are deterministic: the same question gives the same findings in rule order, however
  the sub-processor's lists happen to be ordered.
- Every EEA member no flow names gets the same answer, which lets the audit ask one of them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from transfers.engine import (
    RULE_IDS,
    Flow,
    Question,
    Safeguard,
    Severity,
    SubProcessor,
    audit,
    audit_subjects,
    check,
    regime_of,
)
from transfers.reference_data import load_reference_data

REF = load_reference_data()
COUNTRIES = (
    "FR", "DE", "IE", "NO", "IS", "LI", "GB", "CH", "CN", "HK", "MO", "TW",
    "US", "SG", "JP", "KR", "CA", "BR", "IN", "AU",
)  # fmt: skip
EEA_SAMPLE = ("AT", "DE", "FR", "IE", "IS", "LI", "NO", "PL", "SE")
CATEGORIES = ("account", "billing", "user_content", "communications", "usage", "device", "cookies")
KINDS = (
    "eu_scc", "eu_bcr", "uk_idta", "uk_addendum", "swiss_scc", "prc_standard_contract",
    "prc_security_assessment", "prc_certification", "art49_explicit_consent", "art49_contract",
)  # fmt: skip
BASES = {
    None, "no_transfer", "no_restriction", "eu_adequacy", "eu_us_dpf", "eu_scc", "eu_bcr",
    "uk_adequacy", "uk_us_data_bridge", "uk_idta", "uk_addendum", "ch_adequacy", "swiss_us_dpf",
    "swiss_scc", "prc_standard_contract", "prc_security_assessment", "prc_certification",
    "art49_explicit_consent", "art49_contract",
}  # fmt: skip
STOPPING = {Severity.BLOCK, Severity.ERROR}

countries = st.sampled_from(COUNTRIES)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
maybe_day = st.none() | days
category_sets = st.frozensets(st.sampled_from(CATEGORIES), min_size=1)
safeguards = st.builds(
    Safeguard, kind=st.sampled_from(KINDS), module=st.sampled_from((None, 1, 2, 3, 4)), signed=days
)
flows = st.builds(
    Flow,
    data_categories=category_sets,
    subjects=st.frozensets(st.sampled_from((*COUNTRIES, "EEA", "ROW")), max_size=5),
    countries=st.frozensets(countries, min_size=1, max_size=3),
)


@st.composite
def sub_processors(draw: st.DrawFn) -> SubProcessor:
    return SubProcessor(
        slug="sp",
        name="Some Vendor",
        category=draw(st.sampled_from(("ai_model_provider", "cloud_infrastructure", "analytics"))),
        status=draw(st.sampled_from(("proposed", "active", "retired"))),
        effective_from=draw(maybe_day),
        retired_on=draw(maybe_day),
        announced_effective=draw(maybe_day),
        dpa_signed=draw(maybe_day),
        certifications=draw(
            st.frozensets(st.sampled_from(("eu_us_dpf", "uk_us_data_bridge", "swiss_us_dpf")))
        ),
        do_not_train_available=draw(st.booleans()),
        do_not_train_enabled=draw(st.booleans()),
        zero_retention_available=draw(st.booleans()),
        zero_retention_enabled=draw(st.booleans()),
        location_countries=draw(st.frozensets(countries, max_size=4)),
        safeguards=tuple(draw(st.lists(safeguards, max_size=4))),
        assessments=draw(st.dictionaries(countries, days, max_size=4)),
        flows=tuple(draw(st.lists(flows, max_size=3))),
    )


questions = st.builds(
    Question,
    subject_country=countries,
    destination_country=countries,
    data_categories=category_sets,
    on=days,
)


@given(sp=sub_processors(), subject=countries, categories=category_sets, on=days)
def test_users_outside_mainland_china_never_reach_cn(sp, subject, categories, on):
    if subject == "CN":
        subject = "HK"
    verdict = check(Question(subject, "CN", categories, on), sp, REF)
    assert not verdict.allowed
    assert any(
        f.rule == "policy.prc_localisation" and f.severity is Severity.BLOCK
        for f in verdict.findings
    )


@given(sp=sub_processors(), question=questions)
def test_allowed_exactly_when_nothing_blocks_or_errs(sp, question):
    verdict = check(question, sp, REF)
    assert verdict.allowed is all(f.severity not in STOPPING for f in verdict.findings)
    assert verdict.basis in BASES


@given(sp=sub_processors(), question=questions, data=st.data())
def test_findings_are_deterministic_and_in_rule_order(sp, question, data):
    verdict = check(question, sp, REF)
    assert check(question, sp, REF) == verdict
    shuffled = replace(
        sp,
        safeguards=tuple(data.draw(st.permutations(sp.safeguards))),
        flows=tuple(data.draw(st.permutations(sp.flows))),
        assessments=dict(reversed(list(sp.assessments.items()))),
    )
    assert check(question, shuffled, REF) == verdict
    order = [RULE_IDS.index(f.rule) for f in verdict.findings]
    assert order == sorted(order)
    assert len(set(order)) == len(order)


@given(sp=sub_processors(), question=questions)
def test_chapter_v_findings_follow_the_subject_regime(sp, question):
    regime = regime_of(question.subject_country, REF)
    prefixes = {f.rule.split(".")[0] for f in check(question, sp, REF).findings}
    chapter_v = prefixes - {"registry", "contract", "policy", "ai"}
    assert chapter_v <= ({regime} if regime else set())


@given(
    sp=sub_processors(),
    pair=st.lists(st.sampled_from(EEA_SAMPLE), min_size=2, max_size=2, unique=True),
    destination=countries,
    categories=category_sets,
    on=days,
)
def test_every_eea_member_not_named_gets_the_same_answer(sp, pair, destination, categories, on):
    # A member a flow names is asked about as itself; the others share the region's answer.
    assume(not any(set(pair) & flow.subjects for flow in sp.flows))
    first, second = (check(Question(s, destination, categories, on), sp, REF) for s in pair)
    assert (first.allowed, first.basis, [f.rule for f in first.findings]) == (
        second.allowed,
        second.basis,
        [f.rule for f in second.findings],
    )


@settings(max_examples=40)
@given(sps=st.lists(sub_processors(), max_size=3), on=days)
def test_audit_rows_are_the_checks_of_each_flow_and_its_own_flow_covers_them(sps, on):
    sps = [replace(sp, slug=f"sp-{index}") for index, sp in enumerate(sps)]
    rows = audit(sps, REF, on)
    assert len(rows) == sum(
        len(audit_subjects(flow.subjects, REF)) * len(flow.countries)
        for sp in sps
        for flow in sp.flows
    )
    by_slug = {sp.slug: sp for sp in sps}
    for row in rows:
        sp = by_slug[row.sub_processor]
        flow = sp.flows[row.flow]
        assert row.destination in flow.countries
        question = Question(row.subject, row.destination, flow.data_categories, on)
        assert row.verdict == check(question, sp, REF)
        assert "registry.undeclared_flow" not in {f.rule for f in row.verdict.findings}
