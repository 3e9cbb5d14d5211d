"""``as_of`` answers rebuilt from history, and a sub-processor's history as field differences."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from registry.changes import roster_write
from registry.models import Location, SubProcessor
from registry.services import instance_save_changes

from ..conftest import import_roster_data, roster_entry
from .history_helpers import backdate_roster

pytestmark = pytest.mark.django_db

SUB_PROCESSORS = "/api/v1/sub-processors/"


@pytest.fixture
def changed_roster(roster):
    """The small roster recorded two days ago, then changed today."""
    backdate_roster(days=2)
    with roster_write(actor="legal", reason="today's changes"):
        cdn = SubProcessor.objects.get(slug="cdn")
        cdn.locations.get(country="SG").delete()
        instance_save_changes(instance=SubProcessor.objects.get(slug="genai"),
                              data={"name": "GenAI Holdings"})
    import_roster_data({"version": 1, "sub_processors": [roster_entry("newco")]})
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_list_as_of_a_day_is_the_roster_of_that_day(changed_roster, client_with_token):
    yesterday = changed_roster
    assert slugs(client_with_token.get(SUB_PROCESSORS)) == ["cdn", "genai", "mail", "newco"]
    then = client_with_token.get(SUB_PROCESSORS, {"as_of": yesterday})
    assert slugs(then) == ["cdn", "genai", "mail"]
    by_slug = {row["slug"]: row for row in then.json()["results"]}
    assert [loc["country"] for loc in by_slug["cdn"]["locations"]] == ["SG", "US"]
    assert by_slug["cdn"]["safeguards"] == [{"kind": "eu_scc", "module": 3,
                                            "signed": "2025-01-01"}]
    assert by_slug["genai"]["name"] == "Genai Ltd"
    assert by_slug["genai"]["category"] == "ai_model_provider"
    assert by_slug["genai"]["ai"]["do_not_train_enabled"] is True
    assert by_slug["genai"]["updated_at"] is None


def test_detail_as_of_a_day(changed_roster, client_with_token):
    yesterday = changed_roster
    then = client_with_token.get(f"{SUB_PROCESSORS}cdn/", {"as_of": yesterday}).json()
    assert [loc["country"] for loc in then["locations"]] == ["SG", "US"]
    now = client_with_token.get(f"{SUB_PROCESSORS}cdn/").json()
    assert [loc["country"] for loc in now["locations"]] == ["US"]
    missing = client_with_token.get(f"{SUB_PROCESSORS}newco/", {"as_of": yesterday})
    assert missing.status_code == 404


def test_as_of_before_anything_was_recorded_is_empty(changed_roster, client_with_token):
    response = client_with_token.get(SUB_PROCESSORS, {"as_of": "2000-01-01"})
    assert slugs(response) == []
    assert response.json()["count"] == 0


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "20250101", "2025-1-1", ""])
def test_malformed_as_of_answers_400(value, roster, client_with_token):
    for url in (SUB_PROCESSORS, f"{SUB_PROCESSORS}cdn/"):
        response = client_with_token.get(url, {"as_of": value})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["as_of"]


def test_as_of_refuses_filters(roster, client_with_token):
    response = client_with_token.get(SUB_PROCESSORS, {"as_of": "2025-01-01", "status": "active"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


# --- history ---------------------------------------------------------------------------------


def history(client, slug="genai", **query):
    response = client.get(f"{SUB_PROCESSORS}{slug}/history/", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_history_is_newest_first_with_who_why_and_differences(roster, client_with_token):
    user = get_user_model().objects.create_user("alice")
    genai = SubProcessor.objects.get(slug="genai")
    with roster_write(user=user, reason="renamed after the merger"):
        instance_save_changes(instance=genai, data={"name": "GenAI Holdings"})
    with roster_write(actor="import_roster", reason="new region"):
        Location(sub_processor=genai, country="DE", region="eu-central-1").save()

    entries = history(client_with_token)["results"]
    newest, renamed = entries[0], entries[1]
    assert newest["record"] == "location"
    assert newest["action"] == "created"
    assert newest["who"] == "import_roster"
    assert newest["why"] == "new region"
    changes = {c["field"]: (c["old"], c["new"]) for c in newest["changes"]}
    assert changes == {"country": (None, "DE"), "region": (None, "eu-central-1"),
                       "city": (None, "")}

    assert renamed["record"] == "sub_processor"
    assert renamed["action"] == "changed"
    assert renamed["who"] == "alice"
    assert renamed["why"] == "renamed after the merger"
    assert renamed["changes"] == [{"field": "name", "old": "Genai Ltd", "new": "GenAI Holdings"}]

    whens = [datetime.fromisoformat(entry["when"]) for entry in entries]
    assert whens == sorted(whens, reverse=True)
    oldest = entries[-1]
    assert (oldest["record"], oldest["action"]) in {("sub_processor", "created"),
                                                    ("location", "created"),
                                                    ("data_flow", "created")}
    created = next(e for e in entries if e["record"] == "sub_processor"
                   and e["action"] == "created")
    fields = {c["field"]: c["new"] for c in created["changes"]}
    assert fields["category"] == "ai_model_provider"
    assert fields["headquarters"] == "US"
    assert fields["dpa_signed"] == "2025-01-01"


def test_history_shows_a_removed_child(roster, client_with_token):
    cdn = SubProcessor.objects.get(slug="cdn")
    with roster_write(actor="legal", reason="left Singapore"):
        cdn.assessments.get().delete()
    newest = history(client_with_token, "cdn")["results"][0]
    assert newest["record"] == "assessment"
    assert newest["action"] == "deleted"
    assert newest["why"] == "left Singapore"
    assert {c["field"]: c["old"] for c in newest["changes"]} == {
        "country": "SG", "completed": "2025-02-01"}
    assert all(c["new"] is None for c in newest["changes"])


def test_history_of_one_sub_processor_only(roster, client_with_token):
    mail_id = SubProcessor.objects.get(slug="mail").pk
    entries = history(client_with_token, "mail")["results"]
    assert entries
    assert {e["record"] for e in entries} == {"sub_processor", "location"}
    assert all(e["record_id"] == mail_id for e in entries if e["record"] == "sub_processor")


def test_as_of_the_last_representable_day_answers_400(roster, client_with_token):
    response = client_with_token.get(SUB_PROCESSORS, {"as_of": "9999-12-31"})
    assert response.status_code == 400
