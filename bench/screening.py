"""Screening benchmark (issue 5): the db engine on PostgreSQL, end to end, against a hand-written query of
the same rules on the same tables, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench python bench/screening.py

Needs a registry in that database (bench/registry.py makes one at scale 1). Generates the year's feeds,
ingests them, then times: the engine's first round (creates leads), a second round (all unchanged), and the
hand-written query (every rule in one statement, fetched, nothing written).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")

HAND_WRITTEN = """
WITH members AS (SELECT household_id, COUNT(*) AS n FROM registry_membership WHERE left_on IS NULL GROUP BY household_id),
y AS (SELECT household_id, wage + business + property + transfer - business_cost AS net,
             wage + business + property + transfer - business_cost + insurance_payouts - medical_expense - education_expense
             - rehabilitation_expense - accident_expense - disaster_expense AS adjusted
      FROM registry_householdyear WHERE year = %(year)s),
f AS (SELECT * FROM feeds_feedrecord WHERE record_date BETWEEN %(start)s AND %(end)s)
SELECT household_id, 'R01' FROM y JOIN members USING (household_id) WHERE net < %(line)s * n
UNION ALL SELECT household_id, 'R02' FROM y JOIN members USING (household_id) WHERE net >= %(line)s * n AND adjusted < %(line)s * n
UNION ALL SELECT household_id, 'R03' FROM f WHERE department = 'medical_insurance' AND person_id IS NOT NULL
          GROUP BY household_id, person_id HAVING SUM(amount_fen) > %(line)s
UNION ALL SELECT f.household_id, 'R04' FROM f JOIN registry_person p ON p.id = f.person_id
          WHERE f.department = 'education' AND f.code IN ('辍学', '未入学') AND p.birth_date BETWEEN %(born15)s AND %(born6)s
UNION ALL SELECT household_id, 'R05' FROM f WHERE department = 'housing' AND code IN ('C', 'D') AND household_id IS NOT NULL
UNION ALL SELECT h.id, 'R06' FROM f JOIN registry_household h ON h.id = f.household_id OR (f.household_id IS NULL AND h.village_code = f.village_code)
          WHERE f.department = 'water' AND (COALESCE(f.number, 0) > 30 OR f.code IN ('水质不达标', '取水不便'))
UNION ALL SELECT household_id, 'R07' FROM f WHERE department = 'emergency' AND household_id IS NOT NULL AND (amount_fen >= 1000000 OR flag)
UNION ALL SELECT household_id, 'R08' FROM f WHERE department = 'disability' AND household_id IS NOT NULL AND number <= 2
UNION ALL SELECT household_id, 'R09' FROM f WHERE department = 'health' AND code = '大病' AND household_id IS NOT NULL
UNION ALL SELECT household_id, 'R10' FROM f WHERE department = 'human_resources' AND household_id IS NOT NULL AND (flag OR code = '失业')
UNION ALL SELECT f.household_id, 'R11' FROM f JOIN registry_person p ON p.id = f.person_id
          WHERE f.department = 'public_security' AND f.household_id IS NOT NULL
          AND p.labour IN ('普通劳动力', '技能劳动力') AND p.birth_date BETWEEN %(born64)s AND %(born16)s
          AND NOT EXISTS (SELECT 1 FROM registry_membership m2 JOIN registry_person p2 ON p2.id = m2.person_id
                          WHERE m2.household_id = f.household_id AND m2.left_on IS NULL AND m2.person_id <> f.person_id
                          AND p2.labour IN ('普通劳动力', '技能劳动力') AND p2.birth_date BETWEEN %(born64)s AND %(born16)s)
