"""What a parameter value of each kind must look like, checked before it is stored (Chinese errors)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from zhenxing.common.errors import ErrorDetail, InvalidInput
from zhenxing.policy.enums import ParameterKind, StandardGap
from zhenxing.policy.rules import assessment

# Composite kinds: their keys, each a non-negative integer.
COMPOSITE_KEYS: dict[str, dict[str, str]] = {
    ParameterKind.MEDICAL_SUBSIDY: {
        "monitoring_object": "监测对象",
        "tuopin_household": "脱贫户（非监测对象）",
        "other": "其他人员",
    },
    ParameterKind.STEP_DEADLINES: {
        "analysis": "综合分析研判",
        "investigation": "实地调查",
        "review_meeting": "评议",
        "notice": "公示期",
        "whole_procedure": "识别全程",
        "application_settle_days": "申报未办结上报天数",
    },
    ParameterKind.SCREENING_WINDOWS: {
        "village_check_day": "村级核查截止日",
        "township_recheck_day": "乡镇复核截止日",
        "round_cutoff_day": "并入下月的日期",
        "dismissal_suppression_days": "排除后同规则暂停天数",
    },
    ParameterKind.ASSISTANCE_CHECKS: {
        "plan_warning_months": "无开发式措施提示（月）",
        "plan_error_months": "无开发式措施报错（月）",
        "evaluation_interval_months": "定期评估间隔（月）",
    },
    ParameterKind.PROJECT_PROCEDURE: {
        "township_review": "乡审核",
        "department_review": "县(市)部门审查",
        "county_review": "县市领导小组审核",
        "prefecture_decision": "州领导小组审定",
        "notice_days": "公告公示期（自然日）",
        "proposal_notice_before_township": "村申报公示期满、异议办结后方可乡审核",
        "emergency_prefecture_filing": "应急项目州审定改为开工后备案",
    },
    # P14: the share of the budget year's allocation paid by each month's end (a county behind it is warned)
    ParameterKind.FUND_SCHEDULE: {
        "m03": "3月末",
        "m06": "6月末",
        "m09": "9月末",
        "m11": "11月末",
        "m12": "12月末",
    },
    # P14: the industry share's yearly value and the sources it counts (1 counted, 0 not)
    ParameterKind.FUND_INDUSTRY_SHARE: {
        "target_percent": "产业发展项目占比目标",
        "count_central": "计入中央财政衔接资金",
        "count_province": "计入省级财政衔接资金",
        "count_prefecture": "计入州级财政衔接资金",
        "count_county": "计入县级财政衔接资金",
    },
    # P14 绩效评价: each indicator's weight; the weights add up to 100
    ParameterKind.FUND_PERFORMANCE: {
        "disbursement": "支出进度",
        "completion": "完工率",
        "targets": "绩效目标完成率",
        "notices": "公告公示完成率",
        "linkage": "联农带农覆盖",
    },
    # P15: the inspection interval, the value above which a disposal goes to the county government, and the
    # share of the village's households that an equal unconditional cash or goods line may not reach (一分了之)
    ParameterKind.ASSET_CARE: {
        "inspection_interval_days": "管护巡查间隔（自然日）",
        "government_above_wan": "处置须报县人民政府审批的评估价值（万元，超过）",
        "even_handout_percent": "无条件平均分配覆盖农户比例上限（%）",
    },
    # P12/P16: how the computed indicators count and the 规模性返贫 threshold
    ParameterKind.PLANNING_RULES: {
        "transfer_min_months": "转移就业务工最短时间（月）",
        "transfer_outside_township": "转移就业只计乡镇外务工",
        "labour_min_age": "劳动力最低年龄（岁）",
        "labour_max_age": "劳动力最高年龄（岁）",
        "two_after_min_age": "两后生最低年龄（岁）",
        "two_after_max_age": "两后生最高年龄（岁）",
        "new_labour_min_age": "搬迁新成长劳动力最低年龄（岁）",
        "new_labour_max_age": "搬迁新成长劳动力最高年龄（岁）",
        "large_scale_return_people": "规模性返贫预警人数（县内当年返贫人数达到）",
        "freeze_grace_days": "报送截止（期末后天数）",
    },
    # P16: the year's national poverty standard, by which 返贫 is decided
    ParameterKind.POVERTY_STANDARD: {"yuan": "标准"},
    # P16 考核评估: weights (%), grade thresholds (points), each item's full points and deduction (0.1 points)
    ParameterKind.ASSESSMENT: assessment.parameter_keys(),
    ParameterKind.WORK_TEAM: {
        "large_village_people": "脱贫不稳定人口阈值",
        "large_team_members": "大村工作队员数",
        "small_team_total": "其他村最少人数（含第一书记）",
        "haixi_team_members": "海西片区工作队员数",
    },
}
# Days of the month a screening round is cut off at: every month has them (a 30th would crash in February).
DAY_OF_MONTH_KEYS = {"village_check_day", "township_recheck_day", "round_cutoff_day"}
MONEY_KINDS = {ParameterKind.MONITORING_LINE, ParameterKind.DIBAO_STANDARD}
MONTH_KINDS = {ParameterKind.ELIMINATION_MIN_MONTHS, ParameterKind.TRANSPORT_SUBSIDY_MIN_MONTHS}


def _fail(message: str, code: str = "invalid_value") -> InvalidInput:
    return InvalidInput([ErrorDetail(("value",), code, message)])


def _number(raw: Any, label: str) -> Decimal:
    if isinstance(raw, bool):
        raise _fail(f"{label}应为数字")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation as error:
        raise _fail(f"{label}应为数字，收到“{raw}”") from error
    if not number.is_finite():
        raise _fail(f"{label}应为数字")
    return number


def _whole(raw: Any, label: str) -> int:
    number = _number(raw, label)
    if number != number.to_integral_value() or number < 0:
        raise _fail(f"{label}应为非负整数")
    return int(number)


def _county_codes(raw: Any) -> list[str]:
    """P17: the counties that show the risk category on their notices; an empty list shows it nowhere."""
    if not isinstance(raw, list) or not all(
        isinstance(code, str) and len(code.strip()) == 6 and code.strip().isdigit() for code in raw
    ):
        raise _fail('应为县级区划代码（6位数字）的列表，例如 ["532926"]；不显示则为 []')
    return sorted({code.strip() for code in raw})


# P17: a regime's parts; the type names must fit the case's monitoring_type column (10 characters)
REGIME_KEYS = {
    "name": "政策阶段名称",
    "object_name": "对象名称",
    "monitoring_types": "对象类型",
    "standard_gap": "当年标准未公布时",
    "dynamic_exit": "风险消除后动态退出、不保留标识",
}
MONITORING_TYPE_MAX_LENGTH = 10


def _text(raw: Any, label: str, max_length: int) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _fail(f"请填写{label}")
    text = raw.strip()
    if len(text) > max_length:
        raise _fail(f"{label}最多{max_length}个字，收到“{text}”")
    return text


def _regime(raw: Any) -> dict[str, Any]:
    """P17: a regime as data — its name, the objects' name, the type vocabulary, the gap behaviour."""
    if not isinstance(raw, dict):
        raise _fail("应为包含以下字段的对象：" + "、".join(f"{k}（{v}）" for k, v in REGIME_KEYS.items()))
    extra = [key for key in raw if key not in REGIME_KEYS]
    if extra:
        raise _fail(f"不认识 {'、'.join(extra)}")
    types = raw.get("monitoring_types")
    if not isinstance(types, list) or not types:
        raise _fail("请至少填写一种对象类型")
    cleaned_types = [_text(item, "对象类型", MONITORING_TYPE_MAX_LENGTH) for item in types]
    if len(set(cleaned_types)) != len(cleaned_types):
        raise _fail("对象类型不能重复")
    gap = raw.get("standard_gap")
    if gap not in StandardGap.values:
        raise _fail("当年标准未公布时的处理应为：" + "、".join(label for _, label in StandardGap.choices))
    exit_flag = raw.get("dynamic_exit", False)
    if not isinstance(exit_flag, bool):
        raise _fail("风险消除后动态退出应为“是”或“否”")
    return {
        "name": _text(raw.get("name"), "政策阶段名称", 40),
        "object_name": _text(raw.get("object_name"), "对象名称", 20),
        "monitoring_types": cleaned_types,
        "standard_gap": gap,
        "dynamic_exit": exit_flag,
    }


