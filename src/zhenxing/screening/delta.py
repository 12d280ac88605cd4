"""What changed since a snapshot, read out of the database (issue 22): the incremental snapshot's delta.

Feed records are append-only, so the new ones are those above the last snapshot's highest id. The registry is
changed only through services that write an audit event naming what they changed (a household, a person, a
membership: registry/services.py, transfer/apply.py), or by inserts whose ids lie above the snapshot's marks.
A household is *changed* if any of these names it, one of its members, or one of its memberships; and with it
every household that shares a person with it (a member who moved left one household and joined another: both
changed, whichever side the event names). The delta holds all rows of the changed households and people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

REGISTRY_TARGETS = ("registry.household", "registry.person", "registry.membership")
CHUNK = 5_000  # ids per IN list (SQLite's statement length; PostgreSQL's planner)


@dataclass(frozen=True)
class Changes:
    households: set[int]
    people: set[int]
    feeds_after: int  # feed records with a higher id are new
    feeds_upto: int


def _chunks(ids: Iterable[int]) -> list[str]:
    ordered = sorted(ids)
    return [",".join(str(int(i)) for i in ordered[at : at + CHUNK]) for at in range(0, len(ordered), CHUNK)]


def _column(sql: str, params: list[int | str] | None = None) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return {int(row[0]) for row in cursor.fetchall() if row[0] is not None}


def _where_in(sql: str, ids: set[int]) -> set[int]:
    """`sql` has one `{ids}` slot; ints only are ever put in it."""
    found: set[int] = set()
    for chunk in _chunks(ids):
        found |= _column(sql.format(ids=chunk))
    return found


def changes_since(parent: dict[str, int], now: dict[str, int]) -> Changes:
    """Households and people whose rows changed between two data marks (snapshot.data_mark)."""
    households: set[int] = set()
    people: set[int] = set()
    memberships: set[int] = set()
    for label in REGISTRY_TARGETS:
        targets = {
            int(value)
            for value in _text_column(
                "SELECT target_id FROM audit_auditevent WHERE target_type = %s AND id > %s",
                [label, parent.get(f"audit:{label}", 0)],
            )
            if value.isdigit()
        }
        {"registry.household": households, "registry.person": people, "registry.membership": memberships}[
            label
        ].update(targets)
    households |= _column(
        "SELECT id FROM registry_household WHERE id > %s", [parent.get("registry_household", 0)]
    )
    households |= _column(
        "SELECT household_id FROM registry_membership WHERE id > %s", [parent.get("registry_membership", 0)]
    )
    households |= _column(
        "SELECT household_id FROM registry_householdyear WHERE id > %s",
        [parent.get("registry_householdyear", 0)],
    )
    people |= _column("SELECT id FROM registry_person WHERE id > %s", [parent.get("registry_person", 0)])
    households |= _where_in("SELECT household_id FROM registry_membership WHERE id IN ({ids})", memberships)
    households |= _where_in("SELECT household_id FROM registry_membership WHERE person_id IN ({ids})", people)
    # a member who moved: the household they left and the one they joined
    sharing = _where_in("SELECT person_id FROM registry_membership WHERE household_id IN ({ids})", households)
    households |= _where_in(
        "SELECT household_id FROM registry_membership WHERE person_id IN ({ids})", sharing
    )
    people |= sharing
    return Changes(
        households=households,
        people=people,
        feeds_after=parent.get("feeds_feedrecord", 0),
        feeds_upto=now.get("feeds_feedrecord", 0),
    )


def _text_column(sql: str, params: list[int | str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [str(row[0]) for row in cursor.fetchall()]


def delta_csv(table: str, select: str, changes: Changes) -> bytes:
    """The changed rows of `table` as CSV (the snapshot's columns, no header)."""
    from zhenxing.screening.chain import KEYS

    keyed = KEYS[table]
    if keyed is None:  # feed records: the new ones only, up to the mark (a later one comes next time)
        return csv_of(f"{select} WHERE id > {int(changes.feeds_after)} AND id <= {int(changes.feeds_upto)}")
    key, kind = keyed
    ids = changes.households if kind == "households" else changes.people
    return b"".join(csv_of(f"{select} WHERE {key} IN ({chunk})") for chunk in _chunks(ids))


def csv_of(query: str) -> bytes:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, NULL '')") as copy:
                for block in copy:
                    buffer.write(block)
            return buffer.getvalue()
        cursor.execute(query)
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        while rows := cursor.fetchmany(50_000):
            writer.writerows(
                ["" if v is None else int(v) if isinstance(v, bool) else v for v in row] for row in rows
            )
        return text.getvalue().encode("utf-8")


def writers_in_flight() -> bool:
    """Another transaction of this database is writing now: what it writes may land below the marks just
    read and so be missed by the next delta — the next snapshot is then taken whole (PostgreSQL; SQLite has
    one writer, whose rows above a mark the next delta reads). pg_stat_activity shows another role's
    transactions only to a superuser or pg_read_all_stats: grant that role to the site's, or an admin's hand
    edits in psql while a snapshot is taken go unseen (they bypass the services and their audit anyway)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )
        return bool(cursor.fetchone()[0])
