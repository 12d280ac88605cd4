"""The one declared list of sensitive fields (PIPL; docs/design.md: ID numbers, health, disability, 低保/特困, income).

Whatever a service passes to `audit.record`, a value under one of these keys is stored masked (ID numbers,
phones) or as a keyed hash (everything else): the audit log can never be cleaned, so nothing sensitive
may enter it in plain text. Keys match at any depth of the old/new JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from zhenxing.common.crypto import keyed_hash, mask_id_number, mask_phone

MASKED_FIELDS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "disability_certificate": mask_id_number,
    "phone": mask_phone,
    "contact_phone": mask_phone,
}

HASHED_FIELDS: frozenset[str] = frozenset(
    {
        # health and disability
        "health",
        "disability",
        "disability_category",
        "disability_grade",
        "illness",
        # social assistance
        "dibao",
        "tekun",
        "assistance_status",
        # income and expenses
        "income",
        "wage",
        "business",
        "property",
        "transfer",
        "business_cost",
        "insurance_payouts",
        "rigid_expenses",
        "net_income",
        "per_capita_net_income",
        "adjusted_per_capita_income",
    }
)

# Keys ending with one of these are income-like too (wage_income, medical_expense, ...).
HASHED_SUFFIXES = ("_income", "_expense", "_expenses", "_cost")


def is_sensitive(key: str) -> bool:
    return key in MASKED_FIELDS or key in HASHED_FIELDS or key.endswith(HASHED_SUFFIXES)


def protect(value: Any, *, key: str | None = None) -> Any:
    """Return a copy of a JSON-like value with every sensitive field masked or replaced by a keyed hash."""
    if key is not None and value is not None:
        if key in MASKED_FIELDS and not isinstance(value, dict | list | tuple):
            return MASKED_FIELDS[key](str(value))
        if is_sensitive(key):
            # A whole structure under a sensitive key (income: {...}) is hashed as one value.
            return "hmac:" + keyed_hash(_canonical(value))[:32]
    if isinstance(value, dict):
        return {str(k): protect(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [protect(item, key=key if not isinstance(item, dict) else None) for item in value]
    return value


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
