"""The yearly statistics a county sends up (P12, P16), and a period's value table: written from the frozen values
(current versions) following a `StatsTemplate` (rows and columns as data), with each figure's provenance in a
second sheet — computed: its 口径, selector version and the time of the data; reported: who entered it, who
reviewed it and the evidence. Every text goes through common/xlsx.py (no formula can be written); every export
is audited as `planning.export`. The provenance in Chinese (`provenance_lines`) is the value page's too."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.common.errors import Conflict, NotFound
from zhenxing.common.xlsx import Workbook
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.planning.catalogue import SHIPPED_TEMPLATE_CODE, shipped_template_rows
from zhenxing.planning.computed.registry import COMPUTED
from zhenxing.planning.enums import Aggregation, Direction, IndicatorSource, PeriodKind, ValueState
from zhenxing.planning.models import Indicator, IndicatorTarget, IndicatorValue, Period, StatsTemplate
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules.planning import target_met

SHEET_NAME = "统计表"
NOTES_SHEET = "数据来源说明"
NUMBER_FORMAT = "#,##0.####"

# the template's column keys → their headings ({year} filled in)
COLUMNS: dict[str, str] = {
    "baseline": "2020年基期值",
    "target": "{year}年目标值",
    "value": "{year}年实际值",
    "achievement": "完成情况",
    "source": "数据来源",
    "state": "数据状态",
}

FIGURE_LABELS = {
    "numerator": "分子（或合计数）",
    "denominator": "分母",
    "unconfigured": "所需参数未配置",
    "households_people": "年末在户人口",
    "basic_needs_people": "其中风险类型含住房安全、义务教育、饮水安全问题的户的人口",
    "households": "计入的户数",
    "recomputed": "按现有数据重新计算",
}


def plain_number(raw: object) -> str:
    """A stored decimal as people write it: 12, 93.5 (not 12.0000)."""
    try:
        number = Decimal(str(raw))
    except (ArithmeticError, ValueError):
        return str(raw)
    return f"{number.normalize():f}" if number.is_finite() else str(raw)


def _when(text: object) -> str:
    moment = parse_datetime(str(text)) if text else None
    if moment is None:
        return str(text or "")
    return (
        f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
        if timezone.is_aware(moment)
        else f"{moment:%Y-%m-%d %H:%M}"
    )


def _parameter(kind: str, citation: Any) -> str:
    label = dict(ParameterKind.choices).get(kind, kind)
    if not isinstance(citation, Mapping):
        return label
    verified = "已核实" if citation.get("verified") else "未核实"
    return f"{label}（{citation.get('year') or ''}年度 第{citation.get('version')}版，{verified}）"


def _division_name(code: object) -> str:
    """A division's name for its code (a code never shown on screen)."""
    found = Division.objects.filter(code=str(code or "")).only("name").first()
    return found.name if found is not None else "（单位已撤销）"


def _reported_lines(provenance: Mapping[str, Any]) -> list[tuple[str, str]]:
    lines = [
        ("填报单位", _division_name(provenance.get("division"))),
        ("填报值", plain_number(provenance.get("value", ""))),
        ("填报人", f"{provenance.get('entered_by', '')}（{_when(provenance.get('entered_at'))}）"),
    ]
    for review in provenance.get("reviews", []):
        lines.append(
            ("审核", f"{review.get('action', '')}：{review.get('by', '')}（{_when(review.get('at'))}）")
        )
    if provenance.get("evidence"):
        lines.append(("佐证说明", str(provenance["evidence"])))
    return lines


def _rebuilt_lines(provenance: Mapping[str, Any]) -> list[tuple[str, str]]:
    if provenance.get("not_rebuilt"):
        return [("说明", str(provenance["not_rebuilt"]))]
    if provenance.get("rebuilt"):
        return [("说明", "县(市)数值更正后，由各县(市)现行数值重新合计")]
    return []


