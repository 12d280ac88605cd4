"""The year's monitoring line (P4), asked in one place by the contract, the screening round and the what-if.

A year without a line is a clear error, never a silent default (P4): LineNotConfigured, at the request's
`year`, which the API, the pages and the command line answer like any other invalid input."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zhenxing.common.errors import ErrorDetail, InvalidInput
from zhenxing.policy import selectors
from zhenxing.policy.enums import YUNNAN, ParameterKind
from zhenxing.policy.models import Parameter
from zhenxing.policy.rules.money import yuan_to_fen


class LineNotConfigured(InvalidInput):
    code = "line_not_configured"

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__([ErrorDetail(("year",), self.code, f"未配置{year}年度监测范围")])


@dataclass(frozen=True)
class MonitoringLine:
    parameter: Parameter  # cited by the decisions and runs that used it (P8, P13)
    yuan: Decimal
    fen: int


def line_for(*, year: int, region: str = YUNNAN) -> MonitoringLine:
    """The current monitoring line of `region` for `year`; LineNotConfigured when there is none."""
    parameter = selectors.optional_parameter_for(ParameterKind.MONITORING_LINE, year=year, region=region)
    if parameter is None:
        raise LineNotConfigured(year)
    yuan = Decimal(str(parameter.value))
    return MonitoringLine(parameter=parameter, yuan=yuan, fen=yuan_to_fen(yuan))
