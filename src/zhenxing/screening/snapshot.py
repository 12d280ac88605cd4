"""A columnar snapshot of what the rules read, for the fast engines (issue 6).

From PostgreSQL each table leaves through binary `COPY` straight into Arrow (the ADBC driver), one worker per
table, all reading one exported transaction snapshot (`pg_export_snapshot`, as `pg_dump -j` does), so that the
tables agree with each other; from SQLite (or from inside a transaction) through Django's connection as CSV. DuckDB casts the columns to their
declared types and writes Parquet with its own writer — no extension, nothing fetched at run time. Only the
columns the rules need leave the database: no ciphertext, no names, no ID numbers.

Every snapshot folder holds a `manifest.json`: when it was taken, how long it took, its row counts, the rule
set and parameter versions current at the time, and a data mark (the highest id of each table it copied and
of the audit events on registry, import and feed objects). A round may reuse the newest snapshot when it is young enough and the data mark has not
moved — nothing was added or changed through a service since — so that monthly rounds and what-ifs of one
afternoon read one snapshot.

A snapshot is written in a temporary folder beside the others (`.partial-<name>.<host>.<pid>`) and renamed to
its name once its files and manifest are complete, so that no reader ever sees a partial snapshot; the
temporary folder a killed process left behind is removed by the next snapshot taken.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import itertools
import json
import os
import secrets
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

# table → (column, DuckDB type); the rules may use nothing else
SNAPSHOT_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "registry_household": [("id", "BIGINT"), ("village_code", "VARCHAR"), ("kind", "VARCHAR")],
    "registry_membership": [("household_id", "BIGINT"), ("person_id", "BIGINT"), ("joined_on", "DATE"), ("left_on", "DATE")],
    "registry_person": [("id", "BIGINT"), ("birth_date", "DATE"), ("labour", "VARCHAR"), ("education_exempt", "BOOLEAN")],
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
WORKERS = 3  # parallel readers of PostgreSQL; more buys nothing on two cores
CHUNK_ROWS = 1_000_000  # a table with more rows than this is read in id ranges by several readers
KEEP = 3  # snapshots kept on disk; older ones are removed when a new one is taken
PARTIAL = ".partial-"  # a snapshot being written: never read, removed once its writer is gone
PARTIAL_MAX_AGE = 24 * 3600  # a partial folder of another machine (shared storage) is stale after this


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


def _select(table: str) -> str:
    return f"SELECT {', '.join(name for name, _ in SNAPSHOT_COLUMNS[table])} FROM {table}"


def _libpq_conninfo() -> str:
    """The Django connection's parameters as a libpq conninfo string (the test database under pytest)."""
    from psycopg.conninfo import make_conninfo

    libpq = (
        "dbname",
        "user",
        "password",
        "host",
        "port",
        "sslmode",
        "options",
        "sslrootcert",
        "sslcert",
        "sslkey",
    )
    params = connection.get_connection_params()
    return make_conninfo(**{key: str(value) for key, value in params.items() if key in libpq and value})


