"""The legal team's admin screens: every notices page renders; failed deliveries are listed and
retried; objections are listed and resolved."""

import pytest
from django.core import mail
from django.utils import timezone

from notices.models import Delivery, Notice, Objection, Subscriber
from notices.services import notices_publish
from registry.changes import roster_write
from registry.models import SubProcessor

from .conftest import drafts, entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(roster, reimport, committed, subscriber_factory):
    subscriber_factory("ann@example.com")
    reimport(roster, lambda d: entry(d, "cdn").update(name="Cdn Holdings Ltd"))
    committed(notices_publish, notices=drafts())
    return Notice.objects.get()


@pytest.mark.parametrize("model", ["notice", "subscriber", "delivery", "objection"])
def test_admin_pages_render(admin_client, published, model):
    Objection.objects.create(notice=published, subscriber=published.deliveries.get().subscriber,
                             reason="No")
    changelist = admin_client.get(f"/admin/notices/{model}/")
    assert changelist.status_code == 200
    instance = {"notice": published, "delivery": published.deliveries.get(),
                "subscriber": published.deliveries.get().subscriber,
                "objection": Objection.objects.get()}[model]
    assert admin_client.get(f"/admin/notices/{model}/{instance.pk}/change/").status_code == 200


def test_failed_delivery_is_listed_and_retried(admin_client, published, committed):
    Delivery.objects.update(status="failed", sent_at=None, last_error="gave up")
    mail.outbox.clear()
    page = admin_client.get("/admin/notices/delivery/?status__exact=failed")
    assert b"ann@example.com" in page.content and b"gave up" in page.content
    committed(admin_client.post, "/admin/notices/delivery/",
              {"action": "retry", "_selected_action": list(
                  Delivery.objects.values_list("pk", flat=True))})
    assert Delivery.objects.get().status == "sent"
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]


def test_a_pending_delivery_left_without_a_task_can_be_sent_from_the_admin(
        admin_client, published, committed):
    # As after a worker was killed in mid-batch: pending, and no task will pick it up.
    Delivery.objects.update(status="pending", sent_at=None)
    sent = Delivery.objects.create(notice=published, subscriber=Subscriber.objects.create(
        email="bob@example.com", language="en", confirmed_at=timezone.now()),
        status="sent", sent_at=timezone.now())
    mail.outbox.clear()
    committed(admin_client.post, "/admin/notices/delivery/",
              {"action": "retry", "_selected_action": list(
                  Delivery.objects.values_list("pk", flat=True))})
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]  # never resends bob's
    assert Delivery.objects.get(pk=sent.pk).sent_at == sent.sent_at


def test_objection_is_listed_and_resolved(admin_client, published):
    subscriber = published.deliveries.get().subscriber
    objection = Objection.objects.create(notice=published, subscriber=subscriber,
                                         reason="Please keep my data in the EU")
    page = admin_client.get("/admin/notices/objection/")
    assert b"ann@example.com" in page.content
    admin_client.post("/admin/notices/objection/",
                      {"action": "resolve", "_selected_action": [objection.pk]})
    objection.refresh_from_db()
    assert objection.status == "resolved" and objection.resolved_at <= timezone.now()


def test_published_notice_is_read_only(admin_client, published):
    admin_client.post(f"/admin/notices/notice/{published.pk}/change/",
                      {"title_en": "Changed", "body_en": "x", "title_zh_hans": "x",
                       "body_zh_hans": "x"})
    published.refresh_from_db()
    assert published.title_en == "Change to sub-processor Cdn Holdings Ltd"


def test_deleting_a_public_sub_processor_drafts_its_removal(roster, committed):
    def delete():
        with roster_write(actor="legal", reason="deleted"):
            SubProcessor.objects.get(slug="cdn").delete()

    committed(delete)
    [draft] = drafts()
    assert (draft.slug, draft.kind, draft.sub_processor) == ("cdn", "removed", None)
    assert draft.body_en == "Cdn Ltd is no longer one of our sub-processors."
