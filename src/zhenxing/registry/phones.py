"""Phone numbers at rest (P1 联系电话, PIPL personal information), kept like ID numbers: encrypted (AES-GCM,
common/crypto), masked for display (139****5678), shown in full only through an audited reveal.

No blind index: nothing looks a household up by its phone. The P1 format check (11 digits) runs on write —
every writer refuses a malformed number — so the standing quality report cannot run a regex over ciphertext
and counts the stored flag instead, which only rows migrated from before the encryption can carry.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhenxing.common.crypto import decrypt_phone, encrypt_phone, mask_phone
from zhenxing.common.errors import ErrorDetail, InvalidInput
from zhenxing.policy.rules.quality import CHECKS, PHONE

PHONE_MESSAGE = "联系电话应为11位数字（手机号码，或区号加座机号码）"


@dataclass(frozen=True)
class ProtectedPhone:
    encrypted: bytes | None
    masked: str
    malformed: bool = False


NO_PHONE = ProtectedPhone(encrypted=None, masked="")


def normalised_phone(text: str) -> str:
    """What people type around the digits (blanks, hyphens) taken out: "0872-2123456" → "08722123456"."""
    return "".join(text.split()).replace("-", "").replace("－", "")


def phone_is_valid(text: str) -> bool:
    """P1: an empty phone is allowed; a given one is 11 digits (the check of policy/rules/quality.py)."""
    return not text or bool(PHONE.match(text))


def protect_phone(text: str, *, field: str = "phone") -> ProtectedPhone:
    """Validate (P1) and seal a phone as typed; raises InvalidInput on `field` when it is malformed."""
    number = normalised_phone(text)
    if not phone_is_valid(number):
        raise InvalidInput([ErrorDetail((field,), "phone_format", PHONE_MESSAGE)])
    return seal_phone(number)


def seal_phone(number: str, *, malformed: bool = False) -> ProtectedPhone:
    """`number` already normalised and validated (or a legacy value kept as it was, flagged `malformed`)."""
    if not number:
        return NO_PHONE
    return ProtectedPhone(encrypted=encrypt_phone(number), masked=mask_phone(number), malformed=malformed)


def revealed_phone(blob: bytes | memoryview | None) -> str:
    return decrypt_phone(bytes(blob)) if blob is not None else ""


def phone_values(protected: ProtectedPhone, *, prefix: str = "phone") -> dict[str, object]:
    """The model fields for a protected phone: phone_* on Person, contact_phone_* on Household."""
    values: dict[str, object] = {
        f"{prefix}_encrypted": protected.encrypted,
        f"{prefix}_masked": protected.masked,
    }
    if prefix == "phone":
        values["phone_malformed"] = protected.malformed
    return values


PHONE_CHECK = "phone_format"
assert PHONE_CHECK in CHECKS  # the P1 check this module stands in for
