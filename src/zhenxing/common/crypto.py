"""Keyed hashing and masking of sensitive values.

Sub-keys are derived from the one data key (HKDF) so that the audit hash, the lookup index and the cipher
never share a key: leaking one use does not weaken another.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def derived_key(purpose: str) -> bytes:
    return _derive(settings.ZHENXING_DATA_KEY, purpose)


@cache
def _derive(root: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(root)


def keyed_hash(value: str, *, purpose: str = "audit") -> str:
    """HMAC-SHA256 of a value under a purpose-specific key, hex. Equal inputs give equal hashes."""
    return hmac.new(derived_key(purpose), value.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """532901********123X: the address code and the last four characters, nothing of the birth date."""
    text = value.strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(value: str) -> str:
    text = value.strip()
    if len(text) < 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


# --- ID numbers at rest -----------------------------------------------------------------------------------
# Ciphertext layout: version byte (1) | key fingerprint (4) | nonce (12) | AES-256-GCM ciphertext+tag.
# The fingerprint picks the key on decryption, so a rotation can run while old rows still decrypt.
_CIPHER_VERSION = b"\x01"
_ID_AAD = b"zhenxing:id_number"


def _fingerprint(key: bytes) -> bytes:
    return hashlib.sha256(b"fingerprint:" + key).digest()[:4]


def _cipher_key(root: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"id-cipher").derive(root)


def _root_keys() -> list[bytes]:
    """The current data key first, then any previous keys (ZHENXING_DATA_KEY_PREVIOUS) still decrypting."""
    previous: list[bytes] = getattr(settings, "ZHENXING_PREVIOUS_DATA_KEYS", [])
    return [settings.ZHENXING_DATA_KEY, *previous]


@cache
def _cipher_keys_by_fingerprint(roots: tuple[bytes, ...]) -> dict[bytes, bytes]:
    return {_fingerprint(root): _cipher_key(root) for root in roots}


_PHONE_AAD = b"zhenxing:phone"


def encrypt_id_number(number: str) -> bytes:
    return _seal(number, _ID_AAD)


def decrypt_id_number(blob: bytes) -> str:
    return _open(blob, _ID_AAD)


def encrypt_phone(number: str) -> bytes:
    return _seal(number, _PHONE_AAD)


def decrypt_phone(blob: bytes) -> str:
    return _open(blob, _PHONE_AAD)


def _seal(text: str, aad: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    root = settings.ZHENXING_DATA_KEY
    nonce = os.urandom(12)
    sealed = AESGCM(_cipher_keys_by_fingerprint((root,))[_fingerprint(root)]).encrypt(
        nonce, text.encode("utf-8"), aad
    )
    return _CIPHER_VERSION + _fingerprint(root) + nonce + sealed


def _open(blob: bytes, aad: bytes) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data = bytes(blob)
    if data[:1] != _CIPHER_VERSION:
        raise ValueError("unknown ciphertext version")
    keys = _cipher_keys_by_fingerprint(tuple(_root_keys()))
    key = keys.get(data[1:5])
    if key is None:
        raise ValueError("encrypted under a key this server does not have (ZHENXING_DATA_KEY_PREVIOUS?)")
    return AESGCM(key).decrypt(data[5:17], data[17:], aad).decode("utf-8")


def is_under_current_key(blob: bytes) -> bool:
    return bytes(blob)[1:5] == _fingerprint(settings.ZHENXING_DATA_KEY)


def id_number_index(number: str) -> str:
    """Blind index: an HMAC of the normalised number, for exact lookup without decrypting anything."""
    return keyed_hash(number.strip().upper(), purpose="id-index")
