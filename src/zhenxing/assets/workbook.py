"""The asset register's workbook (P15): the register in the layout counties keep (one row per asset, the value in
万元, the fund sources as "来源：万元；…"), exported with the register's filters, and the blank template the
import reads (assets/imports.py). Written through common/xlsx.py (no formula can be written, text that looks
like one is quoted) and read back by header labels, so that an exported register imports again (every row then
counts as 已在台账). Never a person's name or ID number: a 到户类 asset's owner is the owner name entered at 确权,
which the export writes as the register page shows it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet

from zhenxing.assets.enums import AssetCategory, AssetForm, AssetStatus, OwnerKind
from zhenxing.assets.models import Asset, AssetType
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.xlsx import Workbook
from zhenxing.funds.enums import FundSource
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.transfer.reading import header_normal

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

SHEET_NAME = "资产台账"
GUIDE_SHEET = "填写说明"
WAN_FORMAT = "0.00####"  # 万元 to the fen
PAIR, ITEM = "：", "；"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    width: int = 12
    imported: bool = False  # a column of the import template
    required: bool = False  # an imported row must fill it
    note: str = ""  # the template's instructions


COLUMNS: tuple[Column, ...] = (
    Column("code", "资产编号", ("编号",), 20, True,
           note="已在本系统的资产编号：该行视为已在台账，不重复导入；新资产留空（导入时编号）"),
    Column("name", "资产名称", ("名称",), 24, True, True, "最多100个字"),
    Column("category", "资产类别", width=10),
    Column("type", "资产类型", ("类型",), 16, True, True, "按“资产类型目录”填写名称或代码"),
    Column("quantity", "数量", (), 8, True, True, "大于0，最多两位小数"),
    Column("unit", "计量单位", width=8),
    Column("county", "县(市)", ("县市", "县")),
    Column("township", "乡镇", ("乡(镇)",)),
    Column("village", "行政村(区划代码)", ("行政村区划代码", "区划代码"), 16, True, True,
           "资产所在行政村（或乡镇、县）的12位/9位/6位区划代码，须在本县(市)内"),
    Column("natural", "自然村", (), 12, True, note="可空；只能填在行政村下"),
    Column("location", "具体位置", (), 20, True, note="可空，最多200个字"),
    Column("project", "来源项目编号", width=16),
    Column("document", "形成依据", ("形成依据（文件或项目）",), 24, True, True,
           "形成资产的文件、批复或原台账编号，最多200个字"),
    Column("formed_on", "形成日期", (), 12, True, True, "如 2019-06-30，不晚于今天"),
    Column("value", "资产价值（万元）", ("资产价值",), 12, True, True, "万元，大于0"),
    Column("sources", "资金来源构成", ("资金来源",), 24, True,
           note="可空；导入旧资产时只填一个资金来源（见“资金来源”）"),
    Column("form", "资产形态", (), 10, True, note="实物资产（空白即是）或股权"),
    Column("exit_method", "股权退出方式", (), 20, True, note="资产形态为股权时必填（P15）"),
    Column("owner_kind", "所有权人类型", (), 14, True,
           note="已确权的资产填写：村集体经济组织，或县、乡镇单位（到户类的农户请在系统中确权）"),
    Column("owner_name", "所有权人", (), 20, True, note="已确权的资产填写"),
    Column("owner_document", "确权文书", (), 20, True, note="已确权的资产填写（导出表不含此列）"),
    Column("owned_on", "确权日期", (), 12, True, note="已确权的资产填写，不晚于今天"),
    Column("handed_over_on", "移交日期", (), 12, True, note="已移交的资产填写（须先确权），不早于确权日期"),
    Column("receiver", "接收方", (), 20, True, note="已移交的资产填写"),
    Column("care_unit", "管护责任单位", (), 20, True, note="已移交的资产可填写（与管护责任人一并填写）"),
    Column("care_person", "管护责任人", (), 10, True, note="已移交的资产可填写"),
    Column("condition", "资产状况", width=10),
    Column("last_inspected_on", "最近巡查"),
    Column("inspection_due", "下次巡查期限"),
    Column("status", "状态", width=12),
)  # fmt: skip
BY_KEY = {column.key: column for column in COLUMNS}
REGISTER_COLUMNS = tuple(c for c in COLUMNS if c.key != "owner_document")  # the export: the register's layout
IMPORT_COLUMNS = tuple(c for c in COLUMNS if c.imported)
HEADER_LOOKUP = {
    header_normal(name): column for column in COLUMNS for name in (column.header, *column.aliases)
}
SOURCE_OF_LABEL = {**{s.label: s.value for s in FundSource}, **{s.value: s.value for s in FundSource}}
FORM_OF_LABEL = {"实物资产": AssetForm.PHYSICAL, "实物": AssetForm.PHYSICAL, "股权": AssetForm.EQUITY,
                 AssetForm.EQUITY.label: AssetForm.EQUITY, "股权（入股分红）": AssetForm.EQUITY}  # fmt: skip
# 农户 is refused by the import (the workbook names no household): only these owners come in from a file
IMPORTED_OWNER_KINDS = {OwnerKind.COLLECTIVE.label: OwnerKind.COLLECTIVE, OwnerKind.UNIT.label: OwnerKind.UNIT,
                        "村集体": OwnerKind.COLLECTIVE}  # fmt: skip

GUIDE_LINES = (
    "在“资产台账”工作表中每项资产填一行，按表头列名识别（表头可在前几行，多出的列不读；导出的资产台账也可直接导入）。",
    "上传后逐行校验并列出每个错误（行号、列名、原因），什么都不写入；校验通过后由上传人确认，全部资产一次写入，"
    "有一行不成则全部不写入。",
    "资产编号已在台账的行，以及县(市)、资产名称、行政村、形成依据、形成日期都相同的资产，视为已在台账，不重复导入。",
    "一次最多 3000 行；不要使用公式和合并单元格。",
)


# --- export ---


def filtered_assets(assets: QuerySet[Asset], *, category: str = "", status: str = "") -> QuerySet[Asset]:
    """The register list's filters (a category, a status); an unknown value filters nothing."""
    if category in AssetCategory.values:
        assets = assets.filter(category=category)
    if status in AssetStatus.values:
        assets = assets.filter(status=status)
    return assets


