"""The incremental round and the what-if goals of issue 22, called by bench/screening.py (same database).

A whole snapshot and a round on it; then 1% of the households change as the services change them (income
edits, members moving between households, membership dates; each with its audit event) and a month of new
feed records is ingested; then (a) the next round end to end, which takes a delta, against (b) a round over a
whole new snapshot of the same data — the leads must be the same: (b), run after (a), finds every lead
unchanged, and both evaluate to the same signals. What-if: warm (the snapshot reused) and fresh (after the
change: a delta on the last snapshot), against the goals of 1 s and 3 s.
"""

from __future__ import annotations

import datetime
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SHARE = 0.01  # of the households changed between the two rounds
MONTH = 11  # the month of new feed records


def _change_households(year: int, share: float, seed: int) -> dict[str, int]:
    """Income edits (±10 %) on most of the sample, a member moved for a tenth, a membership's dates for a tenth: the
    writes the registry's services make, each with the audit event they write (bulk, as an import does)."""
    from django.db import connection, transaction

    from zhenxing.audit import services as audit
    from zhenxing.common.bulk import as_json
    from zhenxing.common.clock import now
    from zhenxing.registry.models import Household, Membership

    rng = random.Random(seed)
    ids = list(Household.objects.values_list("pk", flat=True))
    sample = rng.sample(ids, int(len(ids) * share))
    movers, dated = sample[: len(sample) // 10], sample[len(sample) // 10 : len(sample) // 5]
    incomes = sample[len(sample) // 5 :]
    stamp = now()
    events: list[tuple[object, ...]] = []

    def event(action: str, target_type: str, pk: int) -> None:
        events.append(
            (
                stamp,
                None,
                "bench",
                action,
                target_type,
                str(pk),
                None,
                None,
                as_json({"bench": True}),
                "",
                None,
            )
        )

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                # a correction of a tenth either way, as a village's yearly 收支 check finds: a few cross the line
                "UPDATE registry_householdyear SET wage = CAST(wage * (0.9 + 0.2 * random()) AS BIGINT)"
                f" WHERE year = %s AND household_id IN ({','.join(str(pk) for pk in incomes)})",
                [year],
            )
        for pk in incomes:
            event("household_year.update", "registry.household", pk)
        # a member moves to another household of the sample: the old membership ends, a new one begins
        current = {
            m.household_id: m
            for m in Membership.objects.filter(
                household_id__in=movers,
                left_on__isnull=True,
                relation="之子",
                joined_on__lt=datetime.date(year, 6, 30),
            )
        }
        for source, target in zip(movers, reversed(movers), strict=True):
            membership = current.get(source)
            if membership is None or source == target:
                continue
            Membership.objects.filter(pk=membership.pk).update(
                left_on=datetime.date(year, 6, 30), left_reason="move_out"
            )
            moved = Membership.objects.create(
                household_id=target, person_id=membership.person_id, relation="之子",
                joined_on=datetime.date(year, 7, 1), joined_reason="move_in",
            )  # fmt: skip
            event("membership.end", "registry.membership", membership.pk)
            event("membership.add", "registry.membership", moved.pk)
        # a membership's dates corrected: joined after the year's end, so not a member on 31 December
        for membership in Membership.objects.filter(
            household_id__in=dated, relation="之子", left_on__isnull=True
        ):
            Membership.objects.filter(pk=membership.pk).update(joined_on=datetime.date(year + 1, 1, 15))
            event("membership.update", "registry.membership", membership.pk)
        audit.record_many(events)
    return {"households": len(sample), "incomes": len(incomes), "movers": len(movers), "dated": len(dated)}


def _month_of_feeds(year: int, seed: int) -> tuple[int, float]:
    """A month of new feed records from every department (a fresh seed: new rows), ingested as batches."""
    import csv

    from zhenxing.feeds.services import feed_batch_ingest
    from zhenxing.synth.feeds import generate_feeds

    folder = Path(tempfile.mkdtemp(prefix="month-"))
    generate_feeds(year=year, seed=seed, folder=folder)
    month = f"{year}-{MONTH:02d}"
    total, seconds = 0, 0.0
    for path in sorted(folder.glob("*.csv")):
        if path.stem in ("expected_leads", "civil_affairs"):  # 民政's rows are a roster, not a month's news
            continue
        with path.open(encoding="utf-8") as handle:
            rows = [
                row for row in csv.DictReader(handle)
                if any(str(row.get(key, "")).startswith(month) for key in ("date", "period", "start"))
            ]  # fmt: skip
        for start in range(0, len(rows), 100_000):
            started = time.perf_counter()
            feed_batch_ingest(department=path.stem, rows=rows[start : start + 100_000], source="upload")
            seconds += time.perf_counter() - started
        total += len(rows)
    return total, seconds


def _signals(snapshot: object, year: int) -> set[tuple[int, str]]:
    from zhenxing.screening.engines import evaluate_duckdb, round_parameters
    from zhenxing.screening.models import Rule, RuleSet

    rules = list(Rule.objects.filter(rule_set=RuleSet.objects.get(is_current=True), enabled=True))
    signals = evaluate_duckdb(rules, round_parameters(year=year, line_fen=870_000), snapshot=snapshot)  # type: ignore[arg-type]
    return {(s.household_id, s.rule.code) for s in signals}


def incremental_round(year: int) -> None:
    from zhenxing.screening.services import screening_run
    from zhenxing.screening.snapshot import snapshot_take

    print("\n== incremental snapshot (issue 22) ==")
    started = time.perf_counter()
    whole = snapshot_take(incremental=False)
    print(f"whole snapshot: {time.perf_counter() - started:.1f} s")
    base = screening_run(year=year, engine="duckdb", snapshot_max_age=datetime.timedelta(hours=1))
    print(f"round on it: {_seconds(base)}")
    seed = int(time.time())
    changed = _change_households(year, SHARE, seed)
    records, ingest = _month_of_feeds(year, seed)
    print(
        f"changed: {changed}; a month of feed records: {records:,} ingested in {ingest:.1f} s"
        f" ({records / max(ingest, 1e-9):,.0f} rows/s, goal >= 30,000)"
    )
    started = time.perf_counter()
    delta_round = screening_run(year=year, engine="duckdb")
    incremental = time.perf_counter() - started
    described = delta_round.parameters["snapshot"]
    print(
        f"round after the change, end to end: {incremental:.2f} s ({described['kind']}, {described.get('delta')});"
        f" {_seconds(delta_round)} (goal <= 3 s)"
    )
    started = time.perf_counter()
    again = snapshot_take(incremental=False)
    full_round = screening_run(year=year, engine="duckdb", snapshot_max_age=datetime.timedelta(hours=1))
    whole_seconds = time.perf_counter() - started
    print(
        f"the same round over a whole new snapshot: {whole_seconds:.2f} s; ratio incremental / whole"
        f" {incremental / whole_seconds:.2f}x"
    )
    same = _signals(delta_round_snapshot(delta_round), year) == _signals(again, year)
    unchanged = full_round.summary["new"] == 0 and full_round.summary["merged"] == 0
    print(
        f"leads identical: {'yes' if same and unchanged else 'NO'} (signals equal: {same};"
        f" the whole round after it: new {full_round.summary['new']}, merged {full_round.summary['merged']},"
        f" unchanged {full_round.summary['unchanged']})"
    )
    del whole


def delta_round_snapshot(run: object) -> object:
    from django.utils import timezone

    from zhenxing.screening.snapshot import Snapshot, snapshot_root

    described = run.parameters["snapshot"]  # type: ignore[attr-defined]
    return Snapshot(
        folder=snapshot_root() / described["folder"],
        seconds=0,
        rows=described["rows"],
        taken_at=timezone.now(),
    )


def _seconds(run: object) -> str:
    seconds = run.summary["seconds"]  # type: ignore[attr-defined]
    return ", ".join(f"{step} {value:.2f} s" for step, value in seconds.items())


def what_if_timed(year: int, max_age: datetime.timedelta | None) -> tuple[float, object]:
    """8,700 → 9,500 yuan for all of Dali, timed to the answer; then the new snapshot's files are let finish
    (they are written after the answer), so that the next measurement starts from a quiet writer."""
    from zhenxing.screening.snapshot import snapshot_wait
    from zhenxing.screening.whatif import what_if

    started = time.perf_counter()
    result = what_if(
        year=year, lines_yuan=[Decimal(8700), Decimal(9500)], prefixes=["5329"], area_length=6, area_names={},
        snapshot_max_age=max_age,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    snapshot_wait()
    return elapsed, result


def what_if_goals(year: int) -> None:
    print("\n== what-if (issue 22) ==")

    def once(max_age: datetime.timedelta | None) -> tuple[float, object]:
        return what_if_timed(year, max_age)

    changed = _change_households(year, SHARE, int(time.time()) + 1)
    fresh, result = once(None)
    snapshot = result.snapshot  # type: ignore[attr-defined]
    warm = [once(datetime.timedelta(minutes=10))[0] for _ in range(3)]
    print(
        f"after {changed['households']:,} households changed, fresh (a delta on the last snapshot,"
        f" {snapshot.describe()['kind']}): {fresh:.2f} s (goal <= 3 s)"
    )
    print(f"warm (the snapshot reused), 3 runs: {', '.join(f'{w:.2f}' for w in warm)} s (goal <= 1 s)")
