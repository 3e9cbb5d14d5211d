"""Rosters for the public list tests, built through the roster file code path."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone, translation

from registry.changes import roster_write
from registry.models import Category, Location, Safeguard, SubProcessor, TransferAssessment
from tests.conftest import import_roster_data, roster_entry

#: Strings that only internal fields carry: none may appear in a public output.
MARKERS = {
    "internal_notes": "MARKER-INTERNAL-NOTE-7f3a",
    "hidden_name": "MARKER-HIDDEN-VENDOR-91c2",
    "hidden_purpose": "MARKER-HIDDEN-PURPOSE-44d0",
    "region": "marker-region-5b1e",
    "city": "MARKER-CITY-0e9d",
    "website": "https://marker-website-2c8f.example",
    "retired_name": "MARKER-RETIRED-VENDOR-6a1b",
}
# Contract and assessment dates, written so that no other date in a roster looks like them.
CONTRACT_DATES = {"dpa_signed": "2019-03-17", "signed": "2019-04-23", "completed": "2019-05-29"}


def public_roster_data(size=3):
    """A roster of ``size`` public, listed sub-processors plus the entries that must stay out:
    a non-public one, a retired one, and internal values everywhere."""
    entries = []
    for index in range(size):
        category = ("cloud_infrastructure", "ai_model_provider", "payment")[index % 3]
        entry = roster_entry(
            f"vendor-{index:05d}", category=category, countries=("US", "SG"),
            name=f"Vendor {index:05d} Inc",
            website=MARKERS["website"],
            dpa_signed=CONTRACT_DATES["dpa_signed"],
            safeguards=[
                {"kind": "eu_scc", "module": 2, "signed": CONTRACT_DATES["signed"]},
                {"kind": "uk_addendum", "signed": CONTRACT_DATES["signed"]},
            ],
            assessments=[{"country": "SG", "completed": CONTRACT_DATES["completed"]}],
            certifications=["eu_us_dpf"],
        )
        entry["locations"] = [
            {"country": "US", "region": MARKERS["region"], "city": MARKERS["city"]},
            {"country": "SG"},
        ]
        if category == "ai_model_provider":
            entry["ai"] = {"do_not_train_available": True, "do_not_train_enabled": True,
                           "zero_retention_available": True, "zero_retention_enabled": False}
        entries.append(entry)
    entries.append(roster_entry(
        "hidden", category="analytics", name=MARKERS["hidden_name"], public=False,
        purpose={"en": MARKERS["hidden_purpose"], "zh-hans": MARKERS["hidden_purpose"]},
        countries=("CN",),
    ))
    entries.append(roster_entry(
        "gone", name=MARKERS["retired_name"], status="retired", retired_on="2025-06-01",
        effective_from="2025-01-01",
    ))
    return {"version": 1, "sub_processors": entries}


def roster_import(data):
    import_roster_data(data)
    # What the roster format does not carry is set the way the admin would, with history.
    with roster_write(actor="test", reason="internal notes"):
        for sub_processor in SubProcessor.objects.filter(slug__startswith="vendor-"):
            sub_processor.internal_notes = MARKERS["internal_notes"]
            sub_processor.save()


@pytest.fixture
def public_roster(db):
    data = public_roster_data()
    roster_import(data)
    return data


def history_shift(days):
    """Move every history record ``days`` into the past, as if written then."""
    for model in (Category, SubProcessor, Location, Safeguard, TransferAssessment):
        model.history.all().update(history_date=F("history_date") - timedelta(days=days))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    """A request in Chinese leaves its language active in the thread: start each test in English."""
    with translation.override("en"):
        yield
