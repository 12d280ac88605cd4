"""A site of its own for tests that drive real processes (workers, `zhenxing serve`) and kill them.

On SQLite it is the `fresh_site` fixture's file; when the suite runs on PostgreSQL, a database of its own
(named after the suite's database, so that engineers sharing the server do not collide), copied from a
template migrated once per session. Import the fixtures into a test module to use them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).resolve().parent


@dataclass
class Site:
    argv: list[str]
    env: dict[str, str]
    var: Path
    vendor: str
    connect: Callable[[], Any]
    children: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the site's database directly (fast; no Django process), `%s` placeholders."""
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        finally:
            connection.close()

    def value(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def shell(self, code: str, **env: str) -> str:
        """Run Python in a `zhenxing shell` of the site (the tests package importable); its last output line."""
        prelude = f"import sys; sys.path.insert(0, {str(TESTS_DIR.parent)!r})\n"
        done = subprocess.run(
            [*self.argv, "shell", "--no-imports", "-c", prelude + code],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        lines = done.stdout.strip().splitlines()
        return lines[-1] if lines else ""

    def start(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        child = subprocess.Popen([*self.argv, *args], env={**self.env, **env})
        self.children.append(child)
        return child

    def worker(self, **env: str) -> subprocess.Popen[bytes]:
        return self.start("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", **env)

    def stop_all(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
            child.wait()


def wait_until(condition: Callable[[], Any], *, seconds: float = 90, what: str = "") -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what or condition}")


def _pg_params() -> dict[str, Any]:
    from django.db import connection

    settings = connection.settings_dict
    return {
        "host": settings.get("HOST") or "127.0.0.1",
        "port": int(settings.get("PORT") or 5432),
        "user": settings.get("USER") or "postgres",
        "password": settings.get("PASSWORD") or "",
    }


def _pg_url(name: str) -> str:
    p = _pg_params()
    secret = f":{p['password']}" if p["password"] else ""
    return f"postgres://{p['user']}{secret}@{p['host']}:{p['port']}/{name}"


def _pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **_pg_params()) as admin:
        admin.execute(statement)  # type: ignore[arg-type]


def _pg_drop(name: str) -> None:
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_site_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated PostgreSQL database to copy sites from (once per session)."""
    from django.db import connection

    base = str(connection.settings_dict["NAME"]).removeprefix("test_")
    name = f"{base}_site_template"
    _pg_drop(name)
    _pg_admin(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": _pg_url(name),
        "ZHENXING_VAR_DIR": str(tmp_path_factory.mktemp("tpl")),
    }
    subprocess.run(
        [sys.executable, "-m", "zhenxing.cli", "migrate", "-v0"], env=env, check=True, capture_output=True
    )
    yield name
    _pg_drop(name)


@pytest.fixture
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        argv, env = request.getfixturevalue("fresh_site")
        path = env["DATABASE_URL"].removeprefix("sqlite:///")
        built = Site(argv, env, tmp_path, "sqlite", lambda: sqlite3.connect(path, timeout=30))
        try:
            yield built
        finally:
            built.stop_all()
        return
    import psycopg

    template = request.getfixturevalue("pg_site_template")
    name = f"{template.removesuffix('_template')}_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    env = {**os.environ, "DATABASE_URL": _pg_url(name), "ZHENXING_VAR_DIR": str(tmp_path)}
    built = Site(
        [sys.executable, "-m", "zhenxing.cli"],
        env,
        tmp_path,
        "postgresql",
        lambda: psycopg.connect(dbname=name, autocommit=True, **_pg_params()),
    )
    try:
        yield built
    finally:
        built.stop_all()
        _pg_drop(name)


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped): what a killed worker leaves in its lease."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def claim_as_dead_worker(job_id: object, *, worker_id: str = "worker-that-died") -> None:
    """Arrange what a worker killed mid-job leaves: the job claimed (running) under a lease whose process on
    this machine is gone. The lease has not even expired: a local process's death is seen at once."""
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from zhenxing.common.jobs import this_host
    from zhenxing.common.models import WorkerLease

    now = timezone.now()
    WorkerLease.objects.create(
        worker_id=worker_id, kind="worker", host=this_host(), pid=dead_pid(), process_started="",
        started_at=now, renewed_at=now, expires_at=now + datetime.timedelta(hours=1),
    )  # fmt: skip
    DBTaskResult.objects.get(pk=job_id).claim(worker_id)
