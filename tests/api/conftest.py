"""Shared fixtures of the API tests: a roster, a token and clients with and without it."""

import pytest
from rest_framework.test import APIClient

from registry.api.authentication import api_token_create


@pytest.fixture
def api_token(db):
    token, key = api_token_create(name="tests")
    return token, key


@pytest.fixture
def client_with_token(api_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token[1]}")
    return client


@pytest.fixture
def anonymous_client():
    return APIClient()


@pytest.fixture
def roster(small_roster):
    return small_roster
