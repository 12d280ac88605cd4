"""The fund ledger's workbooks (P14): the ledger of one allocation document, the payment list of a county and
budget year, 支出进度 by source (one county, or every county of the prefecture), and the blank import template.
Written through common/xlsx.py (no formula can be written, text that looks like one is quoted); amounts are
numbers in 万元, exact to the fen (fen_to_wan), shown with at least two and at most six decimals.

The ledger sheet has the import's columns (LEDGER_COLUMNS, read by funds/workbook_rows.py) plus a few a reader
needs (names, status, reversals), one row per payment (a split without payment, a line without split: one row
each), so that an exported ledger imports again unchanged. Every download is audited ("fund.export")."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet

from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.xlsx import Sheet, Workbook
from zhenxing.divisions.models import Division
from zhenxing.funds import progress, watch
from zhenxing.funds import selectors as ledger
from zhenxing.funds.enums import FundSource
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Release, Split
from zhenxing.policy.rules.projects import fen_to_wan

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

WAN_FORMAT = "0.00####"  # 万元 to the fen: at least two decimals shown, at most six
LEDGER_SHEET = "资金台账"
EXPORT_LIMIT = 50000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False  # the import refuses a file without it
    money: bool = False
    width: int = 12


# the import's columns (and the ledger export's, with the reader's extras below marked export-only)
LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("doc_number", "文号", ("下达文号", "文件文号"), required=True, width=22),
    Column("issued_on", "下达日期", ("下达时间",), required=True),
    Column("level", "下达层级", ("层级",), required=True, width=8),
    Column("budget_year", "预算年度", ("年度",), required=True, width=8),
    Column("advance", "提前下达", width=8),
    Column("county", "县(市)代码", ("县(市)区划代码", "县区划代码", "县市代码"), required=True, width=10),
    Column("county_name", "县(市)", width=10),  # export only: the code is what the import reads
    Column("source", "资金来源", required=True, width=22),
    Column("line_amount", "下达金额（万元）", ("下达金额",), required=True, money=True, width=14),
    Column("project_code", "项目编号", width=16),
    Column("project_name", "项目名称", width=28),  # export only
    Column("split_amount", "分配金额（万元）", ("分配金额",), money=True, width=14),
    Column("split_status", "分配状态", width=10),  # the import skips a split that is not 已分配
    Column("paid_on", "支付日期"),
    Column("payee", "收款单位", width=24),
    Column("voucher", "凭证号", width=14),
    Column("payment_amount", "支付金额（万元）", ("支付金额",), money=True, width=14),
    Column("reverses", "冲销的凭证号", width=14),  # a reversal: the voucher of the payment it corrects
    Column("reason", "冲销原因", width=20),
)
BY_KEY = {column.key: column for column in LEDGER_COLUMNS}
EXPORT_ONLY = ("county_name", "project_name")
TEMPLATE_COLUMNS = tuple(c for c in LEDGER_COLUMNS if c.key not in (*EXPORT_ONLY, "split_status"))


def wan(fen: int | None) -> Decimal | None:
    return None if fen is None else fen_to_wan(fen)


class _Book:
    """A workbook with the formats the fund sheets share."""

    def __init__(self) -> None:
        self.book = Workbook()
        self.head = self.book.add_format(
            {"bold": True, "bg_color": "#FDE8E6", "text_wrap": True, "valign": "vcenter"}
        )
        self.wan = self.book.add_format({"num_format": WAN_FORMAT})
        self.percent = self.book.add_format({"num_format": "0.00"})

    def table(
        self, name: str, title: str, columns: Sequence[Column], rows: Iterable[dict[str, Any]]
    ) -> tuple[Sheet, int]:
        """A sheet: the title in row 1, the header in row 2, then the rows (by column key). Answers the sheet and
        the next free row."""
        sheet = self.book.add_sheet(name)
        sheet.cell(0, 0, title, self.book.bold)
        for index, column in enumerate(columns):
            sheet.cell(1, index, column.header, self.head)
            sheet.set_column(index, index, column.width)
        sheet.freeze_panes(2, 0)
        chosen = list(rows)
        for number, cells in enumerate(chosen, start=2):
            for index, column in enumerate(columns):
                fmt = self.wan if column.money else self.percent if column.key == "percent" else None
                sheet.cell(number, index, cells.get(column.key), fmt)
        return sheet, 2 + len(chosen)

    def finish(self) -> bytes:
        return self.book.finish()


def _audited(actor: User, *, target: Any, division: Division | None, new: dict[str, Any]) -> None:
    with transaction.atomic():
        audit.record(actor=actor, action="fund.export", target=target, division=division, new=new)


def _title(what: str) -> str:
    return f"{what}（导出日期 {clock.today():%Y-%m-%d}，金额单位：万元）"


# --- the ledger of one allocation document ---


def _payment_cells(payment: Payment, vouchers: dict[int, str]) -> dict[str, Any]:
    return {
        "paid_on": payment.paid_on, "payee": payment.payee, "voucher": payment.voucher,
        "payment_amount": fen_to_wan(payment.amount_fen),
        "reverses": vouchers.get(payment.reverses_id or 0, ""), "reason": payment.reason,
    }  # fmt: skip


def ledger_rows(allocation: Allocation, lines: QuerySet[AllocationLine]) -> list[dict[str, Any]]:
    """One row per payment (a split without payment, a line without split: one row each), by column key."""
    head = {
        "doc_number": allocation.doc_number, "issued_on": allocation.issued_on,
        "level": allocation.get_level_display(), "budget_year": allocation.budget_year,
        "advance": "是" if allocation.advance else "否",
    }  # fmt: skip
    chosen = list(lines.select_related("county").order_by("county__code", "source", "pk"))
    splits: dict[int, list[Split]] = {}
    for split in Split.objects.filter(line__in=chosen).select_related("project").order_by("pk"):
        splits.setdefault(split.line_id, []).append(split)
    payments: dict[int, list[Payment]] = {}
    vouchers: dict[int, str] = {}
    for payment in Payment.objects.filter(split__line__in=chosen).order_by("pk"):
        payments.setdefault(payment.split_id, []).append(payment)
        vouchers[payment.pk] = payment.voucher
    rows: list[dict[str, Any]] = []
    for line in chosen:
        line_cells = {
            **head, "county": line.county.code, "county_name": line.county.name,
            "source": line.get_source_display(), "line_amount": fen_to_wan(line.amount_fen),
        }  # fmt: skip
        if not splits.get(line.pk):
            rows.append(line_cells)
        for split in splits.get(line.pk, []):
            split_cells = {
                **line_cells, "project_code": split.project.code, "project_name": split.project.name,
                "split_amount": fen_to_wan(split.amount_fen), "split_status": split.get_status_display(),
            }  # fmt: skip
            if not payments.get(split.pk):
                rows.append(split_cells)
            rows.extend({**split_cells, **_payment_cells(p, vouchers)} for p in payments.get(split.pk, []))
    return rows


SUMMARY_COLUMNS = (
    Column("county", "县(市)代码", width=10),
    Column("county_name", "县(市)", width=10),
    Column("source", "资金来源", width=22),
    Column("amount", "下达金额", money=True, width=14),
    Column("split", "已分配（含待确认）", money=True, width=14),
    Column("released", "出库退回/终止收回", money=True, width=14),
    Column("remaining", "指标余额", money=True, width=14),
    Column("paid", "已支付（冲销后）", money=True, width=14),
)
RELEASE_COLUMNS = (
    Column("project_code", "项目编号", width=16),
    Column("project_name", "项目名称", width=28),
    Column("county_name", "县(市)", width=10),
    Column("source", "资金来源", width=22),
    Column("kind", "类型", width=10),
    Column("amount", "金额", money=True, width=14),
    Column("released_on", "日期"),
    Column("reason", "原因", width=30),
)


def allocation_workbook(allocation: Allocation, lines: QuerySet[AllocationLine]) -> tuple[bytes, int]:
    book = _Book()
    rows = ledger_rows(allocation, lines)
    title = allocation.title or allocation.doc_number
    book.table(LEDGER_SHEET, _title(f"{allocation.doc_number} {title} 资金台账"), LEDGER_COLUMNS, rows)
    summary = []
    for line in lines.select_related("county").order_by("county__code", "source"):
        balance = ledger.line_balance(line)
        summary.append({
            "county": line.county.code, "county_name": line.county.name, "source": line.get_source_display(),
            "amount": wan(balance.amount_fen), "split": wan(balance.split_fen), "released": wan(balance.released_fen),
            "remaining": wan(balance.remaining_fen), "paid": wan(balance.paid_fen),
        })  # fmt: skip
    book.table("指标汇总", _title(f"{allocation.doc_number} 各县资金指标余额"), SUMMARY_COLUMNS, summary)
    releases = (
        Release.objects.filter(split__line__in=lines)
        .select_related("split__project", "county")
        .order_by("released_on", "pk")
    )
    book.table("退回与收回", _title(f"{allocation.doc_number} 出库退回和终止收回"), RELEASE_COLUMNS, (
        {"project_code": r.split.project.code, "project_name": r.split.project.name, "county_name": r.county.name,
         "source": r.split.get_source_display(), "kind": r.get_kind_display(), "amount": wan(r.amount_fen),
         "released_on": r.released_on, "reason": r.reason}
        for r in releases
    ))  # fmt: skip
    return book.finish(), len(rows)


def allocation_export(*, actor: User, allocation: Allocation, lines: QuerySet[AllocationLine]) -> bytes:
    """The ledger of one document, its lines in the actor's counties only (already scoped), audited."""
    content, count = allocation_workbook(allocation, lines)
    _audited(actor, target=allocation, division=actor.jurisdiction,
             new={"report": "资金台账", "doc_number": allocation.doc_number, "rows": count})  # fmt: skip
    return content


