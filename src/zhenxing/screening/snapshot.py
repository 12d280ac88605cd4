"""A columnar snapshot of what the rules read, for the fast engines (issue 6).

Each table goes out of the database as CSV text (PostgreSQL `COPY … TO STDOUT`, streamed; SQLite through a
cursor) into DuckDB with explicit column types, and is written as Parquet — DuckDB's own writer, no
extension, nothing fetched at run time. Only the columns the rules need leave the database: no ciphertext,
no names, no ID numbers.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

# table → (column, DuckDB type); the rules may use nothing else
SNAPSHOT_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "registry_household": [("id", "BIGINT"), ("village_code", "VARCHAR"), ("kind", "VARCHAR")],
    "registry_membership": [("household_id", "BIGINT"), ("person_id", "BIGINT"), ("relation", "VARCHAR"), ("left_on", "DATE")],
    "registry_person": [("id", "BIGINT"), ("birth_date", "DATE"), ("labour", "VARCHAR")],
    "registry_householdyear": [
        ("household_id", "BIGINT"), ("year", "INTEGER"), ("wage", "BIGINT"), ("business", "BIGINT"), ("property", "BIGINT"),
        ("transfer", "BIGINT"), ("business_cost", "BIGINT"), ("insurance_payouts", "BIGINT"), ("medical_expense", "BIGINT"),
        ("education_expense", "BIGINT"), ("rehabilitation_expense", "BIGINT"), ("accident_expense", "BIGINT"),
        ("disaster_expense", "BIGINT"),
    ],
    "feeds_feedrecord": [
        ("department", "VARCHAR"), ("person_id", "BIGINT"), ("household_id", "BIGINT"), ("village_code", "VARCHAR"),
        ("record_date", "DATE"), ("amount_fen", "BIGINT"), ("code", "VARCHAR"), ("number", "INTEGER"), ("flag", "BOOLEAN"),
    ],
}  # fmt: skip


@dataclass(frozen=True)
class Snapshot:
    folder: Path
    seconds: float
    rows: dict[str, int]


def _csv_from_database(table: str, columns: list[str]) -> bytes:
    select = f"SELECT {', '.join(columns)} FROM {table}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, NULL '')") as copy:
                for block in copy:
                    buffer.write(block)
            return buffer.getvalue()
        cursor.execute(select)
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        while rows := cursor.fetchmany(50_000):
            writer.writerows(
                ["" if v is None else int(v) if isinstance(v, bool) else v for v in row] for row in rows
            )
        return text.getvalue().encode("utf-8")


def snapshot_create(*, folder: Path, tables: tuple[str, ...] | None = None) -> Snapshot:
    """Write the snapshot of `tables` (default: every table the rules may read)."""
    import duckdb

    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    con = duckdb.connect()
    for table, columns in SNAPSHOT_COLUMNS.items():
        if tables is not None and table not in tables:
            continue
        names = [name for name, _ in columns]
        source = folder / f"{table}.csv"
        data = _csv_from_database(table, names)
        if data:
            source.write_bytes(data)
            types = json.dumps(dict(columns)).replace('"', "'")
            con.execute(
                f"CREATE TABLE {table} AS SELECT * FROM read_csv('{source}', header=false, columns={types}, nullstr='', quote='\"')"
            )
            source.unlink()
        else:  # an empty table: nothing to sniff, so say its columns
            con.execute(f"CREATE TABLE {table} ({', '.join(f'{name} {kind}' for name, kind in columns)})")
        con.execute(f"COPY {table} TO '{folder / (table + '.parquet')}' (FORMAT parquet)")
        counts[table] = int(con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # type: ignore[index]
    con.close()
    return Snapshot(folder=folder, seconds=time.perf_counter() - started, rows=counts)
