"""Times the whole-roster audit of the pure rule engine (transfers.engine.audit).

Builds a synthetic roster of 2,000 sub-processors, each with one data flow to 3 countries for 10
subject entries (60,000 questions), times `audit` on it, then on a roster 10 times larger, and
prints both times and their ratio. The goals are under 2 s for the first and a ratio under 12
(10 is linear). Pure Python, no Django:

    python bench/audit_engine.py [--size 2000] [--repeat 3]     (or: python -m bench audit_engine)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transfers.engine import Flow, Safeguard, SubProcessor, audit, audit_subjects
from transfers.reference_data import load_reference_data

TODAY = date(2026, 11, 27)
GROWTH_GOAL = 12
GOAL_SECONDS = 2.0
# 8 named countries + EEA (one member) + ROW (one unnamed no-regime country) = 10 subjects.
SUBJECTS = frozenset({"EEA", "GB", "CH", "US", "CN", "HK", "SG", "JP", "IN", "ROW"})
DESTINATIONS = (("US", "SG", "DE"), ("HK", "GB", "JP"), ("CN", "US", "IE"), ("SG", "BR", "CA"))
CERTIFIED = frozenset({"eu_us_dpf", "uk_us_data_bridge"})
SAFEGUARD_SETS = (
    (Safeguard("eu_scc", 3), Safeguard("uk_addendum"), Safeguard("swiss_scc")),
    (Safeguard("eu_scc", 4), Safeguard("uk_idta")),
    (Safeguard("prc_standard_contract"), Safeguard("art49_contract")),
    (),
)


def roster(size: int) -> list[SubProcessor]:
    """`size` varied sub-processors, each with one flow of 10 subject entries to 3 countries."""
    sps = []
    for i in range(size):
        countries = DESTINATIONS[i % len(DESTINATIONS)]
        sps.append(
            SubProcessor(
                slug=f"sp-{i}",
                name=f"Vendor {i}",
                category="ai_model_provider" if i % 5 == 0 else "cloud_infrastructure",
                status=("active", "active", "proposed", "retired")[i % 4],
                effective_from=TODAY - timedelta(days=(i * 37) % 900 - 100),
                announced_effective=TODAY - timedelta(days=i % 60) if i % 3 == 0 else None,
                retired_on=TODAY - timedelta(days=30) if i % 8 == 3 else None,
                dpa_signed=TODAY - timedelta(days=400) if i % 7 else None,
                certifications=CERTIFIED if i % 2 else frozenset(),
                do_not_train_available=True,
                do_not_train_enabled=i % 10 != 0,
                zero_retention_available=True,
                location_countries=frozenset(countries),
                safeguards=SAFEGUARD_SETS[i % len(SAFEGUARD_SETS)],
                assessments={c: TODAY - timedelta(days=(i * 53) % 500) for c in countries[:2]},
                flows=(
                    Flow(
                        data_categories=frozenset({"account", "user_content", "usage"}),
                        subjects=SUBJECTS,
                        countries=frozenset(countries),
                    ),
                ),
            )
        )
    return sps


def timed(sps: list[SubProcessor], repeat: int) -> tuple[float, int]:
    """The best of `repeat` runs of audit(), and how many rows it returned."""
    ref = load_reference_data()
    best, rows = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = len(audit(sps, ref, TODAY))
        best = min(best, time.perf_counter() - start)
    return best, rows


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    subjects = audit_subjects(SUBJECTS, load_reference_data())
    print(f"audit subjects per flow: {len(subjects)} ({', '.join(subjects)})")
    small, small_rows = timed(roster(args.size), args.repeat)
    print(f"{args.size:>6} sub-processors: {small_rows:>7} questions in {small:.3f} s")
    large, large_rows = timed(roster(args.size * 10), args.repeat)
    print(f"{args.size * 10:>6} sub-processors: {large_rows:>7} questions in {large:.3f} s")
    ratio = large / small
    growth = "met" if ratio < GROWTH_GOAL else "MISSED"
    print(f"ratio: {ratio:.2f} (10 would be linear; goal under {GROWTH_GOAL}): {growth}")
    print(f"per question: {small / small_rows * 1e6:.1f} us")
    verdict = "met" if small < GOAL_SECONDS else "MISSED"
    print(f"goal (under {GOAL_SECONDS:.0f} s for {args.size} sub-processors): {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
