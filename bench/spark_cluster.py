"""Spark standalone cluster benchmark (issue 22): the rule set's evaluation on one snapshot — DuckDB for
reference, Spark local[2], and a standalone cluster of two workers × one core on loopback
(`zhenxing.screening.spark_cluster`) — at 1× and at 10× (the snapshot copied ten times with ids shifted),
each figure with its ratio to the DuckDB time of the same size measured in the same run, the per-core rates
and, from them, a projection for a province (12× Dali) and the nation (250× Dali).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench .venv/bin/python bench/spark_cluster.py
        [--no-tenfold] [--skip-feeds] [--repeat N]

Needs a registry in that database (a scale-1 copy of Dali); feeds for 2025 are generated and ingested first
if it has fewer feed records than households (bench/screening.py's `ingest_feeds`), unless --skip-feeds.
Every measurement runs in a process of its own (one Spark session, and so one master, per process): the rule
set runs once on the 1x snapshot to warm the JVM, the executors and the code paths, then `--repeat` times
(default 1) timed on the size measured; the fastest is reported. DuckDB is measured the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")

YEAR = 2025
LINE_FEN = 870_000
CORES = 2  # local[2], two workers of one core, DuckDB on this two-core machine
PROVINCE, NATION = 12, 250  # × Dali
MEASURE_LIMIT = 1500.0  # seconds for one process (warm-up and timed runs) before it is killed
WARM_UP: list[Path] = []  # the 1x snapshot, once taken: every measurement warms up on it


def main() -> None:
    import signal

    import django

    # killed (`timeout`, `kill`): leave through the cluster's `finally`, so that no daemon outlives the bench
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    django.setup()
    if "--measure" in sys.argv:  # engine, folder, warm-up folder, master or "-"
        engine, target, warm_up, master = sys.argv[sys.argv.index("--measure") + 1 :][:4]
        measure(engine, Path(target), Path(warm_up), None if master == "-" else master, repeat=_repeat())
        return

    from zhenxing.feeds.models import FeedRecord
    from zhenxing.registry.models import Household
    from zhenxing.screening.snapshot import snapshot_take

    # a year of feeds is millions of rows at scale 1; a registry that holds only a demo's few has none yet
    if "--skip-feeds" not in sys.argv and FeedRecord.objects.count() < Household.objects.count():
        from screening import ingest_feeds  # bench/screening.py

        ingest_feeds(YEAR)
    snapshot = snapshot_take()
    rows = sum(snapshot.rows.values())
    households = snapshot.rows["registry_household"]
    print(f"snapshot taken in {snapshot.seconds:.1f} s: {rows:,} rows, {snapshot.rows}", flush=True)
    sizes: list[tuple[str, Path, int, int]] = [("1x", snapshot.folder, rows, households)]
    WARM_UP.append(snapshot.folder)
    if "--no-tenfold" not in sys.argv:
        from django.conf import settings

        tenfold = Path(settings.ZHENXING_VAR_DIR) / "snapshots-bench-10x-cluster"
        started = time.perf_counter()
        ten_rows = tenfold_snapshot(snapshot.folder, tenfold)
        print(f"10x snapshot built in {time.perf_counter() - started:.1f} s: {ten_rows}", flush=True)
        sizes.append(("10x", tenfold, sum(ten_rows.values()), ten_rows["registry_household"]))

    from zhenxing.screening.spark_cluster import spark_cluster

    results: dict[tuple[str, str], float] = {}
    for label, folder, *_ in sizes:
        results[("duckdb", label)] = _report("duckdb", label, folder, None, results)
        results[("local[2]", label)] = _report("local[2]", label, folder, "local[2]", results)
    # the cluster's executors get Spark's default heap (1 GB) each; local[2] runs both tasks in the driver's
    # default 1 GB
    with spark_cluster(workers=2, cores=1, memory="1g") as cluster:
        print(f"\ncluster up: {cluster.url}, {cluster.alive_workers()} workers of 1 core", flush=True)
        for label, folder, *_ in sizes:
            results[("cluster", label)] = _report("cluster", label, folder, cluster.url, results)
    _rates_and_projection(results, sizes)
    if len(sizes) > 1:
        import shutil

        shutil.rmtree(sizes[1][1], ignore_errors=True)  # ten copies of Dali: not kept


def _repeat() -> int:
    return int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 1


def tenfold_snapshot(folder: Path, target: Path) -> dict[str, int]:
    """The snapshot ten times over, as bench/screening.py's `tenfold` builds it (ids shifted by 10⁸ per copy,
    village codes prefixed by the copy's number, so that no copy joins another), written as one Parquet file
    per table. Read through the engine's own views (`duckdb_over_snapshot`), so whatever the snapshot's layout
    (one file per table, county partitions, a chain of deltas) the copy holds what the engines would read."""
    from zhenxing.screening.engines import duckdb_over_snapshot
    from zhenxing.screening.snapshot import SNAPSHOT_COLUMNS

    target.mkdir(parents=True, exist_ok=True)
    shift = {column: f"{column} + k * 100000000" for column in ("id", "household_id", "person_id")}
    village = "CASE WHEN k = 0 THEN village_code ELSE k || village_code END"
    con = duckdb_over_snapshot(folder)
    rows: dict[str, int] = {}
    for table, columns in SNAPSHOT_COLUMNS.items():
        select = ", ".join(
            (village if name == "village_code" else shift.get(name, name)) + f" AS {name}"
            for name, _ in columns
        )
        out = target / f"{table}.parquet"
        # the snapshot's own tables and the bench's own folder, never user input
        con.execute(f"COPY (SELECT {select} FROM {table}, range(10) t(k)) TO '{out}' (FORMAT parquet)")
        count = con.execute(f"SELECT COUNT(*) FROM read_parquet('{out}')").fetchone()
        rows[table] = int(count[0]) if count else 0
    con.close()
    return rows


def _report(
    engine: str, label: str, folder: Path, master: str | None, results: dict[tuple[str, str], float]
) -> float:
    seconds, detail = _measure_in_subprocess(engine, folder, master)
    reference = results.get(("duckdb", label))
    ratio = f", {seconds / reference:.1f}x DuckDB's" if reference and seconds == seconds else ""
    print(f"{engine} {label}: {seconds:.2f} s{ratio} ({detail})", flush=True)
    return seconds


def _measure_in_subprocess(engine: str, folder: Path, master: str | None) -> tuple[float, str]:
    """The measurement in a process of its own; the warm-up runs on the 1x snapshot (a 10x warm-up would
    double the longest measurements and warm nothing more than the JVM, the executors and the code paths)."""
    warm_folder = WARM_UP[0] if WARM_UP else folder
    command = [
        sys.executable,
        __file__,
        "--measure",
        "duckdb" if engine == "duckdb" else "spark",
        str(folder),
    ]
    command += [str(warm_folder), master or "-", "--repeat", str(_repeat())]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=MEASURE_LIMIT, check=False)
    except subprocess.TimeoutExpired:
        return float("nan"), f"stopped after {MEASURE_LIMIT:.0f} s"
    measured = [line.split()[1:] for line in done.stdout.splitlines() if line.startswith("measured:")]
    if not measured:
        return float("nan"), "failed: " + " | ".join(done.stderr.strip().splitlines()[-3:])
    seconds, signals, warm = float(measured[-1][0]), int(measured[-1][1]), float(measured[-1][2])
    return seconds, f"{signals:,} signals; first run {warm:.1f} s with start-up"


def measure(engine: str, folder: Path, warm_folder: Path, master: str | None, *, repeat: int) -> None:
    """Run by the parent in a fresh process: the rule set once on `warm_folder` to warm up, then `repeat`
    timed runs on `folder`."""
    from zhenxing.screening.engines import evaluate_duckdb, evaluate_spark, round_parameters
    from zhenxing.screening.models import Rule, RuleSet
    from zhenxing.screening.snapshot import SNAPSHOT_COLUMNS, Snapshot

    rules = list(
        Rule.objects.filter(rule_set=RuleSet.objects.get(is_current=True), enabled=True).order_by("code")
    )
    parameters = round_parameters(year=YEAR, line_fen=LINE_FEN)

    def once(folder: Path) -> int:
        snapshot = Snapshot(folder=folder, seconds=0, rows=dict.fromkeys(SNAPSHOT_COLUMNS, 0))
        if engine == "duckdb":
            return len(evaluate_duckdb(rules, parameters, snapshot=snapshot))
        return len(evaluate_spark(rules, parameters, snapshot=snapshot, master=master))

    if master and master.startswith("spark://"):
        from zhenxing.screening.spark_cluster import LOOPBACK

        os.environ["SPARK_LOCAL_IP"] = os.environ["SPARK_LOCAL_HOSTNAME"] = LOOPBACK  # the driver too
    started = time.perf_counter()
    once(warm_folder)
    warm = time.perf_counter() - started
    best, signals = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        signals = once(folder)
        best = min(best, time.perf_counter() - started)
    print(f"measured: {best:.3f} {signals} {warm:.3f}", flush=True)


def _rates_and_projection(
    results: dict[tuple[str, str], float], sizes: list[tuple[str, Path, int, int]]
) -> None:
    print("\n== per core (2 cores each: DuckDB's threads, local[2], 2 workers x 1 core) ==")
    rates: dict[str, tuple[float, float]] = {}
    for engine in ("duckdb", "local[2]", "cluster"):
        for label, _folder, rows, households in sizes:
            seconds = results.get((engine, label), float("nan"))
            core_seconds = seconds * CORES
            row_rate, household_rate = rows / core_seconds, households / core_seconds
            print(
                f"{engine} {label}: {row_rate:,.0f} rows/core-s, {household_rate:,.0f} households/core-s",
                flush=True,
            )
            rates[engine] = (row_rate, household_rate)  # the largest size measured: the one to project from
    dali = sizes[0][3]
    print(f"\n== projection from the largest size's per-core rate (Dali: {dali:,} households) ==")
    for engine, (_row_rate, household_rate) in rates.items():
        for name, times in (("province", PROVINCE), ("nation", NATION)):
            core_seconds = dali * times / household_rate
            print(
                f"{engine}, {name} ({times}x Dali, {dali * times / 1e6:.1f} M households): {core_seconds:,.0f} core-s"
                f" = {core_seconds / 2 / 60:.1f} min on 2 cores, {core_seconds / 100:.0f} s on 100 cores",
                flush=True,
            )


if __name__ == "__main__":
    main()
