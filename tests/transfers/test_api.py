"""The check, routes and reference-data endpoints through HTTP (contract.md §4)."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from registry.api.authentication import api_token_revoke
from tests.conftest import import_roster_data, roster_entry
from tests.transfers.conftest import EXAMPLES

CHECK = "/api/v1/transfers/check"
ROUTES = "/api/v1/transfers/routes"
REFERENCE = "/api/v1/reference-data/"
GOOD = {"subject_country": "FR", "sub_processor": "cdn", "destination_country": "SG",
        "data_categories": ["account"]}


def post(api, body):
    return api.post(CHECK, body, format="json")


# --- check: the contract's example rows ---------------------------------------------------------


@pytest.mark.parametrize(("subject", "sp", "destination", "categories", "allowed", "expect"),
                         EXAMPLES, ids=[f"{e[0]}-{e[1]}-{e[2]}" for e in EXAMPLES])
def test_check_example_rows(api, examples, subject, sp, destination, categories, allowed,
                            expect):
    response = post(api, {"subject_country": subject, "sub_processor": sp,
                          "destination_country": destination, "data_categories": categories})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert set(answer) == {"allowed", "basis", "findings"}
    assert answer["allowed"] is allowed
    assert expect in {f["rule"] for f in answer["findings"]} or answer["basis"] == expect
    for found in answer["findings"]:
        assert set(found) == {"rule", "severity", "message"}
        assert found["severity"] in {"block", "error", "warning", "info"}


def test_check_reports_basis_even_when_not_allowed(api, examples):
    answer = post(api, {**GOOD, "sub_processor": "cdn-no-tia"}).json()
    assert answer == {"allowed": False, "basis": "eu_scc", "findings": [
        {"rule": "eu.tia_missing", "severity": "error", "message": answer["findings"][0]["message"]}
    ]}
    assert "SG" in answer["findings"][0]["message"]


def test_check_ignores_unknown_keys(api, examples):
    response = post(api, {**GOOD, "extra": {"nested": [1, 2]}})
    assert response.status_code == 200
    assert response.json()["allowed"] is True


def test_check_path_has_no_trailing_slash(api, examples):
    assert post(api, GOOD).status_code == 200
    assert api.post(CHECK + "/", GOOD, format="json").status_code == 404


# --- check: bad input answers 400 naming the field ----------------------------------------------


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"subject_country": "XX"}, "subject_country", "'XX' is not an ISO 3166-1 country code"),
    ({"subject_country": "de"}, "subject_country", "'de' is not an ISO 3166-1 country code"),
    ({"subject_country": 49}, "subject_country", "Enter a string, not int."),
    ({"destination_country": "CN-HK"}, "destination_country", "'CN-HK' is not an ISO 3166-1"),
    ({"destination_country": None}, "destination_country", "may not be null"),
    ({"sub_processor": "nobody"}, "sub_processor", "'nobody' is not a sub-processor"),
    ({"sub_processor": ["cdn"]}, "sub_processor", "Enter a string, not list."),
    ({"data_categories": ["passwords"]}, "data_categories", "'passwords' is not a data category"),
    ({"data_categories": "account"}, "data_categories", "Expected a list"),
    ({"data_categories": []}, "data_categories", "may not be empty"),
    ({"data_categories": [1]}, "data_categories", "1 is not a data category"),
    ({"on": "2026-13-01"}, "on", "Date has wrong format"),
    ({"on": 20260101}, "on", "Date has wrong format"),
    ({"on": "9999-12-31"}, "on", "9999-12-31 is outside the days the checker answers for"),
    ({"on": "0001-01-01"}, "on", "is outside the days"),
])
def test_check_bad_field_answers_400_naming_it(api, examples, change, field, says):
    response = post(api, {**GOOD, **change})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert says in str(errors[field])


@pytest.mark.parametrize("missing", sorted(set(GOOD)))
def test_check_missing_field_answers_400_naming_it(api, examples, missing):
    body = {key: value for key, value in GOOD.items() if key != missing}
    response = post(api, body)
    assert response.status_code == 400
    assert response.json() == {"status": 400, "code": "invalid", "detail": "Invalid input.",
                               "errors": {missing: ["This field is required."]}}


def test_check_contract_bad_input_example(api, examples):
    response = post(api, {"subject_country": "XX"})
    assert response.status_code == 400
    body = response.json()["errors"]
    assert body["subject_country"] == ["'XX' is not an ISO 3166-1 country code"]
    assert set(body) == {"subject_country", "sub_processor", "destination_country",
                         "data_categories"}


def test_check_body_not_json_answers_400(api, examples):
    response = api.post(CHECK, b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize("body", [[GOOD], "FR", 12, None, True])
def test_check_body_not_an_object_answers_400(api, examples, body):
    response = api.post(CHECK, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_check_huge_value_is_not_echoed_whole(api, examples):
    response = post(api, {**GOOD, "sub_processor": "x" * 100_000})
    assert response.status_code == 400
    assert len(response.content) < 500


# --- authentication ------------------------------------------------------------------------------


def test_check_without_token_answers_401(examples):
    response = APIClient().post(CHECK, GOOD, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_check_with_revoked_token_answers_401(api, api_token, examples):
    assert post(api, GOOD).status_code == 200
    api_token_revoke(token=api_token)
    assert post(api, GOOD).status_code == 401


def test_check_with_unknown_token_answers_401(examples):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert client.post(CHECK, GOOD, format="json").status_code == 401


@pytest.mark.parametrize("path", [ROUTES + "?subject_country=FR&data_category=account",
                                  REFERENCE])
def test_reads_without_token_answer_401(examples, path):
    assert APIClient().get(path).status_code == 401


def test_check_is_read_only(api, examples):
    assert api.get(CHECK).status_code == 405


# --- on ------------------------------------------------------------------------------------------


@pytest.fixture
def brazil(db):
    """A Brazilian host for EEA users: the EU adequacy decision for BR applies from 2026-01-26."""
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("br-host", countries=("BR",), headquarters="BR", status="active",
                     effective_from="2025-01-01"),
    ], "data_flows": [
        {"sub_processor": "br-host", "data_categories": ["account"], "subjects": ["EEA"],
         "countries": ["BR"], "purpose": "hosting"},
    ]})


def test_check_on_uses_adequacy_in_force_that_day(api, brazil):
    body = {"subject_country": "DE", "sub_processor": "br-host", "destination_country": "BR",
            "data_categories": ["account"]}
    before = post(api, {**body, "on": "2026-01-25"}).json()
    after = post(api, {**body, "on": "2026-01-26"}).json()
    assert before["basis"] is None
    assert "eu.no_mechanism" in {f["rule"] for f in before["findings"]}
    assert after["basis"] == "eu_adequacy"
    assert "eu.no_mechanism" not in {f["rule"] for f in after["findings"]}


def test_check_on_uses_effective_dates(api, db):
    start = timezone.localdate() + timedelta(days=10)
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("soon", countries=("US",), status="proposed",
                     effective_from=start.isoformat(), certifications=["eu_us_dpf"]),
    ], "data_flows": [
        {"sub_processor": "soon", "data_categories": ["account"], "subjects": ["EEA"],
         "countries": ["US"]},
    ]})
    body = {"subject_country": "DE", "sub_processor": "soon", "destination_country": "US",
            "data_categories": ["account"]}
    today = post(api, body).json()
    assert today["allowed"] is False
    assert [f["rule"] for f in today["findings"]] == ["registry.not_active"]
    later = post(api, {**body, "on": start.isoformat()}).json()
    assert later == {"allowed": True, "basis": "eu_us_dpf", "findings": []}


# --- routes --------------------------------------------------------------------------------------


@pytest.fixture
def routed(examples):
    """The examples plus a retired sub-processor, which routes never lists."""
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("old", countries=("US",), status="retired", retired_on="2025-06-01",
                     effective_from="2024-01-01"),
    ]})


def routes(api, query="subject_country=FR&data_category=account", **headers):
    return api.get(f"{ROUTES}?{query}", **headers)


def test_routes_lists_every_location_of_active_and_proposed(api, routed):
    response = routes(api)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["sub_processor"], r["country"]) for r in rows] == [
        ("cdn", "SG"), ("cdn-no-tia", "SG"), ("genai", "US"), ("jp-analytics", "JP"),
        ("mail-bridge", "US"), ("mail-eu-only", "US"), ("mainland", "CN"),
    ]
    for row in rows:
        assert set(row) == {"sub_processor", "country", "allowed", "basis", "findings"}
    by_key = {(r["sub_processor"], r["country"]): r for r in rows}
    assert by_key[("cdn", "SG")]["allowed"] is True
    assert by_key[("cdn", "SG")]["basis"] == "eu_scc"
    assert by_key[("mainland", "CN")]["allowed"] is False
    assert "policy.prc_localisation" in {f["rule"] for f in by_key[("mainland", "CN")]["findings"]}


def test_routes_answers_like_check(api, routed):
    for row in routes(api, "subject_country=CN&data_category=user_content").json()["results"]:
        answer = post(api, {"subject_country": "CN", "sub_processor": row["sub_processor"],
                            "destination_country": row["country"],
                            "data_categories": ["user_content"]}).json()
        assert answer == {k: row[k] for k in ("allowed", "basis", "findings")}


def test_routes_category_filter(api, routed):
    rows = routes(api, "subject_country=FR&data_category=account&category=email_delivery")
    assert [r["sub_processor"] for r in rows.json()["results"]] == ["mail-bridge", "mail-eu-only"]


def test_routes_several_data_categories(api, routed):
    one = routes(api, "subject_country=CN&data_category=account").json()["results"]
    two = routes(api, "subject_country=CN&data_category=account&data_category=user_content")
    mainland = {r["sub_processor"]: r for r in two.json()["results"]}["mainland"]
    assert mainland["allowed"] is True  # its flow covers both
    genai_one = {r["sub_processor"]: r for r in one}["genai"]
    assert "registry.undeclared_flow" in {f["rule"] for f in genai_one["findings"]}


def test_routes_on(api, brazil):
    query = "subject_country=DE&data_category=account"
    before = routes(api, f"{query}&on=2026-01-25").json()["results"]
    after = routes(api, f"{query}&on=2026-02-01").json()["results"]
    assert [r["basis"] for r in before] == [None]
    assert [r["basis"] for r in after] == ["eu_adequacy"]


@pytest.mark.parametrize(("query", "field", "says"), [
    ("data_category=account", "subject_country", "required"),
    ("subject_country=fr&data_category=account", "subject_country", "'fr' is not an ISO"),
    ("subject_country=FR", "data_category", "required"),
    ("subject_country=FR&data_category=secrets", "data_category", "'secrets' is not a data"),
    ("subject_country=FR&data_category=account&category=nope", "category", "'nope' is not a"),
    ("subject_country=FR&data_category=account&on=yesterday", "on", "wrong format"),
])
def test_routes_bad_query_answers_400_naming_the_field(api, routed, query, field, says):
    response = routes(api, query)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert says in str(errors[field])


def test_routes_etag_and_if_none_match(api, routed):
    first = routes(api)
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert "must-revalidate" in first["Cache-Control"]
    again = routes(api, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert routes(api, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304
    assert routes(api, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_routes_etag_differs_per_query(api, routed):
    fr = routes(api)["ETag"]
    cn = routes(api, "subject_country=CN&data_category=account")["ETag"]
    fr_ai = routes(api, "subject_country=FR&data_category=account&category=ai_model_provider")
    assert len({fr, cn, fr_ai["ETag"]}) == 3
    # The same query in another order is the same table.
    two = routes(api, "subject_country=FR&data_category=usage&data_category=account")["ETag"]
    assert routes(api, "data_category=account&data_category=usage&subject_country=FR")[
        "ETag"] == two


def test_routes_etag_changes_after_a_roster_write(api, routed):
    etag = routes(api)["ETag"]
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("cdn", countries=("SG", "US"),
                     safeguards=[{"kind": "eu_scc", "module": 3, "signed": "2025-01-01"}]),
    ]})
    response = routes(api, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    pairs = {(r["sub_processor"], r["country"]) for r in response.json()["results"]}
    assert ("cdn", "US") in pairs


def test_routes_etag_changes_with_the_day(api, routed, monkeypatch):
    etag = routes(api)["ETag"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr("transfers.snapshot.timezone.localdate", lambda: tomorrow)
    response = routes(api, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_routes_unchanged_roster_keeps_etag(api, routed):
    assert routes(api)["ETag"] == routes(api)["ETag"]


# --- reference data ------------------------------------------------------------------------------


def test_reference_data_lists_what_the_checker_believes(api, db):
    response = api.get(REFERENCE)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"versions", "eea", "adequacy", "frameworks", "processing_countries"}
    assert body["versions"]["eea.yaml"].startswith("version 1 as of ")
    assert len(body["eea"]) == 30
    assert {"country", "name", "source", "last_verified", "note"} <= set(body["eea"][0])
    brazil = [row for row in body["adequacy"] if row["regime"] == "eu" and row["country"] == "BR"]
    assert brazil and brazil[0]["effective_from"] == "2026-01-26" and brazil[0]["source"]
    assert {f["code"] for f in body["frameworks"]} == {
        "eu_us_dpf", "uk_us_data_bridge", "swiss_us_dpf"}
    assert {"subjects": "*", "country": "EEA"} in [
        {k: row[k] for k in ("subjects", "country")} for row in body["processing_countries"]]


def test_schema_documents_the_transfer_endpoints(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    check = schema["paths"]["/api/v1/transfers/check"]["post"]
    assert {"200", "400", "401"} <= set(check["responses"])
    routes = schema["paths"]["/api/v1/transfers/routes"]["get"]
    assert {"200", "304", "400", "401"} <= set(routes["responses"])
    assert "requestBody" in check
    parameters = routes["parameters"]
    assert {p["name"] for p in parameters} >= {"subject_country", "data_category", "category", "on"}


def test_today_is_the_default_day(api, db):
    start = timezone.localdate()
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("today", countries=("US",), status="proposed",
                     effective_from=start.isoformat(), certifications=["eu_us_dpf"]),
    ], "data_flows": [
        {"sub_processor": "today", "data_categories": ["account"], "subjects": ["EEA"],
         "countries": ["US"]},
    ]})
    body = {"subject_country": "DE", "sub_processor": "today", "destination_country": "US",
            "data_categories": ["account"]}
    assert post(api, body).json()["allowed"] is True
    yesterday = (start - timedelta(days=1)).isoformat()
    assert post(api, {**body, "on": yesterday}).json()["allowed"] is False
    assert date.fromisoformat(yesterday) < start


@pytest.mark.parametrize("on", ["1900-01-01", "2999-12-31", "2024-02-29"])
def test_extreme_days_answer(api, examples, on):
    for subject, sp, destination, categories, _allowed, _expect in EXAMPLES:
        response = post(api, {"subject_country": subject, "sub_processor": sp,
                              "destination_country": destination,
                              "data_categories": categories, "on": on})
        assert response.status_code == 200
    assert routes(api, f"subject_country=DE&data_category=account&on={on}").status_code == 200


def test_a_warm_check_reads_only_the_token_and_the_stamp(api, examples):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert post(api, GOOD).status_code == 200  # builds the snapshot
    with CaptureQueriesContext(connection) as queries:
        assert post(api, GOOD).status_code == 200
        assert routes(api).status_code == 200
    tables = [q["sql"] for q in queries if "registry_" in q["sql"] or "transfers_" in q["sql"]]
    assert len([sql for sql in tables if "registry_rosterversion" in sql]) == 2
    assert len([sql for sql in tables if "registry_apitoken" in sql]) == 2
    assert len(tables) == 4