# --- the payment list of a county and budget year ---

PAYMENT_COLUMNS = (
    Column("index", "序号", width=6),
    Column("paid_on", "支付日期"),
    Column("voucher", "凭证号", width=14),
    Column("payee", "收款单位", width=24),
    Column("payment_amount", "支付金额（万元）", money=True, width=14),
    Column("reverses", "冲销的凭证号", width=14),
    Column("reason", "冲销原因", width=20),
    Column("project_code", "项目编号", width=16),
    Column("project_name", "项目名称", width=28),
    Column("source", "资金来源", width=22),
    Column("doc_number", "文号", width=22),
    Column("issued_on", "下达日期"),
)


def payment_rows(payments: QuerySet[Payment]) -> list[dict[str, Any]]:
    chosen = list(
        payments.select_related("split__project", "split__line__allocation", "reverses").order_by(
            "paid_on", "pk"
        )[:EXPORT_LIMIT]
    )
    return [
        {
            "index": index, **_payment_cells(p, {p.reverses.pk: p.reverses.voucher} if p.reverses else {}),
            "project_code": p.split.project.code, "project_name": p.split.project.name,
            "source": p.split.get_source_display(), "doc_number": p.split.line.allocation.doc_number,
            "issued_on": p.split.line.allocation.issued_on,
        }
        for index, p in enumerate(chosen, start=1)
    ]  # fmt: skip


