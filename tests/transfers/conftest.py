"""Fixtures of the checker's Django side: a fresh snapshot per test, a token client, and the
roster of the examples in transfer-rules.md."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from registry.api.authentication import api_token_create
from tests.conftest import import_roster_data, roster_entry
from transfers.snapshot import clear_snapshot


@pytest.fixture(autouse=True)
def fresh_snapshot():
    """A test's rolled-back writes may reuse a stamp another test saw: start from nothing."""
    clear_snapshot()
    yield
    clear_snapshot()


@pytest.fixture
def api_token(db):
    token, key = api_token_create(name="tests")
    token.key = key
    return token


@pytest.fixture
def api(api_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token.key}")
    return client


def ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def examples_roster() -> dict:
    """The sub-processors of the example table of transfer-rules.md."""

    def sp(slug, category, hq, countries, **fields):
        return roster_entry(slug, category=category, countries=countries, headquarters=hq,
                            dpa_signed=ago(100), **fields)

    return {"version": 1, "sub_processors": [
        sp("cdn", "cloud_infrastructure", "US", ["SG"],
           safeguards=[{"kind": "eu_scc", "module": 3, "signed": ago(90)}],
           assessments=[{"country": "SG", "completed": ago(30)}]),
        sp("cdn-no-tia", "cloud_infrastructure", "US", ["SG"],
           safeguards=[{"kind": "eu_scc", "module": 3, "signed": ago(90)}]),
        sp("mainland", "cloud_infrastructure", "CN", ["CN"]),
        sp("genai", "ai_model_provider", "US", ["US"],
           safeguards=[{"kind": "prc_standard_contract", "signed": ago(60)}],
           ai={"do_not_train_available": True, "do_not_train_enabled": True,
               "zero_retention_available": False, "zero_retention_enabled": False}),
        sp("mail-bridge", "email_delivery", "US", ["US"], certifications=["uk_us_data_bridge"]),
        sp("mail-eu-only", "email_delivery", "US", ["US"], certifications=["eu_us_dpf"]),
        sp("jp-analytics", "analytics", "JP", ["JP"]),
    ], "data_flows": [
        {"sub_processor": "cdn", "data_categories": ["account"], "subjects": ["EEA"],
         "countries": ["SG"], "purpose": "cdn"},
        {"sub_processor": "cdn-no-tia", "data_categories": ["account"], "subjects": ["EEA"],
         "countries": ["SG"], "purpose": "cdn"},
        {"sub_processor": "mainland", "data_categories": ["account", "user_content"],
         "subjects": ["CN"], "countries": ["CN"], "purpose": "hosting"},
        {"sub_processor": "genai", "data_categories": ["user_content"], "subjects": ["CN", "ROW"],
         "countries": ["US"], "purpose": "generation"},
        {"sub_processor": "mail-bridge", "data_categories": ["account"], "subjects": ["GB"],
         "countries": ["US"], "purpose": "email"},
        {"sub_processor": "mail-eu-only", "data_categories": ["account"], "subjects": ["CH"],
         "countries": ["US"], "purpose": "email"},
        {"sub_processor": "jp-analytics", "data_categories": ["usage"], "subjects": ["ROW"],
         "countries": ["JP"], "purpose": "analytics"},
    ]}


@pytest.fixture
def examples(db):
    data = examples_roster()
    import_roster_data(data)
    return data


# transfer-rules.md's example table: subject, sub-processor, destination, categories, allowed,
# the rule or basis that must appear.
EXAMPLES = [
    ("FR", "cdn", "SG", ["account"], True, "eu_scc"),
    ("FR", "cdn-no-tia", "SG", ["account"], False, "eu.tia_missing"),
    ("HK", "mainland", "CN", ["account"], False, "policy.prc_localisation"),
    ("CN", "mainland", "CN", ["user_content"], True, "no_transfer"),
    ("CN", "genai", "US", ["user_content"], True, "prc_standard_contract"),
    ("GB", "mail-bridge", "US", ["account"], True, "uk_us_data_bridge"),
    ("CH", "mail-eu-only", "US", ["account"], False, "ch.no_mechanism"),
    ("JP", "jp-analytics", "JP", ["usage"], False, "policy.processing_country"),
]
