"""The seams other apps build on: the roster version stamp and the on-commit change signal.

Every write of a tracked model makes a django-simple-history record; the receivers below attach
the acting user, actor name and change reason of the surrounding ``roster_write`` to it, bump the
version stamp once per transaction, and send ``roster_changed`` after the commit. Because this
hangs off history itself, no write path can change the roster without bumping the stamp.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import F
from django.dispatch import Signal, receiver
from django.utils import timezone
from simple_history.signals import post_create_historical_record, pre_create_historical_record

#: Sent after the commit of a transaction that changed the roster.
#: Arguments: ``changes`` (a tuple of ``RosterChange``), ``actor`` and ``reason``.
roster_changed = Signal()


@dataclass(frozen=True)
class RosterChange:
    """One history record written by a roster write."""

    model: str  # the tracked model's name, lower case: "subprocessor", "location", ...
    object_id: int
    history_id: int
    history_type: str  # "+" created, "~" changed, "-" deleted
    sub_processor_id: int | None  # the sub-processor the record belongs to, if any


@dataclass
class _Write:
    user: object | None
    actor: str
    reason: str
    changes: list[RosterChange] = field(default_factory=list)


_current: contextvars.ContextVar[_Write | None] = contextvars.ContextVar(
    "roster_write", default=None
)


@contextmanager
def roster_write(*, user=None, actor: str = "", reason: str = "") -> Iterator[_Write]:
    """Run roster writes in one transaction, recorded as made by ``user``/``actor`` for
    ``reason``. Nested calls join the outermost one."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    write = _Write(user=user, actor=actor or _username(user), reason=reason)
    token = _current.set(write)
    try:
        with transaction.atomic():
            yield write
            if write.changes:
                _commit(write)
    finally:
        _current.reset(token)


def roster_version() -> tuple[int, datetime | None]:
    """The roster's version stamp and when it last moved: one one-row query.

    Written in SQL because it runs on every check, routes and API request: the ORM spends far
    longer compiling this query than the database spends answering it.
    """
    from .models import RosterVersion

    meta, quote = RosterVersion._meta, connection.ops.quote_name
    sql = (
        f"SELECT {quote(meta.get_field('stamp').column)}, "
        f"{quote(meta.get_field('changed_at').column)} FROM {quote(meta.db_table)} "
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [1])
        row = cursor.fetchone()
    if row is None:
        return 0, None
    changed_at = row[1]
    if changed_at is not None and not isinstance(changed_at, datetime):
        # Read raw, SQLite gives text: convert it as the ORM would.
        changed_at = meta.get_field("changed_at").to_python(changed_at)
    if changed_at is not None and timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, UTC)
    return row[0], changed_at


def current_version() -> int:
    """The roster's version stamp."""
    return roster_version()[0]


def bump_version(model=None) -> None:
    """Move the stamp on, in the current transaction. ``model`` is the ``RosterVersion`` model
    to use (a migration passes its historical one)."""
    if model is None:
        from .models import RosterVersion as model

    now = timezone.now()
    if not model.objects.filter(pk=1).update(stamp=F("stamp") + 1, changed_at=now):
        model.objects.create(pk=1, stamp=1, changed_at=now)


def _username(user) -> str:
    return getattr(user, "get_username", lambda: "")() if user is not None else ""


def _commit(write: _Write) -> None:
    bump_version()
    changes = tuple(write.changes)
    transaction.on_commit(
        lambda: roster_changed.send(
            sender=RosterChange, changes=changes, actor=write.actor, reason=write.reason
        )
    )


@receiver(pre_create_historical_record)
def _attach_actor(sender, history_instance, **kwargs):
    write = _current.get()
    if write is not None:
        if history_instance.history_user is None and write.user is not None:
            history_instance.history_user = write.user
        if not history_instance.history_change_reason and write.reason:
            history_instance.history_change_reason = write.reason
        history_instance.history_actor = write.actor
    if not history_instance.history_actor and history_instance.history_user is not None:
        history_instance.history_actor = _username(history_instance.history_user)


@receiver(post_create_historical_record)
def _collect(sender, instance, history_instance, **kwargs):
    change = RosterChange(
        model=instance._meta.model_name,
        object_id=instance.pk,
        history_id=history_instance.pk,
        history_type=history_instance.history_type,
        sub_processor_id=(
            instance.pk
            if instance._meta.model_name == "subprocessor"
            else getattr(instance, "sub_processor_id", None)
        ),
    )
    write = _current.get()
    if write is not None:
        write.changes.append(change)
    else:
        # A write outside roster_write (a shell session, a data migration): still versioned.
        _commit(_Write(user=None, actor=history_instance.history_actor, reason="",
                       changes=[change]))