def provenance_lines(value: IndicatorValue) -> list[tuple[str, str]]:
    """The value's provenance as (label, text) lines in Chinese."""
    provenance: Mapping[str, Any] = value.provenance or {}
    lines: list[tuple[str, str]] = []
    if value.version > 1:
        lines.append(("更正", f"第{value.version}版：{value.reason}"))
    if "selector" in provenance:
        lines += [
            ("计算口径", str(provenance.get("definition", ""))),
            ("计算口径版本", f"第{provenance.get('version', '')}版"),
            ("数据截至", _when(provenance.get("as_of"))),
        ]
        figures = provenance.get("figures") or {}
        lines += [(FIGURE_LABELS.get(k, k), "是" if v is True else str(v)) for k, v in figures.items()]
        for kind, citation in (provenance.get("parameters") or {}).items():
            lines.append(("引用参数", _parameter(kind, citation)))
        if provenance.get("recomputed"):
            lines.append(("说明", "更正时按现有数据重新计算"))
        return lines + _rebuilt_lines(provenance)
    if "report" in provenance:
        return lines + _reported_lines(provenance)
    if "sum_of" in provenance:
        lines.append(("汇总方式", f"由{len(provenance['sum_of'])}个乡镇的填报值相加"))
        for part in provenance["sum_of"]:
            lines += _reported_lines(part)
        return lines
    if "sum_of_counties" in provenance:
        lines.append(("汇总方式", f"{provenance['sum_of_counties']}个县(市)的值相加"))
        return lines + _rebuilt_lines(provenance)
    if "mean_of_counties" in provenance:
        lines.append(("汇总方式", f"{provenance['mean_of_counties']}个县(市)填报值的算术平均（未加权）"))
        return lines + _rebuilt_lines(provenance)
    if "counties_reported" in provenance:
        when = "更正后" if provenance.get("rebuilt") else "截至冻结时"
        missing = (
            f"{when}{provenance.get('counties', '')}个县(市)中只有{provenance['counties_reported']}个有值，"
            "不汇总全州合计"
        )
        return [*lines, ("说明", missing)]
    if "entered_by" in provenance:
        return [*lines, ("更正录入", f"{provenance['entered_by']}（{_when(provenance.get('entered_at'))}）")]
    if value.state == ValueState.MISSING:
        missing = f"截至冻结时没有经州级确认的填报值（乡镇填报{provenance.get('reports', 0)}条）"
        return [*lines, ("说明", missing)]
    return lines


def source_text(indicator: Indicator) -> str:
    if indicator.source == IndicatorSource.COMPUTED:
        return "系统计算"
    return f"部门填报（{indicator.department}）"


def definition_of(indicator: Indicator) -> str:
    """The 口径 of a computed indicator from its selector (or that it is not implemented yet)."""
    selector = COMPUTED.get(indicator.selector)
    if selector is None:
        return f"计算口径“{indicator.selector}”尚未实现"
    return f"{selector.definition}（第{selector.version}版）"


def achievement(value: IndicatorValue | None, target: Decimal | None, direction: str) -> str:
    if value is None or direction == Direction.WATCH:
        return "—"
    met = target_met(value.value, target, direction)
    return {True: "达到目标", False: "未达到目标", None: "—"}[met]


def targets_for(year: int, division: Division) -> dict[int, Decimal]:
    """Indicator id → the year's target for the division: the prefecture's own for the prefecture; for a county
    its split only — the prefecture's total stands in only for a share (a rate is the same for every county),
    never for a count (5000 for the prefecture is not 南涧's target); an indicator without one is 未分解."""
    prefecture_rows = IndicatorTarget.objects.filter(year=year, county__isnull=True).select_related(
        "indicator"
    )
    if division.level == DivisionLevel.PREFECTURE:
        return {t.indicator_id: t.value for t in prefecture_rows}
    out = {t.indicator_id: t.value for t in prefecture_rows if t.indicator.aggregation == Aggregation.RATIO}
    out.update({t.indicator_id: t.value for t in IndicatorTarget.objects.filter(year=year, county=division)})
    return out


