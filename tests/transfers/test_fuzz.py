"""No input answers 500: arbitrary JSON posted to check, arbitrary query strings sent to routes.

Every answer is 200 or 400, and a 400 says which field is wrong.
"""

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.transfers.conftest import EXAMPLES

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
FIELDS = ["subject_country", "sub_processor", "destination_country", "data_categories", "on"]
KNOWN = ["FR", "CN", "HK", "US", "SG", "de", "XX", "", "EEA", "cdn", "mainland", "account",
         "user_content", "2026-01-26", "0000-00-00", "9999-12-31", "\x00", "ü" * 3]

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=30) | st.sampled_from(KNOWN))
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8) | st.sampled_from(FIELDS), children, max_size=4),
    max_leaves=12,
)
bodies = (
    json_values
    | st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5)
    | st.fixed_dictionaries(
        {"subject_country": st.sampled_from(KNOWN) | scalars,
         "sub_processor": st.sampled_from([e[1] for e in EXAMPLES]) | scalars,
         "destination_country": st.sampled_from(KNOWN) | scalars,
         "data_categories": st.lists(st.sampled_from(KNOWN) | scalars, max_size=4) | scalars},
        optional={"on": st.sampled_from(KNOWN) | scalars | st.dates().map(str)},
    )
)


def assert_answered(response):
    assert response.status_code in (200, 400), response.content[:500]
    body = response.json()
    if response.status_code == 400:
        assert body.get("errors") or body["detail"]
    else:
        assert set(body) >= {"results"} or set(body) == {"allowed", "basis", "findings"}


@FUZZ
@given(body=bodies)
def test_check_never_answers_500(api, examples, body):
    response = api.post("/api/v1/transfers/check", json.dumps(body),
                        content_type="application/json")
    assert_answered(response)


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode)
       | st.just(b'{"subject_country": "FR", "data_categories": ["account"]')
       | st.just(b"x" * 200_000))
def test_check_never_answers_500_on_raw_bytes(api, examples, raw):
    response = api.post("/api/v1/transfers/check", raw, content_type="application/json")
    assert_answered(response)


params = st.lists(
    st.tuples(st.sampled_from(["subject_country", "data_category", "category", "on"])
              | st.text(max_size=10),
              st.sampled_from(KNOWN + ["ai_model_provider", "email_delivery"])
              | st.text(max_size=20)),
    max_size=6,
)


@FUZZ
@given(pairs=params)
def test_routes_never_answers_500(api, examples, pairs):
    response = api.get(f"/api/v1/transfers/routes?{urlencode(pairs)}")
    assert_answered(response)


@FUZZ
@given(query=st.text(max_size=120))
def test_routes_never_answers_500_on_raw_query_strings(api, examples, query):
    response = api.get("/api/v1/transfers/routes?" + quote(query, safe="=&%+"))
    assert_answered(response)
