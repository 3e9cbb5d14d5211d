"""A sub-processor's change history as field-level differences, newest first.

Its children's records count as its changes: adding or removing a location, a safeguard, an
assessment or a data flow shows in the sub-processor's history. Each record is compared with the
previous record of the same object (``diff_against``); a created record lists every field as
new, a deleted one every field as gone. Who acted is the recorded actor (a user's name or a
command's), why is the change reason of the ``roster_write`` that made it.
"""

from datetime import date, datetime

from registry.models import (
    Category,
    DataFlow,
    Location,
    Safeguard,
    SubProcessor,
    TransferAssessment,
)

from .serializers import HISTORY_TYPES

#: (record name, model, the history field naming the sub-processor), in the order used to break
#: ties between records made at the same moment.
TRACKED = (
    ("sub_processor", SubProcessor, "id"),
    ("location", Location, "sub_processor_id"),
    ("safeguard", Safeguard, "sub_processor_id"),
    ("assessment", TransferAssessment, "sub_processor_id"),
    ("data_flow", DataFlow, "sub_processor_id"),
)
#: Fields that say nothing about what changed: identity and the parent of a child.
EXCLUDED_FIELDS = ("id", "sub_processor")


def json_value(value):
    """A field value as JSON can carry it (dates in ISO 8601, countries as their code)."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def diffed_fields(history_model) -> list:
    return [f for f in history_model.tracked_fields
            if f.editable and f.name not in EXCLUDED_FIELDS]


def sub_processor_history(sub_processor: SubProcessor) -> list[dict]:
    """Every recorded change of ``sub_processor`` and of its children, newest first.

    One query per tracked model and one for category slugs, whatever the length.
    """
    category_slugs = dict(Category.history.values_list("id", "slug").order_by("history_date"))
    entries = []
    for rank, (record, model, key) in enumerate(TRACKED):
        records = (
            model.history.filter(**{key: sub_processor.pk})
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        fields = diffed_fields(model.history.model)
        previous = None
        for current in records:
            if previous is not None and previous.id != current.id:
                previous = None
            changes = record_changes(current, previous, fields)
            for change in changes:
                if change["field"] == "category":
                    change["old"] = category_slugs.get(change["old"], change["old"])
                    change["new"] = category_slugs.get(change["new"], change["new"])
            entries.append((current.history_date, rank, current.history_id, {
                "id": current.history_id,
                "when": current.history_date,
                "who": history_who(current),
                "why": current.history_change_reason or None,
                "record": record,
                "record_id": current.id,
                "action": HISTORY_TYPES.get(current.history_type, current.history_type),
                "changes": changes,
            }))
            previous = current
    entries.sort(key=lambda entry: entry[:3], reverse=True)
    return [entry[3] for entry in entries]


def record_changes(current, previous, fields) -> list[dict]:
    """What ``current`` changed against the previous record of the same object."""
    if current.history_type == "-":
        return [{"field": f.name, "old": json_value(getattr(current, f.attname)), "new": None}
                for f in fields]
    if previous is None or current.history_type == "+":
        return [{"field": f.name, "old": None, "new": json_value(getattr(current, f.attname))}
                for f in fields]
    delta = current.diff_against(previous, excluded_fields=EXCLUDED_FIELDS)
    return [{"field": change.field, "old": json_value(change.old), "new": json_value(change.new)}
            for change in delta.changes]


def history_who(record) -> str:
    if record.history_actor:
        return record.history_actor
    user = record.history_user
    return user.get_username() if user is not None else ""
