"""P16 考核评估 with P11's grades: a county's yearly score, per dimension (责任落实, 政策落实, 工作落实, 巩固成效),
from items the platform already knows — process figures (records that lower the score: overdue leads, late
notices, villages short of their work team …) and indicators against their targets — and the assessors' field
findings (抽查 deductions, entered per dimension). Weights, each item's full points and deduction per record, and
the grade thresholds are data (the `assessment` parameter); nothing here touches the database: planning/ counts
the records and asks these.

How a score is made:
- an item: per record, its full points less `per` for each record (never below 0); against a target, its full
  points times the share of the target reached (at most 1; ≤ a target: target / value); a target of 0 has no
  share to take — full points when it is met (≥ 0: value ≥ 0; ≤ 0: value ≤ 0), none when not; an item with no
  data (an indicator 未配置, nothing counted) or no target is left out, and out of its dimension's full points
  too — a county is neither rewarded nor punished for what could not be measured;
- a dimension: its items' points as a percentage of their full points (100 when nothing could be scored), less
  the assessors' findings, never below 0;
- the total: Σ weight × dimension score / 100, two decimals, half up; the grade by the thresholds (inclusive).
A county graded 一般, or flagged for 规模性返贫, is summoned (约谈提醒) and put under listed supervision (挂牌督办).

The parameter stores whole numbers only (policy/values.py), so each item's full points and deduction per record
are stored in tenths of a point (`<key>_full` 100 = 10 分, `<key>_per` 5 = 0.5 分); weights are whole percent and
the grade thresholds whole points. `scheme_from_values` turns them into points; a Scheme is always in points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("responsibility", "责任落实"),
    ("policy", "政策落实"),
    ("work", "工作落实"),
    ("results", "巩固成效"),
)
DIMENSION_LABELS = dict(DIMENSIONS)
GRADES = ("好", "较好", "一般")
GOOD, FAIR, POOR = GRADES
PER_RECORD = "per_record"
TARGET = "target"
DIRECTIONS = (">=", "<=")

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ItemSpec:
    key: str
    dimension: str
    label: str
    method: str  # PER_RECORD | TARGET
    source: str  # a process-figure key (per record) or an indicator code (target)
    unit: str = "条"  # how the records are counted in an explanation ("逾期线索 7 条")


ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec("work_team_shortfall", "responsibility", "驻村工作队配备不足", PER_RECORD,
             "work_team_shortfall", "个村"),
    ItemSpec("rectification_overdue", "responsibility", "逾期未完成的督办整改任务", PER_RECORD,
             "rectification_overdue", "项"),
    ItemSpec("fund_progress", "policy", "衔接资金支出进度", TARGET, "fund_progress"),
    ItemSpec("industry_share", "policy", "衔接资金用于产业发展比例", TARGET, "fund_industry_share"),
    ItemSpec("housing_open", "policy", "住房安全问题未销号", PER_RECORD, "housing_open", "户"),
    ItemSpec("transfer_employment", "policy", "脱贫劳动力转移就业", TARGET, "transfer_employment"),
    ItemSpec("training_employment_rate", "policy", "培训后就业率", TARGET, "training_employment_rate"),
    ItemSpec("overdue_leads", "work", "逾期线索", PER_RECORD, "overdue_leads"),
    ItemSpec("overdue_case_steps", "work", "逾期识别环节", PER_RECORD, "overdue_case_steps"),
    ItemSpec("plan_errors", "work", "帮扶计划报错", PER_RECORD, "plan_errors"),
    ItemSpec("notices_late", "work", "逾期公示", PER_RECORD, "notices_late"),
    ItemSpec("evaluations_late", "work", "逾期成效评估", PER_RECORD, "evaluations_late"),
    ItemSpec("data_quality", "work", "数据质量问题", PER_RECORD, "data_quality"),
    ItemSpec("income_per_capita", "results", "脱贫人口人均纯收入", TARGET, "income_per_capita"),
    ItemSpec("returns", "results", "返贫", PER_RECORD, "returns", "人"),
    ItemSpec("reported_met", "results", "报送指标达标率", TARGET, "reported_met"),
)  # fmt: skip
ITEMS_BY_KEY = {spec.key: spec for spec in ITEMS}

# The shipped scheme, in the parameter's units (full and per in tenths of a point): policy/shipped.py ships it
SHIPPED_WEIGHTS = {"responsibility": 20, "policy": 25, "work": 25, "results": 30}
SHIPPED_FULL_TENTHS = {
    "work_team_shortfall": 100, "rectification_overdue": 100, "fund_progress": 100, "industry_share": 50,
    "housing_open": 50, "transfer_employment": 50, "training_employment_rate": 50, "overdue_leads": 100,
    "overdue_case_steps": 100, "plan_errors": 50, "notices_late": 50, "evaluations_late": 50,
    "data_quality": 50, "income_per_capita": 100, "returns": 100, "reported_met": 50,
}  # fmt: skip
SHIPPED_PER_TENTHS = {
    "work_team_shortfall": 20, "rectification_overdue": 20, "housing_open": 10, "overdue_leads": 5,
    "overdue_case_steps": 5, "plan_errors": 5, "notices_late": 5, "evaluations_late": 5, "data_quality": 1,
    "returns": 20,
}  # fmt: skip


def parameter_keys() -> dict[str, str]:
    """The assessment parameter's keys with their Chinese labels (policy/values.py validates by them)."""
    keys = {f"weight_{key}": f"{label}权重（%）" for key, label in DIMENSIONS}
    keys["good_from"] = "“好”等次最低总分"
    keys["fair_from"] = "“较好”等次最低总分"
    for spec in ITEMS:
        keys[f"{spec.key}_full"] = f"{spec.label}满分（0.1分）"
        if spec.method == PER_RECORD:
            keys[f"{spec.key}_per"] = f"{spec.label}每{spec.unit}扣分（0.1分）"
    return keys