UNION ALL SELECT household_id, 'R12' FROM f WHERE department = 'civil_affairs' AND household_id IS NOT NULL AND code IN ('低保', '特困')
"""


def main() -> None:

    import django

    django.setup()

    year = 2025
    if "--skip-feeds" not in sys.argv:
        ingest_feeds(year)
    time_rounds(year)


def ingest_feeds(year: int) -> None:
    from zhenxing.feeds.parsing import rows_from_upload
    from zhenxing.feeds.services import feed_batch_ingest
    from zhenxing.synth.feeds import generate_feeds

    folder = Path(tempfile.mkdtemp(prefix="feeds-"))
    started = time.perf_counter()
    counts, planted = generate_feeds(year=year, seed=int(time.time()), folder=folder)
    print(
        f"feeds generated: {sum(counts.values()):,} rows, {len(planted)} planted, {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    total = 0
    for path in sorted(folder.glob("*.csv")):
        if path.stem == "expected_leads":
            continue
        rows = rows_from_upload(path.name, path.read_bytes())
        for start in range(0, len(rows), 100_000):  # a batch holds at most 200,000 records
            feed_batch_ingest(department=path.stem, rows=rows[start : start + 100_000], source="upload")
        total += len(rows)
    ingest = time.perf_counter() - started
    print(f"feeds ingested: {total:,} rows in {ingest:.1f} s ({total / ingest:,.0f} rows/s)")


def time_rounds(year: int) -> None:
    import datetime

    from django.db import connection

    from zhenxing.screening.services import screening_run

    with connection.cursor() as cursor:
        # a bench database only: start from no leads, so that the first round really writes them
        cursor.execute(
            "TRUNCATE screening_leadsignal, screening_suppression, screening_lead, screening_screeningrun"
        )
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    first = screening_run(year=year)
    engine_first = time.perf_counter() - started
    started = time.perf_counter()
    second = screening_run(year=year)
    engine_second = time.perf_counter() - started
    params = {
        "year": year, "line": 870_000, "start": datetime.date(year, 1, 1), "end": datetime.date(year, 12, 31),
        "born6": datetime.date(year - 6, 12, 31), "born15": datetime.date(year - 15, 1, 1),
        "born16": datetime.date(year - 16, 12, 31), "born64": datetime.date(year - 64, 1, 1),
    }  # fmt: skip
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN, params)
        hand_rows = cursor.fetchall()
    hand = time.perf_counter() - started
    print(f"db engine, first round (leads written): {engine_first:.1f} s, summary {first.summary}")
    print(f"db engine, second round (all unchanged): {engine_second:.1f} s, summary {second.summary}")
    print(f"hand-written query: {hand:.1f} s, {len(hand_rows):,} (household, rule) rows")
    from pathlib import Path as _Path

    from django.conf import settings

    from zhenxing.screening.snapshot import snapshot_create

    started = time.perf_counter()
    snap = snapshot_create(folder=_Path(settings.ZHENXING_VAR_DIR) / "snapshots" / "bench")
    print(f"snapshot (PostgreSQL COPY → DuckDB → Parquet): {snap.seconds:.1f} s, rows {snap.rows}")
    import re as _re
    from decimal import Decimal

    from zhenxing.screening.engines import duckdb_over_snapshot
    from zhenxing.screening.whatif import what_if

    con = duckdb_over_snapshot(snap.folder)
    duck_sql = _re.sub(r"%\((\w+)\)s", r"$\1", HAND_WRITTEN)
    started = time.perf_counter()
    duck_hand = con.execute(duck_sql, params).fetchall()
    duck_hand_seconds = time.perf_counter() - started
    con.close()
    print(
        f"hand-written query in DuckDB over the snapshot: {duck_hand_seconds:.2f} s, {len(duck_hand):,} rows"
    )
    started = time.perf_counter()
    duck = screening_run(year=year, engine="duckdb")
    duck_seconds = time.perf_counter() - started
    print(
        f"duckdb engine round (fresh snapshot included, all unchanged): {duck_seconds:.1f} s, summary {duck.summary}"
    )
    print(
        f"ratio duckdb engine (snapshot excluded) / hand-written DuckDB: {(duck_seconds - snap.seconds) / duck_hand_seconds:.2f}x"
    )
    started = time.perf_counter()
    result = what_if(
        year=year, lines_yuan=[Decimal(8700), Decimal(9500)], prefixes=["5329"], area_length=6, area_names={}
    )
    before, after = (len(setting.households) for setting in result.settings)
    print(
        f"what-if 8,700 → 9,500 for Dali (fresh snapshot included): {time.perf_counter() - started:.1f} s, {before:,} → {after:,} households"
    )
    if "--spark" in sys.argv:
        started = time.perf_counter()
        sparked = screening_run(year=year, engine="spark")
        print(
            f"spark engine local[2] (snapshot and JVM start included): {time.perf_counter() - started:.1f} s, {sparked.summary}"
        )
    print(
        f"ratio engine/hand-written: first round {engine_first / hand:.2f}x, second round {engine_second / hand:.2f}x (goal <= 3x)"
    )


if __name__ == "__main__":
    main()
