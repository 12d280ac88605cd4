"""The 责任追溯 export (P13): a household's history leaving the system for an inquiry or an appeal, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.xlsx import Workbook
from zhenxing.monitoring.tracing.selectors import TraceEntry, household_trace

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.registry.models import Household

COLUMNS = ("时间", "类别", "案件", "事项", "办理人", "期限", "超期", "理由/意见", "依据参数版本", "标记")


def trace_export(*, actor: User, household: Household) -> bytes:
    """The export for an inquiry or an appeal: a record of a household's history leaving the system, audited."""
    entries = household_trace(household)
    with transaction.atomic():
        audit.record(
            actor=actor, action="trace.export", target=household, division=household.village,
            new={"entries": len(entries)},
        )  # fmt: skip
    return trace_workbook(household, entries)


def trace_workbook(household: Household, entries: list[TraceEntry]) -> bytes:
    """The same record for an inquiry, as .xlsx (no ID numbers: the household is named by its code)."""
    book = Workbook()
    sheet = book.add_sheet("责任追溯")
    bold = book.bold
    exported = clock.localtime(clock.now())  # Beijing time (TIME_ZONE), as every time on screen
    sheet.row(
        0,
        0,
        [f"农户 {household.code or household.pk} 责任追溯（导出于北京时间 {exported:%Y-%m-%d %H:%M}）"],
        bold,
    )
    sheet.row(1, 0, COLUMNS, bold)
    for row, entry in enumerate(entries, start=2):
        sheet.row(row, 0, [
            clock.localtime(entry.at).strftime("%Y-%m-%d" if entry.date_only else "%Y-%m-%d %H:%M"), entry.kind, entry.case_id or "", entry.what,
            entry.who, entry.due.isoformat() if entry.due else "", "是" if entry.overdue else "", entry.reason,
            entry.versions, "；".join(entry.marks),
        ])  # fmt: skip
    sheet.freeze_panes(2, 0)
    return book.finish()
