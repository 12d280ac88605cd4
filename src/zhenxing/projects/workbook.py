"""The project library workbook in the layout county officers use (P14): one row per project version, the fund
sources as columns in 万元, 绩效目标 as three columns of "指标：目标值；…". Written through common/xlsx.py (no
formula can be written, text that looks like one is quoted) and read back by its header labels, so that an
exported file imports again (projects/imports.py). Never a household's name or number: a 到户 project shows
its count of households only."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet

from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.xlsx import Workbook
from zhenxing.policy.rules.projects import LINKAGE_MECHANISMS, fen_to_wan
from zhenxing.projects.enums import FundSource, ProjectStatus, TargetKind
from zhenxing.projects.models import Project, ProjectPlace, ProjectTarget
from zhenxing.projects.selectors import in_library_q
from zhenxing.transfer.reading import WorkbookError, header_normal, labelled_sheets

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

SHEET_NAME = "项目库"
EXPORT_LIMIT = 20000
# the 状态 filter's value for "in the library" (审定 and not 出库), beside the ProjectStatus codes
IN_LIBRARY = "in_library"
# by default the current versions: an adjusted project's old version and a cancelled proposal are left out
NOT_CURRENT = (ProjectStatus.ADJUSTED, ProjectStatus.CANCELLED)
WAN_FORMAT = "0.00####"  # 万元 to the fen: at least two decimals shown, at most six


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False  # the import refuses a file without it
    width: int = 12


def _source_key(source: str) -> str:
    return f"source:{source}"


TARGET_KEYS: dict[str, str] = {TargetKind.OUTPUT: "targets_output", TargetKind.BENEFIT: "targets_benefit",
               TargetKind.SATISFACTION: "targets_satisfaction"}  # fmt: skip
COLUMNS: tuple[Column, ...] = (
    Column("index", "序号", width=6),
    Column("code", "项目编号", width=16),
    Column("year", "项目年度", ("年度",), width=8),
    Column("name", "项目名称", required=True, width=30),
    Column("group", "项目类别（大类）", ("项目类别", "大类")),
    Column("category", "项目子类", ("子类", "项目类别（子类）"), required=True),
    Column("level", "项目层级", ("建设性质/项目层级", "层级"), required=True, width=10),
    Column("county", "县(市)", ("县市", "县")),
    Column("township", "乡(镇)", ("乡镇", "乡")),
    Column("village", "行政村", ("村",), required=True, width=16),
    Column("natural", "自然村", width=16),
    Column("content", "建设内容", required=True, width=30),
    Column("scale", "建设规模", required=True, width=20),
    Column("unit", "实施单位", required=True, width=20),
    Column("starts_on", "计划开工", ("计划开工日期", "开工时间"), required=True),
    Column("ends_on", "计划完工", ("计划完工日期", "完工时间"), required=True),
    Column("total", "计划总投资（万元）", ("计划总投资", "总投资（万元）"), required=True, width=14),
    *(Column(_source_key(s.value), f"{s.label}（万元）", (s.label,), width=14) for s in FundSource),
    Column(TARGET_KEYS[TargetKind.OUTPUT], "绩效目标（产出指标）", ("产出指标",), required=True, width=24),
    Column(TARGET_KEYS[TargetKind.BENEFIT], "绩效目标（效益指标）", ("效益指标",), required=True, width=24),
    Column(TARGET_KEYS[TargetKind.SATISFACTION], "绩效目标（满意度指标）", ("满意度指标",), required=True, width=24),
    Column("linkage", "联农带农机制", width=16),
    Column("linked_tuopin", "带动脱贫人口", width=10),
    Column("linked_monitoring", "带动监测对象", width=10),
    Column("to_households", "到户项目", width=8),
    Column("household_count", "受益户数", width=8),
    Column("emergency", "是否应急", width=8),
    Column("status", "状态", width=10),
    Column("decided_on", "审定日期"),
    # not in every county's sheet, but needed to bring an emergency project back in (P14 应急程序)
    Column("emergency_kind", "应急类型", width=10),
    Column("emergency_reason", "应急理由", width=24),
)  # fmt: skip
BY_KEY = {column.key: column for column in COLUMNS}
PAIR, ITEM = "：", "；"  # 指标：目标值；指标：目标值
MULTI = "、"


HEADER_LOOKUP = {
    header_normal(name): column for column in COLUMNS for name in (column.header, *column.aliases)
}


# --- export ---


def filtered_projects(
    projects: QuerySet[Project], *, county: str = "", year: int | None = None, status: str = "", group: str = "",
    level: str = "", q: str = "",
) -> QuerySet[Project]:  # fmt: skip
    """The library list's filters: a county (its code), a year, a status or 在库 (the list's "library"), a
    category group, a level, a name or number; by default the current versions."""
    if county:
        projects = projects.filter(county__code=county)
    if year:
        projects = projects.filter(year=year)
    if group:
        projects = projects.filter(category__group=group)
    if level:
        projects = projects.filter(level=level)
    if q:
        projects = projects.filter(Q(name__contains=q) | Q(code__startswith=q))
    if status in (IN_LIBRARY, "library"):
        return projects.filter(in_library_q())
    if status in ProjectStatus.values:
        return projects.filter(status=status)
    return projects.exclude(status__in=NOT_CURRENT)


def _rows_of(projects: QuerySet[Project]) -> list[Project]:
    places = ProjectPlace.objects.select_related("village__parent", "natural_village").order_by(
        "village__code", "pk"
    )
    return list(
        projects.select_related("category", "county")
        .prefetch_related(Prefetch("places", queryset=places), "fundings",
                          Prefetch("targets", queryset=ProjectTarget.objects.order_by("pk")))
        .annotate(household_count=Count("beneficiaries", distinct=True))
        .order_by("county__code", "-year", "code", "-version")[:EXPORT_LIMIT]
    )  # fmt: skip


def _joined(values: Iterable[str]) -> str:
    return MULTI.join(dict.fromkeys(v for v in values if v))


def _places(project: Project) -> tuple[str, str, str]:
    """(乡(镇), 行政村, 自然村): names joined by 、; with more than one village a natural village is written
    as 行政村/自然村 so that it reads back to its village."""
    places = list(project.places.all())
    villages = list(dict.fromkeys(place.village for place in places))
    townships = _joined(v.parent.name if v.parent else "" for v in villages)
    several = len(villages) > 1
    naturals = _joined(
        (f"{p.village.name}/{p.natural_village.name}" if several else p.natural_village.name)
        for p in places
        if p.natural_village is not None
    )
    return townships, _joined(v.name for v in villages), naturals


def _targets(project: Project, kind: str) -> str:
    return ITEM.join(f"{t.indicator}{PAIR}{t.target_value}" for t in project.targets.all() if t.kind == kind)


def _wan(fen: int | None) -> Decimal | None:
    return fen_to_wan(fen) if fen else None


def project_row(project: Project, index: int) -> dict[str, Any]:
    """One project as the workbook's cells, by column key (amounts as exact Decimal 万元)."""
    township, village, natural = _places(project)
    sources = {f.source: f.amount_fen for f in project.fundings.all()}
    return {
        "index": index, "code": project.code, "year": project.year, "name": project.name,
        "group": project.category.group, "category": project.category.name, "level": project.get_level_display(),
        "county": project.county.name, "township": township, "village": village, "natural": natural,
        "content": project.content, "scale": project.scale, "unit": project.implementing_unit,
        "starts_on": project.starts_on, "ends_on": project.ends_on, "total": fen_to_wan(project.total_fen),
        **{_source_key(s.value): _wan(sources.get(s.value)) for s in FundSource},
        **{key: _targets(project, kind) for kind, key in TARGET_KEYS.items()},
        "linkage": MULTI.join(LINKAGE_MECHANISMS.get(m, m) for m in project.linkage_mechanisms),
        "linked_tuopin": project.linked_tuopin_people, "linked_monitoring": project.linked_monitoring_people,
        "to_households": "是" if project.to_households else "否",
        "household_count": getattr(project, "household_count", None) if project.to_households else None,
        "emergency": "是" if project.emergency else "否", "status": project.get_status_display(),
        "decided_on": project.decided_on, "emergency_kind": project.get_emergency_kind_display(),
        "emergency_reason": project.emergency_reason,
    }  # fmt: skip


