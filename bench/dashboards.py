"""Dashboards benchmark (issue 21, "Fast and safe"): the prefecture dashboard's data (GET /dashboards/data.json)
for 20 concurrent users read from the kept aggregates, against a hand-written SQL aggregate of the same figures
over the raw tables, measured in the same run; and the refresh that keeps those aggregates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench python bench/dashboards.py [--scale 1]
        [--users 20] [--requests 200] [--think 1 0] [--reference-requests 40] [--keep] [--no-planning]

Drops and recreates that database, migrates, runs `zhenxing generate --scale S` and ANALYZEs (as
bench/planning.py). With --keep it reuses the database as it is (the refresh is run again either way). Unless
--no-planning, the plan year 2025 is frozen and the 12 counties assessed first (once; skipped when done before),
so that the indicator and assessment figures have numbers.

(a) the refresh (dashboards.refresh.aggregates_refresh, what `zhenxing dashboards refresh` runs), once, as of
    today: each figure's counting time (its progress line) and the rows kept; then every figure's read for the
    prefecture right after it and after ANALYZE of the aggregates (what autovacuum would do).
(b) per figure, for the prefecture: what data.json reads (selectors.figure_data + payload.figure_payload, in
    process) against one hand-written statement of the same numbers over the raw tables (by county, type and
    period), best of 3 each; beside them the statements data.json runs for the figure and its time without the
    drill links (the figure's `drill` is called for every number). The hand-written numbers are first checked
    equal to data.json's: every county row, the prefecture's total and, for a periodic figure, every period of
    the prefecture's series. A figure with no hand-written statement here is timed on our side only ("—").
(c) data.json under load: gunicorn as `zhenxing serve` starts it (--workers 2 --threads 8, on this machine; the
    application with every figure module imported, wsgi_application below), and --users threads, each with its
    own logged-in session of a prefecture user, making --requests in all with about --think seconds between a
    thread's requests, once per --think value: 1 s (people reading the page, as bench/registry.py and
    bench/projects.py) and 0 (back to back, the worst case); p50/p95/max and requests/s. Goal: p95 <= 300 ms.
(d) the same load over the hand-written SQL instead (every statement of (b) in turn as one request, each user
    with its own psycopg connection; --reference-requests in all): what counting over the raw tables at request
    time would cost.

Every figure module under dashboards/figures is imported here so that a figure registers even before the
catalogue names it.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import logging
import os
import pkgutil
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")

YEAR = 2025
GOAL_MS = 300.0
PORT = "8767"

sys.path.insert(
    0, str(Path(__file__).resolve().parent)
)  # also when gunicorn imports this as bench.dashboards
from dashboards_sql import REFERENCES  # noqa: E402  (beside this script)

# the series a statement gives when it does not give all of the figure's (its other measures are not compared)
COVERS: dict[str, tuple[str, ...]] = {"funds": ("allocated_fen", "paid_fen")}

# the figures whose periods are the 24 calendar months up to today, whether or not a record falls in a month
CALENDAR = ("throughput",)

Row = tuple[str, str, str, Decimal]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def best_of(runs: int, action: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best * 1000, result


def import_figures() -> tuple[list[str], dict[str, str]]:
    """Every module of the figures package (each registers its figures on import): those imported, and those
    that failed with why (a module being written)."""
    from zhenxing.dashboards import figures

    names, failed = [], {}
    for module in pkgutil.iter_modules(figures.__path__):
        if module.name != "base":
            try:
                importlib.import_module(f"zhenxing.dashboards.figures.{module.name}")
                names.append(module.name)
            except Exception as error:  # reported; the other figures are still measured
                failed[module.name] = f"{type(error).__name__}: {error}"
    return names, failed


def wsgi_application() -> Any:
    """The site as `zhenxing serve` runs it (zhenxing.wsgi), with every figure module imported first: gunicorn
    runs `bench.dashboards:wsgi_application()` so that the server draws the same figures as this script."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    import_figures()
    return application


def sql_params(today: datetime.date) -> dict[str, Any]:
    from django.conf import settings

    from zhenxing.assets.enums import HELD_STATES, Condition
    from zhenxing.dashboards.figures.base import month_ends
    from zhenxing.monitoring.enums import MONITORED_STATUSES, CaseStatus
    from zhenxing.policy.vocab import DEVELOPMENT_MEASURES, IMPLEMENTED_MEASURE_STATES, MONITORING_TYPES

    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February: a year back is the 28th
        year_ago = today.replace(year=today.year - 1, day=28)
    first_month = today.replace(day=1)
    for _ in range(23):
        first_month = (first_month - datetime.timedelta(days=1)).replace(day=1)
    return {
        "today": today,
        "this_year": today.year,
        "held": [str(s) for s in HELD_STATES],
        "conditions": list(Condition.values),
        "lead_from": datetime.datetime.combine(
            year_ago + datetime.timedelta(days=1), datetime.time.min, local
        ),
        "lead_to": datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, local),
        "first_month": first_month,
        "development": list(DEVELOPMENT_MEASURES),
        "implemented": list(IMPLEMENTED_MEASURE_STATES),
        "year": YEAR,
        "month_ends": month_ends(today, 24),
        "types": list(MONITORING_TYPES),
        "confirmed": [str(s) for s in (*MONITORED_STATUSES, CaseStatus.ELIMINATED)],
    }


