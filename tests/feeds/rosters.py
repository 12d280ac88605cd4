"""Helpers for the 民政 roster tests (P17): the ID numbers of a household's members, and roster rows."""

from __future__ import annotations

import datetime
from typing import Any

from zhenxing.common.crypto import decrypt_id_number
from zhenxing.registry.models import Household, Membership

from ..conftest import COUNTY


def member_ids(household: Household) -> list[str]:
    people = (
        Membership.objects.filter(household=household, left_on__isnull=True)
        .order_by("person_id")
        .values_list("person__id_number_encrypted", flat=True)
    )
    return [decrypt_id_number(bytes(cipher)) for cipher in people]


def roster(
    ids: list[str], *, on: datetime.date, county: str = COUNTY, category: str = "低保"
) -> list[dict[str, Any]]:
    return [
        {
            "id_number": number,
            "assistance": category,
            "start": "2020-03-01",
            "county_code": county,
            "snapshot_date": on.isoformat(),
        }
        for number in ids
    ]


def roster_csv(rows: list[dict[str, Any]]) -> bytes:
    header = ["id_number", "assistance", "start", "end", "county_code", "snapshot_date"]
    lines = [",".join(header)] + [",".join(str(row.get(name, "")) for name in header) for row in rows]
    return ("\n".join(lines) + "\n").encode()
