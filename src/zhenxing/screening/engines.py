"""Engines that evaluate the rule set. `db` runs it inside SQLite/PostgreSQL where the data lives; the fast
engines (DuckDB, Spark) of the next issue read the same rules through `rules.transpile`."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

from zhenxing.policy.rules.people import age_parameters, year_end
from zhenxing.screening.models import Rule
from zhenxing.screening.rules import transpile
from zhenxing.screening.snapshot import Snapshot


@dataclass(frozen=True)
class Signal:
    household_id: int
    rule: Rule
    value: Any
    threshold: Any
    # more evidence than value and threshold, from a comparison that is not a rule's SQL (monitoring's
    # 民政比对, P17): categories, dates, amounts, parameter versions — never an ID number or a name
    details: dict[str, Any] | None = None


def round_parameters(*, year: int, line_fen: int) -> dict[str, Any]:
    """The placeholders every rule may use (policy/rules/sql.py); ages are whole years on 31 December (P6),
    as birth-date bounds computed from the policy's age ranges (people.AGE_PLACEHOLDERS)."""
    return {
        "year": year,
        "year_start": datetime.date(year, 1, 1),
        "year_end": year_end(year),
        "line_fen": line_fen,
        **age_parameters(year),
        **legacy_age_parameters(year),
    }


def legacy_age_parameters(year: int) -> dict[str, datetime.date]:
    """The age bounds rule sets v1 and v2 were written with (:born_6 … :born_64), so that an old set can
    still be run to explain the leads it raised (P13); newer sets use people.AGE_PLACEHOLDERS."""
    return {
        "born_6": datetime.date(year - 6, 12, 31),
        "born_15": datetime.date(year - 15, 1, 1),
        "born_16": datetime.date(year - 16, 12, 31),
        "born_64": datetime.date(year - 64, 1, 1),
    }


def evaluate_db(
    rules: Sequence[Rule], parameters: dict[str, Any], progress: Callable[[int, int], None] | None = None
) -> list[Signal]:
    signals: list[Signal] = []
    with connection.cursor() as cursor:
        for index, rule in enumerate(rules, start=1):
            cursor.execute(transpile(rule.sql, connection.vendor), {**parameters, **rule.params})
            signals.extend(
                Signal(int(h), rule, value, threshold)
                for h, value, threshold in cursor.fetchall()
                if h is not None
            )
            if progress:
                progress(index, len(rules))
    return signals


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def round_of(day: datetime.date, *, cutoff_day: int) -> datetime.date:
    """P10: a lead raised after the cutoff (the 15th) joins next month's round. Returns the round's first day."""
    first = day.replace(day=1)
    if day.day > cutoff_day:
        first = (first + datetime.timedelta(days=32)).replace(day=1)
    return first


def duckdb_over_snapshot(folder: Path) -> Any:
    """A DuckDB connection with one view per snapshot table present in the folder's chain (screening/chain.py:
    the full copy and the deltas after it)."""
    import duckdb

    from zhenxing.screening.chain import duckdb_relation, parts_of, tables_of, view_sql
    from zhenxing.screening.snapshot import SNAPSHOT_COLUMNS

    con = duckdb.connect()
    for table in tables_of(folder, list(SNAPSHOT_COLUMNS)):
        sql = view_sql(table, SNAPSHOT_COLUMNS[table], parts_of(folder, table), duckdb_relation)
        con.execute(f"CREATE VIEW {table} AS {sql}")
    return con


def run_rules_duckdb(
    con: Any,
    rules: Sequence[Rule],
    parameters: dict[str, Any],
    progress: Callable[[int, int], None] | None = None,
) -> list[Signal]:
    import re

    import sqlglot

    signals: list[Signal] = []
    for index, rule in enumerate(rules, start=1):
        sql = sqlglot.transpile(rule.sql, read="postgres", write="duckdb")[0]
        values = {**parameters, **rule.params}
        used = set(re.findall(r"\$([a-z_][a-z0-9_]*)", sql)) & set(values)
        rows = con.execute(sql, {name: values[name] for name in used}).fetchall()
        signals.extend(
            Signal(int(h), rule, value, threshold) for h, value, threshold in rows if h is not None
        )
        if progress:
            progress(index, len(rules))
    return signals


def evaluate_duckdb(
    rules: Sequence[Rule],
    parameters: dict[str, Any],
    *,
    snapshot: Snapshot,
    progress: Callable[[int, int], None] | None = None,
) -> list[Signal]:
    """The same rules over a columnar snapshot (Parquet) in DuckDB; results as the db engine's."""
    con = duckdb_over_snapshot(snapshot.folder)
    try:
        return run_rules_duckdb(con, rules, parameters, progress)
    finally:
        con.close()


def spark_session(master: str | None = None) -> Any:
    """The process's Spark session (made on first use, then the same one): `local[2]` by default, a cluster
    through `master` (or ZHENXING_SPARK_MASTER)."""
    import os

    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master or os.environ.get("ZHENXING_SPARK_MASTER", "local[2]"))
        .appName("zhenxing-screening")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("ZHENXING_SPARK_PARTITIONS", "8"))
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def evaluate_spark(
    rules: Sequence[Rule],
    parameters: dict[str, Any],
    *,
    snapshot: Snapshot,
    master: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Signal]:
    """The same rules on Apache Spark over the Parquet snapshot (see `spark_session`); on a cluster the
    snapshot folder must be on storage it reads."""
    import re

    import sqlglot

    spark = spark_session(master)
    spark_views_over_snapshot(spark, snapshot.folder, tables=list(snapshot.rows))
    signals: list[Signal] = []
    for index, rule in enumerate(rules, start=1):
        sql = sqlglot.transpile(rule.sql, read="postgres", write="spark")[0]
        values = {**parameters, **rule.params}
        used = set(re.findall(r":([a-z_][a-z0-9_]*)", sql)) & set(values)
        rows = spark.sql(sql, args={name: values[name] for name in used}).collect()
        signals.extend(Signal(int(row[0]), rule, row[1], row[2]) for row in rows if row[0] is not None)
        if progress:
            progress(index, len(rules))
    return signals


def spark_views_over_snapshot(spark: Any, folder: Path, *, tables: list[str]) -> None:
    """One temporary view per table over the snapshot's chain, as DuckDB's (each file set a view of its own:
    Spark SQL reads a glob through the DataFrame reader, not in a FROM clause)."""
    from zhenxing.screening.chain import parts_of, view_sql
    from zhenxing.screening.snapshot import SNAPSHOT_COLUMNS

    named: dict[str, str] = {}

    def relation(files: str) -> str:
        if files not in named:
            named[files] = f"_part_{len(named)}"
            spark.read.parquet(files).createOrReplaceTempView(named[files])
        return named[files]

    for table in tables:
        parts = parts_of(folder, table)
        spark.sql(
            f"CREATE OR REPLACE TEMPORARY VIEW {table} AS {view_sql(table, SNAPSHOT_COLUMNS[table], parts, relation)}"
        )