def _arrow_from_postgresql(tables: list[str], marks: dict[str, int]) -> dict[str, Any]:
    """Every table as an Arrow table, read in parallel under one exported snapshot (consistent across
    tables). A large table is read in id ranges by several readers, so that no one table is the long pole."""
    from concurrent.futures import ThreadPoolExecutor

    import adbc_driver_postgresql.dbapi as adbc
    import pyarrow

    conninfo = _libpq_conninfo()
    jobs: list[tuple[str, str, int]] = []  # table, query, rows to expect
    for table in tables:
        highest = marks.get(table, 0)
        parts = max(1, min(WORKERS, highest // CHUNK_ROWS))
        bounds = [highest * i // parts for i in range(parts)] + [highest]
        for i, (low, high) in enumerate(itertools.pairwise(bounds)):
            # the last range is open-ended: rows added after the mark was read still come (and agree)
            upper = f" AND id <= {high}" if i < parts - 1 else ""
            query = _select(table) if parts == 1 else f"{_select(table)} WHERE id > {low}{upper}"
            jobs.append((table, query, high - low))
    with adbc.connect(conninfo, autocommit=True) as exporter, exporter.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        [snapshot_id] = cursor.fetchone()

        def read(job: tuple[str, str, int]) -> Any:
            with adbc.connect(conninfo, autocommit=True) as worker, worker.cursor() as reader:
                reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                reader.execute(f"SET TRANSACTION SNAPSHOT '{snapshot_id}'")
                reader.execute(job[1])
                arrow = reader.fetch_arrow_table()
                reader.execute("COMMIT")
                return arrow

        order = sorted(range(len(jobs)), key=lambda i: -jobs[i][2])  # longest first: the pool ends together
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = dict(zip(order, pool.map(read, [jobs[i] for i in order]), strict=True))
        cursor.execute("COMMIT")
    arrows: dict[str, Any] = {}
    for table in tables:
        pieces = [results[i] for i, (name, _, _) in enumerate(jobs) if name == table]
        arrows[table] = pieces[0] if len(pieces) == 1 else pyarrow.concat_tables(pieces)
    return arrows


def _csv_through_django(table: str) -> bytes:
    """The table as CSV text through Django's own connection: for SQLite, and for PostgreSQL inside a
    transaction, whose uncommitted rows the parallel readers on their own connections could not see."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({_select(table)}) TO STDOUT WITH (FORMAT csv, NULL '')") as copy:
                for block in copy:
                    buffer.write(block)
            return buffer.getvalue()
        cursor.execute(_select(table))
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        while rows := cursor.fetchmany(50_000):
            writer.writerows(
                ["" if v is None else int(v) if isinstance(v, bool) else v for v in row] for row in rows
            )
        return text.getvalue().encode("utf-8")


# changes to what a snapshot holds are audited under these apps' models (edits, imports, feed batches);
# screening's own events (rounds, leads) and logins do not make a snapshot stale
DATA_APPS = ("registry", "transfer", "feeds")


def data_mark(tables: list[str]) -> dict[str, int]:
    """The highest id of each copied table (an insert moves it) and of the audit events on registry, import
    and feed objects (every change made through a service writes one): equal marks, same data."""
    from django.apps import apps

    marks: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            marks[table] = int(cursor.fetchone()[0])
        for app in DATA_APPS:
            for model in apps.get_app_config(app).get_models():
                label = f"{model._meta.app_label}.{model._meta.model_name}"
                cursor.execute(
                    "SELECT COALESCE(MAX(id), 0) FROM audit_auditevent WHERE target_type = %s", [label]
                )
                highest = int(cursor.fetchone()[0])
                if highest:
                    marks[f"audit:{label}"] = highest
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


def _is_stale_partial(path: Path) -> bool:
    """A partial folder whose writer is gone (on this machine: its process no longer runs), or an old one."""
    from zhenxing.common.jobs import process_alive

    _, _, owner = path.name[len(PARTIAL) :].partition(".")
    host, _, pid = owner.rpartition(".")
    if host == socket.gethostname() and pid.isdigit() and not process_alive(int(pid)):
        return True
    try:
        return time.time() - path.stat().st_mtime > PARTIAL_MAX_AGE
    except FileNotFoundError:
        return False  # renamed or removed meanwhile


def _new_folder() -> tuple[Path, Path]:
    """The new snapshot's folder (not created yet) and the temporary folder beside it that it is written in.
    Partial folders that killed writers left behind are removed first."""
    root = snapshot_root()
    for path in root.iterdir():
        if path.name.startswith(PARTIAL) and _is_stale_partial(path):
            shutil.rmtree(path, ignore_errors=True)
    final = root / f"{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
    written = root / f"{PARTIAL}{final.name}.{socket.gethostname()}.{os.getpid()}"
    written.mkdir()
    return final, written


def _complete_snapshots() -> list[Path]:
    """Folders of complete snapshots, oldest first (a partial one is hidden and has no manifest yet)."""
    stamped = []
    for path in snapshot_root().iterdir():
        try:
            if not path.name.startswith("."):
                stamped.append(((path / MANIFEST).stat().st_mtime, path))
        except FileNotFoundError:
            continue  # no manifest, or pruned meanwhile
    return [path for _, path in sorted(stamped)]


def _columns(tables: list[str]) -> dict[str, list[str]]:
    """What a snapshot of `tables` holds: a snapshot with other columns (taken before the rules needed a new
    one, such as joined_on for the year's members) is never reused."""
    return {table: [name for name, _ in SNAPSHOT_COLUMNS.get(table, [])] for table in tables}


def _finish(snapshot: Snapshot, written: Path) -> None:
    """Write the manifest into the folder written, rename it to the snapshot's name (which makes it visible:
    a rename within a directory is atomic), and prune the oldest beyond KEEP."""
    columns = _columns(list(snapshot.rows))
    (written / MANIFEST).write_text(
        json.dumps(
            {**snapshot.describe(), "data_mark": snapshot.data_mark, "columns": columns},
            ensure_ascii=False,
            indent=1,
        )
    )
    written.rename(snapshot.folder)
    finished = _complete_snapshots()
    # beyond the newest KEEP, remove only what no run can still be reading (a round takes minutes, not hours)
    cutoff = time.time() - 3600
    for old in finished[:-KEEP]:
        with contextlib.suppress(FileNotFoundError):  # another writer pruned it first
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)


def snapshot_take(*, tables: tuple[str, ...] | None = None) -> Snapshot:
    """A new snapshot in its own folder under var/snapshots, with its manifest; the oldest beyond KEEP go."""
    final, written = _new_folder()
    try:
        snapshot = replace(snapshot_create(folder=written, tables=tables), folder=final)
        _finish(snapshot, written)
    except BaseException:
        shutil.rmtree(written, ignore_errors=True)
        raise
    return snapshot


@contextmanager
def snapshot_open(
    *, max_age: datetime.timedelta | None, tables: tuple[str, ...] | None = None, wait: bool = False
) -> Iterator[tuple[Snapshot, Any]]:
    """A DuckDB connection over a snapshot of `tables`: a fresh-enough one reused, or a new one whose tables
    are queried straight from memory while its Parquet files are written alongside (the what-if waits for the
    data, not for the files). The new snapshot becomes reusable when its files are complete."""
    import threading

    import duckdb

    from zhenxing.screening.engines import duckdb_over_snapshot

    if max_age is not None and (reusable := snapshot_latest(max_age=max_age, tables=tables)) is not None:
        con = duckdb_over_snapshot(reusable.folder)
        try:
            yield reusable, con
        finally:
            con.close()
        return
    wanted, taken_at, mark, versions = _begin(tables)
    started = time.perf_counter()
    folder, written = _new_folder()
    try:
        arrows = _extract(wanted, mark, written)
    except BaseException:
        shutil.rmtree(written, ignore_errors=True)
        raise
    snapshot = Snapshot(
        folder=folder, seconds=time.perf_counter() - started, rows={t: a.num_rows for t, a in arrows.items()},
        taken_at=taken_at, versions=versions, data_mark=mark,
    )  # fmt: skip

    def persist() -> None:
        try:
            _write_parquet(written, arrows)
            _finish(snapshot, written)
        except BaseException:
            shutil.rmtree(written, ignore_errors=True)
            raise

    con = duckdb.connect()
    try:
        for table, arrow in arrows.items():
            con.register(f"arrow_{table}", arrow)
            con.execute(f"CREATE VIEW {table} AS {_typed(table, f'arrow_{table}')}")
        yield snapshot, con
    finally:
        con.close()
        # the files are written once the caller has its answer (the queries get every core first); the
        # snapshot becomes reusable a moment later, when its manifest is written
        writer = threading.Thread(target=persist, name=f"snapshot-{folder.name}")
        writer.start()
        _PENDING.append(writer)
        if wait:
            writer.join()


_PENDING: list[Any] = []


def snapshot_wait() -> None:
    """Wait until every snapshot being written in the background is complete (tests, commands that exit)."""
    while _PENDING:
        _PENDING.pop().join()


def snapshot_latest(*, max_age: datetime.timedelta, tables: tuple[str, ...] | None = None) -> Snapshot | None:
    """The newest snapshot holding `tables` if it is younger than `max_age` and the data has not moved since
    (a what-if's three-table snapshot does not hide a full one taken a minute earlier)."""
    wanted = set(tables or SNAPSHOT_COLUMNS)
    for folder in reversed(_complete_snapshots()):
        path = folder / MANIFEST
        manifest = json.loads(path.read_text())
        if not wanted <= set(manifest["rows"]) or manifest.get("columns") != _columns(list(manifest["rows"])):
            continue
        taken_at = datetime.datetime.fromisoformat(manifest["taken_at"])
        if timezone.now() - taken_at > max_age or data_mark(list(manifest["rows"])) != manifest["data_mark"]:
            return None
        return Snapshot(
            folder=path.parent, seconds=manifest["seconds"], rows=manifest["rows"], taken_at=taken_at,
            versions=manifest["versions"], data_mark=manifest["data_mark"], reused=True,
        )  # fmt: skip
    return None


def snapshot_for_round(
    *, max_age: datetime.timedelta | None, tables: tuple[str, ...] | None = None
) -> Snapshot:
    """Reuse a fresh snapshot when allowed (`max_age` given), else take one."""
    if max_age is not None and (reusable := snapshot_latest(max_age=max_age, tables=tables)) is not None:
        return reusable
    return snapshot_take(tables=tables)


def _begin(
    tables: tuple[str, ...] | None,
) -> tuple[list[str], datetime.datetime, dict[str, int], dict[str, Any]]:
    wanted = [table for table in SNAPSHOT_COLUMNS if tables is None or table in tables]
    # the mark is read before the copy: a write during the copy makes the snapshot stale, never falsely fresh
    return wanted, timezone.now(), data_mark(wanted), current_versions()


def _typed(table: str, source: str) -> str:
    """A SELECT giving `source` the declared column types of `table` (a view: no copy is made)."""
    return f"SELECT {', '.join(f'CAST({n} AS {k}) AS {n}' for n, k in SNAPSHOT_COLUMNS[table])} FROM {source}"


def _extract(wanted: list[str], mark: dict[str, int], folder: Path) -> dict[str, Any]:
    """Each table as an Arrow table: PostgreSQL's as read (typed later by `_typed`), SQLite's already typed."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    raw = _arrow_from_postgresql(wanted, mark) if parallel else {}
    con = duckdb.connect()
    typed_tables: dict[str, Any] = {}
    for table in wanted:
        columns = SNAPSHOT_COLUMNS[table]
        typed = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in columns)
        source = folder / f"{table}.csv"
        if table in raw:
            typed_tables[table] = raw.pop(table)
            continue
        if data := _csv_through_django(table):
            source.write_bytes(data)
            types = json.dumps(dict(columns)).replace('"', "'")
            query = (
                f"SELECT * FROM read_csv('{source}', header=false, columns={types}, nullstr='', quote='\"')"
            )
        else:  # an empty table: nothing to sniff, so say its columns
            query = f"SELECT {typed} FROM (SELECT {', '.join(f'NULL AS {name}' for name, _ in columns)}) WHERE false"
        typed_tables[table] = con.execute(query).to_arrow_table()
        source.unlink(missing_ok=True)
    con.close()
    return typed_tables


def _write_parquet(folder: Path, arrows: dict[str, Any]) -> None:
    import duckdb

    con = duckdb.connect()
    for table, arrow in arrows.items():
        con.register("arrow_source", arrow)
        con.execute(
            f"COPY (SELECT * FROM arrow_source) TO '{folder / (table + '.parquet')}' (FORMAT parquet)"
        )
        con.unregister("arrow_source")
    con.close()


def snapshot_create(*, folder: Path, tables: tuple[str, ...] | None = None) -> Snapshot:
    """Write the snapshot of `tables` (default: every table the rules may read) into `folder`."""
    wanted, taken_at, mark, versions = _begin(tables)
    started = time.perf_counter()
    arrows = _extract(wanted, mark, folder)
    _write_parquet(folder, arrows)
    return Snapshot(
        folder=folder, seconds=time.perf_counter() - started, rows={t: a.num_rows for t, a in arrows.items()},
        taken_at=taken_at, versions=versions, data_mark=mark,
    )  # fmt: skip
