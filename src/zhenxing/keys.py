"""Keys read from the environment, or generated once into var/ for development (never committed).

In production set ZHENXING_SECRET_KEY and ZHENXING_DATA_KEY; the files in var/ are a convenience so that
`make run` works on a fresh machine. The data key (32 random bytes, base64) encrypts ID numbers at rest and
keys the hashes that stand in for sensitive values in the audit log and the lookup index.
"""

from __future__ import annotations

import base64
import os
import secrets
import tempfile
from pathlib import Path


def _read_or_create(path: Path, make: str) -> str:
    """The key in `path`, or `make` written there first. The file appears only complete: it is written
    under a temporary name and then linked into place, which fails if another process got there first (two
    processes starting at once must not use two different keys, nor read a half-written one)."""
    if path.exists():
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(make + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return _read(path)
    finally:
        os.unlink(temporary)
    return make


def _read(path: Path) -> str:
    value = path.read_text(encoding="ascii").strip()
    if not value:
        raise RuntimeError(
            f"{path} 是空文件（上次启动被中断）：如果还没有数据用它加密过，删除它后重新启动 "
            f"({path} is empty: delete it if nothing was encrypted with it yet)"
        )
    return value


def secret_key(var_dir: Path) -> str:
    return os.environ.get("ZHENXING_SECRET_KEY") or _read_or_create(
        var_dir / "secret_key", secrets.token_urlsafe(50)
    )


def previous_data_keys() -> list[bytes]:
    """Keys being rotated out (ZHENXING_DATA_KEY_PREVIOUS, comma-separated base64): they still decrypt."""
    raw = os.environ.get("ZHENXING_DATA_KEY_PREVIOUS", "")
    return [base64.b64decode(item) for item in raw.split(",") if item.strip()]


def data_key(var_dir: Path) -> bytes:
    encoded = os.environ.get("ZHENXING_DATA_KEY") or _read_or_create(
        var_dir / "data_key", base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    )
    key = base64.b64decode(encoded)
    if len(key) != 32:
        raise RuntimeError("ZHENXING_DATA_KEY 必须是 32 字节密钥的 base64 编码 (must be base64 of 32 bytes)")
    return key
