"""Loads the shipped reference files into the reference tables, for migrations to call.

``sync_reference_data`` replaces the law's reference rows with the files' content (validated
first, all or nothing), idempotently: a release that changes a file adds a migration calling it
again. ``seed_processing_countries`` fills the policy's processing countries only while the table
is empty, because after that they are the legal team's to edit in the admin.
"""

from datetime import date
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from registry.changes import bump_version
from transfers.reference_data import (
    ADEQUACY_FILES,
    REFERENCE_DIR,
    load_cloud_regions,
    load_reference_data,
)

# (file, key of its rows, model, row fields); adequacy files also set their regime.
_TABLES = [
    ("eea.yaml", "countries", "EEAMember", ("country", "name", "membership")),
    ("frameworks.yaml", "frameworks", "CertificationFramework",
     ("code", "name", "regime", "country", "effective_from", "effective_to", "legal_ref")),
    *(
        (name, "decisions", "AdequacyDecision",
         ("country", "scope", "scope_note", "effective_from", "effective_to", "legal_ref",
          "framework"))
        for name in ADEQUACY_FILES.values()
    ),
    ("cloud-regions.yaml", "regions", "CloudRegion", ("provider", "region", "country", "place")),
]
_COMMON = ("source", "last_verified", "note")


def _read(directory: Path, name: str) -> dict:
    return yaml.safe_load((directory / name).read_text(encoding="utf-8"))


def _date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _model(apps, name):
    if apps is None:
        from django.apps import apps as live

        return live.get_model("transfers", name)
    return apps.get_model("transfers", name)


def _bump_roster_version(apps) -> None:
    """Every server process keys its compiled snapshot on the roster stamp: move it on."""
    bump_version(apps.get_model("registry", "RosterVersion") if apps is not None else None)


def sync_reference_data(apps=None, schema_editor=None, *, directory: Path = REFERENCE_DIR) -> None:
    """Replaces the EEA, adequacy, framework and cloud-region rows with the files' content.

    Usable as a ``RunPython`` function (``apps`` is the migration's app registry) or directly.
    Validates every file first (``ReferenceDataError`` lists every problem) and writes nothing
    unless all of them are sound.
    """
    load_reference_data(directory)
    load_cloud_regions(directory)
    reference_file = _model(apps, "ReferenceFile")
    with transaction.atomic():
        for name, key, model_name, fields in _TABLES:
            doc = _read(directory, name)
            file, _created = reference_file.objects.update_or_create(
                name=name,
                defaults={"version": str(doc["version"]), "as_of": _date(doc["as_of"]),
                          "notes": list(doc.get("notes") or [])},
            )
            model = _model(apps, model_name)
            known = {f.name for f in model._meta.get_fields()}
            model.objects.filter(file=file).delete()
            rows = []
            for row in doc[key]:
                values = {f: row.get(f) for f in (*fields, *_COMMON) if f in known}
                for f in ("effective_from", "effective_to", "last_verified"):
                    if f in values:
                        values[f] = _date(values[f])
                for f in ("note", "scope_note", "framework", "place", "membership"):
                    if f in values and values[f] is None:
                        values[f] = ""
                if model_name == "AdequacyDecision":
                    values["regime"] = doc["regime"]
                rows.append(model(file=file, **values))
            model.objects.bulk_create(rows)
        _bump_roster_version(apps)


def seed_processing_countries(apps=None, schema_editor=None, *,
                              directory: Path = REFERENCE_DIR) -> None:
    """Seeds the policy's processing countries from processing-countries.yaml, once.

    Only while the table is empty: afterwards the legal team edits them in the admin.
    """
    model = _model(apps, "ProcessingCountry")
    if model.objects.exists():
        return
    load_reference_data(directory)
    doc = _read(directory, "processing-countries.yaml")
    # In a migration the model has no history manager: write the first history rows by hand.
    historical = apps.get_model("transfers", "HistoricalProcessingCountry") if apps else None
    now = timezone.now()
    with transaction.atomic():
        for row in doc["rows"]:
            for country in row["countries"]:
                values = {"subjects": str(row["subjects"]), "country": country,
                          "source": row.get("source") or "", "note": row.get("note") or ""}
                obj = model.objects.create(**values)
                if historical is not None:
                    historical.objects.create(
                        id=obj.pk, history_date=now, history_type="+",
                        history_change_reason="Seeded from processing-countries.yaml",
                        history_actor="migration", **values,
                    )
