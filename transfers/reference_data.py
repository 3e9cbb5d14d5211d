"""Loads the checker's reference data from the versioned YAML files in `transfers/reference/`.

Each file has a top-level `version` and `as_of` date, and every row carries its `source` and
`last_verified` date, so the legal team can see what the checker believes and why
(transfer-rules.md: reference data is data, kept in one versioned place). Loading validates all of
it and reports every problem at once. Pure: stdlib and PyYAML only, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from transfers.domain import ReferenceData

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
ADEQUACY_FILES = {"eu": "adequacy-eu.yaml", "uk": "adequacy-uk.yaml", "ch": "adequacy-ch.yaml"}
_COUNTRY = re.compile(r"[A-Z]{2}")


class ReferenceDataError(ValueError):
    """The reference files are not usable; `problems` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _File:
    """One YAML file being read: its document, and the problems found so far."""

    def __init__(self, directory: Path, name: str, problems: list[str]) -> None:
        self.name = name
        self.problems = problems
        self.doc: dict[str, Any] = {}
        try:
            loaded = yaml.safe_load((directory / name).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            self.problem(name, f"cannot be read: {exc}")
            return
        if not isinstance(loaded, dict):
            self.problem(name, "is not a mapping")
            return
        self.doc = loaded
        if not isinstance(loaded.get("version"), int | str):
            self.problem("version", "is required")
        self.date(loaded, "as_of", "as_of")

    @property
    def version(self) -> str:
        return f"version {self.doc.get('version')} as of {self.doc.get('as_of')}"

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{self.name}: {where}: {what}")

    def rows(self, key: str) -> list[tuple[str, dict[str, Any]]]:
        """The rows under `key`, each with its location for messages; each must cite a source."""
        rows = self.doc.get(key)
        if not isinstance(rows, list) or not rows:
            if self.doc:
                self.problem(key, "must be a non-empty list")
            return []
        found = []
        for index, row in enumerate(rows):
            where = f"{key}[{index}]"
            if not isinstance(row, dict):
                self.problem(where, "is not a mapping")
                continue
            if not isinstance(row.get("source"), str) or not row["source"].strip():
                self.problem(f"{where}.source", "every row must cite its source")
            self.date(row, "last_verified", f"{where}.last_verified")
            found.append((where, row))
        return found

    def country(self, value: Any, where: str) -> None:
        if isinstance(value, bool):
            # YAML 1.1 reads an unquoted NO (Norway) as false.
            self.problem(where, f'{value!r} is not a country code; quote it ("NO")')
        elif not isinstance(value, str) or not _COUNTRY.fullmatch(value):
            self.problem(where, f"{value!r} is not a 2-letter upper-case ISO 3166-1 code")

    def date(self, row: dict[str, Any], key: str, where: str, *, optional: bool = False) -> None:
        """Checks a date field, turning an ISO string into a `date` in place."""
        value = row.get(key)
        if value is None and optional:
            return
        if isinstance(value, str):
            try:
                row[key] = date.fromisoformat(value)
            except ValueError:
                self.problem(where, f"{value!r} is not a YYYY-MM-DD date")
        elif not isinstance(value, date):
            self.problem(where, f"{value!r} is not a YYYY-MM-DD date")

    def text(self, row: dict[str, Any], key: str, where: str) -> None:
        if not isinstance(row.get(key), str) or not row[key].strip():
            self.problem(where, "is required")


def load_reference_data(directory: Path = REFERENCE_DIR) -> ReferenceData:
    """Reads and validates the reference files into the engine's `ReferenceData`.

    Raises ReferenceDataError listing every problem: a row without a source, a country code that
    is not two upper-case letters, a date that does not parse, a US row offered as plain adequacy.
    """
    problems: list[str] = []
    versions: dict[str, str] = {}

    eea_file = _File(directory, "eea.yaml", problems)
    eea = []
    for where, row in eea_file.rows("countries"):
        eea_file.country(row.get("country"), f"{where}.country")
        eea.append(row.get("country"))
    versions["eea"] = eea_file.version

    fw_file = _File(directory, "frameworks.yaml", problems)
    frameworks = []
    for where, row in fw_file.rows("frameworks"):
        for key in ("code", "legal_ref"):
            fw_file.text(row, key, f"{where}.{key}")
        if row.get("regime") not in ADEQUACY_FILES:
            fw_file.problem(f"{where}.regime", f"must be one of {', '.join(ADEQUACY_FILES)}")
        fw_file.country(row.get("country"), f"{where}.country")
        fw_file.date(row, "effective_from", f"{where}.effective_from")
        fw_file.date(row, "effective_to", f"{where}.effective_to", optional=True)
        frameworks.append(row)
    versions["frameworks"] = fw_file.version

    adequacy = []
    for regime, name in ADEQUACY_FILES.items():
        file = _File(directory, name, problems)
        if file.doc and file.doc.get("regime") != regime:
            file.problem("regime", f"must be {regime}")
        for where, row in file.rows("decisions"):
            file.country(row.get("country"), f"{where}.country")
            if row.get("scope") not in ("full", "partial"):
                file.problem(f"{where}.scope", "must be full or partial")
            elif row["scope"] == "partial" and row.get("framework") is None:
                file.text(row, "scope_note", f"{where}.scope_note (a partial decision's scope)")
            file.text(row, "legal_ref", f"{where}.legal_ref")
            file.date(row, "effective_from", f"{where}.effective_from")
            file.date(row, "effective_to", f"{where}.effective_to", optional=True)
            adequacy.append({**row, "regime": regime})
        versions[name.removesuffix(".yaml")] = file.version

    policy_file = _File(directory, "processing-countries.yaml", problems)
    processing: dict[str, list[str]] = {}
    for where, row in policy_file.rows("rows"):
        subjects = row.get("subjects")
        if subjects != "*":
            policy_file.country(subjects, f"{where}.subjects")
        countries = row.get("countries")
        if not isinstance(countries, list) or not countries:
            policy_file.problem(f"{where}.countries", "must be a non-empty list")
            continue
        for index, country in enumerate(countries):
            if country != "EEA":
                policy_file.country(country, f"{where}.countries[{index}]")
        processing[str(subjects)] = countries
    versions["processing-countries"] = policy_file.version

    if problems:
        raise ReferenceDataError(problems)
    try:
        return ReferenceData.from_rows(
            eea=eea,
            adequacy=adequacy,
            frameworks=frameworks,
            processing_countries=processing,
            versions=versions,
        )
    except (KeyError, ValueError) as exc:
        raise ReferenceDataError([f"reference data: {exc}"]) from exc


def load_cloud_regions(directory: Path = REFERENCE_DIR) -> Mapping[tuple[str, str], str]:
    """(provider, region id) -> ISO country, from cloud-regions.yaml, validated."""
    problems: list[str] = []
    file = _File(directory, "cloud-regions.yaml", problems)
    regions: dict[tuple[str, str], str] = {}
    for where, row in file.rows("regions"):
        file.text(row, "provider", f"{where}.provider")
        file.text(row, "region", f"{where}.region")
        file.country(row.get("country"), f"{where}.country")
        key = (str(row.get("provider")).lower(), str(row.get("region")).lower())
        if key in regions:
            file.problem(where, f"{key[0]} {key[1]} is listed twice")
        regions[key] = row.get("country", "")
    if problems:
        raise ReferenceDataError(problems)
    return regions


@cache
def _shipped_regions() -> Mapping[tuple[str, str], str]:
    return load_cloud_regions()


def region_country(provider: str, region: str) -> str | None:
    """The country of a cloud provider's region ("alibaba", "cn-hongkong" -> "HK"), or None.

    Providers: aws, gcp, azure, alibaba, tencent. Never infer a country from a region's name.
    """
    return _shipped_regions().get((provider.strip().lower(), region.strip().lower()))
