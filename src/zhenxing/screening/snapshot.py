"""A columnar snapshot of what the rules read, for the fast engines (issue 6).

Each table goes out of the database as CSV text (PostgreSQL `COPY … TO STDOUT`, streamed; SQLite through a
cursor) into DuckDB with explicit column types, and is written as Parquet — DuckDB's own writer, no
extension, nothing fetched at run time. Only the columns the rules need leave the database: no ciphertext,
no names, no ID numbers.

Every snapshot folder holds a `manifest.json`: when it was taken, how long it took, its row counts, the rule
set and parameter versions current at the time, and a data mark (the highest id of each table it copied and
of the audit log). A round may reuse the newest snapshot when it is young enough and the data mark has not
moved — nothing was added or changed through a service since — so that monthly rounds and what-ifs of one
afternoon read one snapshot.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

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


MANIFEST = "manifest.json"
KEEP = 3  # snapshots kept on disk; older ones are removed when a new one is taken


@dataclass(frozen=True)
class Snapshot:
    folder: Path
    seconds: float
    rows: dict[str, int]
    taken_at: datetime.datetime = field(default_factory=timezone.now)
    versions: dict[str, Any] = field(default_factory=dict)
    data_mark: dict[str, int] = field(default_factory=dict)
    reused: bool = False

    def describe(self) -> dict[str, Any]:
        """What a run records about the snapshot it read (P13: traceable years later)."""
        return {
            "folder": self.folder.name,
            "taken_at": self.taken_at.isoformat(),
            "seconds": round(self.seconds, 3),
            "rows": self.rows,
            "versions": self.versions,
            "reused": self.reused,
        }


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


def data_mark(tables: list[str]) -> dict[str, int]:
    """The highest id of each copied table and of the audit log: an insert moves the first, and every change
    made through a service (an income edit, an import, a membership end) writes an audit event."""
    marks: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in [*tables, "audit_auditevent"]:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            marks[table] = int(cursor.fetchone()[0])
    return marks


def current_versions() -> dict[str, Any]:
    from zhenxing.policy.models import Parameter
    from zhenxing.screening.models import RuleSet

    rule_set = RuleSet.objects.filter(is_current=True).values_list("version", flat=True).first()
    parameters = {
        f"{kind}:{year or '-'}": version
        for kind, year, version in Parameter.objects.filter(is_current=True).values_list(
            "kind", "year", "version"
        )
    }
    return {"rule_set": rule_set, "parameters": parameters}


def snapshot_root() -> Path:
    root = Path(settings.ZHENXING_VAR_DIR) / "snapshots"
    root.mkdir(parents=True, exist_ok=True)
    return root


def snapshot_take(*, tables: tuple[str, ...] | None = None) -> Snapshot:
    """A new snapshot in its own folder under var/snapshots, with its manifest; the oldest beyond KEEP go."""
    folder = Path(tempfile.mkdtemp(dir=snapshot_root(), prefix=f"{timezone.now():%Y%m%d-%H%M%S}-"))
    snapshot = snapshot_create(folder=folder, tables=tables)
    (folder / MANIFEST).write_text(
        json.dumps({**snapshot.describe(), "data_mark": snapshot.data_mark}, ensure_ascii=False, indent=1)
    )
    finished = sorted(
        (path for path in snapshot_root().iterdir() if (path / MANIFEST).exists()),
        key=lambda path: path.stat().st_mtime,
    )
    for old in finished[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
    return snapshot


def snapshot_latest(*, max_age: datetime.timedelta, tables: tuple[str, ...] | None = None) -> Snapshot | None:
    """The newest snapshot if it holds `tables`, is younger than `max_age` and the data has not moved since."""
    wanted = list(tables or SNAPSHOT_COLUMNS)
    manifests = sorted(snapshot_root().glob(f"*/{MANIFEST}"), key=lambda path: path.stat().st_mtime)
    if not manifests:
        return None
    path = manifests[-1]
    manifest = json.loads(path.read_text())
    taken_at = datetime.datetime.fromisoformat(manifest["taken_at"])
    if timezone.now() - taken_at > max_age or not set(wanted) <= set(manifest["rows"]):
        return None
    if data_mark(list(manifest["rows"])) != manifest["data_mark"]:
        return None
    return Snapshot(
        folder=path.parent, seconds=manifest["seconds"], rows=manifest["rows"], taken_at=taken_at,
        versions=manifest["versions"], data_mark=manifest["data_mark"], reused=True,
    )  # fmt: skip


def snapshot_for_round(
    *, max_age: datetime.timedelta | None, tables: tuple[str, ...] | None = None
) -> Snapshot:
    """Reuse a fresh snapshot when allowed (`max_age` given), else take one."""
    if max_age is not None and (reusable := snapshot_latest(max_age=max_age, tables=tables)) is not None:
        return reusable
    return snapshot_take(tables=tables)


def snapshot_create(*, folder: Path, tables: tuple[str, ...] | None = None) -> Snapshot:
    """Write the snapshot of `tables` (default: every table the rules may read) into `folder`."""
    import duckdb

    taken_at = timezone.now()
    # the mark is read before the copy: a write during the copy makes the snapshot stale, never falsely fresh
    mark = data_mark([table for table in SNAPSHOT_COLUMNS if tables is None or table in tables])
    versions = current_versions()
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
    return Snapshot(
        folder=folder, seconds=time.perf_counter() - started, rows=counts, taken_at=taken_at, versions=versions,
        data_mark=mark,
    )  # fmt: skip
