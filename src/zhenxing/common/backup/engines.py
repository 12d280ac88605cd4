"""The database part of a backup: pg_dump / pg_restore on PostgreSQL, the online backup API on SQLite.

PostgreSQL is dumped in the custom format (-Fc): one compressed file, so one checksum in the manifest, and
pg_restore can still restore it with several jobs (-j needs the directory format only for pg_dump itself; on
the 2-core machines this runs on a parallel dump gains little, and one file is simpler to copy and verify).
The dump reads a snapshot exported from our own REPEATABLE READ transaction (--snapshot), and the table
checksums are computed in that same transaction while pg_dump runs: manifest and dump describe the same
instant even while the site keeps writing.
"""

from __future__ import annotations

import copy
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db.utils import load_backend

from zhenxing.common.backup.tables import Progress, latest_migrations, pg_checksums, sqlite_checksums
from zhenxing.common.errors import DomainError


class BackupError(DomainError):
    """A backup that cannot be made, or one that must not be restored: the message says why, in Chinese."""

    code = "backup_error"


@contextmanager
def _wrapper(settings_dict: dict[str, Any], alias: str) -> Iterator[Any]:
    """A connection of its own (not Django's shared one): its transaction and snapshot are ours alone."""
    backend = load_backend(settings_dict["ENGINE"])
    wrapper = backend.DatabaseWrapper(copy.deepcopy(settings_dict), alias)
    try:
        wrapper.ensure_connection()
        yield wrapper
    finally:
        wrapper.close()


def vendor_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"不支持的数据库引擎 {engine}：备份只支持 PostgreSQL 和 SQLite")


# --- PostgreSQL ------------------------------------------------------------------------------------------
def _pg_command(program: str, settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"找不到 {program}：请安装与服务器同版本的 PostgreSQL 客户端（Debian：postgresql-client）"
        )
    arguments = [path]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments += [flag, str(settings_dict[key])]
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return arguments, environment


def _run_verbose(arguments: list[str], environment: dict[str, str], marker: str, progress: Progress) -> Any:
    """Start a pg_dump / pg_restore -v, relaying each table it reaches as a progress line; errors are kept."""
    process = subprocess.Popen(arguments, env=environment, stderr=subprocess.PIPE, text=True)  # noqa: S603 - our argv, no shell
    errors: list[str] = []

    def relay() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            if marker in line:
                progress("  " + line.strip().split(": ", 1)[-1])
            elif "error" in line.lower() or "错误" in line or "fatal" in line.lower():
                errors.append(line.strip())

    thread = threading.Thread(target=relay, daemon=True)
    thread.start()
    return process, thread, errors


def pg_backup(settings_dict: dict[str, Any], target: Path, progress: Progress) -> dict[str, Any]:
    """Dump into `target` (custom format) and describe the same snapshot: tables, schema, server."""
    arguments, environment = _pg_command("pg_dump", settings_dict)
    with _wrapper(settings_dict, "zhenxing_backup") as wrapper:
        raw = wrapper.connection
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            schema = latest_migrations(cursor)
        started = time.monotonic()
        process, thread, errors = _run_verbose(
            [*arguments, "--format=custom", "--verbose", f"--snapshot={snapshot}", f"--file={target}",
             str(settings_dict["NAME"])],
            environment, "dumping contents of table", progress,
        )  # fmt: skip
        try:
            tables = pg_checksums(raw, progress, stop=lambda: process.poll() not in (None, 0))
            checksum_seconds = time.monotonic() - started
        finally:
            returncode = process.wait()
            thread.join()
            raw.rollback()
        dump_seconds = time.monotonic() - started
    if returncode != 0:
        raise BackupError(f"pg_dump 失败（退出码 {returncode}）：{'；'.join(errors[-5:]) or '见上方输出'}")
    return {
        "vendor": "postgresql",
        "server_version": server_version,
        "format": "pg_dump custom (-Fc)",
        "schema": schema,
        "tables": tables,
        "seconds": {"dump": round(dump_seconds, 1), "checksums": round(checksum_seconds, 1)},
    }


def pg_is_empty(settings_dict: dict[str, Any]) -> tuple[bool, str]:
    with _wrapper(settings_dict, "zhenxing_restore_check") as wrapper, wrapper.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        )
        (relations,) = cursor.fetchone()
    return relations == 0, f"数据库 {settings_dict['NAME']} 已有 {relations} 个表、视图或序列"


def pg_clean(settings_dict: dict[str, Any]) -> None:
    """--force-clean: the schema dropped with everything in it and created again, empty."""
    with _wrapper(settings_dict, "zhenxing_restore_clean") as wrapper, wrapper.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        quoted = '"' + schema.replace('"', '""') + '"'
        cursor.execute(f"DROP SCHEMA {quoted} CASCADE")
        cursor.execute(f"CREATE SCHEMA {quoted}")


