"""The public page lists published notices of upcoming changes and carries the subscribe form;
nothing about a sub-processor that is not public appears."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notices.models import Notice
from notices.services import notices_publish
from registry.models import SubProcessor

from .conftest import drafts, entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(roster, reimport, committed):
    reimport(roster, lambda d: entry(d, "cdn").update(name="Cdn Holdings Ltd"))
    [draft] = drafts()
    committed(notices_publish, notices=[draft])
    draft.refresh_from_db()
    return draft


def test_page_lists_upcoming_published_notices(client, notice):
    english = client.get("/sub-processors/").content.decode()
    chinese = client.get("/zh-hans/sub-processors/").content.decode()
    assert "Change to sub-processor Cdn Holdings Ltd" in english
    assert "子处理者变更：Cdn Holdings Ltd" in chinese
    assert f"/sub-processors/notices/{notice.pk}/" in english
    detail = client.get(f"/sub-processors/notices/{notice.pk}/")
    assert detail.status_code == 200 and "Cdn Holdings Ltd" in detail.content.decode()


def test_page_etag_changes_when_a_notice_is_published(client, roster, reimport, committed):
    reimport(roster, lambda d: entry(d, "genai").update(name="Genai Holdings"))
    etag = client.get("/sub-processors/").headers["ETag"]
    committed(notices_publish, notices=drafts())
    assert client.get("/sub-processors/").headers["ETag"] != etag


def test_drafts_and_past_notices_are_not_upcoming(client, notice, roster, reimport):
    reimport(roster, lambda d: entry(d, "genai").update(name="Genai Holdings"))
    Notice.objects.filter(pk=notice.pk).update(
        effective_on=timezone.localdate() - timedelta(days=1))
    page = client.get("/sub-processors/").content.decode()
    assert "Change to sub-processor" not in page


def test_notice_of_a_sub_processor_made_non_public_disappears(client, notice):
    SubProcessor.objects.filter(slug="cdn").update(public=False)
    assert "Cdn" not in client.get("/sub-processors/").content.decode()
    assert client.get(f"/sub-processors/notices/{notice.pk}/").status_code == 404


def test_page_carries_the_subscribe_form(client, db):
    page = client.get("/zh-hans/sub-processors/").content.decode()
    assert 'action="/zh-hans/sub-processors/subscribe/"' in page
    assert '<option value="zh-hans" selected>' in page


def test_the_subscribe_form_leaves_the_page_cacheable_by_shared_caches(client, db):
    response = client.get("/sub-processors/")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "public" in response["Cache-Control"]


def test_subscribing_needs_no_csrf_token(db, mailoutbox, django_capture_on_commit_callbacks):
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        answer = Client(enforce_csrf_checks=True).post(
            "/sub-processors/subscribe/", {"email": "reader@example.com", "language": "en"}
        )
    assert answer.status_code == 200
    assert [m.to for m in mailoutbox] == [["reader@example.com"]]
