"""A check as of a past day judges the transfer impact assessment that stood on that day."""

import pytest

from ..conftest import import_roster_data, roster_entry


@pytest.mark.django_db
def test_check_on_a_past_day_uses_the_assessment_of_that_day(api):
    import_roster_data({
        "version": 1,
        "sub_processors": [roster_entry(
            "cdn", countries=("SG",),
            safeguards=[{"kind": "eu_scc", "module": 3, "signed": "2024-01-01"}],
            assessments=[{"country": "SG", "completed": "2025-09-01"},
                         {"country": "SG", "completed": "2026-06-01"}],
        )],
        "data_flows": [{"sub_processor": "cdn", "data_categories": ["account"],
                        "subjects": ["EEA"], "countries": ["SG"], "purpose": "cdn"}],
    })
    body = {"subject_country": "FR", "sub_processor": "cdn", "destination_country": "SG",
            "data_categories": ["account"]}

    between = api.post("/api/v1/transfers/check", {**body, "on": "2026-05-31"}, format="json")
    before_both = api.post("/api/v1/transfers/check", {**body, "on": "2025-08-31"}, format="json")

    assert between.json() == {"allowed": True, "basis": "eu_scc", "findings": []}
    assert [f["rule"] for f in before_both.json()["findings"]] == ["eu.tia_missing"]
