"""Every endpoint of the read API tested the same way (the NetBox manner): anonymous, with a
token, writes refused, pagination, conditional requests, constant query counts."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.changes import roster_write
from registry.models import (
    Category,
    DataFlow,
    Location,
    Safeguard,
    SubProcessor,
    TransferAssessment,
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    paginated: bool = True
    count: int | None = None  # rows in the small roster

    def __str__(self):
        return self.name


ENDPOINTS = [
    Endpoint("sub-processor list", "/api/v1/sub-processors/", count=3),
    Endpoint("sub-processor", "/api/v1/sub-processors/cdn/", paginated=False),
    Endpoint("sub-processor history", "/api/v1/sub-processors/cdn/history/"),
    Endpoint("data-flow list", "/api/v1/data-flows/", count=2),
    Endpoint("data-category list", "/api/v1/data-categories/", count=7),
]
LISTS = [endpoint for endpoint in ENDPOINTS if endpoint.paginated]
WRITES = ["post", "put", "patch", "delete"]

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_anonymous_request_answers_401_with_token_challenge(endpoint, roster, anonymous_client):
    response = anonymous_client.get(endpoint.url)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_session_login_is_not_enough(endpoint, roster, anonymous_client, admin_user):
    anonymous_client.force_login(admin_user)
    assert_error(anonymous_client.get(endpoint.url), 401, "not_authenticated")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_revoked_token_answers_401(endpoint, roster, client_with_token, api_token):
    token, _key = api_token
    token.revoked_at = timezone.now()
    token.save()
    assert_error(client_with_token.get(endpoint.url), 401, "authentication_failed")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_token_reads(endpoint, roster, client_with_token):
    response = client_with_token.get(endpoint.url)
    assert response.status_code == 200, response.content
    body = response.json()
    if endpoint.paginated:
        assert set(body) == {"count", "next", "previous", "results"}
        if endpoint.count is not None:
            assert body["count"] == len(body["results"]) == endpoint.count
    else:
        assert body["slug"] == "cdn"


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_writes_answer_405(endpoint, method, roster, client_with_token):
    count = SubProcessor.objects.count()
    response = getattr(client_with_token, method)(endpoint.url, {}, format="json")
    assert_error(response, 405, "method_not_allowed")
    assert SubProcessor.objects.count() == count


@pytest.mark.parametrize("endpoint", LISTS, ids=str)
def test_pagination(endpoint, roster, client_with_token):
    first = client_with_token.get(endpoint.url, {"page_size": 1}).json()
    assert len(first["results"]) == 1
    assert first["previous"] is None
    assert first["count"] >= 2
    second = client_with_token.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["results"] != first["results"]
    assert second["previous"] is not None
    assert_error(client_with_token.get(endpoint.url, {"page": 999}), 404, "not_found")


def test_page_size_is_capped_at_100(client_with_token, db):
    build_large_roster(105)
    body = client_with_token.get("/api/v1/sub-processors/", {"page_size": 1000}).json()
    assert body["count"] == 105
    assert len(body["results"]) == 100


def test_unknown_slug_answers_404(roster, client_with_token):
    assert_error(client_with_token.get("/api/v1/sub-processors/nope/"), 404, "not_found")
    assert_error(client_with_token.get("/api/v1/sub-processors/nope/history/"), 404,
                 "not_found")


# --- conditional requests ------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_if_none_match_answers_304_without_reading_the_roster(endpoint, roster,
                                                               client_with_token):
    response = client_with_token.get(endpoint.url)
    etag = response["ETag"]
    assert response["Last-Modified"]
    assert "no-cache" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]

    with CaptureQueriesContext(connection) as queries:
        cached = client_with_token.get(endpoint.url, HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached["ETag"] == etag
    read = [q["sql"] for q in queries
            if "registry_location" in q["sql"] or "registry_subprocessor" in q["sql"]
            or "registry_dataflow" in q["sql"] or "registry_datacategory" in q["sql"]]
    assert read == []


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_if_modified_since_answers_304(endpoint, roster, client_with_token):
    response = client_with_token.get(endpoint.url)
    cached = client_with_token.get(endpoint.url,
                                   HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert cached.status_code == 304


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_etag_changes_with_the_roster(endpoint, roster, client_with_token):
    etag = client_with_token.get(endpoint.url)["ETag"]
    with roster_write(actor="tests", reason="new location"):
        Location(sub_processor=SubProcessor.objects.get(slug="cdn"), country="DE").save()
    response = client_with_token.get(endpoint.url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_etag_differs_by_query(roster, client_with_token):
    url = "/api/v1/sub-processors/"
    assert client_with_token.get(url)["ETag"] != client_with_token.get(url, {"status": "active"})[
        "ETag"]


# --- query counts --------------------------------------------------------------------------


def build_large_roster(size: int) -> None:
    """``size`` sub-processors with 3 locations, 2 safeguards, 2 assessments and a flow each,
    saved directly (the roster file's validation is tested elsewhere and is slow for many)."""
    category = Category.objects.get(slug="cloud_infrastructure")
    with roster_write(actor="tests", reason="large roster"):
        for i in range(size):
            sp = SubProcessor(slug=f"vendor-{i:03}", name=f"Vendor {i}", category=category,
                              purpose_en="hosting", headquarters="US", status="active")
            sp.save()
            for country in ("US", "SG", "DE"):
                Location(sub_processor=sp, country=country).save()
            Safeguard(sub_processor=sp, kind="eu_scc", module=2, signed=date(2025, 1, 1)).save()
            Safeguard(sub_processor=sp, kind="uk_addendum").save()
            for country in ("SG", "US"):
                TransferAssessment(sub_processor=sp, country=country,
                                   completed=date(2025, 2, 1)).save()
            DataFlow(sub_processor=sp, data_categories=["account"], subjects=["EEA"],
                     countries=["US"], purpose="hosting").save()


@pytest.fixture
def large_roster(db):
    """105 sub-processors with children, one of them with a history of 5 renames."""
    build_large_roster(105)
    first = SubProcessor.objects.get(slug="vendor-000")
    for n in range(5):
        with roster_write(actor="tests", reason=f"change {n}"):
            first.name = f"Vendor renamed {n}"
            first.save()


QUERY_LISTS = [
    "/api/v1/sub-processors/",
    "/api/v1/sub-processors/vendor-000/history/",
    "/api/v1/data-flows/",
    "/api/v1/data-categories/",
    "/api/v1/sub-processors/?as_of=2100-01-01",
]


def test_list_queries_do_not_grow_with_the_page(large_roster, client_with_token,
                                                django_assert_max_num_queries):
    # One test for every list (building the large roster is the slow part).
    for url in QUERY_LISTS:
        separator = "&" if "?" in url else "?"
        with CaptureQueriesContext(connection) as one:
            assert client_with_token.get(f"{url}{separator}page_size=1").status_code == 200
        # The same number of queries for a page of 100 as for a page of 1.
        with django_assert_max_num_queries(len(one)):
            response = client_with_token.get(f"{url}{separator}page_size=100")
        assert response.status_code == 200
        body = response.json()
        assert len(body["results"]) == min(body["count"], 100), url
        # auth 1, throttle (database cache) 6, stamp 1, then at most 7 for the answer.
        assert len(one) <= 15, url


def test_nested_children_belong_to_their_sub_processor(large_roster, client_with_token):
    results = client_with_token.get("/api/v1/sub-processors/", {"page_size": 100}).json()[
        "results"]
    for sub_processor in results:
        assert [loc["country"] for loc in sub_processor["locations"]] == ["DE", "SG", "US"]
        assert [s["kind"] for s in sub_processor["safeguards"]] == ["eu_scc", "uk_addendum"]
        assert len(sub_processor["assessments"]) == 2


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_kept_answer_is_served_until_the_roster_changes(endpoint, roster, client_with_token):
    first = client_with_token.get(endpoint.url)
    with CaptureQueriesContext(connection) as queries:
        again = client_with_token.get(endpoint.url)
    assert again.content == first.content
    assert not [q for q in queries if "registry_subprocessor" in q["sql"]
                or "registry_datacategory" in q["sql"]]

    with roster_write(actor="tests", reason="renamed"):
        cdn = SubProcessor.objects.get(slug="cdn")
        cdn.name = "Content Delivery Ltd"
        cdn.save()
    changed = client_with_token.get(endpoint.url)
    assert changed["ETag"] != first["ETag"]
    if endpoint.name.startswith("sub-processor"):
        assert b"Content Delivery Ltd" in changed.content
