"""Tests of the pure transfer rule engine (transfer-rules.md, version 1) and its reference data.

Plain pytest over plain dataclasses: no Django, no database. `make_sp` builds a sub-processor
that passes every registry rule unless a test overrides a field; `ask` puts one question.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from transfers.chapter_v import anniversary
from transfers.engine import (
    RULE_IDS,
    Flow,
    Question,
    ReferenceData,
    Safeguard,
    Severity,
    SubProcessor,
    Verdict,
    audit,
    audit_subjects,
    check,
    regime_of,
    subject_matches,
)
from transfers.reference_data import (
    REFERENCE_DIR,
    ReferenceDataError,
    load_cloud_regions,
    load_reference_data,
    region_country,
)
from transfers.rules import effective_day

ON = date(2026, 11, 27)
REF = load_reference_data()
CATEGORIES = frozenset(
    {"account", "billing", "user_content", "communications", "usage", "device", "cookies"}
)
EEA_SCC = (Safeguard("eu_scc", module=3, signed=date(2025, 1, 1)),)


def make_flow(
    subjects=("EEA", "ROW"), countries=("SG",), categories: frozenset[str] = CATEGORIES
) -> Flow:
    return Flow(frozenset(categories), frozenset(subjects), frozenset(countries))


def make_sp(**overrides) -> SubProcessor:
    """An active sub-processor in SG (no effective date: active on any day asked) with a DPA and
    a flow covering every user and category.

    Unless `flows` is given, the flow goes to all of the given `location_countries`.
    """
    fields = {
        "slug": "acme-cdn",
        "name": "Acme CDN",
        "category": "cloud_infrastructure",
        "status": "active",
        "dpa_signed": date(2025, 1, 1),
        "location_countries": frozenset({"SG"}),
    }
    fields.update(overrides)
    fields["location_countries"] = frozenset(fields["location_countries"])
    fields["certifications"] = frozenset(fields.get("certifications", ()))
    fields.setdefault("flows", (make_flow(countries=fields["location_countries"]),))
    return SubProcessor(**fields)


def ask(
    sp: SubProcessor, subject: str, destination: str, categories=("account",), on: date = ON
) -> Verdict:
    return check(Question(subject, destination, frozenset(categories), on), sp, REF)


def rules(verdict: Verdict) -> list[str]:
    return [f.rule for f in verdict.findings]


def finding(verdict: Verdict, rule: str):
    return next(f for f in verdict.findings if f.rule == rule)


# The example rows of transfer-rules.md, one test each.


def test_example_fr_to_cdn_with_scc_and_recent_tia_is_allowed():
    cdn = make_sp(safeguards=EEA_SCC, assessments={"SG": ON - timedelta(days=30)})
    verdict = ask(cdn, "FR", "SG")
    assert verdict == Verdict(True, "eu_scc", ())


def test_example_fr_to_cdn_without_tia_is_refused():
    verdict = ask(make_sp(safeguards=EEA_SCC), "FR", "SG")
    assert not verdict.allowed
    assert verdict.basis == "eu_scc"
    assert rules(verdict) == ["eu.tia_missing"]
    assert verdict.findings[0].message == (
        "No transfer impact assessment for SG is recorded for Acme CDN; record one before "
        "sending EEA personal data there."
    )


def test_example_hk_users_to_cn_are_blocked():
    verdict = ask(make_sp(location_countries={"CN"}), "HK", "CN", categories=CATEGORIES)
    assert not verdict.allowed
    assert finding(verdict, "policy.prc_localisation").severity is Severity.BLOCK


def test_example_cn_users_to_a_mainland_cloud_are_not_a_transfer():
    mainland = make_sp(name="Mainland Cloud", location_countries={"CN"})
    assert ask(mainland, "CN", "CN", categories=("user_content",)) == Verdict(
        True, "no_transfer", ()
    )


def test_example_cn_users_to_us_ai_provider_with_prc_standard_contract():
    genai = make_sp(
        name="GenAI Inc",
        category="ai_model_provider",
        location_countries={"US"},
        safeguards=(Safeguard("prc_standard_contract"),),
        do_not_train_available=True,
        do_not_train_enabled=True,
    )
    assert ask(genai, "CN", "US", categories=("user_content",)) == Verdict(
        True, "prc_standard_contract", ()
    )


def test_example_gb_users_to_us_email_provider_in_the_data_bridge():
    mail = make_sp(location_countries={"US"}, certifications={"uk_us_data_bridge"})
    assert ask(mail, "GB", "US") == Verdict(True, "uk_us_data_bridge", ())


def test_example_ch_users_to_us_email_provider_with_only_eu_us_dpf():
    mail = make_sp(name="Mail EU Only", location_countries={"US"}, certifications={"eu_us_dpf"})
    verdict = ask(mail, "CH", "US")
    assert not verdict.allowed
    assert verdict.basis is None
    assert rules(verdict) == ["ch.no_mechanism"]
    assert "does not hold swiss_us_dpf" in verdict.findings[0].message


def test_example_jp_users_to_japanese_analytics_are_outside_the_policy():
    analytics = make_sp(location_countries={"JP"})
    verdict = ask(analytics, "JP", "JP", categories=("usage",))
    assert not verdict.allowed
    assert verdict.basis == "no_restriction"
    assert rules(verdict) == ["policy.processing_country"]


# Registry rules.


def test_undeclared_location():
    verdict = ask(make_sp(safeguards=EEA_SCC, assessments={"US": ON}), "FR", "US")
    assert rules(verdict) == ["registry.undeclared_location", "registry.undeclared_flow"]
    assert finding(verdict, "registry.undeclared_location").message == (
        "Acme CDN has no recorded location in US (recorded: SG); record that location before "
        "sending it personal data there."
    )


def test_undeclared_flow_names_the_missing_categories():
    sp = make_sp(
        flows=(make_flow(categories={"account"}),), safeguards=EEA_SCC, assessments={"SG": ON}
    )
    verdict = ask(sp, "FR", "SG", categories=("account", "usage", "billing"))
    assert rules(verdict) == ["registry.undeclared_flow"]
    assert "covers billing, usage data of users in FR sent to SG" in verdict.findings[0].message


def test_undeclared_flow_categories_may_come_from_several_flows():
    sp = make_sp(
        flows=(make_flow(categories={"account"}), make_flow(subjects=("FR",), categories={"usage"}))
    )
    assert "registry.undeclared_flow" not in rules(ask(sp, "FR", "SG", ("account", "usage")))
    assert "registry.undeclared_flow" in rules(ask(sp, "DE", "SG", ("account", "usage")))


@pytest.mark.parametrize(
    ("subjects", "subject", "covered"),
    [
        (("EEA",), "NO", True),
        (("EEA",), "GB", False),
        (("ROW",), "US", True),
        (("ROW",), "FR", False),
        (("GB",), "GB", True),
        (("GB",), "US", False),
    ],
)
def test_undeclared_flow_reads_the_subjects_list(subjects, subject, covered):
    sp = make_sp(flows=(make_flow(subjects=subjects),))
    assert ("registry.undeclared_flow" not in rules(ask(sp, subject, "SG"))) is covered


def test_undeclared_flow_needs_the_destination_in_the_flow():
    sp = make_sp(location_countries={"SG", "US"}, flows=(make_flow(countries=("SG",)),))
    assert "registry.undeclared_flow" in rules(ask(sp, "US", "US"))


def test_retired_sub_processor_is_not_active():
    verdict = ask(make_sp(status="retired", retired_on=date(2026, 6, 1)), "US", "SG")
    assert rules(verdict) == ["registry.not_active"]
    assert verdict.findings[0].severity is Severity.ERROR
    assert "was retired on 2026-06-01" in verdict.findings[0].message


def test_retired_without_a_date_is_not_active():
    assert rules(ask(make_sp(status="retired"), "US", "SG")) == ["registry.not_active"]


def test_retired_sub_processor_was_active_before_its_retirement_day():
    sp = make_sp(status="retired", retired_on=date(2026, 6, 1))
    assert ask(sp, "US", "SG", on=date(2026, 5, 31)).allowed
    assert not ask(sp, "US", "SG", on=date(2026, 6, 1)).allowed


def test_proposed_sub_processor_is_refused_before_its_effective_date_and_allowed_from_it():
    sp = make_sp(status="proposed", effective_from=date(2026, 12, 15))
    before = ask(sp, "US", "SG", on=date(2026, 12, 14))
    assert rules(before) == ["registry.not_active"]
    assert "only from its effective date 2026-12-15" in before.findings[0].message
    assert ask(sp, "US", "SG", on=date(2026, 12, 15)).allowed
    assert ask(sp, "US", "SG", on=date(2027, 1, 1)).allowed


def test_announced_effective_later_than_effective_from_wins():
    sp = make_sp(
        status="proposed",
        effective_from=date(2026, 12, 1),
        announced_effective=date(2026, 12, 31),
    )
    assert effective_day(sp) == date(2026, 12, 31)
    refused = ask(sp, "US", "SG", on=date(2026, 12, 15))
    assert rules(refused) == ["registry.not_active"]
    assert "announced date 2026-12-31" in refused.findings[0].message
    assert ask(sp, "US", "SG", on=date(2026, 12, 31)).allowed


def test_an_older_effective_from_cannot_move_the_announced_day_earlier():
    sp = make_sp(
        status="proposed", effective_from=date(2020, 1, 1), announced_effective=date(2026, 12, 31)
    )
    assert not ask(sp, "US", "SG", on=date(2026, 12, 30)).allowed


def test_announced_effective_earlier_than_effective_from_does_not_win():
    sp = make_sp(
        status="proposed", effective_from=date(2026, 12, 31), announced_effective=date(2026, 12, 1)
    )
    assert not ask(sp, "US", "SG", on=date(2026, 12, 15)).allowed


def test_proposed_with_only_an_announced_date():
    sp = make_sp(status="proposed", effective_from=None, announced_effective=date(2026, 12, 1))
    assert not ask(sp, "US", "SG", on=date(2026, 11, 30)).allowed
    assert ask(sp, "US", "SG", on=date(2026, 12, 1)).allowed


def test_proposed_with_no_dates_is_not_active():
    verdict = ask(make_sp(status="proposed", effective_from=None), "US", "SG")
    assert rules(verdict) == ["registry.not_active"]
    assert "no effective date and no published notice" in verdict.findings[0].message


def test_active_with_a_future_effective_date_is_not_active_yet():
    sp = make_sp(effective_from=date(2027, 1, 1))
    assert rules(ask(sp, "US", "SG")) == ["registry.not_active"]
    assert ask(make_sp(effective_from=None), "US", "SG").allowed


def test_dpa_missing():
    verdict = ask(make_sp(dpa_signed=None), "US", "SG")
    assert rules(verdict) == ["contract.dpa_missing"]
    assert "No signed data processing agreement with Acme CDN" in verdict.findings[0].message


# Published-policy rules.


@pytest.mark.parametrize("subject", ["HK", "MO", "TW", "FR", "GB", "CH", "US", "SG"])
def test_users_outside_mainland_china_are_never_routed_to_cn(subject):
    sp = make_sp(
        location_countries={"CN"},
        safeguards=(*EEA_SCC, Safeguard("uk_idta"), Safeguard("swiss_scc")),
        assessments={"CN": ON},
    )
    verdict = ask(sp, subject, "CN")
    assert not verdict.allowed
    assert "policy.prc_localisation" in rules(verdict)
    assert "in CN must not receive data of users in " + subject in verdict.findings[0].message


def test_cn_users_may_stay_in_cn():
    assert "policy.prc_localisation" not in rules(
        ask(make_sp(location_countries={"CN"}), "CN", "CN")
    )


@pytest.mark.parametrize(
    ("subject", "destination", "allowed_by_policy"),
    [
        ("US", "SG", True),
        ("US", "HK", True),
        ("US", "GB", True),
        ("US", "DE", True),
        ("US", "IS", True),
        ("US", "JP", False),
        ("US", "CH", False),
        ("US", "CN", False),
        ("CN", "CN", True),
        ("CN", "HK", True),
        ("CN", "JP", False),
    ],
)
def test_processing_countries_follow_the_policy(subject, destination, allowed_by_policy):
    sp = make_sp(location_countries={destination})
    found = "policy.processing_country" in rules(ask(sp, subject, destination))
    assert found is not allowed_by_policy


def test_processing_country_message_lists_the_policy_countries():
    verdict = ask(make_sp(location_countries={"JP"}), "US", "JP")
    assert verdict.findings[0].message == (
        "The privacy policy's processing countries for users in US are GB, HK, SG, US and the "
        "EEA, not JP, so Acme CDN there must not receive their data unless the policy is "
        "amended first."
    )


def test_non_cn_users_to_cn_get_both_policy_findings():
    verdict = ask(make_sp(location_countries={"CN"}), "US", "CN")
    assert rules(verdict) == ["policy.prc_localisation", "policy.processing_country"]


def make_ai(**overrides) -> SubProcessor:
    fields = {
        "name": "GenAI Inc",
        "category": "ai_model_provider",
        "location_countries": {"US"},
        "do_not_train_available": True,
        "do_not_train_enabled": True,
        "zero_retention_available": True,
        "zero_retention_enabled": True,
    }
    fields.update(overrides)
    return make_sp(**fields)


def test_ai_training_not_disabled():
    verdict = ask(make_ai(do_not_train_enabled=False), "US", "US", ("user_content",))
    assert rules(verdict) == ["ai.training_not_disabled"]
    assert not verdict.allowed
    assert (
        "GenAI Inc offers a do-not-train option that is not enabled" in verdict.findings[0].message
    )


def test_ai_retention_not_zero_is_a_warning():
    verdict = ask(make_ai(zero_retention_enabled=False), "US", "US", ("user_content",))
    assert rules(verdict) == ["ai.retention_not_zero"]
    assert verdict.findings[0].severity is Severity.WARNING
    assert verdict.allowed


def test_ai_rules_need_an_offered_option():
    sp = make_ai(
        do_not_train_available=False,
        do_not_train_enabled=False,
        zero_retention_available=False,
        zero_retention_enabled=False,
    )
    assert ask(sp, "US", "US", ("user_content",)).findings == ()


def test_ai_rules_apply_only_to_user_content_of_ai_providers():
    lax = {"do_not_train_enabled": False, "zero_retention_enabled": False}
    assert ask(make_ai(**lax), "US", "US", ("account", "usage")).findings == ()
    assert ask(make_ai(category="analytics", **lax), "US", "US", ("user_content",)).findings == ()
    both = ask(make_ai(**lax), "US", "US", ("account", "user_content"))
    assert rules(both) == ["ai.training_not_disabled", "ai.retention_not_zero"]


# EU Chapter V.


def test_eea_destination_is_no_transfer_for_eea_users():
    assert ask(make_sp(location_countries={"NO"}), "FR", "NO") == Verdict(True, "no_transfer", ())


def test_full_eu_adequacy():
    assert ask(make_sp(location_countries={"GB"}), "DE", "GB") == Verdict(True, "eu_adequacy", ())


@pytest.mark.parametrize("country", ["CA", "JP", "KR"])
def test_partial_eu_adequacy_adds_an_info_finding_naming_its_scope(country):
    verdict = ask(make_sp(location_countries={country}), "DE", country)
    assert verdict.basis == "eu_adequacy"
    # The policy names none of these as processing countries; the Chapter V answer stands apart.
    assert rules(verdict) == ["policy.processing_country", "eu.partial_adequacy"]
    info = verdict.findings[-1]
    assert info.severity is Severity.INFO
    assert REF.adequacy_in_force("eu", country, ON).scope_note in info.message


def test_brazil_is_adequate_for_the_eu_only_from_2026_01_26():
    sp = make_sp(location_countries={"BR"})
    assert ask(sp, "FR", "BR", on=date(2026, 1, 25)).basis is None
    assert ask(sp, "FR", "BR", on=date(2026, 1, 26)).basis == "eu_adequacy"


def test_uk_adequacy_continues_across_the_2025_renewal():
    sp = make_sp(location_countries={"GB"})
    for day in (date(2021, 6, 28), date(2025, 12, 19), date(2025, 12, 27), date(2031, 12, 27)):
        assert ask(sp, "FR", "GB", on=day).basis == "eu_adequacy", day
    assert ask(sp, "FR", "GB", on=date(2021, 6, 27)).basis is None


def test_us_is_never_plain_eu_adequacy():
    verdict = ask(make_sp(location_countries={"US"}), "FR", "US")
    assert not verdict.allowed
    assert verdict.basis is None
    assert rules(verdict) == ["eu.no_mechanism"]
    assert "Acme CDN does not hold eu_us_dpf certification" in verdict.findings[0].message


def test_us_counts_for_the_eu_with_eu_us_dpf_only_from_2023_07_10():
    sp = make_sp(location_countries={"US"}, certifications={"eu_us_dpf"})
    assert ask(sp, "FR", "US") == Verdict(True, "eu_us_dpf", ())
    assert ask(sp, "FR", "US", on=date(2023, 7, 10)).basis == "eu_us_dpf"
    before = ask(sp, "FR", "US", on=date(2023, 7, 9))
    assert before.basis is None
    assert "eu_us_dpf applies only from 2023-07-10" in before.findings[0].message


def test_other_certifications_do_not_count_for_the_eu():
    sp = make_sp(location_countries={"US"}, certifications={"uk_us_data_bridge", "swiss_us_dpf"})
    assert rules(ask(sp, "FR", "US")) == ["eu.no_mechanism"]


def test_us_without_certification_may_use_sccs():
    sp = make_sp(location_countries={"US"}, safeguards=EEA_SCC, assessments={"US": ON})
    assert ask(sp, "FR", "US") == Verdict(True, "eu_scc", ())


@pytest.mark.parametrize("module", [1, 2, 3])
def test_eu_scc_modules_1_to_3_count(module):
    sp = make_sp(safeguards=(Safeguard("eu_scc", module=module),), assessments={"SG": ON})
    assert ask(sp, "FR", "SG").basis == "eu_scc"


@pytest.mark.parametrize("module", [4, None])
def test_eu_scc_module_4_or_unknown_does_not_count(module):
    sp = make_sp(safeguards=(Safeguard("eu_scc", module=module),), assessments={"SG": ON})
    verdict = ask(sp, "FR", "SG")
    assert verdict.basis is None
    assert rules(verdict) == ["eu.no_mechanism"]
    assert "an EU SCC counts only in modules 1-3" in verdict.findings[0].message


def test_eu_bcr_counts_and_needs_an_assessment():
    sp = make_sp(safeguards=(Safeguard("eu_bcr"),))
    verdict = ask(sp, "FR", "SG")
    assert verdict.basis == "eu_bcr"
    assert rules(verdict) == ["eu.tia_missing"]


def test_scc_is_preferred_to_bcr_and_to_derogations():
    sp = make_sp(
        safeguards=(Safeguard("art49_contract"), Safeguard("eu_bcr"), *EEA_SCC),
        assessments={"SG": ON},
    )
    assert ask(sp, "FR", "SG") == Verdict(True, "eu_scc", ())


def test_tia_older_than_12_months_warns():
    sp = make_sp(safeguards=EEA_SCC, assessments={"SG": date(2025, 3, 1)})
    assert ask(sp, "FR", "SG", on=date(2026, 3, 1)) == Verdict(True, "eu_scc", ())
    stale = ask(sp, "FR", "SG", on=date(2026, 3, 2))
    assert stale.allowed
    assert rules(stale) == ["eu.tia_stale"]
    assert stale.findings[0].severity is Severity.WARNING
    assert "dated 2025-03-01, more than 12 months before 2026-03-02" in stale.findings[0].message


def test_twelve_months_from_a_leap_day():
    assert anniversary(date(2024, 2, 29)) == date(2025, 2, 28)
    sp = make_sp(safeguards=EEA_SCC, assessments={"SG": date(2024, 2, 29)})
    assert rules(ask(sp, "FR", "SG", on=date(2025, 2, 28))) == []
    assert rules(ask(sp, "FR", "SG", on=date(2025, 3, 1))) == ["eu.tia_stale"]


def test_assessment_completed_after_the_day_asked_did_not_exist_then():
    sp = make_sp(safeguards=EEA_SCC, assessments={"SG": date(2026, 6, 1)})
    assert rules(ask(sp, "FR", "SG", on=date(2026, 5, 31))) == ["eu.tia_missing"]


def test_on_a_past_day_the_assessment_that_stood_then_counts():
    sp = make_sp(
        safeguards=EEA_SCC,
        assessments={"SG": date(2026, 6, 1)},
        earlier_assessments={"SG": (date(2025, 9, 1), date(2024, 1, 1))},
    )
    assert rules(ask(sp, "FR", "SG", on=date(2026, 5, 31))) == []  # the 2025-09-01 one
    assert rules(ask(sp, "FR", "SG", on=date(2025, 6, 1))) == ["eu.tia_stale"]  # 2024-01-01
    assert rules(ask(sp, "FR", "SG", on=date(2023, 12, 31))) == ["eu.tia_missing"]


def test_assessment_must_be_for_the_destination():
    sp = make_sp(safeguards=EEA_SCC, assessments={"US": ON})
    assert rules(ask(sp, "FR", "SG")) == ["eu.tia_missing"]


@pytest.mark.parametrize("kind", ["art49_explicit_consent", "art49_contract"])
def test_art49_only_is_a_warning_with_its_basis(kind):
    verdict = ask(make_sp(safeguards=(Safeguard(kind),)), "FR", "SG")
    assert verdict.allowed
    assert verdict.basis == kind
    assert rules(verdict) == ["eu.derogation_only"]
    assert "meant for occasional transfers" in verdict.findings[0].message


def test_no_eu_mechanism():
    verdict = ask(make_sp(), "FR", "SG")
    assert verdict == Verdict(False, None, verdict.findings)
    assert rules(verdict) == ["eu.no_mechanism"]
    assert verdict.findings[0].message.startswith(
        "Acme CDN has no transfer mechanism for EEA personal data in SG: no EU adequacy decision "
        "for SG is in force on 2026-11-27; record EU SCCs"
    )


def test_hk_is_not_adequate_for_eea_users():
    assert rules(ask(make_sp(location_countries={"HK"}), "IE", "HK")) == ["eu.no_mechanism"]


def test_basis_is_reported_even_when_another_finding_refuses():
    sp = make_sp(location_countries={"US"}, certifications={"eu_us_dpf"}, dpa_signed=None)
    verdict = ask(sp, "FR", "US")
    assert not verdict.allowed
    assert verdict.basis == "eu_us_dpf"


# UK Chapter V.


def test_gb_destination_is_no_transfer_for_gb_users():
    assert ask(make_sp(location_countries={"GB"}), "GB", "GB").basis == "no_transfer"


def test_eea_is_adequate_for_uk_users():
    assert ask(make_sp(location_countries={"DE"}), "GB", "DE") == Verdict(True, "uk_adequacy", ())


def test_korea_is_partially_adequate_for_uk_users():
    verdict = ask(make_sp(location_countries={"KR"}), "GB", "KR")
    assert verdict.basis == "uk_adequacy"
    assert rules(verdict) == ["policy.processing_country", "uk.partial_adequacy"]


def test_uk_us_data_bridge_counts_only_from_2023_10_12():
    sp = make_sp(location_countries={"US"}, certifications={"uk_us_data_bridge"})
    assert ask(sp, "GB", "US", on=date(2023, 10, 12)).basis == "uk_us_data_bridge"
    assert rules(ask(sp, "GB", "US", on=date(2023, 10, 11))) == ["uk.no_mechanism"]


def test_eu_us_dpf_alone_does_not_cover_uk_users():
    sp = make_sp(location_countries={"US"}, certifications={"eu_us_dpf"})
    assert rules(ask(sp, "GB", "US")) == ["uk.no_mechanism"]


def test_uk_idta_needs_a_transfer_risk_assessment():
    sp = make_sp(safeguards=(Safeguard("uk_idta"),))
    verdict = ask(sp, "GB", "SG")
    assert verdict.basis == "uk_idta"
    assert rules(verdict) == ["uk.tia_missing"]
    assert verdict.findings[0].message.startswith("No transfer risk assessment for SG")
    stale = make_sp(safeguards=(Safeguard("uk_idta"),), assessments={"SG": date(2024, 1, 1)})
    assert rules(ask(stale, "GB", "SG")) == ["uk.tia_stale"]


def test_eu_scc_alone_does_not_cover_gb_users():
    sp = make_sp(safeguards=EEA_SCC, assessments={"SG": ON})
    verdict = ask(sp, "GB", "SG")
    assert verdict.basis is None
    assert rules(verdict) == ["uk.no_mechanism"]
    assert (
        "EU SCCs alone do not cover UK data without the UK Addendum" in verdict.findings[0].message
    )


def test_uk_addendum_with_eu_scc_covers_gb_users():
    sp = make_sp(safeguards=(*EEA_SCC, Safeguard("uk_addendum")), assessments={"SG": ON})
    assert ask(sp, "GB", "SG") == Verdict(True, "uk_addendum", ())


def test_uk_addendum_needs_an_eu_scc_of_modules_1_to_3():
    alone = make_sp(safeguards=(Safeguard("uk_addendum"),), assessments={"SG": ON})
    assert rules(ask(alone, "GB", "SG")) == ["uk.no_mechanism"]
    module_4 = make_sp(
        safeguards=(Safeguard("eu_scc", module=4), Safeguard("uk_addendum")),
        assessments={"SG": ON},
    )
    assert rules(ask(module_4, "GB", "SG")) == ["uk.no_mechanism"]


def test_uk_derogation_only():
    verdict = ask(make_sp(safeguards=(Safeguard("art49_explicit_consent"),)), "GB", "SG")
    assert (verdict.allowed, verdict.basis, rules(verdict)) == (
        True,
        "art49_explicit_consent",
        ["uk.derogation_only"],
    )


# Swiss Chapter V.


def test_ch_destination_is_no_transfer_for_ch_users():
    assert ask(make_sp(location_countries={"CH"}), "CH", "CH").basis == "no_transfer"


@pytest.mark.parametrize("country", ["DE", "GB", "LI"])
def test_annex_1_countries_are_adequate_for_ch_users(country):
    assert ask(make_sp(location_countries={country}), "CH", country).basis == "ch_adequacy"


def test_canada_is_partially_adequate_for_ch_users():
    verdict = ask(make_sp(location_countries={"CA"}), "CH", "CA")
    assert verdict.basis == "ch_adequacy"
    assert "ch.partial_adequacy" in rules(verdict)


def test_swiss_us_dpf_counts_only_from_2024_09_15():
    sp = make_sp(location_countries={"US"}, certifications={"swiss_us_dpf"})
    assert ask(sp, "CH", "US", on=date(2024, 9, 15)) == Verdict(True, "swiss_us_dpf", ())
    assert rules(ask(sp, "CH", "US", on=date(2024, 9, 14))) == ["ch.no_mechanism"]


def test_swiss_scc_needs_an_assessment():
    sp = make_sp(safeguards=(Safeguard("swiss_scc"),))
    assert rules(ask(sp, "CH", "SG")) == ["ch.tia_missing"]
    sp = make_sp(safeguards=(Safeguard("swiss_scc"),), assessments={"SG": ON})
    assert ask(sp, "CH", "SG") == Verdict(True, "swiss_scc", ())


def test_eu_scc_does_not_cover_ch_users():
    sp = make_sp(safeguards=EEA_SCC, assessments={"SG": ON})
    assert rules(ask(sp, "CH", "SG")) == ["ch.no_mechanism"]


def test_ch_derogation_only():
    verdict = ask(make_sp(safeguards=(Safeguard("art49_contract"),)), "CH", "SG")
    assert verdict.basis == "art49_contract"
    assert rules(verdict) == ["ch.derogation_only"]
    assert "FADP Art. 17 exception" in verdict.findings[0].message


# PRC (PIPL Art. 38).


def test_cn_users_to_hk_need_a_prc_mechanism():
    verdict = ask(make_sp(location_countries={"HK"}), "CN", "HK")
    assert not verdict.allowed
    assert verdict.basis is None
    assert rules(verdict) == ["prc.no_mechanism"]
    assert "PIPL Art. 38" in verdict.findings[0].message


@pytest.mark.parametrize(
    "kind", ["prc_standard_contract", "prc_security_assessment", "prc_certification"]
)
def test_each_prc_mechanism_is_a_basis(kind):
    sp = make_sp(location_countries={"HK"}, safeguards=(Safeguard(kind),))
    assert ask(sp, "CN", "HK") == Verdict(True, kind, ())


def test_prc_users_need_no_eu_mechanism():
    sp = make_sp(safeguards=EEA_SCC, assessments={"SG": ON})
    assert rules(ask(sp, "CN", "SG")) == ["prc.no_mechanism"]


# Subjects of no regime.


@pytest.mark.parametrize("subject", ["US", "HK", "SG", "JP", "MO", "TW"])
def test_subjects_of_no_regime_have_no_restriction(subject):
    assert ask(make_sp(), subject, "SG") == Verdict(True, "no_restriction", ())


def test_findings_accumulate_in_rule_order():
    sp = make_sp(
        category="ai_model_provider",
        status="proposed",
        effective_from=None,
        dpa_signed=None,
        location_countries={"SG"},
        flows=(),
        do_not_train_available=True,
        zero_retention_available=True,
    )
    verdict = ask(sp, "FR", "CN", categories=("user_content",))
    assert rules(verdict) == [
        "registry.undeclared_location",
        "registry.undeclared_flow",
        "registry.not_active",
        "contract.dpa_missing",
        "policy.prc_localisation",
        "policy.processing_country",
        "ai.training_not_disabled",
        "ai.retention_not_zero",
        "eu.no_mechanism",
    ]
    assert [RULE_IDS.index(r) for r in rules(verdict)] == sorted(
        RULE_IDS.index(r) for r in rules(verdict)
    )


# Who counts as whom.


@pytest.mark.parametrize(
    ("country", "regime"),
    [
        ("FR", "eu"),
        ("NO", "eu"),
        ("IS", "eu"),
        ("LI", "eu"),
        ("GB", "uk"),
        ("CH", "ch"),
        ("CN", "prc"),
        ("HK", None),
        ("MO", None),
        ("TW", None),
        ("US", None),
    ],
)
def test_regime_of(country, regime):
    assert regime_of(country, REF) == regime


@pytest.mark.parametrize(
    ("subjects", "country", "matches"),
    [
        ({"EEA"}, "DE", True),
        ({"EEA"}, "NO", True),
        ({"EEA"}, "GB", False),
        ({"ROW"}, "US", True),
        ({"ROW"}, "GB", True),
        ({"ROW"}, "CN", True),
        ({"ROW"}, "FR", False),
        ({"ROW", "EEA"}, "FR", True),
        ({"ROW", "FR"}, "FR", True),
        ({"ROW", "FR"}, "DE", False),
        ({"US", "ROW"}, "US", True),
        ({"US"}, "SG", False),
        (set(), "US", False),
    ],
)
def test_subject_matches_reads_eea_and_row(subjects, country, matches):
    assert subject_matches(frozenset(subjects), country, REF) is matches


@pytest.mark.parametrize(
    ("subjects", "representatives"),
    [
        ({"FR"}, ["FR"]),
        ({"EEA"}, ["AT"]),
        ({"EEA", "AT"}, ["AT", "BE"]),
        ({"ROW"}, ["GB", "CH", "CN", "US"]),
        ({"CN", "ROW"}, ["CN", "GB", "CH", "US"]),
        ({"ROW", "GB", "US"}, ["GB", "US", "CH", "CN", "SG"]),
        ({"ROW", "GB", "CH", "CN", "US", "SG"}, ["CH", "CN", "GB", "SG", "US", "HK"]),
        ({"EEA", "GB", "CH", "US", "ROW"}, ["CH", "GB", "US", "AT", "CN", "SG"]),
    ],
)
def test_audit_subjects(subjects, representatives):
    assert audit_subjects(frozenset(subjects), REF) == representatives


def test_audit_subjects_always_finds_a_country_of_no_regime_for_row():
    named = {"US", "SG", "HK", "JP", "IN", "AU", "BR", "CA", "KR", "MX", "ZA", "ROW"}
    last = audit_subjects(frozenset(named), REF)[-1]
    assert last not in named
    assert regime_of(last, REF) is None


# The whole-roster audit.


def test_audit_checks_every_flow_subject_and_country_with_all_categories_together():
    genai = make_ai(
        slug="genai",
        location_countries={"US", "SG"},
        do_not_train_enabled=False,
        flows=(
            make_flow(subjects=("CN", "ROW"), countries=("US",), categories={"user_content"}),
            make_flow(subjects=("EEA",), countries=("US", "SG"), categories={"account"}),
        ),
        safeguards=(Safeguard("prc_standard_contract"),),
    )
    rows = audit([genai], REF, ON)
    assert [(r.flow, r.subject, r.destination, r.represents) for r in rows] == [
        (0, "CN", "US", "CN"),
        (0, "GB", "US", "ROW"),
        (0, "CH", "US", "ROW"),
        (0, "US", "US", "ROW"),
        (1, "AT", "SG", "EEA"),
        (1, "AT", "US", "EEA"),
    ]
    assert {r.sub_processor for r in rows} == {"genai"}
    by_key = {(r.flow, r.subject, r.destination): r.verdict for r in rows}
    assert rules(by_key[(0, "CN", "US")]) == ["ai.training_not_disabled"]
    assert rules(by_key[(0, "GB", "US")]) == ["ai.training_not_disabled", "uk.no_mechanism"]
    assert rules(by_key[(1, "AT", "US")]) == ["eu.no_mechanism"]
    for row in rows:
        question = Question(row.subject, row.destination, genai.flows[row.flow].data_categories, ON)
        assert row.verdict == check(question, genai, REF)


def test_audit_of_an_empty_roster():
    assert audit([], REF, ON) == []


# Reference data: the shipped files and their loader.


def _documents() -> dict[str, dict]:
    return {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(REFERENCE_DIR.glob("*.yaml"))
    }


def test_shipped_reference_files_load():
    ref = load_reference_data()
    assert len(ref.eea) == 30
    assert {"IS", "LI", "NO", "GR", "HR"} <= ref.eea
    assert set(ref.versions) == {
        "eea",
        "frameworks",
        "adequacy-eu",
        "adequacy-uk",
        "adequacy-ch",
        "processing-countries",
    }
    assert ref.processing_for("FR") == ref.eea | {"HK", "US", "SG", "GB"}
    assert ref.processing_for("CN") == ref.eea | {"HK", "US", "SG", "GB", "CN"}


def test_every_shipped_row_has_a_source_and_a_verification_date():
    docs = _documents()
    assert set(docs) == {
        "eea.yaml",
        "adequacy-eu.yaml",
        "adequacy-uk.yaml",
        "adequacy-ch.yaml",
        "frameworks.yaml",
        "cloud-regions.yaml",
        "processing-countries.yaml",
    }
    for name, doc in docs.items():
        assert doc["version"] and isinstance(doc["as_of"], date), name
        lists = [value for value in doc.values() if isinstance(value, list)]
        rows = [row for value in lists for row in value if isinstance(row, dict)]
        assert rows, name
        for row in rows:
            assert isinstance(row["source"], str) and row["source"].strip(), (name, row)
            assert isinstance(row["last_verified"], date), (name, row)


def test_frameworks_carry_the_law_reference_dates():
    ref = load_reference_data()
    assert {
        code: (fw.regime, fw.country, fw.effective_from) for code, fw in ref.frameworks.items()
    } == {
        "eu_us_dpf": ("eu", "US", date(2023, 7, 10)),
        "uk_us_data_bridge": ("uk", "US", date(2023, 10, 12)),
        "swiss_us_dpf": ("ch", "US", date(2024, 9, 15)),
    }


@pytest.mark.parametrize(
    ("regime", "framework"),
    [("eu", "eu_us_dpf"), ("uk", "uk_us_data_bridge"), ("ch", "swiss_us_dpf")],
)
def test_us_adequacy_rows_are_framework_only(regime, framework):
    (decision,) = load_reference_data().adequacy[regime]["US"]
    assert decision.framework == framework
    assert decision.effective_from == load_reference_data().frameworks[framework].effective_from
    assert REF.adequacy_in_force(regime, "US", ON) is None


def test_no_hk_sg_cn_mo_tw_adequacy_anywhere():
    for regime in ("eu", "uk", "ch"):
        assert not {"HK", "SG", "CN", "MO", "TW"} & set(REF.adequacy[regime])


def test_uk_and_swiss_lists_include_every_eea_state():
    for regime in ("uk", "ch"):
        assert all(REF.adequacy_in_force(regime, c, ON) for c in REF.eea), regime


@pytest.mark.parametrize(
    ("provider", "region", "country"),
    [
        ("alibaba", "cn-hongkong", "HK"),
        ("alibaba", "cn-beijing", "CN"),
        ("alibaba", "ap-southeast-1", "SG"),
        ("aws", "ap-east-1", "HK"),
        ("aws", "ap-east-2", "TW"),
        ("aws", "cn-north-1", "CN"),
        ("aws", "cn-northwest-1", "CN"),
        ("gcp", "asia-east1", "TW"),
        ("gcp", "asia-east2", "HK"),
        ("azure", "eastasia", "HK"),
        ("azure", "chinaeast", "CN"),
        ("azure", "chinanorth3", "CN"),
        ("azure", "norwayeast", "NO"),
        ("tencent", "ap-guangzhou", "CN"),
        ("tencent", "ap-shanghai", "CN"),
        ("tencent", "ap-beijing", "CN"),
        ("tencent", "ap-chengdu", "CN"),
        ("tencent", "ap-chongqing", "CN"),
        ("tencent", "ap-nanjing", "CN"),
        ("tencent", "ap-hongkong", "HK"),
        ("Tencent", " AP-Singapore ", "SG"),
        ("aws", "xx-nowhere-1", None),
    ],
)
def test_region_country(provider, region, country):
    assert region_country(provider, region) == country


def test_cloud_regions_load_with_unique_keys():
    assert len(load_cloud_regions()) == len(_documents()["cloud-regions.yaml"]["regions"])


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    for path in REFERENCE_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _edit(directory: Path, name: str, edit) -> None:
    path = directory / name
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def test_loader_reports_every_problem_at_once(reference_copy):
    def break_eu(doc):
        doc["decisions"][0]["source"] = " "
        doc["decisions"][1]["country"] = "Ar"
        doc["decisions"][2]["effective_from"] = "2026-13-01"

    _edit(reference_copy, "adequacy-eu.yaml", break_eu)
    _edit(reference_copy, "eea.yaml", lambda doc: doc["countries"][0].pop("last_verified"))
    with pytest.raises(ReferenceDataError) as caught:
        load_reference_data(reference_copy)
    assert caught.value.problems == [
        "eea.yaml: countries[0].last_verified: None is not a YYYY-MM-DD date",
        "adequacy-eu.yaml: decisions[0].source: every row must cite its source",
        "adequacy-eu.yaml: decisions[1].country: 'Ar' is not a 2-letter upper-case ISO 3166-1 code",
        "adequacy-eu.yaml: decisions[2].effective_from: '2026-13-01' is not a YYYY-MM-DD date",
    ]


def test_loader_explains_an_unquoted_norway(reference_copy):
    path = reference_copy / "eea.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"NO"', "NO"), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"False is not a country code; quote it"):
        load_reference_data(reference_copy)


def test_loader_refuses_a_plain_us_adequacy_row(reference_copy):
    def plain_us(doc):
        us = next(row for row in doc["decisions"] if row["country"] == "US")
        del us["framework"]

    _edit(reference_copy, "adequacy-eu.yaml", plain_us)
    with pytest.raises(ReferenceDataError, match="reachable only through eu_us_dpf"):
        load_reference_data(reference_copy)


def test_reference_data_from_plain_rows():
    ref = ReferenceData.from_rows(
        eea=["FR", "DE"],
        adequacy=[
            {
                "regime": "eu",
                "country": "JP",
                "scope": "partial",
                "scope_note": "APPI only",
                "effective_from": "2019-01-23",
                "effective_to": None,
                "legal_ref": "(EU) 2019/419",
            },
            {
                "regime": "eu",
                "country": "US",
                "scope": "partial",
                "scope_note": "DPF only",
                "effective_from": date(2023, 7, 10),
                "legal_ref": "(EU) 2023/1795",
                "framework": "eu_us_dpf",
            },
            {
                "regime": "eu",
                "country": "XX",
                "scope": "full",
                "effective_from": "2000-01-01",
                "effective_to": "2020-01-01",
                "legal_ref": "ended",
            },
        ],
        frameworks=[
            {
                "code": "eu_us_dpf",
                "regime": "eu",
                "country": "US",
                "effective_from": "2023-07-10",
                "legal_ref": "(EU) 2023/1795",
            },
        ],
        processing_countries={"*": ["EEA", "US"], "CN": ["EEA", "US", "CN"]},
        versions={"db": "row 42"},
    )
    assert ref.processing_for("JP") == {"FR", "DE", "US"}
    assert ref.processing_label("CN") == "CN, US and the EEA"
    assert ref.adequacy_in_force("eu", "JP", ON).scope_note == "APPI only"
    assert ref.adequacy_in_force("eu", "US", ON) is None
    assert ref.adequacy_in_force("eu", "XX", date(2019, 12, 31)) is not None
    assert ref.adequacy_in_force("eu", "XX", date(2020, 1, 1)) is None
    assert [fw.code for fw in ref.frameworks_for("eu", "US")] == ["eu_us_dpf"]


def test_an_empty_policy_list_refuses_every_destination():
    ref = ReferenceData.from_rows(
        eea=["FR"], adequacy=[], frameworks=[], processing_countries={"*": []}
    )
    verdict = check(Question("US", "SG", frozenset({"account"}), ON), make_sp(), ref)
    assert rules(verdict) == ["policy.processing_country"]
    assert "users in US are none, not SG" in verdict.findings[0].message


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            {
                "adequacy": [
                    {
                        "regime": "eu",
                        "country": "US",
                        "scope": "full",
                        "effective_from": "2023-07-10",
                    }
                ]
            },
            "reachable only through eu_us_dpf",
        ),
        (
            {
                "adequacy": [
                    {
                        "regime": "eu",
                        "country": "CA",
                        "scope": "most",
                        "effective_from": "2002-01-04",
                    }
                ]
            },
            "scope must be full or partial",
        ),
        (
            {
                "adequacy": [
                    {
                        "regime": "uk",
                        "country": "US",
                        "scope": "partial",
                        "effective_from": "2023-10-12",
                        "framework": "eu_us_dpf",
                    }
                ]
            },
            "framework 'eu_us_dpf' is not one for it",
        ),
        ({"processing_countries": {"CN": ["CN"]}}, 'needs a "\\*" entry'),
    ],
)
def test_reference_data_from_rows_refuses_misleading_rows(rows, message):
    arguments = {
        "eea": ["FR"],
        "adequacy": [],
        "frameworks": [
            {
                "code": "eu_us_dpf",
                "regime": "eu",
                "country": "US",
                "effective_from": "2023-07-10",
                "legal_ref": "(EU) 2023/1795",
            }
        ],
        "processing_countries": {"*": ["EEA"]},
    }
    arguments.update(rows)
    with pytest.raises(ValueError, match=message):
        ReferenceData.from_rows(**arguments)


def test_audit_leaves_the_garbage_collector_as_it_found_it():
    import gc

    sp = make_sp(safeguards=EEA_SCC, assessments={"SG": ON})
    assert gc.isenabled()
    assert audit([sp], REF, ON)
    assert gc.isenabled()
    gc.disable()
    try:
        audit([sp], REF, ON)
        assert not gc.isenabled()
    finally:
        gc.enable()
