"""An import at rest: the uploaded workbook and its staged rows, AES-256-GCM under keys derived from the data
key for this use only, each bound to its place (the associated data names the batch, and for a staged row
the row), so that a blob cannot be passed off as another batch's or another row's.

Layout: key fingerprint (4) | nonce (12) | ciphertext+tag. What was sealed before a key rotation opens while
the old key is listed in ZHENXING_DATA_KEY_PREVIOUS; after that the batch must be uploaded again.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class UploadUnreadable(ValueError):
    pass


@cache  # one derivation per key and purpose, not one per staged row
def _key(root: bytes, purpose: bytes = b"import-upload") -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(root)


@cache
def _fingerprint(root: bytes) -> bytes:
    return hashlib.sha256(b"import-upload-fingerprint:" + root).digest()[:4]


def _aad(batch_id: int) -> bytes:
    return f"zhenxing:import-upload:{batch_id}".encode()


def seal(data: bytes, *, batch_id: int) -> bytes:
    root = settings.ZHENXING_DATA_KEY
    nonce = os.urandom(12)
    return _fingerprint(root) + nonce + AESGCM(_key(root)).encrypt(nonce, data, _aad(batch_id))


def unseal(blob: bytes | memoryview, *, batch_id: int) -> bytes:
    data = bytes(blob)
    roots = [settings.ZHENXING_DATA_KEY, *getattr(settings, "ZHENXING_PREVIOUS_DATA_KEYS", [])]
    for root in roots:
        if _fingerprint(root) == data[:4]:
            try:
                return AESGCM(_key(root)).decrypt(data[4:16], data[16:], _aad(batch_id))
            except InvalidTag as error:
                raise UploadUnreadable("暂存的原文件已损坏") from error
    raise UploadUnreadable("暂存的原文件由已停用的数据密钥加密")


# --- staged rows: validated rows hold health, disability, 低保/特困 and income; never in plain text at rest ---
_STAGED = b"import-staged-row"


def _staged_aad(batch_id: int, row_id: int) -> bytes:
    return f"zhenxing:import-staged:{batch_id}:{row_id}".encode()


def seal_staged(text: bytes, *, batch_id: int, row_id: int) -> bytes:
    root = settings.ZHENXING_DATA_KEY
    nonce = os.urandom(12)
    return (
        _fingerprint(root)
        + nonce
        + AESGCM(_key(root, _STAGED)).encrypt(nonce, text, _staged_aad(batch_id, row_id))
    )


def unseal_staged(blob: bytes | memoryview, *, batch_id: int, row_id: int) -> bytes:
    data = bytes(blob)
    roots = [settings.ZHENXING_DATA_KEY, *getattr(settings, "ZHENXING_PREVIOUS_DATA_KEYS", [])]
    for root in roots:
        if _fingerprint(root) == data[:4]:
            try:
                return AESGCM(_key(root, _STAGED)).decrypt(
                    data[4:16], data[16:], _staged_aad(batch_id, row_id)
                )
            except InvalidTag as error:
                raise UploadUnreadable("暂存的数据行已损坏") from error
    raise UploadUnreadable("暂存的数据行由已停用的数据密钥加密")


def seal_row(payload: Any, *, batch_id: int, row_id: int) -> bytes:
    """One row as JSON, the form staged before issue 22 (transfer/staging.py reads it still)."""
    return seal_staged(json.dumps(payload, ensure_ascii=False).encode(), batch_id=batch_id, row_id=row_id)


def unseal_row(blob: bytes | memoryview, *, batch_id: int, row_id: int) -> Any:
    return json.loads(unseal_staged(blob, batch_id=batch_id, row_id=row_id))
