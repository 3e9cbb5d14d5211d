"""Reads of the API: the sub-processor rows of a page and their children, now or as of a day.

Rows are plain dicts (``values()``), children fetched in one query per relation for the whole
page and grouped by ``sub_processor_id``: the number of queries does not grow with the page.
As of a day, the same queries run on the history tables (``Model.history.as_of``), so a
location removed since is still listed and one added since is not.
"""

from datetime import date

from django.db.models import F, QuerySet

from registry.models import (
    Category,
    DataCategory,
    Location,
    Safeguard,
    SubProcessor,
    TransferAssessment,
)
from registry.roster import end_of_day

SUB_PROCESSOR_VALUES = (
    "id", "slug", "name", "category_id", "purpose_en", "purpose_zh_hans", "website",
    "headquarters", "status", "effective_from", "announced_effective", "retired_on", "public",
    "dpa_signed", "certifications", *SubProcessor.AI_FLAGS, "internal_notes", "created_at",
)
CHILDREN = (
    ("locations", Location, ("country", "region", "city")),
    ("safeguards", Safeguard, ("kind", "module", "signed")),
    ("assessments", TransferAssessment, ("country", "completed")),
)


def sub_processor_rows(queryset: QuerySet) -> QuerySet:
    """Live sub-processor rows, with the category slug, in slug order."""
    return queryset.order_by("slug").values(
        *SUB_PROCESSOR_VALUES, "updated_at", category_slug=F("category__slug")
    )


def sub_processor_rows_as_of(day: date) -> QuerySet:
    """Sub-processor rows as they stood at the end of ``day``, in slug order."""
    return SubProcessor.history.as_of(end_of_day(day)).order_by("slug").values(
        *SUB_PROCESSOR_VALUES
    )


def with_children(rows, *, day: date | None = None) -> list[dict]:
    """Attach to each row its ``category`` slug and its child lists (live, or as of ``day``).

    Four queries at most, whatever the number of rows.
    """
    rows = list(rows)
    if not rows:
        return rows
    ids = [row["id"] for row in rows]
    moment = end_of_day(day) if day is not None else None
    if moment is not None:
        slugs = dict(Category.history.as_of(moment).values_list("id", "slug"))
    for row in rows:
        row["category"] = (slugs.get(row["category_id"]) if moment is not None
                           else row["category_slug"])
        row["updated_at"] = row.get("updated_at")
        for relation, _model, _fields in CHILDREN:
            row[relation] = []
    by_id = {row["id"]: row for row in rows}
    for relation, model, fields in CHILDREN:
        source = model.history.as_of(moment) if moment is not None else model.objects
        children = (
            source.filter(sub_processor_id__in=ids)
            .order_by("sub_processor_id", *fields, "id")
            .values("sub_processor_id", *fields)
        )
        for child in children:
            by_id[child["sub_processor_id"]][relation].append(child)
    return rows


def data_flow_rows(queryset: QuerySet) -> QuerySet:
    """Data-flow rows with their sub-processor's slug, by sub-processor, purpose and id."""
    return queryset.order_by("sub_processor__slug", "purpose", "id").values(
        "id", "data_categories", "subjects", "countries", "purpose",
        sub_processor_slug=F("sub_processor__slug"),
    )


def data_category_rows() -> QuerySet:
    return DataCategory.objects.order_by("position", "code").values(
        "code", "name_en", "name_zh_hans", "retention_en", "retention_zh_hans"
    )