def pg_restore(settings_dict: dict[str, Any], source: Path, jobs: int, progress: Progress) -> float:
    arguments, environment = _pg_command("pg_restore", settings_dict)
    started = time.monotonic()
    # --no-owner: the objects belong to the role that restores (the one DATABASE_URL names), whoever owned
    # them where the dump was made; grants are restored as dumped.
    process, thread, errors = _run_verbose(
        [*arguments, "--verbose", "--exit-on-error", "--no-owner", f"--jobs={max(1, jobs)}",
         f"--dbname={settings_dict['NAME']}", str(source)],
        environment, "processing data for table", progress,
    )  # fmt: skip
    returncode = process.wait()
    thread.join()
    if returncode != 0:
        raise BackupError(f"pg_restore 失败（退出码 {returncode}）：{'；'.join(errors[-5:]) or '见上方输出'}")
    return time.monotonic() - started


def pg_describe(settings_dict: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Tables and schema of a database, as the backup described its source (after a restore)."""
    with _wrapper(settings_dict, "zhenxing_restore_verify") as wrapper:
        raw = wrapper.connection
        raw.autocommit = False
        try:
            with raw.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                schema = latest_migrations(cursor)
            return {"schema": schema, "tables": pg_checksums(raw, progress)}
        finally:
            raw.rollback()


# --- SQLite ----------------------------------------------------------------------------------------------
def _pages_reporter(what: str, progress: Progress) -> Any:
    last = [0.0]

    def report(status: int, remaining: int, total: int) -> None:
        if time.monotonic() - last[0] >= 2 or remaining == 0:
            last[0] = time.monotonic()
            progress(f"  {what}：{total - remaining:,}/{total:,} 页")

    return report


def sqlite_backup(settings_dict: dict[str, Any], target: Path, progress: Progress) -> dict[str, Any]:
    """Copy through the online backup API (a consistent copy while the site writes), then describe the copy
    itself: what the manifest says is what the file holds."""
    started = time.monotonic()
    with _wrapper(settings_dict, "zhenxing_backup") as wrapper:
        destination = sqlite3.connect(target)
        try:
            wrapper.connection.backup(
                destination, pages=4096, progress=_pages_reporter("复制数据库", progress)
            )
        except BaseException:
            destination.close()
            raise
    dump_seconds = time.monotonic() - started
    try:
        # one self-contained file: no -wal or -shm beside it, and reading it changes nothing
        destination.execute("PRAGMA journal_mode=DELETE")
        schema = latest_migrations(destination.cursor())
        started = time.monotonic()
        tables = sqlite_checksums(destination, progress)
        server_version = sqlite3.sqlite_version
    finally:
        destination.close()
    return {
        "vendor": "sqlite",
        "server_version": server_version,
        "format": "SQLite database file (online backup API)",
        "schema": schema,
        "tables": tables,
        "seconds": {"dump": round(dump_seconds, 1), "checksums": round(time.monotonic() - started, 1)},
    }


def sqlite_is_empty(settings_dict: dict[str, Any]) -> tuple[bool, str]:
    name = str(settings_dict["NAME"])
    if not name.startswith("file:") and (not Path(name).exists() or Path(name).stat().st_size == 0):
        return True, ""
    connection = _sqlite_connect(name)
    try:
        (tables,) = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    finally:
        connection.close()
    return tables == 0, f"数据库 {name} 已有 {tables} 张表"


def _sqlite_connect(name: str) -> sqlite3.Connection:
    """The target as Django opens it: NAME may be a file: URI (the test suite's shared in-memory database)."""
    return sqlite3.connect(name, uri=True)


def sqlite_restore(settings_dict: dict[str, Any], source: Path, progress: Progress) -> float:
    """The backup file copied page by page into the target through the same API (it replaces whatever the
    target held: the caller has refused a non-empty target unless told to clean it)."""
    started = time.monotonic()
    name = str(settings_dict["NAME"])
    if not name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    origin = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    destination = _sqlite_connect(name)
    try:
        origin.backup(destination, pages=4096, progress=_pages_reporter("恢复数据库", progress))
        destination.execute("PRAGMA journal_mode=WAL")
    finally:
        origin.close()
        destination.close()
    return time.monotonic() - started


def sqlite_describe(settings_dict: dict[str, Any], progress: Progress) -> dict[str, Any]:
    connection = _sqlite_connect(str(settings_dict["NAME"]))
    try:
        return {
            "schema": latest_migrations(connection.cursor()),
            "tables": sqlite_checksums(connection, progress),
        }
    finally:
        connection.close()
