"""The planning parameters in force (P12, P16), each with the citation a frozen value or an assessment keeps
(P13): the statistical rules (planning_rules), the national poverty standard of a year (shipped empty: 未配置)
and the assessment's weights, deductions and grade thresholds."""

from __future__ import annotations

from typing import Any

from zhenxing.common.errors import Conflict
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.models import Parameter
from zhenxing.policy.selectors import ParameterMissing, parameter_for


def citation_of(parameter: Parameter) -> dict[str, Any]:
    return {
        "kind": parameter.kind,
        "id": parameter.pk,
        "version": parameter.version,
        "year": parameter.year,
        "verified": parameter.verified,
    }


def planning_rules(year: int) -> tuple[dict[str, int], dict[str, Any]]:
    try:
        parameter = parameter_for(ParameterKind.PLANNING_RULES, year=year)
    except ParameterMissing as error:
        raise Conflict(
            "“规划指标统计口径与规模性返贫阈值”参数未配置，请系统管理员在政策参数中录入"
        ) from error
    return {key: int(value) for key, value in parameter.value.items()}, citation_of(parameter)


def poverty_standard(year: int) -> tuple[int | None, dict[str, Any] | None]:
    """The year's national poverty standard in yuan a person, or None: 未配置 (P16 ships it empty)."""
    try:
        parameter = parameter_for(ParameterKind.POVERTY_STANDARD, year=year)
    except ParameterMissing:
        return None, None
    return int(parameter.value["yuan"]), citation_of(parameter)


def assessment_values(year: int) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        parameter = parameter_for(ParameterKind.ASSESSMENT, year=year)
    except ParameterMissing as error:
        raise Conflict(
            f"{year}年的“县级考核评估权重、扣分与等次”参数未配置，请系统管理员在政策参数中录入"
        ) from error
    return dict(parameter.value), citation_of(parameter)
