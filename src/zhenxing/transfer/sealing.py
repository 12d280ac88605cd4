"""ID numbers and phones of a whole import protected in one pass: one AES-GCM object and one pre-keyed HMAC
for all the values, where common/crypto builds both again for each value. The stored format is exactly
common/crypto's (version | key fingerprint | nonce | ciphertext+tag, and the same blind index), so what is
written here decrypts and matches like any other value; tests/transfer/test_import_speed.py holds them equal.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

# common/crypto keeps its key derivation private; the one batch writer reuses it rather than copy it
from zhenxing.common import crypto
from zhenxing.common.crypto import mask_id_number, mask_phone


def _sealer(aad: bytes) -> tuple[bytes, AESGCM, bytes]:
    root = settings.ZHENXING_DATA_KEY
    fingerprint = crypto._fingerprint(root)
    key = crypto._cipher_keys_by_fingerprint((root,))[fingerprint]
    return crypto._CIPHER_VERSION + fingerprint, AESGCM(key), aad


def _seal_all(texts: Sequence[str], aad: bytes) -> list[bytes]:
    head, cipher, aad = _sealer(aad)
    nonces = os.urandom(12 * len(texts))
    encrypt = cipher.encrypt
    return [
        head + nonces[12 * i : 12 * i + 12] + encrypt(nonces[12 * i : 12 * i + 12], text.encode(), aad)
        for i, text in enumerate(texts)
    ]


def id_indexes(numbers: Sequence[str]) -> list[str]:
    """crypto.id_number_index of each number (already the validated, upper-case 18-character form)."""
    key = crypto.derived_key("id-index")
    return [hmac.digest(key, number.encode(), "sha256").hex() for number in numbers]


def protect_ids(numbers: Sequence[str]) -> tuple[list[bytes], list[str], list[str]]:
    """(ciphertexts, blind indexes, masks) of validated 18-character numbers, in order."""
    return (
        _seal_all(numbers, crypto._ID_AAD),
        id_indexes(numbers),
        [mask_id_number(number) for number in numbers],
    )


def seal_phones(numbers: Sequence[str]) -> tuple[list[bytes | None], list[str]]:
    """(ciphertext or None for an empty phone, mask) of normalised, validated phones, in order."""
    given = [number for number in numbers if number]
    sealed = iter(_seal_all(given, crypto._PHONE_AAD))
    masks: dict[str, str] = {}
    ciphers: list[bytes | None] = []
    masked = []
    for number in numbers:
        if number:
            ciphers.append(next(sealed))
            if number not in masks:
                masks[number] = mask_phone(number)
            masked.append(masks[number])
        else:
            ciphers.append(None)
            masked.append("")
    return ciphers, masked
