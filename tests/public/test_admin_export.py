"""The legal team's "export the list as of a date" page under the admin."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def url():
    return reverse("registry_public_export")


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user("legal", password="x", is_staff=True)
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response.headers["Location"]


def test_non_staff_is_sent_to_the_login(client, url):
    client.force_login(get_user_model().objects.create_user("customer", password="x"))
    assert client.get(url).status_code == 302


def test_staff_sees_the_form(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ('name="as_of"', 'name="language"', 'name="fmt"'):
        assert name in html
    assert response.headers["Cache-Control"].startswith("max-age=0") or (
        "no-cache" in response.headers["Cache-Control"]
    )


def test_export_as_of_a_day_in_chinese(staff_client, url, public_roster, today):
    response = staff_client.get(url, {"as_of": today.isoformat(), "language": "zh-hans",
                                      "fmt": "csv"})
    assert response.status_code == 200
    assert f"sub-processors-zh-hans-{today.isoformat()}.csv" in (
        response.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "名称" and rows[1][0] == "Vendor 00000 Inc"
    assert "private" in response.headers["Cache-Control"]


def test_export_before_the_roster_is_empty(staff_client, url, public_roster):
    response = staff_client.get(url, {"as_of": "2001-01-01", "language": "en", "fmt": "json"})
    assert json.loads(response.content) == []


def test_export_never_shows_the_non_public(staff_client, url, public_roster, today):
    response = staff_client.get(url, {"as_of": today.isoformat(), "language": "en",
                                      "fmt": "json"})
    names = [row["name"] for row in json.loads(response.content)]
    assert names == ["Vendor 00000 Inc", "Vendor 00001 Inc", "Vendor 00002 Inc"]


def test_export_xlsx(staff_client, url, public_roster, today):
    response = staff_client.get(url, {"as_of": today.isoformat(), "language": "en",
                                      "fmt": "xlsx"})
    assert response.content[:2] == b"PK"


@pytest.mark.parametrize("params", [
    {"as_of": "not-a-day", "language": "en", "fmt": "csv"},
    {"as_of": "2025-01-01", "language": "fr", "fmt": "csv"},
    {"as_of": "2025-01-01", "language": "en", "fmt": "pdf"},
])
def test_invalid_choices_show_the_form_again(staff_client, url, params):
    response = staff_client.get(url, params)
    assert response.status_code == 200 and "Content-Disposition" not in response.headers
    assert "errorlist" in response.content.decode()


def test_a_future_day_is_refused(staff_client, url, today):
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = staff_client.get(url, {"as_of": tomorrow, "language": "en", "fmt": "csv"})
    assert "Content-Disposition" not in response.headers
    assert "Choose today or a day in the past." in response.content.decode()
