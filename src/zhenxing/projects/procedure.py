"""The project procedure's parameters (P14: every number configurable per year): each review step's limit in
working days, the announcement period in calendar days, whether the proposal's announcement must have ended
before 乡审核, and whether an emergency project's 州审定 becomes a filing after its start."""

from __future__ import annotations

import datetime
from typing import Any

from zhenxing.common import clock
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.selectors import parameter_for
from zhenxing.projects.enums import ProjectStatus

S = ProjectStatus
# each review step's limit, by the parameter's key (P14; working days)
STEP_LIMIT_KEYS: dict[str, str] = {
    S.TOWNSHIP_REVIEW: "township_review",
    S.DEPARTMENT_REVIEW: "department_review",
    S.COUNTY_REVIEW: "county_review",
    S.PREFECTURE_DECISION: "prefecture_decision",
}


def procedure_on(day: datetime.date | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The procedure parameter in force for `day`'s year (default today) and how a decision cites it."""
    parameter = parameter_for(ParameterKind.PROJECT_PROCEDURE, year=(day or clock.today()).year)
    return dict(parameter.value), {"id": parameter.pk, "version": parameter.version, "year": parameter.year}


def step_limits() -> tuple[dict[str, Any], dict[str, Any]]:
    """For the workflow kernel's step clock."""
    return procedure_on()


def notice_period_days(day: datetime.date | None = None) -> tuple[int, dict[str, Any]]:
    values, citation = procedure_on(day)
    return int(values["notice_days"]), citation


def flag(values: dict[str, Any], key: str) -> bool:
    return bool(int(values.get(key, 0)))
