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

from django.db import transaction
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


def current_version() -> int:
    """The roster's version stamp: one small query."""
    from .models import RosterVersion

    return RosterVersion.objects.filter(pk=1).values_list("stamp", flat=True).first() or 0


def _username(user) -> str:
    return getattr(user, "get_username", lambda: "")() if user is not None else ""


def _bump_version() -> None:
    from .models import RosterVersion

    now = timezone.now()
    if not RosterVersion.objects.filter(pk=1).update(stamp=F("stamp") + 1, changed_at=now):
        RosterVersion.objects.create(pk=1, stamp=1, changed_at=now)


def _commit(write: _Write) -> None:
    _bump_version()
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
