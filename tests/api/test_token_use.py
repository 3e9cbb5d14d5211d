"""A token records when it was last used (to the minute), so unused ones can be found and
revoked in the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from registry.api.authentication import api_token_create
from registry.models import APIToken


@pytest.fixture
def token_client(db):
    token, key = api_token_create(name="service")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return token, client


def test_a_request_records_when_the_token_was_used(token_client):
    token, client = token_client
    assert token.last_used_at is None
    before = timezone.now()
    assert client.get("/api/v1/data-categories/").status_code == 200
    assert APIToken.objects.get(pk=token.pk).last_used_at >= before


def test_the_time_is_written_at_most_once_a_minute(token_client):
    token, client = token_client
    client.get("/api/v1/data-categories/")
    first = APIToken.objects.get(pk=token.pk).last_used_at
    client.get("/api/v1/data-categories/")
    assert APIToken.objects.get(pk=token.pk).last_used_at == first

    APIToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/data-categories/")
    assert APIToken.objects.get(pk=token.pk).last_used_at > first - timedelta(minutes=2)
