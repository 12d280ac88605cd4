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
import datetime
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

from zhenxing.screening.chain import KEYS, MANIFEST, chain_of, counts_over, write_level
from zhenxing.screening.delta import Changes, changes_since, csv_of, delta_csv, writers_in_flight

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
    parents: tuple[str, ...] = ()  # the snapshots this one is a delta on, oldest (the full copy) first
    delta: dict[str, int] | None = (
        None  # a delta's size: households, people and feed records it replaced or added
    )
    in_flight: bool = False  # another transaction was writing when the marks were read: no delta on this one

    def describe(self) -> dict[str, Any]:
        """What a run records about the snapshot it read (P13: traceable years later)."""
        return {
            "folder": self.folder.name,
            "taken_at": self.taken_at.isoformat(),
            "seconds": round(self.seconds, 3),
            "rows": self.rows,
            "versions": self.versions,
            "reused": self.reused,
            "kind": "delta" if self.parents else "full",
            **({"parents": list(self.parents), "delta": self.delta} if self.parents else {}),
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
            # the last range is open-ended: rows added after the mark was read still come (and agree) — but for
            # the append-only feed records, whose next delta starts above the mark, and so must not hold them twice
            bounded = i < parts - 1 or KEYS[table] is None
            where = [f"id > {low}"] if parts > 1 else []
            where += [f"id <= {high}"] if bounded else []
            query = f"{_select(table)} WHERE {' AND '.join(where)}" if where else _select(table)
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


def _csv_through_django(table: str, mark: dict[str, int]) -> bytes:
    """The table as CSV text through Django's own connection: for SQLite, and for PostgreSQL inside a
    transaction, whose uncommitted rows the parallel readers on their own connections could not see."""
    bound = f" WHERE id <= {int(mark.get(table, 0))}" if KEYS[table] is None else ""
    return csv_of(_select(table) + bound)


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
    a rename within a directory is atomic), and prune the oldest beyond KEEP — but never a snapshot a kept
    delta reads."""
    columns = _columns(list(snapshot.rows))
    (written / MANIFEST).write_text(
        json.dumps(
            {
                **snapshot.describe(), "data_mark": snapshot.data_mark, "columns": columns, "layout": LAYOUT,
                "chain": [*snapshot.parents, snapshot.folder.name], "in_flight": snapshot.in_flight,
            },
            ensure_ascii=False,
            indent=1,
        )
    )  # fmt: skip
    written.rename(snapshot.folder)
    finished = _complete_snapshots()
    kept = {path.name for path in finished[-KEEP:]}
    for path in finished[-KEEP:]:
        kept.update(level.name for level in chain_of(path))
    # beyond those, remove only what no run can still be reading (a round takes minutes, not hours)
    cutoff = time.time() - 3600
    for old in finished[:-KEEP]:
        with contextlib.suppress(FileNotFoundError):  # another writer pruned it first
            if old.name not in kept and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)


LAYOUT = 2  # partitioned by county, with deltas (screening/chain.py); 1: a file per table
MAX_CHAIN = 6  # deltas on one full copy (half a year of monthly rounds) before the next full copy
MAX_DELTA_SHARE = 0.2  # a delta replacing more than this share of the households is taken whole instead


def snapshot_take(*, tables: tuple[str, ...] | None = None, incremental: bool = True) -> Snapshot:
    """A new snapshot in its own folder under var/snapshots, with its manifest; the oldest beyond KEEP go.
    With `incremental`, a delta on the newest snapshot when one can be (see `_delta_parent`)."""
    final, written = _new_folder()
    try:
        snapshot = replace(
            snapshot_create(folder=written, tables=tables, incremental=incremental), folder=final
        )
        _finish(snapshot, written)
    except BaseException:
        shutil.rmtree(written, ignore_errors=True)
        raise
    return snapshot


@contextmanager
def snapshot_open(
    *, max_age: datetime.timedelta | None, tables: tuple[str, ...] | None = None, wait: bool = False
) -> Iterator[tuple[Snapshot, Any]]:
    """A DuckDB connection over a snapshot of `tables`: a fresh-enough one reused; else a delta on the newest
    snapshot (small: written, then read); else a new full one whose tables are queried straight from memory
    while its Parquet files are written alongside (the what-if waits for the data, not for the files). The
    new snapshot becomes reusable when its files are complete."""
    import threading

    import duckdb

    from zhenxing.screening.engines import duckdb_over_snapshot

    reusable = snapshot_latest(max_age=max_age, tables=tables) if max_age is not None else None
    if reusable is None:
        wanted, taken_at, mark, versions, in_flight = _begin(tables)
        if _delta_parent(wanted, mark) is not None:
            reusable = snapshot_take(tables=tables)
    if reusable is not None:
        con = duckdb_over_snapshot(reusable.folder)
        try:
            yield reusable, con
        finally:
            con.close()
        return
    started = time.perf_counter()
    folder, written = _new_folder()
    try:
        arrows = _extract(wanted, mark, written)
    except BaseException:
        shutil.rmtree(written, ignore_errors=True)
        raise
    snapshot = Snapshot(
        folder=folder, seconds=time.perf_counter() - started, rows={t: a.num_rows for t, a in arrows.items()},
        taken_at=taken_at, versions=versions, data_mark=mark, in_flight=in_flight,
    )  # fmt: skip

    def persist() -> None:
        try:
            write_level(written, arrows)
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


def _manifest(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / MANIFEST).read_text()))


def snapshot_latest(*, max_age: datetime.timedelta, tables: tuple[str, ...] | None = None) -> Snapshot | None:
    """The newest snapshot holding `tables` if it is younger than `max_age` and the data has not moved since
    (a what-if's three-table snapshot does not hide a full one taken a minute earlier)."""
    wanted = set(tables or SNAPSHOT_COLUMNS)
    for folder in reversed(_complete_snapshots()):
        manifest = _manifest(folder)
        if not wanted <= set(manifest["rows"]) or manifest.get("columns") != _columns(list(manifest["rows"])):
            continue
        taken_at = datetime.datetime.fromisoformat(manifest["taken_at"])
        if timezone.now() - taken_at > max_age or data_mark(list(manifest["rows"])) != manifest["data_mark"]:
            return None
        return Snapshot(
            folder=folder, seconds=manifest["seconds"], rows=manifest["rows"], taken_at=taken_at,
            versions=manifest["versions"], data_mark=manifest["data_mark"], reused=True,
            parents=tuple(manifest.get("parents", ())), delta=manifest.get("delta"),
        )  # fmt: skip
    return None


def _delta_parent(wanted: list[str], mark: dict[str, int]) -> Path | None:
    """The snapshot a delta of `wanted` can be taken on: the newest complete one of this layout holding those
    tables with today's columns, whose marks were exact (no writer in flight), whose chain is not too long,
    and whose marks lie below today's (the database was not replaced by an older one underneath)."""
    for folder in reversed(_complete_snapshots()):
        manifest = _manifest(folder)
        if not set(wanted) <= set(manifest["rows"]):
            continue
        columns = _columns(list(manifest["rows"]))
        parent_mark = manifest.get("data_mark", {})
        if (
            manifest.get("layout") != LAYOUT
            or manifest.get("columns") != columns
            or manifest.get("in_flight", True)
            or len(manifest.get("chain", ())) > MAX_CHAIN
            or any(parent_mark.get(key, 0) > value for key, value in mark.items())
            or not all(level.exists() for level in chain_of(folder))
        ):
            return None
        return folder
    return None


def snapshot_for_round(
    *, max_age: datetime.timedelta | None, tables: tuple[str, ...] | None = None
) -> Snapshot:
    """Reuse a fresh snapshot when allowed (`max_age` given), else take one (a delta when it can be)."""
    if max_age is not None and (reusable := snapshot_latest(max_age=max_age, tables=tables)) is not None:
        return reusable
    return snapshot_take(tables=tables)


def _begin(
    tables: tuple[str, ...] | None,
) -> tuple[list[str], datetime.datetime, dict[str, int], dict[str, Any], bool]:
    wanted = [table for table in SNAPSHOT_COLUMNS if tables is None or table in tables]
    # the mark is read before the copy: a write during the copy makes the snapshot stale, never falsely fresh;
    # a writer still in flight after it may commit rows below it, which no delta would see
    mark = data_mark(wanted)
    # inside a transaction the snapshot reads its uncommitted rows, which a rollback may take back (a test's
    # example, a failed job): such a snapshot is read, never a delta's base
    unsure = connection.in_atomic_block or writers_in_flight()
    return wanted, timezone.now(), mark, current_versions(), unsure


def _typed(table: str, source: str) -> str:
    """A SELECT giving `source` the declared column types of `table` (a view: no copy is made)."""
    return f"SELECT {', '.join(f'CAST({n} AS {k}) AS {n}' for n, k in SNAPSHOT_COLUMNS[table])} FROM {source}"


def _typed_arrow(con: Any, table: str, data: bytes, folder: Path) -> Any:
    """CSV rows of `table` as an Arrow table of its declared types."""
    columns = SNAPSHOT_COLUMNS[table]
    if not data:  # an empty table: nothing to sniff, so say its columns
        typed = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in columns)
        nulls = ", ".join(f"NULL AS {name}" for name, _ in columns)
        return con.execute(f"SELECT {typed} FROM (SELECT {nulls}) WHERE false").to_arrow_table()
    source = folder / f"{table}.csv"
    source.write_bytes(data)
    types = json.dumps(dict(columns)).replace('"', "'")
    try:
        return con.execute(
            f"SELECT * FROM read_csv('{source}', header=false, columns={types}, nullstr='', quote='\"')"
        ).to_arrow_table()
    finally:
        source.unlink(missing_ok=True)


