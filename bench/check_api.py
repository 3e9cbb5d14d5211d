"""The transfer check and routes endpoints against constant-answer views (issue 3 goals).

One gunicorn sync worker on loopback, ``wrk -t1 -c4``, target and baseline alternated five
times; the figure is the median ratio of their throughputs:

- ``POST /api/v1/transfers/check`` against a constant POST parsing the same body: goal 0.7
  (0.9 beyond this issue);
- ``GET /api/v1/transfers/routes`` over a generated roster of 200 sub-processors against a
  constant GET: goal 0.5.

    PYTHONPATH=. .venv/bin/python -m bench check_api
"""

from bench.harness import Request, Server, compare

SIZE = 200
CHECK_BODY = {"subject_country": "DE", "sub_processor": "sp-001",
              "destination_country": "SG", "data_categories": ["account", "user_content"]}
ROUTES = "/api/v1/transfers/routes?subject_country=DE&data_category=account&data_category=usage"
CATEGORIES = ("cloud_infrastructure", "ai_model_provider", "payment", "email_delivery",
              "analytics", "customer_support")
PLACES = (("US", "SG"), ("SG", "HK"), ("DE", "IE"), ("US",), ("GB", "US", "SG"), ("HK", "CN"))


def roster(size: int = SIZE) -> dict:
    """`size` varied sub-processors, each with one or two flows, as a roster file has them."""
    entries, flows = [], []
    for i in range(size):
        slug = f"sp-{i:03d}"
        countries = PLACES[i % len(PLACES)]
        category = CATEGORIES[i % len(CATEGORIES)]
        entry = {
            "slug": slug, "name": f"Vendor {i} Ltd", "category": category,
            "purpose": {"en": f"Service {i}", "zh-hans": f"服务 {i}"},
            "headquarters": countries[0], "status": ("active", "active", "proposed")[i % 3],
            "effective_from": "2025-01-01", "dpa_signed": "2025-01-01" if i % 7 else None,
            "certifications": ["eu_us_dpf", "uk_us_data_bridge"] if i % 2 else [],
            "locations": [{"country": c} for c in countries],
            "safeguards": [{"kind": "eu_scc", "module": 3, "signed": "2025-01-01"},
                           {"kind": "uk_addendum", "signed": "2025-01-01"}][: i % 3],
            "assessments": [{"country": c, "completed": "2026-06-01"} for c in countries[:1]],
        }
        if category == "ai_model_provider":
            entry["ai"] = {"do_not_train_available": True, "do_not_train_enabled": i % 4 != 0,
                           "zero_retention_available": True, "zero_retention_enabled": False}
        entries.append(entry)
        flows.append({"sub_processor": slug, "data_categories": ["account", "user_content"],
                      "subjects": ["EEA", "GB", "ROW"], "countries": list(countries),
                      "purpose": "service"})
        if i % 4 == 0:
            flows.append({"sub_processor": slug, "data_categories": ["usage"],
                          "subjects": ["CN"], "countries": list(countries[:1]),
                          "purpose": "analytics"})
    return {"version": 1, "sub_processors": entries, "data_flows": flows}


def seed() -> None:
    from registry.roster import apply_roster, read_roster

    apply_roster(read_roster(roster()), actor="bench", reason="Benchmark roster")


def main() -> None:
    with Server(seed="bench.check_api:seed") as server:
        compare(server, "check", goal=0.7,
                target=Request("POST", "/api/v1/transfers/check", CHECK_BODY),
                baseline=Request("POST", "/bench/constant/", CHECK_BODY))
        compare(server, f"routes ({SIZE} sub-processors)", goal=0.5,
                target=Request("GET", ROUTES),
                baseline=Request("GET", "/bench/constant/"))


if __name__ == "__main__":
    main()
