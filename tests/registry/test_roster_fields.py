"""Every field of a roster model is either carried by the roster file (and so exported and
imported) or named here as deliberately not carried. A new model field fails this test until
someone decides which it is."""

import pytest

from registry.models import (
    Category,
    DataFlow,
    Location,
    Safeguard,
    SubProcessor,
    TransferAssessment,
)
from registry.roster import build_roster

# Model field -> the roster file's key for it (contract §3).
CARRIED = {
    SubProcessor: {
        "slug": "slug", "name": "name", "category": "category", "purpose_en": "purpose",
        "purpose_zh_hans": "purpose", "website": "website", "headquarters": "headquarters",
        "status": "status", "effective_from": "effective_from", "retired_on": "retired_on",
        "public": "public", "dpa_signed": "dpa_signed", "certifications": "certifications",
        "do_not_train_available": "ai", "do_not_train_enabled": "ai",
        "zero_retention_available": "ai", "zero_retention_enabled": "ai",
    },
    Location: {"country": "country", "region": "region", "city": "city"},
    Safeguard: {"kind": "kind", "module": "module", "signed": "signed"},
    TransferAssessment: {"country": "country", "completed": "completed"},
    DataFlow: {"data_categories": "data_categories", "subjects": "subjects",
               "countries": "countries", "purpose": "purpose"},
    Category: {"slug": "slug", "name_en": "name", "name_zh_hans": "name"},
}
# Kept by an import, never written by it (contract §2: "what the format does not carry").
NOT_CARRIED = {
    SubProcessor: {"id", "internal_notes", "announced_effective", "created_at", "updated_at"},
    Location: {"id", "sub_processor"},
    Safeguard: {"id", "sub_processor"},
    TransferAssessment: {"id", "sub_processor"},
    DataFlow: {"id", "sub_processor"},
    Category: {"id", "builtin", "position"},
}


@pytest.mark.parametrize("model", list(CARRIED), ids=lambda model: model.__name__)
def test_every_field_is_carried_by_the_roster_file_or_deliberately_not(model):
    fields = {field.name for field in model._meta.concrete_fields}
    undecided = fields - set(CARRIED[model]) - NOT_CARRIED[model]
    assert not undecided, f"{model.__name__}: carry {sorted(undecided)} in roster files or not"
    assert not set(CARRIED[model]) & NOT_CARRIED[model]


@pytest.mark.django_db
def test_the_export_writes_every_carried_key():
    # An AI model provider, so that the "ai" block is written too.
    category = Category(pk=1, slug="ai_model_provider", name_en="AI", name_zh_hans="AI")
    sp = SubProcessor(pk=1, slug="cdn", name="CDN", category_id=1, purpose_en="p",
                      headquarters="US", status="active")
    rows = {
        Category: [category], SubProcessor: [sp],
        Location: [Location(sub_processor_id=1, country="US")],
        Safeguard: [Safeguard(sub_processor_id=1, kind="eu_scc", module=2)],
        TransferAssessment: [TransferAssessment(sub_processor_id=1, country="US",
                                                completed="2025-01-01")],
        DataFlow: [DataFlow(sub_processor_id=1, data_categories=["account"], subjects=["EEA"],
                            countries=["US"], purpose="p")],
    }
    roster = build_roster(rows)
    entry = roster["sub_processors"][0]
    written = {
        SubProcessor: set(entry),
        Location: set(entry["locations"][0]),
        Safeguard: set(entry["safeguards"][0]),
        TransferAssessment: set(entry["assessments"][0]),
        DataFlow: set(roster["data_flows"][0]),
        Category: set(roster["categories"][0]),
    }
    for model, keys in CARRIED.items():
        missing = set(keys.values()) - written[model]
        assert not missing, (model.__name__, missing)