def _sources(asset: Asset) -> str:
    return ITEM.join(
        f"{FundSource(share.source).label}{PAIR}{fen_to_wan(share.amount_fen)}"
        for share in sorted(asset.shares.all(), key=lambda s: s.source)
    )


def asset_row(asset: Asset) -> dict[str, Any]:
    """One asset as the workbook's cells, by column key (the value as exact Decimal 万元)."""
    division = asset.division
    township = (
        division.parent if division.level == "village" else division if division.level == "township" else None
    )
    return {
        "code": asset.code, "name": asset.name, "category": asset.get_category_display(),
        "type": asset.asset_type.name, "quantity": Decimal(asset.quantity), "unit": asset.unit,
        "county": asset.county.name, "township": township.name if township else "", "village": division.code,
        "natural": asset.natural_village.name if asset.natural_village else "", "location": asset.location,
        "project": asset.project.code if asset.project else "", "document": asset.source_document,
        "formed_on": asset.formed_on, "value": fen_to_wan(asset.value_fen), "sources": _sources(asset),
        "form": AssetForm(asset.form).label if asset.form == AssetForm.PHYSICAL else "股权",
        "exit_method": asset.equity_exit_method, "owner_kind": asset.get_owner_kind_display(),
        "owner_name": asset.owner_name, "owned_on": asset.owned_on, "handed_over_on": asset.handed_over_on,
        "receiver": asset.receiver, "care_unit": asset.care_unit, "care_person": asset.care_person,
        "condition": asset.get_condition_display(), "last_inspected_on": asset.last_inspected_on,
        "inspection_due": asset.inspection_due, "status": asset.get_status_display(),
    }  # fmt: skip


def _ordered(assets: QuerySet[Asset]) -> Iterator[Asset]:
    """Rows in chunks (thousands of assets: never the whole register in memory at once)."""
    return (
        assets.select_related("asset_type", "county", "division__parent", "natural_village", "project")
        .prefetch_related("shares")
        .order_by("code")
        .iterator(chunk_size=500)
    )


