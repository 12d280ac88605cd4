"""P7 assistance measures recommended from risk types."""

from __future__ import annotations

import calendar
import datetime

from zhenxing.policy.household import Household
from zhenxing.policy.rules.people import can_work_at_all, household_has_labour, in_working_age
from zhenxing.policy.vocab import DEVELOPMENT_MEASURES, MEASURES, WEAK_LABOUR

RISK_MEASURES: dict[str, tuple[str, ...]] = {
    "因病": ("健康帮扶",),
    "因残": ("综合保障",),
    "因学": ("其他教育帮扶",),
    "义务教育阶段失学辍学": ("义务教育保障",),
    "住房出现安全问题": ("住房安全保障",),
    "饮水安全问题": ("饮水安全保障",),
    "因自然灾害": ("综合保障",),
    "因意外事故": ("综合保障",),
    "因产业项目失败": ("产业帮扶", "金融帮扶"),
    "因务工就业不稳": ("就业帮扶",),
    "缺劳动力": ("综合保障",),
    "其他": (),
}


def recommend_measures(
    household: Household, *, year: int, risk_types: list[str], eligible: bool
) -> list[str]:
    """P7: measures for a household within the range or already monitored (`eligible`), in catalogue order.

    Then: with labour, at least one development-type measure (就业帮扶 if none); without labour but with a
    weak/half labourer aged 16-64, 公益岗位帮扶 if no development-type measure; nobody able to work at all,
    综合保障.
    """
    if not eligible:
        return []
    chosen: set[str] = set()
    for risk in risk_types:
        chosen.update(RISK_MEASURES[risk])
    has_development = bool(chosen & set(DEVELOPMENT_MEASURES))
    labour = household_has_labour(household, year)
    if labour and not has_development:
        chosen.add("就业帮扶")
    weak_worker = any(m.labour == WEAK_LABOUR and in_working_age(m, year) for m in household.members)
    if not labour and weak_worker and not has_development:
        chosen.add("公益岗位帮扶")
    if not any(can_work_at_all(m, year) for m in household.members):
        chosen.add("综合保障")
    return [measure for measure in MEASURES if measure in chosen]


def is_comprehensive(risk_types: list[str]) -> bool:
    """P7: one risk type → single measures (单项措施); two or more → comprehensive (综合性帮扶)."""
    return len(risk_types) >= 2


def is_development_measure(measure: str) -> bool:
    return measure in DEVELOPMENT_MEASURES


PLAN_OK, PLAN_WARNING, PLAN_ERROR = "ok", "warning", "error"
PLAN_CHECK_MESSAGES = {
    PLAN_WARNING: "有劳动力的监测户纳入满{warning}个月仍无已实施的开发式帮扶措施（提示）",
    PLAN_ERROR: "有劳动力的监测户纳入满{error}个月仍无已实施的开发式帮扶措施（错误）",
}


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from `start` to `end` (1 March → 1 April is one month; 31 January → 28 February
    is not yet one)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def plan_check(
    *, identified_on: datetime.date, today: datetime.date, has_labour: bool,
    implemented_categories: list[str], warning_months: int, error_months: int,
) -> str:  # fmt: skip
    """P7 data-quality rule on plans: a monitored household with a member with labour and no implemented
    development-type measure is flagged after `warning_months` (1) and is an error after `error_months` (6).
    `implemented_categories`: the categories of its measures that are 实施中 or 已完成."""
    if not has_labour or set(implemented_categories) & set(DEVELOPMENT_MEASURES):
        return PLAN_OK
    months = months_between(identified_on, today)
    if months >= error_months:
        return PLAN_ERROR
    if months >= warning_months:
        return PLAN_WARNING
    return PLAN_OK


def assisted_elimination_allowed(implemented_categories: list[str]) -> bool:
    """P9: a household marked 帮扶消除 must have had a development-type measure implemented."""
    return bool(set(implemented_categories) & set(DEVELOPMENT_MEASURES))


def evaluation_due(
    *, identified_on: datetime.date, last_evaluated_on: datetime.date | None, today: datetime.date,
    interval_months: int,
) -> bool:  # fmt: skip
    """P9 periodic evaluation: due when `interval_months` have passed since the last one (or since
    identification when there is none)."""
    since = last_evaluated_on or identified_on
    return months_between(since, today) >= interval_months
