"""The notice email: a subscriber's prepared copy (rendered once per notice and language) is
byte for byte the full rendering; links and headers are the subscriber's own."""

import re

import pytest

from notices.delivery import deliveries_send
from notices.emails import SMTP_POLICY, NoticeEmailTemplate, PreparedEmail, notice_email
from notices.models import Delivery
from notices.services import deliveries_create, notices_publish

from .conftest import drafts, entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliveries(roster, reimport, committed, subscriber_factory, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # not sent
    subscriber_factory("ann@example.com", "en")
    subscriber_factory("bo+notices@example.com", "zh-hans")
    reimport(roster, lambda d: entry(d, "genai")["locations"].append({"country": "JP"}))
    committed(notices_publish, notices=drafts())
    return list(Delivery.objects.select_related("notice", "subscriber").order_by("pk"))


def normalised(raw: bytes) -> bytes:
    """Without what differs between any two renderings: the date and the MIME boundary."""
    raw = re.sub(rb"\r\nDate: [^\r]*", b"", raw)
    for boundary in re.findall(rb'boundary="([^"]+)"', raw):
        raw = raw.replace(boundary, b"BOUNDARY")
    return raw


def test_prepared_copy_is_the_full_rendering(deliveries):
    assert len(deliveries) == 2
    for delivery in deliveries:
        template = NoticeEmailTemplate(delivery.notice, delivery.subscriber.language)
        assert template.usable
        prepared = template.email_for(delivery.subscriber_id, delivery.subscriber.email)
        full = notice_email(delivery)
        assert normalised(prepared.raw) == normalised(
            full.message(policy=SMTP_POLICY).as_bytes())
        assert delivery.subscriber.email.encode() in prepared.raw
        assert prepared.body == full.body and prepared.extra_headers == full.extra_headers
        assert prepared.alternatives == full.alternatives


def test_an_address_that_is_not_plain_gets_the_full_rendering(deliveries):
    delivery = deliveries[0]
    template = NoticeEmailTemplate(delivery.notice, "en")
    assert template.raw_for(delivery.subscriber_id, "ann@exämple.com") is None
    email = template.email_for(delivery.subscriber_id, "ann@exämple.com")
    assert not isinstance(email, PreparedEmail) and email.to == ["ann@exämple.com"]
    assert "/unsubscribe/" in email.extra_headers["List-Unsubscribe"]


def test_each_delivery_is_created_once(deliveries):
    notice = deliveries[0].notice
    deliveries_create(notice=notice)
    assert Delivery.objects.filter(notice=notice).count() == 2


def test_sending_takes_a_constant_number_of_queries(deliveries, django_assert_max_num_queries,
                                                    subscriber_factory):
    notice = deliveries[0].notice
    Delivery.objects.bulk_create([
        Delivery(notice=notice, subscriber=subscriber_factory(f"more{i}@example.com"))
        for i in range(30)
    ])
    ids = list(Delivery.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(4):
        counts = deliveries_send(delivery_ids=ids)
    assert counts["sent"] == 32
