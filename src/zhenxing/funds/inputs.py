"""What a person enters for the fund ledger, before any check against the ledger: amounts in 万元 to the fen
(P14), dates, the document's header and its lines. The pages, the API and the workbook import build these;
services.py checks them and names the field of each problem."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from zhenxing.common.errors import ErrorDetail, InvalidInput
from zhenxing.policy.rules.projects import wan_to_fen


def invalid(field_name: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([ErrorDetail(tuple(field_name.split(".")), code, message)])


def fen_of(raw: object, *, field_name: str, label: str, allow_zero: bool = False) -> int:
    """An amount in 万元 as integer fen, or InvalidInput naming `field_name` (more than six decimals, negative,
    not a number, zero where it must be positive)."""
    try:
        fen = wan_to_fen(raw, label=label)
    except ValueError as error:
        raise invalid(field_name, "amount", str(error)) from error
    if fen == 0 and not allow_zero:
        raise invalid(field_name, "amount", f"{label}应大于0")
    return fen


@dataclass(frozen=True)
class LineInput:
    county_code: str
    source: str
    amount: object  # 万元, as typed


@dataclass(frozen=True)
class AllocationInput:
    doc_number: str
    issued_on: datetime.date
    level: str
    budget_year: int
    advance: bool = False
    title: str = ""
    lines: tuple[LineInput, ...] = field(default_factory=tuple)
