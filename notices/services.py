"""Writes of the notices app: drafts from roster changes, publishing, subscriptions and
objections. Side effects (email, tasks) are enqueued with ``transaction.on_commit``.
"""

import hashlib
import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.changes import roster_write
from registry.choices import Status
from registry.models import SubProcessor
from registry.services import instance_save_changes

from .facts import facts_by_id
from .materiality import material_changes
from .models import (
    Delivery,
    DeliveryStatus,
    KnownFacts,
    Notice,
    NoticeKind,
    NoticeStatus,
    Objection,
    Subscriber,
)
from .texts import notice_kind, notice_texts

logger = logging.getLogger(__name__)

#: Deliveries sent by one task: one SMTP connection each.
DELIVERY_BATCH_SIZE = 500
#: Confirmation emails one address can trigger per hour (beyond it: answered, nothing sent).
SUBSCRIBE_LIMIT_PER_ADDRESS = 3
RATE_WINDOW = 3600


# --- drafts from roster changes -----------------------------------------------------------------


def notices_record_roster_changes(*, sub_processor_ids: Iterable[int]) -> list[Notice]:
    """Compare the sub-processors a roster write touched with their last known facts and open,
    update or drop their draft notices. The first write into an empty registry is the baseline:
    it records facts and makes no drafts."""
    ids = sorted(set(sub_processor_ids))
    if not ids:
        return []
    drafts = []
    with transaction.atomic():
        baseline_run = not KnownFacts.objects.exists()
        if baseline_run:
            # Every sub-processor, so that none is later taken for a new one.
            ids = sorted({*ids, *SubProcessor.objects.values_list("pk", flat=True)})
        known = {
            row.sub_processor_id: row
            for row in KnownFacts.objects.select_for_update().filter(sub_processor_id__in=ids)
        }
        current = facts_by_id(ids)
        for sp_id in ids:
            row = known.get(sp_id)
            before = row.facts if row else None
            after = current.get(sp_id)
            if not baseline_run and before != after:
                draft = _draft_update(sp_id, before, after)
                if draft is not None:
                    drafts.append(draft)
            if after is None:
                KnownFacts.objects.filter(sub_processor_id=sp_id).delete()
            elif row is None:
                KnownFacts.objects.create(sub_processor_id=sp_id, facts=after)
            elif row.facts != after:
                row.facts = after
                row.save(update_fields=["facts", "updated_at"])
    return drafts


def _draft_update(sp_id: int, before: dict | None, after: dict | None) -> Notice | None:
    slug = (after or before)["slug"]
    draft = (
        Notice.objects.select_for_update()
        .filter(Q(sub_processor_id=sp_id) | Q(sub_processor__isnull=True, slug=slug),
                status=NoticeStatus.DRAFT)
        .order_by("pk")
        .first()
    )
    # The open draft announces everything since it was opened, so compare with its baseline.
    baseline = draft.baseline if draft is not None else before
    changes = material_changes(baseline, after)
    if not changes:
        if draft is not None:  # changed back, or no longer public: nothing left to announce
            draft.delete()
        return None
    values = notice_texts(changes, before=baseline, after=after)
    values.update(
        kind=notice_kind(changes),
        slug=(after or baseline)["slug"],
        changes=[{"kind": str(change.kind), "detail": list(change.detail)} for change in changes],
    )
    if draft is None:
        draft = Notice(sub_processor_id=sp_id if after else None, baseline=before)
    elif after is None:
        draft.sub_processor_id = None
    for name, value in values.items():
        setattr(draft, name, value)
    draft.full_clean()
    draft.save()
    return draft


# --- publishing ---------------------------------------------------------------------------------


def notice_effective_on(published_at):
    """Announcement day (in TIME_ZONE) plus the notice period (policy §8, SCC Clause 9(a))."""
    return timezone.localdate(published_at) + timedelta(days=settings.NOTICE_PERIOD_DAYS)


def notices_publish(*, notices: Iterable[Notice], user=None, actor: str = "") -> list[Notice]:
    """Publish draft notices: stamp the announcement and effective dates, fix the announced day
    of a proposed sub-processor, and address the notice to every confirmed subscriber."""
    user = user if getattr(user, "is_authenticated", False) else None
    actor = actor or (user.get_username() if user else "")
    now = timezone.now()
    published = []
    with transaction.atomic():
        queryset = (
            # Lock the notices only: PostgreSQL cannot lock the nullable side of an outer join.
            Notice.objects.select_for_update(of=("self",))
            .filter(pk__in=[notice.pk for notice in notices], status=NoticeStatus.DRAFT)
            .select_related("sub_processor")
            .order_by("pk")
        )
        for notice in queryset:
            sub_processor = notice.sub_processor
            if sub_processor is not None and not sub_processor.public:
                continue  # nothing public names a sub-processor that is not public
            notice.status = NoticeStatus.PUBLISHED
            notice.published_at = now
            notice.effective_on = notice_effective_on(now)
            notice.published_by = user
            notice.published_actor = actor
            notice.full_clean()
            notice.save()
            if (notice.kind == NoticeKind.ADDED and sub_processor is not None
                    and sub_processor.status == Status.PROPOSED):
                # registry.not_active: it receives no data before this day (transfer-rules.md).
                with roster_write(user=user, actor=actor, reason="Notice published"):
                    instance_save_changes(
                        instance=sub_processor, data={"announced_effective": notice.effective_on}
                    )
            deliveries_create(notice=notice)
            published.append(notice)
    return published


