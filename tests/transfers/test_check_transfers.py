"""``check_transfers``: the whole-roster audit from the command line (contract.md §2)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import import_roster_data, roster_entry


def run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_transfers", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def clean_roster(db):
    """One CDN in SG for EEA users, with SCCs and a fresh assessment: nothing to refuse."""
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("cdn", countries=("SG",),
                     safeguards=[{"kind": "eu_scc", "module": 3, "signed": "2025-01-01"}],
                     assessments=[{"country": "SG", "completed": "2026-06-01"}]),
    ], "data_flows": [
        {"sub_processor": "cdn", "data_categories": ["account"], "subjects": ["EEA"],
         "countries": ["SG"], "purpose": "hosting"},
    ]})


def test_exit_0_when_nothing_is_block_or_error(clean_roster):
    code, out = run("--on", "2026-11-27")
    assert code == 0
    assert "1 transfers, 1 allowed, 0 not allowed" in out
    assert "Findings: 0 block, 0 error, 0 warning, 0 info." in out


def test_exit_0_with_only_warnings(clean_roster):
    code, out = run("--on", "2027-07-01")  # the assessment is over a year old then
    assert code == 0
    assert "eu.tia_stale" in out
    assert "Findings: 0 block, 0 error, 1 warning, 0 info." in out


def test_exit_0_on_an_empty_roster(db):
    code, out = run()
    assert code == 0
    assert "0 transfers" in out


def test_exit_1_and_table_grouped_by_severity(examples):
    code, out = run()
    assert code == 1
    headings = [line for line in out.splitlines() if line and line.split(" (")[0] in {
        "BLOCK", "ERROR", "WARNING", "INFO"}]
    assert [h.split(" (")[0] for h in headings] == ["BLOCK", "ERROR", "WARNING", "INFO"]
    error_section = out.split("ERROR (")[1].split("WARNING (")[0]
    assert "cdn-no-tia [cdn] AT (for EEA) -> SG: eu.tia_missing" in error_section
    assert "mail-eu-only [email] CH -> US: ch.no_mechanism" in error_section
    assert "No transfer impact assessment for SG" in error_section


def test_exit_1_on_a_block(db):
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("mainland", countries=("CN",), headquarters="CN"),
    ], "data_flows": [
        {"sub_processor": "mainland", "data_categories": ["account"], "subjects": ["HK"],
         "countries": ["CN"], "purpose": "hosting"},
    ]})
    code, out = run()
    assert code == 1
    assert "BLOCK (1)" in out
    assert "mainland [hosting] HK -> CN: policy.prc_localisation" in out


def test_json_format(examples):
    code, out = run("--format", "json")
    assert code == 1
    rows = json.loads(out)
    assert all(set(row) >= {"sub_processor", "flow", "subject", "destination", "allowed",
                            "basis", "findings"} for row in rows)
    by_key = {(r["sub_processor"], r["subject"], r["destination"]): r for r in rows}
    no_tia = by_key[("cdn-no-tia", "AT", "SG")]
    assert no_tia["flow"] == "cdn"
    assert no_tia["represents"] == "EEA"
    assert no_tia["allowed"] is False
    assert no_tia["basis"] == "eu_scc"
    assert [f["rule"] for f in no_tia["findings"]] == ["eu.tia_missing"]
    assert by_key[("mainland", "CN", "CN")]["findings"] == []
    assert by_key[("mainland", "CN", "CN")]["basis"] == "no_transfer"
    # ROW stands for GB, CH and CN (unless named) and one country with no regime of its own.
    assert {r["subject"] for r in rows if r["sub_processor"] == "jp-analytics"} == {
        "GB", "CH", "CN", "US"}


def test_json_format_exit_0_when_clean(clean_roster):
    code, out = run("--format", "json", "--on", "2026-11-27")
    assert code == 0
    assert [(r["sub_processor"], r["allowed"], r["basis"]) for r in json.loads(out)] == [
        ("cdn", True, "eu_scc")]


def test_bad_on_is_an_error(db):
    with pytest.raises(CommandError, match="--on"):
        call_command("check_transfers", "--on", "tomorrow", stdout=StringIO())
