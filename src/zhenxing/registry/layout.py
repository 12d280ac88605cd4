"""The 台账 workbook layout: the national collection form's fields with Chinese headers (README documents it).

Sheet 家庭成员: one row per person, household fields repeated on each row of the household.
Sheet 年度收支: one row per household and year, money in yuan.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhenxing.policy.vocab import (
    DISASTER_KINDS,
    EDUCATION_LEVELS,
    HOUSEHOLD_KINDS,
    HOUSING_GRADES,
    LABOUR_CAPACITIES,
    RELATIONS,
    SCHOOLING,
    WORK_PLACES,
)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text, choice, date, int, money, bool, list
    required: bool = False
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 0
    default: object = None  # value of an empty cell, when not the kind's own default
    optional: bool = False  # the column may be left out of the sheet altogether (a newer column)


YES_NO = ("是", "否")
MEMBER_SHEET = "家庭成员"
YEAR_SHEET = "年度收支"

MEMBER_COLUMNS = (
    Column("户编号", "household_code", "text", required=True),
    Column("行政村代码", "village_code", "text", required=True),
    Column("自然村", "natural_village", "text"),
    Column("户类型", "kind", "choice", required=True, choices=HOUSEHOLD_KINDS),
    Column("家庭住址", "address", "text"),
    Column("户联系电话", "contact_phone", "text"),
    Column("姓名", "name", "text", required=True),
    Column("证件号码", "id_number", "text", required=True),
    Column("性别", "sex", "choice", required=True, choices=("男", "女")),
    Column("出生日期", "birth_date", "date", required=True),
    Column("与户主关系", "relation", "choice", required=True, choices=RELATIONS),
    Column("民族", "ethnicity", "text"),
    Column("政治面貌", "political_status", "text"),
    Column("文化程度", "education", "choice", choices=EDUCATION_LEVELS),
    Column("在校生状况", "schooling", "choice", choices=SCHOOLING),
    Column("失学辍学", "out_of_school", "bool"),
    Column("健康状况", "health", "list", required=True, choices=("健康", "长期慢性病", "患有大病", "残疾")),
    Column("残疾类别", "disability_category", "int", low=1, high=7),
    Column("残疾等级", "disability_grade", "int", low=1, high=4),
    Column("劳动技能", "labour", "choice", required=True, choices=LABOUR_CAPACITIES),
    Column("务工所在地", "work_place", "choice", choices=WORK_PLACES),
    Column("务工时间（月）", "work_months", "int", low=0, high=12),
    Column("公益性岗位（月）", "welfare_job_months", "int", low=0, high=12),
    Column("城乡居民基本医疗保险", "resident_medical_insurance", "bool"),
    Column("职工基本医疗保险", "employee_medical_insurance", "bool"),
    Column("基本养老保险", "pension_insurance", "bool"),
    Column("低保", "dibao", "bool"),
    Column("特困供养", "tekun", "bool"),
    Column("联系电话", "phone", "text"),
)

YEAR_COLUMNS = (
    Column("户编号", "household_code", "text", required=True),
    Column("年度", "year", "int", required=True, low=2000, high=2100),
    Column("工资性收入", "wage", "money"),
    Column("生产经营性收入", "business", "money"),
    Column("财产性收入", "property", "money"),
    Column("转移性收入", "transfer", "money"),
    # the part of 转移性收入 that is 低保金 or 特困供养金 (P17); older workbooks do not have the column
    Column("低保金特困供养金", "assistance_benefit", "money", optional=True),
    Column("生产经营性支出", "business_cost", "money"),
    Column("理赔收入", "insurance_payouts", "money"),
    Column("合规自付医疗支出", "medical_expense", "money"),
    Column("教育支出", "education_expense", "money"),
    Column("残疾康复支出", "rehabilitation_expense", "money"),
    Column("意外事故支出", "accident_expense", "money"),
    Column("灾害支出", "disaster_expense", "money"),
    Column("住房安全等级", "housing_grade", "choice", choices=HOUSING_GRADES),
    Column("断水天数", "water_supply_cut_days", "int", low=0, high=366),
    Column("水质达标", "water_quality_ok", "bool", default=True),
    Column("取水便利", "water_access_ok", "bool", default=True),
    Column("自然灾害", "disaster", "choice", choices=DISASTER_KINDS),
    Column("意外事故", "accident", "bool"),
    Column("产业项目失败", "industry_failure", "bool"),
)

SHEETS = {MEMBER_SHEET: MEMBER_COLUMNS, YEAR_SHEET: YEAR_COLUMNS}
