"""Every validation rule of the roster, as a roster file meets it: one problem line naming the
path and the reason. The admin and the API validate through the same ``full_clean()``."""

import pytest
from django.core.exceptions import ValidationError

from registry.models import Category, DataFlow, Location, Safeguard, SubProcessor
from registry.roster import RosterFileError, read_roster

from ..conftest import roster_entry

pytestmark = pytest.mark.django_db

SP = "sub_processors[0]"


def roster(*entries, flows=(), categories=None):
    data = {"version": 1, "sub_processors": list(entries), "data_flows": list(flows)}
    if categories is not None:
        data["categories"] = categories
    return data


def problems(data) -> list[str]:
    with pytest.raises(RosterFileError) as error:
        read_roster(data)
    return error.value.problems


def accepted(data):
    return read_roster(data)  # raises RosterFileError listing the problems otherwise


def flow(slug="cdn", **fields):
    return {"sub_processor": slug, "data_categories": ["account"], "subjects": ["EEA"],
            "countries": ["US"], "purpose": "hosting", **fields}


# --- country codes: exact upper-case ISO 3166-1 alpha-2 ---------------------------------------


@pytest.mark.parametrize("code", ["XX", "cn", "CN-HK", "USA", "", "uk"])
def test_a_location_country_must_be_an_exact_iso_code(code):
    found = problems(roster(roster_entry("cdn", countries=(code,))))
    if code:
        assert f"{SP}.locations[0].country: {code!r} is not an ISO 3166-1 country code" in found
    else:
        assert f"{SP}.locations[0].country: is required" in found


@pytest.mark.parametrize("code", ["HK", "MO", "TW", "CN", "GB"])
def test_hong_kong_macao_and_taiwan_are_countries_of_their_own(code):
    plan = accepted(roster(roster_entry("cdn", countries=(code,), headquarters=code)))
    [sp] = plan.sub_processors
    assert sp.fields["headquarters"] == code  # kept as given, never folded into CN
    assert [location["country"] for location in sp.locations] == [code]


def test_the_headquarters_must_be_an_iso_code():
    assert problems(roster(roster_entry("cdn", headquarters="cn"))) == [
        f"{SP}.headquarters: 'cn' is not an ISO 3166-1 country code"
    ]


def test_an_assessment_country_must_be_an_iso_code():
    entry = roster_entry("cdn", assessments=[{"country": "XX", "completed": "2026-01-01"}])
    assert problems(roster(entry)) == [
        f"{SP}.assessments[0].country: 'XX' is not an ISO 3166-1 country code"
    ]


def test_a_flow_country_must_be_an_iso_code():
    found = problems(roster(roster_entry("cdn"), flows=[flow(countries=["US", "XX"])]))
    assert found == ["data_flows[0].countries: 'XX' is not an ISO 3166-1 country code"]


# --- slugs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["Has Space", "UPPER", "under_score", "dot.ted", "ünï"])
def test_a_slug_is_lower_case_letters_digits_and_hyphens(slug):
    found = problems(roster(roster_entry(slug)))
    assert f"{SP}.slug: {slug!r} is not a valid slug: use lower-case letters, digits and " \
           "hyphens only" in found


def test_a_slug_may_not_repeat():
    found = problems(roster(roster_entry("cdn"), roster_entry("cdn")))
    assert found == ["sub_processors[1].slug: 'cdn' is also sub_processors[0]"]


# --- categories -------------------------------------------------------------------------------


def test_an_unknown_category_is_refused_with_the_known_ones():
    [line] = problems(roster(roster_entry("cdn", category="hosting")))
    assert line.startswith(f"{SP}.category: 'hosting' is not a category; add it under "
                           "categories or use one of ")
    assert "cloud_infrastructure" in line


def test_a_category_declared_in_the_file_may_be_used():
    security = {"slug": "security", "name": {"en": "Security", "zh-hans": "安全"}}
    accepted(roster(roster_entry("waf", category="security"), categories=[security]))


def test_a_declared_category_needs_a_valid_slug_and_both_names():
    found = problems(roster(categories=[{"slug": "Bad Slug", "name": {"en": "Security"}}]))
    assert "categories[0].name.zh-hans: is required" in found
    assert any(line.startswith("categories[0].slug: 'Bad Slug' is not a valid category slug")
               for line in found)