def library_workbook(projects: Sequence[Project], *, title: str) -> bytes:
    book = Workbook()
    sheet = book.add_sheet(SHEET_NAME)
    head = book.add_format({"bold": True, "bg_color": "#FDE8E6", "text_wrap": True, "valign": "vcenter"})
    wan = book.add_format({"num_format": WAN_FORMAT})
    sheet.cell(0, 0, title, book.bold)
    for index, column in enumerate(COLUMNS):
        sheet.cell(1, index, column.header, head)
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(2, 4)
    money = {index for index, c in enumerate(COLUMNS) if c.key == "total" or c.key.startswith("source:")}
    for row, project in enumerate(projects, start=2):
        cells = project_row(project, row - 1)
        for index, column in enumerate(COLUMNS):
            sheet.cell(row, index, cells[column.key], wan if index in money else None)
    return book.finish()


def library_export(*, actor: User, projects: QuerySet[Project], filters: dict[str, Any], title: str) -> bytes:
    """The library workbook of the projects (already scoped and filtered), audited: the library is no personal
    data, but what leaves the system and by whom is recorded like every export."""
    chosen = _rows_of(projects)
    content = library_workbook(chosen, title=title)
    with transaction.atomic():
        audit.record(
            actor=actor, action="project.export", target=("projects.project", "*"), division=actor.jurisdiction,
            new={"projects": len(chosen), "filters": {k: v for k, v in filters.items() if v not in (None, "")}},
        )  # fmt: skip
    return content


