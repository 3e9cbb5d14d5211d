"""The public sub-processor list (contract §5): built from live rows or rebuilt from history.

The list is built only from the fields of ``PUBLIC_FIELDS``, read with ``values()`` (the
"last updated" date reads history dates alone), so an internal field cannot reach the page or an
export by accident; ``NEVER_PUBLIC`` records the
fields decided against, and a test fails when a model field is in neither. The same rows feed
the page and the three exports (GDPR Art. 28(2): the controller is told of every sub-processor;
policy §8: the categories and the notice of changes).

Every function here issues a fixed number of queries, whatever the roster's size: one per model,
and one aggregate for the "last updated" date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Max, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from registry.choices import AI_MODEL_PROVIDER, SafeguardKind, Status
from registry.models import Category, Location, Safeguard, SubProcessor
from registry.roster import end_of_day

#: The only fields read to build the public list. Adding a field here publishes it.
PUBLIC_FIELDS: dict[type, tuple[str, ...]] = {
    Category: ("id", "slug", "name_en", "name_zh_hans", "position"),
    SubProcessor: (
        "id", "name", "category", "purpose_en", "purpose_zh_hans", "headquarters", "status",
        "effective_from", "announced_effective", "do_not_train_enabled", "zero_retention_enabled",
    ),
    Location: ("sub_processor", "country"),
    Safeguard: ("sub_processor", "kind", "module"),
}

#: Fields that never reach a public output: internal, contractual, or only used to filter.
NEVER_PUBLIC: dict[type, tuple[str, ...]] = {
    Category: ("builtin",),
    SubProcessor: (
        "slug", "website", "retired_on", "public", "dpa_signed", "certifications",
        "do_not_train_available", "zero_retention_available", "internal_notes",
        "created_at", "updated_at",
    ),
    Location: ("id", "region", "city"),
    Safeguard: ("id", "signed"),
}

IN_EFFECT = "in_effect"
UPCOMING = "upcoming"


@dataclass(frozen=True)
class PublicSubProcessor:
    """One public sub-processor, in one language: the public fields and nothing else."""

    name: str
    category: str
    purpose: str
    countries: tuple[str, ...]
    headquarters: str
    safeguards: tuple[str, ...]
    status: str  # IN_EFFECT or UPCOMING
    effective_from: date | None  # the day an upcoming one starts; None when in effect
    is_ai_provider: bool
    do_not_train_enabled: bool | None  # None: not an AI model provider
    zero_retention_enabled: bool | None


@dataclass(frozen=True)
class PublicCategory:
    name: str
    is_ai_provider: bool
    entries: tuple[PublicSubProcessor, ...]


@dataclass(frozen=True)
class PublicList:
    """The list as it stood at the end of ``day`` (today, or the ``as_of`` day asked for)."""

    day: date
    as_of: date | None
    language: str
    categories: tuple[PublicCategory, ...]  # in effect, grouped by category
    upcoming: tuple[PublicSubProcessor, ...]  # proposed, not yet in effect
    last_updated: datetime | None

    @property
    def entries(self) -> list[PublicSubProcessor]:
        """Every entry, in effect first, as the exports list them."""
        return [e for c in self.categories for e in c.entries] + list(self.upcoming)


# --- reading rows -----------------------------------------------------------------------------


def _live_rows() -> dict[type, QuerySet]:
    listed = Q(public=True) & ~Q(status=Status.RETIRED)
    sub_processors = SubProcessor.objects.filter(listed)
    return {
        Category: Category.objects.all(),
        SubProcessor: sub_processors,
        Location: Location.objects.filter(sub_processor__in=sub_processors.values("id")),
        Safeguard: Safeguard.objects.filter(sub_processor__in=sub_processors.values("id")),
    }


def latest_history(model: type, moment: datetime) -> QuerySet:
    """The history records of ``model`` current at ``moment``, deletions dropped.

    One window over the records up to ``moment``: its cost grows with the history, where
    simple-history's ``as_of`` (a correlated ``NOT EXISTS`` per record) grows with the square of
    the records of one object.
    """
    records = model.history.filter(history_date__lte=moment)
    latest = records.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("id")],
            order_by=[F("history_date").desc(), F("history_id").desc()],
        )
    ).filter(rank=1)
    return model.history.filter(history_id__in=latest.values("history_id")).exclude(
        history_type="-"
    )


def _history_rows(moment: datetime) -> dict[type, QuerySet]:
    listed = Q(public=True) & ~Q(status=Status.RETIRED)
    # Children of sub-processors that are not listed are read (allow-listed fields only) and
    # dropped when the list is assembled: cheaper than joining each to the window again.
    return {
        Category: latest_history(Category, moment),
        SubProcessor: latest_history(SubProcessor, moment).filter(listed),
        Location: latest_history(Location, moment),
        Safeguard: latest_history(Safeguard, moment),
    }


def _last_updated(values: dict[type, list[dict]], moment: datetime | None) -> datetime | None:
    """The latest history record of the public roster up to ``moment``: one query.

    Counted: every record of a sub-processor while it was public (so a retirement counts), and
    the records of the listed sub-processors' locations and safeguards and of their categories.
    """
    dated = Q(history_date__lte=moment) if moment is not None else Q()

    def newest(model, key, kind, **filters):
        return (
            model.history.filter(dated, **filters).order_by()
            .values(key_id=F(key)).annotate(kind=Value(kind), latest=Max("history_date"))
            .values_list("kind", "key_id", "latest")
        )

    records = newest(SubProcessor, "id", "s", public=True).union(
        newest(Location, "sub_processor", "l"),
        newest(Safeguard, "sub_processor", "g"),
        newest(Category, "id", "c"),
        all=True,
    ).order_by()
    listed = {row["id"] for row in values[SubProcessor]}
    used = {row["category"] for row in values[SubProcessor]}
    counted = [
        when for kind, key, when in records
        if kind == "s" or (kind == "c" and key in used) or (kind in "lg" and key in listed)
    ]
    return max(counted, default=None)


def _read(rows: dict[type, QuerySet]) -> dict[type, list[dict]]:
    return {model: list(rows[model].order_by().values(*PUBLIC_FIELDS[model])) for model in rows}


# --- building ---------------------------------------------------------------------------------


def public_list_build(*, as_of: date | None = None, language: str | None = None) -> PublicList:
    """The public list now, or as it stood at the end of ``as_of``, in ``language``."""
    language = language or translation.get_language() or "en"
    day = as_of or timezone.localdate()
    moment = end_of_day(as_of) if as_of is not None else None
    rows = _history_rows(moment) if moment is not None else _live_rows()
    values = _read(rows)
    last_updated = _last_updated(values, moment)
    with translation.override(language):
        return _assemble(values, day=day, as_of=as_of, language=language,
                         last_updated=last_updated)


def effective_day(row: dict) -> date | None:
    """The first day a sub-processor receives data: the later of its effective date and the
    day its published notice announced (policy §8, SCC Clause 9)."""
    days = [d for d in (row["effective_from"], row["announced_effective"]) if d is not None]
    return max(days) if days else None


def public_status(row: dict, day: date) -> str:
    """In effect or upcoming at the end of ``day``: a proposed one becomes active on its
    effective day (contract §3); an active one with a later effective day is not yet in effect."""
    starts = effective_day(row)
    if row["status"] == Status.PROPOSED:
        return IN_EFFECT if starts is not None and starts <= day else UPCOMING
    return UPCOMING if starts is not None and starts > day else IN_EFFECT


def safeguard_words(kind: str, module: int | None) -> str:
    """A transfer safeguard in plain words, in the active language."""
    if kind == SafeguardKind.EU_SCC and module:
        return _("EU Standard Contractual Clauses, Module %(module)s") % {"module": module}
    return str(SafeguardKind(kind).label) if kind in SafeguardKind.values else kind


def country_name(code: str) -> str:
    return str(country_names.name(code)) or code


class _Words:
    """Country names and safeguard words in the active language, each looked up once per list:
    a roster repeats a few dozen of them thousands of times."""

    def __init__(self):
        self.countries: dict[str, str] = {}
        self.safeguards: dict[tuple, str] = {}

    def country(self, code: str) -> str:
        if code not in self.countries:
            self.countries[code] = country_name(code)
        return self.countries[code]

    def safeguard(self, kind: str, module: int) -> str:
        key = (kind, module)
        if key not in self.safeguards:
            self.safeguards[key] = safeguard_words(kind, module or None)
        return self.safeguards[key]


def _assemble(values, *, day, as_of, language, last_updated) -> PublicList:
    chinese = language.lower().startswith("zh")
    words = _Words()
    categories = {row["id"]: row for row in values[Category]}
    located: dict[int, set[str]] = {}
    for row in values[Location]:
        located.setdefault(row["sub_processor"], set()).add(str(row["country"]))
    protected: dict[int, set[tuple]] = {}
    for row in values[Safeguard]:
        protected.setdefault(row["sub_processor"], set()).add((row["kind"], row["module"] or 0))

    in_effect: dict[int, list[PublicSubProcessor]] = {}
    upcoming = []
    for row in values[SubProcessor]:
        category = categories.get(row["category"])
        if category is None:
            continue
        entry = _entry(row, category, located, protected, day=day, chinese=chinese, words=words)
        if entry.status == UPCOMING:
            upcoming.append((entry, row["id"]))
        else:
            in_effect.setdefault(category["id"], []).append((entry, row["id"]))

    groups = []
    for category in sorted(values[Category], key=lambda c: (c["position"], c["slug"])):
        entries = in_effect.get(category["id"])
        if entries:
            groups.append(PublicCategory(
                name=_category_name(category, chinese),
                is_ai_provider=category["slug"] == AI_MODEL_PROVIDER,
                entries=tuple(e for e, _ in sorted(entries, key=_by_name)),
            ))
    upcoming.sort(key=lambda pair: (pair[0].effective_from or date.max, *_by_name(pair)))
    return PublicList(
        day=day, as_of=as_of, language=language, categories=tuple(groups),
        upcoming=tuple(e for e, _ in upcoming), last_updated=last_updated,
    )


def _by_name(pair) -> tuple:
    entry, pk = pair
    return (entry.name.casefold(), pk)


def _category_name(category: dict, chinese: bool) -> str:
    return (category["name_zh_hans"] or category["name_en"]) if chinese else category["name_en"]


def _entry(row, category, located, protected, *, day, chinese, words) -> PublicSubProcessor:
    status = public_status(row, day)
    is_ai = category["slug"] == AI_MODEL_PROVIDER
    purpose = (row["purpose_zh_hans"] or row["purpose_en"]) if chinese else row["purpose_en"]
    countries = sorted({words.country(code) for code in located.get(row["id"], ())})
    safeguards = [
        words.safeguard(kind, module) for kind, module in sorted(protected.get(row["id"], ()))
    ]
    return PublicSubProcessor(
        name=row["name"],
        category=_category_name(category, chinese),
        purpose=purpose,
        countries=tuple(countries),
        headquarters=words.country(str(row["headquarters"])),
        safeguards=tuple(dict.fromkeys(safeguards)),
        status=status,
        effective_from=effective_day(row) if status == UPCOMING else None,
        is_ai_provider=is_ai,
        do_not_train_enabled=row["do_not_train_enabled"] if is_ai else None,
        zero_retention_enabled=row["zero_retention_enabled"] if is_ai else None,
    )
