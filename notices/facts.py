"""Snapshots of what the materiality table looks at, read from the registry.

A snapshot is plain JSON-able data, so that it can be stored (``KnownFacts``) and compared by
``notices.materiality.facts_diff`` without the ORM.
"""

from collections.abc import Iterable

from django.db.models import Prefetch

from registry.choices import SubjectRegion
from registry.models import DataFlow, Location, SubProcessor


def sub_processor_facts(sub_processor: SubProcessor) -> dict:
    """The snapshot of one sub-processor (its locations, safeguards, assessments and flows
    prefetched, as ``facts_by_id`` does)."""
    locations = list(sub_processor.locations.all())
    flows = set()
    for flow in sub_processor.data_flows.all():
        for category in flow.data_categories:
            for subject in flow.subjects:
                flows.add((category, subject))
    return {
        "slug": sub_processor.slug,
        "name": sub_processor.name,
        "public": sub_processor.public,
        "status": sub_processor.status,
        "category": sub_processor.category.slug,
        "category_en": sub_processor.category.name_en,
        "category_zh": sub_processor.category.name_zh_hans,
        "purpose_en": sub_processor.purpose_en,
        "purpose_zh": sub_processor.purpose_zh,
        "website": sub_processor.website,
        "headquarters": str(sub_processor.headquarters),
        "effective_from": _day(sub_processor.effective_from),
        "internal_notes": sub_processor.internal_notes,
        "dpa_signed": _day(sub_processor.dpa_signed),
        "certifications": sorted(sub_processor.certifications or []),
        "do_not_train_enabled": sub_processor.do_not_train_enabled,
        "zero_retention_enabled": sub_processor.zero_retention_enabled,
        "countries": sorted({str(location.country) for location in locations}),
        "cities": sorted({(str(loc.country), loc.city) for loc in locations if loc.city}),
        "regions": sorted({(str(loc.country), loc.region) for loc in locations if loc.region}),
        "safeguards": sorted(
            (s.kind, s.module or 0, _day(s.signed) or "") for s in sub_processor.safeguards.all()
        ),
        "assessments": sorted(
            (str(a.country), _day(a.completed)) for a in sub_processor.assessments.all()
        ),
        "flows": sorted(flows, key=_flow_order),
    }


def facts_by_id(ids: Iterable[int]) -> dict[int, dict]:
    """Snapshots of the sub-processors with these ids that still exist."""
    queryset = (
        SubProcessor.objects.filter(pk__in=list(ids))
        .select_related("category")
        .prefetch_related(
            Prefetch("locations", queryset=Location.objects.order_by("pk")),
            "safeguards",
            "assessments",
            Prefetch("data_flows", queryset=DataFlow.objects.order_by("pk")),
        )
    )
    return {sp.pk: _normalise(sub_processor_facts(sp)) for sp in queryset}


def _normalise(facts: dict) -> dict:
    # Tuples become lists, as they would after a round trip through a JSONField.
    return {
        key: [list(item) if isinstance(item, tuple) else item for item in value]
        if isinstance(value, list) else value
        for key, value in facts.items()
    }


def _day(value):
    return value.isoformat() if value else None


def _flow_order(pair):
    category, subject = pair
    # Regions first, then countries, so that the text reads "EEA, ROW, CN".
    return (category, subject not in SubjectRegion.values, subject)