def undivided_for(year: int, division: Division) -> set[int]:
    """Indicators with a prefecture target for the year but none split to this county (shown 未分解)."""
    if division.level == DivisionLevel.PREFECTURE:
        return set()
    have = set(targets_for(year, division))
    totals = IndicatorTarget.objects.filter(year=year, county__isnull=True).values_list(
        "indicator_id", flat=True
    )
    return set(totals) - have


def template() -> StatsTemplate:
    found = StatsTemplate.objects.filter(code=SHIPPED_TEMPLATE_CODE, active=True).first()
    if found is None:
        found = StatsTemplate.objects.filter(active=True).order_by("code").first()
    if found is None:  # a flushed table: the shipped layout, unsaved
        return StatsTemplate(code=SHIPPED_TEMPLATE_CODE, name="年度统计表", rows=shipped_template_rows(),
                             columns=list(COLUMNS))  # fmt: skip
    return found


@dataclass(frozen=True)
class Cell:
    indicator: Indicator
    value: IndicatorValue | None


def _number(value: Decimal | None) -> Decimal | str:
    return value if value is not None else ""


def _column_value(key: str, cell: Cell, target: Decimal | None, undivided: bool = False) -> Any:
    indicator, value = cell.indicator, cell.value
    if key == "baseline":
        return _number(indicator.baseline)
    if key == "target":
        return "未分解" if target is None and undivided else _number(target)
    if key == "value":
        if value is None:
            return "未冻结"
        return value.value if value.state == ValueState.VALUE else value.get_state_display()
    if key == "achievement":
        return achievement(value, target, indicator.direction)
    if key == "source":
        return source_text(indicator)
    if key == "state":
        return value.get_state_display() if value is not None else "未冻结"
    return ""


def year_period(year: int) -> Period:
    period = Period.objects.filter(kind=PeriodKind.YEAR, year=year, number=0).first()
    if period is None or period.frozen_at is None:
        raise Conflict(f"{year}年度统计期尚未冻结，不能生成年度统计表")
    return period


def stats_workbook(
    *, period: Period, division: Division, stats_template: StatsTemplate | None = None
) -> bytes:
    """The yearly table for one county (or the prefecture) and the notes sheet of every figure's provenance."""
    chosen = stats_template or template()
    columns = [key for key in chosen.columns if key in COLUMNS]
    codes = [row.get("indicator", "") for row in chosen.rows if row.get("indicator")]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes).select_related("sector")}
    values = {
        v.indicator.code: v
        for v in IndicatorValue.objects.filter(
            period=period, division=division, is_current=True
        ).select_related("indicator")
    }
    targets = targets_for(period.year, division)
    undivided = undivided_for(period.year, division)
    book = Workbook()
    number = book.add_format({"num_format": NUMBER_FORMAT})
    sheet = book.add_sheet(SHEET_NAME)
    sheet.cell(0, 0, f"{division.name}{chosen.name}（{period.year}年度）", book.bold)
    header = ["指标", "单位", *(COLUMNS[key].format(year=period.year) for key in columns)]
    sheet.row(1, 0, header, book.bold)
    sheet.set_column(0, 0, 36)
    sheet.set_column(2, len(header), 14)
    sheet.freeze_panes(2, 1)
    notes = book.add_sheet(NOTES_SHEET)
    notes.row(0, 0, ["指标", "数值", "版本", "来源项", "说明"], book.bold)
    notes.set_column(0, 0, 36)
    notes.set_column(3, 3, 16)
    notes.set_column(4, 4, 60)
    line, note_line = 2, 1
    for row in chosen.rows:
        code = row.get("indicator", "")
        indicator = indicators.get(code)
        if not code:
            sheet.cell(line, 0, row.get("label", ""), book.bold)
            line += 1
            continue
        if indicator is None:
            continue
        cell = Cell(indicator, values.get(code))
        sheet.cell(line, 0, row.get("label") or indicator.name)
        sheet.cell(line, 1, indicator.unit)
        for offset, key in enumerate(columns, start=2):
            content = _column_value(key, cell, targets.get(indicator.pk), indicator.pk in undivided)
            sheet.cell(line, offset, content, number if isinstance(content, Decimal) else None)
        line += 1
        note_line = _notes(notes, note_line, cell)
    return book.finish()


