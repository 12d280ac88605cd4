"""Linkage funds benchmark (issue 18, P14): the county fund summary with its 支出进度 for 20 concurrent users, and
the yearly 绩效评价 of all 12 counties, over five synthetic years, each against a hand-written SQL aggregate of
the same numbers measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench python bench/funds.py [--scale 0.05]
        [--per-year 2000] [--users 20] [--rounds 15] [--think 1.0] [--evaluations 10] [--keep] [--processes]

Drops and recreates that database, migrates, and runs `zhenxing generate --scale S --projects-per-year N`: the
synthetic registry, N projects a year for the last five years, and the fund ledger of those years (synth/funds.py:
documents, splits, payments, reversals, 出库/终止). With --keep it reuses the database as it is.

Measured (the budget year: last year, whose ledger is complete; this year's is printed too):

(a) the county fund summary and 支出进度 (funds.progress): a county's allocated, split and paid by source for the
    budget year (ledger_sums by source), the same per project of the county's projects of that year
    (project_sums), and the prefecture's by-county sums (ledger_sums by county) — 20 users, each a thread with
    its own connection as in bench/projects.py (--processes: each a forked process, as the site's worker
    processes, so that the application's Python work does not wait for one interpreter lock), with think time,
    p50 and p95 in ms; goal p95 ≤ 100 ms;
(b) the 绩效评价 of all 12 counties for the budget year (funds.performance.performance_all_counties), run
    --evaluations times one after the other; goal ≤ 2 s. If that module is missing, it prints "not available".

Each against hand-written SQL (psycopg) reading the same rows: for (a) the same sums, for (b) the evaluation's
inputs (the year's ledger by county, the projects counted, their targets and notices, the money per project).
The script first checks that both give the same numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")

from bench.projects import _dsn, load, percentile  # noqa: E402

COUNTY = "532926"  # 南涧彝族自治县, the demo's county
LIBRARY = ("reserved", "started", "building", "completed", "accepted", "handed_over")
COUNTED = (*LIBRARY, "terminated")
DONE = ("completed", "accepted", "handed_over")

# (a) the county's sums by source, the projects' sums, the prefecture's by county: one statement per sum, as the
# application's aggregates (lines; splits in force less their releases; payments net of reversals)
LINES_BY = """
SELECT l.{key}, sum(l.amount_fen) FROM funds_allocationline l JOIN funds_allocation a ON a.id = l.allocation_id
WHERE a.budget_year = %(year)s AND l.county_id = ANY(%(counties)s) GROUP BY l.{key}
"""
SPLITS_BY = """
SELECT s.{key}, sum(s.amount_fen) FROM funds_split s JOIN funds_allocationline l ON l.id = s.line_id
JOIN funds_allocation a ON a.id = l.allocation_id
WHERE s.status = 'active' AND a.budget_year = %(year)s AND s.county_id = ANY(%(counties)s) GROUP BY s.{key}
"""
RELEASES_BY = """
SELECT s.{key}, sum(r.amount_fen) FROM funds_release r JOIN funds_split s ON s.id = r.split_id
JOIN funds_allocationline l ON l.id = s.line_id JOIN funds_allocation a ON a.id = l.allocation_id
WHERE s.status = 'active' AND a.budget_year = %(year)s AND r.county_id = ANY(%(counties)s) GROUP BY s.{key}
"""
PAYMENTS_BY = """
SELECT s.{key}, sum(p.amount_fen) FROM funds_payment p JOIN funds_split s ON s.id = p.split_id
JOIN funds_allocationline l ON l.id = s.line_id JOIN funds_allocation a ON a.id = l.allocation_id
WHERE a.budget_year = %(year)s AND p.county_id = ANY(%(counties)s) GROUP BY s.{key}
"""
PROJECT_CODES = """
SELECT DISTINCT code FROM projects_project WHERE county_id = %(county)s AND year = %(year)s
"""
PROJECT_GIVEN = """
SELECT p.code, sum(s.amount_fen) FROM funds_split s JOIN projects_project p ON p.id = s.project_id
WHERE s.status = 'active' AND p.code = ANY(%(codes)s) GROUP BY p.code
"""
PROJECT_RELEASED = """
SELECT p.code, sum(r.amount_fen) FROM funds_release r JOIN funds_split s ON s.id = r.split_id
JOIN projects_project p ON p.id = s.project_id WHERE s.status = 'active' AND p.code = ANY(%(codes)s) GROUP BY p.code
"""
PROJECT_PAID = """
SELECT p.code, sum(y.amount_fen) FROM funds_payment y JOIN funds_split s ON s.id = y.split_id
JOIN projects_project p ON p.id = s.project_id WHERE p.code = ANY(%(codes)s) GROUP BY p.code
"""
# (b) the evaluation's inputs: the projects counted (each code's highest version in a counted state), their
# targets and posted notices, and the money per county (the ledger sums above, by county)
EVAL_PROJECTS = """
SELECT DISTINCT ON (p.code) p.code, p.county_id, p.status, c.needs_linkage,
       (p.linkage_mechanisms::text NOT IN ('[]', 'null')) AS mechanisms,
       coalesce(p.linked_tuopin_people, 0) + coalesce(p.linked_monitoring_people, 0) AS linked,
       (SELECT count(*) FROM projects_projecttarget t WHERE t.project_id = p.id) AS targets,
       (SELECT count(*) FROM projects_projecttarget t WHERE t.project_id = p.id AND t.achieved) AS met
