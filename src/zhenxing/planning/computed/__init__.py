"""Computed indicators (P12, P16): each a named, versioned selector over the platform's own records, so that
nothing the platform knows is typed again (一数一源). A selector answers for every county at once: county code →
`Figure` (a count or sum, or a numerator over a denominator); the prefecture's total adds the parts up, so a
share is recomputed, never averaged. Bump a selector's version whenever its definition changes: every frozen
value keeps the version it was computed by (P13).

The modules below register themselves; `COMPUTED` is complete once `planning.computed.registry` is imported."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    numerator: Decimal
    denominator: Decimal | None = None  # None: the value is the numerator (a count or a sum)
    scale: int = 1  # 100 for a percentage
    unconfigured: bool = False  # a parameter it needs is not entered (未配置)
    parts: Mapping[str, Any] = field(default_factory=dict)  # further counts kept in the provenance

    @property
    def value(self) -> Decimal | None:
        if self.unconfigured:
            return None
        if self.denominator is None:
            return self.numerator.quantize(CENT, rounding=ROUND_HALF_UP)
        if self.denominator == 0:
            return None
        return (self.numerator * self.scale / self.denominator).quantize(CENT, rounding=ROUND_HALF_UP)

    def provenance(self) -> dict[str, Any]:
        out: dict[str, Any] = {"numerator": str(self.numerator)}
        if self.denominator is not None:
            out["denominator"] = str(self.denominator)
        if self.unconfigured:
            out["unconfigured"] = True
        out.update(
            {k: v if isinstance(v, int | str | bool | None) else str(v) for k, v in self.parts.items()}
        )
        return out


@dataclass(frozen=True)
class Context:
    """What a selector is asked: the period's days, when the data was read, the planning_rules parameter's values
    and citations of every parameter used (the selector adds its own)."""

    year: int
    starts_on: datetime.date
    ends_on: datetime.date
    as_of: datetime.datetime
    rules: Mapping[str, int]
    citations: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Computed:
    name: str
    version: int
    definition: str  # 口径, in Chinese, shown with every value
    compute: Callable[[Context], dict[str, Figure]]
    empty: Figure = field(default_factory=lambda: Figure(ZERO))  # a county with no record


COMPUTED: dict[str, Computed] = {}


def computed(name: str, *, version: int, definition: str, ratio: bool = False, scale: int = 1) -> Callable[
    [Callable[[Context], dict[str, Figure]]], Callable[[Context], dict[str, Figure]]
]:  # fmt: skip
    def register(function: Callable[[Context], dict[str, Figure]]) -> Callable[[Context], dict[str, Figure]]:
        if name in COMPUTED:
            raise ValueError(f"computed indicator {name} registered twice")
        empty = Figure(ZERO, ZERO, scale) if ratio else Figure(ZERO)
        COMPUTED[name] = Computed(name, version, definition, function, empty)
        return function

    return register


def total_of(figures: Mapping[str, Figure], empty: Figure) -> Figure:
    """The prefecture's figure: numerators and denominators added up over the counties."""
    numerator = sum((f.numerator for f in figures.values()), ZERO)
    if empty.denominator is None:
        return Figure(numerator, unconfigured=any(f.unconfigured for f in figures.values()))
    denominator = sum((f.denominator or ZERO for f in figures.values()), ZERO)
    return Figure(
        numerator, denominator, empty.scale, unconfigured=any(f.unconfigured for f in figures.values())
    )