def by_hand(sql: str, params: dict[str, Any]) -> list[Row]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (code, series, period or "", Decimal(value)) for code, series, period, value in cursor.fetchall()
        ]


def read_figure(run: Any, figure: Any, place: Any, children: list[tuple[str, str]]) -> dict[str, Any]:
    """What data.json reads and builds for one figure (views.dashboard_data, for one of its figures; the place's
    children are read once per page)."""
    from zhenxing.dashboards.payload import figure_payload
    from zhenxing.dashboards.selectors import figure_data

    return figure_payload(figure_data(run=run, figure=figure, place=place, children=children))


def read_all(user: Any, place: Any) -> list[dict[str, Any]]:
    """What data.json reads and builds, every figure (views.dashboard_data without the request)."""
    from zhenxing.dashboards.payload import figure_payload
    from zhenxing.dashboards.selectors import dashboard_for_user

    _run, figures = dashboard_for_user(user=user, place=place)
    return [figure_payload(data) for data in figures]


def no_link(*place_measure_period_day: object) -> str:
    return ""


def expected_payload(figure: Any, rows: list[Row], calendar: tuple[str, ...] = ()) -> dict[str, Any]:
    """The numbers data.json should show for the prefecture, from county rows: each county's measures over the
    figure's window (all periods when not periodic), the prefecture's, and its series period by period. The
    periods are those with a row, and every one of `calendar` (a monthly flow's months, records or not)."""
    from zhenxing.dashboards.payload import number

    periods = (
        sorted({period for _, _, period, _ in rows if period} | set(calendar)) if figure.periodic else []
    )
    window = set(periods[-figure.place_periods :])
    counties: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    total: dict[str, Decimal] = defaultdict(Decimal)
    by_period: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for code, series, period, value in rows:
        if not figure.periodic or period in window:
            counties[code][series] += value
            total[series] += value
        if figure.periodic:
            by_period[period][series] += value

    def measures(values: dict[str, Decimal]) -> list[Any]:
        return [number(m.of(values)) for m in figure.all_measures]

    return {
        "rows": {code: measures(values) for code, values in counties.items()},
        "total": measures(total),
        "over_time": {period: measures(by_period[period]) for period in periods},
    }


def check_equal(figure: Any, shown: dict[str, Any], rows: list[Row], params: dict[str, Any]) -> int:
    """Assert that data.json's numbers for the figure are the hand-written ones (the measures drawn from the
    series the statement gives); the numbers compared."""
    covered = set(COVERS.get(figure.key, (key for key, _ in figure.series)))
    keep = [
        i
        for i, m in enumerate(figure.all_measures)
        if {*((m.numerator,) if isinstance(m.numerator, str) else m.numerator), m.denominator} - {""}
        <= covered
    ]

    def kept(values: list[Any]) -> list[Any]:
        return [values[i] for i in keep]

    calendar = tuple(f"{day:%Y-%m}" for day in params["month_ends"]) if figure.key in CALENDAR else ()
    want = expected_payload(figure, rows, calendar)
    zero = [None if m.denominator else 0 for m in figure.all_measures]
    compared = 0
    for row in shown["rows"]:
        expected = kept(want["rows"].get(row["code"], zero))
        assert kept(row["values"]) == expected, (figure.key, row["code"], row["values"], expected)
        compared += len(expected)
    assert set(want["rows"]) <= {row["code"] for row in shown["rows"]}, (figure.key, "a county missing")
    total = kept(want["total"])
    assert kept(shown["total"]["values"]) == total, (figure.key, shown["total"]["values"], total)
    got = {point["period"]: kept(point["values"]) for point in shown["over_time"]}
    over_time = {period: kept(values) for period, values in want["over_time"].items()}
    assert got == over_time, (figure.key, "over time", got, over_time)
    return compared + len(total) + sum(len(v) for v in got.values())


