"""The monitoring-object roster in the national system's column layout (防止返贫监测信息系统 监测对象信息), and
the monitoring report as .xlsx: the roster with status, counts by county and type, by risk type and by
status, and the year's risk eliminations (by name under the transition regime, counted by county under the
normalised one: P17 dynamic exit)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from zhenxing.common import clock
from zhenxing.common.xlsx import Workbook
from zhenxing.divisions.codes import PROVINCE_NAME, ancestors_of, county_of, prefecture_of, township_of
from zhenxing.divisions.models import Division
from zhenxing.monitoring.enums import EliminationMethod
from zhenxing.monitoring.models import Case
from zhenxing.policy.vocab import MONITORING_TYPES
from zhenxing.policy.wording import object_name_on
from zhenxing.registry.models import Membership

COLUMNS = (
    "省", "市", "县", "乡镇", "行政村", "户编号", "户主姓名", "证件号码", "家庭人口数", "户类型", "监测对象类型",
    "风险类型1", "风险类型2", "风险类型3", "风险类型4", "风险类型5", "识别监测时间", "信息来源", "是否绿色通道",
)  # fmt: skip


STATUS_COLUMNS = ("监测状态", "风险消除时间", "风险消除方式")


def roster_workbook(cases: Iterable[Case]) -> bytes:
    """Masked ID numbers only: a full-ID export needs the reveal capability and a reason (not built here)."""
    book = Workbook()
    write_roster_sheet(book, object_name_on(clock.today()), list(cases))  # P17: the objects' name today
    return book.finish()


def write_roster_sheet(book: Workbook, title: str, cases: list[Case], *, with_status: bool = False) -> None:
    """One roster sheet; `with_status` adds the monitoring status and the elimination date and method."""
    prefixes = {code for case in cases for code in ancestors_of(case.village_id)}
    names = dict(Division.objects.filter(code__in=prefixes).values_list("code", "name"))
    heads = {
        m.household_id: m.person
        for m in Membership.objects.filter(
            household_id__in=[c.household_id for c in cases], relation="户主", left_on__isnull=True
        ).select_related("person")
    }
    sizes: dict[int, int] = {}
    for household_id in Membership.objects.filter(
        household_id__in=[c.household_id for c in cases], left_on__isnull=True
    ).values_list("household_id", flat=True):
        sizes[household_id] = sizes.get(household_id, 0) + 1
    sheet = book.add_sheet(title)
    sheet.row(0, 0, COLUMNS + (STATUS_COLUMNS if with_status else ()), book.bold)
    for row, case in enumerate(cases, start=1):
        head = heads.get(case.household_id or 0)
        risks = (case.risk_types + [""] * 5)[:5]
        sheet.row(
            row, 0,
            [PROVINCE_NAME, names.get(prefecture_of(case.village_id), ""), names.get(county_of(case.village_id), ""),
             names.get(township_of(case.village_id), ""), case.village.name, case.household.code if case.household else "",
             head.name if head else "", head.id_number_masked if head else "", sizes.get(case.household_id or 0, 0),
             case.household.kind if case.household else "", case.monitoring_type, *risks,
             case.identified_on.isoformat() if case.identified_on else "", case.get_source_display(),
             "是" if case.green_channel else "否",
             *([case.get_status_display(), case.eliminated_on.isoformat() if case.eliminated_on else "",
                case.elimination_method] if with_status else [])],
        )  # fmt: skip
    sheet.freeze_panes(1, 0)


def report_workbook(*, monitored: Iterable[Case], report: dict[str, Any], year: int) -> bytes:
    """The year's workbook. The type columns are the year's regime's vocabulary (P17) and any stored type
    outside it. A year under the transition regime reads as it always did (its eliminated households by name);
    a year under the normalised regime (P17 dynamic exit) counts its eliminations by county instead of naming
    the households, and adds the counts by household category (分类管理)."""
    book = Workbook()
    bold = book.bold
    types = report.get("types") or MONITORING_TYPES
    # P17: the sheet says what the year's regime calls the objects (监测对象 until 2025)
    name = object_name_on(min(datetime.date(year, 12, 31), clock.today()))
    write_roster_sheet(book, name, list(monitored), with_status=True)
    sheet = book.add_sheet("分县分类型")
    sheet.row(0, 0, ["县（市）", *types, "合计"], bold)
    for row, (_, name, counts) in enumerate(report["by_county"], start=1):
        sheet.row(row, 0, [name, *(counts[t] for t in types), counts["total"]])
    dynamic_exit = report.get("dynamic_exit", False)
    if dynamic_exit:
        sheet = book.add_sheet("分户类型")
        sheet.row(0, 0, ["户类型", "户数"], bold)
        for row, (kind, count) in enumerate(report["by_kind"], start=1):
            sheet.row(row, 0, [kind, count])
    sheet = book.add_sheet("风险类型")
    sheet.row(0, 0, ["风险类型", "户数"], bold)
    for row, (risk, count) in enumerate(report["by_risk"], start=1):
        sheet.row(row, 0, [risk, count])
    sheet = book.add_sheet("监测状态")
    sheet.row(0, 0, ["状态", "户数"], bold)
    for row, (status, count) in enumerate(report["by_status"], start=1):
        sheet.row(row, 0, [status, count])
    labelled = list(report["eliminated"])  # only eliminations under the transition regime carry names
    if labelled or not dynamic_exit:
        write_roster_sheet(book, f"{year}年风险消除", labelled, with_status=True)
    if dynamic_exit:
        write_elimination_counts(book, f"{year}年风险消除统计", report["eliminated_by_county"])
    return book.finish()


def write_elimination_counts(book: Workbook, title: str, rows: list[tuple[str, str, Any]]) -> None:
    """P17: the year's eliminations counted by county and method, with no household named."""
    methods = [method.value for method in EliminationMethod]
    sheet = book.add_sheet(title)
    sheet.row(0, 0, ["县（市）", *methods, "合计"], book.bold)
    for row, (_, name, counts) in enumerate(rows, start=1):
        sheet.row(row, 0, [name, *(counts[m] for m in methods), counts["total"]])
    total = len(rows) + 1
    sheet.row(
        total,
        0,
        ["合计", *(sum(c[m] for _, _, c in rows) for m in methods), sum(c["total"] for _, _, c in rows)],
    )
