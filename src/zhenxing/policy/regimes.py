"""The regime a decision is made under (P17): chosen by the decision date, never by the income's year.

A regime is a `regime` parameter (data with an effective date, versioned like every parameter): the transition
period's rules from 2021-01-01 and the 常态化防止返贫致贫 rules from 2026-01-01 ship; a later Yunnan document
(a new type vocabulary, say) is entered as a new version or a new regime, never as code.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from zhenxing.common.errors import ErrorDetail, InvalidInput
from zhenxing.policy.enums import YUNNAN, ParameterKind, StandardGap
from zhenxing.policy.models import Parameter
from zhenxing.policy.selectors import UsedParameter


class RegimeNotConfigured(InvalidInput):
    code = "regime_not_configured"

    def __init__(self, day: datetime.date) -> None:
        self.day = day
        super().__init__(
            [
                ErrorDetail(
                    ("decided_on",), self.code, f"未配置{day.isoformat()}适用的政策阶段，请系统管理员录入"
                )
            ]
        )


@dataclass(frozen=True)
class Regime:
    parameter: Parameter  # cited by every decision made under it (P13)
    effective_from: datetime.date
    name: str
    object_name: str  # 监测对象 / 防止返贫致贫对象
    monitoring_types: tuple[str, ...]
    standard_gap: str  # StandardGap
    dynamic_exit: bool  # P17: after elimination the household keeps no label

    @property
    def provisional_allowed(self) -> bool:
        return self.standard_gap == StandardGap.PROVISIONAL

    def as_dict(self) -> dict[str, Any]:
        """How a decision snapshot and the contract's response cite the regime."""
        return {
            **UsedParameter.of(self.parameter).as_dict(),
            "effective_from": self.effective_from.isoformat(),
            "name": self.name,
            "object_name": self.object_name,
            "monitoring_types": list(self.monitoring_types),
            "standard_gap": self.standard_gap,
            "dynamic_exit": self.dynamic_exit,
        }


def _start(parameter: Parameter) -> datetime.date:
    return parameter.effective_from or datetime.date(parameter.year or 2000, 1, 1)


def regime_of(parameter: Parameter) -> Regime:
    value = parameter.value
    return Regime(
        parameter=parameter,
        effective_from=_start(parameter),
        name=str(value["name"]),
        object_name=str(value["object_name"]),
        monitoring_types=tuple(value["monitoring_types"]),
        standard_gap=str(value["standard_gap"]),
        dynamic_exit=bool(value.get("dynamic_exit", False)),
    )


def regimes_in_force(*, region: str = YUNNAN) -> list[Regime]:
    """The current version of every regime, in the order they start (a handful of rows: one per regime)."""
    regimes = Parameter.objects.filter(kind=ParameterKind.REGIME, region=region, is_current=True)
    return sorted((regime_of(parameter) for parameter in regimes), key=lambda regime: regime.effective_from)


def regime_for(day: datetime.date, *, region: str = YUNNAN) -> Regime:
    """The regime in force on `day`: the latest to start on or before it; RegimeNotConfigured before the first."""
    started = [regime for regime in regimes_in_force(region=region) if regime.effective_from <= day]
    if not started:
        raise RegimeNotConfigured(day)
    return started[-1]
