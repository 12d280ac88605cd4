from __future__ import annotations

from ninja import Schema


class DivisionOut(Schema):
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None
    edition: str
    is_tuopin_county: bool
    is_key_county: bool


class DivisionWithChildrenOut(DivisionOut):
    children: list[DivisionOut]
