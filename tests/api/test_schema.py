"""The OpenAPI document and its rendering: readable without a token, every field described,
every filter and error answer listed; the answers' shapes agree with it and with the models."""

import re

import pytest
from django.test import Client

from registry.api import serializers
from registry.api.selectors import CHILDREN
from registry.models import DataCategory, DataFlow, SubProcessor

pytestmark = pytest.mark.django_db

ROSTER_PATHS = {
    "/api/v1/sub-processors/": {"category", "country", "headquarters", "status", "public",
                                "updated_since", "q", "as_of", "page", "page_size"},
    "/api/v1/sub-processors/{slug}/": {"as_of"},
    "/api/v1/sub-processors/{slug}/history/": {"page", "page_size"},
    "/api/v1/data-flows/": {"sub_processor", "category", "status", "data_category", "subject",
                            "country", "page", "page_size"},
    "/api/v1/data-categories/": {"page", "page_size"},
}
ROSTER_SCHEMAS = ["SubProcessor", "Location", "Safeguard", "Assessment", "AIFlags",
                  "DataFlow", "DataCategory", "HistoryEntry", "FieldChange", "Error"]


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_openapi_3_and_names_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    assert set(ROSTER_PATHS) <= set(schema["paths"])
    for path in ROSTER_PATHS:
        assert set(schema["paths"][path]) == {"get"}, path  # read only


def test_token_scheme_is_documented(schema):
    scheme = schema["components"]["securitySchemes"]["TokenAuth"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    assert "create_api_token" in scheme["description"]


@pytest.mark.parametrize("path", ROSTER_PATHS)
def test_every_parameter_is_listed_and_described(schema, path):
    operation = schema["paths"][path]["get"]
    query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert set(query) == ROSTER_PATHS[path]
    for name, parameter in query.items():
        assert parameter.get("description"), f"{path} ?{name}"


@pytest.mark.parametrize("path", ROSTER_PATHS)
def test_every_error_answer_is_listed(schema, path):
    responses = schema["paths"][path]["get"]["responses"]
    expected = {"200", "304", "401", "429", "404"}
    if path != "/api/v1/data-categories/":
        expected.add("400")
    assert expected <= set(responses)
    for code in expected - {"200", "304"}:
        assert responses[code]["content"]["application/json"]["schema"]["$ref"] == (
            "#/components/schemas/Error")
    assert {"ETag", "Last-Modified"} <= set(responses["200"]["headers"])


@pytest.mark.parametrize("name", ROSTER_SCHEMAS)
def test_every_field_is_described(schema, name):
    component = schema["components"]["schemas"][name]
    for field, definition in component["properties"].items():
        assert definition.get("description"), f"{name}.{field}"


def test_every_operation_of_the_document_has_the_error_answers(schema):
    # The transfer checker's endpoints included: the shared machinery answers for them too.
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "429"} <= set(operation["responses"]), f"{method} {path}"


def test_docs_render_offline_under_the_csp():
    client = Client()
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html and "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr.net" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    script = re.search(r'<script src="([^"]*\?script[^"]*)"', html).group(1).replace("&amp;", "&")
    js = client.get(script)
    assert js.status_code == 200
    assert b"SwaggerUIBundle" in js.content


# --- the answers' shapes -----------------------------------------------------------------------


def declared(serializer) -> set[str]:
    return set(serializer.get_fields())


def test_sub_processor_answer_has_exactly_the_declared_fields(roster, client_with_token):
    body = client_with_token.get("/api/v1/sub-processors/genai/").json()
    assert set(body) == declared(serializers.SubProcessorSerializer())
    assert set(body["purpose"]) == declared(serializers.LocalizedTextSerializer())
    assert set(body["ai"]) == declared(serializers.AIFlagsSerializer())
    for relation, child in (("locations", serializers.LocationSerializer()),
                            ("safeguards", serializers.SafeguardSerializer()),
                            ("assessments", serializers.AssessmentSerializer())):
        cdn = client_with_token.get("/api/v1/sub-processors/cdn/").json()
        assert cdn[relation]
        for row in cdn[relation]:
            assert set(row) == declared(child), relation


def test_other_answers_have_exactly_the_declared_fields(roster, client_with_token):
    flow = client_with_token.get("/api/v1/data-flows/").json()["results"][0]
    assert set(flow) == declared(serializers.DataFlowSerializer())
    category = client_with_token.get("/api/v1/data-categories/").json()["results"][0]
    assert set(category) == declared(serializers.DataCategorySerializer())
    entry = client_with_token.get("/api/v1/sub-processors/cdn/history/").json()["results"][0]
    assert set(entry) == declared(serializers.HistoryEntrySerializer())
    assert set(entry["changes"][0]) == declared(serializers.FieldChangeSerializer())


# Model fields the API shows under another name, or leaves out on purpose.
SUB_PROCESSOR_RENAMED = {"purpose_en": "purpose", "purpose_zh_hans": "purpose",
                         **{flag: "ai" for flag in SubProcessor.AI_FLAGS}}
SUB_PROCESSOR_LEFT_OUT = {"id"}  # the slug is the identifier


def model_fields(model) -> set[str]:
    return {field.name for field in model._meta.concrete_fields}


def test_a_new_sub_processor_field_must_reach_the_api_or_be_left_out_on_purpose():
    shown = declared(serializers.SubProcessorSerializer())
    for name in model_fields(SubProcessor) - SUB_PROCESSOR_LEFT_OUT:
        assert SUB_PROCESSOR_RENAMED.get(name, name) in shown, name


def test_a_new_child_field_must_reach_the_api():
    for relation, model, fields in CHILDREN:
        assert model_fields(model) - {"id", "sub_processor"} == set(fields), relation
        assert set(serializers.CHILD_FIELDS[relation]) == set(fields)


def test_a_new_data_flow_or_data_category_field_must_reach_the_api():
    assert model_fields(DataFlow) - {"sub_processor"} <= declared(
        serializers.DataFlowSerializer()) | {"sub_processor"}
    shown = {"code", "name_en", "name_zh_hans", "retention_en", "retention_zh_hans"}
    assert model_fields(DataCategory) - {"id", "position"} == shown
