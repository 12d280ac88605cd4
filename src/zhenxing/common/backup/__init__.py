"""`zhenxing backup` / `zhenxing restore`: the database, the uploaded files and a manifest that proves both.

A backup is a folder: `database.dump` (PostgreSQL, custom format) or `database.sqlite3`, `media/` (a copy of
MEDIA_ROOT), and `manifest.json`: when, which vendor and schema (the last migration of each app), each table's
row count and checksum (tables.py), the SHA-256 of every file, and the data key's fingerprint. The folder is
written under a hidden name and renamed when complete, so a folder with the final name is a whole backup.

The data key is never in a backup: the database holds only ciphertexts, and the manifest only the key's
fingerprint (the 4 bytes crypto.py writes in front of every ciphertext) and an HMAC of the manifest under a
key derived from the data key. Whoever restores with the same key has the manifest's integrity checked too;
with another key the restore warns that the ID numbers and phones will be unreadable.

A restore checks every file against the manifest before it changes anything, writes only into an empty
database and an empty media folder (or, with force_clean, empties them first), and then recomputes the row
counts and checksums of the restored database: any difference is a BackupError.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings

from zhenxing.common.backup import engines
from zhenxing.common.backup.engines import BackupError, vendor_of
from zhenxing.common.backup.tables import METHOD, Progress

__all__ = ["BackupError", "BackupReport", "backup_create", "backup_restore", "key_fingerprint"]

FORMAT = "zhenxing-backup/1"
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILE = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
READ_BLOCK = 1 << 20


def key_fingerprint(key: bytes) -> str:
    """The fingerprint crypto.py writes into each ciphertext's header (tests/common/test_backup.py holds the
    two equal): it tells which key the data needs and reveals nothing of the key itself."""
    return hashlib.sha256(b"fingerprint:" + key).digest()[:4].hex()


def _seal(manifest: dict[str, Any], key: bytes) -> str:
    body = {name: value for name, value in manifest.items() if name != "seal"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sealing_key = hmac.new(key, b"zhenxing:backup-manifest", hashlib.sha256).digest()
    return hmac.new(sealing_key, text, hashlib.sha256).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []


@dataclass
class BackupReport:
    folder: Path
    manifest: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _nothing(message: str) -> None:
    pass


def backup_create(
    *,
    destination: Path,
    database: dict[str, Any] | None = None,
    media_root: Path | None = None,
    progress: Progress = _nothing,
) -> BackupReport:
    """Back up `database` (a DATABASES entry; the default one) and `media_root` into the new folder
    `destination`. The database first, then the files: a file uploaded meanwhile is at worst one more file,
    never a row whose file is missing."""
    database = database or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} 已存在：备份写入一个新的文件夹，不覆盖已有的")
    vendor = vendor_of(database)
    started = time.monotonic()
    working = destination.parent / f".{destination.name}.partial-{os.getpid()}"
    working.mkdir(parents=True)
    try:
        progress(f"备份数据库（{vendor}）……")
        described = (engines.pg_backup if vendor == "postgresql" else engines.sqlite_backup)(
            database, working / DATABASE_FILE[vendor], progress
        )
        media_started = time.monotonic()
        sources = _files_under(media_root)
        progress(f"复制上传文件：{len(sources)} 个")
        for source in sources:
            copied = working / MEDIA / source.relative_to(media_root)
            copied.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copied)
        media_seconds = time.monotonic() - media_started
        progress("计算文件校验和……")
        _private(working)
        files = {path.relative_to(working).as_posix(): _sha256(path) for path in _files_under(working)}
        seconds = {**described.pop("seconds"), "media": round(media_seconds, 1)}
        seconds["total"] = round(time.monotonic() - started, 1)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "zhenxing_version": _version(),
            "database": {name: described[name] for name in ("vendor", "server_version", "format")}
            | {"file": DATABASE_FILE[vendor], "name": Path(str(database["NAME"])).name},
            "schema": described["schema"],
            "checksum_method": METHOD[vendor],
            "tables": described["tables"],
            "files": files,
            "data_key": {"fingerprint": key_fingerprint(settings.ZHENXING_DATA_KEY)},
            "seconds": seconds,
        }
        manifest["seal"] = _seal(manifest, settings.ZHENXING_DATA_KEY)
        (working / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        (working / MANIFEST).chmod(0o600)
        working.rename(destination)
    except BaseException:
        shutil.rmtree(working, ignore_errors=True)
        raise
    return BackupReport(folder=destination, manifest=manifest, seconds=seconds)


def _private(folder: Path) -> None:
    """The backup holds the registry (names in clear, ciphertexts): readable by its owner only."""
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def _version() -> str:
    try:
        return version("zhenxing")
    except PackageNotFoundError:
        return "unknown"


def backup_read(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} 中没有 {MANIFEST}：这不是一个完整的振兴备份") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} 无法读取（{error}）：清单已损坏或被改动") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} 不是本程序能读的备份清单（格式应为 {FORMAT}）")
    return manifest


def _key_warnings(manifest: dict[str, Any]) -> list[str]:
    """Check the manifest's seal with whichever configured key made the backup; a backup made under a key
    we do not have cannot be checked (and its ID numbers cannot be read): say so."""
    wanted = str(manifest.get("data_key", {}).get("fingerprint", ""))
    current: bytes = settings.ZHENXING_DATA_KEY
    previous: list[bytes] = list(getattr(settings, "ZHENXING_PREVIOUS_DATA_KEYS", []))
    for position, key in enumerate([current, *previous]):
        if key_fingerprint(key) != wanted:
            continue
        if not hmac.compare_digest(_seal(manifest, key), str(manifest.get("seal", ""))):
            raise BackupError("备份清单的签名不符：清单在备份之后被改动过，拒绝恢复")
        if position == 0:
            return []
        return [
            f"备份使用的数据密钥（指纹 {wanted}）在 ZHENXING_DATA_KEY_PREVIOUS 中，不是当前密钥："
            "恢复后请运行 zhenxing rotate_data_key，把密文改用当前密钥"
        ]
    return [
        f"当前 ZHENXING_DATA_KEY（指纹 {key_fingerprint(current)}）不是备份时的数据密钥（指纹 {wanted}）："
        "恢复后证件号码和电话无法解密，按证件号码查找也找不到；清单签名也无法核对。"
        "请先把备份时的密钥设为 ZHENXING_DATA_KEY 再恢复"
    ]


def backup_verify(folder: Path, *, progress: Progress = _nothing) -> tuple[dict[str, Any], list[str]]:
    """The manifest, after every file in the folder matched it (no file missing, changed or added)."""
    folder = Path(folder)
    manifest = backup_read(folder)
    warnings = _key_warnings(manifest)
    listed: dict[str, str] = manifest.get("files") or {}
    present = {path.relative_to(folder).as_posix() for path in _files_under(folder)} - {MANIFEST}
    problems = [f"缺少 {name}" for name in sorted(set(listed) - present)]
    problems += [f"清单中没有的文件 {name}" for name in sorted(present - set(listed))]
    progress(f"核对 {len(listed)} 个文件的校验和……")
    for name in sorted(set(listed) & present):
        if _sha256(folder / name) != listed[name]:
            problems.append(f"{name} 的内容与清单不符")
    if problems:
        shown = "；".join(problems[:10]) + (f"……（共 {len(problems)} 处）" if len(problems) > 10 else "")
        raise BackupError(f"备份已损坏或被改动，拒绝恢复：{shown}")
    return manifest, warnings


def backup_restore(
    *,
    source: Path,
    database: dict[str, Any] | None = None,
    media_root: Path | None = None,
    force_clean: bool = False,
    jobs: int = 2,
    progress: Progress = _nothing,
) -> BackupReport:
    """Restore the backup folder `source` into `database` and `media_root` (the configured ones by default),
    which must be empty unless `force_clean`; then prove the restored tables equal the manifest."""
    source = Path(source)
    database = database or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest, warnings = backup_verify(source, progress=progress)
    vendor = vendor_of(database)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"这是 {manifest['database']['vendor']} 数据库的备份，不能恢复到 {vendor} 数据库：请恢复到同一种数据库"
        )
    is_empty = engines.pg_is_empty if vendor == "postgresql" else engines.sqlite_is_empty
    empty, what = is_empty(database)
    media_files = _files_under(media_root)
    if not force_clean and not empty:
        raise BackupError(f"目标数据库不是空的（{what}）：恢复只写入空数据库。请新建一个空数据库，或确认要清除其中全部数据时加 --force-clean")  # fmt: skip
    if not force_clean and media_files:
        raise BackupError(f"上传文件目录 {media_root} 不是空的（{len(media_files)} 个文件）：请换一个空目录，或加 --force-clean（原目录会改名保留）")  # fmt: skip
    started = time.monotonic()
    if not empty:
        progress("清除目标数据库（--force-clean）……")
        if vendor == "postgresql":
            engines.pg_clean(database)
    if media_root.exists() and media_files:
        kept = media_root.with_name(
            f"{media_root.name}.before-restore-{datetime.datetime.now():%Y%m%d-%H%M%S}"
        )
        media_root.rename(kept)
        warnings.append(f"原上传文件目录已改名为 {kept}")
    dump = source / manifest["database"]["file"]
    progress(f"恢复数据库（{vendor}）……")
    if vendor == "postgresql":
        database_seconds = engines.pg_restore(database, dump, jobs, progress)
    else:
        database_seconds = engines.sqlite_restore(database, dump, progress)
    media_started = time.monotonic()
    _restore_media(source, manifest, media_root)
    media_seconds = time.monotonic() - media_started
    progress("核对恢复后的行数和校验和……")
    checked_started = time.monotonic()
    describe = engines.pg_describe if vendor == "postgresql" else engines.sqlite_describe
    restored = describe(database, progress)
    _compare(manifest, restored)
    seconds = {
        "database": round(database_seconds, 1), "media": round(media_seconds, 1),
        "checksums": round(time.monotonic() - checked_started, 1), "total": round(time.monotonic() - started, 1),
    }  # fmt: skip
    return BackupReport(folder=source, manifest=manifest, seconds=seconds, warnings=warnings)


def _restore_media(source: Path, manifest: dict[str, Any], media_root: Path) -> None:
    prefix = MEDIA + "/"
    for name, digest in manifest["files"].items():
        if not name.startswith(prefix):
            continue
        target = media_root / name[len(prefix) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target)
        if _sha256(target) != digest:
            raise BackupError(f"上传文件 {name} 复制后与清单不符（磁盘或文件系统出错？）")


def _compare(manifest: dict[str, Any], restored: dict[str, Any]) -> None:
    expected: dict[str, dict[str, Any]] = manifest["tables"]
    found: dict[str, dict[str, Any]] = restored["tables"]
    problems = [f"缺少表 {table}" for table in sorted(set(expected) - set(found))]
    problems += [f"多出表 {table}" for table in sorted(set(found) - set(expected))]
    for table in sorted(set(expected) & set(found)):
        if expected[table]["rows"] != found[table]["rows"]:
            problems.append(
                f"{table} 应有 {expected[table]['rows']:,} 行，恢复后 {found[table]['rows']:,} 行"
            )
        elif expected[table]["sha256"] != found[table]["sha256"]:
            problems.append(f"{table} 的内容校验和不符")
    if restored["schema"] != manifest["schema"]:
        problems.append("恢复后的迁移记录与清单不符")
    if problems:
        shown = "；".join(problems[:10]) + (f"……（共 {len(problems)} 处）" if len(problems) > 10 else "")
        raise BackupError(f"恢复后的数据与备份清单不符：{shown}")