def shipped_value() -> dict[str, int]:
    value = {f"weight_{key}": weight for key, weight in SHIPPED_WEIGHTS.items()}
    value.update(good_from=90, fair_from=80)
    for spec in ITEMS:
        value[f"{spec.key}_full"] = SHIPPED_FULL_TENTHS[spec.key]
        if spec.method == PER_RECORD:
            value[f"{spec.key}_per"] = SHIPPED_PER_TENTHS[spec.key]
    return value


@dataclass(frozen=True)
class Scheme:
    """Weights (percent, per dimension), full points and deduction per record (points, per item), thresholds."""

    weights: Mapping[str, Decimal]
    full: Mapping[str, Decimal]
    per: Mapping[str, Decimal]
    good_from: Decimal
    fair_from: Decimal


def _decimal(raw: Any) -> Decimal:
    return raw if isinstance(raw, Decimal) else Decimal(str(raw))


def scheme_from_values(value: Mapping[str, Any]) -> Scheme:
    """The `assessment` parameter's value (full and per in tenths of a point) as a Scheme in points."""
    return Scheme(
        weights={key: _decimal(value[f"weight_{key}"]) for key, _ in DIMENSIONS},
        full={spec.key: _decimal(value[f"{spec.key}_full"]) * _TENTH for spec in ITEMS},
        per={
            spec.key: _decimal(value[f"{spec.key}_per"]) * _TENTH
            for spec in ITEMS
            if spec.method == PER_RECORD
        },
        good_from=_decimal(value["good_from"]),
        fair_from=_decimal(value["fair_from"]),
    )


