"""Serialising writers that check a count before they insert (rate limits): without it, a burst of
parallel requests each counts the rows before any of them inserts, and all get through.

PostgreSQL: a transaction-scoped advisory lock on a number derived from the key, so only writers of the
same key wait for each other. SQLite: every write transaction already takes the database's write lock at
BEGIN (settings: transaction_mode IMMEDIATE), so writers are serialised and nothing more is needed.
Call inside transaction.atomic(), before counting.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def serialize_on(key: str) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("serialize_on must be called inside transaction.atomic()")
    if connection.vendor != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
