"""Bulk writes for large batches (imports, synthetic data): COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create binds every value through Python-side quoting, which costs more than the database
work at 100,000 rows; COPY streams rows instead. Ids are allocated up front so that rows can refer to each
other within one batch. Callers own the transaction and pass values ready for the column (JSON as text).

A table's columns are read from its model (`model_columns`), in the model's field order, so that a row tuple
and the table cannot drift apart silently: a row of the wrong width is refused before anything is written.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


# Table names below come from code, never from input.
def allocate_ids(table: str, count: int) -> list[int]:
    """`count` fresh primary keys for `table` (inside the caller's transaction)."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                [count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the IMMEDIATE transaction already holds the write lock, so MAX(id) cannot move under us.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [tuple(_sqlite_value(value) for value in row) for row in rows],
            )


def model_columns(model: type[models.Model]) -> tuple[str, ...]:
    """The table's columns in the model's field order: what each row tuple of `insert_model_rows` holds."""
    return tuple(field.column for field in model._meta.concrete_fields)  # type: ignore[misc]  # concrete fields have one


def insert_model_rows(model: type[models.Model], rows: Sequence[Sequence[Any]]) -> None:
    """`insert_rows` into the model's table, every column in field order (`model_columns`).

    Only the first row's width is checked: the callers build every row of a batch the same way, and a check
    per row would cost throughput the import benchmark measures."""
    if not rows:
        return
    columns = model_columns(model)
    if len(rows[0]) != len(columns):
        raise ValueError(
            f"{model._meta.label}: a row has {len(rows[0])} values, the table has {len(columns)} columns {columns}"
        )
    insert_rows(model._meta.db_table, columns, rows)


def update_model_rows(
    model: type[models.Model], objects: Sequence[models.Model], fields: Sequence[str]
) -> None:
    """Write `fields` of already-loaded (and changed) instances back with `update_rows`."""
    concrete = [model._meta.get_field(name) for name in fields]
    update_rows(
        model._meta.db_table,
        [f.column for f in concrete],  # type: ignore[union-attr, misc]
        [(obj.pk, *(getattr(obj, f.attname) for f in concrete)) for obj in objects],  # type: ignore[union-attr]
    )


def reset_sequence(table: str) -> None:
    """After rows were written with explicit ids not taken from the sequence (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
        )


def update_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set `columns` on the rows whose id is the first value of each tuple (id, *values).

    PostgreSQL: COPY into a temporary table, then one UPDATE … FROM — linear, where bulk_update's CASE WHEN
    grows with rows × fields. SQLite: one prepared UPDATE per row, which is what SQLite is fast at."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMP TABLE bulk_update_rows ON COMMIT DROP AS SELECT id, {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY bulk_update_rows (id, {', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{column} = u.{column}" for column in columns)
            cursor.execute(f"UPDATE {table} t SET {assignments} FROM bulk_update_rows u WHERE t.id = u.id")
            cursor.execute("DROP TABLE bulk_update_rows")
        else:
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",
                [(*(_sqlite_value(value) for value in row[1:]), row[0]) for row in rows],
            )
