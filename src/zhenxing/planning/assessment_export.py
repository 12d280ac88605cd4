"""The county assessment of a year as .xlsx (P16): one row per county (the four dimension scores, total, grade,
规模性返贫 flag, version), every item's points with its explanation, and the parameters each score cites (P13).
Written through common/xlsx (text never becomes a formula); the download is audited as `planning.export`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.common.xlsx import Sheet, Workbook
from zhenxing.planning.models import Assessment
from zhenxing.policy.rules.assessment import DIMENSIONS

SUMMARY_SHEET = "考核结果"
ITEMS_SHEET = "得分明细"
CITATIONS_SHEET = "参数依据"
SUMMARY_HEADER = (
    "县(市)", "区划代码", "考核年度", *(label for _, label in DIMENSIONS), "总分", "等次", "规模性返贫风险",
    "版本", "计算时间",
)  # fmt: skip
ITEMS_HEADER = (
    "县(市)",
    "考核维度",
    "考核项",
    "得分",
    "满分",
    "是否计分",
    "计分说明",
    "记录数或数值",
    "目标",
)
CITATIONS_HEADER = ("县(市)", "参数", "参数年度", "参数版本", "是否已核实", "参数编号")
PARAMETER_LABELS = {"assessment": "考核评估（权重、扣分、等次分数线）", "planning_rules": "规划指标统计口径"}


def _number(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    return Decimal(str(raw))


def _dimension_scores(assessment: Assessment) -> list[Decimal | None]:
    by_key = {d["key"]: d for d in assessment.scores.get("dimensions", [])}
    return [_number(by_key.get(key, {}).get("score")) for key, _ in DIMENSIONS]


def _records_cell(records: dict[str, Any] | None) -> tuple[Any, Any]:
    """What an item counted (its records) or read (an indicator's value), and the target if any."""
    if records is None:
        return "无数据", None
    if "count" in records:
        return int(records["count"]), None
    value = _number(records.get("value"))
    return (value if value is not None else "未配置或无数据"), _number(records.get("target"))


def _summary(sheet: Sheet, bold: Any, assessments: Sequence[Assessment]) -> None:
    sheet.row(0, 0, SUMMARY_HEADER, bold)
    for row, a in enumerate(assessments, start=1):
        sheet.row(row, 0, [
            a.county.name, a.county.code, a.year, *_dimension_scores(a), a.total, a.grade,
            "是" if a.large_scale_return else "否", a.version, a.computed_at,
        ])  # fmt: skip
    sheet.set_column(0, 0, 16)
    sheet.set_column(len(SUMMARY_HEADER) - 1, len(SUMMARY_HEADER) - 1, 18)
    sheet.freeze_panes(1, 1)


def _items(sheet: Sheet, bold: Any, assessments: Sequence[Assessment]) -> None:
    sheet.row(0, 0, ITEMS_HEADER, bold)
    labels = dict(DIMENSIONS)
    row = 1
    for a in assessments:
        for item in a.scores.get("items", []):
            counted, target = _records_cell(item.get("records"))
            sheet.row(row, 0, [
                a.county.name, labels.get(item.get("dimension", ""), item.get("dimension", "")), item.get("label", ""),
                _number(item.get("points")), _number(item.get("full")), "是" if item.get("scored") else "否（不计入满分）",
                item.get("explanation", ""), counted, target,
            ])  # fmt: skip
            row += 1
        for dimension in a.scores.get("dimensions", []):
            findings = _number(dimension.get("findings"))
            if findings:
                sheet.row(row, 0, [
                    a.county.name, dimension.get("label", ""), "实地抽查扣分", -findings, None, "是",
                    f"实地抽查发现合计扣 {findings.normalize():f} 分", None, None,
                ])  # fmt: skip
                row += 1
    sheet.set_column(0, 2, 16)
    sheet.set_column(6, 6, 48)
    sheet.freeze_panes(1, 1)


def _citations(sheet: Sheet, bold: Any, assessments: Sequence[Assessment]) -> None:
    sheet.row(0, 0, CITATIONS_HEADER, bold)
    row = 1
    for a in assessments:
        for kind, cited in (a.inputs.get("parameters") or {}).items():
            if not isinstance(cited, dict):
                continue
            sheet.row(row, 0, [
                a.county.name, PARAMETER_LABELS.get(kind, kind), cited.get("year"), cited.get("version"),
                "是" if cited.get("verified") else "否（待核实）", cited.get("id"),
            ])  # fmt: skip
            row += 1
    sheet.set_column(0, 1, 30)


def assessment_export(*, actor: User, year: int, assessments: Sequence[Assessment]) -> bytes:
    """The counties' assessments of `year` (the caller reads them in the actor's scope) as .xlsx, audited."""
    book = Workbook()
    _summary(book.add_sheet(SUMMARY_SHEET), book.bold, assessments)
    _items(book.add_sheet(ITEMS_SHEET), book.bold, assessments)
    _citations(book.add_sheet(CITATIONS_SHEET), book.bold, assessments)
    content = book.finish()
    with transaction.atomic():
        audit.record(
            actor=actor, action="planning.export", target=("planning.assessment", "*"), division=actor.jurisdiction,
            new={"report": "县级考核评估", "year": year, "rows": len(assessments),
                 "counties": [a.county.code for a in assessments]},
        )  # fmt: skip
    return content