def _notes(notes: Any, line: int, cell: Cell) -> int:
    indicator, value = cell.indicator, cell.value
    shown = (
        "未冻结"
        if value is None
        else (value.value if value.state == ValueState.VALUE else value.get_state_display())
    )
    head = [indicator.name, shown, value.version if value is not None else ""]
    lines = provenance_lines(value) if value is not None else [("说明", "该统计期未冻结此指标")]
    lines = [("数据来源", source_text(indicator)), *lines]
    for index, (label, text) in enumerate(lines):
        notes.row(line, 0, [*(head if index == 0 else ["", "", ""]), label, text])
        line += 1
    return line


def _audit(actor: User, division: Division, what: dict[str, Any]) -> None:
    with transaction.atomic():
        audit.record(actor=actor, action="planning.export", target=("planning.indicatorvalue", "*"),
                     division=division, new=what)  # fmt: skip


def stats_export(*, actor: User, year: int, division: Division) -> bytes:
    """The county's (or the prefecture's) yearly statistics, audited. The caller has checked the scope."""
    period = year_period(year)
    content = stats_workbook(period=period, division=division)
    _audit(actor, division, {"report": "yearly_stats", "year": year, "division": division.code})
    return content


def place_label(place: Division) -> str:
    return "全州" if place.level == DivisionLevel.PREFECTURE else place.name


def period_table(values: Iterable[IndicatorValue], places: list[Division]) -> list[dict[str, Any]]:
    """Rows of a period's value table: the indicator and its value per place (a division code → value)."""
    rows: dict[int, dict[str, Any]] = {}
    for value in values:
        row = rows.setdefault(value.indicator_id, {"indicator": value.indicator, "cells": {}})
        row["cells"][value.division.code] = value
    out = sorted(rows.values(), key=lambda r: (r["indicator"].sort, r["indicator"].code))
    for row in out:
        row["ordered"] = [(place, row["cells"].get(place.code)) for place in places]
    return out


def period_export(
    *, actor: User, period: Period, rows: list[dict[str, Any]], places: list[Division]
) -> bytes:
    """A period's frozen values (indicator × the places in the actor's scope), audited."""
    if not rows:
        raise NotFound(f"{period}没有冻结值")
    book = Workbook()
    number = book.add_format({"num_format": NUMBER_FORMAT})
    sheet = book.add_sheet(SHEET_NAME)
    sheet.cell(0, 0, f"{period}指标冻结值", book.bold)
    sheet.row(1, 0, ["指标", "单位", *(place_label(place) for place in places)], book.bold)
    sheet.set_column(0, 0, 36)
    sheet.freeze_panes(2, 1)
    for line, row in enumerate(rows, start=2):
        sheet.cell(line, 0, row["indicator"].name)
        sheet.cell(line, 1, row["indicator"].unit)
        for offset, (_, value) in enumerate(row["ordered"], start=2):
            if value is None:
                sheet.cell(line, offset, "")
            elif value.state == ValueState.VALUE:
                sheet.cell(line, offset, value.value, number)
            else:
                sheet.cell(line, offset, value.get_state_display())
    content = book.finish()
    _audit(actor, actor.jurisdiction or places[-1],
           {"report": "period_values", "period": str(period), "places": [p.code for p in places]})  # fmt: skip
    return content
