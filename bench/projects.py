"""Project library benchmark (issue 17, P14): the library list and a county's library summary for 20 concurrent
users over five synthetic years, against a hand-written SQL query of the same rows, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench python bench/projects.py [--scale 0.05]
        [--per-year 2000] [--users 20] [--rounds 15] [--think 1.0] [--keep]

Drops and recreates that database, migrates, and runs `zhenxing generate --scale S --projects-per-year N`: the
synthetic registry at --scale (the 到户 projects draw their households from it) and N projects a year for the
last five years (this one included) — about 10,500 project rows with their adjustments. With --keep it reuses
the database as it is.

Each of --users threads is one user with its own database connection; it makes --rounds requests with a think
time drawn around --think seconds (as a person reading a page), and the latency of each request is recorded.
Measured, each once through the application and once hand-written:

(a) the library list as its page builds it (projects/views/library.py project_list): the scoped selector
    with the page's filters (none) and the overdue flag, category and division joined, ordered by year, code
    and version, its total counted and its first page (50 rows) read — for a county user (南涧) and for the
    prefecture user (all 12 counties);
(b) a county's library summary for this year (projects.listing.library_summary: counts by status, planned
    money by fund source and by category group of the projects in the library) — for the county user.

The hand-written reference reads the same rows with psycopg directly (one connection per thread): the same
scope (the proposing division in the subtree: a project's places lie in its own county), the same count and
page, the same aggregates; the script first checks that both read the same rows. Prints p50 and p95 in ms of each and the ratio application/reference; the goal is p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")

COUNTY = "532926"  # 南涧彝族自治县, the demo's county
PAGE = 50  # common/paging.py PER_PAGE
LIBRARY = ("reserved", "started", "building", "completed", "accepted", "handed_over")
REVIEW = ("township_review", "department_review", "county_review", "prefecture_decision")

# the scope of a county or prefecture user (projects.selectors): proposed in the subtree — a project's places lie
# in its own county, so no project outside it has a place inside
SCOPE = "d.code LIKE %(prefix)s"
LIST_COUNT = (
    f"SELECT count(*) FROM projects_project p JOIN divisions_division d ON d.id = p.division_id WHERE {SCOPE}"
)
LIST_PAGE = f"""
SELECT p.id, p.code, p.version, p.name, p.year, p.level, p.status, p.total_fen, p.step_due, p.emergency,
       c.name, c."group", d.name, (p.status = ANY(%(review)s) AND p.step_due < %(today)s) AS overdue
