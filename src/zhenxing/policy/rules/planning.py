"""P12 plan indicators, P16 returns to poverty and reporting periods, P11 village work teams: the rules the
planning app counts by. Pure: the `planning_rules` and `poverty_standard` parameters' numbers are passed in."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from zhenxing.policy.rules.sector import WorkTeamRequirement
from zhenxing.policy.vocab import RISK_TYPES, WORK_PLACES

# P12 务工 outside the home township: every work place but the first (乡镇内)
TRANSFER_PLACES_OUTSIDE_TOWNSHIP: tuple[str, ...] = WORK_PLACES[1:]

# P16: the P6 risk types that are a 两不愁三保障 or drinking-water item unmet (住房出现安全问题, 义务教育阶段
# 失学辍学, 饮水安全问题); 因病 is a cause, not an unmet guarantee
BASIC_NEEDS_RISK_TYPES: tuple[str, ...] = RISK_TYPES[8:11]


def transfer_employed(
    *, work_months: int, work_place: str, min_months: int, outside_township_only: bool
) -> bool:
    """P12 转移就业 of 脱贫 labour: 务工 for `min_months` or more in the year (以上 includes the number itself),
    outside the home township (乡镇外县内, 县外省内, 省外) when `outside_township_only`, anywhere otherwise."""
    if work_months < min_months:
        return False
    return not outside_township_only or work_place in TRANSFER_PLACES_OUTSIDE_TOWNSHIP


def returned_to_poverty(
    *, net_income_fen: int, members: int, standard_yuan: int | None, unmet_basic_needs: bool
) -> bool | None:
    """P16 返贫: the household's per-capita net income below the year's national poverty standard, or a
    两不愁三保障 item unmet. None when the standard is not configured and no basic need is unmet (未配置: the
    count cannot be made, and is not silently 0). Compared without division: income < standard × members."""
    if unmet_basic_needs:
        return True
    if standard_yuan is None:
        return None
    return net_income_fen < standard_yuan * 100 * members


def large_scale_return(returned_people: int, *, threshold: int) -> bool:
    """P16 规模性返贫风险: a county's returns in a year at or above the configured threshold."""
    return returned_people >= threshold


@dataclass(frozen=True)
class TeamOnRecord:
    """A village's team in post: first secretaries and the other work-team members."""

    first_secretaries: int
    members: int  # besides the first secretary


def work_team_shortfall(requirement: WorkTeamRequirement, team: TeamOnRecord) -> str | None:
    """P11: None when the team in post meets the village's requirement (policy.rules.sector.work_team_requirement);
    else why not, in Chinese ("缺第一书记；工作队队员 2 人，应为 4 人"). More than required is not a shortfall."""
    reasons = []
    if requirement.first_secretary and team.first_secretaries < 1:
        reasons.append("缺第一书记")
    if requirement.members > 0:
        if requirement.at_least:
            needed = requirement.members + (1 if requirement.first_secretary else 0)
            total = team.members + team.first_secretaries
            if total < needed:
                reasons.append(f"工作队含第一书记 {total} 人，应不少于 {needed} 人")
        elif team.members < requirement.members:
            reasons.append(f"工作队队员 {team.members} 人，应为 {requirement.members} 人")
    return "；".join(reasons) or None


def target_met(value: Decimal | None, target: Decimal | None, direction: str) -> bool | None:
    """P16: an indicator's value against its target (≥ or ≤, inclusive); None when either is missing."""
    if direction not in (">=", "<="):
        raise ValueError(f"方向应为 >= 或 <=，收到 {direction}")
    if value is None or target is None:
        return None
    return value >= target if direction == ">=" else value <= target


PERIOD_KINDS = ("month", "quarter", "year")


def period_bounds(kind: str, year: int, number: int) -> tuple[datetime.date, datetime.date]:
    """P16 reporting periods: a month (1-12), a quarter (1-4) or the year (number 0); both days inclusive."""
    if kind == "month" and 1 <= number <= 12:
        first, last = number, number
    elif kind == "quarter" and 1 <= number <= 4:
        first, last = 3 * number - 2, 3 * number
    elif kind == "year" and number == 0:
        first, last = 1, 12
    else:
        raise ValueError(f"报送期无效：{kind} {year} 第{number}期")
    return datetime.date(year, first, 1), datetime.date(year, last, calendar.monthrange(year, last)[1])


def period_deadline(end: datetime.date, grace_days: int) -> datetime.date:
    """P16: a period's value is frozen at its deadline, the period's last day plus the grace days."""
    return end + datetime.timedelta(days=grace_days)
