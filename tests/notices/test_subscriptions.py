"""Subscribe (double opt-in, rate limits, same answer), confirm, unsubscribe (RFC 8058),
objections, and the links' signatures."""

import re
import time

import pytest
from django.core import mail, signing
from django.utils import timezone

from notices import tokens
from notices.models import Notice, Objection, Subscriber
from notices.services import notices_publish

from .conftest import drafts, entry

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/sub-processors/subscribe/"


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()


def link(message, name):
    return re.search(rf"https?://\S+/{name}/[^/\s]+/", message.body).group(0)


def path(url):
    return re.sub(r"^https?://[^/]+", "", url)


def subscribe(client, committed, email, language="en", **extra):
    return committed(client.post, SUBSCRIBE, {"email": email, "language": language}, **extra)


def test_subscribe_sends_a_confirmation_and_confirming_activates(client, committed):
    response = subscribe(client, committed, "Ann@Example.com", "zh-hans")
    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == ["ann@example.com"] and "确认" in message.subject
    subscriber = Subscriber.objects.get()
    assert not subscriber.is_active and subscriber.language == "zh-hans"
    confirm = path(link(message, "confirm"))
    assert confirm.startswith("/zh-hans/sub-processors/confirm/")
    assert client.get(confirm).status_code == 200
    assert not Subscriber.objects.get().is_active  # GET only shows the button
    assert client.post(confirm).status_code == 200
    assert Subscriber.objects.get().is_active


def test_answer_is_the_same_for_a_subscribed_address(client, committed, subscriber_factory):
    subscriber_factory("known@example.com")
    known = subscribe(client, committed, "known@example.com")
    new = subscribe(client, committed, "new@example.com")
    assert known.status_code == new.status_code == 200
    assert known.content == new.content
    assert [m.to for m in mail.outbox] == [["new@example.com"]]


def test_per_address_limit_answers_as_usual_and_sends_nothing(client, committed):
    answers = [subscribe(client, committed, "spam@example.com",
                         REMOTE_ADDR=f"10.0.0.{i}").status_code for i in range(5)]
    assert answers == [200] * 5
    assert len(mail.outbox) == 3


def test_per_client_limit_answers_429(client, committed):
    answers = [subscribe(client, committed, f"p{i}@example.com").status_code for i in range(11)]
    assert answers == [200] * 10 + [429]
    assert len(mail.outbox) == 10


def test_language_defaults_to_the_page_language(client, committed):
    committed(client.post, f"/zh-hans{SUBSCRIBE}", {"email": "ann@example.com"})
    assert Subscriber.objects.get().language == "zh-hans"
    assert "确认" in mail.outbox[0].subject


def test_invalid_address_is_refused(client, committed):
    response = subscribe(client, committed, "not-an-address")
    assert response.status_code == 400 and mail.outbox == []


def test_expired_or_tampered_confirm_link_is_refused(client, committed, monkeypatch):
    subscribe(client, committed, "ann@example.com")
    confirm = path(link(mail.outbox[0], "confirm"))
    assert client.post(confirm[:-3] + "xx/").status_code == 400
    other = signing.dumps([Subscriber.objects.get().pk, "ann@example.com"], salt="other")
    assert client.post(f"/sub-processors/confirm/{other}/").status_code == 400
    unsubscribe_token = path(link(mail.outbox[0], "unsubscribe")).split("/")[-2]
    assert client.post(f"/sub-processors/confirm/{unsubscribe_token}/").status_code == 400
    subscriber = Subscriber.objects.get()
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now - tokens.CONFIRM_MAX_AGE.total_seconds() - 60)
    expired = tokens.confirm_token(subscriber)
    monkeypatch.undo()
    assert client.post(f"/sub-processors/confirm/{expired}/").status_code == 400
    assert not Subscriber.objects.get().is_active
    assert client.post(confirm).status_code == 200  # the genuine, fresh link works


def test_unsubscribe_one_click_post(client, committed):
    subscribe(client, committed, "ann@example.com")
    message = mail.outbox[0]
    url = path(link(message, "unsubscribe"))
    assert message.extra_headers["List-Unsubscribe"] == f"<{link(message, 'unsubscribe')}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    client.post(path(link(message, "confirm")))
    assert client.get(url).status_code == 200 and Subscriber.objects.get().is_active
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at is not None


def test_resubscribing_needs_a_new_confirmation(client, committed, subscriber_factory):
    subscriber_factory("ann@example.com", unsubscribed_at=timezone.now())
    subscribe(client, committed, "ann@example.com")
    assert not Subscriber.objects.get().is_active
    client.post(path(link(mail.outbox[0], "confirm")))
    assert Subscriber.objects.get().is_active


@pytest.fixture
def published(roster, reimport, committed, subscriber_factory):
    subscriber_factory("ann@example.com", "zh-hans")
    reimport(roster, lambda d: entry(d, "cdn")["locations"].append({"country": "JP"}))
    committed(notices_publish, notices=drafts())
    return Notice.objects.get()


def test_objection_within_the_window(client, published):
    [message] = mail.outbox
    url = path(link(message, "object"))
    assert url.startswith("/zh-hans/sub-processors/object/")
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Not in Japan, please."}).status_code == 200
    objection = Objection.objects.get()
    assert (objection.notice, objection.subscriber.email) == (published, "ann@example.com")
    assert objection.reason == "Not in Japan, please."


def test_objection_link_after_the_effective_date_says_closed(client, published):
    url = path(link(mail.outbox[0], "object"))
    Notice.objects.filter(pk=published.pk).update(effective_on=timezone.localdate())
    response = client.get(url)
    assert response.status_code == 410
    assert timezone.localdate().isoformat() in response.content.decode()
    assert client.post(url, {"reason": "late"}).status_code == 410
    assert not Objection.objects.exists()


def test_tampered_objection_link_is_refused(client, published):
    subscriber = Subscriber.objects.get()
    forged = signing.dumps([subscriber.pk, published.pk], salt=tokens.UNSUBSCRIBE_SALT)
    assert client.get(f"/sub-processors/object/{forged}/").status_code == 400
    url = path(link(mail.outbox[0], "object"))
    assert client.get(url.replace(url[-6:-1], "AAAAA")).status_code == 400


def test_pages_speak_chinese_under_zh_hans(client, committed):
    page = client.get(f"/zh-hans{SUBSCRIBE}").content.decode()
    assert "订阅子处理者变更" in page
    done = committed(client.post, f"/zh-hans{SUBSCRIBE}",
                     {"email": "ann@example.com", "language": "zh-hans"})
    assert "请查收邮件" in done.content.decode()
