"""The reference tables: loaded from the shipped files by the migration, replaced idempotently,
all or nothing; the policy's processing countries seeded once and validated."""

import shutil
from datetime import date

import pytest
import yaml
from django.core.exceptions import ValidationError

from registry.changes import current_version
from transfers.models import (
    AdequacyDecision,
    CertificationFramework,
    CloudRegion,
    EEAMember,
    ProcessingCountry,
    ReferenceFile,
)
from transfers.reference_data import REFERENCE_DIR, ReferenceDataError
from transfers.reference_sync import seed_processing_countries, sync_reference_data

TABLES = (EEAMember, AdequacyDecision, CertificationFramework, CloudRegion, ReferenceFile)


def shipped(name: str) -> dict:
    return yaml.safe_load((REFERENCE_DIR / name).read_text(encoding="utf-8"))


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in TABLES}


def test_migration_loaded_every_shipped_row(db):
    assert EEAMember.objects.count() == len(shipped("eea.yaml")["countries"]) == 30
    assert CertificationFramework.objects.count() == len(shipped("frameworks.yaml")["frameworks"])
    assert CloudRegion.objects.count() == len(shipped("cloud-regions.yaml")["regions"])
    for regime in ("eu", "uk", "ch"):
        decisions = shipped(f"adequacy-{regime}.yaml")["decisions"]
        assert AdequacyDecision.objects.filter(regime=regime).count() == len(decisions)
    assert ReferenceFile.objects.count() == 7 - 1  # processing-countries.yaml seeds a table


def test_rows_keep_source_date_and_file_version(db):
    brazil = AdequacyDecision.objects.get(regime="eu", country="BR")
    assert brazil.effective_from == date(2026, 1, 26)
    assert brazil.effective_to is None
    assert brazil.source and brazil.legal_ref and brazil.last_verified
    assert brazil.file.name == "adequacy-eu.yaml"
    assert brazil.file.label == f"version 1 as of {shipped('adequacy-eu.yaml')['as_of']}"
    dpf = AdequacyDecision.objects.get(regime="eu", country="US")
    assert dpf.framework == "eu_us_dpf"
    assert CloudRegion.objects.get(provider="alibaba", region="cn-hongkong").country == "HK"


def test_sync_is_idempotent(db):
    before = counts()
    sync_reference_data()
    sync_reference_data()
    assert counts() == before


def test_sync_replaces_rows_with_the_files_content(db, tmp_path):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    doc = yaml.safe_load((directory / "adequacy-eu.yaml").read_text())
    doc["version"] = 2
    doc["decisions"] = [d for d in doc["decisions"] if d["country"] != "BR"]
    (directory / "adequacy-eu.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True))
    stamp = current_version()
    sync_reference_data(directory=directory)
    assert not AdequacyDecision.objects.filter(regime="eu", country="BR").exists()
    assert ReferenceFile.objects.get(name="adequacy-eu.yaml").version == "2"
    assert current_version() > stamp  # every process's snapshot is rebuilt


def test_sync_rejects_a_bad_file_and_writes_nothing(db, tmp_path):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    doc = yaml.safe_load((directory / "adequacy-uk.yaml").read_text())
    del doc["decisions"][0]["source"]
    doc["decisions"][1]["country"] = "gb"
    (directory / "adequacy-uk.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True))
    before = counts()
    with pytest.raises(ReferenceDataError) as raised:
        sync_reference_data(directory=directory)
    assert any("decisions[0].source" in problem for problem in raised.value.problems)
    assert any("decisions[1].country" in problem for problem in raised.value.problems)
    assert counts() == before


def test_processing_countries_are_seeded_from_the_policy_file(db):
    rows = {(row.subjects, row.country) for row in ProcessingCountry.objects.all()}
    expected = {
        (str(row["subjects"]), country)
        for row in shipped("processing-countries.yaml")["rows"]
        for country in row["countries"]
    }
    assert rows == expected
    assert ("*", "EEA") in rows and ("CN", "CN") in rows and ("*", "CN") not in rows


def test_seeding_never_overwrites_the_legal_teams_edits(db):
    ProcessingCountry.objects.get(subjects="*", country="SG").delete()
    seed_processing_countries()
    assert not ProcessingCountry.objects.filter(subjects="*", country="SG").exists()


def test_processing_country_edits_are_history_tracked(db):
    stamp = current_version()
    row = ProcessingCountry(subjects="*", country="JP", source="Policy §9 amended")
    row.full_clean()
    row.save()
    assert row.history.count() == 1
    assert current_version() > stamp


@pytest.mark.parametrize(("values", "field"), [
    ({"subjects": "cn", "country": "CN"}, "subjects"),
    ({"subjects": "ROW", "country": "CN"}, "subjects"),
    ({"subjects": "*", "country": "XX"}, "country"),
    ({"subjects": "*", "country": "eea"}, "country"),
    ({"subjects": "*", "country": "US"}, "__all__"),  # already listed
])
def test_processing_country_validation_names_the_field(db, values, field):
    with pytest.raises(ValidationError) as raised:
        ProcessingCountry(**values).full_clean()
    assert field in raised.value.message_dict


def test_every_reference_row_cites_a_source(db):
    for model in (EEAMember, AdequacyDecision, CertificationFramework, CloudRegion):
        assert not model.objects.filter(source="").exists()
        assert not model.objects.filter(last_verified__isnull=True).exists()