# --- reading an uploaded workbook ---


@dataclass(frozen=True)
class LibrarySheet:
    name: str
    header_row: int  # 1-based, as Excel numbers it
    columns: dict[str, int]  # column key → position
    rows: list[tuple[int, dict[str, Any]]]  # (1-based Excel row, values by column key)


def read_library(data: bytes, *, max_bytes: int, max_rows: int) -> LibrarySheet:
    """The first sheet with a header row naming 项目名称 and 计划总投资（万元）: its data rows by column key
    (columns it does not know are ignored). Raises WorkbookError, in Chinese, for the whole file."""
    for sheet in labelled_sheets(data, max_bytes=max_bytes, lookup=HEADER_LOOKUP, anchors=("name", "total")):
        name, number, columns, values = sheet.name, sheet.header_row, sheet.columns, sheet.values
        missing = [c.header for c in COLUMNS if c.required and c.key not in columns]
        if not any(key.startswith("source:") for key in columns):
            missing.append("资金来源列（如“中央财政衔接资金（万元）”）")
        if missing:
            raise WorkbookError(f"工作表“{name}”的表头缺少列：{'、'.join(missing)}")
        rows = []
        for offset, row in enumerate(values[number + 1 :], start=number + 2):
            cells = {key: row[position] if position < len(row) else None for key, position in columns.items()}
            meaningful = {k: v for k, v in cells.items() if k not in ("index",) and v not in (None, "")}
            if meaningful:
                rows.append((offset, cells))
        if not rows:
            raise WorkbookError(f"工作表“{name}”中没有数据行")
        if len(rows) > max_rows:
            raise WorkbookError(f"共 {len(rows)} 行，超过一次导入的上限 {max_rows} 行，请分批导入")
        return LibrarySheet(name=name, header_row=number + 1, columns=columns, rows=rows)
    raise WorkbookError(
        "找不到项目库表头：须有一行列名，含“项目名称”和“计划总投资（万元）”等（可先导出一份作为模板）"
    )


def today_title(scope_name: str) -> str:
    return f"{scope_name}项目库（导出日期 {clock.today():%Y-%m-%d}）"


def as_date(value: Any) -> datetime.date | None:
    """A date cell, or a date written as text (2025-03-01, 2025/3/1, 2025年3月1日). None when empty; raises
    ValueError when it is no date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if match is None:
        raise ValueError(text)
    return datetime.date(*map(int, match.groups()))
