"""zhenxing backup / restore: a backup restored into an empty database is proven equal, a changed one is refused,
and the data key is nowhere in it. Runs on the suite's vendor (SQLite: a new file; PostgreSQL: a new database
made here and dropped after)."""

from __future__ import annotations

import base64
import copy
import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection

from zhenxing.audit.models import AuditEvent
from zhenxing.common.backup import BackupError, backup_create, backup_restore, key_fingerprint
from zhenxing.common.crypto import encrypt_id_number
from zhenxing.registry.models import Person

from ..conftest import VILLAGE
from ..factories import make_household

PHOTO = b"\xff\xd8\xff\xe0 a photo of the house " + bytes(range(256))


@pytest.fixture
def source(transactional_db: None, shipped_data: None, tmp_path: Path) -> Path:
    """Committed data (the dump is read by another session): two households with their people and an
    uploaded photo in a media folder of the test's own."""
    media = tmp_path / "media"
    make_household(VILLAGE)
    make_household(VILLAGE)
    FileSystemStorage(location=media).save("attachments/2026/12/house.jpg", ContentFile(PHOTO))
    return media


@pytest.fixture
def empty_target(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A DATABASES entry naming an empty database: a new SQLite file, or a new PostgreSQL database."""
    target = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "sqlite":
        target["NAME"] = str(tmp_path / "restored.sqlite3")
        yield target
        return
    target["NAME"] = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target["NAME"]}"')
    try:
        yield target
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')


def _backup(tmp_path: Path, media: Path) -> Path:
    folder = tmp_path / "backup"
    backup_create(destination=folder, media_root=media)
    return folder


def _count(target: dict[str, Any], table: str) -> int:
    if target["ENGINE"].endswith("sqlite3"):
        import sqlite3

        with sqlite3.connect(target["NAME"]) as restored:
            return int(restored.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    import psycopg

    with psycopg.connect(
        dbname=target["NAME"], host=target["HOST"] or None, port=target["PORT"] or None, user=target["USER"]
    ) as restored:
        row = restored.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        assert row is not None
        return int(row[0])


def test_a_backup_restored_into_an_empty_database_has_the_same_rows_and_files(
    source: Path, empty_target: dict[str, Any], tmp_path: Path
) -> None:
    # given a backup of a registry with two households and an uploaded photo
    folder = _backup(tmp_path, source)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["registry_person"]["rows"] == Person.objects.count() == 4
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["schema"]["registry"].startswith("0")
    assert "media/attachments/2026/12/house.jpg" in manifest["files"]
    # when it is restored into an empty database and an empty media folder
    restored_media = tmp_path / "restored_media"
    report = backup_restore(source=folder, database=empty_target, media_root=restored_media)
    # then the restore has checked every table's count and checksum against the manifest, and the photo is back
    assert report.warnings == []
    assert _count(empty_target, "registry_person") == 4
    assert (restored_media / "attachments/2026/12/house.jpg").read_bytes() == PHOTO


def test_a_changed_file_in_the_backup_is_refused_before_anything_is_restored(
    source: Path, empty_target: dict[str, Any], tmp_path: Path
) -> None:
    # given a backup whose uploaded photo was changed afterwards
    folder = _backup(tmp_path, source)
    (folder / "media/attachments/2026/12/house.jpg").write_bytes(PHOTO + b"!")
    # when it is restored, then it is refused, naming the file, and nothing was written
    with pytest.raises(BackupError, match=r"house\.jpg 的内容与清单不符"):
        backup_restore(source=folder, database=empty_target, media_root=tmp_path / "restored_media")
    assert not (tmp_path / "restored_media").exists()


def test_a_changed_manifest_is_refused(source: Path, empty_target: dict[str, Any], tmp_path: Path) -> None:
    # given a backup whose manifest was edited (one table's count)
    folder = _backup(tmp_path, source)
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["tables"]["registry_person"]["rows"] = 5
    path.write_text(json.dumps(manifest))
    # when it is restored, then the manifest's seal does not match and nothing is restored
    with pytest.raises(BackupError, match="签名不符"):
        backup_restore(source=folder, database=empty_target, media_root=tmp_path / "restored_media")


def test_a_manifest_that_lies_about_the_data_fails_after_the_restore(
    source: Path, empty_target: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    # given a backup whose manifest claims another count, resealed under another key (so the seal cannot be checked)
    folder = _backup(tmp_path, source)
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["tables"]["registry_person"]["rows"] = 5
    path.write_text(json.dumps(manifest))
    settings.ZHENXING_DATA_KEY = bytes(32)
    # when it is restored, then the recount after the restore fails loudly, and the key warning was given
    with pytest.raises(BackupError, match="registry_person 应有 5 行，恢复后 4 行"):
        backup_restore(source=folder, database=empty_target, media_root=tmp_path / "restored_media")


def test_the_data_key_is_nowhere_in_the_backup(source: Path, tmp_path: Path) -> None:
    # given a backup
    folder = _backup(tmp_path, source)
    # then no file holds the key, raw or encoded, nor (PostgreSQL) the dump's decompressed SQL
    key: bytes = settings.ZHENXING_DATA_KEY
    forms = [key, base64.b64encode(key), key.hex().encode(), base64.urlsafe_b64encode(key)]
    contents = [path.read_bytes() for path in folder.rglob("*") if path.is_file()]
    if connection.vendor == "postgresql":
        contents.append(subprocess.run([shutil.which("pg_restore") or "pg_restore", "--file=-", str(folder / "database.dump")], capture_output=True, check=True).stdout)  # fmt: skip
        assert b"registry_person" in contents[-1]
    assert all(form not in content for form in forms for content in contents)
    # and only its owner may read it (it holds the registry)
    assert all(path.stat().st_mode & 0o077 == 0 for path in [folder, *folder.rglob("*")])
    # and the manifest names the key by the fingerprint every ciphertext carries
    fingerprint = json.loads((folder / "manifest.json").read_text())["data_key"]["fingerprint"]
    assert fingerprint == key_fingerprint(key) == encrypt_id_number("532926197503080117")[1:5].hex()


def test_another_data_key_is_warned_of(
    source: Path, empty_target: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    # given a backup made under one data key, restored where another key is configured
    folder = _backup(tmp_path, source)
    settings.ZHENXING_DATA_KEY = bytes(32)
    report = backup_restore(source=folder, database=empty_target, media_root=tmp_path / "restored_media")
    # then the restore succeeds (the data is whole) but says the ID numbers will not decrypt
    assert any("无法解密" in warning for warning in report.warnings)


def test_the_command_refuses_a_database_that_has_data(source: Path, tmp_path: Path) -> None:
    # given a backup, and the configured database (the test's), which holds the registry
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stderr=open("/dev/null", "w"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    # (the backup is recorded in the audit log, as any export of every row is)
    event = AuditEvent.objects.get(action="system.backup")
    assert event.target_id == "backup" and event.new_values["rows"] > 0
    # when it is restored over it without --force-clean, then the command fails with the reason in Chinese
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore", str(folder), stderr=open("/dev/null", "w"))  # noqa: SIM115
    assert Person.objects.count() == 4


def test_force_clean_restores_over_a_database_that_has_data(
    source: Path, empty_target: dict[str, Any], tmp_path: Path
) -> None:
    # given a target that already holds a restore, and a media folder with a file of its own
    folder = _backup(tmp_path, source)
    restored_media = tmp_path / "restored_media"
    backup_restore(source=folder, database=empty_target, media_root=restored_media)
    (restored_media / "stray.txt").write_text("left over")
    # when restored again, it is refused without force_clean
    with pytest.raises(BackupError, match="目标数据库不是空的"):
        backup_restore(source=folder, database=empty_target, media_root=restored_media)
    # and with it the database is emptied and restored, checked again, and the old media folder kept aside
    report = backup_restore(source=folder, database=empty_target, media_root=restored_media, force_clean=True)
    assert _count(empty_target, "registry_person") == 4
    assert sorted(path.name for path in restored_media.rglob("*") if path.is_file()) == ["house.jpg"]
    assert any("before-restore" in warning for warning in report.warnings)
    assert [path.name for path in tmp_path.glob("restored_media.before-restore-*/stray.txt")] == ["stray.txt"]