def payments_export(*, actor: User, county: Division, year: int, payments: QuerySet[Payment]) -> bytes:
    """The payments (and reversals, as negative rows) of a county's budget year, scoped by the caller."""
    rows = payment_rows(payments)
    total = fen_to_wan(sum(p.amount_fen for p in payments.only("amount_fen")))
    book = _Book()
    sheet, next_row = book.table(
        "支付清单", _title(f"{county.name}{year}年度衔接资金支付清单"), PAYMENT_COLUMNS, rows
    )
    sheet.cell(next_row, 0, "合计", book.book.bold)
    sheet.cell(next_row, 4, total, book.wan)
    content = book.finish()
    _audited(actor, target=("funds.payment", "*"), division=county,
             new={"report": "支付清单", "county": county.code, "year": year, "rows": len(rows)})  # fmt: skip
    return content


# --- 支出进度 by source ---

PROGRESS_COLUMNS = (
    Column("county", "县(市)代码", width=10),
    Column("county_name", "县(市)", width=10),
    Column("source", "资金来源", width=24),
    Column("allocated", "下达金额（万元）", money=True, width=14),
    Column("split", "已分配到项目（万元）", money=True, width=14),
    Column("unsplit", "未分配（万元）", money=True, width=14),
    Column("paid", "已支付（万元）", money=True, width=14),
    Column("percent", "支出进度（%）", width=12),
)


