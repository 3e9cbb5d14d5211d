"""The per-token rate limit: per token, configurable, shared through the cache, 429 with
Retry-After."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import Resolver404, resolve
from rest_framework.test import APIClient

from registry.api.authentication import api_token_create
from registry.api.throttling import throttle_key

pytestmark = pytest.mark.django_db

URL = "/api/v1/data-categories/"


def limited_client(rate_limit):
    token, key = api_token_create(name=f"limit {rate_limit}")
    token.rate_limit = rate_limit
    token.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return token, client


def test_a_token_beyond_its_limit_gets_429_with_retry_after():
    _token, client = limited_client(2)
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
    response = client.get(URL)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert (body["status"], body["code"]) == (429, "throttled")


def test_limits_are_per_token():
    _token, limited = limited_client(1)
    _other, other = limited_client(1)
    assert limited.get(URL).status_code == 200
    assert limited.get(URL).status_code == 429
    assert other.get(URL).status_code == 200


def test_the_state_is_in_the_shared_cache():
    token, client = limited_client(1)
    assert client.get(URL).status_code == 200
    assert cache.get(throttle_key(token)) is not None
    # Another process sees the same cache: forgetting the entry frees the token.
    assert client.get(URL).status_code == 429
    cache.delete(throttle_key(token))
    assert client.get(URL).status_code == 200


@override_settings(API_RATE_LIMIT_PER_MINUTE=1)
def test_a_token_without_a_limit_of_its_own_has_the_default():
    _token, client = limited_client(None)
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429


@override_settings(API_RATE_LIMIT_PER_MINUTE=1)
def test_zero_means_unlimited():
    token, client = limited_client(0)
    for _ in range(5):
        assert client.get(URL).status_code == 200
    assert cache.get(throttle_key(token)) is None


@override_settings(API_RATE_LIMIT_PER_MINUTE=1)
def test_the_schema_needs_no_token_and_is_not_limited():
    for _ in range(3):
        assert APIClient().get("/api/schema/").status_code == 200


def test_the_check_endpoint_is_limited_too():
    try:
        resolve("/api/v1/transfers/check")
    except Resolver404:
        pytest.fail("the check endpoint is not mounted")
    _token, client = limited_client(1)
    client.get(URL)
    response = client.post("/api/v1/transfers/check", {}, format="json")
    assert response.status_code == 429
