"""Throughput of the sub-processor list (a page of 20, children nested) for a roster of 1,000
sub-processors, against a constant-answer view with the same authentication, permission and
throttle classes, on the same server in the same run. Goal: at least 0.5 of the baseline.

Then, for the record, the same without the per-process cache of rendered answers (every request
queries and serializes), which is what the first request after a roster change costs.

    PYTHONPATH=. .venv/bin/python -m bench api_list
"""

import os
from datetime import date, timedelta

from bench.harness import Request, Server, compare

SIZE = 1000
COUNTRIES = ("US", "SG", "DE", "IE", "JP", "GB", "HK", "BR")
CATEGORIES = ("cloud_infrastructure", "ai_model_provider", "payment", "email_delivery",
              "analytics", "customer_support")


def seed(size: int = SIZE) -> None:
    """``size`` generated sub-processors with 2-3 locations, 1-2 safeguards and 2 assessments
    each, written with their history (in bulk, for speed)."""
    from simple_history.utils import bulk_create_with_history

    from registry.models import Category, Location, Safeguard, SubProcessor, TransferAssessment

    categories = {c.slug: c for c in Category.objects.all()}
    start = date(2025, 1, 1)
    sub_processors = []
    for i in range(size):
        category = CATEGORIES[i % len(CATEGORIES)]
        ai = category == "ai_model_provider"
        sub_processors.append(SubProcessor(
            slug=f"vendor-{i:04}", name=f"Vendor {i} Ltd", category=categories[category],
            purpose_en=f"Service {i} for our product", purpose_zh_hans=f"为产品提供服务 {i}",
            website=f"https://vendor-{i}.example", headquarters=COUNTRIES[i % 3],
            status=("active", "active", "proposed", "retired")[i % 4],
            effective_from=start + timedelta(days=i % 300),
            retired_on=start + timedelta(days=400) if i % 4 == 3 else None,
            public=i % 5 != 0, dpa_signed=start, certifications=["eu_us_dpf"] if i % 2 else [],
            do_not_train_available=ai, do_not_train_enabled=ai,
            zero_retention_available=ai, zero_retention_enabled=False,
        ))
    bulk_create_with_history(sub_processors, SubProcessor, batch_size=500)
    locations, safeguards, assessments = [], [], []
    for i, sp in enumerate(SubProcessor.objects.order_by("slug")):
        countries = [COUNTRIES[(i + n) % len(COUNTRIES)] for n in range(2 + i % 2)]
        for n, country in enumerate(countries):
            locations.append(Location(sub_processor=sp, country=country, region=f"region-{n}",
                                      city="" if n else "Capital"))
        safeguards.append(Safeguard(sub_processor=sp, kind="eu_scc", module=1 + i % 4,
                                    signed=start))
        if i % 2:
            safeguards.append(Safeguard(sub_processor=sp, kind="uk_addendum", signed=start))
        for country in countries[:2]:
            assessments.append(TransferAssessment(sub_processor=sp, country=country,
                                                  completed=start + timedelta(days=30)))
    bulk_create_with_history(locations, Location, batch_size=1000)
    bulk_create_with_history(safeguards, Safeguard, batch_size=1000)
    bulk_create_with_history(assessments, TransferAssessment, batch_size=1000)


LIST = Request("GET", "/api/v1/sub-processors/?page_size=20")
BASELINE = Request("GET", "/bench/constant/")


def main() -> None:
    with Server(seed="bench.api_list:seed") as server:
        compare(server, "list page 20", LIST, BASELINE, goal=0.5)
    # For the record: every request built from the database, as on the first request after a
    # roster change (each process keeps rendered answers by ETag; here it keeps none).
    os.environ["API_ANSWER_CACHE_SIZE"] = "0"
    try:
        with Server(seed="bench.api_list:seed") as server:
            compare(server, "list page 20, no kept answers (information)", LIST, BASELINE,
                    goal=0.0)
    finally:
        del os.environ["API_ANSWER_CACHE_SIZE"]


if __name__ == "__main__":
    main()
