"""The public list builder: what is listed, how, and as it stood on a past day."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.changes import roster_write
from registry.models import Category, Location, Safeguard, SubProcessor
from registry.public.publiclist import (
    IN_EFFECT,
    NEVER_PUBLIC,
    PUBLIC_FIELDS,
    UPCOMING,
    public_list_build,
    public_status,
    safeguard_words,
)
from tests.conftest import import_roster_data, roster_entry

from .conftest import history_shift, public_roster_data, roster_import

pytestmark = pytest.mark.django_db


def names(public_list):
    return [entry.name for entry in public_list.entries]


def roster(*entries):
    import_roster_data({"version": 1, "sub_processors": list(entries)})


# --- the allow-list -------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Category, SubProcessor, Location, Safeguard])
def test_every_field_is_decided_public_or_not(model):
    """A new model field fails here until it is put on purpose in one of the two lists."""
    fields = {field.name for field in model._meta.concrete_fields}
    public, never = set(PUBLIC_FIELDS[model]), set(NEVER_PUBLIC[model])
    assert not public & never, "a field cannot be both public and never public"
    assert fields - public - never == set(), "decide: PUBLIC_FIELDS or NEVER_PUBLIC"
    assert (public | never) - fields == set(), "the lists name a field the model lacks"


@pytest.mark.parametrize("name", ["internal_notes", "dpa_signed", "certifications", "website",
                                  "public", "retired_on"])
def test_internal_sub_processor_fields_are_never_public(name):
    assert name in NEVER_PUBLIC[SubProcessor]


def test_only_allow_listed_columns_and_tables_are_read(public_roster):
    """The builder reads only allow-listed columns, and never the assessments or data flows."""
    for as_of in (None, date.today()):
        with CaptureQueriesContext(connection) as queries:
            public_list_build(as_of=as_of, language="en")
        sql = " ".join(query["sql"] for query in queries.captured_queries)
        for table in ("transferassessment", "dataflow"):
            assert table not in sql
        for column in ("internal_notes", "dpa_signed", "certifications", "website", '"region"',
                       '"city"', '"signed"', "retired_on", "do_not_train_available"):
            assert column not in sql, column


# --- what is listed -------------------------------------------------------------------------


def test_lists_public_active_and_proposed_only(public_roster):
    public_list = public_list_build(language="en")
    assert names(public_list) == ["Vendor 00000 Inc", "Vendor 00001 Inc", "Vendor 00002 Inc"]


def test_groups_by_category_in_position_order(public_roster):
    public_list = public_list_build(language="en")
    assert [c.name for c in public_list.categories] == [
        "Cloud infrastructure and storage", "Third-party AI model providers", "Payment processing",
    ]
    assert [c.is_ai_provider for c in public_list.categories] == [False, True, False]


def test_entry_carries_public_fields_in_english(public_roster):
    entry = public_list_build(language="en").categories[0].entries[0]
    assert entry.name == "Vendor 00000 Inc"
    assert entry.purpose == "vendor-00000 purpose"
    assert entry.countries == ("Singapore", "United States of America")
    assert entry.headquarters == "United States of America"
    assert entry.safeguards == (
        "EU Standard Contractual Clauses, Module 2",
        "UK Addendum to the EU Standard Contractual Clauses",
    )
    assert entry.status == IN_EFFECT
    assert entry.do_not_train_enabled is None and entry.zero_retention_enabled is None


def test_entry_in_chinese(public_roster):
    public_list = public_list_build(language="zh-hans")
    entry = public_list.categories[0].entries[0]
    assert public_list.categories[0].name == "云基础设施与存储"
    assert entry.category == "云基础设施与存储"
    assert entry.purpose == "vendor-00000 用途"
    assert entry.countries == ("新加坡", "美国")
    assert entry.headquarters == "美国"
    assert entry.safeguards[0] == "欧盟标准合同条款，第 2 模块"


def test_chinese_purpose_falls_back_to_english(db):
    roster(roster_entry("plain", purpose={"en": "Only English"}))
    assert public_list_build(language="zh-hans").entries[0].purpose == "Only English"


def test_ai_provider_shows_both_enabled_flags(public_roster):
    ai = public_list_build(language="en").categories[1].entries[0]
    assert ai.is_ai_provider
    assert (ai.do_not_train_enabled, ai.zero_retention_enabled) == (True, False)


def test_duplicate_safeguard_kinds_are_listed_once(db):
    roster(roster_entry("twice", safeguards=[
        {"kind": "eu_scc", "module": 3, "signed": "2025-01-01"},
        {"kind": "eu_scc", "module": 3, "signed": "2025-06-01"},
    ]))
    assert public_list_build(language="en").entries[0].safeguards == (
        "EU Standard Contractual Clauses, Module 3",
    )


def test_proposed_sub_processor_is_upcoming_with_its_date(db, today):
    later = today + timedelta(days=30)
    roster(roster_entry("soon", status="proposed", effective_from=later.isoformat()),
           roster_entry("now"))
    public_list = public_list_build(language="en")
    assert [e.name for e in public_list.upcoming] == ["Soon Ltd"]
    assert public_list.upcoming[0].status == UPCOMING
    assert public_list.upcoming[0].effective_from == later
    assert [e.name for c in public_list.categories for e in c.entries] == ["Now Ltd"]
    # The exports list in-effect entries first, then upcoming ones.
    assert names(public_list) == ["Now Ltd", "Soon Ltd"]


@pytest.mark.parametrize(
    ("status", "effective_from", "announced", "expected"),
    [
        ("active", None, None, IN_EFFECT),
        ("active", date(2026, 1, 10), None, UPCOMING),
        ("active", date(2026, 1, 1), None, IN_EFFECT),
        ("proposed", None, None, UPCOMING),
        ("proposed", date(2026, 1, 2), None, UPCOMING),
        ("proposed", date(2026, 1, 1), None, IN_EFFECT),
        ("proposed", date(2025, 12, 1), date(2026, 1, 5), UPCOMING),
    ],
)
def test_public_status(status, effective_from, announced, expected):
    row = {"status": status, "effective_from": effective_from, "announced_effective": announced}
    assert public_status(row, date(2026, 1, 1)) == expected


def test_safeguard_words():
    assert safeguard_words("eu_scc", 4) == "EU Standard Contractual Clauses, Module 4"
    assert safeguard_words("uk_idta", None) == "UK International Data Transfer Agreement"


# --- as of a past day -----------------------------------------------------------------------


def test_as_of_before_the_roster_is_empty(public_roster):
    public_list = public_list_build(as_of=date(2001, 1, 1), language="en")
    assert public_list.entries == [] and public_list.last_updated is None


def test_as_of_rebuilds_the_list_from_history(db, today):
    roster(roster_entry("alpha", countries=("US",)), roster_entry("beta"))
    history_shift(10)
    # Today: alpha moves to Germany, beta is made non-public, gamma is added.
    roster(roster_entry("alpha", countries=("DE",)), roster_entry("beta", public=False),
           roster_entry("gamma"))
    with roster_write(actor="test"):
        category = Category.objects.get(slug="cloud_infrastructure")
        category.name_en = "Hosting"
        category.save()

    then = public_list_build(as_of=today - timedelta(days=5), language="en")
    assert names(then) == ["Alpha Ltd", "Beta Ltd"]
    assert then.entries[0].countries == ("United States of America",)
    assert then.categories[0].name == "Cloud infrastructure and storage"
    assert then.day == today - timedelta(days=5)

    now = public_list_build(as_of=today, language="en")
    assert names(now) == ["Alpha Ltd", "Gamma Ltd"]
    assert now.entries[0].countries == ("Germany",)
    assert now.categories[0].name == "Hosting"
    assert names(public_list_build(language="en")) == names(now)


def test_as_of_classifies_by_that_day(db, today):
    start = today - timedelta(days=3)
    roster(roster_entry("soon", status="proposed", effective_from=start.isoformat()))
    history_shift(10)
    assert public_list_build(as_of=today - timedelta(days=5)).upcoming[0].effective_from == start
    assert public_list_build(as_of=today).upcoming == ()


def test_retired_after_the_day_is_listed_then(db, today):
    roster(roster_entry("old"))
    history_shift(10)
    roster(roster_entry("old", status="retired", retired_on=today.isoformat()))
    assert names(public_list_build(as_of=today - timedelta(days=1))) == ["Old Ltd"]
    assert names(public_list_build(as_of=today)) == []


def test_deleted_location_is_gone_as_of_after(db, today):
    roster(roster_entry("alpha", countries=("US", "JP")))
    history_shift(10)
    roster(roster_entry("alpha", countries=("US",)))
    assert public_list_build(as_of=today - timedelta(days=1)).entries[0].countries == (
        "Japan", "United States of America",
    )
    assert public_list_build(as_of=today).entries[0].countries == ("United States of America",)


def test_last_updated_follows_public_changes_only(db, today):
    roster(roster_entry("alpha"), roster_entry("quiet", public=False))
    history_shift(10)
    before = public_list_build(language="en").last_updated
    assert before.date() == today - timedelta(days=10)
    roster(roster_entry("alpha"), roster_entry("quiet", public=False, name="Renamed quietly"))
    assert public_list_build(language="en").last_updated == before
    roster(roster_entry("alpha", countries=("US", "JP")), roster_entry("quiet", public=False))
    assert public_list_build(language="en").last_updated.date() == today
    assert public_list_build(as_of=today - timedelta(days=5)).last_updated == before


# --- a constant number of queries ------------------------------------------------------------


@pytest.mark.parametrize("as_of", [None, date.today()])
def test_query_count_does_not_grow_with_the_roster(db, as_of, django_assert_max_num_queries):
    roster_import(public_roster_data(3))
    with CaptureQueriesContext(connection) as small:
        public_list_build(as_of=as_of)
    roster_import(public_roster_data(30))
    assert len(public_list_build(as_of=as_of).entries) == 30
    with django_assert_max_num_queries(len(small.captured_queries)):
        public_list_build(as_of=as_of)
    assert len(small.captured_queries) <= 5
