"""A home page's to-do tile: a count and the list that shows exactly those records, made together by the app
that owns the data, so that the number on the tile and the total of the list it links to cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    key: str  # stable name (tests, data-testid)
    label: str
    value: int
    url: str
    note: str = ""  # one line under the number: what is urgent among them
    urgent: bool = False  # a count that should be zero (overdue): shown with the overdue badge when it is not


@dataclass(frozen=True)
class RankingRow:
    """One place in an overdue ranking, each count with the filtered list for that place."""

    code: str
    name: str
    cases: int
    cases_url: str
    leads: int
    leads_url: str

    @property
    def total(self) -> int:
        return self.cases + self.leads
