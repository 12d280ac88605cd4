"""Small builders for rule tests: a household in fen, members by age on 31 December of YEAR."""

from __future__ import annotations

import datetime
from typing import Any

from zhenxing.policy.household import Disability, Household, Income, Member, RigidExpenses, Water

YEAR = 2025
LINE = 870_000  # 8,700 yuan in fen


def person(age: int = 40, *, labour: str = "普通劳动力", relation: str = "户主", **fields: Any) -> Member:
    """A member who is `age` on 31 December YEAR (born 1 July of YEAR - age)."""
    health = tuple(fields.pop("health", ("健康",)))
    disability = fields.pop("disability", None)
    if isinstance(disability, tuple):
        disability = Disability(*disability)
    fields.setdefault("work_months", 12 if labour in ("普通劳动力", "技能劳动力") else 0)
    fields.setdefault("work_place", "乡镇内" if fields["work_months"] else None)
    return Member(
        birth_date=datetime.date(YEAR - age, 7, 1),
        relation=relation,
        labour=labour,
        health=health,
        disability=disability,
        **fields,
    )


def household(
    *members: Member,
    kind: str = "脱贫户",
    net_per_head: int | None = None,
    income: Income | None = None,
    rigid: RigidExpenses | None = None,
    **fields: Any,
) -> Household:
    people = members or (person(),)
    if income is None:
        per_head = LINE * 2 if net_per_head is None else net_per_head
        income = Income(wage=per_head * len(people))
    return Household(
        kind=kind,
        members=tuple(people),
        income=income,
        rigid_expenses=rigid or RigidExpenses(),
        water=fields.pop("water", Water()),
        **fields,
    )
