from __future__ import annotations

from django.db import models


class ParameterKind(models.TextChoices):
    MONITORING_LINE = "monitoring_line", "防止返贫监测范围（元/人·年）"
    DIBAO_STANDARD = "dibao_standard", "农村低保标准（元/人·年）"
    MEDICAL_SUBSIDY = "medical_insurance_subsidy", "医保资助参保标准（元/人·年）"
    ELIMINATION_MIN_MONTHS = "elimination_min_months", "风险消除最短监测时间（月）"
    TRANSPORT_SUBSIDY_MIN_MONTHS = "transport_subsidy_min_months", "一次性交通补助县外务工最短时间（月）"
    STEP_DEADLINES = "step_deadlines", "识别程序各环节时限（工作日）"
    SCREENING_WINDOWS = "screening_windows", "部门筛查预警核查时限"
    WORK_TEAM = "work_team", "驻村工作队配备标准"
    COLLECTIVE_TIERS = "collective_economy_tiers", "村集体经济收入分档（元）"
    ASSISTANCE_CHECKS = "assistance_checks", "帮扶计划检查与成效评估周期（月）"
    NOTICE_RISK_TYPES = "notice_risk_types", "公示中显示风险类型的县（县级区划代码）"
    REGIME = "regime", "政策阶段（对象名称、类型、标准未公布时的处理）"
    PROJECT_PROCEDURE = "project_procedure", "项目库审批时限与公告公示"
    FUND_SCHEDULE = "fund_schedule", "衔接资金支出进度目标（%，按月末）"
    FUND_INDUSTRY_SHARE = "fund_industry_share", "中央衔接资金用于产业发展的比例（%）及计入的资金来源"
    FUND_PERFORMANCE = "fund_performance", "衔接资金绩效评价指标权重（合计100）"
    ASSET_CARE = "asset_care", "项目资产管护巡查、处置审批与收益分配"
    PLANNING_RULES = "planning_rules", "规划指标统计口径与规模性返贫阈值"
    POVERTY_STANDARD = "poverty_standard", "国家扶贫标准（返贫判定，元/人·年）"
    ASSESSMENT = "assessment", "县级考核评估权重、扣分与等次"


class YearRule(models.TextChoices):
    """How a kind's rows answer for a year."""

    EXACT = "exact", "只适用于当年（缺少即报错）"
    IN_FORCE = "in_force", "自该年起执行，直到有新值"
    ALL_YEARS = "all_years", "不分年度"
    FROM_DATE = "from_date", "自执行日期起适用，直到下一阶段"


KIND_YEAR_RULE: dict[str, str] = {
    ParameterKind.MONITORING_LINE: YearRule.EXACT,
    ParameterKind.MEDICAL_SUBSIDY: YearRule.EXACT,
    ParameterKind.DIBAO_STANDARD: YearRule.IN_FORCE,
    ParameterKind.ELIMINATION_MIN_MONTHS: YearRule.ALL_YEARS,
    # P17: tied to 脱贫 status, which ended with the transition: per year, 未配置 until a year's rule is entered
    ParameterKind.TRANSPORT_SUBSIDY_MIN_MONTHS: YearRule.EXACT,
    ParameterKind.STEP_DEADLINES: YearRule.ALL_YEARS,
    ParameterKind.SCREENING_WINDOWS: YearRule.ALL_YEARS,
    ParameterKind.WORK_TEAM: YearRule.ALL_YEARS,
    ParameterKind.COLLECTIVE_TIERS: YearRule.ALL_YEARS,
    ParameterKind.ASSISTANCE_CHECKS: YearRule.ALL_YEARS,
    ParameterKind.NOTICE_RISK_TYPES: YearRule.IN_FORCE,
    # P17: chosen by the decision date, not the assessment year; `year` is the year the regime starts
    ParameterKind.REGIME: YearRule.FROM_DATE,
    # P14: every number of the project library is configurable per year, in force until a new value
    ParameterKind.PROJECT_PROCEDURE: YearRule.IN_FORCE,
    # P14: the funds' numbers likewise, by budget year
    ParameterKind.FUND_SCHEDULE: YearRule.IN_FORCE,
    ParameterKind.FUND_INDUSTRY_SHARE: YearRule.IN_FORCE,
    ParameterKind.FUND_PERFORMANCE: YearRule.IN_FORCE,
    # P15: the asset numbers likewise, by year
    ParameterKind.ASSET_CARE: YearRule.IN_FORCE,
    # P12/P16: how the computed indicators count (务工 months and place, age windows) and the 规模性返贫 threshold
    ParameterKind.PLANNING_RULES: YearRule.ALL_YEARS,
    # P16: the year's national poverty standard decides 返贫; a year without one is 未配置, never a neighbour's
    ParameterKind.POVERTY_STANDARD: YearRule.EXACT,
    # P16: the assessment's weights, deductions and grade thresholds, from a year until a new value
    ParameterKind.ASSESSMENT: YearRule.IN_FORCE,
}


class StandardGap(models.TextChoices):
    """P17: what a decision does between 1 January and the publication of the year's standard."""

    REFUSE = "refuse", "不作判定，说明标准尚未公布"
    PROVISIONAL = "provisional", "暂用上一年度标准，并标注“暂用”"


YUNNAN = "53"
