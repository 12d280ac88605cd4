"""P14 绩效评价: a county's yearly score from indicators whose weights are data (the fund_performance parameter,
keys as INDICATORS), each indicator a share of 0–100 computed from the records, then weighted. The result is
one factor of next year's allocation (P14: listed, never turned into money). Nothing here touches the
database: the funds app counts the records (funds/performance.py) and asks these.

What each indicator counts (P14), over the county's projects of the budget year (Project.year; each project code
once, its current version; 出库 projects left out, 终止 ones counted as not done):
- 支出进度 (disbursement): paid / allocated of the county's lines of that budget year;
- 完工率 (completion): projects 竣工, 验收 or 资产移交 / all the year's projects;
- 绩效目标完成率 (targets): targets recorded as met / all targets of the projects 竣工 or later;
- 公告公示完成率 (notices): projects with a posted 实施计划公示 and, once 竣工 or later, a posted 实施结果公示 /
  all the year's projects;
- 联农带农覆盖 (linkage): projects of a category that needs 联农带农 with a mechanism and linked people / all such
  projects.
An indicator with nothing to count (no denominator) is not applicable: the total is taken over the weights of the
applicable ones, rescaled to 100, so that a county is neither rewarded nor punished for what it had none of."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

# the parameter's keys, in the order the report lists them, with their names (policy/values.py labels them too)
INDICATORS: dict[str, str] = {
    "disbursement": "支出进度",
    "completion": "完工率",
    "targets": "绩效目标完成率",
    "notices": "公告公示完成率",
    "linkage": "联农带农覆盖",
}
# P14 grade bands: the lowest total (inclusive) of each grade, best first; below the last: 不合格. A documented
# constant rather than a parameter: the bands are the evaluation's scale, the weights are what a year varies.
GRADE_BANDS: tuple[tuple[int, str], ...] = ((90, "优秀"), (80, "良好"), (60, "合格"))
FAIL_GRADE = "不合格"
NOT_APPLICABLE = "不适用"
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def share(part: int, whole: int) -> Decimal | None:
    """part / whole in percent, to two decimals (half up), at most 100; None when there is nothing to count."""
    if whole <= 0:
        return None
    value = Decimal(part) * _HUNDRED / Decimal(whole)
    return min(value, _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)


def weighted(value: Decimal | None, weight: int) -> Decimal | None:
    """P14: an indicator's contribution, its value (0–100) times its weight / 100; None when not applicable."""
    if value is None:
        return None
    return (value * Decimal(weight) / _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)


def total_score(values: Mapping[str, Decimal | None], weights: Mapping[str, int]) -> Decimal | None:
    """P14: the sum of the weighted scores (as shown, each to two decimals) over the applicable indicators,
    rescaled to their weights (0–100); None when no indicator applies at all. All applicable: the plain sum."""
    applicable = [key for key in INDICATORS if values.get(key) is not None]
    weight_sum = sum(int(weights.get(key, 0)) for key in applicable)
    if weight_sum <= 0:
        return None
    raw = sum((weighted(values[key], int(weights.get(key, 0))) or Decimal(0)) for key in applicable)
    return (Decimal(raw) * _HUNDRED / Decimal(weight_sum)).quantize(_CENT, rounding=ROUND_HALF_UP)


def rescaled(values: Mapping[str, Decimal | None], weights: Mapping[str, int]) -> bool:
    """P14: whether the total was rescaled, i.e. an indicator that weighs something had nothing to count while
    another did, so that the total is not the plain sum of the weighted scores shown beside it."""
    applicable = [key for key in INDICATORS if values.get(key) is not None]
    left_out = [key for key in INDICATORS if values.get(key) is None and int(weights.get(key, 0)) > 0]
    return bool(applicable) and bool(left_out) and total_score(values, weights) is not None


def ranks(totals: Sequence[Decimal | None]) -> list[int | None]:
    """P14 ranking: a county's place among those with a score (1 + how many scored higher, so that equal totals
    share a place); a county without a score (nothing to count) has no place."""
    scored = [total for total in totals if total is not None]
    return [None if total is None else 1 + sum(1 for other in scored if other > total) for total in totals]


def grade(total: Decimal | None, bands: Sequence[tuple[int, str]] = GRADE_BANDS) -> str:
    """P14: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格; no score: 不适用."""
    if total is None:
        return NOT_APPLICABLE
    for lowest, label in bands:
        if total >= lowest:
            return label
    return FAIL_GRADE


def completion_met(status: str, *, done_states: Sequence[str]) -> bool:
    """P14 完工率: a project counts as done once 竣工 (or 验收, 资产移交)."""
    return status in done_states


def notices_met(*, plan_posted: bool, result_posted: bool, done: bool) -> bool:
    """P14 公告公示: the plan posted (not a draft); once done, the result posted too."""
    return plan_posted and (result_posted or not done)


def linkage_met(*, mechanisms: Sequence[str], linked_people: int) -> bool:
    """P14 联农带农: a mechanism named and people linked (脱贫人口 and 监测对象 together) above zero."""
    return bool(mechanisms) and linked_people > 0
