"""Counts by place at the level the reader manages: the prefecture sees its counties, a county its
townships, a township (and a village) its villages — never hundreds of villages in alphabetical order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhenxing.accounts.enums import Role
from zhenxing.divisions.codes import county_of, township_of
from zhenxing.divisions.models import Division

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

LEVEL_LABEL = {"county": "县", "township": "乡镇", "village": "村"}


def rollup_level(user: User) -> str:
    """The level one step below the user's jurisdiction (county for the prefecture and above)."""
    if user.role == Role.COUNTY:
        return "township"
    if user.role in (Role.TOWNSHIP, Role.VILLAGE):
        return "village"
    return "county"


def rollup_function(user: User) -> Callable[[str], str]:
    """The village code → the code of the place it is counted under, for this user."""
    level = rollup_level(user)
    if level == "county":
        return county_of
    if level == "township":
        return township_of
    return str


@dataclass(frozen=True)
class RollupRow:
    code: str
    name: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


def rollup(user: User, *columns: Iterable[object]) -> list[RollupRow]:
    """Several columns of village codes (one per thing counted) rolled up for ``user``: one row per place,
    most counted first, then by code."""
    to_place = rollup_function(user)
    counters = [Counter(to_place(str(code)) for code in column) for column in columns]
    codes = set().union(*(c.keys() for c in counters)) if counters else set()
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    rows = [RollupRow(code, names.get(code, code), tuple(c.get(code, 0) for c in counters)) for code in codes]
    return sorted(rows, key=lambda row: (-row.total, row.code))