# --- safeguards -------------------------------------------------------------------------------


def test_eu_scc_needs_a_module():
    entry = roster_entry("cdn", safeguards=[{"kind": "eu_scc", "signed": "2025-01-01"}])
    assert problems(roster(entry)) == [f"{SP}.safeguards[0]: EU SCCs need their module, 1 to 4."]


@pytest.mark.parametrize("module", [0, 5])
def test_an_scc_module_is_one_to_four(module):
    entry = roster_entry("cdn", safeguards=[{"kind": "eu_scc", "module": module}])
    assert f"{SP}.safeguards[0]: EU SCCs need their module, 1 to 4." in problems(roster(entry))


def test_a_module_is_only_for_eu_scc():
    entry = roster_entry("cdn", safeguards=[{"kind": "uk_idta", "module": 2}])
    assert problems(roster(entry)) == [
        f"{SP}.safeguards[0]: An SCC module is given only with eu_scc."
    ]


def test_an_unknown_safeguard_kind_is_refused():
    entry = roster_entry("cdn", safeguards=[{"kind": "scc"}])
    assert problems(roster(entry)) == [
        f"{SP}.safeguards[0].kind: Value 'scc' is not a valid choice."
    ]


def test_every_module_from_one_to_four_is_accepted():
    accepted(roster(roster_entry("cdn", safeguards=[
        {"kind": "eu_scc", "module": module} for module in (1, 2, 3, 4)
    ])))


# --- AI flags -----------------------------------------------------------------------------------


AI_ON = {"do_not_train_available": True, "do_not_train_enabled": True,
         "zero_retention_available": False, "zero_retention_enabled": False}


def test_ai_flags_only_on_ai_model_providers():
    found = problems(roster(roster_entry("cdn", ai=AI_ON)))
    assert f"{SP}.ai: only an ai_model_provider has AI flags" in found
    assert f"{SP}.ai.do_not_train_available: AI flags apply only to AI model providers." in found


def test_ai_flags_on_an_ai_model_provider_are_accepted():
    accepted(roster(roster_entry("genai", category="ai_model_provider", ai=AI_ON)))


@pytest.mark.parametrize(("flag", "message"), [
    ("do_not_train", "Do-not-train cannot be enabled where it is not offered."),
    ("zero_retention", "Zero data retention cannot be enabled where it is not offered."),
])
def test_an_ai_option_is_enabled_only_where_offered(flag, message):
    ai = {f"{flag}_available": False, f"{flag}_enabled": True}
    found = problems(roster(roster_entry("genai", category="ai_model_provider", ai=ai)))
    assert found == [f"{SP}: {message}"]


# --- status and dates ---------------------------------------------------------------------------


def test_retired_on_only_when_retired():
    found = problems(roster(roster_entry("cdn", retired_on="2026-01-01")))
    assert found == [f"{SP}: Only a retired sub-processor has a retirement date."]


def test_a_retired_one_may_have_a_retirement_date():
    accepted(roster(roster_entry("cdn", status="retired", retired_on="2026-01-01")))


def test_the_retirement_date_is_not_before_the_effective_date():
    entry = roster_entry("cdn", status="retired", effective_from="2026-02-01",
                         retired_on="2026-01-01")
    assert problems(roster(entry)) == [
        f"{SP}: The retirement date is before the effective date."
    ]


def test_an_unknown_status_and_a_bad_date_are_refused():
    found = problems(roster(roster_entry("cdn", status="live", dpa_signed="01/02/2025")))
    assert f"{SP}.status: Value 'live' is not a valid choice." in found
    assert f"{SP}.dpa_signed: '01/02/2025' is not a date (YYYY-MM-DD)" in found


def test_required_fields():
    found = problems(roster({"slug": "cdn", "locations": []}))
    for name in ("name", "category", "headquarters", "status", "purpose.en"):
        assert f"{SP}.{name}: is required" in found


def test_a_field_the_format_does_not_have_is_refused():
    assert problems(roster(roster_entry("cdn", internal_notes="x"))) == [
        f"{SP}.internal_notes: is not a field of the roster format"
    ]


# --- code lists: certifications, data categories, subjects --------------------------------------


