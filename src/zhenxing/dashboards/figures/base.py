"""What a dashboard figure is: a named count over the raw tables (its 口径 in Chinese and a version), kept at its
finest level, with the measures a chart draws from its series and the link to the records behind each number.

A figure's `compute(as_of)` yields `Count`s at villages (records) or counties (money, indicators, assessments);
the refresh rolls them up. A measure is a stored series, or a rate of two (numerator / denominator × scale), so
that a rate at the county is computed from the county's sums, never averaged from its townships' rates."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal
from urllib.parse import urlencode

from django.urls import reverse

Level = Literal["village", "county"]
Chart = Literal["bar", "stack"]


@dataclass(frozen=True)
class Count:
    code: str  # the village (12 digits) or county (6 digits) the number is counted at
    series: str
    value: Decimal | int
    period: str = ""  # '' for "as of the run", 'YYYY-MM' for a month of a periodic figure, 'YYYY' for a year


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    numerator: str | tuple[str, ...]  # a series key, or several summed
    denominator: str = (
        ""  # a rate when set: numerator / denominator × scale (None where the denominator is 0)
    )
    scale: int = 100

    def of(self, values: Mapping[str, Decimal]) -> Decimal | None:
        parts = (self.numerator,) if isinstance(self.numerator, str) else self.numerator
        top = sum((values.get(part, Decimal(0)) for part in parts), Decimal(0))
        if not self.denominator:
            return top
        bottom = values.get(self.denominator, Decimal(0))
        if not bottom:
            return None
        return (top * self.scale / bottom).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    note: str  # 口径: what is counted, from which records, on which day
    version: int
    level: Level
    series: tuple[tuple[str, str], ...]  # (key, label) of the stored series
    measures: tuple[Measure, ...]  # what the chart draws per place, in order
    compute: Callable[[datetime.date], Iterable[Count]]
    # (place code, measure key, period, the run's day) → the URL of the list showing exactly the records behind
    # that number (the same count: a window counted up to the run's day is bounded by it), or ''
    drill: Callable[[str, str, str, datetime.date], str]
    chart: Chart = "bar"  # measures side by side, or stacked (parts of one whole)
    periodic: bool = False  # rows carry 'YYYY-MM' periods: the by-place view shows `place_periods` of them
    place_periods: int = 1  # 1: the latest period (a stock on a day); 12: the last twelve summed (a flow)
    map_measure: str = ""  # the measure the map colours by ('' → the first)
    capability: str = ""  # a capability the reader must also hold to see this figure ('' → none)
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def all_measures(self) -> tuple[Measure, ...]:
        """The drawn measures, and for a stack their total (which the table and the map show too)."""
        if self.chart != "stack":
            return self.measures
        unit = self.measures[0].unit
        parts = tuple(
            p
            for m in self.measures
            for p in ((m.numerator,) if isinstance(m.numerator, str) else m.numerator)
        )
        return (*self.measures, Measure(TOTAL, "合计", unit, parts))

    @property
    def map_key(self) -> str:
        return self.map_measure or (TOTAL if self.chart == "stack" else self.measures[0].key)

    def measure(self, key: str) -> Measure | None:
        return next((m for m in self.all_measures if m.key == key), None)


TOTAL = "total"
FIGURES: dict[str, Figure] = {}


def register(figure: Figure) -> Figure:
    if figure.key in FIGURES:
        raise ValueError(f"图表 {figure.key} 重复登记")
    series = {key for key, _ in figure.series}
    for measure in figure.all_measures:
        parts = {measure.numerator} if isinstance(measure.numerator, str) else set(measure.numerator)
        missing = (parts | {measure.denominator}) - series - {"", TOTAL}
        if missing:
            raise ValueError(f"图表 {figure.key} 的指标 {measure.key} 用到未登记的系列 {sorted(missing)}")
    FIGURES[figure.key] = figure
    return figure


def month_key(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def month_ends(as_of: datetime.date, months: int) -> list[datetime.date]:
    """The last day of each of the `months` months up to `as_of`'s month, oldest first; the current month's
    'end' is `as_of` itself (a month not yet over is counted as it stands)."""
    days: list[datetime.date] = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        last = first - datetime.timedelta(days=1)
        days.append(last)
        first = last.replace(day=1)
    return list(reversed(days))


@functools.cache
def route(name: str) -> str:
    """A list page's path, reversed once per process: a data.json builds hundreds of drill links."""
    return reverse(name)


def link(name: str, query: Mapping[str, str] | None = None) -> str:
    """The drill link: the route's path with its query (none → the bare path)."""
    return f"{route(name)}?{urlencode(query)}" if query else route(name)


def month_last_day(period: str, as_of: datetime.date) -> datetime.date:
    """The day a month's stock is counted on (month_ends): the month's last day, or `as_of` in its own month."""
    first = datetime.date.fromisoformat(f"{period}-01")
    following = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return min(following - datetime.timedelta(days=1), as_of)
