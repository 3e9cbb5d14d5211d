"""Every row of the materiality table (shared/product.md), through a real roster import and the
on-commit signal: a material change to a public sub-processor opens a draft, others do not."""

import pytest

from notices.materiality import MATERIAL, ChangeKind
from notices.models import KnownFacts, Notice, NoticeKind
from tests.conftest import import_roster_data

from .conftest import base_roster, drafts, entry, flow

pytestmark = pytest.mark.django_db


def set_ai(slug, **flags):
    def edit(data):
        entry(data, slug)["ai"].update(flags)
    return edit


MATERIAL_EDITS = {
    "added": (lambda d: d["sub_processors"].append(
        {**entry(d, "cdn"), "slug": "newco", "name": "Newco Ltd", "safeguards": [],
         "assessments": []}), "newco", NoticeKind.ADDED),
    "made public": (lambda d: entry(d, "hidden").update(public=True), "hidden", NoticeKind.ADDED),
    "retired": (lambda d: entry(d, "cdn").update(status="retired", retired_on="2026-01-01"),
                "cdn", NoticeKind.REMOVED),
    "country added": (lambda d: entry(d, "genai")["locations"].append({"country": "JP"}),
                      "genai", NoticeKind.CHANGED),
    "country removed": (lambda d: (entry(d, "cdn").update(locations=[{"country": "US"}]),
                                   flow(d, "cdn").update(countries=["US"])),
                        "cdn", NoticeKind.CHANGED),
    "category": (lambda d: entry(d, "cdn").update(category="analytics"), "cdn",
                 NoticeKind.CHANGED),
    "purpose": (lambda d: entry(d, "cdn").update(purpose={"en": "New", "zh-hans": "新"}), "cdn",
                NoticeKind.CHANGED),
    "legal name": (lambda d: entry(d, "cdn").update(name="Cdn Holdings Ltd"), "cdn",
                   NoticeKind.CHANGED),
    "do-not-train off": (set_ai("genai", do_not_train_enabled=False), "genai",
                         NoticeKind.CHANGED),
    "zero retention off": (set_ai("genai", zero_retention_enabled=False), "genai",
                           NoticeKind.CHANGED),
    "data category newly sent": (lambda d: flow(d, "genai").update(
        data_categories=["account", "user_content"]), "genai", NoticeKind.CHANGED),
    "user region newly sent": (lambda d: flow(d, "genai").update(subjects=["EEA", "ROW"]),
                               "genai", NoticeKind.CHANGED),
}

NON_MATERIAL_EDITS = {
    "website": lambda d: entry(d, "cdn").update(website="https://new.example"),
    "city": lambda d: entry(d, "cdn")["locations"][0].update(city="Ashburn"),
    "provider region": lambda d: entry(d, "cdn")["locations"][0].update(region="us-east-1"),
    "safeguard added": lambda d: entry(d, "cdn")["safeguards"].append({"kind": "uk_addendum"}),
    "assessment changed": lambda d: entry(d, "cdn").update(
        assessments=[{"country": "SG", "completed": "2026-02-01"}]),
    "certification added": lambda d: entry(d, "cdn").update(
        certifications=["eu_us_dpf", "swiss_us_dpf"]),
    "DPA date changed": lambda d: entry(d, "cdn").update(dpa_signed="2026-03-01"),
    "flows narrowed": lambda d: flow(d, "cdn").update(subjects=["EEA"]),
    "AI safeguard turned on": lambda d: (
        entry(d, "genai")["ai"].update(zero_retention_enabled=False),
    ),
    "non-public sub-processor changed": lambda d: (
        entry(d, "hidden").update(name="Hidden Renamed"),
        entry(d, "hidden")["locations"].append({"country": "CN"}),
    ),
    "made non-public": lambda d: entry(d, "cdn").update(public=False),
}


@pytest.mark.parametrize("name", MATERIAL_EDITS)
def test_material_change_opens_a_draft(roster, reimport, name):
    edit, slug, kind = MATERIAL_EDITS[name]
    reimport(roster, edit)
    [draft] = drafts()
    assert (draft.slug, draft.kind) == (slug, kind)
    assert draft.title_en and draft.title_zh_hans and draft.body_en and draft.body_zh_hans


@pytest.mark.parametrize("name", NON_MATERIAL_EDITS)
def test_non_material_change_makes_no_notice(roster, reimport, name):
    if name == "AI safeguard turned on":
        roster = reimport(roster, NON_MATERIAL_EDITS[name])
        Notice.objects.all().delete()  # turning it off was material; on is the row tested
        roster = reimport(roster, lambda d: entry(d, "genai")["ai"].update(
            zero_retention_enabled=True))
    else:
        reimport(roster, NON_MATERIAL_EDITS[name])
    assert drafts() == []


def test_every_change_kind_is_in_the_table():
    assert set(MATERIAL) == set(ChangeKind)
    assert {kind for kind, material in MATERIAL.items() if material} == {
        ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.COUNTRY_ADDED,
        ChangeKind.COUNTRY_REMOVED, ChangeKind.CATEGORY, ChangeKind.PURPOSE, ChangeKind.NAME,
        ChangeKind.AI_SAFEGUARD_OFF, ChangeKind.FLOWS_WIDENED,
    }


def test_first_roster_is_the_baseline(roster):
    assert KnownFacts.objects.count() == 3
    assert not Notice.objects.exists()


def test_baseline_records_every_sub_processor(db, committed, reimport):


    data = base_roster()
    import_roster_data(data)  # loaded before the notices app listened (no signal delivered)
    data = reimport(data, lambda d: entry(d, "cdn").update(website="https://x.example"))
    assert KnownFacts.objects.count() == 3 and drafts() == []
    reimport(data, lambda d: entry(d, "genai").update(website="https://y.example"))
    assert drafts() == []  # genai was recorded by the baseline: not taken for a new one


def test_a_second_change_updates_the_open_draft(roster, reimport):
    data = reimport(roster, lambda d: entry(d, "cdn").update(name="Cdn Holdings Ltd"))
    reimport(data, lambda d: entry(d, "cdn")["locations"].append({"country": "JP"}))
    [draft] = drafts()
    assert "Cdn Holdings Ltd" in draft.body_en
    assert "Japan" in draft.body_en and "日本" in draft.body_zh_hans


def test_reverting_the_change_drops_the_draft(roster, reimport):
    data = reimport(roster, lambda d: entry(d, "cdn").update(name="Cdn Holdings Ltd"))
    assert drafts()
    reimport(data, lambda d: entry(d, "cdn").update(name="Cdn Ltd"))
    assert drafts() == []


def test_draft_says_what_changed_in_both_languages(roster, reimport):
    reimport(roster, lambda d: flow(d, "genai").update(subjects=["EEA", "ROW"]))
    [draft] = drafts()
    assert draft.body_en == "It will newly receive: user content of users in the EEA."
    assert draft.body_zh_hans == "其将新增接收：欧洲经济区用户的用户内容。"
    assert draft.title_zh_hans == "子处理者变更：Genai Ltd"


def test_admin_edit_makes_a_draft(roster, admin_client, committed):
    from registry.changes import roster_write
    from registry.models import SubProcessor
    from registry.services import instance_save_changes

    cdn = SubProcessor.objects.get(slug="cdn")

    def write():
        with roster_write(actor="legal", reason="admin"):
            instance_save_changes(instance=cdn, data={"purpose_en": "Everything"})

    committed(write)
    [draft] = drafts()
    assert draft.sub_processor == cdn and "Everything" in draft.body_en
