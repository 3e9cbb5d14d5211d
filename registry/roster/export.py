"""Exporting the roster as a roster file, now or as it stood at the end of a day (rebuilt from
history), deterministically: the same roster gives the same bytes."""

import json
from datetime import date, datetime, time, timedelta

import yaml
from django.utils import timezone

from registry.choices import AI_MODEL_PROVIDER
from registry.models import (
    Category,
    DataFlow,
    Location,
    Safeguard,
    SubProcessor,
    TransferAssessment,
)

from .plan import VERSION, flow_key


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in the registry's time zone."""
    start = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(start, timezone.get_current_timezone()) - timedelta(microseconds=1)


def roster_as_of(day: date | None = None) -> dict:
    """The roster as a roster-file dict: now, or as it stood at the end of ``day``."""
    if day is None:
        managers = {m: m.objects for m in (Category, SubProcessor, Location, Safeguard,
                                           TransferAssessment, DataFlow)}
        rows = {m: list(manager.all()) for m, manager in managers.items()}
    else:
        moment = end_of_day(day)
        rows = {m: list(m.history.as_of(moment)) for m in (Category, SubProcessor, Location,
                                                          Safeguard, TransferAssessment, DataFlow)}
    return build_roster(rows)


def build_roster(rows: dict) -> dict:
    """Build the file's dict from model instances (live, or rebuilt from history)."""
    categories = {c.pk: c for c in rows[Category]}
    children: dict[type, dict[int, list]] = {}
    for model in (Location, Safeguard, TransferAssessment, DataFlow):
        grouped: dict[int, list] = {}
        for row in rows[model]:
            grouped.setdefault(row.sub_processor_id, []).append(row)
        children[model] = grouped

    roster: dict = {"version": VERSION}
    extra = sorted((c for c in categories.values() if not c.builtin), key=lambda c: c.slug)
    if extra:
        roster["categories"] = [
            {"slug": c.slug, "name": {"en": c.name_en, "zh-hans": c.name_zh_hans}} for c in extra
        ]
    sub_processors, flows = [], []
    for sp in sorted(rows[SubProcessor], key=lambda sp: sp.slug):
        category = categories.get(sp.category_id)
        sub_processors.append(_export_sub_processor(sp, category, children))
        sp_flows = children[DataFlow].get(sp.pk, [])
        for flow in sorted(sp_flows, key=lambda f: flow_key(vars(f))):
            flows.append({
                "sub_processor": sp.slug,
                "data_categories": list(flow.data_categories),
                "subjects": list(flow.subjects),
                "countries": list(flow.countries),
                "purpose": flow.purpose,
            })
    roster["sub_processors"] = sub_processors
    roster["data_flows"] = flows
    return roster


def _export_sub_processor(sp, category, children) -> dict:
    purpose = {"en": sp.purpose_en}
    if sp.purpose_zh_hans:
        purpose["zh-hans"] = sp.purpose_zh_hans
    entry = {
        "slug": sp.slug,
        "name": sp.name,
        "category": category.slug if category else None,
        "purpose": purpose,
        "website": sp.website or None,
        "headquarters": str(sp.headquarters),
        "status": sp.status,
        "effective_from": sp.effective_from,
        "retired_on": sp.retired_on,
        "public": sp.public,
        "dpa_signed": sp.dpa_signed,
        "certifications": list(sp.certifications),
    }
    if category is not None and category.slug == AI_MODEL_PROVIDER:
        entry["ai"] = {name: getattr(sp, name) for name in SubProcessor.AI_FLAGS}
    entry["locations"] = [
        {"country": str(loc.country), "region": loc.region, "city": loc.city}
        for loc in sorted(children[Location].get(sp.pk, []),
                          key=lambda loc: (str(loc.country), loc.region, loc.city))
    ]
    safeguards = []
    for safeguard in sorted(children[Safeguard].get(sp.pk, []),
                            key=lambda s: (s.kind, s.module or 0, s.signed or date.min)):
        row = {"kind": safeguard.kind}
        if safeguard.module is not None:
            row["module"] = safeguard.module
        row["signed"] = safeguard.signed
        safeguards.append(row)
    entry["safeguards"] = safeguards
    entry["assessments"] = [
        {"country": str(a.country), "completed": a.completed}
        for a in sorted(children[TransferAssessment].get(sp.pk, []),
                        key=lambda a: (str(a.country), a.completed))
    ]
    return entry


def dump_roster(roster: dict, fmt: str) -> str:
    """Serialise deterministically: the same roster gives the same bytes."""
    if fmt == "json":
        return json.dumps(roster, indent=2, ensure_ascii=False, default=date.isoformat) + "\n"
    return yaml.safe_dump(roster, sort_keys=False, allow_unicode=True, default_flow_style=None,
                          width=100)