FROM projects_project p
JOIN divisions_division d ON d.id = p.division_id
JOIN projects_projectcategory c ON c.id = p.category_id
WHERE {SCOPE}
ORDER BY p.year DESC, p.code, p.version DESC
LIMIT {PAGE}
"""
SUMMARY_STATUS = """
SELECT p.status, c."group", count(*), sum(p.total_fen), min(c.sort)
FROM projects_project p
JOIN projects_projectcategory c ON c.id = p.category_id
WHERE p.county_id = %(county_id)s AND p.year = %(year)s
GROUP BY p.status, c."group"
"""
SUMMARY_SOURCES = """
SELECT f.source, sum(f.amount_fen)
FROM projects_projectfunding f
JOIN projects_project p ON p.id = f.project_id
WHERE p.county_id = %(county_id)s AND p.year = %(year)s AND p.status = ANY(%(library)s)
GROUP BY f.source
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05, help="the registry's scale (1 = 2.0 M people)")
    parser.add_argument("--per-year", type=int, default=2000, help="projects a year (five years)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=15, help="requests per user and measurement")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between requests, seconds")
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
        out = subprocess.run(
            [*zhenxing, "generate", "--scale", str(args.scale), "--seed", str(args.seed), "--year", "2025",
             "--projects-per-year", str(args.per_year)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        print(
            f"generation: registry scale {args.scale} and projects in {time.perf_counter() - started:.1f} s (wall)"
        )
        print("  " + (out.stdout.strip().splitlines() or [""])[-1])

    import django

    django.setup()
    from django.db import connection

    from zhenxing.common import clock
    from zhenxing.divisions.models import Division
    from zhenxing.projects.models import Project

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = clock.today()
    county = Division.objects.get(code=COUNTY)
    users = bench_users()
    print(
        f"projects: {Project.objects.count():,} rows ({Project.objects.filter(version=1).count():,} projects,"
        f" years {sorted(set(Project.objects.values_list('year', flat=True)))}); {county.name}:"
        f" {Project.objects.filter(county=county).count():,} rows, {today.year}:"
        f" {Project.objects.filter(county=county, year=today.year).count():,}"
    )
    checks = check_same_rows(users, county, today, url)
    print("same rows, application vs hand-written: " + ", ".join(f"{k} {v}" for k, v in checks.items()))

    cases: list[tuple[str, Callable[[], Callable[[], Any]], Callable[[Any], Callable[[], Any]]]] = [
        ("list, county user (南涧)", lambda: lambda: app_list(users["county"], today),
         lambda conn: lambda: sql_list(conn, COUNTY, today)),
        ("list, prefecture user (12 counties)", lambda: lambda: app_list(users["prefecture"], today),
         lambda conn: lambda: sql_list(conn, "5329", today)),
        (f"summary {today.year}, county user (南涧)", lambda: lambda: app_summary(users["county"], county.pk, today.year),
         lambda conn: lambda: sql_summary(conn, COUNTY, county.pk, today.year)),
    ]  # fmt: skip
    print(
        f"\n{args.users} users, {args.rounds} requests each, think time ~{args.think:.1f} s; latency in ms"
        " (goal: application p95 <= 100 ms)"
    )
    for name, app, sql in cases:
        app_times = load(args, lambda _conn, app=app: app())  # type: ignore[misc]
        sql_times = load(args, sql, url=url)
        a50, a95 = statistics.median(app_times), percentile(app_times, 0.95)
        s50, s95 = statistics.median(sql_times), percentile(sql_times, 0.95)
        print(
            f"{name}: application p50 {a50:.1f} p95 {a95:.1f}; hand-written p50 {s50:.1f} p95 {s95:.1f};"
            f" ratio p50 {a50 / s50:.1f}x p95 {a95 / s95:.1f}x; {'OK' if a95 <= 100 else 'OVER GOAL'}"
        )


def bench_users() -> dict[str, Any]:
    from tests.factories import make_user

    from zhenxing.accounts.enums import Role
    from zhenxing.accounts.models import User

    found = {}
    for key, role, code in (("county", Role.COUNTY, COUNTY), ("prefecture", Role.PREFECTURE, "5329")):
        username = f"bench_projects_{key}"
        found[key] = User.objects.filter(username=username).first() or make_user(
            role, code, username=username
        )
    return found


def app_list(user: Any, today: datetime.date) -> tuple[int, list[Any]]:
    """What the list page reads: the count for its total and the first page's rows (views/library.py)."""
    from django.core.paginator import Paginator

    from zhenxing.projects.listing import ProjectFilter, project_list_filtered

    projects = project_list_filtered(user=user, f=ProjectFilter(), today=today).select_related(
        "category", "division"
    )
    page = Paginator(projects.order_by("-year", "code", "-version"), PAGE).get_page(1)
    rows = [
        (p.pk, p.code, p.name, p.year, p.level, p.status, p.total_fen, p.step_due, p.category.name, p.division.name,
         p.is_overdue)
        for p in page.object_list
    ]  # fmt: skip
    return page.paginator.count, rows


def app_summary(user: Any, county_id: int, year: int) -> Any:
    from zhenxing.projects.listing import library_summary

    return library_summary(user=user, county_id=county_id, year=year)


def _params(prefix: str, today: datetime.date, **more: Any) -> dict[str, Any]:
    return {"prefix": f"{prefix}%", "today": today, "review": list(REVIEW), "library": list(LIBRARY), **more}


def sql_list(conn: Any, prefix: str, today: datetime.date) -> tuple[int, list[Any]]:
    with conn.cursor() as cursor:
        params = _params(prefix, today)
        cursor.execute(LIST_COUNT, params)
        (count,) = cursor.fetchone()
        cursor.execute(LIST_PAGE, params)
        return count, cursor.fetchall()


def sql_summary(conn: Any, prefix: str, county_id: int, year: int) -> tuple[list[Any], list[Any]]:
    with conn.cursor() as cursor:
        params = _params(prefix, datetime.date.today(), county_id=county_id, year=year)
        cursor.execute(SUMMARY_STATUS, params)
        statuses = cursor.fetchall()
        cursor.execute(SUMMARY_SOURCES, params)
        return statuses, cursor.fetchall()


def check_same_rows(users: dict[str, Any], county: Any, today: datetime.date, url: str) -> dict[str, str]:
    """The application and the reference read the same rows: the list's count and page, the summary's sums."""
    import psycopg

    out = {}
    with psycopg.connect(_dsn(url)) as conn:
        for key, prefix in (("county", COUNTY), ("prefecture", "5329")):
            count, rows = app_list(users[key], today)
            sql_count, sql_rows = sql_list(conn, prefix, today)
            same = count == sql_count and [r[0] for r in rows] == [r[0] for r in sql_rows]
            out[f"list ({key}, {count:,} rows)"] = "agree" if same else f"DIFFER ({sql_count:,})"
        summary = app_summary(users["county"], county.pk, today.year)
        statuses, sources = sql_summary(conn, COUNTY, county.pk, today.year)
        library_fen = sum(int(r[3] or 0) for r in statuses if r[0] in LIBRARY)
        same = summary.total_fen == library_fen and summary.total_fen == sum(int(s or 0) for _, s in sources)
        out[f"summary ({summary.library_count} in library)"] = "agree" if same else "DIFFER"
    return out


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def load(args: argparse.Namespace, make: Callable[[Any], Callable[[], Any]], *, url: str = "") -> list[float]:
    """`args.users` threads, each with its own connection (Django's per thread; psycopg's when `url`), one
    warm-up request and then `args.rounds` timed ones with think time; every latency in ms."""
    import psycopg
    from django.db import connection

    times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(args.users)

    def user_loop(index: int) -> None:
        rng = random.Random(index)  # think times, not secrets
        conn = psycopg.connect(_dsn(url), autocommit=True) if url else None
        try:
            request = make(conn)
            request()  # warm-up: the connection and its first plans
            barrier.wait()
            time.sleep(rng.uniform(0, args.think))  # users arrive spread out
            for _ in range(args.rounds):
                started = time.perf_counter()
                request()
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    times.append(elapsed)
                time.sleep(rng.uniform(0.5 * args.think, 1.5 * args.think))
        finally:
            if conn is not None:
                conn.close()
            connection.close()

    threads = [threading.Thread(target=user_loop, args=(i,)) for i in range(args.users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


if __name__ == "__main__":
    main()
