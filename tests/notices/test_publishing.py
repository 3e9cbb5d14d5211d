"""Publishing: dates, permissions (admin and command), announced day of a new sub-processor,
deliveries addressed only to confirmed subscribers, and the feed."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notices.models import Delivery, Notice
from notices.services import deliveries_create, notices_publish
from registry.models import SubProcessor

from .conftest import drafts, entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(roster, reimport):
    reimport(roster, lambda d: entry(d, "cdn").update(name="Cdn Holdings Ltd"))
    [notice] = drafts()
    return notice


def staff(username, group):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_publishing_stamps_announcement_and_effective_date(draft, settings, committed):
    settings.NOTICE_PERIOD_DAYS = 10
    [notice] = committed(notices_publish, notices=[draft], actor="legal")
    notice.refresh_from_db()
    assert notice.status == "published"
    assert notice.effective_on == timezone.localdate() + timedelta(days=10)
    assert notice.published_actor == "legal"


def test_default_notice_period_is_thirty_days(draft, committed):
    [notice] = committed(notices_publish, notices=[draft])
    assert notice.effective_on == timezone.localdate(notice.published_at) + timedelta(days=30)


def test_publishing_a_new_proposed_sub_processor_fixes_its_announced_day(roster, reimport,
                                                                         committed):
    early = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = reimport(roster, lambda d: d["sub_processors"].append(
        {**entry(d, "genai"), "slug": "newai", "name": "New AI Inc", "status": "proposed",
         "effective_from": early}))
    [notice] = drafts()
    committed(notices_publish, notices=[notice])
    newai = SubProcessor.objects.get(slug="newai")
    assert newai.announced_effective == timezone.localdate() + timedelta(days=30)
    assert newai.history.first().history_change_reason == "Notice published"
    assert drafts() == []  # the announced day is not a material change
    # A later import of an earlier effective_from does not move the announced day.
    reimport(data, lambda d: entry(d, "newai").update(effective_from=timezone.localdate()
                                                      .isoformat()))
    newai.refresh_from_db()
    assert newai.announced_effective == timezone.localdate() + timedelta(days=30)


def test_only_confirmed_subscribers_get_deliveries(draft, subscriber_factory, committed):
    confirmed = subscriber_factory("a@example.com")
    subscriber_factory("unconfirmed@example.com", confirmed=False)
    subscriber_factory("gone@example.com", unsubscribed_at=timezone.now())
    committed(notices_publish, notices=[draft])
    assert list(Delivery.objects.values_list("subscriber", "status")) == [
        (confirmed.pk, "sent")
    ]
    assert [message.to for message in mail.outbox] == [["a@example.com"]]


def test_subscriber_confirmed_after_publication_gets_nothing(draft, subscriber_factory,
                                                             committed):
    committed(notices_publish, notices=[draft])
    subscriber_factory("late@example.com")
    draft.refresh_from_db()
    committed(deliveries_create, notice=draft)  # addressing it again adds no one
    assert not Delivery.objects.exists() and mail.outbox == []


def test_approver_publishes_in_the_admin(draft, client, committed, subscriber_factory):
    subscriber_factory("a@example.com")
    client.force_login(staff("approver", "Notice approvers"))
    response = committed(client.post, "/admin/notices/notice/",
                         {"action": "publish", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_by.username == "approver"
    assert len(mail.outbox) == 1


def test_editor_edits_but_cannot_publish(draft, client, committed):
    client.force_login(staff("editor", "Notice editors"))
    page = client.get(f"/admin/notices/notice/{draft.pk}/change/")
    assert page.status_code == 200
    changelist = client.get("/admin/notices/notice/")
    assert b'value="publish"' not in changelist.content
    committed(client.post, "/admin/notices/notice/",
              {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft"
    response = client.post(f"/admin/notices/notice/{draft.pk}/change/", {
        "title_en": "Edited", "body_en": "Edited body", "title_zh_hans": "改", "body_zh_hans": "改",
    })
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title_en, draft.status) == ("Edited", "draft")


def test_publish_notices_command(draft, committed, capsys):
    User.objects.create_user("pipeline")
    committed(call_command, "publish_notices", "--dry-run")
    assert "would publish: cdn [changed]" in capsys.readouterr().out
    assert drafts() == [draft]
    committed(call_command, "publish_notices", "--user", "pipeline")
    out = capsys.readouterr().out
    draft.refresh_from_db()
    assert f"published: cdn [changed] {draft.title_en}" in out
    assert draft.published_actor == "pipeline" and draft.published_by.username == "pipeline"
    call_command("publish_notices")
    assert "No draft notices" in capsys.readouterr().out


def test_a_sub_processor_made_non_public_is_never_published(draft, roster, reimport, committed):
    reimport(roster, lambda d: entry(d, "cdn").update(public=False))
    assert not Notice.objects.exists()  # its draft was dropped


def test_feed_lists_published_public_notices(draft, client, committed):
    empty = client.get("/sub-processors/feed/")
    assert empty.status_code == 200 and b"<feed" in empty.content
    assert b"Cdn Holdings" not in empty.content  # drafts are not public
    committed(notices_publish, notices=[draft])
    english = client.get("/sub-processors/feed/").content.decode()
    chinese = client.get("/zh-hans/sub-processors/feed/").content.decode()
    assert "Change to sub-processor Cdn Holdings Ltd" in english
    assert "子处理者变更：Cdn Holdings Ltd" in chinese
    SubProcessor.objects.filter(slug="cdn").update(public=False)
    assert "Cdn" not in client.get("/sub-processors/feed/").content.decode()


def test_feed_is_atom_with_one_entry_per_published_notice(draft, client, committed):
    import xml.etree.ElementTree as ET

    committed(notices_publish, notices=[draft])
    response = client.get("/sub-processors/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    [item] = root.findall(f"{atom}entry")
    assert item.find(f"{atom}title").text == "Change to sub-processor Cdn Holdings Ltd"
    assert item.find(f"{atom}link").get("href").endswith(f"/sub-processors/notices/{draft.pk}/")