PERCENT_KINDS = {
    ParameterKind.FUND_SCHEDULE,
    ParameterKind.FUND_INDUSTRY_SHARE,
    ParameterKind.FUND_PERFORMANCE,
    ParameterKind.ASSET_CARE,
}


def _check_funds(kind: str, value: dict[str, int], keys: dict[str, str]) -> None:
    """P14's fund parameters and P15's asset numbers: percentages up to 100, a schedule that never falls, flags
    0 or 1, weights adding up to 100, intervals and thresholds above 0."""
    if kind not in PERCENT_KINDS:
        return
    for key, number in value.items():
        if kind == ParameterKind.ASSET_CARE and key != "even_handout_percent":
            if number < 1:
                raise _fail(f"{keys[key]}应大于0，收到 {number}")
            continue
        limit = 1 if key.startswith("count_") else 100
        if number > limit:
            raise _fail(f"{keys[key]}应在0到{limit}之间，收到 {number}")
    if kind == ParameterKind.FUND_SCHEDULE and list(value.values()) != sorted(value.values()):
        raise _fail("支出进度目标应逐月不减（3月末 ≤ 6月末 ≤ 9月末 ≤ 11月末 ≤ 12月末）")
    if kind == ParameterKind.FUND_INDUSTRY_SHARE and not any(
        v for k, v in value.items() if k.startswith("count_")
    ):
        raise _fail("至少计入一种资金来源")
    if kind == ParameterKind.FUND_PERFORMANCE and sum(value.values()) != 100:
        raise _fail(f"各指标权重合计应为100，现为 {sum(value.values())}")


