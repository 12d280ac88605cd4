"""One adapter per department (P10): its record schema, and how a record lands in the common feed columns.

A department sends rows with these ASCII field names (CSV/xlsx header or JSON keys). Each row becomes one
FeedRecord: the person (by the ID's blind index) or household (by 户编号) or village it concerns, a date, and
up to two amounts, a code, a number and a flag — the columns the screening rules read.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhenxing.common.enums import Department


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # id, certificate, household, village, county, date, money, int, bool, choice, text
    required: bool = False
    choices: tuple[str, ...] = ()
    target: str = ""  # FeedRecord column it fills ("" = matching key or not stored)
    low: int = -(2**31)  # bounds of an "int" field (the FeedRecord column is a 32-bit integer)
    high: int = 2**31 - 1


@dataclass(frozen=True)
class Adapter:
    department: Department
    description: str
    fields: tuple[Field, ...]
    # at least one of these keys must be present to find whom the record is about
    keys: tuple[str, ...] = ("id_number",)


# 民政's categories (P17: 低收入人口 dynamic monitoring): the four rosters and the one-off 临时救助
ASSISTANCE_CATEGORIES = ("低保", "特困", "低保边缘", "刚性支出困难", "临时救助")
# a civil_affairs batch whose rows name a county and a date is that county's full roster on that date (P17);
# both are kept on the batch, not on the record (feeds/snapshots.py)
COUNTY_CODE = Field("county_code", "县级区划代码", "county")
SNAPSHOT_DATE = Field("snapshot_date", "名册日期", "date")
SNAPSHOT_FIELDS = ("county_code", "snapshot_date")

ID = Field("id_number", "身份证号", "id")
HOUSEHOLD = Field("household_code", "户编号", "household")
DATE = Field("date", "日期", "date", required=True, target="record_date")

ADAPTERS: dict[str, Adapter] = {
    a.department: a
    for a in (
        Adapter(Department.MEDICAL_INSURANCE, "医保结算与参保", (
            ID, Field("period", "结算期（日期）", "date", required=True, target="record_date"),
            Field("total_cost", "总费用（元）", "money", target="amount2_fen"),
            Field("reimbursed", "报销（元）", "money"),
            Field("out_of_pocket", "目录内个人自付（元）", "money", required=True, target="amount_fen"),
            Field("insured", "参保", "bool", required=True, target="flag"),
        )),
        Adapter(Department.CIVIL_AFFAIRS, "低保、特困、低保边缘、刚性支出困难、临时救助（可按县报送全量名册）", (
            ID, Field("assistance", "救助类别", "choice", required=True, choices=ASSISTANCE_CATEGORIES, target="code"),
            # a roster row may leave the start out: it then counts from the roster's date (feeds/snapshots.py)
            Field("start", "开始日期", "date", target="record_date"),
            Field("end", "结束日期", "date", target="end_date"),
            COUNTY_CODE, SNAPSHOT_DATE,
        )),
        Adapter(Department.EDUCATION, "学籍与辍学", (
            ID, Field("school", "学校", "text"),
            Field("status", "状态", "choice", required=True, choices=("在读", "辍学", "休学", "未入学"), target="code"), DATE,
        )),
        Adapter(Department.HOUSING, "农房安全鉴定", (
            HOUSEHOLD, ID, Field("grade", "鉴定等级", "choice", required=True, choices=("A", "B", "C", "D"), target="code"), DATE,
        ), keys=("household_code", "id_number")),
        Adapter(Department.WATER, "农村饮水", (
            Field("village_code", "行政村代码", "village"), HOUSEHOLD,
            Field("problem", "问题类型", "choice", required=True, choices=("断水", "水质不达标", "取水不便"), target="code"),
            Field("days_cut", "断水天数", "int", target="number", low=0, high=366), DATE,
        ), keys=("household_code", "village_code")),
        Adapter(Department.DISABILITY, "残疾人证", (
            Field("certificate", "残疾人证号（20位）", "certificate", required=True), DATE,
        ), keys=("certificate",)),
        Adapter(Department.EMERGENCY, "灾害损失", (
            HOUSEHOLD, ID, Field("disaster", "灾害类型", "choice", required=True, choices=("洪涝", "地质", "旱灾", "生物", "气象", "地震", "其他"), target="code"),
            Field("loss", "损失（元）", "money", required=True, target="amount_fen"),
            Field("house_damaged", "房屋受损", "bool", target="flag"), DATE,
        ), keys=("household_code", "id_number")),
        Adapter(Department.HUMAN_RESOURCES, "就业与失业登记", (
            ID, Field("status", "就业状态", "choice", required=True, choices=("就业", "失业"), target="code"),
            Field("months", "务工月数", "int", target="number", low=0, high=12),
            Field("registered_unemployed", "登记失业", "bool", target="flag"), DATE,
        )),
        Adapter(Department.HEALTH, "大病与慢病登记", (
            ID, Field("disease_class", "病种类别", "choice", required=True, choices=("大病", "慢病"), target="code"), DATE,
        )),
        Adapter(Department.PUBLIC_SECURITY, "死亡与户籍迁出", (
            ID, Field("event", "事项", "choice", required=True, choices=("死亡", "迁出"), target="code"), DATE,
        )),
    )
}  # fmt: skip
