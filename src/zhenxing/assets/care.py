"""The asset_care parameter in force (P15): the inspection interval, the value above which a disposal goes to the
county government, and the 一分了之 share; each decision cites the version it used (P13)."""

from __future__ import annotations

import datetime
from typing import Any

from zhenxing.common import clock
from zhenxing.common.errors import Conflict
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.selectors import ParameterMissing, parameter_for


def asset_care_on(day: datetime.date | None = None) -> tuple[dict[str, int], dict[str, Any]]:
    """The parameter in force for `day`'s year; for a day before its first year (an older asset handed over or
    inspected before the plan, entered now) the one in force today, as its next inspection is due from now on."""
    try:
        parameter = parameter_for(ParameterKind.ASSET_CARE, year=(day or clock.today()).year)
    except ParameterMissing:
        try:
            parameter = parameter_for(ParameterKind.ASSET_CARE, year=clock.today().year)
        except ParameterMissing as error:
            raise Conflict("项目资产管护参数（asset_care）未配置，请系统管理员在政策参数中录入") from error
    citation = {
        "kind": "asset_care",
        "id": parameter.pk,
        "version": parameter.version,
        "year": parameter.year,
    }
    return {key: int(value) for key, value in parameter.value.items()}, citation


def no_step_limits() -> tuple[dict[str, Any], dict[str, Any]]:
    """The disposal and distribution steps have no limit of their own in working days (P15 sets none); the
    step clock still records when each step started, and each step record cites the asset_care parameter in
    force (the kernel writes this citation under cite_as="asset_care": an empty one would blank the citation a
    guard put there, e.g. the county government's threshold, P13)."""
    _, citation = asset_care_on()
    return {}, citation