def scheme_with(scheme: Scheme, **overrides: Any) -> Scheme:
    """The what-if: the scheme with some numbers changed, named as the parameter names them but in points
    (weight_policy=30, good_from=85, overdue_leads_per=1, fund_progress_full=12). Unknown names: ValueError."""
    weights, full, per = dict(scheme.weights), dict(scheme.full), dict(scheme.per)
    thresholds = {"good_from": scheme.good_from, "fair_from": scheme.fair_from}
    for name, raw in overrides.items():
        number = _decimal(raw)
        if name.startswith("weight_") and name.removeprefix("weight_") in DIMENSION_LABELS:
            weights[name.removeprefix("weight_")] = number
        elif name in thresholds:
            thresholds[name] = number
        elif name.endswith("_full") and name.removesuffix("_full") in ITEMS_BY_KEY:
            full[name.removesuffix("_full")] = number
        elif name.endswith("_per") and name.removesuffix("_per") in per:
            per[name.removesuffix("_per")] = number
        else:
            raise ValueError(f"考核方案中没有“{name}”")
    return replace(scheme, weights=weights, full=full, per=per, **thresholds)


def scheme_problem(scheme: Scheme) -> str | None:
    """What makes a scheme unusable, in Chinese (weights not adding up to 100, thresholds out of order, a
    negative number); None when usable. policy/values.py refuses such a parameter; the what-if shows it."""
    total = sum(scheme.weights.values(), Decimal(0))
    if any(weight < 0 for weight in scheme.weights.values()):
        return "各项权重不能为负数"
    if total != _HUNDRED:
        parts = "、".join(f"{DIMENSION_LABELS[k]} {scheme.weights[k].normalize():f}" for k, _ in DIMENSIONS)
        return f"四项权重合计应为100，现为 {total.normalize():f}（{parts}）"
    if not 0 <= scheme.fair_from < scheme.good_from <= _HUNDRED:
        return (
            f"等次分数线应满足 0 ≤ “较好”最低分 < “好”最低分 ≤ 100，"
            f"现为 较好 {scheme.fair_from.normalize():f}、好 {scheme.good_from.normalize():f}"
        )
    if any(points < 0 for points in (*scheme.full.values(), *scheme.per.values())):
        return "满分和每条扣分不能为负数"
    return None


@dataclass(frozen=True)
class ItemInput:
    count: int | None = None  # per record: the records that lower the score; None = not counted
    value: Decimal | None = None  # target items: None = 未配置 / 无数据
    target: Decimal | None = None
    direction: str = ">="


@dataclass(frozen=True)
class ItemScore:
    key: str
    points: Decimal
    full: Decimal
    explanation: str
    scored: bool  # False: no data; left out of the dimension's full points


@dataclass(frozen=True)
class DimensionScore:
    key: str
    label: str
    points: Decimal
    full: Decimal
    percent: Decimal  # 0-100, two decimals; 100 when nothing could be scored
    findings: Decimal  # the assessors' deductions
    score: Decimal  # percent - findings, at least 0


@dataclass(frozen=True)
class CountyScore:
    items: tuple[ItemScore, ...]
    dimensions: tuple[DimensionScore, ...]
    total: Decimal
    grade: str


def _text(number: Decimal) -> str:
    """7 → "7", 3.50 → "3.5", 0.10 → "0.1": a number as people write it."""
    return f"{number.normalize():f}"


def _per_record(spec: ItemSpec, count: int, full: Decimal, per: Decimal) -> ItemScore:
    if count < 0:
        raise ValueError(f"{spec.label}的条数不能为负数：{count}")
    deduction = per * count
    points = max(Decimal(0), full - deduction)
    if count == 0 or deduction == 0:
        explanation = f"{spec.label} {count} {spec.unit}，不扣分"
    else:
        explanation = f"{spec.label} {count} {spec.unit} × {_text(per)} 分 = 扣 {_text(deduction)} 分"
        if deduction > full:
            explanation += f"（以满分 {_text(full)} 分为限）"
    return ItemScore(spec.key, points, full, explanation, scored=True)