def register_workbook(assets: QuerySet[Asset], *, title: str) -> tuple[bytes, int]:
    """The register sheet, row after row in order (title, header, data), as constant_memory requires. Asked for,
    but common/xlsx.Workbook also sets in_memory, which xlsxwriter lets override it: the cells are kept until
    finish() — measured 28 MB at the peak for 5,000 assets; the database side is read in chunks (_ordered).
    Returns the bytes and the number of assets."""
    book = Workbook(constant_memory=True)
    sheet = book.add_sheet(SHEET_NAME)
    head = book.add_format({"bold": True, "bg_color": "#FDE8E6", "text_wrap": True, "valign": "vcenter"})
    wan = book.add_format({"num_format": WAN_FORMAT})
    for index, column in enumerate(REGISTER_COLUMNS):
        sheet.set_column(index, index, column.width)
    sheet.cell(0, 0, title, book.bold)
    sheet.row(1, 0, [column.header for column in REGISTER_COLUMNS], head)
    sheet.freeze_panes(2, 2)
    money = next(i for i, c in enumerate(REGISTER_COLUMNS) if c.key == "value")
    count = 0
    for count, asset in enumerate(_ordered(assets), start=1):
        cells = asset_row(asset)
        for index, column in enumerate(REGISTER_COLUMNS):
            sheet.cell(count + 1, index, cells[column.key], wan if index == money else None)
    return book.finish(), count


def register_export(*, actor: User, assets: QuerySet[Asset], filters: dict[str, str], title: str) -> bytes:
    """The register of the assets given (already scoped to the actor and filtered), audited: what leaves the
    system and by whom is recorded like every export."""
    content, count = register_workbook(assets, title=title)
    with transaction.atomic():
        audit.record(
            actor=actor, action="asset.export", target=("assets.asset", "*"), division=actor.jurisdiction,
            new={"report": "register", "rows": count, **({"filters": filters} if filters else {})},
        )  # fmt: skip
    return content


def register_title(scope_name: str) -> str:
    return f"{scope_name}扶贫（衔接）项目资产台账（导出日期 {clock.today():%Y-%m-%d}）"


# --- the import template ---


def import_template(*, sector_id: int | None = None) -> bytes:
    """A blank import sheet (the import's columns, required ones marked) and its instructions: each column,
    the asset types of the catalogue (a sector department's own only), the categories, the fund sources."""
    book = Workbook()
    sheet = book.add_sheet(SHEET_NAME)
    head = book.add_format({"bold": True, "bg_color": "#FDE8E6", "text_wrap": True, "valign": "vcenter"})
    for index, column in enumerate(IMPORT_COLUMNS):
        sheet.set_column(index, index, column.width)
        sheet.cell(0, index, column.header, head)
    sheet.freeze_panes(1, 2)
    guide = book.add_sheet(GUIDE_SHEET)
    guide.set_column(0, 0, 22)
    guide.set_column(1, 4, 18)
    types = AssetType.objects.filter(active=True).select_related("sector")
    if sector_id is not None:
        types = types.filter(sector_id=sector_id)
    heading, blank = True, None  # a heading row is bold; a blank row separates the parts
    rows: list[tuple[list[Any], bool] | None] = [
        (["资产台账导入说明（P15）"], heading),
        *(([line], False) for line in GUIDE_LINES),
        blank,
        (["列名", "是否必填", "说明"], heading),
        *(([c.header, "必填" if c.required else "", c.note], False) for c in IMPORT_COLUMNS),
        blank,
        (["资产类型目录"], heading),
        (["资产类型", "代码", "资产类别", "主管行业部门", "计量单位"], heading),
        *(([t.name, t.code, t.get_category_display(), t.sector.name, t.unit], False) for t in types),
        blank,
        (["资产类别"], heading),
        *(([label], False) for label in AssetCategory.labels),
        blank,
        (["资金来源"], heading),
        *(([label], False) for label in FundSource.labels),
        blank,
        (["资产形态"], heading),
        (["实物资产", "股权"], False),
        blank,
        (["所有权人类型"], heading),
        ([OwnerKind.COLLECTIVE.label, OwnerKind.UNIT.label], False),
    ]
    for number, line in enumerate(rows):
        if line is not None:
            guide.row(number, 0, line[0], book.bold if line[1] else None)
    return book.finish()
