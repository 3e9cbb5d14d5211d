"""End to end against a real SMTP server on loopback (aiosmtpd): subscribe, confirm, a roster
change, publish; the notice arrives in the subscriber's language with working unsubscribe and
objection links and RFC 8058 headers that mail clients can read."""

import re

import pytest
from django.core.cache import cache
from django.db import transaction

from notices.models import Delivery, Objection, Subscriber
from notices.services import notices_publish
from notices.tasks import send_deliveries

from .conftest import drafts, entry

pytestmark = pytest.mark.django_db


def text_part(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def url_in(text, name):
    return re.search(rf"https?://[^/\s]+(/\S*/{name}/[^/\s]+/)", text).group(1)


def raw_header(raw: bytes, name: str) -> list[str]:
    """Every occurrence of a header in the raw message, unfolded."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    return [re.sub(r"\r\n[ \t]", " ", value)
            for value in re.findall(rf"^{name}: ([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head,
                                     re.MULTILINE)]


def subscribe_and_confirm(client, committed, sink, email, language):
    count = len(sink.messages)
    committed(client.post, "/sub-processors/subscribe/", {"email": email, "language": language})
    [(rcpt, message)] = sink.parsed()[count:]
    assert rcpt == [email]
    client.post(url_in(text_part(message), "confirm"))


def test_subscriber_receives_notice_in_their_language(client, committed, roster, reimport,
                                                      smtp_sink, settings):
    cache.clear()
    settings.SITE_URL = "https://privacy.example-company.com"
    subscribe_and_confirm(client, committed, smtp_sink, "ann@example.com", "en")
    subscribe_and_confirm(client, committed, smtp_sink, "bo@example.com", "zh-hans")
    committed(client.post, "/sub-processors/subscribe/",
              {"email": "never@example.com", "language": "en"})  # never confirms
    assert Subscriber.objects.filter(confirmed_at__isnull=False).count() == 2
    smtp_sink.messages.clear()

    reimport(roster, lambda d: entry(d, "cdn")["locations"].append({"country": "JP"}))
    committed(notices_publish, notices=drafts())

    received = {rcpt[0]: (message, raw) for (rcpt, raw), (_r, message)
                in zip(smtp_sink.messages, smtp_sink.parsed(), strict=True)}
    assert sorted(received) == ["ann@example.com", "bo@example.com"]
    english, english_raw = received["ann@example.com"]
    chinese, chinese_raw = received["bo@example.com"]
    assert english["Subject"] == "Change to sub-processor Cdn Ltd"
    assert chinese["Subject"] == "子处理者变更：Cdn Ltd"
    assert "Japan" in text_part(english) and "日本" in text_part(chinese)
    assert "/zh-hans/sub-processors/object/" in text_part(chinese)

    for message, raw in ((english, english_raw), (chinese, chinese_raw)):
        [unsubscribe] = raw_header(raw, "List-Unsubscribe")
        assert "=?" not in unsubscribe  # not RFC 2047-encoded: clients would ignore it
        assert re.fullmatch(r"<https://privacy\.example-company\.com/\S+/unsubscribe/\S+/>",
                            unsubscribe)
        assert raw_header(raw, "List-Unsubscribe-Post") == ["List-Unsubscribe=One-Click"]
        delivery = Delivery.objects.get(subscriber__email=message["To"])
        assert message["Message-ID"] == (
            f"<notice-{delivery.notice_id}.{delivery.subscriber_id}@privacy.example-company.com>"
        )
        assert delivery.status == "sent" and delivery.sent_at is not None

    objection_url = url_in(text_part(chinese), "object")
    assert client.get(objection_url).status_code == 200
    client.post(objection_url, {"reason": "不同意"})
    assert Objection.objects.get().subscriber.email == "bo@example.com"

    # RFC 8058 one-click: a POST to the header's URL, no cookies, no CSRF token.
    [unsubscribe] = raw_header(english_raw, "List-Unsubscribe")
    path = re.sub(r"^<https://[^/]+|>$", "", unsubscribe)
    response = client.__class__(enforce_csrf_checks=True).post(
        path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscriber.objects.get(email="ann@example.com").is_active

    # Sending again resends nothing that is marked sent.
    smtp_sink.messages.clear()
    send_deliveries.enqueue(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    assert smtp_sink.messages == []


def test_unsubscribed_address_is_not_mailed(committed, roster, reimport, smtp_sink,
                                            subscriber_factory):
    from notices.services import subscriber_unsubscribe

    kept = subscriber_factory("kept@example.com")
    gone = subscriber_factory("gone@example.com")
    reimport(roster, lambda d: entry(d, "cdn").update(name="Renamed Ltd"))

    # Unsubscribing between publication and sending cancels the pending delivery.
    def publish_then_unsubscribe():
        with transaction.atomic():
            notices_publish(notices=drafts())
            subscriber_unsubscribe(subscriber=gone)

    committed(publish_then_unsubscribe)
    assert [rcpt for rcpt, _raw in smtp_sink.messages] == [[kept.email]]
    assert Delivery.objects.get(subscriber=gone).status == "cancelled"
