"""民政比对 benchmark (issue 16, P17): one county's roster ingest and its comparison with monitoring and the
registry, end to end, against the bare work on the same data, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhenxing_bench python bench/lowincome.py [--scale 0.2]
        [--county 532926] [--differ 0.02] [--monitored 0.02] [--keep]

Drops and recreates that database and generates the synthetic registry at --scale (with --keep: reuses the
registry there); either way it first empties the cases, leads, runs and feeds (TRUNCATE: a bench database).
The scale is the prefecture's (1 = Dali's 2.0 M rural people over 12 counties), not a county's: 南涧 (532926)
holds about 7.5 % of it, so the default 0.2 gives that county about 30,000 people (0.4 M in the prefecture).

Plants in the county: monitoring objects (--monitored, that share of its households, the poorest by 2025
per-capita net income) and 民政's roster of today (synth.feeds.roster_rows: everyone the registry flags 低保
or 特困, and a few others), with --differ of its 低保/特困 rows dropped (M3) and as many other rows relabelled
低保 (M4). Then times:

(a) the roster ingest (feeds.services.feed_batch_ingest), against a bare ingest of the same rows: the ID
    index of each number, one read of the people and one of their households, a COPY into a temporary table;
(b) lowincome_compare end to end, a first run (differences and leads written) and a second run on the same
    snapshot (adds nothing), against the bare comparison: a hand-written query of M3/M4 (the registry's
    低保/特困 flags against the roster, both ways) and, for M1/M2, the household sets read by SQL and the
    policy engine evaluated directly over those households (registry.facts → policy.contract.
    evaluate_with_parameters, as monitoring/decisions.py policy_decision does; the 低保 test as P17 says),
    nothing written. The ratio is what the comparison's bookkeeping (run, leads, differences, audit) costs
    over that bare work.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings")

# the county's current roster (P17): active rows of the newest snapshot whose person lives in the county
ROSTER = """
SELECT f.person_id, f.household_id, f.code
FROM feeds_feedrecord f
JOIN feeds_feedbatch b ON b.id = f.batch_id
JOIN registry_household h ON h.id = f.household_id
WHERE b.department = 'civil_affairs' AND b.county_code = %(county)s AND b.superseded_at IS NULL
  AND f.code = ANY(%(categories)s) AND f.person_id IS NOT NULL
  AND (f.end_date IS NULL OR f.end_date >= %(on)s) AND h.village_code LIKE %(prefix)s
"""

# M3: the registry flags a current member of a county household 低保/特困, the roster does not list the person
# in that category; M4: the roster lists a person 低保/特困, the registry's flag is off
HAND_WRITTEN_M3_M4 = f"""
WITH r AS (SELECT DISTINCT person_id, household_id, code FROM ({ROSTER}) roster WHERE code IN ('低保', '特困')),
g AS (SELECT m.person_id, m.household_id, c.code
      FROM registry_membership m
      JOIN registry_person p ON p.id = m.person_id
      JOIN registry_household h ON h.id = m.household_id
      CROSS JOIN LATERAL (VALUES ('低保', p.dibao), ('特困', p.tekun)) c(code, flag)
      WHERE m.left_on IS NULL AND h.village_code LIKE %(prefix)s AND c.flag)
