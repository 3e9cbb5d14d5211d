"""The public sub-processor list (issue 5 goals): page and CSV export for a roster of 10,000
sub-processors, and the as-of export over a history of 100,000 changes.

In process, through Django's test client, on a fresh SQLite database in a temporary directory
(the data is written with ``bulk_create_with_history``, so that history has dated records):

1. a roster of 10,000 public sub-processors (2 locations and 2 safeguards each: 50,000 history
   records), then 5 rounds of changes to every one of them: 100,000 history records in all;
   times the page, the CSV export, and the CSV export ``?as_of=`` a day in the middle;
2. growth: a roster of 2,000 with 25,000, 50,000 and 100,000 history records, spread over every
   sub-processor; the as-of export's time per 1,000 records should stay flat;
3. records concentrated on 100 sub-processors: the latest-record window against
   simple-history's own ``as_of`` (a correlated query whose cost grows with the square of the
   records per object) at 10,000, 20,000 and 40,000 records, then the as-of export at 100,000.

    PYTHONPATH=. .venv/bin/python -m bench public_list
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# History starts after the migrations wrote the built-in categories' first records.
START = datetime.now(UTC) + timedelta(seconds=1)
CATEGORIES = ("cloud_infrastructure", "ai_model_provider", "payment", "email_delivery",
              "analytics", "customer_support")
PLACES = (("US", "SG"), ("DE", "IE"), ("HK", "JP"), ("GB", "US"), ("SG", "HK"))


def main() -> None:
    """Each part runs in a child process with its own temporary database."""
    for part in ("roster", "growth", "concentrated"):
        with tempfile.TemporaryDirectory(prefix="bench-public-") as tmp:
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                   "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true",
                   "PYTHONPATH": str(ROOT)}
            subprocess.run([sys.executable, "-m", "bench.public_list", part], cwd=ROOT,
                           env=env, check=True)


def run(part: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="localhost")

    if part == "roster":
        print("roster of 10,000 sub-processors, history of 100,000 records")
        ids = roster_create(10_000, first_id=1)
        changes_create(ids, rounds=5)
        print(f"  history records: {history_count():,}")
        timed(client, "page /sub-processors/", "/sub-processors/", expect=b"Vendor 09999")
        timed(client, "page /zh-hans/sub-processors/", "/zh-hans/sub-processors/")
        timed(client, "export.csv", "/sub-processors/export.csv", expect=b"Vendor 09999")
        timed(client, "export.json", "/sub-processors/export.json")
        timed(client, "export.xlsx", "/sub-processors/export.xlsx")
        day = START.date()
        timed(client, f"export.csv?as_of={day}", f"/sub-processors/export.csv?as_of={day}",
              expect=b"Vendor 09999")
    elif part == "growth":
        print("as-of export as the history grows (roster of 2,000, changes spread over all)")
        ids = roster_create(2_000, first_id=1)
        for target in (25_000, 50_000, 100_000):
            changes_create(ids, rounds=(target - history_count()) // len(ids))
            report(history_count(), as_of_time(client))
    else:
        print("records concentrated on 100 sub-processors: latest record of each, as of today")
        ids = roster_create(100, first_id=1)
        for target in (10_000, 20_000, 40_000):
            changes_create(ids, rounds=target // len(ids) - changes_done(ids))
            latest_compare()
        changes_create(ids, rounds=(100_000 - history_count()) // len(ids))
        report(history_count(), as_of_time(client))


def latest_compare() -> None:
    """The window of ``latest_history`` against simple-history's ``as_of`` (a correlated
    NOT EXISTS per record), on the sub-processor records alone."""
    from django.utils import timezone

    from registry.models import SubProcessor
    from registry.public.publiclist import latest_history
    from registry.roster import end_of_day

    moment = end_of_day(timezone.localdate())
    times = {}
    for label, queryset in (("window", latest_history(SubProcessor, moment)),
                            ("simple-history as_of", SubProcessor.history.as_of(moment))):
        began = time.perf_counter()
        list(queryset.values("id"))
        times[label] = time.perf_counter() - began
    print(f"  {SubProcessor.history.count():>8,} records: "
          + ", ".join(f"{label} {seconds * 1000:.0f} ms" for label, seconds in times.items()))


def report(records: int, seconds: float) -> None:
    print(f"  {records:>8,} records: export.csv?as_of= {seconds * 1000:8.1f} ms "
          f"({seconds * 1e6 / records:.2f} ms per 1,000 records)")


# --- data ------------------------------------------------------------------------------------


def roster_create(size: int, *, first_id: int) -> list[int]:
    from simple_history.utils import bulk_create_with_history

    from registry.models import Category, Location, Safeguard, SubProcessor

    categories = {c.slug: c for c in Category.objects.all()}
    sub_processors, locations, safeguards = [], [], []
    for i in range(size):
        pk = first_id + i
        category = CATEGORIES[i % len(CATEGORIES)]
        ai = category == "ai_model_provider"
        sub_processors.append(SubProcessor(
            id=pk, slug=f"sp-{pk}", name=f"Vendor {i:05d} Ltd", category=categories[category],
            purpose_en=f"Service {i}", purpose_zh_hans=f"服务 {i}",
            headquarters=PLACES[i % len(PLACES)][0],
            status="proposed" if i % 10 == 0 else "active",
            effective_from=date(2030, 1, 1) if i % 10 == 0 else date(2023, 1, 1),
            public=i % 50 != 0, internal_notes="internal", dpa_signed=date(2023, 1, 1),
            do_not_train_available=ai, do_not_train_enabled=ai,
            zero_retention_available=ai, zero_retention_enabled=ai and i % 2 == 0,
        ))
        for country in PLACES[i % len(PLACES)]:
            locations.append(Location(sub_processor_id=pk, country=country, region="r"))
        safeguards.append(Safeguard(sub_processor_id=pk, kind="eu_scc", module=2,
                                    signed=date(2023, 1, 1)))
        safeguards.append(Safeguard(sub_processor_id=pk, kind="uk_addendum"))
    for model, objs in ((SubProcessor, sub_processors), (Location, locations),
                        (Safeguard, safeguards)):
        bulk_create_with_history(objs, model, batch_size=2_000, default_date=START,
                                 default_change_reason="bench")
    return [sp.id for sp in sub_processors]


def changes_create(ids: list[int], *, rounds: int) -> None:
    """``rounds`` changes of every sub-processor of ``ids``, a millisecond apart after START."""
    from registry.models import SubProcessor

    sub_processors = list(SubProcessor.objects.filter(id__in=ids))
    done = changes_done(ids)
    for round_ in range(done, done + rounds):
        for sp in sub_processors:
            sp.purpose_en = f"Service, revision {round_}"
        SubProcessor.history.bulk_history_create(
            sub_processors, batch_size=2_000, update=True,
            default_date=START + timedelta(milliseconds=round_),
            default_change_reason="bench",
        )


def changes_done(ids: list[int]) -> int:
    """History records per sub-processor so far, its creation included."""
    from registry.models import SubProcessor

    return SubProcessor.history.filter(id__in=ids).count() // max(len(ids), 1)


def history_count() -> int:
    from registry.models import Location, Safeguard, SubProcessor

    return sum(model.history.count() for model in (SubProcessor, Location, Safeguard))


# --- timing ----------------------------------------------------------------------------------


def timed(client, label: str, path: str, *, expect: bytes | None = None, repeat: int = 3):
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (path, response.status_code)
        assert expect is None or expect in response.content, (path, expect)
    print(f"  {label:40} median {statistics.median(times) * 1000:8.1f} ms "
          f"({len(response.content):,} bytes)")
    return statistics.median(times)


def as_of_time(client, repeat: int = 3) -> float:
    day = START.date()
    path = f"/sub-processors/export.csv?as_of={day}"
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append(time.perf_counter() - began)
    return statistics.median(times)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(sys.argv[1])
    else:
        main()
