"""The year's monitoring line (P4), asked in one place by the contract, the screening round and the what-if.

A year without a line is a clear error, never a silent default (P4): LineNotConfigured, at the request's
`year`, which the API, the pages and the command line answer like any other invalid input.

P17: between 1 January and the publication of the year's standard — the line of the decision's own year is
missing — the regime in force on the decision date says what happens (its `standard_gap`): refuse with the
Chinese reason (StandardNotPublished), or use the latest earlier year's line, marked provisional (暂用)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from zhenxing.common.errors import ErrorDetail, InvalidInput
from zhenxing.policy import selectors
from zhenxing.policy.enums import YUNNAN, ParameterKind, StandardGap
from zhenxing.policy.models import Parameter
from zhenxing.policy.regimes import regime_for
from zhenxing.policy.rules.money import yuan_to_fen


class LineNotConfigured(InvalidInput):
    code = "line_not_configured"

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__([ErrorDetail(("year",), self.code, f"未配置{year}年度监测范围")])


class StandardNotPublished(InvalidInput):
    """P17, gap setting "refuse": the year's standard is not yet published, so no decision is made."""

    code = "standard_not_published"

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            [
                ErrorDetail(
                    ("year",),
                    self.code,
                    f"{year}年度防止返贫监测范围（识别标准）尚未公布，按现行政策阶段的规定暂不作判定",
                )
            ]
        )


def provisional_note(*, of_year: int, year: int) -> str:
    """How every screen and export marks a provisional line (P17)."""
    return f"暂用{of_year}年标准（{year}年标准尚未公布）"


@dataclass(frozen=True)
class MonitoringLine:
    parameter: Parameter  # cited by the decisions and runs that used it (P8, P13)
    yuan: Decimal
    fen: int
    of_year: int = 0  # the year whose line this is (an earlier year's when provisional)
    provisional: bool = False  # P17: the year's standard is not yet published; an earlier year's stands in
    year: int = 0  # the assessment year asked for

    @property
    def note(self) -> str:
        return provisional_note(of_year=self.of_year, year=self.year) if self.provisional else ""


def _line(parameter: Parameter, *, year: int, provisional: bool) -> MonitoringLine:
    yuan = Decimal(str(parameter.value))
    return MonitoringLine(
        parameter=parameter,
        yuan=yuan,
        fen=yuan_to_fen(yuan),
        of_year=int(parameter.year or year),
        provisional=provisional,
        year=year,
    )


def line_for(*, year: int, decided_on: datetime.date | None = None, region: str = YUNNAN) -> MonitoringLine:
    """The current monitoring line of `region` for `year`.

    Missing: with `decided_on` in `year` itself (P17's gap between 1 January and the standard's publication)
    the regime in force on `decided_on` decides — StandardNotPublished, or the latest earlier year's line
    marked provisional; otherwise (another year, or no decision date given) LineNotConfigured."""
    parameter = selectors.optional_parameter_for(ParameterKind.MONITORING_LINE, year=year, region=region)
    if parameter is not None:
        return _line(parameter, year=year, provisional=False)
    if decided_on is None or decided_on.year != year:
        raise LineNotConfigured(year)
    regime = regime_for(decided_on, region=region)
    if regime.standard_gap == StandardGap.REFUSE:
        raise StandardNotPublished(year)
    earlier = standing_line(year=year, region=region)
    if earlier is None:
        raise LineNotConfigured(year)
    return earlier


def standing_line(*, year: int, region: str = YUNNAN) -> MonitoringLine | None:
    """The latest earlier year's line, marked provisional for `year` (P17: the standard that stands until
    the year's is published); None when no earlier year has one. The what-if compares a proposal with it."""
    earlier = (
        Parameter.objects.filter(
            kind=ParameterKind.MONITORING_LINE, region=region, is_current=True, year__lt=year
        )
        .order_by("-year")
        .first()
    )
    return None if earlier is None else _line(earlier, year=year, provisional=True)


def what_if_baseline(*, year: int, today: datetime.date, region: str = YUNNAN) -> MonitoringLine:
    """The line a what-if compares a proposal with (P17): the year's own; for the current or a later year whose
    standard is not yet published, the standing one (marked provisional) whatever the regime's gap setting —
    a what-if decides nothing. A past year without its line stays LineNotConfigured."""
    parameter = selectors.optional_parameter_for(ParameterKind.MONITORING_LINE, year=year, region=region)
    if parameter is not None:
        return _line(parameter, year=year, provisional=False)
    standing = standing_line(year=year, region=region) if year >= today.year else None
    if standing is None:
        raise LineNotConfigured(year)
    return standing