def test_an_unknown_certification_is_refused():
    found = problems(roster(roster_entry("cdn", certifications=["privacy_shield"])))
    assert found == [f"{SP}.certifications: 'privacy_shield' is not a certification "
                     "(eu_us_dpf, uk_us_data_bridge, swiss_us_dpf)"]


def test_a_certification_listed_twice_is_refused():
    found = problems(roster(roster_entry("cdn", certifications=["eu_us_dpf", "eu_us_dpf"])))
    assert found == [f"{SP}.certifications: certifications lists eu_us_dpf more than once"]


def test_an_unknown_data_category_is_refused():
    found = problems(roster(roster_entry("cdn"), flows=[flow(data_categories=["photos"])]))
    assert found == ["data_flows[0].data_categories: 'photos' is not a data category (account, "
                     "billing, user_content, communications, usage, device, cookies)"]


@pytest.mark.parametrize("subject", ["EU", "eea", "row", "XX"])
def test_an_unknown_subject_is_refused(subject):
    found = problems(roster(roster_entry("cdn"), flows=[flow(subjects=[subject])]))
    assert found == [f"data_flows[0].subjects: {subject!r} is neither a region (EEA, ROW) nor "
                     "an ISO 3166-1 country code"]


def test_a_flow_names_at_least_one_of_each():
    found = problems(roster(roster_entry("cdn"), flows=[flow(subjects=[], countries=[])]))
    assert "data_flows[0].subjects: Name at least one." in found
    assert "data_flows[0].countries: Name at least one." in found


def test_a_repeated_subject_is_refused():
    found = problems(roster(roster_entry("cdn"), flows=[flow(subjects=["US", "US"])]))
    assert found == ["data_flows[0].subjects: subjects lists US more than once"]


# --- cross-object rules -------------------------------------------------------------------------


def test_flow_countries_must_be_location_countries():
    found = problems(roster(roster_entry("cdn", countries=("US",)),
                            flows=[flow(countries=["SG", "US"])]))
    assert found == ["data_flows[0].countries: cdn has no location in SG"]


def test_a_flow_names_a_sub_processor_of_the_file():
    found = problems(roster(roster_entry("cdn"), flows=[flow("nobody")]))
    assert found == ["data_flows[0].sub_processor: 'nobody' is not a sub-processor named in "
                     "this file"]


def test_duplicate_locations_and_flows_are_refused():
    entry = roster_entry("cdn", countries=("US", "US"))
    found = problems(roster(entry, flows=[flow(), flow()]))
    assert f"{SP}.locations[1]: repeats {SP}.locations[0]" in found
    assert "data_flows[1]: repeats another data flow of cdn" in found


# --- the same rules on the model, for the admin and the API -----------------------------------


@pytest.fixture
def cloud():
    return Category.objects.get(slug="cloud_infrastructure")


def test_the_model_refuses_a_lower_case_country(cloud):
    sp = SubProcessor(slug="cdn", name="CDN", category=cloud, purpose_en="x", headquarters="US")
    sp.full_clean()
    sp.save()
    with pytest.raises(ValidationError) as error:
        Location(sub_processor=sp, country="XX").full_clean()
    assert error.value.message_dict["country"] == ["'XX' is not an ISO 3166-1 country code"]
    flow_row = DataFlow(sub_processor=sp, data_categories=["account"], subjects=["EEA"],
                        countries=["SG"])
    with pytest.raises(ValidationError) as error:
        flow_row.full_clean()
    assert error.value.message_dict["countries"] == ["cdn has no location in SG"]


def test_the_model_refuses_ai_flags_outside_ai_providers(cloud):
    sp = SubProcessor(slug="cdn", name="CDN", category=cloud, purpose_en="x", headquarters="US",
                      zero_retention_available=True)
    with pytest.raises(ValidationError) as error:
        sp.full_clean()
    assert error.value.message_dict["zero_retention_available"] == [
        "AI flags apply only to AI model providers."
    ]


def test_the_model_refuses_a_module_without_eu_scc(cloud):
    sp = SubProcessor.objects.create(slug="cdn", name="CDN", category=cloud, purpose_en="x",
                                     headquarters="US")
    with pytest.raises(ValidationError) as error:
        Safeguard(sub_processor=sp, kind="swiss_scc", module=1).full_clean()
    assert error.value.messages == ["An SCC module is given only with eu_scc."]
