"""Feed ingest benchmark (issue 22): one year of every department's feeds through `feed_batch_ingest`, against a
bare ingest of the same rows measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench python bench/feeds.py [--seed N] [--rollback]

Needs a registry in that database (bench/registry.py or `zhenxing generate` makes one). Generates the year's
feeds as bench/screening.py's `ingest_feeds` does (synth/feeds.py, CSV files in a temporary folder), reads
each file (`rows_from_upload`) and pushes it in batches of 100,000 rows, as a department would.

Figures (each batch is timed on its own; the totals are sums):
- ingest rows/s: rows handed to `feed_batch_ingest` per second of it (validation row by row with its
  Chinese errors, checksum and idempotency, matching, COPY of the records, the batch and its audit event);
  the goal is ≥ 30,000 rows/s. The end-to-end figure adds reading the CSV files.
- bare ingest: the same batches with nothing but the work that cannot be skipped — each row's ID blind index
  (HMAC), the people, their current households and the households by code in one read each, and the
  matched rows COPYed into a temporary table shaped like the feed records — no validation, no checksum, no
  batch row, no audit. Measured right after the ingest of each batch, so both see the same cache.
- ratio = ingest seconds / bare seconds (1.0 would be the floor).

`feed_ingest_benchmark(year=…)` returns the figures as a dict (bench/screening.py can call it in place of
its `ingest_feeds`); the ingested records stay unless `rollback=True`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")

BATCH = 100_000  # a batch holds at most 200,000 records (feeds/services.MAX_ROWS)


def feed_ingest_benchmark(
    *, year: int = 2025, seed: int | None = None, folder: Path | None = None, rollback: bool = False
) -> dict[str, Any]:
    from django.db import transaction

    from zhenxing.feeds.parsing import rows_from_upload
    from zhenxing.feeds.services import feed_batch_ingest
    from zhenxing.synth.feeds import generate_feeds

    folder = folder or Path(tempfile.mkdtemp(prefix="feeds-"))
    started = time.perf_counter()
    counts, planted = generate_feeds(
        year=year, seed=int(time.time()) if seed is None else seed, folder=folder
    )
    generated = time.perf_counter() - started
    read = ingest = bare = 0.0
    total = accepted = 0
    per_department: dict[str, dict[str, float]] = {}

    class _Rollback(Exception):
        pass

    try:
        with transaction.atomic() if rollback else _nothing():
            for path in sorted(folder.glob("*.csv")):
                if path.stem == "expected_leads":
                    continue
                started = time.perf_counter()
                # a bulk load, not a user upload: no row cap on the file (the batches below keep the cap)
                rows = rows_from_upload(path.name, path.read_bytes(), max_rows=10**8)
                read += time.perf_counter() - started
                mine = per_department.setdefault(path.stem, {"rows": 0, "ingest": 0.0, "bare": 0.0})
                for start in range(0, len(rows), BATCH):
                    part = rows[start : start + BATCH]
                    started = time.perf_counter()
                    result = feed_batch_ingest(department=path.stem, rows=part, source="upload")
                    took = time.perf_counter() - started
                    accepted += result.batch.accepted
                    started = time.perf_counter()
                    bare_ingest(path.stem, part)
                    bare_took = time.perf_counter() - started
                    ingest, bare = ingest + took, bare + bare_took
                    mine["rows"] += len(part)
                    mine["ingest"] += took
                    mine["bare"] += bare_took
                total += len(rows)
            if rollback:
                raise _Rollback
    except _Rollback:
        pass
    return {
        "rows": total,
        "accepted": accepted,
        "planted": len(planted),
        "generate_seconds": generated,
        "read_seconds": read,
        "ingest_seconds": ingest,
        "bare_seconds": bare,
        "rows_per_second": total / ingest if ingest else 0.0,
        "end_to_end_rows_per_second": total / (read + ingest) if read + ingest else 0.0,
        "ratio_to_bare": ingest / bare if bare else 0.0,
        "per_department": per_department,
        "counts": counts,
    }


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def bare_ingest(department: str, rows: list[dict[str, Any]]) -> float:
    """The rows matched and stored with nothing else (see the module's docstring)."""
    from django.db import connection, transaction

    from zhenxing.common.crypto import id_number_index

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        indexes = []
        for row in rows:
            number = row.get("id_number") or (row.get("certificate") or "")[:18]
            indexes.append(id_number_index(number) if number else None)
        # one read of the people with their current households (as feeds/services does)
        cursor.execute(
            "SELECT p.id_number_index, p.id, m.household_id FROM registry_person p"
            " LEFT JOIN registry_membership m ON m.person_id = p.id AND m.left_on IS NULL"
            " WHERE p.id_number_index = ANY(%s)",
            [sorted({i for i in indexes if i})],
        )
        people: dict[str, int] = {}
        homes: dict[int, int] = {}
        for index, person, home in cursor.fetchall():
            people[index] = person
            homes[person] = home
        codes = [row["household_code"] for row in rows if row.get("household_code")]
        households: dict[str, int] = {}
        if codes:
            cursor.execute("SELECT code, id FROM registry_household WHERE code = ANY(%s)", [codes])
            households = dict(cursor.fetchall())
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_feed ON COMMIT DROP AS SELECT * FROM feeds_feedrecord WITH NO DATA"
        )
        columns = "department, row_number, person_id, household_id, village_code, record_date, code"
        with cursor.cursor.copy(f"COPY bench_feed ({columns}) FROM STDIN") as copy:
            for number, (row, index) in enumerate(zip(rows, indexes, strict=True), start=2):
                person = people.get(index) if index else None
                home = households.get(row.get("household_code") or "") or (
                    homes.get(person) if person else None
                )
                village = row.get("village_code") or ""
                if home is None and not village:
                    continue
                date = row.get("date") or row.get("period") or row.get("start") or None
                code = (
                    row.get("status") or row.get("grade") or row.get("problem") or row.get("assistance") or ""
                )
                copy.write_row((department, number, person, home, village, date, code))
        cursor.execute("DROP TABLE bench_feed")  # inside an outer transaction ON COMMIT comes too late
    return time.perf_counter() - started


def main() -> None:
    import django

    django.setup()
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else None
    figures = feed_ingest_benchmark(year=2025, seed=seed, rollback="--rollback" in sys.argv)
    print(
        f"feeds generated: {figures['rows']:,} rows, {figures['planted']} planted, {figures['generate_seconds']:.1f} s"
    )
    for department, mine in figures["per_department"].items():
        if not mine["rows"]:
            continue
        print(
            f"  {department:18} {int(mine['rows']):>9,} rows  ingest {mine['ingest']:6.2f} s"
            f" ({mine['rows'] / mine['ingest']:>8,.0f} rows/s)  bare {mine['bare']:6.2f} s"
            f"  ratio {mine['ingest'] / mine['bare']:.2f}x"
        )
    print(
        f"feed ingest: {figures['rows']:,} rows ({figures['accepted']:,} stored) in {figures['ingest_seconds']:.1f} s:"
        f" {figures['rows_per_second']:,.0f} rows/s (goal ≥ 30,000); with reading the CSV files"
        f" ({figures['read_seconds']:.1f} s) {figures['end_to_end_rows_per_second']:,.0f} rows/s"
    )
    print(
        f"bare ingest (ID index, one read of people with their households, one of household codes, COPY into a temporary table):"
        f" {figures['bare_seconds']:.1f} s; ratio ingest/bare {figures['ratio_to_bare']:.2f}x"
    )


if __name__ == "__main__":
    main()
