"""The registry's bulk writer: natural villages, households, people, memberships and year records in batches
of thousands, for the 台账 import (transfer/apply.py) and the synthetic generator (synth/loader.py).

The registry owns these tables, so their column lists live here, read from the models (common/bulk
`model_columns`): a row is a tuple in the model's field order with values ready for the column (`*_id` for
foreign keys — a household's village by its code —, ciphertexts as bytes, timestamps aware). A field added to
a model changes every writer's columns at once, and a row still built for the old shape is refused before
anything is written. New rows are streamed (COPY on PostgreSQL, executemany on SQLite); changed rows are
written back linearly (common/bulk `update_rows`).

The writer records no audit event: its callers do, in their transaction (the import one per household that
changed, the generator one per run)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError, connection, models, transaction

from zhenxing.common.bulk import (
    allocate_ids,
    insert_model_rows,
    model_columns,
    reset_sequence,
    update_model_rows,
)
from zhenxing.registry.models import Household, HouseholdYear, Membership, NaturalVillage, Person

TABLES: tuple[type[models.Model], ...] = (NaturalVillage, Household, Person, Membership, HouseholdYear)


def _registry_table(model: type[models.Model]) -> str:
    if model not in TABLES:
        raise ValueError(f"{model._meta.label} is not written by the registry's bulk writer")
    return model._meta.db_table


def columns(model: type[models.Model]) -> tuple[str, ...]:
    """What a row tuple for `insert(model, …)` holds, in order."""
    _registry_table(model)
    return model_columns(model)


def insert(model: type[models.Model], rows: Sequence[Sequence[Any]]) -> None:
    """New rows, ids included (from `allocate` or `first_free_id`)."""
    _registry_table(model)
    insert_model_rows(model, rows)


def allocate(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh ids from the table's sequence, so that rows of one batch can refer to each other."""
    return allocate_ids(_registry_table(model), count)


def update(model: type[models.Model], objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write `fields` of loaded, changed instances (linear, where bulk_update's CASE WHEN grows with rows × fields)."""
    _registry_table(model)
    update_model_rows(model, objects, fields)


def first_free_id(model: type[models.Model]) -> int:
    """One past the highest id: for a writer that numbers its rows itself and then calls `reset_sequences`."""
    table = _registry_table(model)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - table from TABLES
        return int(cursor.fetchone()[0])


def reset_sequences() -> None:
    """After rows were numbered by `first_free_id` rather than the sequence (PostgreSQL only)."""
    for model in TABLES:
        reset_sequence(model._meta.db_table)


@contextmanager
def indexes_deferred(*, enabled: bool = True) -> Iterator[bool]:
    """Inside the caller's transaction, on PostgreSQL, while the registry's tables are all empty: their
    secondary indexes, unique and foreign-key constraints are dropped, and rebuilt on leaving, from their own
    definitions. Building an index once over sorted rows costs a fraction of maintaining it row by row (the
    ID's blind index is random, so at two million people every insert touches a page out of cache), and a
    foreign key re-added is checked by one join instead of a queued trigger per row. Primary keys and CHECK
    constraints stay. Anything that breaks a rebuilt constraint fails the transaction, as the row would have.
    Yields whether it deferred (elsewhere the writes simply maintain the indexes as they go)."""
    tables = [model._meta.db_table for model in TABLES]
    if (
        not enabled
        or connection.vendor != "postgresql"
        or any(model._default_manager.exists() for model in TABLES)
    ):
        yield False
        return
    with connection.cursor() as cursor:
        # no foreign key elsewhere leans on one of these unique indexes (they all reference primary keys),
        # so dropping them needs no CASCADE; without it PostgreSQL would refuse rather than drop more
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') ORDER BY conname",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)"
            " ORDER BY indexname",
            [tables],
        )
        indexes = cursor.fetchall()
        try:
            with transaction.atomic():
                for table, name, _ in constraints:
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                for name, _ in indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
        except OperationalError:
            # rows of these tables written and removed earlier in this transaction leave foreign-key checks
            # pending, and PostgreSQL will not alter a table under them: the writes keep the indexes instead
            deferred = False
        else:
            deferred = True
    if not deferred:
        yield False
        return
    # an error in the caller's block propagates from the yield: the transaction rolls back, the drops with it
    yield True
    with connection.cursor() as cursor:
        # two million rows of the blind index sort in memory rather than in temporary files (this transaction only)
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(f"ANALYZE {', '.join(tables)}")