def deliveries_create(*, notice: Notice) -> None:
    """One delivery per subscriber confirmed before the announcement, then the sending.

    One ``INSERT ... SELECT`` (``ON CONFLICT DO NOTHING``: SQLite and PostgreSQL): building
    100,000 model instances for ``bulk_create`` would take most of the time the goal allows.
    """
    subscribers = Subscriber.objects.filter(
        confirmed_at__isnull=False, confirmed_at__lte=notice.published_at,
        unsubscribed_at__isnull=True,
    )
    select_sql, select_params = subscribers.values(subscriber_id=F("pk")).query.sql_with_params()
    table = Delivery._meta.db_table
    columns = ", ".join(connection.ops.quote_name(Delivery._meta.get_field(name).column) for name
                        in ("notice", "subscriber", "status", "attempts", "last_error",
                            "created_at"))
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) "
            f"SELECT %s, subscriber.subscriber_id, %s, 0, '', %s FROM ({select_sql}) subscriber "
            "WHERE true ON CONFLICT DO NOTHING",  # WHERE: SQLite's upsert-after-SELECT rule
            [notice.pk, DeliveryStatus.PENDING,
             Delivery._meta.get_field("created_at").get_db_prep_value(now, connection),
             *select_params],
        )
    notice_id = notice.pk
    transaction.on_commit(lambda: deliveries_enqueue(notice_id=notice_id))


def deliveries_enqueue(*, notice_id: int | None = None, delivery_ids: Iterable[int] = ()) -> int:
    """Enqueue the pending deliveries of a notice (or these ones), one task per batch."""
    from .tasks import send_deliveries

    queryset = Delivery.objects.filter(status=DeliveryStatus.PENDING)
    if notice_id is not None:
        queryset = queryset.filter(notice_id=notice_id)
    else:
        queryset = queryset.filter(pk__in=list(delivery_ids))
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), DELIVERY_BATCH_SIZE):
        send_deliveries.enqueue(delivery_ids=ids[start:start + DELIVERY_BATCH_SIZE])
    return len(ids)


def deliveries_retry(*, deliveries: Iterable[Delivery]) -> int:
    """Give failed deliveries another round of attempts (the admin's "retry")."""
    ids = [delivery.pk for delivery in deliveries if delivery.status == DeliveryStatus.FAILED]
    with transaction.atomic():
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, attempts=0
        )
        transaction.on_commit(lambda: deliveries_enqueue(delivery_ids=ids))
    return len(ids)


# --- subscribers --------------------------------------------------------------------------------


def rate_limit_hit(*, key: str, limit: int, window: int = RATE_WINDOW) -> bool:
    """Count one event under ``key`` in the shared cache; True once over ``limit`` per window."""
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
    return count > limit


def subscriber_subscribe(*, email: str, language: str) -> None:
    """Ask an address to confirm its subscription. Answers nothing: the caller must not learn
    whether the address was subscribed. Over the per-address limit, sends nothing."""
    from .tasks import send_confirmation

    email = email.strip().lower()
    digest = hashlib.sha256(email.encode()).hexdigest()
    if rate_limit_hit(key=f"notices:subscribe:address:{digest}",
                      limit=SUBSCRIBE_LIMIT_PER_ADDRESS):
        return
    with transaction.atomic():
        subscriber, created = Subscriber.objects.get_or_create(
            email=email, defaults={"language": language}
        )
        if subscriber.is_active:
            return
        if subscriber.language != language:
            subscriber.language = language
            subscriber.save(update_fields=["language"])
        subscriber_id = subscriber.pk
        transaction.on_commit(lambda: send_confirmation.enqueue(subscriber_id=subscriber_id))


def subscriber_confirm(*, subscriber: Subscriber) -> Subscriber:
    """Confirm (or re-confirm after unsubscribing): notices published from now on reach it."""
    if not subscriber.is_active:
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscriber


def subscriber_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Stop every email to this address, pending deliveries included (RFC 8058 one-click)."""
    with transaction.atomic():
        if subscriber.unsubscribed_at is None:
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["unsubscribed_at"])
        subscriber.deliveries.filter(status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.CANCELLED, last_error="unsubscribed"
        )
    return subscriber


# --- objections ---------------------------------------------------------------------------------


def notice_objection_open(notice: Notice) -> bool:
    """Objections are taken until the effective date (GDPR Art. 28(2), SCC Clause 9(a))."""
    return (
        notice.status == NoticeStatus.PUBLISHED
        and timezone.localdate() < notice.effective_on
    )


def objection_submit(*, notice: Notice, subscriber: Subscriber, reason: str) -> Objection:
    """Record (or restate) a subscriber's objection to a published notice, inside the window."""
    if not notice_objection_open(notice):
        raise ValidationError(_("The objection period for this notice has closed."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")})
    objection, _created = Objection.objects.update_or_create(
        notice=notice, subscriber=subscriber, defaults={"reason": reason}
    )
    return objection
