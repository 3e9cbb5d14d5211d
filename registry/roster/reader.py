"""Reading a roster file: parse YAML or JSON, then validate all of it into a ``RosterPlan`` or
raise ``RosterFileError`` with one line per problem and its path
(``sub_processors[2].locations[0].country: 'XX' is not an ISO 3166-1 country code``). It
validates through the models' own ``full_clean()``, the rules the admin and the API use."""

import json
from datetime import date, datetime
from pathlib import Path

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from registry.choices import AI_MODEL_PROVIDER
from registry.models import Category, DataFlow, SubProcessor
from registry.validators import flow_country_problems, validate_country_code

from .plan import CHILDREN, VERSION, RosterFileError, RosterPlan, SubProcessorPlan, flow_key

# Where a model field's error is reported in the file.
FIELD_PATHS = {
    "purpose_en": "purpose.en",
    "purpose_zh_hans": "purpose.zh-hans",
    **{name: f"ai.{name}" for name in SubProcessor.AI_FLAGS},
}



def load_roster_file(path: str | Path) -> dict:
    """Parse a YAML or JSON roster file (by extension)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterFileError([f"{path}: cannot be read: {error}"]) from error
    try:
        if suffix == ".json":
            return json.loads(text)
        if suffix in {".yaml", ".yml"}:
            return yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise RosterFileError([f"{path}: not valid {suffix[1:].upper()}: {error}"]) from error
    raise RosterFileError([f"{path}: use a .yaml, .yml or .json file"])


class _Reader:
    """Reads typed values out of the parsed file, collecting problems by path."""

    def __init__(self):
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        line = f"{path}: {message}"
        if line not in self.problems:  # the reader and the model may both say it
            self.problems.append(line)

    def mapping(self, value, path, allowed: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping")
            return None
        for key in sorted(set(value) - allowed, key=str):
            self.problem(f"{path}.{key}", "is not a field of the roster format")
        return value

    def items(self, value, path) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, "must be a list")
            return []
        return value

    def text(self, data, key, path, *, required=False, default=""):
        value = data.get(key)
        if value is None:
            if required:
                self.problem(f"{path}.{key}", "is required")
            return default
        if not isinstance(value, str):
            self.problem(f"{path}.{key}", f"must be text, not {value!r}")
            return default
        if required and not value.strip():
            self.problem(f"{path}.{key}", "is required")
        return value

    def country(self, data, key, path, *, required=True) -> str:
        """An exact ISO code: the model's country field would quietly upper-case ``cn``."""
        value = self.text(data, key, path, required=required)
        if value:
            try:
                validate_country_code(value)
            except ValidationError as error:
                self.problem(f"{path}.{key}", error.messages[0])
        return value

    def flag(self, data, key, path, *, default=False):
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(f"{path}.{key}", f"must be true or false, not {value!r}")
            return default
        return value

    def day(self, data, key, path, *, required=False):
        value = data.get(key)
        if value is None:
            if required:
                self.problem(f"{path}.{key}", "is required")
            return None
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(f"{path}.{key}", f"{value!r} is not a date (YYYY-MM-DD)")
        return None

    def codes(self, data, key, path) -> list:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(f"{path}.{key}", "must be a list of codes")
            return []
        return sorted(value)

    def validation_error(self, error: ValidationError, path: str, paths=None) -> None:
        paths = paths or {}
        for name, messages in error.message_dict.items():
            where = path if name == NON_FIELD_ERRORS else f"{path}.{paths.get(name, name)}"
            for message in messages:
                self.problem(where, message)


