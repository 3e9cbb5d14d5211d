"""Sending notices: one SMTP connection per batch, each delivery marked sent only after the
mail server accepted it, failed batches retried later with a growing delay.

Django's tasks framework has no retries of its own, so a batch that could not be sent is
enqueued again with ``run_after``. Only after ``NOTICE_RETRY_WINDOW`` seconds of retrying is a
delivery marked failed; the admin lists it and can retry it. A delivery marked sent is never
sent again. Accepted deliveries are marked sent in groups (``_Accepted``), and always before a
batch is retried: only a worker that dies in between can send a message twice, with the same
Message-ID.
"""

import contextlib
import logging
import smtplib
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .emails import NoticeEmailTemplate, confirmation_email
from .models import Delivery, DeliveryStatus, Notice, Subscriber

logger = logging.getLogger(__name__)

#: Seconds to wait before each retry of a batch; the last one repeats.
RETRY_DELAYS = (30, 60, 120, 240, 480, 900)
#: Keep retrying for at least this many seconds before marking deliveries failed.
RETRY_WINDOW = 24 * 3600

SEND_ERRORS = (OSError, smtplib.SMTPException)


def retry_delay(attempt: int) -> timedelta | None:
    """The wait before retry number ``attempt + 1``, or None once the window is spent."""
    delays = tuple(getattr(settings, "NOTICE_RETRY_DELAYS", RETRY_DELAYS))
    window = getattr(settings, "NOTICE_RETRY_WINDOW", RETRY_WINDOW)
    waited = sum(delays[min(i, len(delays) - 1)] for i in range(attempt))
    if waited >= window:
        return None
    return timedelta(seconds=delays[min(attempt, len(delays) - 1)])


def _permanent(error: Exception) -> bool:
    """A 5xx answer about this one message: retrying it would not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


class Recipient(NamedTuple):
    """One pending delivery, as read for sending (plain values: thousands are read at once)."""

    delivery_id: int
    notice_id: int
    subscriber_id: int
    email: str
    language: str
    confirmed_at: datetime | None
    unsubscribed_at: datetime | None


def deliveries_send(*, delivery_ids: list[int], attempt: int = 0) -> dict:
    """Send the pending deliveries among ``delivery_ids`` over one connection."""
    recipients = [
        Recipient(*row) for row in
        Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING)
        .order_by("pk")
        .values_list("pk", "notice_id", "subscriber_id", "subscriber__email",
                     "subscriber__language", "subscriber__confirmed_at",
                     "subscriber__unsubscribed_at")
    ]
    counts = {"sent": 0, "failed": 0, "cancelled": 0, "retry": 0}
    # A batch is usually of one notice: read it (and its sub-processor) once.
    notices = Notice.objects.select_related("sub_processor").in_bulk(
        {recipient.notice_id for recipient in recipients}
    )
    sendable = []
    for recipient in recipients:
        if _sendable(recipient, notices[recipient.notice_id]):
            sendable.append(recipient)
        else:
            _mark(recipient.delivery_id, DeliveryStatus.CANCELLED, "not sendable")
            counts["cancelled"] += 1
    if not sendable:
        return counts
    connection = mail.mailers.default
    sender = _Sender(connection, sendable, notices)
    accepted = _Accepted()
    remaining, error = [], None
    try:
        connection.open()
    except SEND_ERRORS as exc:
        remaining, error = sendable, exc
    else:
        try:
            for index, recipient in enumerate(sendable):
                try:
                    sender.send(recipient)
                except SEND_ERRORS as exc:
                    if _permanent(exc):
                        _mark(recipient.delivery_id, DeliveryStatus.FAILED, str(exc))
                        counts["failed"] += 1
                        continue
                    remaining, error = sendable[index:], exc
                    break
                accepted.add(recipient.delivery_id)
                counts["sent"] += 1
        finally:
            accepted.flush()
            with contextlib.suppress(*SEND_ERRORS):  # what was sent is already marked
                connection.close()
    if remaining:
        counts["retry"] = len(remaining)
        _retry_later([recipient.delivery_id for recipient in remaining], attempt, error)
    return counts


def _sendable(recipient: Recipient, notice: Notice) -> bool:
    """Only to a confirmed, still subscribed address; never about a non-public sub-processor."""
    subscribed = recipient.confirmed_at is not None and recipient.unsubscribed_at is None
    return subscribed and (notice.sub_processor is None or notice.sub_processor.public)


class _Sender:
    """Sends over one open connection of the configured mailer, each message rendered from a
    ``NoticeEmailTemplate`` made once per notice and language. With Django's SMTP backend, a
    prepared message goes straight to the backend's open ``smtplib`` connection: the backend's
    own path re-parses both addresses of every message with the (slow) email header parser,
    and a prepared message's addresses are already checked (``emails.PLAIN_ADDRESS``)."""

    def __init__(self, connection, recipients: list[Recipient], notices: dict[int, Notice]):
        self.connection = connection
        self.direct = isinstance(connection, SMTPBackend)
        self.from_address = connection.prep_address(settings.DEFAULT_FROM_EMAIL) if (
            self.direct) else ""
        keys = {(recipient.notice_id, recipient.language) for recipient in recipients}
        self.templates = {(notice_id, language): NoticeEmailTemplate(notices[notice_id], language)
                          for notice_id, language in keys}

    def send(self, recipient: Recipient) -> None:
        """Return once the server accepted the message; raise otherwise."""
        template = self.templates[recipient.notice_id, recipient.language]
        if self.direct:
            raw = template.raw_for(recipient.subscriber_id, recipient.email)
            if raw is not None:
                self.connection.connection.sendmail(self.from_address, [recipient.email], raw)
                return
        message = template.email_for(recipient.subscriber_id, recipient.email)
        if not self.connection.send_messages([message]):
            raise smtplib.SMTPException("the mail backend sent nothing")


