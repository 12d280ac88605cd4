"""Real .xlsx workbooks in the import layout, for tests and benchmarks (written with xlsxwriter)."""

from __future__ import annotations

import datetime
import io
import random
from typing import Any

import xlsxwriter

from zhenxing.policy.rules.idnumber import check_character
from zhenxing.registry.layout import MEMBER_COLUMNS, MEMBER_SHEET, YEAR_COLUMNS, YEAR_SHEET


def _id(county: str, birth: datetime.date, sequence: int) -> str:
    first17 = f"{county}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def member_rows(
    village_code: str, households: int, *, seed: int = 1, code_prefix: str = "T", id_county: str | None = None
) -> list[dict[str, Any]]:
    """Households of 3 (head, spouse, child), every value valid."""
    rng = random.Random(seed)
    rows = []
    county = id_county or village_code[:6]  # where people were registered (P2: not where they live)
    used: set[str] = set()
    for index in range(households):
        code = f"{code_prefix}{index:07d}"
        for relation, age, male in (("户主", 45, True), ("配偶", 43, False), ("之子", 12, True)):
            while True:
                birth = datetime.date(2025 - age, rng.randint(1, 12), rng.randint(1, 28))
                number = _id(county, birth, rng.randrange(0, 500) * 2 + (1 if male else 0))
                if number not in used:
                    used.add(number)
                    break
            rows.append(
                {
                    "户编号": code, "行政村代码": village_code, "自然村": "第1村民小组", "户类型": "脱贫户", "家庭住址": f"{index}号",
                    "户联系电话": "13800000000", "姓名": f"测试{index}{relation}", "证件号码": number, "性别": "男" if male else "女",
                    "出生日期": birth, "与户主关系": relation, "民族": "白族", "政治面貌": "群众",
                    "文化程度": "" if age < 16 else "初中", "在校生状况": "七年级" if age < 16 else "", "失学辍学": "否",
                    "健康状况": "健康", "残疾类别": "", "残疾等级": "", "劳动技能": "无劳动力" if age < 16 else "普通劳动力",
                    "务工所在地": "" if age < 16 else "省外", "务工时间（月）": 0 if age < 16 else 8, "公益性岗位（月）": 0,
                    "城乡居民基本医疗保险": "是", "职工基本医疗保险": "否", "基本养老保险": "是" if age >= 16 else "否",
                    "低保": "否", "特困供养": "否", "联系电话": "",
                }
            )  # fmt: skip
    return rows


def year_rows(member_rows_: list[dict[str, Any]], year: int = 2025) -> list[dict[str, Any]]:
    codes = sorted({row["户编号"] for row in member_rows_})
    return [
        {"户编号": code, "年度": year, "工资性收入": 30000, "生产经营性收入": 8000.5, "财产性收入": 0, "转移性收入": 1200,
         "生产经营性支出": 2000, "住房安全等级": "A", "断水天数": 0, "水质达标": "是", "取水便利": "是"}
        for code in codes
    ]  # fmt: skip


def workbook(
    members: list[dict[str, Any]], years: list[dict[str, Any]] | None = None, *, text_dates: bool = False
) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, columns, rows in (
        (MEMBER_SHEET, MEMBER_COLUMNS, members),
        (YEAR_SHEET, YEAR_COLUMNS, years or []),
    ):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [column.header for column in columns])
        for r, row in enumerate(rows, start=1):
            for c, column in enumerate(columns):
                value = row.get(column.header, "")
                if isinstance(value, datetime.date) and not text_dates:
                    sheet.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), dates)
                elif isinstance(value, datetime.date):
                    sheet.write_string(r, c, value.isoformat())
                elif value == "":
                    continue
                else:
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()