def session_cookies(user: Any, count: int) -> list[str]:
    """`count` logged-in sessions of the user (as its browser's cookie), without the login form and its
    lockout rules: what is measured is the dashboard, not the login."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def fetch(base: str, cookie: str) -> bytes:
    request = urllib.request.Request(f"{base}/dashboards/data.json", headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "application/json", "not logged in?"
        return response.read()


def load_test(requesters: list[Callable[[], Any]], requests: int, think: float) -> tuple[list[float], float]:
    """One thread per requester (a user), `requests` in all; every latency in ms and the wall time in s."""
    times: list[float] = []
    lock = threading.Lock()
    users = len(requesters)
    barrier = threading.Barrier(users)
    per_user = [requests // users + (i < requests % users) for i in range(users)]

    def user_loop(index: int) -> None:
        rng = random.Random(index)  # think times, not secrets
        request = requesters[index]
        request()  # warm-up: the worker's connection and its first plans
        barrier.wait()
        if think:
            time.sleep(rng.uniform(0, think))  # users arrive spread out
        for _ in range(per_user[index]):
            started = time.perf_counter()
            request()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=user_loop, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return times, time.perf_counter() - started


def reference_load(
    url: str, params: dict[str, Any], users: int, requests: int, think: float
) -> tuple[list[float], float]:
    """The hand-written statements of every figure in turn as one request, `users` at once, each user with its
    own psycopg connection: what the dashboard would cost if it counted over the raw tables on each request."""
    import psycopg

    connections = [
        psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) for _ in range(users)
    ]

    def requester(conn: Any) -> Callable[[], Any]:
        def request() -> None:
            with conn.cursor() as cursor:
                for sql in REFERENCES.values():
                    cursor.execute(sql, params)
                    cursor.fetchall()

        return request

    try:
        return load_test([requester(conn) for conn in connections], requests, think)
    finally:
        for conn in connections:
            conn.close()


def summary(times: list[float], wall: float) -> str:
    p95 = percentile(times, 0.95)
    return (
        f"p50 {statistics.median(times):.1f}, p95 {p95:.1f}, max {max(times):.1f}; {len(times) / wall:.1f}"
        " requests/s"
    )


def plan_year(year: int) -> None:
    """Freeze the year's plan indicators and assess the 12 counties (as the yearly commands do), once: the
    indicator and assessment figures read those; generation leaves them empty."""
    from zhenxing.planning import assessment, freeze
    from zhenxing.planning.models import Assessment

    period = freeze.period_ensure(kind="year", year=year, number=0)
    if period.frozen_at is None:
        started = time.perf_counter()
        written = freeze.period_freeze(period=period, actor=None)
        print(f"planning: {year} frozen ({written} values) in {time.perf_counter() - started:.1f} s")
    if not Assessment.objects.filter(year=year, is_current=True).exists():
        started = time.perf_counter()
        graded = assessment.assessment_compute_all(year=year, actor=None)
        print(
            f"planning: {len(graded)} counties assessed for {year} in {time.perf_counter() - started:.1f} s"
        )


def serve() -> subprocess.Popen[bytes]:
    """gunicorn as `zhenxing serve --workers 2 --threads 8 --no-worker` starts it (common/management/commands/
    serve.py), on the application above."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.dashboards:wsgi_application()", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "2", "--threads", "8"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/").read()
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="the registry's scale (1 = 2.0 M people)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="reuse the database (no drop, no generation)")
    parser.add_argument(
        "--reference-requests", type=int, default=40, help="(d)'s requests in all (0: skip it)"
    )
    parser.add_argument(
        "--no-planning", action="store_true", help="do not freeze and assess the year (those figures empty)"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="data.json requests in all")
    parser.add_argument(
        "--think", type=float, nargs="+", default=[1.0, 0.0], help="seconds between a user's requests (each)"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (it will be dropped and recreated)")
    zhenxing = [sys.executable, "-m", "zhenxing.cli"]
    if not args.keep:
        from bench.registry import recreate_database

        recreate_database(url)
        subprocess.run([*zhenxing, "migrate", "-v0"], check=True, stderr=subprocess.DEVNULL)
        started = time.perf_counter()
        subprocess.run([*zhenxing, "generate", "--scale", str(args.scale), "--seed", str(args.seed), "--year",
                        str(YEAR)], check=True, capture_output=True, text=True)  # fmt: skip
        print(f"generate --scale {args.scale}: {time.perf_counter() - started:.1f} s")

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from tests.factories import make_user

    from zhenxing.accounts.enums import Role
    from zhenxing.accounts.models import User
    from zhenxing.common import clock
    from zhenxing.dashboards.catalogue import figures_in_order
    from zhenxing.dashboards.refresh import aggregates_refresh
    from zhenxing.dashboards.selectors import children_of, current_run, dashboard_place_for_user
    from zhenxing.divisions.codes import PREFECTURE_CODE
    from zhenxing.registry.models import Household

    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per session made below
    modules, failed = import_figures()
    for name, why in failed.items():
        print(f"figure module {name} NOT imported ({why}): not measured")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics after the bulk generation, for both sides
    today = clock.today()
    figures = figures_in_order()
    print(f"households: {Household.objects.count():,}; as of {today}; figure modules: {', '.join(modules)}")
    print(f"figures registered: {', '.join(f.key for f in figures)}")

    if not args.no_planning:
        plan_year(YEAR)
    print(f"(a) refresh (aggregates_refresh), once; load {', '.join(f'{x:.1f}' for x in os.getloadavg())}:")
    run = aggregates_refresh(actor=None, as_of=today, progress=lambda line: print(f"    {line}", flush=True))
    print(f"    total: {run.row_count:,} rows in {run.seconds:.1f} s")
    user = User.objects.filter(username="bench_dashboards").first() or make_user(
        Role.PREFECTURE, PREFECTURE_CODE, username="bench_dashboards"
    )
    place = dashboard_place_for_user(user=user)
    stale, _ = best_of(3, partial(read_all, user, place))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dashboards_aggregate")
    fresh, _ = best_of(3, partial(read_all, user, place))
    print(
        f"(a') data.json's read for the prefecture (in process), best of 3: {stale:.1f} ms right after the refresh,"
        f" {fresh:.1f} ms after ANALYZE dashboards_aggregate (all below are after it)"
    )
    params = sql_params(today)
    server = serve()
    try:
        base = f"http://127.0.0.1:{PORT}"
        cookies = session_cookies(user, args.users)
        shown = {f["key"]: f for f in json.loads(fetch(base, cookies[0]))["figures"]}
        missing = [f.key for f in figures if f.key not in shown]
        assert not missing, f"data.json lacks {missing}"

        print(
            "(b) per figure, prefecture: data.json's read vs hand-written SQL over the raw tables, best of 3 (ms)"
        )
        print(
            f"    {'figure':12s} {'ours':>7s} {'reference':>9s} {'ratio':>7s} {'queries':>7s} {'no links':>8s}  checked"
        )
        ours_sum = reference_sum = bare_sum = 0.0
        children = children_of(place)
        for figure in figures:
            current = current_run()
            ours, _ = best_of(3, partial(read_figure, current, figure, place, children))
            with CaptureQueriesContext(connection) as queries:
                read_figure(current, figure, place, children)
            # the same read with the drill links left out: what the links' own work costs
            bare, _ = best_of(
                3, partial(read_figure, current, replace(figure, drill=no_link), place, children)
            )
            ours_sum, bare_sum = ours_sum + ours, bare_sum + bare
            ours_part = f"    {figure.key:12s} {ours:7.1f}"
            tail = f"{len(queries.captured_queries):7d} {bare:8.1f}"
            sql = REFERENCES.get(figure.key)
            if sql is None:
                print(f"{ours_part} {'—':>9s} {'—':>7s} {tail}  no hand-written statement")
                continue
            reference, rows = best_of(3, partial(by_hand, sql, params))
            reference_sum += reference
            compared = check_equal(figure, shown[figure.key], rows, params)
            print(f"{ours_part} {reference:9.1f} {ours / reference:7.3f} {tail}  {compared} numbers equal")
        ratio = ours_sum / max(reference_sum, 1e-9)
        print(
            f"    {'all, summed':12s} {ours_sum:7.1f} {reference_sum:9.1f} {ratio:7.3f} {'':7s} {bare_sum:8.1f}"
        )
        whole, _ = best_of(3, lambda: fetch(base, cookies[0]))
        print(f"    one data.json over HTTP, best of 3: {whole:.1f} ms")

        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"(c) data.json, prefecture, {args.users} users, {args.requests} requests in all (ms); load {load}"
        )
        for think in args.think:
            times, wall = load_test(
                [partial(fetch, base, cookie) for cookie in cookies], args.requests, think
            )
            p95 = percentile(times, 0.95)
            print(
                f"    think {think:.1f} s: {summary(times, wall)}; goal p95 <= {GOAL_MS:.0f}:"
                f" {'met' if p95 <= GOAL_MS else 'NOT MET'}"
            )
    finally:
        server.terminate()
        server.wait()
    if args.reference_requests:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"(d) the hand-written SQL of the same figures ({len(REFERENCES)} statements) as one request,"
            f" {args.users} users, {args.reference_requests} requests in all (ms); load {load}"
        )
        for think in args.think:
            times, wall = reference_load(url, params, args.users, args.reference_requests, think)
            print(f"    think {think:.1f} s: {summary(times, wall)}")


if __name__ == "__main__":
    main()
