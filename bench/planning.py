"""Plan indicators and assessment benchmark (issue 20, P12/P16): freezing a year (every indicator for the 12
counties and the prefecture, from the platform's records), the 12 counties' assessment, and the what-if, on
PostgreSQL; two computed indicators against a hand-written SQL of the same figures over the raw tables, measured in
the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench python bench/planning.py [--scale 0.2] [--keep]

Drops and recreates that database, migrates and runs `zhenxing generate --scale S` (the registry, projects, the
ledger, assets, then the monitoring history and the planning data of synth/planning_*.py). With --keep it reuses
the database as it is (and unfreezes nothing: run it on a fresh one).

(a) 脱贫人口人均纯收入 (income_per_capita) and 监测对象户数 (monitoring_households) for 2025 by their selectors
    (planning/computed), each against one hand-written statement; first checked to give the same figures; best of 5.
(b) freezing 2025 (planning.freeze.period_freeze): every indicator, 13 places, with provenance; once.
(c) the 12 counties' assessment (planning.assessment.assessment_compute_all); once. (d) the what-if; best of 5.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")

YEAR = 2025
INCOME = """
WITH t AS (
  SELECT h.id, h.village_code, y.wage + y.business + y.property + y.transfer - y.business_cost AS net
  FROM registry_householdyear y JOIN registry_household h ON h.id = y.household_id
  WHERE y.year = %(year)s AND h.kind = '脱贫户'),
m AS (
  SELECT household_id, count(*) AS n FROM registry_membership
  WHERE household_id IN (SELECT id FROM t) AND joined_on <= %(end)s AND (left_on IS NULL OR left_on > %(end)s)
  GROUP BY household_id)
SELECT c.code, sum(t.net), sum(m.n) FROM t JOIN m ON m.household_id = t.id
JOIN divisions_division v ON v.code = t.village_code JOIN divisions_division tw ON tw.id = v.parent_id
JOIN divisions_division c ON c.id = tw.parent_id GROUP BY c.code
"""
MONITORED = """
SELECT c.code, count(DISTINCT k.household_id) FROM monitoring_case k JOIN registry_household h ON h.id = k.household_id
JOIN divisions_division v ON v.code = h.village_code JOIN divisions_division t ON t.id = v.parent_id
JOIN divisions_division c ON c.id = t.parent_id
WHERE k.identified_on <= %(end)s AND (k.eliminated_on IS NULL OR k.eliminated_on > %(end)s)
  AND k.status = ANY(%(confirmed)s) GROUP BY c.code
"""


def best_of(runs: int, action) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.2, help="the registry's scale (1 = 2.0 M people)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="reuse the database (no drop, no generation)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (it will be dropped and recreated)")
    if not args.keep:
        from bench.registry import recreate_database

        zhenxing = [sys.executable, "-m", "zhenxing.cli"]
        recreate_database(url)
        subprocess.run([*zhenxing, "migrate", "-v0"], check=True, stderr=subprocess.DEVNULL)
        started = time.perf_counter()
        subprocess.run([*zhenxing, "generate", "--scale", str(args.scale), "--seed", str(args.seed), "--year",
                        str(YEAR)], check=True, capture_output=True, text=True)  # fmt: skip
        print(f"generate --scale {args.scale}: {time.perf_counter() - started:.1f} s")

    import django

    django.setup()
    from django.db import connection

    from zhenxing.monitoring.enums import MONITORED_STATUSES, CaseStatus
    from zhenxing.planning import assessment, freeze
    from zhenxing.planning.models import Indicator
    from zhenxing.registry.models import Household

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics after the bulk generation, for both sides
    print(f"households: {Household.objects.count():,}")
    period = freeze.period_ensure(kind="year", year=YEAR, number=0)
    context = freeze.context_for(period, as_of=datetime.datetime.now(datetime.UTC))
    params = {"year": YEAR, "end": datetime.date(YEAR, 12, 31),
              "confirmed": [*MONITORED_STATUSES, CaseStatus.ELIMINATED]}  # fmt: skip

    def by_hand(sql: str) -> dict[str, tuple]:  # type: ignore[type-arg]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: row[1:] for row in cursor.fetchall()}

    print("(a) computed selector vs hand-written SQL, best of 5 (ms)")
    # the selector's numerator in yuan (the hand-written sum in fen), in households
    for code, sql, unit in (("income_per_capita", INCOME, 100), ("monitoring_households", MONITORED, 1)):
        indicator = Indicator.objects.get(code=code)
        ours, (figures, *_rest) = best_of(5, lambda i=indicator: freeze.computed_figures(i, context))  # type: ignore[misc]
        reference, rows = best_of(5, lambda s=sql: by_hand(s))
        for county, row in rows.items():  # type: ignore[union-attr]
            figure = figures[county]
            assert figure.numerator * unit == Decimal(row[0]), (code, county)
            if len(row) > 1:
                assert figure.denominator == Decimal(row[1]), (code, county)
        print(
            f"    {code:24s} ours {ours:8.1f}  hand-written {reference:8.1f}  ratio {ours / reference:5.2f}"
        )
    if period.frozen_at is None:
        started = time.perf_counter()
        written = freeze.period_freeze(period=period, actor=None)
        print(f"(b) freeze {YEAR}: {written} values in {time.perf_counter() - started:.2f} s")
    else:
        print(f"(b) freeze {YEAR}: skipped, frozen before (run without --keep to measure it)")
    started = time.perf_counter()
    graded = assessment.assessment_compute_all(year=YEAR, actor=None)
    grades = sorted(a.grade for a in graded)
    print(
        f"(c) assessment of {len(graded)} counties: {time.perf_counter() - started:.2f} s ({'、'.join(grades)})"
    )
    what_if, rows = best_of(5, lambda: assessment.assessment_what_if(year=YEAR, overrides={"weight_work": Decimal(35),
                                                                                          "weight_results": Decimal(20)}))  # fmt: skip
    changed = sum(1 for row in rows if row.changed)  # type: ignore[attr-defined]
    print(f"(d) what-if (weights changed): {what_if:.1f} ms, {changed} grades change")


if __name__ == "__main__":
    main()
