"""Keys read from the environment, or generated once into var/ for development (never committed).

In production set ZHENXING_SECRET_KEY and ZHENXING_DATA_KEY; the files in var/ are a convenience so that
`make run` works on a fresh machine. The data key (32 random bytes, base64) encrypts ID numbers at rest and
keys the hashes that stand in for sensitive values in the audit log and the lookup index.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


def _read_or_create(path: Path, make: str) -> str:
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(make + "\n")
    return make


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
