"""The plan's indicators shipped with the system (P12, P16): data, kept in `Indicator` and `IndicatorTarget`,
which the prefecture extends and splits per county on its pages. Targets here are the plan's prefecture totals
per year (2021-2025); a later year's target is entered as data. Baselines are the plan's 2020 figures where it
gives one. Computed indicators name their selector in `planning.computed.COMPUTED`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

PLAN_YEARS = (2021, 2022, 2023, 2024, 2025)


@dataclass(frozen=True)
class ShippedIndicator:
    code: str
    name: str
    unit: str
    direction: str  # ">=", "<=", "" (watched, no direction)
    period: str  # month, quarter, year
    source: str  # computed, reported
    department: str
    sector: str = ""  # the county sector that reports it (accounts.sectors), "" when none is one
    aggregation: str = "sum"
    baseline: str | None = None
    level: str = "county"
    plan_text: str = ""
    source_note: str = ""
    targets: dict[int, str] = field(default_factory=dict)  # the prefecture's total per year

    @property
    def selector(self) -> str:
        return self.code if self.source == "computed" else ""


def _every_year(value: str) -> dict[int, str]:
    return dict.fromkeys(PLAN_YEARS, value)


C, R = "computed", "reported"
RR, HR, EDU = "rural_revitalization", "human_resources", "education"

SHIPPED_INDICATORS: tuple[ShippedIndicator, ...] = (
    # 巩固成效: income and employment (computed from household years, members, per-person items, the 人社 feed)
    ShippedIndicator("income_per_capita", "脱贫人口人均纯收入", "元", ">=", "year", C, "乡村振兴", RR, "ratio",
                     baseline="10737.51", plan_text="脱贫人口人均纯收入（2020年10737.51元）",
                     source_note="脱贫户年度收支：纯收入合计 ÷ 年末在户人口"),
    ShippedIndicator("income_business_share", "脱贫人口生产经营性收入占比", "%", ">=", "year", C, "乡村振兴", RR,
                     "ratio", baseline="29.89", plan_text="生产经营性收入占比（2020年29.89%）",
                     source_note="脱贫户年度收支：生产经营性净收入 ÷ 纯收入"),
    ShippedIndicator("transfer_employment", "脱贫劳动力转移就业规模", "人", ">=", "year", C, "人力资源社会保障", HR,
                     plan_text="脱贫劳动力转移就业稳定在18万人以上", targets=_every_year("180000"),
                     source_note="脱贫户劳动年龄内劳动力，年内乡镇外务工达到规定月数（规划指标统计口径参数）"),
    ShippedIndicator("tuopin_training", "脱贫劳动力技能培训", "人", ">=", "year", C, "人力资源社会保障", HR,
                     plan_text="每年培训脱贫劳动力3.5万人以上", targets=_every_year("35000"),
                     source_note="帮扶措施到人明细：当年开始的技能培训，按人计"),
    ShippedIndicator("training_employment_rate", "培训后就业率", "%", ">=", "year", C, "人力资源社会保障", HR, "ratio",
                     plan_text="培训后就业率90%以上", targets=_every_year("90"),
                     source_note="当年培训的脱贫劳动力中，培训后有就业岗位、人社就业登记或务工月数的比例"),
    ShippedIndicator("two_after_vocational", "脱贫家庭“两后生”接受职业教育比例", "%", ">=", "year", C, "教育体育", EDU,
                     "ratio", plan_text="90%的脱贫家庭“两后生”接受职业教育", targets=_every_year("90"),
                     source_note="户籍成员在校生状况：两后生年龄段中在中职、高职高专、技师学院就读的比例"),
    ShippedIndicator("relocated_vocational", "搬迁家庭新成长劳动力接受中职教育比例", "%", ">=", "year", C, "教育体育",
                     EDU, "ratio", plan_text="易地搬迁家庭新成长劳动力100%接受中等职业教育",
                     targets=_every_year("100"),
                     source_note="易地扶贫搬迁户成员：新成长劳动力年龄段中在中职、技师学院就读的比例"),
    # monitoring and returns (computed from cases)
    ShippedIndicator("monitoring_households", "监测对象户数", "户", "", "month", C, "乡村振兴", RR,
                     baseline="13871", source_note="期末处于监测帮扶中的案件（已纳入、风险消除程序中）"),
    ShippedIndicator("monitoring_people", "监测对象人数", "人", "", "month", C, "乡村振兴", RR, baseline="35396",
                     source_note="期末处于监测帮扶中的户的在户人口"),
    ShippedIndicator("identified_households", "新识别纳入监测对象户数", "户", "", "month", C, "乡村振兴", RR,
                     source_note="识别监测时间在期内的已纳入案件"),
    ShippedIndicator("eliminated_households", "风险消除户数", "户", "", "month", C, "乡村振兴", RR,
                     source_note="风险消除日期在期内的案件"),
    ShippedIndicator("tuopin_newly_identified", "脱贫户新识别为监测对象户数", "户", "", "month", C, "乡村振兴", RR,
                     source_note="返贫风险：期内纳入监测的脱贫户（P16，与返贫分开统计）"),
    ShippedIndicator("reopened_households", "风险消除后重新纳入户数", "户", "", "month", C, "乡村振兴", RR,
                     source_note="返贫风险：期内重新纳入的曾风险消除户（P16，与返贫分开统计）"),
    ShippedIndicator("returned_people", "返贫人口", "人", "<=", "year", C, "乡村振兴", RR,
                     plan_text="守住不发生规模性返贫的底线", targets=_every_year("0"),
                     source_note="P16：县级确定纳入的脱贫户中，人均纯收入低于当年国家扶贫标准或两不愁三保障未保障的人口"),
    # housing, water (ledgers, feeds, household years)
    ShippedIndicator("housing_open", "住房安全台账未销号户数", "户", "<=", "quarter", C, "住房城乡建设", "housing",
                     targets=_every_year("0"), source_note="住房安全台账期末未销号条目（解决一户、销号一户）"),
    ShippedIndicator("housing_closed", "住房安全台账销号户数", "户", "", "quarter", C, "住房城乡建设", "housing",
                     source_note="住房安全台账销号日期在期内的条目"),
    ShippedIndicator("water_problem_households", "饮水安全问题户数", "户", "<=", "year", C, "水利", "water",
                     targets=_every_year("0"), source_note="年度收支中断水、水质或取水不达标的户（P6饮水安全）"),
    # projects and funds (library, ledger)
    ShippedIndicator("library_projects", "入库项目个数", "个", "", "year", C, "乡村振兴", RR,
                     source_note="项目库中当年度已审定（未出库）的项目，按项目编号计"),
    ShippedIndicator("library_investment", "入库项目计划总投资", "万元", "", "year", C, "乡村振兴", RR,
                     source_note="同上项目的计划总投资"),
    ShippedIndicator("fund_progress", "衔接资金支出进度", "%", ">=", "year", C, "财政", "", "ratio",
                     targets=_every_year("100"), source_note="当年度衔接资金：已支付 ÷ 已下达（支出进度页同一口径）"),
    ShippedIndicator("fund_industry_share", "中央衔接资金用于产业发展比例", "%", ">=", "year", C, "财政", "", "ratio",
                     targets={2022: "55", 2023: "60", 2024: "60", 2025: "60"},
                     source_note="中央衔接资金产业比例参数所列资金来源中，分配到产业发展类项目的比例"),
    ShippedIndicator("cold_chain_bases", "冷链物流基地", "个", ">=", "year", C, "农业农村", "agriculture",
                     plan_text="每年建成冷链物流基地不少于7个", targets=_every_year("7"),
                     source_note="当年竣工的“冷链物流”类项目"),
    ShippedIndicator("ecommerce_sites", "电商服务站点", "个", ">=", "year", C, "农业农村", "agriculture",
                     plan_text="每年建成电商服务站点不少于7个", targets=_every_year("7"),
                     source_note="当年竣工的“农村电商”类项目"),
    ShippedIndicator("tourism_villages", "乡村旅游示范村（累计）", "个", ">=", "year", C, "文化和旅游", "culture_tourism",
                     plan_text="建成100个乡村旅游示范村", targets={2025: "100"},
                     source_note="截至年末有已竣工“休闲农业与乡村旅游”类项目的行政村"),
    # reported by the responsible departments, with evidence
    ShippedIndicator("entrepreneurship_leaders", "培育创业致富带头人（累计）", "人", ">=", "year", R, "乡村振兴", RR,
                     plan_text="培育创业致富带头人5000名", targets={2025: "5000"}),
    ShippedIndicator("leaders_driven_people", "创业致富带头人带动就业（累计）", "人", ">=", "year", R, "乡村振兴", RR,
                     plan_text="带动10万人就业增收", targets={2025: "100000"}),
    ShippedIndicator("eastern_enterprises_key", "东部企业落地（7个重点县，累计）", "个", ">=", "year", R, "发展改革",
                     "development_reform", plan_text="引导50家东部企业到7个重点县投资", targets={2025: "50"}),
    ShippedIndicator("eastern_enterprises_other", "东部企业落地（其余4县，累计）", "个", ">=", "year", R, "发展改革",
                     "development_reform", plan_text="引导30家东部企业到其余4县投资", targets={2025: "30"}),
    ShippedIndicator("eastern_purchases", "东部地区消费帮扶采购额", "亿元", ">=", "year", R, "发展改革",
                     "development_reform", plan_text="每年东部采购不少于2亿元", targets=_every_year("2")),
    ShippedIndicator("canteen_reserve_share", "预算单位食堂预留采购脱贫地区农副产品比例", "%", ">=", "year", R, "财政",
                     "", "ratio", plan_text="食堂预留不低于10%份额", targets=_every_year("10")),
    ShippedIndicator("sanitary_toilets", "农村卫生户厕普及率", "%", ">=", "year", R, "农业农村", "agriculture", "ratio",
                     plan_text="卫生户厕普及率70%以上", targets={2025: "70"}),
    ShippedIndicator("sewage_treatment", "农村生活污水治理率", "%", ">=", "year", R, "住房城乡建设", "housing", "ratio",
                     plan_text="农村生活污水治理率39%", targets={2025: "39"}),
    ShippedIndicator("sewage_collection", "农村生活污水收集率", "%", ">=", "year", R, "住房城乡建设", "housing", "ratio",
                     plan_text="农村生活污水收集率20%", targets={2025: "20"}),
    ShippedIndicator("waste_treatment", "农村生活垃圾处理设施覆盖率", "%", ">=", "year", R, "住房城乡建设", "housing",
                     "ratio", plan_text="生活垃圾处理设施覆盖80%以上", targets={2025: "80"}),
    ShippedIndicator("village_plans", "村庄规划当年完成比例", "%", ">=", "year", R, "农业农村", "agriculture", "ratio",
                     plan_text="村庄规划2021/2022/2023年分别完成30%/40%/30%",
                     targets={2021: "30", 2022: "40", 2023: "30"}),
    ShippedIndicator("family_doctor_hypertension", "家庭医生高血压患者规范管理率", "%", ">=", "year", R, "卫生健康",
                     "health", "ratio", plan_text="四类慢病规范管理率90%以上", targets=_every_year("90")),
    ShippedIndicator("family_doctor_diabetes", "家庭医生糖尿病患者规范管理率", "%", ">=", "year", R, "卫生健康",
                     "health", "ratio", targets=_every_year("90")),
    ShippedIndicator("family_doctor_tuberculosis", "家庭医生肺结核患者规范管理率", "%", ">=", "year", R, "卫生健康",
                     "health", "ratio", targets=_every_year("90")),
    ShippedIndicator("family_doctor_mental", "家庭医生严重精神障碍患者规范管理率", "%", ">=", "year", R, "卫生健康",
                     "health", "ratio", targets=_every_year("90")),
    ShippedIndicator("county_chest_pain_centres", "县级医院胸痛中心建成率", "%", ">=", "year", R, "卫生健康", "health",
                     "ratio", level="prefecture", targets={2025: "80"}),
    ShippedIndicator("county_stroke_centres", "县级医院卒中中心建成率", "%", ">=", "year", R, "卫生健康", "health",
                     "ratio", level="prefecture", targets={2025: "80"}),
    ShippedIndicator("county_trauma_centres", "县级医院创伤中心建成率", "%", ">=", "year", R, "卫生健康", "health",
                     "ratio", level="prefecture", targets={2025: "80"}),
    ShippedIndicator("county_maternal_centres", "县级医院危重孕产妇和新生儿救治中心建成率", "%", ">=", "year", R,
                     "卫生健康", "health", "ratio", level="prefecture", targets={2025: "85"}),
    ShippedIndicator("township_cardio_stations", "乡镇心脑血管疾病防治站建成率", "%", ">=", "year", R, "卫生健康",
                     "health", "ratio", targets={2025: "50"}),
    ShippedIndicator("township_chronic_centres", "乡镇慢病管理中心建成率", "%", ">=", "year", R, "卫生健康", "health",
                     "ratio", targets={2025: "100"}),
    ShippedIndicator("cadre_training", "乡村干部培训覆盖率", "%", ">=", "year", R, "乡村振兴", RR, "ratio",
                     plan_text="乡镇、村干部培训全覆盖", targets=_every_year("100")),
    ShippedIndicator("reserve_cadres", "村均35岁以下后备干部", "人/村", ">=", "year", R, "乡村振兴", RR, "ratio",
                     plan_text="每村储备2-3名35岁以下后备干部", targets=_every_year("2")),
    ShippedIndicator("township_vacancy_rate", "乡镇干部空缺率", "%", "<=", "year", R, "乡村振兴", RR, "ratio",
                     plan_text="乡镇干部空缺率不超过10%", targets=_every_year("10")),
)  # fmt: skip


def ship_indicators(indicator_model: Any, target_model: Any, sector_model: Any) -> None:
    """Insert the shipped indicators and their prefecture totals that are missing (the data migration, with its
    historical models; tests that flush tables). An indicator an administrator changed is left as it is."""
    sectors = {s.code: s for s in sector_model._default_manager.all()}
    for sort, item in enumerate(SHIPPED_INDICATORS, start=1):
        indicator, created = indicator_model._default_manager.get_or_create(
            code=item.code,
            defaults={
                "name": item.name, "unit": item.unit, "direction": item.direction, "period": item.period,
                "source": item.source, "selector": item.selector, "department": item.department,
                "sector": sectors.get(item.sector), "aggregation": item.aggregation,
                "baseline": Decimal(item.baseline) if item.baseline is not None else None, "level": item.level,
                "plan_text": item.plan_text, "source_note": item.source_note, "sort": sort,
            },
        )  # fmt: skip
        if not created:
            continue
        for year, value in item.targets.items():
            target_model._default_manager.get_or_create(
                indicator=indicator,
                year=year,
                county=None,
                defaults={"value": Decimal(value), "note": "规划目标"},
            )


# The yearly statistics template shipped: one row per indicator in the catalogue's order, grouped as P12 lists
# them; the columns are planning.stats.COLUMNS' keys.
SHIPPED_TEMPLATE_CODE = "p12_yearly"
SHIPPED_TEMPLATE_COLUMNS = ("baseline", "target", "value", "achievement", "source", "state")
SHIPPED_TEMPLATE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("一、收入与就业", ("income_per_capita", "income_business_share", "transfer_employment", "tuopin_training",
                       "training_employment_rate", "two_after_vocational", "relocated_vocational",
                       "entrepreneurship_leaders", "leaders_driven_people")),
    ("二、防止返贫监测", ("monitoring_households", "monitoring_people", "identified_households",
                        "eliminated_households", "tuopin_newly_identified", "reopened_households", "returned_people")),
    ("三、住房和饮水安全", ("housing_open", "housing_closed", "water_problem_households")),
    ("四、项目与衔接资金", ("library_projects", "library_investment", "fund_progress", "fund_industry_share",
                        "cold_chain_bases", "ecommerce_sites", "tourism_villages")),
    ("五、东西部协作与消费帮扶", ("eastern_enterprises_key", "eastern_enterprises_other", "eastern_purchases",
                             "canteen_reserve_share")),
    ("六、乡村建设", ("sanitary_toilets", "sewage_treatment", "sewage_collection", "waste_treatment", "village_plans")),
    ("七、健康帮扶", ("family_doctor_hypertension", "family_doctor_diabetes", "family_doctor_tuberculosis",
                    "family_doctor_mental", "county_chest_pain_centres", "county_stroke_centres",
                    "county_trauma_centres", "county_maternal_centres", "township_cardio_stations",
                    "township_chronic_centres")),
    ("八、乡村治理", ("cadre_training", "reserve_cadres", "township_vacancy_rate")),
)  # fmt: skip


def shipped_template_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for heading, codes in SHIPPED_TEMPLATE_GROUPS:
        rows.append({"label": heading, "indicator": ""})
        rows += [{"label": "", "indicator": code} for code in codes]
    return rows


def ship_template(template_model: Any) -> None:
    template_model._default_manager.get_or_create(
        code=SHIPPED_TEMPLATE_CODE,
        defaults={"name": "巩固拓展脱贫攻坚成果同乡村振兴有效衔接年度统计表", "rows": shipped_template_rows(),
                  "columns": list(SHIPPED_TEMPLATE_COLUMNS)},
    )  # fmt: skip