AGE_WINDOWS = (
    ("labour_min_age", "labour_max_age"),
    ("two_after_min_age", "two_after_max_age"),
    ("new_labour_min_age", "new_labour_max_age"),
)


def _check_planning(kind: str, value: dict[str, int], keys: dict[str, str]) -> None:
    """P12/P16's numbers: a month count within the year, a 0/1 flag, age windows in order, a threshold and a
    standard above 0; the assessment's weights adding up to 100 and its grade thresholds in order."""
    if kind == ParameterKind.PLANNING_RULES:
        if not 1 <= value["transfer_min_months"] <= 12:
            raise _fail(f"转移就业务工最短时间应在1到12个月之间，收到 {value['transfer_min_months']}")
        if value["transfer_outside_township"] > 1:
            raise _fail("转移就业只计乡镇外务工应为1（是）或0（否）")
        for low, high in AGE_WINDOWS:
            if not value[low] <= value[high] <= 120:
                raise _fail(
                    f"{keys[low]}应不大于{keys[high]}（且不超过120岁），现为 {value[low]}、{value[high]}"
                )
        if value["large_scale_return_people"] < 1:
            raise _fail("规模性返贫预警人数应大于0")
    if kind == ParameterKind.POVERTY_STANDARD and value["yuan"] < 1:
        raise _fail("国家扶贫标准应大于0元")
    if kind == ParameterKind.ASSESSMENT:
        problem = assessment.scheme_problem(assessment.scheme_from_values(value))
        if problem:
            raise _fail(problem)


def clean_value(kind: str, raw: Any) -> Any:
    """The normalised JSON value for `kind`, or InvalidInput naming what is wrong."""
    if kind == ParameterKind.REGIME:
        return _regime(raw)
    if kind in MONEY_KINDS:
        amount = _number(raw, "金额")
        if amount <= 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
            raise _fail("金额应为正数，最多两位小数")
        return int(amount) if amount == amount.to_integral_value() else float(amount)
    if kind in MONTH_KINDS:
        months = _whole(raw, "月数")
        if months > 120:
            raise _fail("月数应在0到120之间")
        return months
    if kind == ParameterKind.COLLECTIVE_TIERS:
        if not isinstance(raw, list) or len(raw) != 3:
            raise _fail("应为三个递增的分档金额（元），例如 [20000, 50000, 100000]")
        bounds = [_whole(item, "分档金额") for item in raw]
        if not bounds[0] < bounds[1] < bounds[2]:
            raise _fail("分档金额应严格递增")
        return bounds
    if kind == ParameterKind.NOTICE_RISK_TYPES:
        return _county_codes(raw)
    keys = COMPOSITE_KEYS.get(kind)
    if keys is None:
        raise _fail(f"未知参数类型 {kind}", code="unknown_kind")
    if not isinstance(raw, dict):
        raise _fail("应为包含以下字段的对象：" + "、".join(f"{k}（{v}）" for k, v in keys.items()))
    missing = [f"{key}（{label}）" for key, label in keys.items() if key not in raw]
    extra = [key for key in raw if key not in keys]
    if missing or extra:
        parts = ([f"缺少 {'、'.join(missing)}"] if missing else []) + (
            [f"不认识 {'、'.join(extra)}"] if extra else []
        )
        raise _fail("；".join(parts))
    value = {key: _whole(raw[key], label) for key, label in keys.items()}
    _check_funds(kind, value, keys)
    _check_planning(kind, value, keys)
    for key in DAY_OF_MONTH_KEYS & value.keys():
        if not 1 <= value[key] <= 28:
            raise _fail(f"{keys[key]}应为每月第1到28日（每个月都有的日子），收到 {value[key]}")
    return value
