"""Project assets benchmark (issue 19, P15): a county user's asset list (first page) and a county's asset summary
(assets.oversight.county_summary) for 20 concurrent users, each against a hand-written SQL of the same figures
over the raw tables, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench python bench/assets.py [--scale 1]
        [--per-year N] [--users 20] [--rounds 15] [--think 1.0] [--keep]

Drops and recreates that database, migrates, and runs `zhenxing generate --scale S` (registry, five years of
projects — 2,000 a year × S unless --per-year —, the fund ledger, then the assets and collective incomes of
synth/assets.py). With --keep it reuses the database as it is.

(a) the asset list's first page as the register's list view reads it for a county user (南涧): the user's scoped
    register (assets.selectors.asset_list_for_user) with its joins, ordered by code (ZC + county code + year +
    number: county order without a join, which PostgreSQL planned as a nested loop over every division), 50 and
    the paginator's count; hand-written: the county's assets by county_id with the same joins, LIMIT 50, count.
(b) the county's summary (assets.oversight.county_summary): counts and values by category and status, held
    assets by condition, without a care unit, inspection overdue, idle, and this and last year's income;
    hand-written: the same figures in four statements.
Both are first checked to give the same numbers. Users are threads, each with its own connection, with think
time, as bench/funds.py; p50 and p95 in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")

from bench.projects import _dsn, load, percentile  # noqa: E402

COUNTY = "532926"  # 南涧彝族自治县, the demo's county
PAGE = 50
HELD = ("registered", "owned", "handed_over")

LIST_PAGE = """
SELECT a.id, a.code, a.name, a.status, a.value_fen, t.name, d.name, p.name
FROM assets_asset a JOIN assets_assettype t ON t.id = a.asset_type_id
JOIN divisions_division d ON d.id = a.division_id LEFT JOIN divisions_division p ON p.id = d.parent_id
WHERE a.county_id = %(county)s ORDER BY a.code LIMIT 50
"""
LIST_COUNT = "SELECT count(*) FROM assets_asset WHERE county_id = %(county)s"
BY_CATEGORY_STATUS = """
SELECT category, status, count(*), sum(value_fen) FROM assets_asset WHERE county_id = %(county)s
GROUP BY category, status
"""
BY_CONDITION = """
SELECT condition, count(*), sum(value_fen) FROM assets_asset
WHERE county_id = %(county)s AND status = ANY(%(held)s) GROUP BY condition
"""
QUALITY = """
SELECT count(*) FILTER (WHERE status = ANY(%(held)s) AND care_unit = ''),
       count(*) FILTER (WHERE status = 'handed_over' AND inspection_due < %(on)s),
       count(*) FILTER (WHERE status = ANY(%(held)s) AND condition IN ('idle', 'underused'))
FROM assets_asset WHERE county_id = %(county)s
"""
INCOME = """
SELECT i.year, sum(i.amount_fen) FROM assets_assetincome i JOIN assets_asset a ON a.id = i.asset_id
WHERE a.county_id = %(county)s AND i.year IN (%(year)s, %(year)s - 1) GROUP BY i.year
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="the registry's scale (1 = 2.0 M people)")
    parser.add_argument("--per-year", type=int, default=0, help="projects a year (default 2,000 × scale)")
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
        command = [
            *zhenxing,
            "generate",
            "--scale",
            str(args.scale),
            "--seed",
            str(args.seed),
            "--year",
            "2025",
        ]
        if args.per_year:
            command += ["--projects-per-year", str(args.per_year)]
        started = time.perf_counter()
        out = subprocess.run(command, check=True, capture_output=True, text=True)
        print(
            f"generation: registry, projects, funds and assets in {time.perf_counter() - started:.1f} s (wall)"
        )
        for line in out.stdout.strip().splitlines()[-3:]:
            print("  " + line)

    import django

    django.setup()
    from django.db import connection

    from zhenxing.assets.models import Asset, AssetIncome, CollectiveIncome, Disposal, DistributionPlan
    from zhenxing.common import clock
    from zhenxing.divisions.models import Division

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    county = Division.objects.get(code=COUNTY)
    user = _county_user(county)
    on = clock.today()
    print(
        f"register: {Asset.objects.count():,} assets ({Asset.objects.filter(county=county).count():,} in"
        f" {county.name}), {AssetIncome.objects.count():,} incomes, {Disposal.objects.count():,} disposals,"
        f" {DistributionPlan.objects.count():,} plans, {CollectiveIncome.objects.count():,} collective incomes"
    )
    summary_app = _summary_function()
    import psycopg

    with psycopg.connect(_dsn(url)) as conn:
        page_app, page_sql = app_page(user), sql_page(conn, county.pk)
        print(f"(a) list page, application vs hand-written: {'agree' if page_app == page_sql else 'DIFFER'}")
        if app_page(user, ("code",)) != page_sql:
            raise SystemExit("the page ordered by code differs")
        figures_app, figures_sql = summary_app(user, county, on), sql_summary(conn, county.pk, on)
        print(
            f"(b) summary, application vs hand-written: {'agree' if figures_app == figures_sql else 'DIFFER'}"
        )
        if page_app != page_sql or figures_app != figures_sql:
            raise SystemExit("the application and the hand-written SQL read different numbers")
    load_1, load_5, _ = os.getloadavg()
    print(
        f"\n{args.users} users (threads), {args.rounds} requests each, think time ~{args.think:.1f} s; latency in ms;"
        f" machine: {os.cpu_count()} CPUs, load average {load_1:.1f} / {load_5:.1f}"
    )
    for label, app, sql in (
        ("(a) asset list, first page (county user)", lambda _c: lambda: app_page(user),
         lambda c: lambda: sql_page(c, county.pk)),
        ("(b) county asset summary", lambda _c: lambda: summary_app(user, county, on),
         lambda c: lambda: sql_summary(c, county.pk, on)),
    ):  # fmt: skip
        app_times = load(args, app)
        sql_times = load(args, sql, url=url)
        a50, a95 = statistics.median(app_times), percentile(app_times, 0.95)
        s50, s95 = statistics.median(sql_times), percentile(sql_times, 0.95)
        print(
            f"{label}: application p50 {a50:.1f} p95 {a95:.1f}; hand-written p50 {s50:.1f} p95 {s95:.1f};"
            f" ratio p50 {a50 / s50:.1f}x p95 {a95 / s95:.1f}x"
        )