def read_roster(data) -> RosterPlan:
    """Validate a whole parsed roster file; raise ``RosterFileError`` listing every problem."""
    reader = _Reader()
    data = reader.mapping(data, "roster", {"version", "categories", "sub_processors",
                                           "data_flows"})
    if data is None:
        raise RosterFileError(reader.problems)
    if data.get("version") != VERSION:
        reader.problem("version", f"must be {VERSION}, not {data.get('version')!r}")

    plan = RosterPlan()
    known_categories = {c.slug: c for c in Category.objects.all()}
    for index, entry in enumerate(reader.items(data.get("categories"), "categories")):
        path = f"categories[{index}]"
        category = _read_category(reader, entry, path, known_categories)
        if category is not None:
            plan.categories.append(category)
    category_slugs = set(known_categories) | {c["slug"] for c in plan.categories}

    existing = {sp.slug: sp for sp in SubProcessor.objects.select_related("category")}
    seen: dict[str, str] = {}
    for index, entry in enumerate(reader.items(data.get("sub_processors"), "sub_processors")):
        path = f"sub_processors[{index}]"
        sp_plan = _read_sub_processor(reader, entry, path, known_categories, category_slugs,
                                      existing)
        if sp_plan is None:
            continue
        if sp_plan.slug in seen:
            reader.problem(f"{path}.slug", f"{sp_plan.slug!r} is also {seen[sp_plan.slug]}")
            continue
        seen[sp_plan.slug] = path
        plan.sub_processors.append(sp_plan)

    by_slug = {sp.slug: sp for sp in plan.sub_processors}
    for index, entry in enumerate(reader.items(data.get("data_flows"), "data_flows")):
        _read_flow(reader, entry, f"data_flows[{index}]", by_slug, seen)

    if reader.problems:
        raise RosterFileError(reader.problems)
    return plan


def _read_category(reader, entry, path, known) -> dict | None:
    entry = reader.mapping(entry, path, {"slug", "name"})
    if entry is None:
        return None
    names = reader.mapping(entry.get("name"), f"{path}.name", {"en", "zh-hans"}) or {}
    slug = reader.text(entry, "slug", path, required=True)
    values = {
        "slug": slug,
        "name_en": reader.text(names, "en", f"{path}.name", required=True),
        "name_zh_hans": reader.text(names, "zh-hans", f"{path}.name", required=True),
    }
    instance = known.get(slug) or Category()
    for name, value in values.items():
        setattr(instance, name, value)
    try:
        instance.full_clean(exclude=["position"])
    except ValidationError as error:
        reader.validation_error(error, path, {"name_en": "name.en", "name_zh_hans": "name.zh-hans"})
    return values


SUB_PROCESSOR_KEYS = {
    "slug", "name", "category", "purpose", "website", "headquarters", "status", "effective_from",
    "retired_on", "public", "dpa_signed", "certifications", "ai", "locations", "safeguards",
    "assessments",
}


