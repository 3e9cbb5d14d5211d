"""Every filter of every FilterSet, through the API; a filter without a case fails the suite."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registry.changes import roster_write
from registry.filtersets import DataFlowFilterSet, SubProcessorFilterSet
from registry.models import Location, SubProcessor
from registry.services import instance_save_changes

from .history_helpers import backdate_roster

pytestmark = pytest.mark.django_db

SUB_PROCESSORS = "/api/v1/sub-processors/"
DATA_FLOWS = "/api/v1/data-flows/"

# filter: [(query, expected slugs in order)]; the small roster is cdn, genai, mail.
SUB_PROCESSOR_CASES = {
    "q": [({"q": "GENAI"}, ["genai"]), ({"q": "mail purpose"}, ["mail"]),
          ({"q": "Ltd"}, ["cdn", "genai", "mail"]), ({"q": "用途"}, ["cdn", "genai", "mail"])],
    "category": [({"category": "ai_model_provider"}, ["genai"]),
                 ({"category": ["ai_model_provider", "email_delivery"]}, ["genai", "mail"]),
                 ({"category": "payment"}, [])],
    "country": [({"country": "SG"}, ["cdn"]), ({"country": ["SG", "US"]}, ["cdn", "genai", "mail"]),
                ({"country": "DE"}, [])],
    "headquarters": [({"headquarters": "US"}, ["cdn", "genai", "mail"]),
                     ({"headquarters": "DE"}, [])],
    "status": [({"status": "active"}, ["cdn", "genai", "mail"]), ({"status": "retired"}, []),
               ({"status": ["retired", "active"]}, ["cdn", "genai", "mail"])],
    "public": [({"public": "false"}, ["mail"]), ({"public": "true"}, ["cdn", "genai"])],
    "updated_since": [({"updated_since": "2000-01-01"}, ["cdn", "genai", "mail"]),
                      ({"updated_since": "2999-01-01T00:00:00Z"}, [])],
}
SUB_PROCESSOR_INVALID = [
    {"category": "no-such-category"}, {"country": "XX"}, {"country": "us"},
    {"status": "gone"}, {"public": "maybe"}, {"updated_since": "yesterday"},
]

# filter: [(query, expected flows as "slug:purpose")]
DATA_FLOW_CASES = {
    "sub_processor": [({"sub_processor": "cdn"}, ["cdn:hosting"])],
    "category": [({"category": "ai_model_provider"}, ["genai:generation"]),
                 ({"category": "payment"}, [])],
    "status": [({"status": "active"}, ["cdn:hosting", "genai:generation"]),
               ({"status": "proposed"}, [])],
    "data_category": [({"data_category": "account"}, ["cdn:hosting"]),
                      ({"data_category": "user_content"}, ["cdn:hosting", "genai:generation"]),
                      ({"data_category": "billing"}, [])],
    "subject": [({"subject": "EEA"}, ["cdn:hosting"]),
                ({"subject": ["EEA", "ROW"]}, ["cdn:hosting", "genai:generation"]),
                ({"subject": "US"}, [])],
    "country": [({"country": "SG"}, ["cdn:hosting"]),
                ({"country": "US"}, ["cdn:hosting", "genai:generation"]),
                ({"country": "DE"}, [])],
}
DATA_FLOW_INVALID = [
    {"sub_processor": "nope"}, {"data_category": "health"}, {"subject": "EU"},
    {"country": "XX"},
]


def test_every_sub_processor_filter_has_cases():
    assert set(SUB_PROCESSOR_CASES) == set(SubProcessorFilterSet.base_filters)


def test_every_data_flow_filter_has_cases():
    assert set(DATA_FLOW_CASES) == set(DataFlowFilterSet.base_filters)


@pytest.mark.parametrize(
    ("query", "expected"),
    [case for cases in SUB_PROCESSOR_CASES.values() for case in cases], ids=repr,
)
def test_sub_processor_filter(query, expected, roster, client_with_token):
    response = client_with_token.get(SUB_PROCESSORS, query)
    assert response.status_code == 200, response.content
    assert [row["slug"] for row in response.json()["results"]] == expected


@pytest.mark.parametrize("query", SUB_PROCESSOR_INVALID, ids=repr)
def test_invalid_sub_processor_filter_answers_400_naming_it(query, roster, client_with_token):
    response = client_with_token.get(SUB_PROCESSORS, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == set(query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [case for cases in DATA_FLOW_CASES.values() for case in cases], ids=repr,
)
def test_data_flow_filter(query, expected, roster, client_with_token):
    response = client_with_token.get(DATA_FLOWS, query)
    assert response.status_code == 200, response.content
    flows = [f"{row['sub_processor']}:{row['purpose']}" for row in response.json()["results"]]
    assert flows == expected


@pytest.mark.parametrize("query", DATA_FLOW_INVALID, ids=repr)
def test_invalid_data_flow_filter_answers_400_naming_it(query, roster, client_with_token):
    response = client_with_token.get(DATA_FLOWS, query)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(query)


def test_filters_combine_with_and(roster, client_with_token):
    query = {"country": "US", "public": "true", "category": "ai_model_provider"}
    results = client_with_token.get(SUB_PROCESSORS, query).json()["results"]
    assert [row["slug"] for row in results] == ["genai"]


def updated_since(client, moment):
    response = client.get(SUB_PROCESSORS, {"updated_since": moment.isoformat()})
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_updated_since_sees_changes_of_the_children(roster, client_with_token):
    backdate_roster(days=2)
    since = timezone.now() - timedelta(days=1)
    assert updated_since(client_with_token, since) == []

    with roster_write(actor="tests", reason="new location"):
        Location(sub_processor=SubProcessor.objects.get(slug="genai"), country="DE").save()
    assert updated_since(client_with_token, since) == ["genai"]

    # A removed child leaves a history row naming its sub-processor.
    with roster_write(actor="tests", reason="left Singapore"):
        SubProcessor.objects.get(slug="cdn").assessments.get().delete()
    assert updated_since(client_with_token, since) == ["cdn", "genai"]


def test_updated_since_sees_changes_of_the_row(roster, client_with_token):
    backdate_roster(days=2)
    since = timezone.now() - timedelta(days=1)
    with roster_write(actor="tests", reason="renamed"):
        instance_save_changes(instance=SubProcessor.objects.get(slug="mail"),
                              data={"name": "Mail Delivery Ltd"})
    assert updated_since(client_with_token, since) == ["mail"]
    assert updated_since(client_with_token, timezone.now() + timedelta(seconds=1)) == []


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_updated_since_out_of_range_answers_400(value, roster, client_with_token):
    response = client_with_token.get(SUB_PROCESSORS, {"updated_since": value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["updated_since"]


@pytest.mark.parametrize("url", [f"{SUB_PROCESSORS}?q=a%00b", f"{SUB_PROCESSORS}?category=%00",
                                 f"{SUB_PROCESSORS}a%00b/", f"{DATA_FLOWS}?sub_processor=%00"])
def test_null_characters_answer_400(url, roster, client_with_token):
    # PostgreSQL refuses NUL in any query: they must be refused before one runs.
    response = client_with_token.get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