def _county_user(county: Any) -> Any:
    """A county 乡村振兴局 user of the county without a usable password (nobody logs in as it); active in the
    database, since the scoping and capability checks refuse an inactive user."""
    from django.contrib.auth.hashers import make_password

    from zhenxing.accounts.enums import Role
    from zhenxing.accounts.models import User

    user, _ = User.objects.get_or_create(
        username="bench_county",
        defaults={"display_name": "基准（县）", "role": Role.COUNTY, "jurisdiction": county, "is_active": True,
                  "password": make_password(None)},
    )  # fmt: skip
    return user


def app_page(user: Any, order: tuple[str, ...] = ("code",)) -> tuple[int, list[tuple]]:
    """The register list view's read (assets/views/register.py asset_list): the scoped queryset with its joins,
    ordered as the view orders it, the first page and the count."""
    from django.core.paginator import Paginator

    from zhenxing.assets.selectors import asset_list_for_user

    assets = (
        asset_list_for_user(user=user)
        .select_related("asset_type", "division", "division__parent")
        .order_by(*order)
    )
    page = Paginator(assets, PAGE).get_page(1)
    rows = [
        (a.pk, a.code, a.name, a.status, a.value_fen, a.asset_type.name, a.division.name,
         a.division.parent.name if a.division.parent else None)
        for a in page.object_list
    ]  # fmt: skip
    return page.paginator.count, rows


def sql_page(conn: Any, county_id: int) -> tuple[int, list[tuple]]:
    with conn.cursor() as cursor:
        cursor.execute(LIST_COUNT, {"county": county_id})
        (count,) = cursor.fetchone()
        cursor.execute(LIST_PAGE, {"county": county_id})
        return int(count), [tuple(row) for row in cursor.fetchall()]


Figures = tuple[
    dict[tuple[str, str], tuple[int, int]], dict[str, tuple[int, int]], tuple[int, int, int], dict[int, int]
]


def _summary_function() -> Any:
    """assets.oversight.county_summary when it exists (engineer "county"), reduced to plain figures."""
    from zhenxing.assets.oversight import county_summary

    def figures(user: Any, county: Any, on: Any) -> Figures:
        s = county_summary(user=user, county_code=county.code, on=on)
        incomes = {on.year: s.income_this_year_fen, on.year - 1: s.income_last_year_fen}
        return (
            {k: (c.count, c.value_fen) for k, c in s.by_category_status.items()},
            {k: (c.count, c.value_fen) for k, c in s.by_condition.items()},
            (s.without_care_unit, s.inspection_overdue, s.idle),
            {year: fen for year, fen in incomes.items() if fen},
        )

    return figures


def sql_summary(conn: Any, county_id: int, on: Any) -> Figures:
    params = {"county": county_id, "held": list(HELD), "on": on, "year": on.year}
    with conn.cursor() as cursor:
        cursor.execute(BY_CATEGORY_STATUS, params)
        by_status = {(c, s): (int(n), int(v or 0)) for c, s, n, v in cursor.fetchall()}
        cursor.execute(BY_CONDITION, params)
        by_condition = {c: (int(n), int(v or 0)) for c, n, v in cursor.fetchall()}
        cursor.execute(QUALITY, params)
        no_care, overdue, idle = cursor.fetchone()
        cursor.execute(INCOME, params)
        incomes = {int(y): int(t) for y, t in cursor.fetchall() if t}
    return by_status, by_condition, (int(no_care), int(overdue), int(idle)), incomes


if __name__ == "__main__":
    main()