def _progress_cells(county: Division | None, source: str, sums: progress.Sums) -> dict[str, Any]:
    rate = sums.progress
    return {
        "county": county.code if county else "", "county_name": county.name if county else "合计",
        "source": FundSource(source).label if source else "合计", "allocated": wan(sums.allocated_fen),
        "split": wan(sums.split_fen), "unsplit": wan(sums.unsplit_fen), "paid": wan(sums.paid_fen),
        "percent": rate,
    }  # fmt: skip


def _added(items: Iterable[progress.Sums]) -> progress.Sums:
    chosen = list(items)
    return progress.Sums(
        allocated_fen=sum(s.allocated_fen for s in chosen), split_fen=sum(s.split_fen for s in chosen),
        paid_fen=sum(s.paid_fen for s in chosen),
    )  # fmt: skip


def progress_rows(counties: Sequence[Division], year: int) -> list[dict[str, Any]]:
    """Per county and source, a county total after each county's sources, and (several counties) a grand total."""
    sums = progress.ledger_sums(counties=[c.pk for c in counties], budget_year=year, by=("county", "source"))
    order = {source: index for index, source in enumerate(FundSource.values)}
    rows: list[dict[str, Any]] = []
    for county in counties:
        mine = sorted(((key[1], value) for key, value in sums.items() if key[0] == county.pk),
                      key=lambda item: order.get(item[0], 99))  # fmt: skip
        rows.extend(_progress_cells(county, source, value) for source, value in mine)
        if mine:
            total = _progress_cells(county, "", _added(value for _, value in mine))
            rows.append({**total, "county_name": f"{county.name}小计"})
    if len(counties) > 1:
        rows.append(_progress_cells(None, "", _added(sums.values())))
    return rows


def progress_export(*, actor: User, counties: Sequence[Division], scope: Division, year: int) -> bytes:
    """支出进度 by source of the counties (already scoped: one county, or every county under the actor), with the
    schedule's target by today's month end (P14)."""
    rows = progress_rows(counties, year)
    # a budget year before the schedule parameter's first year has no target: 未配置, not a failure
    schedule = watch.schedule_of(year, today=clock.today())
    if not schedule.citation:
        target = "；进度要求：未配置"
    elif schedule.month_end:
        target = f"；进度要求：{schedule.month_end}应达到{schedule.target_percent}%"
    else:
        target = ""
    book = _Book()
    book.table("支出进度", _title(f"{scope.name}{year}年度衔接资金支出进度") + target, PROGRESS_COLUMNS, rows)
    content = book.finish()
    _audited(actor, target=("funds.allocationline", "*"), division=scope,
             new={"report": "支出进度", "county": scope.code, "year": year, "rows": len(rows)})  # fmt: skip
    return content


# --- the import template ---


def template_workbook() -> bytes:
    """The import's columns and two example rows (a payment, and a second payment of the same split)."""
    today = clock.today()
    example = {
        "doc_number": "南财农〔2026〕1号", "issued_on": datetime.date(today.year, 1, 15), "level": "中央",
        "budget_year": today.year, "advance": "否", "county": "532926", "source": FundSource.CENTRAL.label,
        "line_amount": Decimal("150"), "project_code": "53292620260001", "split_amount": Decimal("80"),
        "paid_on": datetime.date(today.year, 3, 1), "payee": "南涧县某建筑公司", "voucher": "记-001",
        "payment_amount": Decimal("30.5"),
    }  # fmt: skip
    second = {**example, "paid_on": datetime.date(today.year, 4, 1), "voucher": "记-002",
              "payment_amount": Decimal("20")}  # fmt: skip
    book = _Book()
    title = ("衔接资金台账导入模板：每行一笔支付（或一笔分配、一条指标），同一文号、县、资金来源的下达金额相同；"
             "金额单位万元，最多6位小数")  # fmt: skip
    book.table(LEDGER_SHEET, title, TEMPLATE_COLUMNS, [example, second])
    return book.finish()
