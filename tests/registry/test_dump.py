"""The standing PIPL test: a raw dump of the database holds no plaintext ID number and no plaintext phone
number after generation, an import (committed and merely staged), edits, reveals and an export — the audit
log, staging rows and job rows included. Later issues extend `dump_scenario.exercise_registry`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from .dump_scenario import exercise_registry, leaks


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file check")
def test_no_plaintext_id_or_phone_in_the_sqlite_file(
    tmp_path: Path, fresh_site: tuple[list[str], dict[str, str]]
) -> None:
    zhenxing, env = fresh_site
    root = Path(__file__).resolve().parents[2]
    script = f"""
import sys, json; sys.path.insert(0, {str(root)!r})
from django.db import connection
from tests.registry.dump_scenario import exercise_registry
numbers = exercise_registry()
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(json.dumps(numbers))
"""
    result = subprocess.run(
        [*zhenxing, "shell", "--no-imports", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    import json

    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(numbers) > 50
    blob = b"".join(
        path.read_bytes() for path in tmp_path.rglob("*") if path.is_file() and "site.sqlite3" in path.name
    )
    blob += b"".join(path.read_bytes() for path in (tmp_path / "cache").rglob("*") if path.is_file())
    assert leaks(blob, numbers) == []
    assert leaks(result.stderr.encode(), numbers) == []  # nor in what the process logged


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump check")
@pytest.mark.django_db(transaction=True)
def test_no_plaintext_id_or_phone_in_pg_dump(shipped_data: None) -> None:
    numbers = exercise_registry()
    assert len(numbers) > 50
    settings = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"],
            settings["NAME"],
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""},
    )
    assert b"registry_person" in dump.stdout
    assert leaks(dump.stdout, numbers) == []
