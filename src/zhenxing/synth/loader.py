"""Writing generated rows through the registry's bulk writer (registry/bulk.py): COPY on PostgreSQL,
executemany on SQLite — never row by row through the ORM. The generator builds each row in the model's field
order (registry.bulk.columns).

On PostgreSQL the batches are written by a second thread on the same connection (so in the caller's
transaction) while the generator draws the next batch: the generator is pure Python and holds the
interpreter, the COPY mostly waits for the server, and the two overlap instead of taking turns."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from zhenxing.registry import bulk
from zhenxing.registry.models import Household, HouseholdYear, Membership, NaturalVillage, Person
from zhenxing.synth.generator import Batch, StartIds

# the order a batch's tables are written in: a row may only name rows written before it
ORDER = (
    (NaturalVillage, "natural_villages"),
    (Household, "households"),
    (Person, "persons"),
    (Membership, "memberships"),
    (HouseholdYear, "years"),
)


def start_ids() -> StartIds:
    return StartIds(
        natural_village=bulk.first_free_id(NaturalVillage),
        household=bulk.first_free_id(Household),
        person=bulk.first_free_id(Person),
        membership=bulk.first_free_id(Membership),
        year=bulk.first_free_id(HouseholdYear),
    )


def write_batch(batch: Batch) -> None:
    for model, name in ORDER:
        bulk.insert(model, getattr(batch, name))


def reset_sequences() -> None:
    bulk.reset_sequences()


class _Copier:
    """Writes queued batches with COPY on the caller's (already open) psycopg connection, one batch behind the
    generator. At most `depth` batches wait, so memory stays a few batches whatever the scale."""

    def __init__(self, raw: Any, depth: int = 2) -> None:
        self.raw = raw
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.statements = {
            name: f"COPY {model._meta.db_table} ({', '.join(bulk.columns(model))}) FROM STDIN"
            for model, name in ORDER
        }
        self.widths = {name: len(bulk.columns(model)) for model, name in ORDER}
        self.thread = threading.Thread(target=self._run, name="synth-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain: the generator learns of the error at its next put
            try:
                self._write(batch)
            except BaseException as error:
                self.error = error

    def _write(self, batch: Batch) -> None:
        with self.raw.cursor() as cursor:
            for _, name in ORDER:
                rows = getattr(batch, name)
                if not rows:
                    continue
                if len(rows[0]) != self.widths[name]:  # as bulk.insert refuses a row of the wrong shape
                    raise ValueError(
                        f"{name}: a row has {len(rows[0])} values, the table {self.widths[name]}"
                    )
                with cursor.copy(self.statements[name]) as copy:
                    for row in rows:
                        copy.write_row(row)

    def put(self, batch: Batch) -> None:
        self._raise()
        self.queue.put(batch)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


@contextmanager
def batch_writer() -> Iterator[Any]:
    """A function that writes a batch; inside the caller's transaction. On PostgreSQL it returns at once and
    the batch is written in the background; leaving the block waits for the last one (and raises any error).
    The caller must not use the connection until then."""
    if connection.vendor != "postgresql":
        yield write_batch
        return
    connection.ensure_connection()
    copier = _Copier(connection.connection)
    try:
        yield copier.put
    except BaseException:
        copier.queue.put(None)
        copier.thread.join()
        raise
    copier.close()
