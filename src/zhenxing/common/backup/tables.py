"""Row counts and checksums of every table, computed the same way on the source and on the restored copy.

One algorithm on both vendors: the rows of a table are read in primary-key order (every column when a table
has none) through a server-side cursor in chunks, each row is turned into text, and SHA-256 is taken over the
texts, one line each. What differs is only who writes a row's text: PostgreSQL's own record output
(`row::text`, in a session whose time zone, date, interval, bytea and float formats are fixed here, so a server
with other defaults prints the same text), SQLite's values as Python's sqlite3 module returns them (`repr` of
the row). Text keys sort under the C collation: a database restored with another locale orders them the same.
A checksum therefore compares a backup with a restore of it on the same vendor, never across vendors.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any

Progress = Callable[[str], None]

CHUNK = 20_000
REPORT_EVERY = 500_000  # rows between two progress lines of one table
METHOD = {
    "postgresql": "sha256 over row::text per row in primary-key order (TimeZone UTC, DateStyle ISO, "
    'IntervalStyle iso_8601, bytea hex, extra_float_digits 1, text keys COLLATE "C")',
    "sqlite": "sha256 over repr(row) per row in primary-key order (sqlite3 module types)",
}
PG_SESSION = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'iso_8601'",
    "SET LOCAL bytea_output = 'hex'",
    "SET LOCAL extra_float_digits = 1",
)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _hash_rows(batches: Iterable[list[str]], on_rows: Callable[[int], None]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for texts in batches:
        digest.update(("\n".join(texts) + "\n").encode("utf-8", "surrogatepass"))
        count += len(texts)
        on_rows(count)
    return count, digest.hexdigest()


def _reporter(table: str, progress: Progress) -> Callable[[int], None]:
    next_report = [REPORT_EVERY]

    def on_rows(count: int) -> None:
        if count >= next_report[0]:
            progress(f"  校验 {table}：已读 {count:,} 行")
            next_report[0] = count + REPORT_EVERY

    return on_rows


# --- PostgreSQL ------------------------------------------------------------------------------------------
def pg_tables(cursor: Any) -> list[str]:
    """Ordinary tables of the current schema (partitions each on their own, not their parent)."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def _pg_order(cursor: Any, table: str) -> str:
    cursor.execute(
        "SELECT a.attname, a.attcollation <> 0 FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)",
        [_quote(table)],
    )
    keys = [f"zx_row.{_quote(name)}" + (' COLLATE "C"' if collatable else "") for name, collatable in cursor]
    return ", ".join(keys) or 'zx_row::text COLLATE "C"'


def pg_checksums(
    connection: Any, progress: Progress, stop: Callable[[], bool] = lambda: False
) -> dict[str, dict[str, Any]]:
    """Checksums of every table, on a psycopg connection already inside the transaction (and snapshot) to
    be described; the session settings are SET LOCAL, so they end with it. `stop` is asked between tables
    (pg_dump has failed: the rest would be wasted)."""
    result: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for statement in PG_SESSION:
            cursor.execute(statement)
        tables = pg_tables(cursor)
        orders = {table: _pg_order(cursor, table) for table in tables}
    for position, table in enumerate(tables, 1):
        if stop():
            break
        started = time.monotonic()
        with connection.cursor(name=f"zx_backup_{position}") as rows:
            rows.itersize = CHUNK
            rows.execute(f"SELECT zx_row::text FROM {_quote(table)} AS zx_row ORDER BY {orders[table]}")  # noqa: S608 - quoted names from the catalogue

            def batches() -> Iterable[list[str]]:
                while chunk := rows.fetchmany(CHUNK):
                    yield [row[0] for row in chunk]

            count, digest = _hash_rows(batches(), _reporter(table, progress))
        result[table] = {"rows": count, "sha256": digest}
        if count >= REPORT_EVERY:
            progress(f"  校验 {table}：{count:,} 行，{time.monotonic() - started:.1f} 秒")
    return result


# --- SQLite ----------------------------------------------------------------------------------------------
def sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name"
    ).fetchall()
    return [row[0] for row in rows]


def _sqlite_order(connection: sqlite3.Connection, table: str) -> str:
    columns = connection.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    keys = sorted((column[5], column[1]) for column in columns if column[5])
    if keys:
        return ", ".join(_quote(name) for _, name in keys)
    return ", ".join(str(position) for position in range(1, len(columns) + 1))


def sqlite_checksums(connection: sqlite3.Connection, progress: Progress) -> dict[str, dict[str, Any]]:
    """Checksums of every table of a plain sqlite3 connection (no converters: the types the file holds)."""
    result: dict[str, dict[str, Any]] = {}
    for table in sqlite_tables(connection):
        cursor = connection.execute(
            f"SELECT * FROM {_quote(table)} ORDER BY {_sqlite_order(connection, table)}"  # noqa: S608 - quoted names from the catalogue
        )

        def batches(cursor: sqlite3.Cursor = cursor) -> Iterable[list[str]]:
            while chunk := cursor.fetchmany(CHUNK):
                yield [repr(row) for row in chunk]

        count, digest = _hash_rows(batches(), _reporter(table, progress))
        result[table] = {"rows": count, "sha256": digest}
    return result


def latest_migrations(cursor: Any) -> dict[str, str]:
    """The last migration applied of each app, in the order they were applied."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())
