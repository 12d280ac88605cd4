"""The disposal log (处置台账, P15) of a user's scope as .xlsx: one row per application with its asset, the
valuation in 万元, each step of the chain (乡镇审核, 县行业主管部门审批, 县人民政府审批) with its day and outcome,
the final status and the proceeds in 元 with their use. Written through common/xlsx.py (text never becomes a
formula) and audited like every export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhenxing.assets.enums import DisposalStatus
from zhenxing.assets.models import Disposal
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.xlsx import Workbook

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

SHEET = "处置台账"
FEN_PER_WAN = Decimal(1_000_000)
FEN_PER_YUAN = Decimal(100)
# the step a record closes, by the status it left: 乡镇, 县行业主管部门, 县人民政府
STEP_COLUMNS = (
    (DisposalStatus.APPLIED, "乡镇审核"),
    (DisposalStatus.TOWNSHIP_APPROVED, "县行业主管部门审批"),
    (DisposalStatus.SECTOR_APPROVED, "县人民政府审批"),
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float = 14


COLUMNS: tuple[Column, ...] = (
    Column("code", "资产编号", 18),
    Column("name", "资产名称", 24),
    Column("category", "资产类别", 10),
    Column("village", "所在村", 14),
    Column("kind", "处置方式", 10),
    Column("valuation", "评估价值（万元）", 14),
    Column("valuation_basis", "评估依据", 20),
    Column("reason", "处置理由", 30),
    Column("applied_on", "申请日期", 12),
    Column("applied_by", "申请单位", 16),
    *(
        column
        for status, label in STEP_COLUMNS
        for column in (
            Column(f"{status}:on", f"{label}日期", 12),
            Column(f"{status}:outcome", f"{label}结果", 24),
        )
    ),
    Column("status", "处置状态", 14),
    Column("proceeds", "处置收入（元）", 14),
    Column("proceeds_use", "收入用途", 18),
    Column("proceeds_note", "收入使用说明", 24),
)
HEADERS = tuple(column.header for column in COLUMNS)


def _applicant_unit(disposal: Disposal) -> str:
    user = disposal.applied_by
    unit = user.jurisdiction.name if user.jurisdiction is not None else ""
    return f"{unit}（{user}）" if unit else str(user)


def disposal_row(disposal: Disposal) -> dict[str, Any]:
    """One application's cells by column key (amounts as exact decimals: 万元 for the valuation, 元 for proceeds)."""
    asset = disposal.asset
    cells: dict[str, Any] = {
        "code": asset.code, "name": asset.name, "category": asset.get_category_display(),
        "village": asset.division.name, "kind": disposal.get_kind_display(),
        "valuation": Decimal(disposal.valuation_fen) / FEN_PER_WAN, "valuation_basis": disposal.valuation_basis,
        "reason": disposal.reason, "applied_on": disposal.applied_on, "applied_by": _applicant_unit(disposal),
        "status": disposal.get_status_display(),
        "proceeds": None if disposal.proceeds_fen is None else Decimal(disposal.proceeds_fen) / FEN_PER_YUAN,
        "proceeds_use": disposal.get_proceeds_use_display() if disposal.proceeds_use else "",
        "proceeds_note": disposal.proceeds_note,
    }  # fmt: skip
    for step in disposal.steps.all():  # prefetched, in the order they were done
        cells[f"{step.step}:on"] = timezone.localtime(step.done_at).date()
        cells[f"{step.step}:outcome"] = step.action + (f"：{step.findings}" if step.findings else "")
    return cells


def _ordered(disposals: QuerySet[Disposal]) -> list[Disposal]:
    return list(
        disposals.select_related("asset", "asset__division", "applied_by", "applied_by__jurisdiction")
        .prefetch_related("steps")
        .order_by("asset__county__code", "-applied_on", "-pk")
    )


def disposal_log_workbook(disposals: Iterable[Disposal]) -> bytes:
    book = Workbook()
    wan = book.add_format({"num_format": "0.000000"})
    yuan = book.add_format({"num_format": "0.00"})
    sheet = book.add_sheet(SHEET)
    sheet.cell(0, 0, f"资产处置台账（导出日期 {clock.today():%Y-%m-%d}）", book.bold)
    for index, column in enumerate(COLUMNS):
        sheet.cell(1, index, column.header, book.bold)
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(2, 2)
    for number, disposal in enumerate(disposals, start=2):
        cells = disposal_row(disposal)
        for index, column in enumerate(COLUMNS):
            fmt = wan if column.key == "valuation" else yuan if column.key == "proceeds" else None
            sheet.cell(number, index, cells.get(column.key), fmt)
    return book.finish()


def disposal_log_export(*, actor: User, disposals: QuerySet[Disposal]) -> bytes:
    """The log of the disposals given (already scoped to the actor), audited as asset.export."""
    chosen = _ordered(disposals)
    content = disposal_log_workbook(chosen)
    with transaction.atomic():
        audit.record(
            actor=actor, action="asset.export", target=("assets.disposal", "*"), division=actor.jurisdiction,
            new={"report": "disposal_log", "rows": len(chosen)},
        )  # fmt: skip
    return content
