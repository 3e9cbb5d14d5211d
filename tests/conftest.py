"""Shared fixtures: a small roster built through the same code a roster file goes through."""

import pytest
from django.conf import settings
from django.utils import translation

from registry.roster import apply_roster, read_roster


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request to a /zh-hans/ page activates
    Chinese in the thread, and nothing else would switch it back for the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def roster_entry(slug, category="cloud_infrastructure", countries=("US",), **fields):
    """A sub-processor entry of a roster file, as a legal team would write it."""
    entry = {
        "slug": slug,
        "name": f"{slug.title()} Ltd",
        "category": category,
        "purpose": {"en": f"{slug} purpose", "zh-hans": f"{slug} 用途"},
        "headquarters": "US",
        "status": "active",
        "dpa_signed": "2025-01-01",
        "locations": [{"country": country} for country in countries],
    }
    entry.update(fields)
    return entry


def import_roster_data(data, **options):
    return apply_roster(read_roster(data), **options)


@pytest.fixture
def small_roster(db):
    """Three sub-processors and their flows."""
    data = {
        "version": 1,
        "sub_processors": [
            roster_entry(
                "cdn", countries=("US", "SG"),
                safeguards=[{"kind": "eu_scc", "module": 3, "signed": "2025-01-01"}],
                assessments=[{"country": "SG", "completed": "2025-02-01"}],
                certifications=["eu_us_dpf"],
            ),
            roster_entry(
                "genai", category="ai_model_provider",
                ai={"do_not_train_available": True, "do_not_train_enabled": True,
                    "zero_retention_available": True, "zero_retention_enabled": False},
            ),
            roster_entry("mail", category="email_delivery", public=False),
        ],
        "data_flows": [
            {"sub_processor": "cdn", "data_categories": ["account", "user_content"],
             "subjects": ["EEA", "ROW"], "countries": ["SG", "US"], "purpose": "hosting"},
            {"sub_processor": "genai", "data_categories": ["user_content"],
             "subjects": ["ROW"], "countries": ["US"], "purpose": "generation"},
        ],
    }
    import_roster_data(data)
    return data
