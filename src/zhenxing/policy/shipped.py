"""The parameter values POLICY.md gives, shipped by a data migration so that a fresh install can evaluate.
Each names the document it comes from (never this project's spec files); where no document was seen, says so.

Not shipped, on purpose: the 2021, 2022 and 2024 monitoring lines (unverified; P4) — an administrator
enters them, and asking for such a year meanwhile is a clear error; the national poverty standard (P16), so
that the 返贫 count says 未配置 until it is entered.
"""

from __future__ import annotations

import datetime
from typing import Any

from zhenxing.policy.rules.assessment import shipped_value as assessment_shipped_value

PLAN = "《大理州“十四五”巩固拓展脱贫攻坚成果同乡村振兴有效衔接规划》(2023)"

# P11 for the transition period 2021-2025; P17: the rule is tied to 脱贫 status, so 2026 is 未配置 until entered
TRANSPORT_NOTE = (
    "P11：“3个月以上”含3个月；过渡期2021至2025年逐年适用，此后年度由系统管理员依据文件录入（P17）。"
)

SHIPPED_PARAMETERS: list[dict[str, Any]] = [
    {
        "kind": "monitoring_line",
        "year": 2023,
        "value": 8050,
        "document": "云南省2023年防止返贫监测范围（见于县级政府网站公开信息）",
        "verified": False,
        "note": "P4：部分核实——见于县级政府网站，作为全省标准使用。",
    },
    {
        "kind": "monitoring_line",
        "year": 2025,
        "value": 8700,
        "document": "云农办通〔2025〕1号",
        "verified": True,
        "note": "P4：已核实。",
    },
    {
        "kind": "dibao_standard",
        "year": 2020,
        "effective_from": "2020-06-01",
        "value": 4500,
        "document": f"{PLAN}；云南省农村低保标准自2020年6月起执行",
        "verified": True,
        "note": "P4：此后年度的标准未核实，由系统管理员依据文件录入。",
    },
    *[
        {
            "kind": "medical_insurance_subsidy",
            "year": year,
            "value": {"monitoring_object": 180, "tuopin_household": tuopin, "other": 0},
            "document": f"{PLAN}（医疗保障资助参保政策）",
            "verified": True,
            "note": "P11：监测对象每年资助180元；非监测对象的脱贫户2021至2025年依次为180、135、90、45、0元。",
        }
        for year, tuopin in ((2021, 180), (2022, 135), (2023, 90), (2024, 45), (2025, 0))
    ],
    {
        "kind": "elimination_min_months",
        "year": None,
        "value": 6,
        "document": f"{PLAN}（风险消除：帮扶成效评议、知情同意、实地调查公示、逐级审定）；监测满6个月方可消除为通行做法，未见正式文件",
        "verified": False,
        "note": "P9：纳入监测满6个月方可标注风险消除。",
    },
    *[
        {
            "kind": "transport_subsidy_min_months",
            "year": year,
            "value": 3,
            "document": f"{PLAN}（就业帮扶：县外务工3个月以上给予一次性交通补助）",
            "verified": True,
            "note": TRANSPORT_NOTE,
        }
        for year in range(2021, 2026)
    ],
    {
        "kind": "step_deadlines",
        "year": None,
        "value": {
            "analysis": 5,
            "investigation": 3,
            "review_meeting": 5,
            "notice": 5,
            "whole_procedure": 20,
            "application_settle_days": 10,
        },
        "document": (
            f"{PLAN}（识别程序：群众自主申报、综合分析研判、实地调查、评议公示、乡镇审核、县级确定）；"
            "各环节时限为默认值，全程20个工作日取自海南省规定，大理规定未核实；申报10日未办结上报乡镇、县，依云南省政府救助平台规则"
        ),
        "verified": False,
        "note": "P8：各环节以工作日计；申报未办结上报天数以自然日计。",
    },
    {
        "kind": "screening_windows",
        "year": None,
        "value": {
            "village_check_day": 20,
            "township_recheck_day": 25,
            "round_cutoff_day": 15,
            "dismissal_suppression_days": 90,
        },
        "document": (
            f"{PLAN}（定期排查、部门筛查预警）；"
            "一月一排查，村20日前、乡镇25日前、县月底前核查，15日后线索并入下月，为县级通行做法，未见正式文件"
        ),
        "verified": False,
        "note": "P10：排除后同规则暂停90天为本系统默认值。",
    },
    {
        "kind": "assistance_checks",
        "year": None,
        "value": {"plan_warning_months": 1, "plan_error_months": 6, "evaluation_interval_months": 3},
        "document": (
            f"{PLAN}（有劳动力的坚持开发式帮扶；逐户开展帮扶成效综合分析研判）；"
            "识别1个月后无已实施开发式措施提示、6个月后报错、每季度评估，为本系统默认值"
        ),
        "verified": False,
        "note": "P7：帮扶计划检查；每季度评估为本系统默认值。",
    },
    {
        "kind": "work_team",
        "year": None,
        "value": {
            "large_village_people": 200,
            "large_team_members": 4,
            "small_team_total": 3,
            "haixi_team_members": 2,
        },
        "document": f"{PLAN}（驻村帮扶）",
        "verified": True,
        "note": "P11：驻村工作队配备。",
    },
    {
        "kind": "collective_economy_tiers",
        "year": None,
        "value": [20000, 50000, 100000],
        "document": f"{PLAN}（村级集体经济收入分档）",
        "verified": True,
        "note": "P11：2万元以下；2万至5万元；5万至10万元；10万元以上。",
    },
    {
        "kind": "notice_risk_types",
        "year": 2021,
        "value": [],
        "document": (
            "2026年中央一号文件（实施常态化精准帮扶）及农业农村部2026年2月实施意见（报道所见，未核实）；"
            "公示不显示因病、因残等健康信息，县可申请开启"
        ),
        "verified": False,
        "note": "P17：自所填年度起执行，直到有更晚年度的设置；列出开启显示风险类型的县。",
    },
    {
        "kind": "regime",
        "year": 2021,
        "effective_from": "2021-01-01",
        "value": {
            "name": "巩固拓展脱贫攻坚成果过渡期",
            "object_name": "监测对象",
            "monitoring_types": ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"],
            "standard_gap": "refuse",
            "dynamic_exit": False,
        },
        "document": f"{PLAN}；过渡期为2021至2025年",
        "verified": True,
        "note": "P17：按决定日期适用；过渡期内当年监测范围未公布时不作判定。",
    },
    {
        "kind": "regime",
        "year": 2026,
        "effective_from": "2026-01-01",
        "value": {
            "name": "常态化防止返贫致贫",
            "object_name": "防止返贫致贫对象",
            "monitoring_types": ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"],
            "standard_gap": "provisional",
            "dynamic_exit": True,
        },
        "document": (
            "2026年中央一号文件（实施常态化精准帮扶）及农业农村部2026年2月实施意见（报道所见，未核实）；"
            "对象类型沿用至云南省出台新文件"
        ),
        "verified": False,
        "note": (
            "P17：自2026年1月1日起按决定日期适用；当年识别标准公布前暂用上一年度标准并标注“暂用”；"
            "风险消除后动态退出，不固化身份标签。"
        ),
    },
    {
        "kind": "project_procedure",
        "year": 2021,
        "value": {
            "township_review": 10,
            "department_review": 10,
            "county_review": 15,
            "prefecture_decision": 20,
            "notice_days": 10,
            "proposal_notice_before_township": 1,
            "emergency_prefecture_filing": 1,
        },
        "document": (
            f"{PLAN}（完善项目库建设和管理：村申报、乡审核、县(市)部门审查、县市领导小组审核、州领导小组审定；"
            "坚持公告公示制度）；公示期“原则上不少于10天”见于县级操作指南，未核实；各环节时限为本系统默认值"
        ),
        "verified": False,
        "note": (
            "P14：审批各环节以工作日计，公告公示期以自然日计；应急项目（疫情、灾情）州审定默认改为开工后备案。"
        ),
    },
    {
        "kind": "asset_care",
        "year": 2021,
        "value": {"inspection_interval_days": 365, "government_above_wan": 50, "even_handout_percent": 80},
        "document": (
            f"{PLAN}（强化资产后续管护运营：每年至少巡查一次；严格项目资产处置：履行相应审批手续；"
            "完善收益分配制度：严禁简单发钱发物、一分了之）；审批层级与金额界限、比例为本系统默认值，未核实"
        ),
        "verified": False,
        "note": (
            "P15：巡查逾期的资产列入县级数据质量清单；评估价值超过界限的处置报县人民政府审批；"
            "无劳动、无条件的现金或实物分配，若向不少于该比例的本村农户平均发放，则不予通过。"
        ),
    },
    {
        "kind": "fund_schedule",
        "year": 2021,
        "value": {"m03": 20, "m06": 50, "m09": 75, "m11": 90, "m12": 100},
        "document": "本系统默认值（各地衔接资金支出进度通报多按月末考核，目标值未见统一文件，未核实）",
        "verified": False,
        "note": "P14：支出进度 = 已支付 / 已下达（按预算年度）；月末低于目标的项目和县(市)予以提示。",
    },
    {
        "kind": "fund_industry_share",
        "year": 2022,
        "value": {
            "target_percent": 55,
            "count_central": 1,
            "count_province": 0,
            "count_prefecture": 0,
            "count_county": 0,
        },
        "document": "2022年中央财政衔接推进乡村振兴补助资金用于产业发展的比例“力争达到55%”（报道所见，未核实原文）",
        "verified": False,
        "note": "P14：只计中央财政衔接资金；低于目标只提示，不拒绝。",
    },
    {
        "kind": "fund_industry_share",
        "year": 2023,
        "value": {
            "target_percent": 60,
            "count_central": 1,
            "count_province": 0,
            "count_prefecture": 0,
            "count_county": 0,
        },
        "document": "2023年中央财政衔接推进乡村振兴补助资金用于产业发展的比例“力争提高到60%以上”（报道所见，未核实原文）",
        "verified": False,
        "note": "P14：只计中央财政衔接资金；此后年度沿用，直到录入新值；低于目标只提示，不拒绝。",
    },
    {
        "kind": "fund_performance",
        "year": 2021,
        "value": {"disbursement": 30, "completion": 20, "targets": 20, "notices": 15, "linkage": 15},
        "document": f"{PLAN}（强化资金绩效评价）；各指标权重为本系统默认值，未核实",
        "verified": False,
        "note": "P14：绩效评价结果作为下一年度资金分配因素之一列示，不折算为金额。",
    },
    {
        "kind": "planning_rules",
        "year": None,
        "value": {
            "transfer_min_months": 3,
            "transfer_outside_township": 1,
            "labour_min_age": 16,
            "labour_max_age": 64,
            "two_after_min_age": 15,
            "two_after_max_age": 22,
            "new_labour_min_age": 15,
            "new_labour_max_age": 18,
            "large_scale_return_people": 30,
            "freeze_grace_days": 10,
        },
        "document": (
            f"{PLAN}（脱贫劳动力转移就业、“两后生”职业教育、搬迁新成长劳动力中职教育、守住不发生规模性返贫底线）；"
            "务工月数与地点口径、年龄区间、规模性返贫人数和报送截止天数为本系统默认值，未核实"
        ),
        "verified": False,
        "note": (
            "P12：务工满该月数（“以上”含本数）且务工地点在乡镇外（乡镇外县内、县外省内、省外）计为转移就业；"
            "P16：县内当年返贫人数达到预警人数即提示规模性返贫风险；各期数值于期末后该天数冻结。"
        ),
    },
    {
        "kind": "assessment",
        "year": 2021,
        "value": assessment_shipped_value(),
        "document": (
            f"{PLAN}（考核评估结果分为好、较好、一般三个等次；评为一般或存在规模性返贫问题的约谈提醒、挂牌督办）；"
            "各维度权重、各项满分与扣分、等次分数线为本系统默认值，未核实"
        ),
        "verified": False,
        "note": (
            "P16：责任落实、政策落实、工作落实、巩固成效四项权重合计100；总分达到“好”分数线为好，达到“较好”分数线为较好，"
            "其余为一般（含分数线）；各项满分与每条扣分以0.1分为单位保存（100即10分），页面按分显示。"
        ),
    },
    # poverty_standard (P16) is not shipped: the national standard by which 返贫 is decided is entered by the
    # administrator from the document; meanwhile the 返贫 count says 未配置
]


def ship_parameters(parameter_model: Any, *, exclude: tuple[str, ...] = ()) -> int:
    """Insert the shipped values that have no current row yet; used by the data migration (with its
    historical model) and by tests that re-seed after emptying tables. Returns how many were added."""
    added = 0
    # a migration's historical model knows only the kinds of its time: later kinds ship with their migration
    known = {choice for choice, _ in parameter_model._meta.get_field("kind").choices or ()}
    for spec in SHIPPED_PARAMETERS:
        if spec["kind"] in exclude or spec["kind"] not in known:
            continue
        if parameter_model.objects.filter(
            kind=spec["kind"], region="53", year=spec["year"], is_current=True
        ).exists():
            continue
        effective = spec.get("effective_from")
        parameter_model.objects.create(
            kind=spec["kind"],
            region="53",
            year=spec["year"],
            effective_from=datetime.date.fromisoformat(effective) if effective else None,
            value=spec["value"],
            document=spec["document"],
            verified=spec["verified"],
            note=spec["note"],
        )
        added += 1
    return added