def _against_target(spec: ItemSpec, given: ItemInput, full: Decimal) -> ItemScore:
    value = _decimal(given.value)
    if given.direction not in DIRECTIONS:
        raise ValueError(f"方向应为 >= 或 <=，收到 {given.direction}")
    if given.target is None:  # what cannot be measured is neither rewarded nor punished
        return ItemScore(spec.key, Decimal(0), full, f"{spec.label} {_text(value)}，未设目标，不计分", False)
    target = _decimal(given.target)
    if target == 0:  # no share to take: the target is met (full points) or not (none)
        met = value >= 0 if given.direction == ">=" else value <= 0
        reached = Decimal(1) if met else Decimal(0)
    elif given.direction == ">=":
        reached = min(Decimal(1), max(Decimal(0), value / target))
    else:
        reached = Decimal(1) if value <= 0 else min(Decimal(1), target / value)
    sign = "≥" if given.direction == ">=" else "≤"
    how = f"{spec.label} {_text(value)}，目标 {sign} {_text(target)}"
    points = (full * reached).quantize(_CENT, rounding=ROUND_HALF_UP)
    return ItemScore(spec.key, points, full, f"{how}，得 {_text(points)} 分（满分 {_text(full)} 分）", True)


def item_score(spec: ItemSpec, given: ItemInput, scheme: Scheme) -> ItemScore:
    """P16: one item's points (0 to its full points) and why, in Chinese."""
    full = scheme.full[spec.key]
    if spec.method == PER_RECORD:
        if given.count is None:
            return ItemScore(spec.key, Decimal(0), full, f"{spec.label}：无数据，不计分", scored=False)
        return _per_record(spec, given.count, full, scheme.per[spec.key])
    if given.value is None:
        return ItemScore(spec.key, Decimal(0), full, f"{spec.label}：未配置或无数据，不计分", scored=False)
    return _against_target(spec, given, full)


def _percent(points: Decimal, full: Decimal) -> Decimal:
    if full <= 0:
        return _HUNDRED.quantize(_CENT)
    return (points * _HUNDRED / full).quantize(_CENT, rounding=ROUND_HALF_UP)


def county_score(
    scheme: Scheme, inputs: Mapping[str, ItemInput], findings: Mapping[str, Decimal]
) -> CountyScore:
    """P16: every item, every dimension (less the assessors' findings, keyed by dimension), the weighted total
    and the grade. An item missing from `inputs` has no data."""
    unknown = [key for key in (*inputs, *findings) if key not in ITEMS_BY_KEY and key not in DIMENSION_LABELS]
    if unknown:
        raise ValueError(f"考核方案中没有“{'、'.join(unknown)}”")
    items = tuple(item_score(spec, inputs.get(spec.key, ItemInput()), scheme) for spec in ITEMS)
    dimensions = []
    for key, label in DIMENSIONS:
        scored = [
            item for item, spec in zip(items, ITEMS, strict=True) if spec.dimension == key and item.scored
        ]
        points = sum((item.points for item in scored), Decimal(0))
        full = sum((item.full for item in scored), Decimal(0))
        percent = _percent(points, full)
        deducted = _decimal(findings.get(key, Decimal(0)))
        score = max(Decimal(0), percent - deducted).quantize(_CENT, rounding=ROUND_HALF_UP)
        dimensions.append(DimensionScore(key, label, points, full, percent, deducted, score))
    total = sum((scheme.weights[d.key] * d.score / _HUNDRED for d in dimensions), Decimal(0)).quantize(
        _CENT, rounding=ROUND_HALF_UP
    )
    return CountyScore(items, tuple(dimensions), total, grade_of(total, scheme))


def grade_of(total: Decimal, scheme: Scheme) -> str:
    """P11 grades: 好 from good_from, 较好 from fair_from (both inclusive), else 一般."""
    if total >= scheme.good_from:
        return GOOD
    if total >= scheme.fair_from:
        return FAIR
    return POOR


def needs_supervision(grade: str, *, large_scale_return: bool) -> bool:
    """P11/P16: a county graded 一般, or flagged for 规模性返贫, gets 约谈提醒 and 挂牌督办."""
    return grade == POOR or large_scale_return
