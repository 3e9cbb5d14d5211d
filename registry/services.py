"""Writes to the catalogue. Admin, roster import and API all validate through the models'
``full_clean()`` (field validators, ``clean()``, constraints), so each rule is written once.

Call these inside ``registry.changes.roster_write`` so that history names who acted and why.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from django.db import models

from .changes import roster_write
from .choices import Status
from .models import SubProcessor


def instance_save_changes(*, instance: models.Model, data: dict) -> list[str]:
    """Set ``data`` on ``instance``, validate, and save only if something differs.

    Returns the names of the fields that changed; an unchanged instance writes no history.
    """
    if instance.pk is None:
        changed = list(data)
    else:
        changed = [name for name, value in data.items() if getattr(instance, name) != value]
        if not changed:
            return []
    for name in changed:
        setattr(instance, name, data[name])
    instance.full_clean()
    instance.save()
    return changed


def children_replace(
    *,
    parent: models.Model,
    relation: str,
    rows: Sequence[dict],
    key: Callable[[dict], tuple],
) -> tuple[int, int]:
    """Make ``parent.<relation>`` hold exactly ``rows``, touching only rows that differ.

    Child rows have no identity of their own in a roster file, so a row is matched by its whole
    value (``key``). Returns how many rows were added and removed.
    """
    manager = getattr(parent, relation)
    model = manager.model
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    wanted = Counter(key(row) for row in rows)
    removed = 0
    for child in manager.all():
        values = {name: getattr(child, name) for name in fields}
        child_key = key(values)
        if wanted[child_key] > 0:
            wanted[child_key] -= 1
        else:
            child.delete()
            removed += 1
    added = 0
    remaining = +wanted
    for row in rows:
        row_key = key(row)
        if remaining[row_key] > 0:
            remaining[row_key] -= 1
            instance = model(**row, **{manager.field.name: parent})
            instance.full_clean()
            instance.save()
            added += 1
    return added, removed


def sub_processors_retire(
    *, sub_processors: Iterable[SubProcessor], on: date
) -> list[SubProcessor]:
    """Retire (never delete) sub-processors: they stop receiving data on ``on``."""
    retired = []
    for sub_processor in sub_processors:
        if sub_processor.status == Status.RETIRED:
            continue
        retired_on = on
        if sub_processor.effective_from and sub_processor.effective_from > on:
            retired_on = sub_processor.effective_from
        instance_save_changes(
            instance=sub_processor, data={"status": Status.RETIRED, "retired_on": retired_on}
        )
        retired.append(sub_processor)
    return retired


__all__ = ["children_replace", "instance_save_changes", "roster_write", "sub_processors_retire"]
