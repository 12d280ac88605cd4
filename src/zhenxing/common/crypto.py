"""Keyed hashing and masking of sensitive values.

Sub-keys are derived from the one data key (HKDF) so that the audit hash, the lookup index and the cipher
never share a key: leaking one use does not weaken another.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@cache
def derived_key(purpose: str) -> bytes:
    root: bytes = settings.ZHENXING_DATA_KEY
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