def _read_sub_processor(
    reader, entry, path, known_categories, category_slugs, existing
) -> SubProcessorPlan | None:
    entry = reader.mapping(entry, path, SUB_PROCESSOR_KEYS)
    if entry is None:
        return None
    slug = reader.text(entry, "slug", path, required=True)
    category = reader.text(entry, "category", path, required=True)
    if category and category not in category_slugs:
        reader.problem(f"{path}.category", f"{category!r} is not a category; add it under "
                       "categories or use one of " + ", ".join(sorted(category_slugs)))
    purpose = reader.mapping(entry.get("purpose") or {}, f"{path}.purpose", {"en", "zh-hans"})
    purpose = purpose or {}
    fields = {
        "name": reader.text(entry, "name", path, required=True),
        "purpose_en": reader.text(purpose, "en", f"{path}.purpose", required=True),
        "purpose_zh_hans": reader.text(purpose, "zh-hans", f"{path}.purpose"),
        "website": reader.text(entry, "website", path),
        "headquarters": reader.country(entry, "headquarters", path),
        "status": reader.text(entry, "status", path, required=True),
        "effective_from": reader.day(entry, "effective_from", path),
        "retired_on": reader.day(entry, "retired_on", path),
        "public": reader.flag(entry, "public", path, default=True),
        "dpa_signed": reader.day(entry, "dpa_signed", path),
        "certifications": reader.codes(entry, "certifications", path),
    }
    ai = entry.get("ai")
    if ai is not None:
        ai = reader.mapping(ai, f"{path}.ai", set(SubProcessor.AI_FLAGS)) or {}
        if category != AI_MODEL_PROVIDER:
            reader.problem(f"{path}.ai", "only an ai_model_provider has AI flags")
    for name in SubProcessor.AI_FLAGS:
        fields[name] = reader.flag(ai or {}, name, f"{path}.ai")

    instance = existing.get(slug) or SubProcessor()
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.slug = slug
    exclude = []
    if category in known_categories:
        instance.category = known_categories[category]
    else:
        exclude.append("category")
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        reader.validation_error(error, path, FIELD_PATHS)

    plan = SubProcessorPlan(slug=slug, fields={**fields, "category": category})
    for key, model, row_key in CHILDREN:
        rows = getattr(plan, key)
        seen = {}
        for index, child in enumerate(reader.items(entry.get(key), f"{path}.{key}")):
            child_path = f"{path}.{key}[{index}]"
            row = _read_child(reader, key, child, child_path)
            if row is None:
                continue
            try:
                model(**row).full_clean(exclude=["sub_processor"])
            except ValidationError as error:
                reader.validation_error(error, child_path)
                continue
            if row_key(row) in seen:
                reader.problem(child_path, f"repeats {seen[row_key(row)]}")
                continue
            seen[row_key(row)] = child_path
            rows.append(row)
    return plan


def _read_child(reader, key, child, path) -> dict | None:
    if key == "locations":
        child = reader.mapping(child, path, {"country", "region", "city"})
        if child is None:
            return None
        return {
            "country": reader.country(child, "country", path),
            "region": reader.text(child, "region", path),
            "city": reader.text(child, "city", path),
        }
    if key == "safeguards":
        child = reader.mapping(child, path, {"kind", "module", "signed"})
        if child is None:
            return None
        module = child.get("module")
        if module is not None and (isinstance(module, bool) or not isinstance(module, int)):
            reader.problem(f"{path}.module", f"must be a whole number from 1 to 4, not {module!r}")
            module = None
        return {
            "kind": reader.text(child, "kind", path, required=True),
            "module": module,
            "signed": reader.day(child, "signed", path),
        }
    child = reader.mapping(child, path, {"country", "completed"})
    if child is None:
        return None
    return {
        "country": reader.country(child, "country", path),
        "completed": reader.day(child, "completed", path, required=True),
    }


def _read_flow(reader, entry, path, by_slug, seen) -> None:
    entry = reader.mapping(
        entry, path, {"sub_processor", "data_categories", "subjects", "countries", "purpose"}
    )
    if entry is None:
        return
    slug = reader.text(entry, "sub_processor", path, required=True)
    row = {
        "data_categories": reader.codes(entry, "data_categories", path),
        "subjects": reader.codes(entry, "subjects", path),
        "countries": reader.codes(entry, "countries", path),
        "purpose": reader.text(entry, "purpose", path),
    }
    flow = DataFlow(**row)
    try:
        flow.full_clean(exclude=["sub_processor"])
    except ValidationError as error:
        reader.validation_error(error, path)
        return
    if slug not in by_slug:
        if slug and slug not in seen:
            reader.problem(f"{path}.sub_processor",
                           f"{slug!r} is not a sub-processor named in this file")
        return
    sp_plan = by_slug[slug]
    located = [str(location["country"]) for location in sp_plan.locations]
    missing = flow_country_problems(row["countries"], located)
    if missing:
        reader.problem(f"{path}.countries",
                       f"{slug} has no location in {', '.join(missing)}")
        return
    if any(flow_key(other) == flow_key(row) for other in sp_plan.flows):
        reader.problem(path, "repeats another data flow of " + slug)
        return
    sp_plan.flows.append(row)