def _extract(wanted: list[str], mark: dict[str, int], folder: Path) -> dict[str, Any]:
    """Each table as an Arrow table: PostgreSQL's as read (typed later by `_typed`), SQLite's already typed."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    raw = _arrow_from_postgresql(wanted, mark) if parallel else {}
    con = duckdb.connect()
    try:
        return {
            table: raw.pop(table)
            if table in raw
            else _typed_arrow(con, table, _csv_through_django(table, mark), folder)
            for table in wanted
        }
    finally:
        con.close()


def _extract_delta(wanted: list[str], changes: Changes, folder: Path) -> dict[str, Any]:
    """The changed rows of each table, typed (few: through Django's connection, as CSV)."""
    import duckdb

    con = duckdb.connect()
    try:
        return {
            table: _typed_arrow(con, table, delta_csv(table, _select(table), changes), folder)
            for table in wanted
        }
    finally:
        con.close()


def snapshot_create(
    *, folder: Path, tables: tuple[str, ...] | None = None, incremental: bool = False
) -> Snapshot:
    """Write the snapshot of `tables` (default: every table the rules may read) into `folder`: with
    `incremental`, a delta on the newest snapshot when one can be taken, else the whole tables."""
    wanted, taken_at, mark, versions, in_flight = _begin(tables)
    started = time.perf_counter()
    parent = _delta_parent(wanted, mark) if incremental else None
    if parent is not None:
        manifest = _manifest(parent)
        changes = changes_since(manifest["data_mark"], mark)
        if len(changes.households) <= MAX_DELTA_SHARE * max(1, manifest["rows"].get("registry_household", 0)):
            arrows = _extract_delta(wanted, changes, folder)
            write_level(folder, arrows, {"households": changes.households, "people": changes.people})
            levels = chain_of(parent)
            return Snapshot(
                folder=folder, seconds=time.perf_counter() - started,
                rows=counts_over([*levels, folder], wanted, SNAPSHOT_COLUMNS), taken_at=taken_at,
                versions=versions, data_mark=mark, in_flight=in_flight,
                parents=tuple(level.name for level in levels),
                delta={"households": len(changes.households), "people": len(changes.people),
                       "feed_records": arrows["feeds_feedrecord"].num_rows if "feeds_feedrecord" in arrows else 0},
            )  # fmt: skip
    arrows = _extract(wanted, mark, folder)
    write_level(folder, arrows)
    return Snapshot(
        folder=folder, seconds=time.perf_counter() - started, rows={t: a.num_rows for t, a in arrows.items()},
        taken_at=taken_at, versions=versions, data_mark=mark, in_flight=in_flight,
    )  # fmt: skip