FROM projects_project p JOIN projects_projectcategory c ON c.id = p.category_id
WHERE p.year = %(year)s AND p.county_id = ANY(%(counties)s) AND p.status = ANY(%(counted)s)
ORDER BY p.code, p.version DESC
"""
EVAL_NOTICES = """
SELECT DISTINCT p.code, n.kind FROM projects_projectnoticeentry e JOIN projects_project p ON p.id = e.project_id
JOIN projects_projectnotice n ON n.id = e.notice_id
WHERE p.year = %(year)s AND p.county_id = ANY(%(counties)s) AND n.status IN ('posted', 'ended')
  AND n.kind IN ('plan', 'result')
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05, help="the registry's scale (1 = 2.0 M people)")
    parser.add_argument("--per-year", type=int, default=2000, help="projects a year (five years)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=15, help="requests per user and measurement")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between requests, seconds")
    parser.add_argument("--evaluations", type=int, default=10, help="runs of the 12 counties' 绩效评价")
    parser.add_argument("--keep", action="store_true", help="reuse the database (no drop, no generation)")
    parser.add_argument(
        "--processes",
        action="store_true",
        help="users as forked processes (as the site's workers), not threads",
    )
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
        out = subprocess.run(
            [*zhenxing, "generate", "--scale", str(args.scale), "--seed", str(args.seed), "--year", "2025",
             "--projects-per-year", str(args.per_year)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        print(f"generation: registry, projects and funds in {time.perf_counter() - started:.1f} s (wall)")
        for line in out.stdout.strip().splitlines()[-2:]:
            print("  " + line)

    import django

    django.setup()
    from django.db import connection

    from zhenxing.common import clock
    from zhenxing.divisions.models import Division
    from zhenxing.funds.models import Allocation, AllocationLine, Payment, Release, Split

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    year = clock.today().year - 1
    county = Division.objects.get(code=COUNTY)
    counties = list(Division.objects.filter(level="county").order_by("code").values_list("pk", flat=True))
    print(
        f"ledger: {Allocation.objects.count():,} documents, {AllocationLine.objects.count():,} lines,"
        f" {Split.objects.count():,} splits, {Payment.objects.count():,} payments"
        f" ({Payment.objects.filter(amount_fen__lt=0).count():,} reversals), {Release.objects.count():,} releases;"
        f" budget years {sorted(set(Allocation.objects.values_list('budget_year', flat=True)))}; measured: {year}"
    )
    import psycopg

    with psycopg.connect(_dsn(url)) as conn:
        app, sql = app_summary(county.pk, counties, year), sql_summary(conn, county.pk, counties, year)
        print(f"(a) summary, application vs hand-written: {'agree' if app == sql else 'DIFFER'}"
              f" ({len(app[1])} projects of {county.name} in {year})")  # fmt: skip
        if app != sql:
            raise SystemExit("the application and the hand-written SQL read different numbers")
        progress = app[0]
        allocated = sum(v[0] for v in progress.values())
        paid = sum(v[2] for v in progress.values())
        print(f"    {county.name} {year}: allocated {allocated / 1e6:,.0f} 万元, paid {paid / 1e6:,.0f} 万元"
              f" ({100 * paid / max(allocated, 1):.2f} %)")  # fmt: skip

    with psycopg.connect(_dsn(url), autocommit=True) as conn:  # one user alone: the cost of one request
        alone_app = [_timed(lambda: app_summary(county.pk, counties, year)) for _ in range(20)]
        alone_sql = [_timed(lambda: sql_summary(conn, county.pk, counties, year)) for _ in range(20)]
    print(
        f"(a) one user alone, 20 requests: application median {statistics.median(alone_app):.1f} ms,"
        f" hand-written {statistics.median(alone_sql):.1f} ms"
    )
    load_1, load_5, _ = os.getloadavg()
    print(
        f"\n{args.users} users, {args.rounds} requests each, think time ~{args.think:.1f} s; latency in ms"
        f" (goal: application p95 <= 100 ms); users as {'processes' if args.processes else 'threads'}; machine: {os.cpu_count()} CPUs, load average {load_1:.1f} / {load_5:.1f}"
    )
    run = load_forked if args.processes else load
    app_times = run(args, lambda _conn: lambda: app_summary(county.pk, counties, year))
    sql_times = run(args, lambda conn: lambda: sql_summary(conn, county.pk, counties, year), url=url)
    a50, a95 = statistics.median(app_times), percentile(app_times, 0.95)
    s50, s95 = statistics.median(sql_times), percentile(sql_times, 0.95)
    print(
        f"(a) county fund summary + 支出进度 ({county.name}, {year}, with the prefecture's by county): application"
        f" p50 {a50:.1f} p95 {a95:.1f}; hand-written p50 {s50:.1f} p95 {s95:.1f}; ratio p50 {a50 / s50:.1f}x"
        f" p95 {a95 / s95:.1f}x; {'OK' if a95 <= 100 else 'OVER GOAL'}"
    )
    evaluation(args, url, counties, year)


def _timed(request: Callable[[], Any]) -> float:
    started = time.perf_counter()
    request()
    return (time.perf_counter() - started) * 1000


def load_forked(
    args: argparse.Namespace, make: Callable[[Any], Callable[[], Any]], *, url: str = ""
) -> list[float]:
    """As bench.projects.load, but each user is a process of its own (forked, its own connection), as the site's
    worker processes serve users: the application's Python work does not wait for one interpreter lock."""
    import multiprocessing
    import random

    import psycopg
    from django.db import connections

    connections.close_all()  # each child opens its own
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    barrier = context.Barrier(args.users)

    def user_loop(index: int) -> None:
        rng = random.Random(index)  # think times, not secrets
        conn = psycopg.connect(_dsn(url), autocommit=True) if url else None
        try:
            request = make(conn)
            request()  # warm-up: the connection and its first plans
            barrier.wait()
            time.sleep(rng.uniform(0, args.think))
            times = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                request()
                times.append((time.perf_counter() - started) * 1000)
                time.sleep(rng.uniform(0.5 * args.think, 1.5 * args.think))
            results.put(times)
        finally:
            if conn is not None:
                conn.close()
            connections.close_all()

    processes = [context.Process(target=user_loop, args=(i,)) for i in range(args.users)]
    for process in processes:
        process.start()
    times = [t for _ in processes for t in results.get(timeout=600)]
    for process in processes:
        process.join()
    return times


def app_summary(county_id: int, counties: list[int], year: int) -> tuple[dict, dict, dict]:
    """What the county's fund summary reads (funds.progress): by source, per project, and by county."""
    from zhenxing.funds.progress import ledger_sums, project_sums
    from zhenxing.projects.models import Project

    def plain(sums: Any) -> tuple[int, int, int]:
        return (sums.allocated_fen, sums.split_fen, sums.paid_fen)

    by_source = ledger_sums(counties=[county_id], budget_year=year, by=("source",))
    codes = Project.objects.filter(county_id=county_id, year=year).values_list("code", flat=True).distinct()
    projects = project_sums(codes=list(codes))
    by_county = ledger_sums(counties=counties, budget_year=year, by=("county",))
    return (
        {k[0]: plain(v) for k, v in by_source.items()},
        {k: (v.split_fen, v.paid_fen) for k, v in projects.items()},
        {k[0]: plain(v) for k, v in by_county.items()},
    )


def _sums(cursor: Any, key: str, params: dict[str, Any]) -> dict[Any, tuple[int, int, int]]:
    found: dict[str, dict[Any, int]] = {}
    for name, query in (("lines", LINES_BY), ("splits", SPLITS_BY), ("releases", RELEASES_BY),
                        ("paid", PAYMENTS_BY)):  # fmt: skip
        cursor.execute(query.format(key=key), params)
        found[name] = {k: int(v or 0) for k, v in cursor.fetchall()}
    keys = set(found["lines"]) | set(found["splits"]) | set(found["paid"])
    return {
        k: (
            found["lines"].get(k, 0),
            found["splits"].get(k, 0) - found["releases"].get(k, 0),
            found["paid"].get(k, 0),
        )
        for k in keys
    }


def sql_summary(conn: Any, county_id: int, counties: list[int], year: int) -> tuple[dict, dict, dict]:
    with conn.cursor() as cursor:
        by_source = _sums(cursor, "source", {"year": year, "counties": [county_id]})
        cursor.execute(PROJECT_CODES, {"county": county_id, "year": year})
        codes = [row[0] for row in cursor.fetchall()]
        per: dict[str, dict[str, int]] = {}
        for name, query in (("given", PROJECT_GIVEN), ("released", PROJECT_RELEASED), ("paid", PROJECT_PAID)):
            cursor.execute(query, {"codes": codes})
            per[name] = {k: int(v or 0) for k, v in cursor.fetchall()}
        projects = {
            code: (given - per["released"].get(code, 0), per["paid"].get(code, 0))
            for code, given in per["given"].items()
        }
        by_county = _sums(cursor, "county_id", {"year": year, "counties": counties})
    return by_source, projects, by_county


def sql_evaluation_inputs(conn: Any, counties: list[int], year: int) -> dict[int, dict[str, tuple[int, int]]]:
    """Per county the numerator and denominator of each indicator, from the hand-written reads."""
    params = {"year": year, "counties": counties, "counted": list(COUNTED)}
    out: dict[int, dict[str, list[int]]] = defaultdict(
        lambda: {k: [0, 0] for k in ("disbursement", "completion", "targets", "notices", "linkage")}
    )
    with conn.cursor() as cursor:
        for county_id, (allocated, _split, paid) in _sums(cursor, "county_id", params).items():
            out[county_id]["disbursement"] = [paid, allocated]
        cursor.execute(EVAL_NOTICES, params)
        posted: dict[str, set[str]] = defaultdict(set)
        for code, kind in cursor.fetchall():
            posted[code].add(kind)
        cursor.execute(EVAL_PROJECTS, params)
        for code, county_id, status, needs, mechanisms, linked, targets, met in cursor.fetchall():
            row = out[county_id]
            done = status in DONE
            row["completion"][0] += int(done)
            row["completion"][1] += 1
            if done and targets:
                row["targets"][0] += met
                row["targets"][1] += targets
            plan, result = "plan" in posted[code], "result" in posted[code]
            row["notices"][0] += int(plan and (result or not done))
            row["notices"][1] += 1
            if needs:
                row["linkage"][0] += int(bool(mechanisms) and linked > 0)
                row["linkage"][1] += 1
    return {c: {k: (v[0], v[1]) for k, v in row.items()} for c, row in out.items()}


def evaluation(args: argparse.Namespace, url: str, counties: list[int], year: int) -> None:
    try:
        from zhenxing.funds.performance import performance_all_counties
    except ImportError:
        print(
            "(b) 绩效评价 of all 12 counties: not available (funds/performance.py has no performance_all_counties)"
        )
        return
    import psycopg

    def app() -> dict[int, dict[str, tuple[int, int]]]:
        return {
            e.county.pk: {i.key: (i.numerator, i.denominator) for i in e.indicators}
            for e in performance_all_counties(year)
        }

    with psycopg.connect(_dsn(url), autocommit=True) as conn:
        mine, theirs = app(), sql_evaluation_inputs(conn, counties, year)
        differ = [
            (county, key, mine[county][key], theirs.get(county, {}).get(key, (0, 0)))
            for county in mine
            for key in mine[county]
            if mine[county][key] != theirs.get(county, {}).get(key, (0, 0))
        ]  # fmt: skip
        print(
            "(b) 绩效评价 inputs, application vs hand-written: "
            + ("agree" if not differ else f"DIFFER in {len(differ)} numbers, e.g. {differ[:3]}")
        )
        app_times, sql_times = [], []
        for _ in range(args.evaluations):
            started = time.perf_counter()
            app()
            app_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            sql_evaluation_inputs(conn, counties, year)
            sql_times.append(time.perf_counter() - started)
    a50, amax = statistics.median(app_times), max(app_times)
    s50, smax = statistics.median(sql_times), max(sql_times)
    print(
        f"(b) 绩效评价 of all {len(counties)} counties ({year}), {args.evaluations} runs: application median"
        f" {a50:.2f} s max {amax:.2f} s; hand-written median {s50:.3f} s max {smax:.3f} s; ratio {a50 / s50:.1f}x;"
        f" {'OK' if amax <= 2 else 'OVER GOAL'} (goal <= 2 s)"
    )


if __name__ == "__main__":
    main()