SELECT 'M3', g.household_id, g.person_id, g.code FROM g
WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.person_id = g.person_id AND r.code = g.code)
UNION ALL
SELECT 'M4', r.household_id, r.person_id, r.code FROM r JOIN registry_person p ON p.id = r.person_id
WHERE NOT CASE r.code WHEN '低保' THEN p.dibao ELSE p.tekun END
"""

# households being handled: monitoring objects and open identification cases of the county
CASES = """
SELECT c.household_id, c.status = ANY(%(monitored)s) FROM monitoring_case c
JOIN registry_household h ON h.id = c.household_id
WHERE c.status = ANY(%(handled)s) AND h.village_code LIKE %(prefix)s
"""

# M2's households covered by the roster: a current member is on it as 低保 or 特困
COVERED = f"""
SELECT DISTINCT m.household_id FROM registry_membership m
WHERE m.left_on IS NULL AND m.person_id IN (SELECT person_id FROM ({ROSTER}) roster WHERE code IN ('低保', '特困'))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.2, help="the prefecture's scale (1 = 2.0 M people)")
    parser.add_argument("--county", default="532926")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--differ", type=float, default=0.02, help="share of 低保/特困 rows made to differ")
    parser.add_argument("--monitored", type=float, default=0.02, help="share of households made monitored")
    parser.add_argument(
        "--keep", action="store_true", help="reuse the registry in the database (no drop, no generation)"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (it will be dropped and recreated)")
    if not args.keep:
        from bench.registry import recreate_database

        zhenxing = [sys.executable, "-m", "zhenxing.cli"]
        recreate_database(url)
        subprocess.run([*zhenxing, "migrate", "-v0"], check=True)
        started = time.perf_counter()
        subprocess.run(
            [*zhenxing, "generate", "--scale", str(args.scale), "--seed", str(args.seed), "--year", "2025"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        print(f"generation: scale {args.scale} in {time.perf_counter() - started:.1f} s (wall)")

    import django

    django.setup()
    from django.db import connection

    from zhenxing.common import clock
    from zhenxing.divisions.models import Division
    from zhenxing.registry.models import Household, Membership

    county = Division.objects.get(code=args.county)
    prefix = f"{args.county}%"
    households = Household.objects.filter(village__code__startswith=args.county).count()
    people = Membership.objects.filter(
        left_on__isnull=True, household__village__code__startswith=args.county
    ).count()
    print(f"{county.name}（{county.code}）: {households:,} households, {people:,} people")

    reset()  # a bench database only: no cases, leads, runs or feeds, so that every run starts alike
    planted = plant_monitored(args.county, share=args.monitored)
    print(f"monitoring objects planted: {planted:,} households (the poorest {args.monitored:.0%})")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    actor = county_user(args.county)
    time_ingest(args.county, on=clock.today(), seed=args.seed, differ=args.differ)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feeds_feedbatch")
        cursor.execute("ANALYZE feeds_feedrecord")
    time_compare(args.county, prefix=prefix, actor=actor)


def county_user(county: str) -> Any:
    from tests.factories import make_user

    from zhenxing.accounts.enums import Role
    from zhenxing.accounts.models import User

    return User.objects.filter(username="bench_lowincome").first() or make_user(
        Role.COUNTY, county, username="bench_lowincome"
    )


def plant_monitored(county: str, *, share: float) -> int:
    """Confirmed monitoring cases (a bench's seed, written directly as the tests' helper writes them) for the
    county's poorest households by the 2025 per-capita net income, `share` of them."""
    from django.db import connection

    from zhenxing.monitoring.enums import CaseStatus
    from zhenxing.monitoring.models import Case

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT y.household_id, h.village_code FROM registry_householdyear y
            JOIN registry_household h ON h.id = y.household_id
            JOIN (SELECT household_id, COUNT(*) AS n FROM registry_membership WHERE left_on IS NULL
                  GROUP BY household_id) m ON m.household_id = y.household_id
            WHERE y.year = 2025 AND h.village_code LIKE %s
            ORDER BY (y.wage + y.business + y.property + y.transfer - y.business_cost)::float / m.n, y.household_id
            """,
            [f"{county}%"],
        )
        rows = cursor.fetchall()
    chosen = rows[: round(share * len(rows))]
    day = datetime.date(2025, 9, 1)
    at = datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC)
    Case.objects.bulk_create(
        [
            Case(
                household_id=household_id, village_id=village, source="cadre", status=CaseStatus.CONFIRMED,
                step_started_on=day, due=day + datetime.timedelta(days=49), opened_at=at, identified_on=day,
                risk_types=["因病"],
            )
            for household_id, village in chosen
        ],
        batch_size=2000,
    )  # fmt: skip
    return len(chosen)


def reset() -> None:
    """Empty what a comparison reads besides the registry and what it writes: monitoring cases, leads and runs
    (their differences and outcomes with them), feed batches. TRUNCATE … CASCADE: a bench database only."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE screening_leadsignal, screening_suppression, screening_lead, screening_screeningrun,"
            " monitoring_case, feeds_feedrecord, feeds_quarantinedrow, feeds_feedbatch CASCADE"
        )


def time_ingest(county: str, *, on: datetime.date, seed: int, differ: float) -> None:
    from zhenxing.feeds.services import feed_batch_ingest
    from zhenxing.synth.feeds import roster_rows

    started = time.perf_counter()
    rows = roster_rows(county_code=county, snapshot_on=on, seed=seed)
    built = time.perf_counter() - started
    rng = random.Random(seed)
    flagged = [row for row in rows if row["assistance"] in ("低保", "特困")]
    others = [row for row in rows if row["assistance"] not in ("低保", "特困")]
    n = min(round(differ * len(flagged)), len(others))
    dropped = {id(row) for row in rng.sample(flagged, n)}
    for row in rng.sample(others, n):
        row["assistance"] = "低保"
    rows = [row for row in rows if id(row) not in dropped]
    by_category: dict[str, int] = defaultdict(int)
    for row in rows:
        by_category[row["assistance"]] += 1
    print(
        f"roster: {len(rows):,} rows {dict(by_category)}, built in {built:.1f} s (ID numbers decrypted);"
        f" planted {n} 低保/特困 rows dropped (M3) and {n} other rows relabelled 低保 (M4)"
    )

    before = bare_ingest(rows)
    started = time.perf_counter()
    result = feed_batch_ingest(
        department="civil_affairs", rows=rows, source="upload", file_name=f"民政名册_{county}_{on}.csv"
    )
    ingest = time.perf_counter() - started
    after = bare_ingest(rows)
    bare = min(before, after)  # before and after the ingest, the faster kept: neither side is the cold one
    batch = result.batch
    print("\n== (a) roster ingest ==")
    print(
        f"bare ingest (ID index, 2 reads, COPY into a temporary table): {bare:.3f} s"
        f" (before {before:.3f}, after {after:.3f})"
    )
    print(
        f"feed_batch_ingest: {ingest:.3f} s ({len(rows) / ingest:,.0f} rows/s), accepted {batch.accepted:,},"
        f" unmatched {batch.unmatched}, quarantined {batch.quarantined}; ratio ingest/bare {ingest / bare:.2f}x"
    )


def bare_ingest(rows: list[dict[str, str]]) -> float:
    """The same rows matched and stored with nothing else: each ID number's index, the people and their current
    households in one read each, the records COPYed into a temporary copy of the feed records' table."""
    from django.db import connection, transaction

    from zhenxing.common.crypto import id_number_index

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        indexes = [id_number_index(row["id_number"]) for row in rows]
        cursor.execute(
            "SELECT id_number_index, id FROM registry_person WHERE id_number_index = ANY(%s)", [indexes]
        )
        people = dict(cursor.fetchall())
        cursor.execute(
            "SELECT person_id, household_id FROM registry_membership WHERE left_on IS NULL AND person_id = ANY(%s)",
            [list(people.values())],
        )
        homes = dict(cursor.fetchall())
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_roster (person_id bigint, household_id bigint, code text,"
            " record_date date, end_date date) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY bench_roster (person_id, household_id, code, record_date, end_date) FROM STDIN"
        ) as copy:
            for row, index in zip(rows, indexes, strict=True):
                person = people.get(index)
                home = homes.get(person) if person else None
                if home is None:
                    continue
                end = datetime.date.fromisoformat(row["end"]) if row["end"] else None
                copy.write_row(
                    (person, home, row["assistance"], datetime.date.fromisoformat(row["start"]), end)
                )
    return time.perf_counter() - started


def time_compare(county: str, *, prefix: str, actor: Any) -> None:
    from zhenxing.feeds.selectors import current_roster_batch
    from zhenxing.monitoring.lowincome.services import lowincome_compare

    batch = current_roster_batch(county_code=county)
    assert batch is not None
    assert batch.snapshot_on is not None
    snapshot = batch.snapshot_on
    params = {"county": county, "prefix": prefix, "on": snapshot}

    # the reference before and after the comparisons (its result is the same: a comparison opens no case), the
    # faster of each part kept, so that neither side is the cold one
    sql_before, m3_m4 = hand_written_m3_m4(params)
    engine_before, m1, m2, engine_counts = engine_m1_m2(params, county=county, on=snapshot)

    started = time.perf_counter()
    first = lowincome_compare(county_code=county, actor=actor)
    compare_first = time.perf_counter() - started
    started = time.perf_counter()
    second = lowincome_compare(county_code=county, actor=actor)
    compare_second = time.perf_counter() - started

    sql_after, _ = hand_written_m3_m4(params)
    engine_after, *_ = engine_m1_m2(params, county=county, on=snapshot)
    sql_seconds, engine_seconds = min(sql_before, sql_after), min(engine_before, engine_after)
    reference = sql_seconds + engine_seconds

    print(f"\n== (b) 民政比对 of {county}, roster of {snapshot} ==")
    print(
        f"hand-written M3/M4 query: {sql_seconds:.2f} s (before {sql_before:.2f}, after {sql_after:.2f}), M3 {m3_m4['M3']:,}, M4 {m3_m4['M4']:,} (person, category)"
    )
    print(
        f"policy engine over the same households (no writes): {engine_seconds:.2f} s"
        f" (before {engine_before:.2f}, after {engine_after:.2f}) — M1: {engine_counts['m1']:,}"
        f" households evaluated, {m1:,} (person, category) in {engine_counts['m1_households']:,} with a risk,"
        f" {engine_counts['no_verdict']} without a verdict; M2: {engine_counts['m2']:,} households tested,"
        f" {m2:,} below the 低保 standard ({engine_counts['standard']})"
    )
    print(f"reference (both): {reference:.2f} s")
    print(
        f"lowincome_compare first run (differences and leads written): {compare_first:.2f} s,"
        f" by kind {first.by_kind}, leads {first.leads}, skipped {first.skipped}"
    )
    print(
        f"lowincome_compare second run (same snapshot): {compare_second:.2f} s, by kind {second.by_kind},"
        f" leads {second.leads}"
    )
    print(
        f"ratio compare/reference: first run {compare_first / reference:.2f}x,"
        f" second run {compare_second / reference:.2f}x"
    )
    expected = {"M1": m1, "M2": m2, "M3": m3_m4["M3"], "M4": m3_m4["M4"]}
    agree = "agree" if expected == first.by_kind else f"DIFFER: reference {expected}"
    print(f"per-kind counts, comparison vs reference: {agree}")


def hand_written_m3_m4(params: dict[str, Any]) -> tuple[float, dict[str, int]]:
    from django.db import connection

    from zhenxing.policy.rules import lowincome as rules

    counts = {"M3": 0, "M4": 0}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN_M3_M4, {**params, "categories": list(rules.ROSTER_CATEGORIES)})
        rows = cursor.fetchall()
    seconds = time.perf_counter() - started
    for kind, *_ in rows:
        counts[kind] += 1
    return seconds, counts


def engine_m1_m2(
    params: dict[str, Any], *, county: str, on: datetime.date
) -> tuple[float, int, int, dict[str, Any]]:
    """M1 and M2's bare work: the household sets by SQL, then each household's latest year through registry.facts
    into the policy engine (M1: within the monitoring range or a P6 risk type; M2: the P17 低保 test)."""
    from decimal import Decimal

    from django.db import connection

    from zhenxing.common.errors import InvalidInput
    from zhenxing.monitoring.enums import MONITORED_STATUSES, OPEN_STATUSES
    from zhenxing.policy.contract import evaluate_with_parameters
    from zhenxing.policy.rules import lowincome as rules
    from zhenxing.policy.rules.income import net_income
    from zhenxing.policy.rules.money import yuan_to_fen
    from zhenxing.policy.selectors import dibao_standard_for
    from zhenxing.registry import facts
    from zhenxing.registry.models import Household
    from zhenxing.registry.selectors import household_years

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(ROSTER, {**params, "categories": list(rules.ROSTER_CATEGORIES)})
        roster = cursor.fetchall()
        cursor.execute(
            CASES,
            {
                **params,
                "monitored": list(MONITORED_STATUSES),
                "handled": [*OPEN_STATUSES, *MONITORED_STATUSES],
            },
        )
        handled = dict(cursor.fetchall())
        cursor.execute(COVERED, {**params, "categories": list(rules.ROSTER_CATEGORIES)})
        covered = {household_id for (household_id,) in cursor.fetchall()}
    records: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for person_id, household_id, code in roster:
        if household_id not in handled:
            records[household_id].add((person_id, code))
    m1 = m1_households = no_verdict = 0
    for household in Household.objects.in_bulk(list(records)).values():
        record = household_years(household).first()
        if record is None:
            no_verdict += 1
            continue
        try:
            evaluation = evaluate_with_parameters(
                facts.policy_household(household, record), year=record.year, decided_on=on
            )
        except InvalidInput:
            no_verdict += 1
            continue
        verdict = evaluation.verdict
        if rules.risk_of_unmonitored(
            within_range=bool(verdict.within_monitoring_range), risk_types=verdict.risk_types or []
        ):
            m1 += len(records[household.pk])
            m1_households += 1
    m2_households = [h for h, monitored in handled.items() if monitored and h not in covered]
    m2 = 0
    standards: dict[int, Any] = {}
    for household in Household.objects.filter(pk__in=m2_households):
        record = household_years(household).first()
        if record is None:
            continue
        if record.year not in standards:
            standards[record.year] = dibao_standard_for(county_code=county, year=record.year)
        standard = standards[record.year]
        if standard is None:
            continue
        stored = facts.policy_household(household, record)
        if rules.possibly_dibao(
            net_income_fen=net_income(stored), assistance_benefit_fen=record.assistance_benefit,
            standard_fen=yuan_to_fen(Decimal(str(standard.value))), members=len(stored.members),
        ):  # fmt: skip
            m2 += 1
    seconds = time.perf_counter() - started
    used = ", ".join(
        f"{year}: {s.year} {s.region} {s.value} 元" if s else f"{year}: none" for year, s in standards.items()
    )
    counts = {
        "m1": len(records), "m1_households": m1_households, "no_verdict": no_verdict, "m2": len(m2_households),
        "standard": f"standard for income year {used}" if used else "no household to test",
    }  # fmt: skip
    return seconds, m1, m2, counts


if __name__ == "__main__":
    main()