class _Accepted:
    """Deliveries the mail server accepted, marked sent every ``MARK_EVERY`` messages: one
    UPDATE per group, not per message. A crash between acceptance and marking resends at most
    that many messages, with the same Message-ID (at-least-once delivery)."""

    MARK_EVERY = 100

    def __init__(self):
        self.ids: list[int] = []

    def add(self, pk: int) -> None:
        self.ids.append(pk)
        if len(self.ids) >= self.MARK_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.ids:
            Delivery.objects.filter(pk__in=self.ids, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENT, sent_at=timezone.now(),
                attempts=F("attempts") + 1, last_error="",
            )
            self.ids = []


def _mark(delivery_id: int, status: str, error: str = "") -> None:
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=status, attempts=F("attempts") + 1, last_error=error[:2000]
    )


def _retry_later(ids: list[int], attempt: int, error: Exception) -> None:
    from .tasks import send_deliveries

    pending = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING)
    pending.update(attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}")
    delay = retry_delay(attempt)
    if delay is None:
        count = pending.update(status=DeliveryStatus.FAILED)
        logger.error("%d notice deliveries failed after retrying: %s", count, error)
        return
    task = send_deliveries
    if not task.get_backend().supports_defer:
        logger.warning("Task backend cannot defer: %d deliveries left pending (%s)",
                       len(ids), error)
        return
    run_after = timezone.now() + delay
    logger.warning("Sending %d notice deliveries failed (%s); retry %d at %s",
                   len(ids), error, attempt + 1, run_after.isoformat())
    transaction.on_commit(
        lambda: task.using(run_after=run_after).enqueue(delivery_ids=ids, attempt=attempt + 1)
    )


def confirmation_send(*, subscriber_id: int) -> bool:
    """Send the double opt-in email (not retried: the person can ask again)."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.is_active:
        return False
    with mail.mailers.default as connection:
        return bool(connection.send_messages([confirmation_email(subscriber)]))
