"""ID numbers at rest (P1 sensitive, PIPL): validated (P2), encrypted, indexed for lookup, masked for display."""

from __future__ import annotations

from dataclasses import dataclass

from zhenxing.common.crypto import encrypt_id_number, id_number_index, mask_id_number
from zhenxing.policy.rules.idnumber import IdNumber, parse_id_number


@dataclass(frozen=True)
class ProtectedId:
    encrypted: bytes
    index: str
    masked: str


def protect_id_number(number: str) -> ProtectedId:
    """`number` must already be the validated 18-character form."""
    return ProtectedId(
        encrypted=encrypt_id_number(number), index=id_number_index(number), masked=mask_id_number(number)
    )


def validated(text: str) -> IdNumber:
    """P2 validation (raises IdNumberError with a Chinese message)."""
    return parse_id_number(text)


def lookup_index(text: str) -> str | None:
    """The blind index to search by, or None when the text is not a valid ID number."""
    try:
        return id_number_index(parse_id_number(text).number)
    except ValueError:
        return None
