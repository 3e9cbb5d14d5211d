"""The compiled snapshot: facts built from the roster in a constant number of queries, kept per
process, rebuilt only when the roster stamp or the day changes."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.changes import current_version, roster_write
from registry.models import SubProcessor as SubProcessorModel
from tests.conftest import import_roster_data, roster_entry
from transfers.engine import Flow, Safeguard
from transfers.models import ProcessingCountry
from transfers.reference_data import load_reference_data
from transfers.selectors import transfer_check
from transfers.snapshot import build_snapshot, get_snapshot, reference_data_from_db


def roster_of(size: int) -> dict:
    entries, flows = [], []
    for i in range(size):
        slug = f"sp-{i}"
        entries.append(roster_entry(
            slug, countries=("US", "SG"),
            safeguards=[{"kind": "eu_scc", "module": 3, "signed": "2025-01-01"}],
            assessments=[{"country": "SG", "completed": "2025-02-01"}],
        ))
        flows.append({"sub_processor": slug, "data_categories": ["account"],
                      "subjects": ["EEA"], "countries": ["SG"], "purpose": "hosting"})
    return {"version": 1, "sub_processors": entries, "data_flows": flows}


def queries_to_build() -> int:
    with CaptureQueriesContext(connection) as queries:
        build_snapshot(current_version(), timezone.localdate())
    return len(queries)


def test_get_snapshot_costs_one_query_when_nothing_changed(small_roster,
                                                           django_assert_num_queries):
    first = get_snapshot()
    with django_assert_num_queries(1):
        again = get_snapshot()
    assert again is first


def test_build_takes_a_constant_number_of_queries(db):
    import_roster_data(roster_of(2))
    few = queries_to_build()
    import_roster_data(roster_of(12))
    assert queries_to_build() == few


def test_snapshot_is_rebuilt_after_a_roster_write(small_roster):
    before = get_snapshot()
    assert before.by_slug["cdn"].facts.location_countries == {"US", "SG"}
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("cdn", countries=("US", "SG", "GB"))]})
    after = get_snapshot()
    assert after is not before
    assert after.version > before.version
    assert after.by_slug["cdn"].facts.location_countries == {"US", "SG", "GB"}


def test_snapshot_is_rebuilt_when_the_day_changes(small_roster, monkeypatch):
    before = get_snapshot()
    tomorrow = before.day + timedelta(days=1)
    monkeypatch.setattr("transfers.snapshot.timezone.localdate", lambda: tomorrow)
    after = get_snapshot()
    assert after is not before
    assert after.day == tomorrow
    assert after.version == before.version


def test_snapshot_facts_mirror_the_roster(db):
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry(
            "genai", category="ai_model_provider", countries=("US", "SG"),
            status="proposed", effective_from="2026-03-01", dpa_signed="2025-05-05",
            certifications=["eu_us_dpf", "uk_us_data_bridge"],
            ai={"do_not_train_available": True, "do_not_train_enabled": True,
                "zero_retention_available": True, "zero_retention_enabled": False},
            safeguards=[{"kind": "eu_scc", "module": 2, "signed": "2025-01-01"},
                        {"kind": "uk_addendum"}],
            assessments=[{"country": "SG", "completed": "2024-02-01"},
                         {"country": "SG", "completed": "2025-02-01"},
                         {"country": "US", "completed": "2023-01-01"}],
        ),
    ], "data_flows": [
        {"sub_processor": "genai", "data_categories": ["user_content"],
         "subjects": ["EEA", "GB"], "countries": ["US"], "purpose": "generation"},
    ]})
    model = SubProcessorModel.objects.get(slug="genai")
    with roster_write(actor="tests", reason="notice published"):
        model.announced_effective = date(2026, 4, 1)
        model.save()
    record = get_snapshot().by_slug["genai"]
    facts = record.facts
    assert record.id == model.pk
    assert get_snapshot().by_id[model.pk] is record
    assert (facts.name, facts.category, facts.status) == (
        "Genai Ltd", "ai_model_provider", "proposed")
    assert facts.effective_from == date(2026, 3, 1)
    assert facts.announced_effective == date(2026, 4, 1)
    assert facts.dpa_signed == date(2025, 5, 5)
    assert facts.certifications == {"eu_us_dpf", "uk_us_data_bridge"}
    assert (facts.do_not_train_available, facts.do_not_train_enabled) == (True, True)
    assert (facts.zero_retention_available, facts.zero_retention_enabled) == (True, False)
    assert facts.location_countries == {"US", "SG"}
    assert set(facts.safeguards) == {Safeguard("eu_scc", 2, date(2025, 1, 1)),
                                     Safeguard("uk_addendum", None, None)}
    # The latest completed assessment per country.
    assert dict(facts.assessments) == {"SG": date(2025, 2, 1), "US": date(2023, 1, 1)}
    assert facts.flows == (Flow(frozenset({"user_content"}), frozenset({"EEA", "GB"}),
                                frozenset({"US"})),)
    assert [flow.purpose for flow in record.flows] == ["generation"]


def test_reference_data_from_db_equals_the_shipped_files(db):
    from_db, from_files = reference_data_from_db(), load_reference_data()
    assert from_db.eea == from_files.eea
    assert from_db.processing_countries == from_files.processing_countries
    assert dict(from_db.frameworks) == dict(from_files.frameworks)
    assert set(from_db.adequacy) == set(from_files.adequacy)
    for regime, by_country in from_files.adequacy.items():
        assert set(from_db.adequacy[regime]) == set(by_country)
        for country, decisions in by_country.items():
            assert set(from_db.adequacy[regime][country]) == set(decisions)


def test_editing_processing_countries_rebuilds_the_snapshot(small_roster):
    body = dict(subject_country="DE", sub_processor="cdn", destination_country="SG",
                data_categories=["account"])
    assert transfer_check(**body).allowed is True
    before = get_snapshot()
    ProcessingCountry.objects.get(subjects="*", country="SG").delete()
    assert current_version() > before.version
    verdict = transfer_check(**body)
    assert "policy.processing_country" in {f.rule for f in verdict.findings}
    assert verdict.allowed is False


def test_processing_countries_without_a_default_refuse_rather_than_crash(small_roster):
    ProcessingCountry.objects.filter(subjects="*").delete()
    verdict = transfer_check(subject_country="DE", sub_processor="cdn",
                             destination_country="SG", data_categories=["account"])
    assert "policy.processing_country" in {f.rule for f in verdict.findings}


def test_routes_are_memoised_inside_the_snapshot(small_roster, django_assert_num_queries):
    from transfers.selectors import transfer_routes

    snapshot = get_snapshot()
    first = transfer_routes(subject_country="FR", data_categories=["account"], snapshot=snapshot)
    with django_assert_num_queries(0):
        again = transfer_routes(subject_country="FR", data_categories={"account"},
                                snapshot=snapshot)
    assert again is first


@pytest.mark.parametrize("size", [1, 5])
def test_snapshot_orders_records_by_slug(db, size):
    import_roster_data(roster_of(size))
    slugs = [record.facts.slug for record in get_snapshot().records]
    assert slugs == sorted(slugs)


def test_the_stamp_read_in_sql_is_the_registry_stamp(small_roster):
    from registry.changes import roster_version
    from registry.models import RosterVersion

    stored = RosterVersion.objects.get()
    assert roster_version() == (stored.stamp, stored.changed_at)
    assert current_version() == stored.stamp > 0
    import_roster_data({"version": 1, "sub_processors": [roster_entry("new-one")]})
    assert current_version() == RosterVersion.objects.get().stamp == stored.stamp + 1


def test_the_stamp_is_zero_before_any_write(db):
    from registry.changes import roster_version
    from registry.models import RosterVersion

    RosterVersion.objects.all().delete()
    assert roster_version() == (0, None)
    assert current_version() == 0
